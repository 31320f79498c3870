//! Cutting the servers off their database for a while, without touching the shared cluster:
//! on PostgreSQL the run's database refuses new connections and its backends are terminated
//! (`ALLOW_CONNECTIONS false` + `pg_terminate_backend`); on SQLite the soak holds an exclusive
//! lock on the file. `--pg-restart` (opt-in) restarts the whole PostgreSQL cluster instead.

use std::time::Duration;

use bench::procs::{DbKind, RunDatabase};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::error::{Result, SoakError};

/// How a cut is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutMethod {
    /// The default: PostgreSQL connections refused, or the SQLite file locked.
    Connections,
    /// `pg_ctlcluster … restart` (PostgreSQL only; affects every database of the cluster).
    RestartCluster,
}

#[derive(Debug)]
pub struct DbCutter {
    db: RunDatabase,
    method: CutMethod,
}

impl DbCutter {
    pub fn new(db: RunDatabase, method: CutMethod) -> DbCutter {
        DbCutter { db, method }
    }

    pub fn describe(&self) -> &'static str {
        match (self.db.kind, self.method) {
            (DbKind::Sqlite, _) => "SQLite file held under an exclusive lock",
            (DbKind::Postgres, CutMethod::Connections) => {
                "ALLOW_CONNECTIONS false + pg_terminate_backend on the run's database"
            }
            (DbKind::Postgres, CutMethod::RestartCluster) => "PostgreSQL cluster restart",
        }
    }

    /// Cuts the database off for `hold`, then restores it (also when the cut failed midway).
    pub async fn cut(&self, hold: Duration) -> Result<()> {
        match (self.db.kind, self.method) {
            (DbKind::Sqlite, _) => self.lock_sqlite(hold).await,
            (DbKind::Postgres, CutMethod::Connections) => {
                let cut = self.refuse_connections().await;
                tokio::time::sleep(hold).await;
                let restored = self.restore().await;
                cut.and(restored)
            }
            (DbKind::Postgres, CutMethod::RestartCluster) => restart_cluster(hold).await,
        }
    }

    async fn admin(&self) -> Result<(DatabaseConnection, &str)> {
        let (url, name) = self
            .db
            .admin
            .as_ref()
            .ok_or_else(|| SoakError::Unexpected("not a PostgreSQL run".into()))?;
        Ok((Database::connect(url.as_str()).await?, name.as_str()))
    }

    async fn refuse_connections(&self) -> Result<()> {
        let (conn, name) = self.admin().await?;
        conn.execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
            .await?;
        conn.execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .await?;
        conn.close().await?;
        Ok(())
    }

    /// Lets connections in again (PostgreSQL); harmless when they already are. Retried, since
    /// a run left with its database closed would prove nothing.
    pub async fn restore(&self) -> Result<()> {
        if self.db.kind != DbKind::Postgres {
            return Ok(());
        }
        let mut last = None;
        for _ in 0..10 {
            let attempt = async {
                let (conn, name) = self.admin().await?;
                conn.execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
                    .await?;
                conn.close().await?;
                Ok::<(), SoakError>(())
            };
            match attempt.await {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(last.unwrap_or_else(|| SoakError::Unexpected("restore failed".into())))
    }

    async fn lock_sqlite(&self, hold: Duration) -> Result<()> {
        let path = self
            .db
            .sqlite_path()
            .ok_or_else(|| SoakError::Unexpected("not a SQLite run".into()))?;
        let mut options = ConnectOptions::new(format!("sqlite://{}", path.display()));
        options.max_connections(1).min_connections(1).sqlx_logging(false);
        let conn = Database::connect(options).await?;
        conn.execute_unprepared("BEGIN EXCLUSIVE").await?;
        tokio::time::sleep(hold).await;
        let committed = conn.execute_unprepared("COMMIT").await;
        conn.close().await?;
        committed?;
        Ok(())
    }
}

/// `pg_ctlcluster <version> main restart`, then waits `hold` for it to come back.
async fn restart_cluster(hold: Duration) -> Result<()> {
    let version = std::fs::read_dir("/etc/postgresql")?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .next()
        .ok_or_else(|| SoakError::Unexpected("no cluster under /etc/postgresql".into()))?;
    let status = tokio::process::Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &version, "main", "restart"])
        .status()
        .await?;
    if !status.success() {
        return Err(SoakError::Unexpected(format!("pg_ctlcluster restart: {status}")));
    }
    tokio::time::sleep(hold).await;
    Ok(())
}
