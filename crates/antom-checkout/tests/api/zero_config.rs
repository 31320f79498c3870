//! The zero-configuration run and simulator mode can't be mistaken for a live deployment:
//! the embedded simulator listens on loopback only, the demo operator token is created once
//! (not minted at every start), and the SQLite database and its directory are owner-only.

use std::os::unix::fs::PermissionsExt;

use antom_checkout::config::Settings;
use antom_checkout::keys_store::demo_operator_token;
use antom_checkout::persistence::Store;
use antom_checkout::startup::Application;

use crate::helpers::{spawn_app, Db};

fn temp_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("antom-checkout-{name}-{}", uuid::Uuid::new_v4().simple()))
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_embedded_simulator_listens_on_loopback_only() {
    let dir = temp_dir("loopback");
    let env = |allow: &str| {
        [
            ("BIND_ADDR", "127.0.0.1:0".to_owned()),
            ("SIMULATOR_BIND_ADDR", "0.0.0.0:0".to_owned()),
            ("DATA_DIR", dir.display().to_string()),
            (
                "DATABASE_URL",
                format!("sqlite://{}/db.sqlite?mode=rwc", dir.display()),
            ),
            ("SIMULATOR_ALLOW_NETWORK", allow.to_owned()),
            ("RUST_LOG", "warn".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    };
    let settings = Settings::load_from(std::path::Path::new("/nonexistent"), env("false")).unwrap();
    let err = Application::build(settings).await.unwrap_err().to_string();
    assert!(err.contains("SIMULATOR_ALLOW_NETWORK"), "{err}");
    // A demo container says so explicitly.
    let settings = Settings::load_from(std::path::Path::new("/nonexistent"), env("true")).unwrap();
    let app = Application::build(settings).await.expect("allowed");
    app.spawn().stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

async fn the_demo_operator_token_is_created_once(db: Db) {
    let app = spawn_app(db).await;
    let store = &app.app().state().store;
    let dir = temp_dir("demo-token");
    let first = demo_operator_token(store, &dir).await.unwrap();
    let again = demo_operator_token(store, &dir).await.unwrap();
    assert_eq!(first, again, "a restart prints the same token");
    assert_eq!(mode(&dir.join("demo-operator-token")), 0o600);
    assert_eq!(mode(&dir), 0o700);
    let tokens = store.list_admin_tokens().await.unwrap();
    assert_eq!(tokens.iter().filter(|t| t.name == "demo-operator").count(), 1);
    // Revoked (or its database replaced): a new one.
    assert!(store
        .revoke_admin_token("demo-operator", chrono::Utc::now())
        .await
        .unwrap());
    let replaced = demo_operator_token(store, &dir).await.unwrap();
    assert_ne!(replaced, first);
    let _ = std::fs::remove_dir_all(&dir);
    app.stop().await;
}

#[tokio::test]
async fn the_sqlite_file_and_its_directory_are_owner_only() {
    let dir = temp_dir("perms");
    let nested = dir.join("data");
    let file = nested.join("shop.sqlite");
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store.seed_demo_catalog().await.unwrap();
    assert_eq!(mode(&nested), 0o700);
    assert_eq!(mode(&file), 0o600);
    let wal = nested.join("shop.sqlite-wal");
    assert!(wal.exists());
    assert_eq!(mode(&wal), 0o600, "SQLite gives its WAL the database file's mode");
    let _ = std::fs::remove_dir_all(&dir);
}

crate::on_both_databases!(the_demo_operator_token_is_created_once);
