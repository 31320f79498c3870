//! A payment's steps: the buyer's card meets the issuer, then authorized, declined, closed or
//! cancelled.

use antom_client::codes;
use std::time::Duration;

use crate::cards::{Behaviour, CHALLENGE_FAILED};
use crate::clock::nominal;
use crate::ids;
use crate::notices;
use crate::state::{Settlement, Stage, UsedCard};

use super::capture;
use super::three_ds::ThreeDs;
use super::tx::Tx;

/// The buyer's card is presented for payment `payment_id` (hosted form, control API, or a
/// vaulted card in `pay`): the payment attempt starts, and with it the 14-minute (scaled)
/// clock after which an unfinished one is closed. The caller has checked that the payment
/// awaits a card.
pub fn present_card(tx: &mut Tx<'_>, payment_id: &str, card: UsedCard, three_ds: ThreeDs) {
    let behaviour = card.profile.behaviour;
    let close_at = tx.deadline(nominal::UNPAID_CLOSE);
    tx.st.update_payment(payment_id, |payment| {
        payment.card = Some(card);
        payment.close_at = Some(close_at);
    });
    match behaviour {
        Behaviour::Authorize | Behaviour::CaptureFails => authorize(tx, payment_id),
        Behaviour::Decline { code, message } => decline(tx, payment_id, code, message),
        Behaviour::Challenge => answer_challenge(tx, payment_id, three_ds),
        Behaviour::Processing => settle_later(
            tx,
            payment_id,
            nominal::PROCESSING_CARD,
            Settlement::Succeed,
            true,
        ),
    }
}

/// Resolves (or opens) the 3-D Secure challenge of a card that asked for one.
pub fn answer_challenge(tx: &mut Tx<'_>, payment_id: &str, three_ds: ThreeDs) {
    match three_ds {
        ThreeDs::Pass => authorize(tx, payment_id),
        ThreeDs::Fail => {
            if let Behaviour::Decline { code, message } = CHALLENGE_FAILED {
                decline(tx, payment_id, code, message);
            }
        }
        ThreeDs::Interactive => {
            tx.st
                .update_payment(payment_id, |payment| payment.stage = Stage::AwaitingChallenge);
        }
    }
}

/// Authorized: `paymentTime` now, `authExpiryTime` 7 days (scaled) later, PAYMENT_RESULT S,
/// then the automatic capture when the payment asked for one.
pub fn authorize(tx: &mut Tx<'_>, payment_id: &str) {
    let now = tx.now;
    let auth_expires_at = tx.deadline(nominal::AUTH_VALIDITY);
    let Some((automatic, url, body)) = tx.st.update_payment(payment_id, |payment| {
        payment.stage = Stage::Authorized;
        payment.authorized_at = Some(now);
        payment.auth_expires_at = Some(auth_expires_at);
        payment.acquirer_reference_no = Some(ids::acquirer_reference(now));
        let body = notices::payment_result(payment);
        (payment.automatic_capture(), payment.notify_url.clone(), body)
    }) else {
        return;
    };
    tx.notify(url.as_deref(), body);
    if automatic {
        capture::automatic(tx, payment_id);
    }
}

/// Declined (or failed 3-D Secure): FAIL and PAYMENT_RESULT F.
pub fn decline(tx: &mut Tx<'_>, payment_id: &str, code: &str, message: &str) {
    let Some((url, body)) = tx.st.update_payment(payment_id, |payment| {
        payment.stage = Stage::Failed {
            code: code.to_owned(),
            message: message.to_owned(),
        };
        (payment.notify_url.clone(), notices::payment_result(payment))
    }) else {
        return;
    };
    tx.notify(url.as_deref(), body);
}

/// A started payment not finished in time (3-D Secure never answered): the order is closed
/// (ORDER_IS_CLOSED) and reported as failed.
pub fn close_unpaid(tx: &mut Tx<'_>, payment_id: &str) {
    decline(
        tx,
        payment_id,
        codes::ORDER_IS_CLOSED,
        "The order was closed because it was not paid in time.",
    );
}

/// The result is known but arrives after `delay` (scaled); optionally PAYMENT_PENDING now.
pub fn settle_later(
    tx: &mut Tx<'_>,
    payment_id: &str,
    delay: Duration,
    outcome: Settlement,
    pending_notice: bool,
) {
    let at = tx.deadline(delay);
    let pending = tx.st.update_payment(payment_id, |payment| {
        payment.stage = Stage::Settling { at, outcome };
        pending_notice.then(|| (payment.notify_url.clone(), notices::payment_pending(payment)))
    });
    if let Some(Some((url, body))) = pending {
        tx.notify(url.as_deref(), body);
    }
}

/// A settling payment's delay is over.
pub fn settle(tx: &mut Tx<'_>, payment_id: &str, outcome: Settlement) {
    match outcome {
        Settlement::Succeed => authorize(tx, payment_id),
        Settlement::Fail { code, message } => decline(tx, payment_id, code, message),
    }
}

/// Cancelled (by the merchant's cancel): no more buyer action, no capture, no notification.
pub fn cancel(tx: &mut Tx<'_>, payment_id: &str) {
    let now = tx.now;
    tx.st
        .update_payment(payment_id, |payment| payment.stage = Stage::Cancelled { at: now });
}

/// How a card that settles later ends: declines stay declines, everything else authorizes.
pub fn settlement_of(behaviour: Behaviour) -> Settlement {
    match behaviour {
        Behaviour::Decline { code, message } => Settlement::Fail { code, message },
        Behaviour::Authorize | Behaviour::Challenge | Behaviour::Processing | Behaviour::CaptureFails => {
            Settlement::Succeed
        }
    }
}
