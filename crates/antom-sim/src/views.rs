//! How the simulator's records look on the wire, built with antom-client's model types: the
//! pieces that responses, inquiries and notifications share.

use antom_client::codes;
use antom_client::model::{
    ActionFormMethod, CardDetail, PaymentMethodDetail, PaymentResultInfo, RedirectActionForm, RefundStatus,
    ThreeDsResult, Transaction, TransactionStatus, TransactionType,
};
use antom_client::time::iso8601;
use antom_client::ResultInfo;
use chrono::{DateTime, Utc};

use crate::cards::{Behaviour, CardProfile};
use crate::faults::Answers;
use crate::hosted;
use crate::state::{Payment, Refund, Stage, State, TxStatus, VaultStage, VaultedCard, Vaulting};

/// ISO-8601 with offset, as Antom writes times.
pub fn time(at: DateTime<Utc>) -> String {
    iso8601(at)
}

pub const IN_PROCESS: &str = codes::PAYMENT_IN_PROCESS;

/// A payment's outcome as a result object (pay response, PAYMENT_RESULT, paymentResultCode).
pub fn payment_result(payment: &Payment) -> ResultInfo {
    match &payment.stage {
        Stage::Authorized => ResultInfo::success(),
        Stage::Failed { code, message } => ResultInfo::failed(code, message),
        Stage::Cancelled { .. } => ResultInfo::failed(codes::ORDER_IS_CANCELED, "The payment was cancelled."),
        Stage::AwaitingCard | Stage::AwaitingChallenge | Stage::Settling { .. } => {
            ResultInfo::unknown(IN_PROCESS, "The payment is in process.")
        }
    }
}

/// Where a buyer answers an open 3-D Secure challenge, in every form Antom hands it out.
#[derive(Debug, Clone, PartialEq)]
pub struct Challenge {
    /// `normalUrl`: the page, opened with GET.
    pub normal_url: String,
    /// `redirectActionForm`: the same page as a form to POST (`parameters` a JSON string).
    pub post_form: RedirectActionForm,
    /// `applinkUrl` when the buyer is in an app (`env.terminalType` `APP`).
    pub applink_url: Option<String>,
}

/// The challenge of a session handle `session_id`.
pub fn challenge(base_url: &str, session_id: &str, app: bool) -> Challenge {
    Challenge {
        normal_url: hosted::challenge_url(base_url, session_id),
        post_form: RedirectActionForm {
            method: Some(ActionFormMethod::Post),
            redirect_url: Some(hosted::challenge_post_url(base_url)),
            parameters: Some(hosted::challenge_parameters(session_id)),
            action_form_type: Some("RedirectActionForm".to_owned()),
        },
        applink_url: app.then(|| hosted::challenge_app_link(base_url, session_id)),
    }
}

/// The payment's challenge while it is open.
pub fn open_challenge(payment: &Payment, base_url: &str) -> Option<Challenge> {
    let session = payment.session.as_ref()?;
    (payment.stage == Stage::AwaitingChallenge).then(|| challenge(base_url, &session.id, payment.app))
}

/// The vaulting's challenge while it is open.
pub fn vaulting_challenge(record: &Vaulting, base_url: &str) -> Option<Challenge> {
    let session = record.session.as_ref()?;
    matches!(record.stage, VaultStage::AwaitingChallenge { .. })
        .then(|| challenge(base_url, &session.id, record.app))
}

/// `paymentResultInfo`: the card, masked; `cardToken` only when the payment used a vaulted card.
pub fn payment_result_info(payment: &Payment) -> Option<PaymentResultInfo> {
    let card = payment.card.as_ref()?;
    let three_ds = (card.profile.behaviour == Behaviour::Challenge && payment.stage == Stage::Authorized)
        .then(|| ThreeDsResult {
            three_ds_version: Some("2.2.0".into()),
            eci: Some("05".into()),
            ..ThreeDsResult::default()
        });
    Some(PaymentResultInfo {
        card_brand: Some(card.profile.brand.to_owned()),
        card_no: Some(card.profile.masked.clone()),
        card_token: card.token.clone(),
        funding: Some(CardProfile::FUNDING.to_owned()),
        issuing_country: Some(CardProfile::ISSUING_COUNTRY.to_owned()),
        last_four: Some(card.profile.last_four.clone()),
        card_bin: Some(card.profile.bin.clone()),
        expiry_month: Some(card.expiry.month_mm()),
        expiry_year: Some(card.expiry.year_yy()),
        three_ds_result: three_ds,
        ..PaymentResultInfo::default()
    })
}

/// `paymentMethodDetail` of a vaulted card.
pub fn vaulted_card_detail(card: &VaultedCard) -> PaymentMethodDetail {
    PaymentMethodDetail::card(CardDetail {
        brand: Some(card.profile.brand.to_owned()),
        card_token: Some(card.token.clone()),
        masked_card_no: Some(card.profile.masked.clone()),
        last_four: Some(card.profile.last_four.clone()),
        bin: Some(card.profile.bin.clone()),
        funding: Some(CardProfile::FUNDING.to_owned()),
        issuing_country: Some(CardProfile::ISSUING_COUNTRY.to_owned()),
        expiry_month: Some(card.expiry.month_mm()),
        expiry_year: Some(card.expiry.year_yy()),
        ..CardDetail::default()
    })
}

/// A capture's or refund's result object.
pub fn tx_result(status: &TxStatus, in_process_code: &str) -> ResultInfo {
    match status {
        TxStatus::Processing { .. } => ResultInfo::unknown(in_process_code, "The request is in process."),
        TxStatus::Success { .. } => ResultInfo::success(),
        TxStatus::Failed { code, message, .. } => ResultInfo::failed(code, message),
    }
}

fn tx_status(status: &TxStatus) -> TransactionStatus {
    match status {
        TxStatus::Processing { .. } => TransactionStatus::Processing,
        TxStatus::Success { .. } => TransactionStatus::Success,
        TxStatus::Failed { .. } => TransactionStatus::Fail,
    }
}

pub fn refund_status(refund: &Refund) -> RefundStatus {
    match refund.status {
        TxStatus::Processing { .. } => RefundStatus::Processing,
        TxStatus::Success { .. } => RefundStatus::Success,
        TxStatus::Failed { .. } => RefundStatus::Fail,
    }
}

/// A capture's or refund's `transactionStatus`: its own, or SUCCESS whatever happened when
/// the `answers.transactionStatusAlwaysSuccess` fault asks for that shape.
fn reported_status(status: &TxStatus, answers: Answers) -> TransactionStatus {
    if answers.transaction_status_always_success {
        TransactionStatus::Success
    } else {
        tx_status(status)
    }
}

/// inquiryPayment's `transactions`: captures, refunds and the cancel, in time order, each with
/// `transactionResult`.
pub fn transactions(state: &State, payment: &Payment, answers: Answers) -> Vec<Transaction> {
    let mut entries: Vec<(DateTime<Utc>, Transaction)> = Vec::new();
    for capture in state.captures_of(&payment.id) {
        let at = capture.status.settled_at().unwrap_or(capture.created_at);
        entries.push((
            capture.created_at,
            Transaction {
                transaction_request_id: Some(capture.request_id.clone()),
                transaction_id: Some(capture.id.clone()),
                transaction_amount: Some(capture.amount.clone()),
                transaction_time: Some(time(at)),
                transaction_result: Some(tx_result(&capture.status, codes::CAPTURE_IN_PROCESS)),
                ..Transaction::new(
                    TransactionType::Capture,
                    reported_status(&capture.status, answers),
                )
            },
        ));
    }
    for refund in state.refunds_of(&payment.id) {
        let at = refund.status.settled_at().unwrap_or(refund.created_at);
        entries.push((
            refund.created_at,
            Transaction {
                transaction_request_id: Some(refund.request_id.clone()),
                transaction_id: Some(refund.id.clone()),
                transaction_amount: Some(refund.amount.clone()),
                transaction_time: Some(time(at)),
                transaction_result: Some(tx_result(&refund.status, codes::REFUND_IN_PROCESS)),
                ..Transaction::new(TransactionType::Refund, reported_status(&refund.status, answers))
            },
        ));
    }
    if let Stage::Cancelled { at } = payment.stage {
        entries.push((
            at,
            Transaction {
                transaction_id: Some(payment.id.clone()),
                transaction_amount: Some(payment.amount.clone()),
                transaction_time: Some(time(at)),
                transaction_result: Some(ResultInfo::success()),
                ..Transaction::new(TransactionType::Cancel, TransactionStatus::Success)
            },
        ));
    }
    entries.sort_by_key(|(at, _)| *at);
    entries.into_iter().map(|(_, t)| t).collect()
}
