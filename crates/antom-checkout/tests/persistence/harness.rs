//! A migrated store on a fresh database per test, on SQLite and on PostgreSQL.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;

use antom_checkout::persistence::Store;
use futures_util::FutureExt;
use sea_orm::{ConnectionTrait, Database};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A migrated store on a database that exists only for one test.
struct TestDb {
    store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite { dir: PathBuf },
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    async fn new(backend: Backend) -> TestDb {
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("antom-checkout-test-{}", uuid::Uuid::new_v4()));
                // The directory does not exist yet: `connect` must create it.
                let url = format!("sqlite://{}/shop.sqlite?mode=rwc", dir.display());
                (url, Cleanup::Sqlite { dir })
            }
            Backend::Postgres => {
                let admin_url =
                    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is required by these tests but is not reachable at \
                         {admin_url} ({e}). Start it, or point TEST_POSTGRES_URL at one."
                    )
                });
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
                admin.close().await.unwrap();
                let mut url = url::Url::parse(&admin_url).expect("TEST_POSTGRES_URL is a URL");
                url.set_path(&format!("/{name}"));
                (url.to_string(), Cleanup::Postgres { admin_url, name })
            }
        };
        let store = Store::connect(&url).await.expect("connect");
        store.migrate().await.expect("migrate");
        TestDb { store, cleanup }
    }

    async fn cleanup(self) {
        self.store.connection().clone().close().await.ok();
        match self.cleanup {
            Cleanup::Sqlite { dir } => {
                std::fs::remove_dir_all(dir).ok();
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await
                        .ok();
                    admin.close().await.ok();
                }
            }
        }
    }
}

/// Runs `check` on a fresh database, and drops the database even when the check panics.
pub async fn run<F, Fut>(backend: Backend, check: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let db = TestDb::new(backend).await;
    let outcome = AssertUnwindSafe(check(db.store.clone())).catch_unwind().await;
    db.cleanup().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// `on_both!(check, …)` makes `check::sqlite` and `check::postgres` tests.
macro_rules! on_both {
    ($($check:ident),* $(,)?) => {
        $(
            mod $check {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::harness::run($crate::harness::Backend::Sqlite, super::$check).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::harness::run($crate::harness::Backend::Postgres, super::$check).await
                }
            }
        )*
    };
}
