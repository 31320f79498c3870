//! The database schema of antom-checkout, as sea-orm migrations.
//!
//! Every migration is written with sea-query's schema builder, so one piece of code creates the
//! same tables on SQLite and PostgreSQL. A migration is never edited once it has landed: change
//! the schema with a new one, appended to [`Migrator::migrations`].

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_initial;
mod m20261204_000002_hardening;
mod m20261205_000003_return_tokens;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial::Migration),
            Box::new(m20261204_000002_hardening::Migration),
            Box::new(m20261205_000003_return_tokens::Migration),
        ]
    }
}
