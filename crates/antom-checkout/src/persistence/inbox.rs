//! The inbox: every verified notification Antom sent us, with what applying it did.
//!
//! A verified body is stored once (credentials redacted): the SHA-256 of its raw bytes is the
//! `dedupe_key`, and a redelivery only bumps `delivery_count` and `last_received_at` (one
//! upsert statement, so two concurrent deliveries cannot both be "first"). Deliveries whose
//! signature does not hold never come here: they are security events, stored small and
//! rate-limited (`security_events`). Rows older than the retention are pruned by the worker.

use chrono::{DateTime, Utc};
use domain::OrderId;
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, UpdateMany};
use sha2::{Digest, Sha256};

use super::entities::inbox;
use super::error::StoreError;
use super::store::Store;
use super::time::db_time;

const VERIFIED: &str = "VERIFIED";

/// What handling a verified delivery did: stored in `inbox.outcome`, shown to ops, and the
/// `outcome` label of the notification metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InboxOutcome {
    /// At least one fact changed the order or vaulting.
    Applied,
    /// Every fact was known already.
    Duplicate,
    /// Accepted, but nothing to change (Antom is still processing).
    NoChange,
    /// Refused by the state machine, and not worth a person's time (recorded in the timeline).
    NotApplied,
    /// Refused in a way a person must look at (e.g. a failure after a success).
    FlaggedForReview,
    /// About a payment, capture or refund this server does not know.
    UnknownPayment,
    /// About a vaulting this server does not know.
    UnknownVaulting,
    /// A `notifyType` this server does not handle.
    UnknownType,
    /// Not a notification body at all.
    Unparseable,
    /// Parsed, but its facts are invalid (e.g. a success without an amount).
    InvalidFact,
}

impl InboxOutcome {
    pub const ALL: [InboxOutcome; 10] = [
        InboxOutcome::Applied,
        InboxOutcome::Duplicate,
        InboxOutcome::NoChange,
        InboxOutcome::NotApplied,
        InboxOutcome::FlaggedForReview,
        InboxOutcome::UnknownPayment,
        InboxOutcome::UnknownVaulting,
        InboxOutcome::UnknownType,
        InboxOutcome::Unparseable,
        InboxOutcome::InvalidFact,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxOutcome::Applied => "APPLIED",
            InboxOutcome::Duplicate => "DUPLICATE",
            InboxOutcome::NoChange => "NO_CHANGE",
            InboxOutcome::NotApplied => "NOT_APPLIED",
            InboxOutcome::FlaggedForReview => "FLAGGED_FOR_REVIEW",
            InboxOutcome::UnknownPayment => "UNKNOWN_PAYMENT",
            InboxOutcome::UnknownVaulting => "UNKNOWN_VAULTING",
            InboxOutcome::UnknownType => "UNKNOWN_TYPE",
            InboxOutcome::Unparseable => "UNPARSEABLE",
            InboxOutcome::InvalidFact => "INVALID_FACT",
        }
    }

    /// The outcome stored as `value`; `None` for a word this version does not know (such a
    /// delivery is handled again, which the state machine makes safe).
    pub fn parse(value: &str) -> Option<InboxOutcome> {
        InboxOutcome::ALL.into_iter().find(|o| o.as_str() == value)
    }

    /// Whether the delivery needs a person: a notification about something we do not know, of
    /// a type we do not handle, that does not parse, whose facts are invalid, or that flagged
    /// its order.
    pub fn needs_review(self) -> bool {
        matches!(
            self,
            InboxOutcome::UnknownPayment
                | InboxOutcome::UnknownVaulting
                | InboxOutcome::UnknownType
                | InboxOutcome::Unparseable
                | InboxOutcome::InvalidFact
                | InboxOutcome::FlaggedForReview
        )
    }

    /// Whether a redelivery of the same body can be acknowledged without handling it again:
    /// the first delivery's facts are in. (An unknown payment may be known by now, and a refused
    /// or unparseable delivery is worth another look, so those are handled again.)
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            InboxOutcome::Applied
                | InboxOutcome::Duplicate
                | InboxOutcome::NoChange
                | InboxOutcome::FlaggedForReview
        )
    }
}

/// One verified HTTP delivery to a webhook route.
#[derive(Debug, Clone)]
pub struct InboxDelivery<'a> {
    pub route: &'a str,
    /// JSON object of the relevant headers (client-id, request-time, signature, …).
    pub headers: serde_json::Value,
    /// What is stored and shown to ops: the body with card credentials redacted.
    pub body: &'a str,
    /// The bytes as received: their SHA-256 is the dedupe key, so redaction cannot merge or
    /// split deliveries.
    pub raw: &'a [u8],
    pub notify_type: Option<&'a str>,
    pub received_at: DateTime<Utc>,
}

/// Where a delivery was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRecord {
    pub id: i64,
    /// False when this verified body had been received before.
    pub first_delivery: bool,
    pub delivery_count: i32,
    /// The outcome recorded for an earlier delivery of the same body, if any.
    pub outcome: Option<InboxOutcome>,
}

/// A stored delivery, for ops.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxEntry {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub last_received_at: DateTime<Utc>,
    pub route: String,
    pub headers: serde_json::Value,
    pub body: String,
    /// `VERIFIED` or `REJECTED`.
    pub verdict: String,
    pub reject_reason: Option<String>,
    pub notify_type: Option<String>,
    pub order_id: Option<String>,
    pub outcome: Option<String>,
    pub outcome_detail: Option<String>,
    pub delivery_count: i32,
}

impl Store {
    pub async fn record_delivery(&self, delivery: InboxDelivery<'_>) -> Result<InboxRecord, StoreError> {
        let received_at = db_time(delivery.received_at);
        let dedupe_key = format!("{:x}", Sha256::digest(delivery.raw));
        let row = inbox::ActiveModel {
            received_at: Set(received_at),
            route: Set(delivery.route.to_owned()),
            headers: Set(delivery.headers.to_string()),
            body: Set(delivery.body.to_owned()),
            verdict: Set(VERIFIED.to_owned()),
            reject_reason: Set(None),
            dedupe_key: Set(Some(dedupe_key)),
            notify_type: Set(delivery.notify_type.map(|t| t.chars().take(64).collect())),
            delivery_count: Set(1),
            last_received_at: Set(received_at),
            ..Default::default()
        };
        // INSERT … ON CONFLICT (dedupe_key) DO UPDATE … RETURNING: the same statement on both
        // databases (SQLite ≥ 3.35), and the returned count says whether we were first.
        let mut upsert = inbox::Entity::insert(row)
            .on_conflict(
                OnConflict::column(inbox::Column::DedupeKey)
                    .value(
                        inbox::Column::DeliveryCount,
                        Expr::col((inbox::Entity, inbox::Column::DeliveryCount)).add(1),
                    )
                    .value(inbox::Column::LastReceivedAt, received_at)
                    .to_owned(),
            )
            .into_query();
        upsert.returning(Query::returning().columns([
            inbox::Column::Id,
            inbox::Column::DeliveryCount,
            inbox::Column::Outcome,
        ]));
        // Committed before this returns (the delivery is on disk before it is acknowledged);
        // on a SQLite file together with the other deliveries waiting (`group_commit`).
        let row = self.write_upsert(self.backend().build(&upsert)).await?;
        let delivery_count: i32 = row.try_get("", "delivery_count")?;
        let outcome: Option<String> = row.try_get("", "outcome")?;
        Ok(InboxRecord {
            id: row.try_get("", "id")?,
            first_delivery: delivery_count == 1,
            delivery_count,
            outcome: outcome.as_deref().and_then(InboxOutcome::parse),
        })
    }

    /// Records what handling a delivery did, and which order it was about when known
    /// (`order_id: None` leaves the stored one as it is).
    pub async fn set_inbox_outcome(
        &self,
        id: i64,
        order_id: Option<&OrderId>,
        outcome: InboxOutcome,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let updated = outcome_update(id, order_id, outcome, detail)
            .exec(&self.write)
            .await?;
        if updated.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Verified deliveries that need a person ([`InboxOutcome::needs_review`]), newest first;
    /// `before_id` continues a listing.
    pub async fn flagged_deliveries(
        &self,
        before_id: Option<i64>,
        limit: u64,
    ) -> Result<Vec<InboxEntry>, StoreError> {
        let flagged = InboxOutcome::ALL
            .into_iter()
            .filter(|o| o.needs_review())
            .map(InboxOutcome::as_str);
        let mut query = inbox::Entity::find()
            .filter(inbox::Column::Outcome.is_in(flagged))
            .order_by_desc(inbox::Column::Id)
            .limit(limit);
        if let Some(before) = before_id {
            query = query.filter(inbox::Column::Id.lt(before));
        }
        query.all(&self.read).await?.into_iter().map(from_row).collect()
    }

    /// Deletes deliveries first received before `before` (the retention of raw bodies).
    /// Returns how many.
    pub async fn prune_inbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let deleted = inbox::Entity::delete_many()
            .filter(inbox::Column::ReceivedAt.lt(db_time(before)))
            .exec(&self.write)
            .await?;
        Ok(deleted.rows_affected)
    }

    /// Deliveries linked to the order, oldest first.
    pub async fn notifications_for_order(&self, order_id: &OrderId) -> Result<Vec<InboxEntry>, StoreError> {
        inbox::Entity::find()
            .filter(inbox::Column::OrderId.eq(order_id.as_str()))
            .order_by_asc(inbox::Column::ReceivedAt)
            .order_by_asc(inbox::Column::Id)
            .all(&self.read)
            .await?
            .into_iter()
            .map(from_row)
            .collect()
    }
}

/// The update of [`Store::set_inbox_outcome`].
pub(super) fn outcome_update(
    id: i64,
    order_id: Option<&OrderId>,
    outcome: InboxOutcome,
    detail: Option<&str>,
) -> UpdateMany<inbox::Entity> {
    let mut row = inbox::ActiveModel {
        outcome: Set(Some(outcome.as_str().to_owned())),
        outcome_detail: Set(detail.map(str::to_owned)),
        ..Default::default()
    };
    if let Some(order_id) = order_id {
        row.order_id = Set(Some(order_id.as_str().to_owned()));
    }
    inbox::Entity::update_many()
        .set(row)
        .filter(inbox::Column::Id.eq(id))
}

fn from_row(row: inbox::Model) -> Result<InboxEntry, StoreError> {
    let headers = serde_json::from_str(&row.headers)
        .map_err(|e| StoreError::CorruptSnapshot(format!("inbox {}: headers: {e}", row.id)))?;
    Ok(InboxEntry {
        id: row.id,
        received_at: row.received_at,
        last_received_at: row.last_received_at,
        route: row.route,
        headers,
        body: row.body,
        verdict: row.verdict,
        reject_reason: row.reject_reason,
        notify_type: row.notify_type,
        order_id: row.order_id,
        outcome: row.outcome,
        outcome_detail: row.outcome_detail,
        delivery_count: row.delivery_count,
    })
}
