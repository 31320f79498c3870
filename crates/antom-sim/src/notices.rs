//! Notification bodies (protocol §3), built from the simulator's records with antom-client's
//! model types, so the simulator and the merchant read one definition of each message.

use antom_client::codes;
use antom_client::model::{
    CaptureNotification, Notification, NotifyType, PaymentMethodType, PaymentNotification,
    RefundNotification, VaultingNotification,
};
use antom_client::ResultInfo;

use crate::state::{Capture, Payment, Refund, VaultedCard, Vaulting};
use crate::views::{self, time};

fn payment(payment: &Payment, notify_type: NotifyType, result: ResultInfo) -> Notification {
    Notification::Payment(PaymentNotification {
        notify_type,
        result,
        payment_request_id: payment.request_id.clone(),
        payment_id: payment.id.clone(),
        payment_amount: payment.amount.clone(),
        actual_payment_amount: payment.authorized_at.map(|_| payment.amount.clone()),
        payment_create_time: Some(time(payment.created_at)),
        payment_time: payment.authorized_at.map(time),
        payment_method_type: Some(PaymentMethodType::Card),
        card_info: None,
        payment_result_info: views::payment_result_info(payment),
        auth_expiry_time: payment.auth_expires_at.map(time),
        acquirer_reference_no: payment.acquirer_reference_no.clone(),
    })
}

/// `PAYMENT_RESULT`: S when authorized, F when declined or closed.
pub fn payment_result(p: &Payment) -> Notification {
    payment(p, NotifyType::PaymentResult, views::payment_result(p))
}

/// `PAYMENT_PENDING`: the buyer is done, the result follows. `result` S here means "processing".
pub fn payment_pending(p: &Payment) -> Notification {
    let result = ResultInfo::new(
        views::IN_PROCESS,
        antom_client::ResultStatus::Success,
        "The payment is being processed.",
    );
    payment(p, NotifyType::PaymentPending, result)
}

/// `CAPTURE_RESULT`, also for automatic captures.
pub fn capture_result(capture: &Capture) -> Notification {
    Notification::Capture(CaptureNotification {
        notify_type: NotifyType::CaptureResult,
        result: views::tx_result(&capture.status, codes::CAPTURE_IN_PROCESS),
        capture_request_id: capture.request_id.clone(),
        payment_id: capture.payment_id.clone(),
        capture_id: Some(capture.id.clone()),
        capture_amount: Some(capture.amount.clone()),
        capture_time: capture.status.settled_at().map(time),
        acquirer_reference_no: capture
            .status
            .is_success()
            .then(|| capture.acquirer_reference_no.clone()),
    })
}

/// `REFUND_RESULT`.
pub fn refund_result(refund: &Refund) -> Notification {
    Notification::Refund(RefundNotification {
        notify_type: NotifyType::RefundResult,
        result: views::tx_result(&refund.status, codes::REFUND_IN_PROCESS),
        refund_status: views::refund_status(refund),
        refund_request_id: refund.request_id.clone(),
        refund_id: Some(refund.id.clone()),
        payment_id: Some(refund.payment_id.clone()),
        refund_amount: Some(refund.amount.clone()),
        refund_time: refund.status.settled_at().map(time),
        arn: refund
            .status
            .is_success()
            .then(|| refund.acquirer_reference_no.clone()),
    })
}

/// notifyVaulting: no `notifyType` (Antom documents none); the card on success.
pub fn vaulting_result(vaulting: &Vaulting, result: ResultInfo, card: Option<&VaultedCard>) -> Notification {
    Notification::Vaulting(VaultingNotification {
        notify_type: None,
        result,
        vaulting_request_id: vaulting.request_id.clone(),
        payment_method_detail: card.map(views::vaulted_card_detail),
        vaulting_create_time: Some(time(vaulting.created_at)),
    })
}
