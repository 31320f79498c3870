//! Admin tokens.

use antom_checkout::persistence::{NewAdminToken, Store};
use chrono::{Duration, Utc};

use crate::builders::*;

on_both!(admin_tokens_are_found_by_hash_until_revoked,);

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
