//! The one error type of the persistence layer.
//!
//! Unique-constraint violations are recognised here and nowhere else: every `DbErr` becomes a
//! `StoreError` through the `From` impl below (so `?` does it), and a violation comes out as
//! [`StoreError::Conflict`] naming the columns the same way on both databases.

use sea_orm::sqlx::postgres::PgDatabaseError;
use sea_orm::sqlx::Error as SqlxError;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error")]
    Db(#[source] DbErr),
    #[error("not found")]
    NotFound,
    /// A unique constraint refused a row. `constraint` is `table.column` (columns joined by
    /// `", "` for a composite key), e.g. `orders.payment_request_id`, on either database.
    #[error("unique constraint violated: {constraint}")]
    Conflict { constraint: String },
    /// A stored row does not parse into domain values (snapshot, money, JSON).
    #[error("corrupt stored data: {0}")]
    CorruptSnapshot(String),
}

impl StoreError {
    /// Whether this is a unique violation of `constraint` (as named in [`StoreError::Conflict`]).
    pub fn is_conflict_on(&self, constraint: &str) -> bool {
        matches!(self, StoreError::Conflict { constraint: c } if c == constraint)
    }
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(message)) => StoreError::Conflict {
                constraint: constraint_columns(&e).unwrap_or(message),
            },
            _ => StoreError::Db(e),
        }
    }
}

/// `table.column` for a unique violation. SQLite says `UNIQUE constraint failed: orders.id`;
/// PostgreSQL names the table and puts the columns in the detail, `Key (id)=(…) already exists.`
fn constraint_columns(e: &DbErr) -> Option<String> {
    let (DbErr::Exec(RuntimeErr::SqlxError(SqlxError::Database(db)))
    | DbErr::Query(RuntimeErr::SqlxError(SqlxError::Database(db)))) = e
    else {
        return None;
    };
    if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
        let table = pg.table()?;
        let columns = pg.detail()?.strip_prefix("Key (")?.split_once(")=")?.0;
        let named: Vec<String> = columns
            .split(", ")
            .map(|column| format!("{table}.{column}"))
            .collect();
        return Some(named.join(", "));
    }
    db.message()
        .strip_prefix("UNIQUE constraint failed: ")
        .map(str::to_owned)
}
