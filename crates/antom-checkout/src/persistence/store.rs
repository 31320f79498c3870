//! The database handle: connecting to SQLite or PostgreSQL with the pools each needs,
//! migrating, and the readiness check.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::sqlx::SqlitePool;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, TransactionTrait,
};

use super::error::StoreError;
use super::group_commit::GroupCommit;
use super::sqlite_writer;
use super::write_lane::WriteLane;

// Both pools skip sqlx's default ping before every acquire: it is a round trip (a thread hop
// on SQLite) in front of every statement and transaction, and a connection that has died is
// found by the statement itself, which then fails and is answered as any database error
// (webhooks are redelivered, the reconciler retries) while the pool replaces the connection.

/// PostgreSQL pool size (reads and writes share it: PostgreSQL locks rows, not the database).
const POSTGRES_POOL: u32 = 16;
/// SQLite read pool size: WAL lets readers run beside the one writer.
const SQLITE_READERS: u32 = 4;
/// The PostgreSQL advisory lock taken while migrating (any constant unique to this app).
const MIGRATION_LOCK_KEY: i64 = 0x616e_746f_6d00_0001;
/// How long a SQLite writer waits for the write lock before failing with `SQLITE_BUSY`.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The database behind the server. Cheap to clone (pool handles).
///
/// Statements that write go through `write`, reads through `read`. On PostgreSQL both are the
/// same pool. On a SQLite file, `write` is a pool of exactly one connection: SQLite admits one
/// writer at a time anyway, and waiting for it in the pool's queue (woken the moment it is
/// released, in arrival order) is far cheaper than several connections contending for the
/// database lock in SQLite's busy handler, which sleeps and retries. `read` is a separate
/// pool of WAL readers, so reads never queue behind writes. The rule that follows: code holding
/// a write transaction must do all its writes on that transaction (a second write would wait
/// for the only writer forever), which is how every transaction here is written.
#[derive(Clone, Debug)]
pub struct Store {
    pub(super) read: DatabaseConnection,
    pub(super) write: DatabaseConnection,
    /// A SQLite file's writer pool, for transactions fused with their statements
    /// (`write_tx`); `None` on PostgreSQL and for an in-memory database.
    pub(super) sqlite_writer: Option<SqlitePool>,
    /// Where units of work holding that writer run (`write_lane`); `None` without one.
    lane: Option<WriteLane>,
    /// Groups the inbox upserts waiting together into one commit (`group_commit`); `None`
    /// without a lane.
    pub(super) group_commit: Option<GroupCommit>,
}

impl Store {
    /// Connects to `sqlite:…` or `postgres://…` (`postgresql://…`). For a SQLite file, the
    /// parent directory is created if missing (add `?mode=rwc` to create the file itself).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            // An in-memory database exists once per connection: it must keep to exactly one.
            let in_memory = prepare_sqlite_file(url)?;
            let write = Database::connect(sqlite_options(url, 1)).await?;
            let (read, sqlite_writer) = if in_memory {
                (write.clone(), None)
            } else {
                let read = Database::connect(sqlite_options(url, SQLITE_READERS)).await?;
                (read, Some(sqlite_writer::sqlite_writer(&write)))
            };
            let lane = match sqlite_writer {
                Some(_) => Some(WriteLane::start().map_err(|e| {
                    StoreError::Db(DbErr::Custom(format!("cannot start the SQLite write lane: {e}")))
                })?),
                None => None,
            };
            let group_commit = match (&lane, &sqlite_writer) {
                (Some(lane), Some(pool)) => Some(GroupCommit::start(lane.handle(), pool.clone())),
                _ => None,
            };
            Ok(Store {
                read,
                write,
                sqlite_writer,
                lane,
                group_commit,
            })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut options = ConnectOptions::new(url);
            options
                .sqlx_logging(false)
                .max_connections(POSTGRES_POOL)
                .test_before_acquire(false);
            let db = Database::connect(options).await?;
            Ok(Store {
                read: db.clone(),
                write: db,
                sqlite_writer: None,
                lane: None,
                group_commit: None,
            })
        } else {
            // The URL may hold a password: do not echo it.
            Err(StoreError::Db(DbErr::Custom(
                "unsupported database URL: expected sqlite:… or postgres://…".into(),
            )))
        }
    }

    /// Applies pending migrations; a no-op when the schema is current.
    ///
    /// On PostgreSQL the migrations run in one transaction holding an advisory lock, so replicas
    /// starting together take turns: the first migrates, the others then find nothing to do.
    /// (A SQLite file has one server process.)
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend() {
            DbBackend::Postgres => {
                let tx = self.write.begin().await?;
                tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"))
                    .await?;
                Migrator::up(&tx, None).await?;
                tx.commit().await?;
            }
            DbBackend::Sqlite | DbBackend::MySql => Migrator::up(&self.write, None).await?,
        }
        Ok(())
    }

    /// The database answers and every migration this binary knows has been applied.
    pub async fn ready(&self) -> Result<(), StoreError> {
        self.write.ping().await?;
        let pending = Migrator::get_pending_migrations(&self.read).await?;
        if pending.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Db(DbErr::Custom(format!(
                "{} database migration(s) pending",
                pending.len()
            ))))
        }
    }

    /// Runs a unit of work that writes (lock → decide → save) to completion even if the caller
    /// stops waiting: on the SQLite write lane, else as a task of the caller's runtime.
    pub async fn write_unit<F, T>(&self, unit: F) -> T
    where
        F: std::future::Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        match &self.lane {
            Some(lane) => lane.run(unit).await,
            None => match tokio::spawn(unit).await {
                Ok(value) => value,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => panic!("a write unit was cancelled: {e}"),
            },
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.write.get_database_backend()
    }

    /// The connection that may write (tests and tools that need raw access).
    pub fn connection(&self) -> &DatabaseConnection {
        &self.write
    }
}

fn sqlite_options(url: &str, connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .max_connections(connections)
        .test_before_acquire(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
                .synchronous(SqliteSynchronous::Normal)
                // Takes effect when the file is created (an existing file keeps its pages): a
                // commit appends every page it touched to the WAL, an order's change touches
                // ~25 table and index pages, and small pages halve the bytes written per
                // session (124 → 56 KB) without costing throughput (BENCHMARKS.md).
                .page_size(1024)
                // SQLite checkpoints (copies the WAL into the database file, with an fsync of
                // each) every 1,000 pages by default: 1 MB of WAL with 1 KiB pages, a few
                // dozen orders. 8 MB keeps the checkpoints, which the writer runs inside a
                // commit, rare.
                .pragma("wal_autocheckpoint", "8192")
        });
    options
}

/// Creates the parent directory of a SQLite database file (owner-only, 0700, where new) and,
/// with `mode=rwc`, the file itself (0600: SQLite gives its WAL and shared-memory files the
/// database file's permissions). Returns whether the URL names an in-memory database (which
/// must keep to one connection: each would get its own database).
fn prepare_sqlite_file(url: &str) -> Result<bool, StoreError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Db(DbErr::Custom(format!("invalid SQLite URL: {e}"))))?;
    let file = options.get_filename();
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    if in_memory {
        return Ok(true);
    }
    if let Some(dir) = file.parent().filter(|dir| *dir != Path::new("")) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(|e| {
            StoreError::Db(DbErr::Custom(format!(
                "cannot create the database directory {}: {e}",
                dir.display()
            )))
        })?;
    }
    if url.contains("mode=rwc") && !file.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(file) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(StoreError::Db(DbErr::Custom(format!(
                    "cannot create the database file {}: {e}",
                    file.display()
                ))))
            }
        }
    }
    Ok(false)
}
