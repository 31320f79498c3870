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
//! sqlx does not know about a transaction opened in SQL text, so [`SqliteTx`] owns that state. A
//! connection whose transaction did not end cleanly (a statement failed, or the transaction was
//! dropped without commit or rollback, as when a request is cancelled) is closed, never handed
//! back to the pool. Closing a SQLite connection rolls its transaction back, and the pool opens a
//! fresh writer on the next acquire.

use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{self, Sqlite, SqlitePool};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, QueryResult, RuntimeErr, Statement,
    TransactionTrait,
};
use sea_query_binder::SqlxValues;

use super::batch::Batch;
use super::store::Store;

/// An open write transaction (see the module documentation).
#[derive(Debug)]
pub(super) enum WriteTx {
    Orm(DatabaseTransaction),
    Sqlite(SqliteTx),
}

/// A transaction opened in SQL text on the SQLite writer connection, taken out of its pool.
#[derive(Debug)]
pub(super) struct SqliteTx {
    /// `None` once the transaction has ended and the connection went back to the pool.
    conn: Option<PoolConnection<Sqlite>>,
}

impl Store {
    /// Begins a write transaction whose first statement is `first` (normally the write that
    /// takes the lock), and returns that statement's rows.
    pub(super) async fn begin_write(&self, first: Statement) -> Result<(WriteTx, Vec<QueryResult>), DbErr> {
        match &self.sqlite_writer {
            Some(pool) => {
                let mut tx = SqliteTx {
                    conn: Some(pool.acquire().await.map_err(exec_err)?),
                };
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

/// Whether sqlx keeps a statement prepared on the connection for next time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Prepared {
    /// The usual: the same SQL text comes again.
    Cached,
    /// SQL text that rarely repeats (a group of N statements): caching every N would keep
    /// thousands of prepared statements in the writer's memory.
    Once,
}

/// Runs `statement` (one or several statements that end any transaction they open) on the
/// SQLite writer, with its rows.
pub(super) async fn run_alone(
    pool: &SqlitePool,
    statement: Statement,
    prepared: Prepared,
) -> Result<Vec<QueryResult>, DbErr> {
    let mut tx = SqliteTx {
        conn: Some(pool.acquire().await.map_err(exec_err)?),
    };
    let rows = tx.run_prepared(statement, prepared).await?;
    tx.release();
    Ok(rows)
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

impl SqliteTx {
    /// Runs `statement` (one or several `;`-separated statements, their `?` parameters bound in
    /// order) on the connection. On failure the connection is closed (see the module docs).
    async fn run(&mut self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.run_prepared(statement, Prepared::Cached).await
    }

    async fn run_prepared(
        &mut self,
        statement: Statement,
        prepared: Prepared,
    ) -> Result<Vec<QueryResult>, DbErr> {
        let Some(conn) = self.conn.as_mut() else {
            return Err(DbErr::Custom("the SQLite transaction has already ended".into()));
        };
        let values = statement.values.unwrap_or(sea_orm::Values(Vec::new()));
        match sqlx::query_with(&statement.sql, SqlxValues(values))
            .persistent(prepared == Prepared::Cached)
            .fetch_all(&mut **conn)
            .await
        {
            Ok(rows) => Ok(rows.into_iter().map(QueryResult::from).collect()),
            Err(e) => {
                self.close();
                Err(exec_err(e))
            }
        }
    }

    /// The transaction has ended: the connection goes back to the pool.
    fn release(&mut self) {
        self.conn = None;
    }

    /// The transaction's state is unknown: the connection is closed (rolling back whatever is
    /// open) instead of going back to the pool.
    fn close(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        self.close();
    }
}

/// The pool a SQLite file's writes go to, for [`Store`] to keep beside its sea-orm handle.
pub(super) fn sqlite_writer(write: &sea_orm::DatabaseConnection) -> SqlitePool {
    write.get_sqlite_connection_pool().clone()
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

fn exec_err(e: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(e))
}
