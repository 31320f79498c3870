//! inquiryPayment: a payment's state by `paymentId` (preferred) or `paymentRequestId`, with its
//! card, the 3-D Secure redirect while a challenge is open (`redirectActionForm`, POST), and
//! its captures, refunds and cancel as `transactions`.
//!
//! A session nobody has tried to pay yet is not a payment: ORDER_NOT_EXIST, before and after
//! the session expires (see `api::payment_session`).
//!
//! Every transaction carries `transactionResult`, consistent with `transactionStatus`
//! (SUCCESS → S, FAIL → F with the failure's code, PROCESSING → U `CAPTURE_IN_PROCESS` /
//! `REFUND_IN_PROCESS`), unless the `answers.transactionStatusAlwaysSuccess` fault asks for
//! the shape of the guide's capture samples: `transactionStatus` SUCCESS for every capture and
//! refund, the outcome in `transactionResult` only.

use antom_client::codes;
use antom_client::model::{InquiryPaymentRequest, InquiryPaymentResponse, PaymentMethodType};
use antom_client::ResultInfo;

use super::operation::{Checks, Operation, Shape};
use crate::lifecycle::Tx;
use crate::validation::{self as v, Checked, Invalid};
use crate::views::{self, time};

impl Operation for InquiryPaymentRequest {
    fn validate(&self, _checks: &Checks<'_>) -> Checked {
        if self.payment_id.is_none() && self.payment_request_id.is_none() {
            return Err(Invalid::param(
                "paymentId",
                "paymentId or paymentRequestId is required",
            ));
        }
        v::optional_id("paymentId", self.payment_id.as_deref())?;
        v::optional_id("paymentRequestId", self.payment_request_id.as_deref())
    }

    fn handle(self, tx: &mut Tx<'_>, shape: Shape) -> InquiryPaymentResponse {
        let Some(payment) = tx
            .st
            .find_payment(self.payment_id.as_deref(), self.payment_request_id.as_deref())
            .filter(|p| p.stage.is_payment())
        else {
            return InquiryPaymentResponse::new(ResultInfo::failed(
                codes::ORDER_NOT_EXIST,
                "The payment does not exist.",
            ));
        };
        let outcome = views::payment_result(payment);
        InquiryPaymentResponse {
            payment_status: Some(payment.stage.status()),
            payment_result_code: Some(outcome.result_code),
            payment_result_message: Some(outcome.result_message),
            payment_request_id: Some(payment.request_id.clone()),
            payment_id: Some(payment.id.clone()),
            payment_amount: Some(payment.amount.clone()),
            actual_payment_amount: payment.authorized_at.map(|_| payment.amount.clone()),
            payment_create_time: Some(time(payment.created_at)),
            payment_time: payment.authorized_at.map(time),
            auth_expiry_time: payment.auth_expires_at.map(time),
            payment_method_type: Some(PaymentMethodType::Card),
            payment_redirect_url: Some(payment.redirect_url.clone()),
            payment_result_info: views::payment_result_info(payment),
            redirect_action_form: views::open_challenge(payment, tx.base_url).map(|c| c.post_form),
            transactions: views::transactions(tx.st, payment, shape.answers),
            acquirer_reference_no: payment.acquirer_reference_no.clone(),
            ..InquiryPaymentResponse::new(ResultInfo::success())
        }
    }
}
