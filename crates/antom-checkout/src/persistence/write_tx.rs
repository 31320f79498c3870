//! Write transactions in as few round trips as each database allows.
//!
//! - PostgreSQL (and an in-memory SQLite database): a sea-orm transaction. BEGIN, each statement
//!   and COMMIT are a round trip each; the row lock comes from the first statement.
//! - A SQLite file: the transaction is written out in SQL and fused with its statements.
//!   `BEGIN IMMEDIATE` travels with the first statement and `COMMIT` with the last batch, each
//!   pair as one multi-statement call. Every call is a hand-off to the thread of sqlx's writer
//!   connection, and the one writer waits for the task holding it between hand-offs, so a
//!   lock → decide → save change now holds it for 2 hand-offs instead of 4, and a write-only change
//!   for 1 instead of 3.
//!
//! How a transaction opened in SQL text is kept safe is in `sqlite_writer`.

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, QueryResult, Statement, TransactionTrait,
};

use super::batch::Batch;
use super::sqlite_writer::{run_alone, Prepared, SqliteTx};
use super::store::Store;

/// An open write transaction (see the module documentation).
#[derive(Debug)]
pub(super) enum WriteTx {
    Orm(DatabaseTransaction),
    Sqlite(SqliteTx),
}

impl Store {
    /// Begins a write transaction whose first statement is `first` (normally the write that
    /// takes the lock), and returns that statement's rows.
    pub(super) async fn begin_write(&self, first: Statement) -> Result<(WriteTx, Vec<QueryResult>), DbErr> {
        match &self.sqlite_writer {
            Some(pool) => {
                let mut tx = SqliteTx::acquire(pool).await?;
                let rows = tx.run(prefixed("BEGIN IMMEDIATE", first)).await?;
                Ok((WriteTx::Sqlite(tx), rows))
            }
            None => {
                let tx = self.write.begin().await?;
                let rows = tx.query_all(first).await?;
                Ok((WriteTx::Orm(tx), rows))
            }
        }
    }

    /// Runs `batch` as one atomic change: on PostgreSQL the batch is one statement, atomic by
    /// itself; on a SQLite file `BEGIN IMMEDIATE; …; COMMIT` is one hand-off.
    pub(super) async fn write_atomically(&self, batch: Batch) -> Result<(), DbErr> {
        match (&self.sqlite_writer, batch.backend()) {
            (Some(pool), _) => {
                let Some(statement) = batch.into_statement() else {
                    return Ok(());
                };
                let pool = pool.clone();
                let statement = suffixed(prefixed("BEGIN IMMEDIATE", statement), "COMMIT");
                self.write_unit(async move { run_alone(&pool, statement, Prepared::Cached).await.map(drop) })
                    .await
            }
            (None, DbBackend::Postgres) => batch.execute(&self.write).await,
            (None, DbBackend::Sqlite | DbBackend::MySql) => {
                let tx = self.write.begin().await?;
                batch.execute(&tx).await?;
                tx.commit().await
            }
        }
    }

    /// An upsert returning exactly one row, committed before this returns: on a SQLite file
    /// in a group with the others waiting (`group_commit`), else on its own.
    pub(super) async fn write_upsert(&self, statement: Statement) -> Result<QueryResult, DbErr> {
        match &self.group_commit {
            Some(group) => group.upsert(statement).await,
            None => self
                .write
                .query_one(statement)
                .await?
                .ok_or_else(|| DbErr::Custom("the upsert returned no row".into())),
        }
    }
}

impl WriteTx {
    pub(super) fn backend(&self) -> DbBackend {
        match self {
            WriteTx::Orm(tx) => tx.get_database_backend(),
            WriteTx::Sqlite(_) => DbBackend::Sqlite,
        }
    }

    /// Runs a statement inside the transaction (a read under the lock) and returns its rows.
    pub(super) async fn query_all(&mut self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            WriteTx::Orm(tx) => tx.query_all(statement).await,
            WriteTx::Sqlite(tx) => tx.run(statement).await,
        }
    }

    /// Writes `batch` and commits: on SQLite, one hand-off for both.
    pub(super) async fn commit_with(self, batch: Batch) -> Result<(), DbErr> {
        match self {
            WriteTx::Orm(tx) => {
                batch.execute(&tx).await?;
                tx.commit().await
            }
            WriteTx::Sqlite(mut tx) => {
                let statement = match batch.into_statement() {
                    Some(statement) => suffixed(statement, "COMMIT"),
                    None => Statement::from_string(DbBackend::Sqlite, "COMMIT"),
                };
                tx.run(statement).await?;
                tx.release();
                Ok(())
            }
        }
    }

    /// Ends the transaction without writing anything more.
    pub(super) async fn rollback(self) -> Result<(), DbErr> {
        match self {
            WriteTx::Orm(tx) => tx.rollback().await,
            WriteTx::Sqlite(mut tx) => {
                tx.run(Statement::from_string(DbBackend::Sqlite, "ROLLBACK"))
                    .await?;
                tx.release();
                Ok(())
            }
        }
    }
}

fn prefixed(first: &str, statement: Statement) -> Statement {
    Statement {
        sql: format!("{first};\n{}", statement.sql),
        ..statement
    }
}

fn suffixed(statement: Statement, last: &str) -> Statement {
    Statement {
        sql: format!("{};\n{last}", statement.sql),
        ..statement
    }
}
