//! Migrations and the demo catalog.

use antom_checkout::persistence::Store;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::builders::*;

on_both!(
    migrations_are_idempotent_and_gate_readiness,
    demo_catalog_seeding_is_idempotent,
    a_new_sqlite_file_has_small_pages,
);

async fn migrations_are_idempotent_and_gate_readiness(store: Store) {
    store.migrate().await.expect("a second migrate is a no-op");
    store.ready().await.expect("ready once migrated");

    Migrator::down(store.connection(), Some(1)).await.unwrap();
    assert!(
        store.ready().await.is_err(),
        "a pending migration makes the store not ready"
    );
    store.migrate().await.unwrap();
    store.ready().await.unwrap();

    if store.backend() == DbBackend::Postgres {
        // Replicas starting together: one migrates, the other waits and finds nothing to do.
        Migrator::down(store.connection(), None).await.unwrap();
        let (a, b) = tokio::join!(store.migrate(), store.migrate());
        a.unwrap();
        b.unwrap();
        store.ready().await.unwrap();
    }
}

async fn demo_catalog_seeding_is_idempotent(store: Store) {
    store.seed_demo_catalog().await.unwrap();
    store.seed_demo_catalog().await.unwrap();
    let products = store.list_products().await.unwrap();
    let skus: Vec<&str> = products.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(
        skus,
        [
            "TSHIRT-BLK-M",
            "MUG-WHT",
            "CAP-NVY",
            "TOTE-NAT",
            "POSTER-A2",
            "TEA-SENCHA"
        ]
    );
    assert_eq!(products[0].unit_price, sgd(2100));
    assert_eq!(products[1].unit_price, sgd(1250));
    let tea = &products[5];
    assert_eq!(tea.unit_price.currency().code(), "JPY");
    assert_eq!(tea.unit_price.currency().exponent(), 0);
    assert_eq!(tea.unit_price.minor(), 1800);

    let found = store
        .products_by_sku(&["MUG-WHT".into(), "NO-SUCH-SKU".into(), "MUG-WHT".into()])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Mug, white");
    assert!(store.products_by_sku(&[]).await.unwrap().is_empty());
}

/// A new SQLite file is created with 1 KiB pages: a commit appends each page it touched to the
/// WAL, and an order's change touches some 25 table and index pages, so 4 KiB pages wrote
/// ~124 KB per `POST /sessions` and 1 KiB pages ~56 KB (bench, BENCHMARKS.md).
async fn a_new_sqlite_file_has_small_pages(store: Store) {
    if store.backend() != DbBackend::Sqlite {
        return;
    }
    let row = store
        .connection()
        .query_one(Statement::from_string(DbBackend::Sqlite, "PRAGMA page_size"))
        .await
        .unwrap()
        .unwrap();
    let size: i64 = row.try_get_by_index(0).unwrap();
    assert_eq!(size, 1024);
}
