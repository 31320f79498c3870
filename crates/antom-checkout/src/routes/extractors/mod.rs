//! What handlers take from the request: the admin user ([`admin_user`]), the buyer
//! ([`buyer`]), a bearer token ([`bearer`]) and who the client is ([`client`]).

pub mod admin_user;
pub mod bearer;
pub mod buyer;
pub mod client;
