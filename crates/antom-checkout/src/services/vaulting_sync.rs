//! The one path by which vaulting results change anything: notifyVaulting, inquireVaulting (the
//! worker) and our own createVaultingSession / vaultPaymentMethod answers all come here.
//!
//! Under the vaulting's row lock, `domain::VaultingAttempt` decides: PROCESSING → SUCCESS stores
//! the card (token sealed with AES-256-GCM, brand / masked number / expiry in clear) in the same
//! transaction; PROCESSING → FAIL records Antom's code; a repeated result is a duplicate; the
//! opposite final result (a FAIL after a SUCCESS) changes nothing, so a card is never lost, and
//! is logged for a human.

use antom_client::model::{CardDetail, InquireVaultingRequest, VaultingNotification};
use chrono::{DateTime, Duration, Utc};
use domain::{CardId, NotApplied, RecordStatus, VaultingAttempt, VaultingRequestId};

use super::antom_facts::{self, VaultingFact};
use super::card_crypto::seal_token;
use super::card_input::redact_card_numbers;
use crate::persistence::{InboxOutcome, NewCard, StoreError, StoredVaulting, VaultingUpdate};
use crate::state::AppState;

/// What applying a result did, in the inbox's words (the same as orders use, so redeliveries
/// are handled alike): `Applied`, `Duplicate`, `NoChange` (still processing), `FlaggedForReview`
/// (the opposite of an earlier final result: ignored and logged), `UnknownVaulting`, or
/// `InvalidFact` with the reason in `detail` (e.g. a success without a card token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultingSync {
    pub outcome: InboxOutcome,
    pub detail: Option<String>,
}

impl From<InboxOutcome> for VaultingSync {
    fn from(outcome: InboxOutcome) -> Self {
        VaultingSync {
            outcome,
            detail: None,
        }
    }
}

fn invalid(reason: impl Into<String>) -> VaultingSync {
    VaultingSync {
        outcome: InboxOutcome::InvalidFact,
        detail: Some(reason.into()),
    }
}

/// The stored vaulting as a domain value.
fn attempt(stored: &StoredVaulting) -> Result<VaultingAttempt, StoreError> {
    let mut attempt = VaultingAttempt::new(stored.request_id.clone());
    if stored.status != RecordStatus::Processing {
        attempt
            .apply_result(stored.status)
            .map_err(|e| StoreError::CorruptSnapshot(e.to_string()))?;
    }
    Ok(attempt)
}

/// Applies one result under the vaulting's lock.
pub async fn apply_result(
    state: &AppState,
    request_id: &VaultingRequestId,
    result: VaultingFact<'_>,
) -> Result<VaultingSync, StoreError> {
    let reported = match &result {
        VaultingFact::Vaulted(_) => RecordStatus::Success,
        VaultingFact::Failed { .. } => RecordStatus::Fail,
        VaultingFact::Processing => RecordStatus::Processing,
        VaultingFact::Invalid(reason) => return Ok(invalid(*reason)),
    };
    let Some(locked) = state.store.lock_vaulting(request_id).await? else {
        return Ok(InboxOutcome::UnknownVaulting.into());
    };
    let update = match (attempt(&locked.stored)?.apply_result(reported), result) {
        (Ok(_), VaultingFact::Vaulted(card)) => match new_card(state, &locked.stored, card) {
            Ok(card) => VaultingUpdate::Vaulted(card),
            Err(reason) => {
                locked.rollback().await?;
                return Ok(invalid(reason));
            }
        },
        (Ok(_), VaultingFact::Failed { code, message }) => VaultingUpdate::Failed {
            code,
            message: redact_card_numbers(&message),
        },
        // PROCESSING is never a transition; the domain calls it a duplicate.
        (Ok(_), VaultingFact::Processing | VaultingFact::Invalid(_)) | (Err(NotApplied::Duplicate), _) => {
            locked.rollback().await?;
            return Ok(match reported {
                RecordStatus::Processing => InboxOutcome::NoChange,
                RecordStatus::Success | RecordStatus::Fail => InboxOutcome::Duplicate,
            }
            .into());
        }
        (Err(refusal), _) => {
            tracing::warn!(
                vaulting_request_id = request_id.as_str(),
                reason = refusal.code(),
                "vaulting result contradicts the final one; kept the first"
            );
            locked.rollback().await?;
            return Ok(InboxOutcome::FlaggedForReview.into());
        }
    };
    let vaulted = matches!(update, VaultingUpdate::Vaulted(_));
    locked.commit(update).await?;
    tracing::info!(
        vaulting_request_id = request_id.as_str(),
        vaulted,
        "vaulting settled"
    );
    Ok(InboxOutcome::Applied.into())
}

/// The card row for a successful vaulting: the token sealed to the row, the rest cut to what
/// the columns hold and what may be shown.
fn new_card(state: &AppState, vaulting: &StoredVaulting, card: &CardDetail) -> Result<NewCard, &'static str> {
    let token = card
        .card_token
        .as_ref()
        .filter(|t| !t.expose().is_empty())
        .ok_or("the successful vaulting has no cardToken")?;
    let id = CardId::parse(&uuid::Uuid::now_v7().to_string()).expect("uuid is a valid id");
    let masked = masked_number(card);
    let last_four = card
        .last_four
        .clone()
        .filter(|l| l.len() == 4 && l.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| {
            let digits: String = masked.chars().filter(char::is_ascii_digit).collect();
            digits[digits.len().saturating_sub(4)..].to_owned()
        });
    let expiry_month = card
        .expiry_month
        .as_deref()
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|m| (1..=12).contains(m))
        .map(|m| format!("{m:02}"))
        .unwrap_or_default();
    let expiry_year = card
        .expiry_year
        .clone()
        .filter(|y| matches!(y.len(), 2 | 4) && y.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_default();
    Ok(NewCard {
        token_ciphertext: seal_token(&state.data_key, id.as_str(), &vaulting.buyer_id, token),
        id,
        brand: card
            .brand
            .clone()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| "CARD".into()),
        masked_card_no: masked,
        last_four,
        expiry_month,
        expiry_year,
    })
}

/// Antom's masked number, at most 32 characters and never more than 10 digits in clear (first
/// six and last four, as PCI DSS allows): anything longer is masked again here.
fn masked_number(card: &CardDetail) -> String {
    let raw = card
        .masked_card_no
        .clone()
        .or_else(|| card.last_four.as_ref().map(|l| format!("************{l}")))
        .unwrap_or_default();
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let masked: String = if digits > 10 {
        let mut seen = 0;
        raw.chars()
            .map(|c| {
                if !c.is_ascii_digit() {
                    return c;
                }
                seen += 1;
                if seen > digits - 4 {
                    c
                } else {
                    '*'
                }
            })
            .collect()
    } else {
        raw
    };
    masked
        .chars()
        .rev()
        .take(32)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect()
}

/// Applies a notifyVaulting.
pub async fn notification(state: &AppState, n: &VaultingNotification) -> Result<VaultingSync, StoreError> {
    // An id that is not one we could have sent names no vaulting of ours.
    let Ok(request_id) = VaultingRequestId::parse(&n.vaulting_request_id) else {
        return Ok(InboxOutcome::UnknownVaulting.into());
    };
    apply_result(state, &request_id, antom_facts::vaulting_notification(n)).await
}

/// Asks Antom about a vaulting still PROCESSING (the worker) and applies the answer; what stays
/// open is looked at again later, with backoff.
pub async fn inquire(state: &AppState, request_id: &VaultingRequestId) -> Result<(), StoreError> {
    let Some(stored) = state.store.vaulting(request_id).await? else {
        return Ok(());
    };
    if stored.status != RecordStatus::Processing {
        return Ok(());
    }
    let answer = state
        .antom
        .send(&InquireVaultingRequest::new(request_id.as_str()))
        .await;
    let synced = apply_result(state, request_id, antom_facts::vaulting_inquiry(&answer)).await?;
    if matches!(
        synced.outcome,
        InboxOutcome::Applied | InboxOutcome::Duplicate | InboxOutcome::FlaggedForReview
    ) {
        return Ok(());
    }
    reschedule(state, request_id, Utc::now()).await
}

/// Sets the next check of a vaulting still PROCESSING: 5 s doubling per unanswered check, at
/// most 10 minutes (as for orders).
async fn reschedule(
    state: &AppState,
    request_id: &VaultingRequestId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(locked) = state.store.lock_vaulting(request_id).await? else {
        return Ok(());
    };
    if locked.stored.status != RecordStatus::Processing {
        return locked.rollback().await;
    }
    let attempts = locked.stored.check_attempts.saturating_add(1);
    locked
        .commit(VaultingUpdate::Recheck {
            next_check_at: now + domain::backoff(attempts),
            check_attempts: attempts,
        })
        .await
}

/// One worker round for vaultings: claim the due ones and inquire each. Returns how many.
pub async fn reconcile_due(state: &AppState, lease: Duration, batch: u64) -> Result<usize, StoreError> {
    let claimed = state.store.claim_due_vaultings(Utc::now(), lease, batch).await?;
    for request_id in &claimed {
        if let Err(e) = inquire(state, request_id).await {
            tracing::warn!(vaulting_request_id = request_id.as_str(), error = %e, "could not reconcile the vaulting");
        }
    }
    Ok(claimed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(masked: Option<&str>, last_four: Option<&str>) -> CardDetail {
        CardDetail {
            masked_card_no: masked.map(str::to_owned),
            last_four: last_four.map(str::to_owned),
            ..CardDetail::default()
        }
    }

    #[test]
    fn masked_numbers_never_show_more_than_ten_digits() {
        assert_eq!(
            masked_number(&card(Some("411111******1111"), None)),
            "411111******1111"
        );
        assert_eq!(
            masked_number(&card(Some("4111111111111111"), None)),
            "************1111"
        );
        assert_eq!(masked_number(&card(None, Some("4444"))), "************4444");
        assert_eq!(masked_number(&card(None, None)), "");
        assert_eq!(masked_number(&card(Some(&"*".repeat(40)), None)).len(), 32);
    }
}
