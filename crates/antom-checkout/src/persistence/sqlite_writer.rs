//! The SQLite writer connection, driven in SQL text: one call may hold several statements,
//! including `BEGIN IMMEDIATE` and `COMMIT` (see `write_tx` and `group_commit`).
//!
//! sqlx does not know about a transaction opened in SQL text, so [`SqliteTx`] owns that state. A
//! connection whose transaction did not end cleanly (a statement failed, or the transaction was
//! dropped without commit or rollback, as when a request is cancelled) is closed, never handed
//! back to the pool. Closing a SQLite connection rolls its transaction back, and the pool opens a
//! fresh writer on the next acquire.

use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{self, Sqlite, SqlitePool};
use sea_orm::{DbErr, QueryResult, RuntimeErr, Statement};
use sea_query_binder::SqlxValues;

/// A transaction opened in SQL text on the SQLite writer connection, taken out of its pool.
#[derive(Debug)]
pub(super) struct SqliteTx {
    /// `None` once the transaction has ended and the connection went back to the pool.
    conn: Option<PoolConnection<Sqlite>>,
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
    let mut tx = SqliteTx::acquire(pool).await?;
    let rows = tx.run_prepared(statement, prepared).await?;
    tx.release();
    Ok(rows)
}

impl SqliteTx {
    /// Takes the writer connection out of its pool.
    pub(super) async fn acquire(pool: &SqlitePool) -> Result<SqliteTx, DbErr> {
        Ok(SqliteTx {
            conn: Some(pool.acquire().await.map_err(exec_err)?),
        })
    }

    /// Runs `statement` (one or several `;`-separated statements, their `?` parameters bound in
    /// order) on the connection. On failure the connection is closed (see the module docs).
    pub(super) async fn run(&mut self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.run_prepared(statement, Prepared::Cached).await
    }

    pub(super) async fn run_prepared(
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
    pub(super) fn release(&mut self) {
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

pub(super) fn exec_err(e: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(e))
}
