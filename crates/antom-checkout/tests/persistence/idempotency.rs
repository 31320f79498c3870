//! Idempotency keys: start, replay, refuse, expire, take over.

use antom_checkout::persistence::{IdempotencyBegin, Store, StoreError, IN_PROGRESS_TIMEOUT, KEY_TTL};
use chrono::{DateTime, Utc};

on_both!(
    idempotency_keys_start_replay_and_refuse_other_bodies,
    idempotency_keys_expire_and_stale_claims_are_taken_over,
);

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
