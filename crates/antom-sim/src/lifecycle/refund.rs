//! Refunds of captured money: SUCCESS at once with REFUND_RESULT to `refundNotifyUrl`, or
//! REFUND_IN_PROCESS and a later success under the `processing` fault.

use antom_client::model::Amount;

use crate::clock::nominal;
use crate::ids;
use crate::notices;
use crate::state::{Refund, Settlement, TxStatus};

use super::tx::Tx;

#[derive(Debug, Clone)]
pub struct NewRefund {
    pub request_id: String,
    pub amount: Amount,
    pub notify_url: Option<String>,
    pub force_processing: bool,
}

/// Records a refund (the caller checked state and limits); returns its index.
pub fn create(tx: &mut Tx<'_>, payment_id: &str, new: NewRefund) -> usize {
    let status = if new.force_processing {
        TxStatus::Processing {
            settle_at: tx.deadline(nominal::ASYNC_SETTLE),
            outcome: Settlement::Succeed,
        }
    } else {
        TxStatus::Success { at: tx.now }
    };
    let index = tx.st.push_refund(Refund {
        request_id: new.request_id,
        id: ids::transaction_id(tx.now),
        payment_id: payment_id.to_owned(),
        amount: new.amount,
        notify_url: new.notify_url,
        created_at: tx.now,
        status,
        acquirer_reference_no: ids::acquirer_reference(tx.now),
    });
    if tx.st.refunds()[index].status.is_success() {
        notify(tx, index);
    }
    index
}

/// A processing refund's delay is over.
pub fn settle(tx: &mut Tx<'_>, index: usize) {
    let now = tx.now;
    if tx.st.update_refund(index, |refund| refund.status.settle(now)) == Some(true) {
        notify(tx, index);
    }
}

fn notify(tx: &mut Tx<'_>, index: usize) {
    let refund = &tx.st.refunds()[index];
    let (url, body) = (refund.notify_url.clone(), notices::refund_result(refund));
    tx.notify(url.as_deref(), body);
}
