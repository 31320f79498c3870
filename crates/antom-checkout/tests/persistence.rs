//! The persistence layer against real databases. Every check runs twice: on a fresh SQLite file
//! in a temporary directory, and on a fresh PostgreSQL database (`TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; a database `t_<uuid>` is created per test and
//! dropped afterwards). PostgreSQL being unreachable fails the tests: it is never a skip.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::Duration as StdDuration;

use antom_checkout::persistence::entities::{captures, order_items, orders, payments, refunds};
use antom_checkout::persistence::{
    IdempotencyBegin, InboxDelivery, InboxOutcome, NewAdminToken, NewOrder, OrderCursor, OrderFilter, Store,
    StoreError, TimelineEntry, IN_PROGRESS_TIMEOUT, KEY_TTL,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::{
    price_cart, CaptureRequestId, CardSummary, CartLine, CatalogEntry, Currency, Event, Money, Order,
    OrderId, OrderStatus, PaymentRequestId, RecordStatus, RefundRequestId, ReviewNote,
};
use futures_util::FutureExt;
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, Database, DbBackend, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Harness

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

#[derive(Debug, Clone, Copy)]
enum Backend {
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
async fn run<F, Fut>(backend: Backend, check: F)
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
                    super::run(super::Backend::Sqlite, super::$check).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::run(super::Backend::Postgres, super::$check).await
                }
            }
        )*
    };
}

on_both!(
    migrations_are_idempotent_and_gate_readiness,
    demo_catalog_seeding_is_idempotent,
    an_order_round_trips_and_changes_under_its_lock,
    projections_follow_every_record,
    reused_request_ids_conflict,
    concurrent_locks_serialize,
    timeline_entries_are_kept_in_order,
    a_corrupt_snapshot_is_refused,
    inbox_stores_a_verified_body_once_and_lists_the_flagged,
    an_inbox_outcome_commits_or_rolls_back_with_its_order_change,
    idempotency_keys_start_replay_and_refuse_other_bodies,
    idempotency_keys_expire_and_stale_claims_are_taken_over,
    orders_list_newest_first_with_cursor_and_filters,
    due_orders_come_oldest_first,
    admin_tokens_are_found_by_hash_until_revoked,
);

// ---------------------------------------------------------------------------------------------
// Builders

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap() + Duration::seconds(seconds)
}

fn sgd(minor: i64) -> Money {
    Money::new(minor, Currency::parse("SGD").unwrap()).unwrap()
}

/// An order for 2 × TSHIRT (21.00) + 1 × MUG (12.50) = SGD 54.50, created at `created_at`.
fn new_order(id: &str, payment_request_id: &str, created_at: DateTime<Utc>) -> Order {
    let lookup = |sku: &domain::Sku| {
        let (name, minor) = match sku.as_str() {
            "TSHIRT-BLK-M" => ("T-shirt", 2100),
            "MUG-WHT" => ("Mug", 1250),
            _ => return None,
        };
        Some(CatalogEntry {
            sku: sku.clone(),
            name: name.into(),
            unit_price: sgd(minor),
        })
    };
    let lines = [
        CartLine {
            sku: "TSHIRT-BLK-M".into(),
            quantity: 2,
        },
        CartLine {
            sku: "MUG-WHT".into(),
            quantity: 1,
        },
    ];
    let cart = price_cart(&lines, lookup).unwrap();
    Order::new(
        OrderId::parse(id).unwrap(),
        cart,
        PaymentRequestId::parse(payment_request_id).unwrap(),
        created_at,
    )
}

fn entry(at: DateTime<Utc>, event_type: &str) -> TimelineEntry {
    TimelineEntry {
        at,
        event_type: event_type.into(),
        actor: "test".into(),
        details: json!({"n": event_type}),
    }
}

async fn insert(store: &Store, order: &Order) {
    store
        .insert_order(NewOrder {
            order,
            token_hash: "a".repeat(64).as_str(),
            buyer_id: Some("buyer-1"),
            return_token_hash: None,
            timeline: &[entry(order.created_at(), "ORDER_CREATED")],
            next_check_at: None,
        })
        .await
        .unwrap();
}

fn paid(order: &Order, at: DateTime<Utc>) -> Event {
    Event::PaymentSucceeded {
        payment_id: Some(format!("pay-{}", order.id())),
        amount: order.total(),
        paid_at: at,
        auth_expires_at: Some(at + Duration::days(7)),
        card: Some(CardSummary {
            brand: "VISA".into(),
            last4: "1111".into(),
        }),
    }
}

fn capture_requested(id: &str, minor: i64, at: DateTime<Utc>) -> Event {
    Event::CaptureRequested {
        request_id: CaptureRequestId::parse(id).unwrap(),
        amount: sgd(minor),
        at,
    }
}

/// Applies `events` under the lock and commits.
async fn apply(store: &Store, order_id: &str, events: &[Event]) {
    let mut locked = store.lock_order(order_id).await.unwrap().expect("order exists");
    for event in events {
        locked.order_mut().apply(event).unwrap();
    }
    let next = locked.stored.next_check_at;
    locked.commit(&[], next, None).await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Checks

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

async fn an_order_round_trips_and_changes_under_its_lock(store: Store) {
    let order = new_order("order-1", "payreq-1", t(0));
    let next_check = t(30);
    store
        .insert_order(NewOrder {
            order: &order,
            token_hash: &"b".repeat(64),
            buyer_id: Some("buyer-1"),
            return_token_hash: None,
            timeline: &[entry(t(0), "ORDER_CREATED")],
            next_check_at: Some(next_check),
        })
        .await
        .unwrap();

    let stored = store.order("order-1").await.unwrap().expect("stored");
    assert_eq!(stored.order, order);
    assert_eq!(stored.token_hash, "b".repeat(64));
    assert_eq!(stored.buyer_id.as_deref(), Some("buyer-1"));
    assert!(!stored.review_required);
    assert_eq!(stored.next_check_at, Some(next_check));
    assert_eq!(stored.check_attempts, 0);
    assert_eq!(stored.created_at, t(0));
    assert!(store.order("order-2").await.unwrap().is_none());
    assert!(store.lock_order("order-2").await.unwrap().is_none());

    let db = store.connection();
    let items = order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq("order-1"))
        .order_by_asc(order_items::Column::Id)
        .all(db)
        .await
        .unwrap();
    let lines: Vec<_> = items
        .iter()
        .map(|i| (i.sku.as_str(), i.quantity, i.unit_minor, i.currency.as_str()))
        .collect();
    assert_eq!(
        lines,
        [("TSHIRT-BLK-M", 2, 2100, "SGD"), ("MUG-WHT", 1, 1250, "SGD")]
    );
    let row = orders::Entity::find_by_id("order-1")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "PENDING_PAYMENT");
    assert_eq!((row.total_minor, row.currency.as_str()), (5450, "SGD"));
    // Rolling back leaves nothing behind (locked by its paymentRequestId, as webhooks do).
    let mut locked = store
        .lock_order_by_payment_request_id("payreq-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(locked.order().id().as_str(), "order-1");
    locked.order_mut().apply(&paid(&order, t(5))).unwrap();
    locked.rollback().await.unwrap();
    assert_eq!(store.order("order-1").await.unwrap().unwrap().order, order);

    // Apply under the lock, commit with a schedule and the timeline.
    let mut locked = store.lock_order("order-1").await.unwrap().unwrap();
    assert_eq!(locked.order().status(), OrderStatus::PendingPayment);
    locked.order_mut().apply(&paid(&order, t(5))).unwrap();
    locked.order_mut().flag_for_review(ReviewNote {
        at: t(5),
        reason: "looked odd".into(),
    });
    locked
        .commit(&[entry(t(5), "PAYMENT_SUCCEEDED")], None, Some(3))
        .await
        .unwrap();

    let stored = store.order("order-1").await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::Authorized);
    assert!(stored.review_required);
    assert_eq!(stored.next_check_at, None);
    assert_eq!(stored.check_attempts, 3);
    assert_eq!(
        stored.version, 1,
        "a committed lock_order bumps the version, a rolled back one does not"
    );
    let row = orders::Entity::find_by_id("order-1")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "AUTHORIZED");
    assert_eq!(row.payment_id.as_deref(), Some("pay-order-1"));
    assert_eq!(row.auth_expires_at, Some(t(5) + Duration::days(7)));
    assert_eq!(
        store
            .order_id_by_payment_id("pay-order-1")
            .await
            .unwrap()
            .as_deref(),
        Some("order-1")
    );

    // `None` keeps the attempts counter.
    let locked = store.lock_order("order-1").await.unwrap().unwrap();
    locked.commit(&[], Some(t(60)), None).await.unwrap();
    let stored = store.order("order-1").await.unwrap().unwrap();
    assert_eq!(stored.check_attempts, 3);
    assert_eq!(stored.next_check_at, Some(t(60)));

    let types: Vec<String> = store
        .timeline("order-1")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(types, ["ORDER_CREATED", "PAYMENT_SUCCEEDED"]);
}

async fn projections_follow_every_record(store: Store) {
    let order = new_order("order-p", "payreq-p", t(0));
    insert(&store, &order).await;
    let db = store.connection();

    let payment = payments::Entity::find_by_id("payreq-p")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(payment.order_id, "order-p");
    assert_eq!(payment.status, "PROCESSING");
    assert_eq!((payment.amount_minor, payment.currency.as_str()), (5450, "SGD"));
    assert_eq!(payment.card_last4, None);

    apply(
        &store,
        "order-p",
        &[
            paid(&order, t(1)),
            capture_requested("cap-1", 3000, t(2)),
            capture_requested("cap-2", 2450, t(2)),
        ],
    )
    .await;
    let payment = payments::Entity::find_by_id("payreq-p")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(payment.status, RecordStatus::Success.as_str());
    assert_eq!(payment.payment_id.as_deref(), Some("pay-order-p"));
    assert_eq!(payment.card_brand.as_deref(), Some("VISA"));
    assert_eq!(payment.card_last4.as_deref(), Some("1111"));
    assert_eq!(payment.paid_at, Some(t(1)));
    let payment_updated_at = payment.updated_at;

    apply(
        &store,
        "order-p",
        &[
            Event::CaptureSucceeded {
                request_id: CaptureRequestId::parse("cap-1").unwrap(),
                capture_id: Some("antom-cap-1".into()),
                amount: sgd(3000),
                at: t(3),
            },
            Event::CaptureFailed {
                request_id: CaptureRequestId::parse("cap-2").unwrap(),
                code: "PROCESS_FAIL".into(),
                message: "nope".into(),
            },
            Event::RefundRequested {
                request_id: RefundRequestId::parse("ref-1").unwrap(),
                amount: sgd(1000),
                reason: Some("damaged".into()),
                at: t(4),
            },
        ],
    )
    .await;
    let captures = captures::Entity::find()
        .filter(captures::Column::OrderId.eq("order-p"))
        .order_by_asc(captures::Column::CaptureRequestId)
        .all(db)
        .await
        .unwrap();
    let summary: Vec<_> = captures
        .iter()
        .map(|c| {
            (
                c.capture_request_id.as_str(),
                c.status.as_str(),
                c.amount_minor,
                c.capture_id.as_deref(),
                c.failure_code.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("cap-1", "SUCCESS", Some(3000), Some("antom-cap-1"), None),
            ("cap-2", "FAIL", Some(2450), None, Some("PROCESS_FAIL")),
        ]
    );
    assert_eq!(captures[0].captured_at, Some(t(3)));
    assert_eq!(captures[0].requested_at, Some(t(2)));
    assert_eq!(captures[0].attempts, 0);
    let refund = refunds::Entity::find_by_id("ref-1")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(refund.status, "PROCESSING");
    assert_eq!(refund.amount_minor, Some(1000));
    assert_eq!(refund.reason.as_deref(), Some("damaged"));
    assert_eq!(
        store
            .order_id_by_capture_request_id("cap-2")
            .await
            .unwrap()
            .as_deref(),
        Some("order-p")
    );
    assert_eq!(
        store
            .order_id_by_refund_request_id("ref-1")
            .await
            .unwrap()
            .as_deref(),
        Some("order-p")
    );
    assert_eq!(store.order_id_by_refund_request_id("ref-9").await.unwrap(), None);

    // A row whose record did not change is not rewritten.
    let payment = payments::Entity::find_by_id("payreq-p")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(payment.updated_at, payment_updated_at);

    // The snapshot and the order status column agree.
    let stored = store.order("order-p").await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::Captured);
    let row = orders::Entity::find_by_id("order-p")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "CAPTURED");
}

async fn reused_request_ids_conflict(store: Store) {
    let first = new_order("order-a", "payreq-same", t(0));
    insert(&store, &first).await;

    let second = new_order("order-b", "payreq-same", t(1));
    let err = store
        .insert_order(NewOrder {
            order: &second,
            token_hash: &"c".repeat(64),
            buyer_id: None,
            return_token_hash: None,
            timeline: &[],
            next_check_at: None,
        })
        .await
        .unwrap_err();
    // Both the order row and its payment row carry the id: whichever unique key the database
    // checks first refuses it (PostgreSQL inserts both in one statement, in no set order).
    assert!(
        err.is_conflict_on("orders.payment_request_id") || err.is_conflict_on("payments.payment_request_id"),
        "{err:?}"
    );
    assert!(
        store.order("order-b").await.unwrap().is_none(),
        "nothing of it was stored"
    );

    let same_id = new_order("order-a", "payreq-other", t(1));
    let err = store
        .insert_order(NewOrder {
            order: &same_id,
            token_hash: &"c".repeat(64),
            buyer_id: None,
            return_token_hash: None,
            timeline: &[],
            next_check_at: None,
        })
        .await
        .unwrap_err();
    assert!(
        err.is_conflict_on("orders.id") || err.is_conflict_on("payments.order_id"),
        "{err:?}"
    );

    // A capture request id another order already used is refused, not taken over.
    apply(
        &store,
        "order-a",
        &[paid(&first, t(1)), capture_requested("cap-x", 100, t(2))],
    )
    .await;
    let third = new_order("order-c", "payreq-c", t(2));
    insert(&store, &third).await;
    let mut locked = store.lock_order("order-c").await.unwrap().unwrap();
    locked.order_mut().apply(&paid(&third, t(3))).unwrap();
    locked
        .order_mut()
        .apply(&capture_requested("cap-x", 200, t(3)))
        .unwrap();
    let err = locked.commit(&[], None, None).await.unwrap_err();
    assert!(err.is_conflict_on("captures.capture_request_id"), "{err:?}");
    let capture = captures::Entity::find_by_id("cap-x")
        .one(store.connection())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (capture.order_id.as_str(), capture.amount_minor),
        ("order-a", Some(100))
    );
    let third_now = store.order("order-c").await.unwrap().unwrap();
    assert_eq!(
        third_now.order.status(),
        OrderStatus::PendingPayment,
        "rolled back"
    );
}

async fn concurrent_locks_serialize(store: Store) {
    let order = new_order("order-race", "payreq-race", t(0));
    insert(&store, &order).await;
    apply(&store, "order-race", &[paid(&order, t(1))]).await;

    // Each task names its capture after the captures it sees, holds the lock a while, commits.
    // Without the lock both would see none and write `cap-0` (one capture lost).
    let task = |store: Store, minor: i64| async move {
        let mut locked = store.lock_order("order-race").await.unwrap().unwrap();
        let seen = locked.order().captures().len();
        let event = capture_requested(&format!("cap-{seen}"), minor, t(2));
        locked.order_mut().apply(&event).unwrap();
        tokio::time::sleep(StdDuration::from_millis(150)).await;
        locked
            .commit(&[entry(t(2), "CAPTURE_REQUESTED")], None, None)
            .await
            .unwrap();
    };
    let (a, b) = tokio::join!(
        tokio::spawn(task(store.clone(), 1000)),
        tokio::spawn(task(store.clone(), 2000)),
    );
    a.unwrap();
    b.unwrap();

    let stored = store.order("order-race").await.unwrap().unwrap();
    let ids: Vec<&str> = stored
        .order
        .captures()
        .iter()
        .map(|c| c.request_id.as_str())
        .collect();
    assert_eq!(ids, ["cap-0", "cap-1"]);
    assert_eq!(stored.order.capture_in_flight(), sgd(3000));
    let rows = captures::Entity::find()
        .filter(captures::Column::OrderId.eq("order-race"))
        .all(store.connection())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(store.timeline("order-race").await.unwrap().len(), 3);
}

async fn timeline_entries_are_kept_in_order(store: Store) {
    let order = new_order("order-t", "payreq-t", t(0));
    insert(&store, &order).await;
    let event = paid(&order, t(2));
    store
        .append_timeline(
            "order-t",
            &[
                entry(t(2), "SESSION_UNKNOWN"),
                TimelineEntry::event(t(2), "antom:notification", &event),
            ],
        )
        .await
        .unwrap();
    store.append_timeline("order-t", &[]).await.unwrap();
    store
        .append_timeline("order-t", &[entry(t(1), "EARLIER")])
        .await
        .unwrap();

    let timeline = store.timeline("order-t").await.unwrap();
    let types: Vec<&str> = timeline.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        ["ORDER_CREATED", "EARLIER", "SESSION_UNKNOWN", "PAYMENT_SUCCEEDED"]
    );
    assert_eq!(timeline[3].actor, "antom:notification");
    assert_eq!(timeline[3].details["paymentId"], "pay-order-t");
    assert_eq!(timeline[3].at, t(2));
    assert_eq!(timeline[2].details, json!({"n": "SESSION_UNKNOWN"}));

    // Sub-microsecond precision is dropped alike on both databases.
    let precise = t(3) + Duration::nanoseconds(123_456_789);
    store
        .append_timeline("order-t", &[entry(precise, "PRECISE")])
        .await
        .unwrap();
    let last = store.timeline("order-t").await.unwrap().pop().unwrap();
    assert_eq!(last.at, t(3) + Duration::microseconds(123_456));
}

async fn a_corrupt_snapshot_is_refused(store: Store) {
    let order = new_order("order-bad", "payreq-bad", t(0));
    insert(&store, &order).await;
    orders::Entity::update_many()
        .col_expr(orders::Column::Snapshot, Expr::value("{\"id\": \"order-bad\"}"))
        .filter(orders::Column::Id.eq("order-bad"))
        .exec(store.connection())
        .await
        .unwrap();
    assert!(matches!(
        store.order("order-bad").await,
        Err(StoreError::CorruptSnapshot(_))
    ));
    assert!(matches!(
        store.lock_order("order-bad").await,
        Err(StoreError::CorruptSnapshot(_))
    ));

    // A snapshot of another order is refused too.
    let other = serde_json::to_string(&new_order("order-other", "payreq-o", t(0))).unwrap();
    orders::Entity::update_many()
        .col_expr(orders::Column::Snapshot, Expr::value(other))
        .filter(orders::Column::Id.eq("order-bad"))
        .exec(store.connection())
        .await
        .unwrap();
    assert!(matches!(
        store.order("order-bad").await,
        Err(StoreError::CorruptSnapshot(_))
    ));
}

fn delivery<'a>(body: &'a str, at: DateTime<Utc>) -> InboxDelivery<'a> {
    InboxDelivery {
        route: "/webhooks/antom/payments",
        headers: json!({"client-id": "SANDBOX_1", "request-time": "2026-11-22T10:00:00Z"}),
        body,
        raw: body.as_bytes(),
        notify_type: Some("PAYMENT_RESULT"),
        received_at: at,
    }
}

async fn inbox_stores_a_verified_body_once_and_lists_the_flagged(store: Store) {
    let body = r#"{"notifyType":"PAYMENT_RESULT","paymentRequestId":"payreq-1"}"#;
    let first = store.record_delivery(delivery(body, t(0))).await.unwrap();
    assert!(first.first_delivery);
    assert_eq!(first.delivery_count, 1);
    assert_eq!(first.outcome, None);

    let second = store.record_delivery(delivery(body, t(5))).await.unwrap();
    assert_eq!(second.id, first.id);
    assert!(!second.first_delivery);
    assert_eq!(second.delivery_count, 2);
    assert_eq!(second.outcome, None, "the first delivery is still being handled");

    store
        .set_inbox_outcome(
            first.id,
            Some("order-1"),
            InboxOutcome::Applied,
            Some("PENDING_PAYMENT → AUTHORIZED"),
        )
        .await
        .unwrap();
    let third = store.record_delivery(delivery(body, t(9))).await.unwrap();
    assert!(!third.first_delivery);
    assert_eq!(third.delivery_count, 3);
    assert_eq!(third.outcome, Some(InboxOutcome::Applied));

    let unknown = r#"{"notifyType":"PAYMENT_RESULT","paymentRequestId":"payreq-x"}"#;
    let flagged = store.record_delivery(delivery(unknown, t(2))).await.unwrap();
    store
        .set_inbox_outcome(flagged.id, None, InboxOutcome::UnknownPayment, None)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_inbox_outcome(999_999, None, InboxOutcome::Applied, None)
            .await,
        Err(StoreError::NotFound)
    ));

    let entries = store.notifications_for_order("order-1").await.unwrap();
    assert_eq!(entries.len(), 1);
    let verified = &entries[0];
    assert_eq!(verified.id, first.id);
    assert_eq!(verified.verdict, "VERIFIED");
    assert_eq!(verified.delivery_count, 3);
    assert_eq!(verified.received_at, t(0));
    assert_eq!(verified.last_received_at, t(9));
    assert_eq!(verified.body, body);
    assert_eq!(verified.headers["client-id"], "SANDBOX_1");
    assert_eq!(verified.notify_type.as_deref(), Some("PAYMENT_RESULT"));
    assert_eq!(
        verified.outcome_detail.as_deref(),
        Some("PENDING_PAYMENT → AUTHORIZED")
    );
    assert!(store.notifications_for_order("order-2").await.unwrap().is_empty());

    // Ops' list of deliveries that need a person holds the unknown payment only.
    let flagged_list = store.flagged_deliveries(None, 10).await.unwrap();
    assert_eq!(flagged_list.len(), 1);
    assert_eq!(flagged_list[0].id, flagged.id);
    // Retention: everything first received before t(1) goes.
    assert_eq!(store.prune_inbox(t(1)).await.unwrap(), 1);
    assert!(store.notifications_for_order("order-1").await.unwrap().is_empty());
    assert_eq!(store.flagged_deliveries(None, 10).await.unwrap().len(), 1);
}

/// The webhook path: lock by paymentRequestId, apply, record the inbox outcome in the same
/// transaction. A rollback leaves neither the change nor the outcome; a commit leaves both.
async fn an_inbox_outcome_commits_or_rolls_back_with_its_order_change(store: Store) {
    let order = new_order("order-1", "payreq-1", t(0));
    insert(&store, &order).await;
    assert!(store
        .lock_order_by_payment_request_id("payreq-unknown")
        .await
        .unwrap()
        .is_none());
    let body = r#"{"notifyType":"PAYMENT_RESULT","paymentRequestId":"payreq-1"}"#;
    let record = store.record_delivery(delivery(body, t(1))).await.unwrap();

    let mut locked = store
        .lock_order_by_payment_request_id("payreq-1")
        .await
        .unwrap()
        .expect("found by its paymentRequestId");
    assert_eq!(locked.order().id().as_str(), "order-1");
    locked.order_mut().apply(&paid(&order, t(1))).unwrap();
    locked.set_inbox_outcome(record.id, InboxOutcome::Applied, Some("AUTHORIZED"));
    locked.rollback().await.unwrap();
    let again = store.record_delivery(delivery(body, t(2))).await.unwrap();
    assert_eq!(again.id, record.id);
    assert_eq!(again.outcome, None, "the outcome rolled back with the change");
    let stored = store.order("order-1").await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::PendingPayment);
    assert!(store.notifications_for_order("order-1").await.unwrap().is_empty());

    let mut locked = store
        .lock_order_by_payment_request_id("payreq-1")
        .await
        .unwrap()
        .unwrap();
    locked.order_mut().apply(&paid(&order, t(3))).unwrap();
    locked.set_inbox_outcome(record.id, InboxOutcome::Applied, Some("AUTHORIZED"));
    locked.commit(&[], None, None).await.unwrap();
    let third = store.record_delivery(delivery(body, t(4))).await.unwrap();
    assert_eq!(third.outcome, Some(InboxOutcome::Applied));
    let stored = store.order("order-1").await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::Authorized);
    assert_eq!(
        stored.version, 1,
        "the rolled-back lock left no trace, the committed one bumped it"
    );
    let entries = store.notifications_for_order("order-1").await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].outcome_detail.as_deref(), Some("AUTHORIZED"));
}

async fn idempotency_keys_start_replay_and_refuse_other_bodies(store: Store) {
    let begin = |hash: &'static str| {
        let store = store.clone();
        async move {
            store
                .begin_idempotent("sessions", "key-1", hash, Utc::now())
                .await
                .unwrap()
        }
    };
    assert_eq!(begin("hash-a").await, IdempotencyBegin::Started);
    assert_eq!(begin("hash-a").await, IdempotencyBegin::InProgress);
    assert_eq!(begin("hash-b").await, IdempotencyBegin::Mismatch);

    store
        .complete_idempotent("sessions", "key-1", 201, r#"{"orderId":"o-1"}"#)
        .await
        .unwrap();
    assert_eq!(
        begin("hash-a").await,
        IdempotencyBegin::Replay {
            status: 201,
            body: r#"{"orderId":"o-1"}"#.into()
        }
    );
    assert_eq!(begin("hash-b").await, IdempotencyBegin::Mismatch);
    assert!(matches!(
        store.complete_idempotent("sessions", "key-1", 500, "{}").await,
        Err(StoreError::NotFound)
    ));
    store.abandon_idempotent("sessions", "key-1").await.unwrap();
    assert!(
        matches!(
            begin("hash-a").await,
            IdempotencyBegin::Replay { status: 201, .. }
        ),
        "a completed key is not abandoned"
    );

    // Same key, other scope: independent. Abandoning frees the key for a retry.
    let other = store
        .begin_idempotent("refunds", "key-1", "hash-z", Utc::now())
        .await
        .unwrap();
    assert_eq!(other, IdempotencyBegin::Started);
    store.abandon_idempotent("refunds", "key-1").await.unwrap();
    let retry = store
        .begin_idempotent("refunds", "key-1", "hash-y", Utc::now())
        .await
        .unwrap();
    assert_eq!(retry, IdempotencyBegin::Started);

    // Many concurrent claims: exactly one starts.
    let claims = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .begin_idempotent("race", "k", "h", Utc::now())
                .await
                .unwrap()
        })
    });
    let results = futures_util::future::join_all(claims).await;
    let started = results
        .into_iter()
        .filter(|r| *r.as_ref().unwrap() == IdempotencyBegin::Started)
        .count();
    assert_eq!(started, 1);
}

/// Keys expire after a day; a key left in progress by a process that died becomes usable
/// again after the in-progress timeout (exactly one of several racing callers takes it).
async fn idempotency_keys_expire_and_stale_claims_are_taken_over(store: Store) {
    let start = Utc::now();
    let begin = |key: &'static str, at: DateTime<Utc>| {
        let store = store.clone();
        async move { store.begin_idempotent("s", key, "h", at).await.unwrap() }
    };
    assert_eq!(begin("done", start).await, IdempotencyBegin::Started);
    store.complete_idempotent("s", "done", 201, "{}").await.unwrap();
    let later = start + KEY_TTL - chrono::Duration::seconds(1);
    assert!(matches!(
        begin("done", later).await,
        IdempotencyBegin::Replay { .. }
    ));
    assert_eq!(
        begin("done", start + KEY_TTL).await,
        IdempotencyBegin::Started,
        "a day later the key is forgotten"
    );

    assert_eq!(begin("crashed", start).await, IdempotencyBegin::Started);
    let before_timeout = start + IN_PROGRESS_TIMEOUT - chrono::Duration::seconds(1);
    assert_eq!(
        begin("crashed", before_timeout).await,
        IdempotencyBegin::InProgress
    );
    let after = start + IN_PROGRESS_TIMEOUT;
    let racers = (0..6).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.begin_idempotent("s", "crashed", "h", after).await.unwrap() })
    });
    let results = futures_util::future::join_all(racers).await;
    let took_over = results
        .iter()
        .filter(|r| *r.as_ref().unwrap() == IdempotencyBegin::Started)
        .count();
    assert_eq!(took_over, 1, "{results:?}");
    assert_eq!(
        store
            .prune_idempotency_keys(start + KEY_TTL + chrono::Duration::seconds(1))
            .await
            .unwrap(),
        2
    );
}

async fn orders_list_newest_first_with_cursor_and_filters(store: Store) {
    // o-0 … o-4 one second apart; o-5 and o-6 share a timestamp (the id breaks the tie).
    for i in 0..5 {
        insert(&store, &new_order(&format!("o-{i}"), &format!("p-{i}"), t(i))).await;
    }
    insert(&store, &new_order("o-5", "p-5", t(10))).await;
    insert(&store, &new_order("o-6", "p-6", t(10))).await;

    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = store
            .list_orders(OrderFilter {
                limit: 2,
                cursor: cursor.take(),
                ..OrderFilter::default()
            })
            .await
            .unwrap();
        pages += 1;
        seen.extend(page.orders.iter().map(|o| o.order.id().to_string()));
        match page.next_cursor {
            Some(next) => {
                // Cursors travel as opaque strings.
                cursor = Some(OrderCursor::parse(&next.to_string()).unwrap());
            }
            None => break,
        }
    }
    assert_eq!(seen, ["o-6", "o-5", "o-4", "o-3", "o-2", "o-1", "o-0"]);
    assert_eq!(pages, 4);

    let order = store.order("o-2").await.unwrap().unwrap().order;
    apply(&store, "o-2", &[paid(&order, t(20))]).await;
    let order = store.order("o-4").await.unwrap().unwrap().order;
    apply(&store, "o-4", &[paid(&order, t(40))]).await;
    let authorized = store
        .list_orders(OrderFilter {
            status: Some(OrderStatus::Authorized),
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    let ids: Vec<String> = authorized
        .orders
        .iter()
        .map(|o| o.order.id().to_string())
        .collect();
    assert_eq!(ids, ["o-4", "o-2"]);
    assert_eq!(authorized.next_cursor, None);

    // o-2's authorisation ends at t(20) + 7 days, o-4's at t(40) + 7 days.
    let expiring = store
        .list_orders(OrderFilter {
            auth_expiring_before: Some(t(30) + Duration::days(7)),
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    let ids: Vec<String> = expiring.orders.iter().map(|o| o.order.id().to_string()).collect();
    assert_eq!(ids, ["o-2"]);

    let none = store
        .list_orders(OrderFilter {
            status: Some(OrderStatus::Refunded),
            limit: 0,
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    assert!(none.orders.is_empty() && none.next_cursor.is_none());
    let clamped = store
        .list_orders(OrderFilter {
            limit: 0,
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(clamped.orders.len(), 1, "a limit of 0 is raised to 1");

    assert!(OrderCursor::parse("not a cursor").is_err());
    assert!(OrderCursor::parse("bm90fGE").is_err(), "base64 of `not|a`");
}

async fn due_orders_come_oldest_first(store: Store) {
    for (id, check_at) in [
        ("d-late", Some(t(50))),
        ("d-first", Some(t(10))),
        ("d-none", None),
        ("d-future", Some(t(500))),
        ("d-second", Some(t(20))),
    ] {
        let order = new_order(id, &format!("pay-{id}"), t(0));
        store
            .insert_order(NewOrder {
                order: &order,
                token_hash: &"d".repeat(64),
                buyer_id: None,
                return_token_hash: None,
                timeline: &[],
                next_check_at: check_at,
            })
            .await
            .unwrap();
    }
    let due = store.due_orders(t(50), 10).await.unwrap();
    assert_eq!(due, ["d-first", "d-second", "d-late"]);
    assert_eq!(store.due_orders(t(50), 2).await.unwrap(), ["d-first", "d-second"]);
    assert!(store.due_orders(t(5), 10).await.unwrap().is_empty());

    // Settling an order takes it off the queue.
    let locked = store.lock_order("d-first").await.unwrap().unwrap();
    locked.commit(&[], None, Some(0)).await.unwrap();
    assert_eq!(store.due_orders(t(50), 10).await.unwrap(), ["d-second", "d-late"]);
}

async fn admin_tokens_are_found_by_hash_until_revoked(store: Store) {
    let alice = NewAdminToken::new("alice", "operator", &"1".repeat(64));
    let bob = NewAdminToken {
        created_at: alice.created_at + Duration::seconds(1),
        ..NewAdminToken::new("bob", "viewer", &"2".repeat(64))
    };
    store.insert_admin_token(alice.clone()).await.unwrap();
    store.insert_admin_token(bob.clone()).await.unwrap();
    let err = store
        .insert_admin_token(NewAdminToken::new("carol", "viewer", &"1".repeat(64)))
        .await
        .unwrap_err();
    assert!(err.is_conflict_on("admin_tokens.token_hash"), "{err:?}");

    let found = store
        .admin_token_by_hash(&"1".repeat(64), Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id.as_str(), found.name.as_str(), found.role.as_str()),
        (alice.id.as_str(), "alice", "operator")
    );
    assert_eq!(found.last_used_at, None);
    store.touch_admin_token(&found.id, t(7)).await.unwrap();
    assert!(store
        .admin_token_by_hash("nope", Utc::now())
        .await
        .unwrap()
        .is_none());

    assert!(store.revoke_admin_token("alice", t(8)).await.unwrap());
    assert!(
        !store.revoke_admin_token("alice", t(9)).await.unwrap(),
        "already revoked"
    );
    assert!(store
        .admin_token_by_hash(&"1".repeat(64), Utc::now())
        .await
        .unwrap()
        .is_none());
    assert!(store.revoke_admin_token(&bob.id, t(9)).await.unwrap(), "by id");
    assert!(!store.revoke_admin_token("nobody", t(9)).await.unwrap());

    let all = store.list_admin_tokens().await.unwrap();
    let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert_eq!(all[0].revoked_at, Some(t(8)));
    assert_eq!(all[0].last_used_at, Some(t(7)));
    assert_eq!(all[1].revoked_at, Some(t(9)));

    let demo = NewAdminToken::operator_for_demo("secret-token");
    assert_eq!(demo.role, "operator");
    assert_ne!(demo.token_hash, "secret-token");
    store.insert_admin_token(demo.clone()).await.unwrap();
    assert!(store
        .admin_token_by_hash(&demo.token_hash, Utc::now())
        .await
        .unwrap()
        .is_some());

    // A token with an expiry works until then, and not from then on.
    let dave = NewAdminToken::new("dave", "operator", &"4".repeat(64)).expiring_at(t(100));
    store.insert_admin_token(dave).await.unwrap();
    let hash = "4".repeat(64);
    let at = |s: i64| store.admin_token_by_hash(&hash, t(s));
    assert!(at(99).await.unwrap().is_some());
    assert!(at(100).await.unwrap().is_none(), "expired");
    let listed = store.list_admin_tokens().await.unwrap();
    let dave = listed.iter().find(|t| t.name == "dave").unwrap();
    assert_eq!(dave.expires_at, Some(t(100)));
    assert!(dave.is_active(t(99)) && !dave.is_active(t(100)));
}
