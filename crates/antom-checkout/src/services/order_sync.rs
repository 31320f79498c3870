//! The one path by which facts change an order: lock the row, apply each event through the
//! domain state machine, record every applied or refused fact in the timeline, flag what needs
//! a human, schedule the next reconciliation check, commit. Webhooks, inquiries (result page,
//! reconciler, ops sync) and ops actions all come through here, so they cannot disagree.

use chrono::{DateTime, Utc};
use domain::{Event, NotApplied, OrderId, OrderStatus, ReviewNote};
use serde_json::json;

use super::antom_facts::Facts;
use crate::persistence::{InboxOutcome, LockedOrder, Store, StoreError, StoredOrder, TimelineEntry};

/// What applying a batch of facts did, and the order it left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// The order as committed.
    pub order: StoredOrder,
    pub tally: Tally,
}

impl SyncReport {
    pub fn status(&self) -> OrderStatus {
        self.order.order.status()
    }

    /// What the batch did, in the inbox's words.
    pub fn outcome(&self) -> InboxOutcome {
        self.tally.outcome()
    }
}

/// How applying facts moves the reconciler's schedule when they change nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// The work of the reconciler or of an Antom call: an answer that changes nothing counts
    /// as an attempt, and the next check backs off.
    Attempt,
    /// Someone else looked (a buyer's page load, an operator's sync): an answer that changes
    /// nothing leaves the schedule as it is, so outsiders cannot push the backoff around.
    Keep,
}

/// Applies `events` to the order under its lock. `None` when the order does not exist.
pub async fn apply_events(
    store: &Store,
    order_id: &OrderId,
    events: &[Event],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<SyncReport>, StoreError> {
    apply_events_with(store, order_id, events, actor, now, Schedule::Attempt).await
}

/// [`apply_events`] with an explicit effect on the reconciler's schedule.
pub async fn apply_events_with(
    store: &Store,
    order_id: &OrderId,
    events: &[Event],
    actor: &str,
    now: DateTime<Utc>,
    schedule: Schedule,
) -> Result<Option<SyncReport>, StoreError> {
    apply_facts(
        store,
        order_id,
        &Facts::events(events.to_vec()),
        actor,
        now,
        schedule,
    )
    .await
}

/// Applies what an Antom answer told us (events, notes for the timeline, a reason to flag).
pub async fn apply_facts(
    store: &Store,
    order_id: &OrderId,
    facts: &Facts,
    actor: &str,
    now: DateTime<Utc>,
    schedule: Schedule,
) -> Result<Option<SyncReport>, StoreError> {
    let (unit_store, order_id, facts, actor) =
        (store.clone(), order_id.clone(), facts.clone(), actor.to_owned());
    store
        .write_unit(crate::request_id::carried(async move {
            let Some(locked) = unit_store.lock_order(&order_id).await? else {
                return Ok(None);
            };
            apply_locked(locked, &facts, &actor, now, None, schedule)
                .await
                .map(Some)
        }))
        .await
}

/// Applies `events` to an order already locked, and commits. With `inbox`, the outcome of the
/// delivery that brought the events is recorded in the same transaction, so the inbox never
/// says APPLIED for a change that did not commit (nor the reverse).
pub async fn apply_locked(
    mut locked: LockedOrder,
    facts: &Facts,
    actor: &str,
    now: DateTime<Utc>,
    inbox: Option<i64>,
    schedule: Schedule,
) -> Result<SyncReport, StoreError> {
    let mut tally = Tally::default();
    let mut timeline = Vec::new();
    // Accepted facts that change nothing (Antom still has no answer) are kept in the timeline
    // but are not progress: they must not reset the reconciler's backoff.
    let mut changed = false;
    for event in &facts.events {
        let result = locked.order_mut().apply(event);
        match result {
            Ok(transition) => {
                tally.applied += 1;
                changed |= !transition.changes.is_empty();
                timeline.push(TimelineEntry {
                    at: now,
                    event_type: event.kind().to_owned(),
                    actor: actor.to_owned(),
                    details: json!({
                        "event": event,
                        "from": transition.from.as_str(),
                        "to": transition.to.as_str(),
                    }),
                });
            }
            Err(NotApplied::Duplicate) => {
                tally.duplicates += 1;
            }
            Err(refusal) => {
                tally.refused += 1;
                timeline.push(TimelineEntry {
                    at: now,
                    event_type: "EVENT_NOT_APPLIED".into(),
                    actor: actor.to_owned(),
                    details: json!({
                        "event": event,
                        "reason": refusal.code(),
                        "message": refusal.to_string(),
                    }),
                });
                if refusal.needs_review() {
                    tally.flagged = true;
                    let reason = format!("{} not applied: {refusal}", event.kind());
                    locked.order_mut().flag_for_review(ReviewNote {
                        at: now,
                        reason: reason.clone(),
                    });
                    timeline.push(TimelineEntry {
                        at: now,
                        event_type: "FLAGGED_FOR_REVIEW".into(),
                        actor: actor.to_owned(),
                        details: json!({ "reason": reason }),
                    });
                }
            }
        }
    }
    for note in &facts.notes {
        timeline.push(TimelineEntry {
            at: now,
            event_type: "ANTOM_ANSWER_READ".into(),
            actor: actor.to_owned(),
            details: note.clone(),
        });
    }
    if let Some(reason) = &facts.review {
        let known = locked.order().review().iter().any(|note| &note.reason == reason);
        if !known {
            tally.flagged = true;
            locked.order_mut().flag_for_review(ReviewNote {
                at: now,
                reason: reason.clone(),
            });
            timeline.push(TimelineEntry {
                at: now,
                event_type: "FLAGGED_FOR_REVIEW".into(),
                actor: actor.to_owned(),
                details: json!({ "reason": reason }),
            });
        }
    }
    let changed = changed || tally.flagged;
    let (next, attempts) = match (changed, schedule) {
        (true, _) => (locked.order().next_check_at(now, 0), Some(0)),
        (false, Schedule::Attempt) => {
            let attempts = locked.stored.check_attempts.saturating_add(1);
            (locked.order().next_check_at(now, attempts), Some(attempts))
        }
        (false, Schedule::Keep) => (locked.stored.next_check_at, None),
    };
    if let Some(inbox_id) = inbox {
        let status = locked.order().status();
        locked.set_inbox_outcome(inbox_id, tally.outcome(), Some(status.as_str()));
    }
    let order = locked.commit(&timeline, next, attempts).await?;
    Ok(SyncReport { order, tally })
}

/// How the facts of one batch fared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub applied: usize,
    pub duplicates: usize,
    pub refused: usize,
    /// The order was flagged for a person.
    pub flagged: bool,
}

impl Tally {
    pub fn outcome(&self) -> InboxOutcome {
        if self.flagged {
            InboxOutcome::FlaggedForReview
        } else if self.applied > 0 {
            InboxOutcome::Applied
        } else if self.refused == 0 && self.duplicates > 0 {
            InboxOutcome::Duplicate
        } else if self.refused == 0 {
            InboxOutcome::NoChange
        } else {
            InboxOutcome::NotApplied
        }
    }
}
