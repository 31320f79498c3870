//! The simulator over real HTTP on loopback, driven by antom-client as the product drives it.
//! Every test starts its own simulator (port 0), so tests are independent and parallel.

mod helpers;

mod browser;
mod cancel_refund;
mod captures;
mod control;
mod element;
mod faults;
mod hosted;
mod notifications;
mod payments;
mod sessions;
mod signature;
mod timers;
mod validation;
mod vaulting;
