//! Group commit of single-row upserts on a SQLite file: the inbox rows of notifications that
//! arrive together share one transaction and one hand-off to the writer.
//!
//! Each delivery must be on disk before it is acknowledged, so each waits for a commit; with
//! one writer, 32 deliveries in flight meant 32 hand-offs one after another. Here the first
//! statement waiting is taken with every other one already queued (at most [`MAX_GROUP`]),
//! sent as `BEGIN IMMEDIATE; s1; s2; …; COMMIT`, and each caller gets its own row back once
//! the group has committed. A group that fails is retried one statement at a time, so one bad
//! row cannot fail the others. Every statement must return exactly one row (an upsert with
//! `RETURNING`).

use sea_orm::sqlx::SqlitePool;
use sea_orm::{DbBackend, DbErr, QueryResult, Statement, Values};
use tokio::sync::{mpsc, oneshot};

use super::sqlite_writer::{run_alone, Prepared};

/// At most this many statements commit together.
pub(super) const MAX_GROUP: usize = 64;

type Reply = oneshot::Sender<Result<QueryResult, DbErr>>;

/// The queue in front of the group committer (cheap to clone).
#[derive(Clone, Debug)]
pub(super) struct GroupCommit {
    queue: mpsc::Sender<(Statement, Reply)>,
}

impl GroupCommit {
    /// Starts the committer on `lane` (the write lane's runtime).
    pub(super) fn start(lane: &tokio::runtime::Handle, pool: SqlitePool) -> GroupCommit {
        let (queue, jobs) = mpsc::channel(4 * MAX_GROUP);
        lane.spawn(commit_groups(pool, jobs));
        GroupCommit { queue }
    }

    /// Runs `statement` (returning exactly one row) in the next group, and returns its row
    /// once that group has committed.
    pub(super) async fn upsert(&self, statement: Statement) -> Result<QueryResult, DbErr> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((statement, reply))
            .await
            .map_err(|_| DbErr::Custom("the SQLite group committer has stopped".into()))?;
        answer
            .await
            .map_err(|_| DbErr::Custom("the SQLite group committer dropped a statement".into()))?
    }
}

async fn commit_groups(pool: SqlitePool, mut jobs: mpsc::Receiver<(Statement, Reply)>) {
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        if group.len() > 1 {
            let statements: Vec<&Statement> = group.iter().map(|(s, _)| s).collect();
            if let Ok(rows) = run_alone(&pool, together(&statements), Prepared::Once).await {
                if rows.len() == group.len() {
                    for ((_, reply), row) in group.into_iter().zip(rows) {
                        let _ = reply.send(Ok(row));
                    }
                    continue;
                }
            }
        }
        // One statement, or a group that failed: each on its own.
        for (statement, reply) in group {
            let row = run_alone(&pool, statement, Prepared::Cached)
                .await
                .and_then(|mut rows| match (rows.pop(), rows.is_empty()) {
                    (Some(row), true) => Ok(row),
                    _ => Err(DbErr::Custom(
                        "a grouped upsert did not return exactly one row".into(),
                    )),
                });
            let _ = reply.send(row);
        }
    }
}

/// `BEGIN IMMEDIATE; s1; …; sN; COMMIT` with the statements' values in order.
fn together(statements: &[&Statement]) -> Statement {
    let mut sql = String::from("BEGIN IMMEDIATE");
    let mut values = Vec::new();
    for statement in statements {
        sql.push_str(";\n");
        sql.push_str(&statement.sql);
        if let Some(Values(v)) = &statement.values {
            values.extend(v.iter().cloned());
        }
    }
    sql.push_str(";\nCOMMIT");
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sea_orm::sqlx::sqlite::SqliteConnectOptions;
    use sea_orm::sqlx::{self, SqlitePool};
    use sea_orm::{DbBackend, Statement};

    use super::GroupCommit;

    fn upsert(key: &str) -> Statement {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO t (k, n) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = n + 1 RETURNING n",
            [key.into()],
        )
    }

    /// A group with one statement that fails is retried one by one: the others still commit
    /// and get their rows, the bad one gets its error.
    #[tokio::test]
    async fn a_failing_statement_does_not_fail_its_group() {
        let dir = std::env::temp_dir().join(format!("group-commit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let options =
            SqliteConnectOptions::from_str(&format!("sqlite://{}/g.sqlite?mode=rwc", dir.display())).unwrap();
        let pool = SqlitePool::connect_with(options).await.unwrap();
        sqlx::query("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        let group = GroupCommit::start(&tokio::runtime::Handle::current(), pool.clone());
        let bad = Statement::from_string(
            DbBackend::Sqlite,
            "INSERT INTO missing (k) VALUES ('x') RETURNING k",
        );
        // Joined, the three are queued before the committer runs: they form one group.
        let (a, b, c) = tokio::join!(
            group.upsert(upsert("a")),
            group.upsert(bad),
            group.upsert(upsert("a"))
        );
        let n = |row: sea_orm::QueryResult| row.try_get_by_index::<i64>(0).unwrap();
        let mut counts = [n(a.unwrap()), n(c.unwrap())];
        counts.sort();
        assert_eq!(counts, [1, 2], "both good upserts committed, in turn");
        assert!(b.is_err(), "the bad statement gets its own error");
        let stored: i64 = sqlx::query_scalar("SELECT n FROM t WHERE k = 'a'")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(stored, 2);
        pool.close().await;
        std::fs::remove_dir_all(dir).ok();
    }
}
