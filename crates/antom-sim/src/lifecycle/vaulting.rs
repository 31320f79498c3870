//! Vaulting steps: a card is presented (hosted form, control API, vaultPaymentMethod), maybe
//! challenged, then vaulted (a token) or refused; notifyVaulting either way.

use antom_client::codes;
use antom_client::model::Sensitive;
use antom_client::ResultInfo;

use crate::cards::{Behaviour, CHALLENGE_FAILED};
use crate::clock::nominal;
use crate::ids;
use crate::notices;
use crate::state::{PendingCard, VaultStage, VaultedCard};

use super::three_ds::ThreeDs;
use super::tx::Tx;

/// Presents a card for vaulting `request_id` (the caller checked the vaulting awaits one).
/// Cards that authorize (and the "processing" and "capture fails" cards, whose behaviour only
/// shows in payments) are vaulted; a card that declines a zero-amount verification fails. `force_processing` is
/// the `processing` fault: answer VERIFICATION_IN_PROCESS and vault later.
pub fn present_card(
    tx: &mut Tx<'_>,
    request_id: &str,
    card: PendingCard,
    three_ds: ThreeDs,
    force_processing: bool,
) {
    match card.profile.behaviour.for_verification() {
        Behaviour::Decline { code, message } => fail(tx, request_id, code, message),
        Behaviour::Challenge => match three_ds {
            ThreeDs::Pass => vault_or_settle(tx, request_id, card, force_processing),
            ThreeDs::Fail => fail_challenge(tx, request_id),
            ThreeDs::Interactive => set_stage(tx, request_id, VaultStage::AwaitingChallenge { card }),
        },
        Behaviour::Authorize | Behaviour::Processing | Behaviour::CaptureFails => {
            vault_or_settle(tx, request_id, card, force_processing)
        }
    }
}

fn vault_or_settle(tx: &mut Tx<'_>, request_id: &str, card: PendingCard, force_processing: bool) {
    if force_processing {
        let at = tx.deadline(nominal::ASYNC_SETTLE);
        set_stage(tx, request_id, VaultStage::Settling { at, card });
    } else {
        vault(tx, request_id, card);
    }
}

/// The buyer answered the challenge of a vaulting awaiting one.
pub fn answer_challenge(tx: &mut Tx<'_>, request_id: &str, pass: bool) {
    let Some(VaultStage::AwaitingChallenge { card }) =
        tx.st.vaultings().get(request_id).map(|v| v.stage.clone())
    else {
        return;
    };
    if pass {
        vault(tx, request_id, card);
    } else {
        fail_challenge(tx, request_id);
    }
}

fn fail_challenge(tx: &mut Tx<'_>, request_id: &str) {
    if let Behaviour::Decline { code, message } = CHALLENGE_FAILED {
        fail(tx, request_id, code, message);
    }
}

fn set_stage(tx: &mut Tx<'_>, request_id: &str, stage: VaultStage) {
    tx.st
        .update_vaulting(request_id, |vaulting| vaulting.stage = stage);
}

/// The card goes into the vault under a new token; notifyVaulting S.
pub fn vault(tx: &mut Tx<'_>, request_id: &str, card: PendingCard) {
    let token = Sensitive::new(ids::card_token());
    let vaulted = VaultedCard {
        token: token.clone(),
        profile: card.profile,
        expiry: card.expiry,
    };
    let Some((url, body)) = tx.st.update_vaulting(request_id, |vaulting| {
        vaulting.stage = VaultStage::Vaulted { token: token.clone() };
        let body = notices::vaulting_result(vaulting, ResultInfo::success(), Some(&vaulted));
        (vaulting.notify_url.clone(), body)
    }) else {
        return;
    };
    tx.st.cards.insert(token, vaulted);
    tx.notify(Some(&url), body);
}

/// Verification failed (`code` is the vaultingResultCode); notifyVaulting F (VERIFICATION_FAIL).
pub fn fail(tx: &mut Tx<'_>, request_id: &str, code: &str, message: &str) {
    let Some((url, body)) = tx.st.update_vaulting(request_id, |vaulting| {
        vaulting.stage = VaultStage::Failed {
            code: code.to_owned(),
            message: message.to_owned(),
        };
        let result = ResultInfo::failed(codes::VERIFICATION_FAIL, message);
        let body = notices::vaulting_result(vaulting, result, None);
        (vaulting.notify_url.clone(), body)
    }) else {
        return;
    };
    tx.notify(Some(&url), body);
}

/// The session expired before a card was bound.
pub fn expire(tx: &mut Tx<'_>, request_id: &str) {
    fail(
        tx,
        request_id,
        codes::ORDER_IS_CLOSED,
        "The vaulting session expired before a card was bound.",
    );
}
