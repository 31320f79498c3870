//! `security_events`: refused webhook deliveries and failed admin logins, kept small.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// `WEBHOOK_REJECTED` or `ADMIN_LOGIN_FAILED`.
    pub kind: String,
    pub route: String,
    pub client_ip: Option<String>,
    pub reason: String,
    pub body_length: Option<i64>,
    pub body_sha256: Option<String>,
    /// JSON object of the few headers read (each cut short).
    pub headers: Option<String>,
    /// The first kilobyte of the body, card-number-like digit runs masked.
    pub preview: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
