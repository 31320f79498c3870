//! Captures: manual (the capture API) or automatic (right after authorization). Card …0341
//! authorizes but every capture fails: answered CAPTURE_IN_PROCESS, then CAPTURE_RESULT F.

use antom_client::codes;
use antom_client::model::Amount;

use crate::cards::Behaviour;
use crate::clock::nominal;
use crate::ids;
use crate::notices;
use crate::state::{Capture, Settlement, TxStatus};

use super::tx::Tx;

const CAPTURE_FAILED: Settlement = Settlement::Fail {
    code: codes::PROCESS_FAIL,
    message: "The acquirer declined the capture.",
};

/// What the capture API asks for.
#[derive(Debug, Clone)]
pub struct NewCapture {
    pub request_id: String,
    pub amount: Amount,
    pub is_last: bool,
    /// The `processing` fault: answer CAPTURE_IN_PROCESS and succeed later.
    pub force_processing: bool,
}

/// Records a capture of an authorized payment (the caller checked state and limits) and
/// returns its index in `State::captures`.
pub fn create(tx: &mut Tx<'_>, payment_id: &str, new: NewCapture) -> usize {
    let Some(payment) = tx.st.payments().get(payment_id) else {
        unreachable!("captures are created for existing payments only")
    };
    let card_fails = payment
        .card
        .as_ref()
        .is_some_and(|c| c.profile.behaviour == Behaviour::CaptureFails);
    let status = if card_fails {
        processing(tx, CAPTURE_FAILED)
    } else if new.force_processing {
        processing(tx, Settlement::Succeed)
    } else {
        TxStatus::Success { at: tx.now }
    };
    let index = tx.st.push_capture(Capture {
        request_id: new.request_id,
        id: ids::transaction_id(tx.now),
        payment_id: payment_id.to_owned(),
        amount: new.amount,
        is_last: new.is_last,
        created_at: tx.now,
        status,
        acquirer_reference_no: ids::acquirer_reference(tx.now),
    });
    if tx.st.captures()[index].status.is_success() {
        notify(tx, index);
    }
    index
}

fn processing(tx: &Tx<'_>, outcome: Settlement) -> TxStatus {
    TxStatus::Processing {
        settle_at: tx.deadline(nominal::ASYNC_SETTLE),
        outcome,
    }
}

/// captureMode AUTOMATIC: Antom captures the full amount right after authorization.
pub fn automatic(tx: &mut Tx<'_>, payment_id: &str) {
    let Some(payment) = tx.st.payments().get(payment_id) else {
        return;
    };
    let new = NewCapture {
        request_id: format!("AUTO_{payment_id}"),
        amount: payment.amount.clone(),
        is_last: true,
        force_processing: false,
    };
    create(tx, payment_id, new);
}

/// A processing capture's delay is over.
pub fn settle(tx: &mut Tx<'_>, index: usize) {
    let now = tx.now;
    if tx.st.update_capture(index, |capture| capture.status.settle(now)) == Some(true) {
        notify(tx, index);
    }
}

/// CAPTURE_RESULT to the payment's notify URL.
fn notify(tx: &mut Tx<'_>, index: usize) {
    let capture = &tx.st.captures()[index];
    let url = tx
        .st
        .payments()
        .get(&capture.payment_id)
        .and_then(|p| p.notify_url.clone());
    let body = notices::capture_result(capture);
    tx.notify(url.as_deref(), body);
}
