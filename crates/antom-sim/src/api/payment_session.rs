//! createPaymentSession: a session awaiting the buyer's card on the SDK's form or, with
//! `productScene` `CHECKOUT_PAYMENT`, on Antom's hosted checkout page (`normalUrl`).
//!
//! `productScene` says which integration takes the card, and goes into `paymentSessionData`
//! (`paymentSessionConfig.productScene`, see `hosted`) so the browser side knows it: absent,
//! the `AMSCashierPayment` SDK; `ELEMENT_PAYMENT`, the Payment Element (`AMSElement`);
//! `CHECKOUT_PAYMENT`, Antom's hosted page, the only scene answered with `normalUrl`. Each SDK
//! component refuses a session of another scene, as Antom's does.
//!
//! `savedPaymentMethods`: cards the buyer saved with the merchant, each `{paymentMethodType:
//! CARD, paymentMethodId: <cardToken>}` with a token this simulator issued by vaulting (it
//! plays one merchant, so: issued for this `clientId`); anything else is `F PARAM_ILLEGAL`
//! naming the entry (our reading, see `validation::saved_payment_methods`). They stay with the
//! session and only the Payment Element offers them, beside a new card.
//!
//! The session is not a payment until the buyer tries to pay: inquiryPayment answers
//! ORDER_NOT_EXIST until then, and a session nobody tried to pay just expires, with no
//! notification. It expires at the requested `paymentSessionExpiryTime` (an absolute time,
//! at most an hour away), else one hour (scaled) after creation [V:JAVA
//! AlipayPaymentSessionRequest.paymentSessionExpiryTime doc]. A payment started before then
//! finishes on its own schedule (see `lifecycle::payment`).

use antom_client::codes;
use antom_client::limits;
use antom_client::model::{
    CaptureMode, CreatePaymentSessionRequest, CreatePaymentSessionResponse, PaymentMethod, Sensitive,
};
use antom_client::ResultInfo;

use super::operation::{Checks, Operation, Shape};
use super::replay::inconsistent;
use crate::clock::{self, nominal};
use crate::hosted::{self, Scene, SessionData};
use crate::ids;
use crate::lifecycle::Tx;
use crate::state::{fingerprint, BuyerSession, Payment, Stage};
use crate::validation::{self as v, Checked, EnvNeeds};
use crate::views::time;

/// A requested expiry may be up to an hour away (plus clock skew).
const EXPIRY_SKEW: std::time::Duration = std::time::Duration::from_secs(60);

impl Operation for CreatePaymentSessionRequest {
    fn validate(&self, checks: &Checks<'_>) -> Checked {
        let now = checks.now;
        v::product_code(&self.product_code)?;
        v::id("paymentRequestId", &self.payment_request_id)?;
        v::amount("paymentAmount", &self.payment_amount)?;
        v::order(&self.order)?;
        v::session_method(self.payment_method.as_ref())?;
        v::redirect_url("paymentRedirectUrl", &self.payment_redirect_url, limits::MAX_URL)?;
        v::optional_url(
            "paymentNotifyUrl",
            self.payment_notify_url.as_deref(),
            limits::MAX_URL,
        )?;
        v::card_authorization(self.payment_factor.as_ref())?;
        if let Some(expiry) = &self.payment_session_expiry_time {
            let latest = clock::add(now, nominal::SESSION_VALIDITY + EXPIRY_SKEW);
            v::future_time("paymentSessionExpiryTime", expiry, now, latest)?;
        }
        let settlement = self
            .settlement_strategy
            .as_ref()
            .and_then(|s| s.settlement_currency.as_deref());
        checks.merchant.check_settlement(settlement)?;
        v::env("env", self.env.as_ref(), EnvNeeds::Optional)?;
        v::product_scene(self.product_scene.as_ref())?;
        v::saved_payment_methods(self.saved_payment_methods.as_deref())?;
        if let Some(locale) = &self.locale {
            v::text("locale", locale, 8, false)?;
        }
        Ok(())
    }

    fn handle(self, tx: &mut Tx<'_>, _shape: Shape) -> CreatePaymentSessionResponse {
        let fingerprint = fingerprint(&[
            "createPaymentSession",
            &self.payment_amount.currency,
            &self.payment_amount.value,
        ]);
        if let Some(payment) = tx.st.payment_by_request_id(&self.payment_request_id) {
            if payment.fingerprint != fingerprint {
                return CreatePaymentSessionResponse::new(inconsistent("paymentRequestId"));
            }
            return replay(payment, tx);
        }
        let saved_cards = match vaulted_tokens(tx, self.saved_payment_methods.as_deref()) {
            Ok(tokens) => tokens,
            Err(result) => return CreatePaymentSessionResponse::new(result),
        };
        // Parsed by `validate`: the requested time is absolute (not scaled); the default is an
        // hour, scaled.
        let expires_at = self
            .payment_session_expiry_time
            .as_deref()
            .and_then(antom_client::time::parse_time)
            .unwrap_or_else(|| tx.deadline(nominal::SESSION_VALIDITY));
        let app = v::env("env", self.env.as_ref(), EnvNeeds::Optional).unwrap_or(false);
        let payment = Payment {
            id: ids::transaction_id(tx.now),
            request_id: self.payment_request_id,
            fingerprint,
            amount: self.payment_amount,
            redirect_url: self.payment_redirect_url,
            notify_url: self.payment_notify_url,
            capture_mode: v::card_authorization(self.payment_factor.as_ref())
                .unwrap_or(CaptureMode::Automatic),
            created_at: tx.now,
            close_at: None,
            session: Some(BuyerSession {
                id: ids::session_id(),
                expires_at,
            }),
            app,
            scene: Scene::of_payment(self.product_scene.as_ref()),
            saved_cards,
            card: None,
            stage: Stage::AwaitingCard,
            authorized_at: None,
            auth_expires_at: None,
            acquirer_reference_no: None,
        };
        let response = replay(&payment, tx);
        tx.st.insert_payment(payment);
        response
    }
}

/// The tokens of `savedPaymentMethods` (shape checked by `validate`), each one a card in this
/// simulator's vault, in order, without repeats; else `F PARAM_ILLEGAL` naming the entry.
fn vaulted_tokens(tx: &Tx<'_>, methods: Option<&[PaymentMethod]>) -> Result<Vec<Sensitive>, ResultInfo> {
    let mut tokens: Vec<Sensitive> = Vec::new();
    for (i, method) in methods.unwrap_or_default().iter().enumerate() {
        let Some(token) = method.payment_method_id.as_ref() else {
            continue;
        };
        if !tx.st.cards.contains_key(token) {
            return Err(ResultInfo::failed(
                codes::PARAM_ILLEGAL,
                format!(
                    "savedPaymentMethods[{i}].paymentMethodId: is not a cardToken issued by vaulting for this clientId"
                ),
            ));
        }
        if !tokens.contains(token) {
            tokens.push(token.clone());
        }
    }
    Ok(tokens)
}

/// The session's answer, the same every time it is asked for (also after it expired), unless
/// the order is over.
fn replay(payment: &Payment, tx: &Tx<'_>) -> CreatePaymentSessionResponse {
    match &payment.stage {
        Stage::Failed { code, .. } if code == codes::ORDER_IS_CLOSED => {
            return CreatePaymentSessionResponse::new(ResultInfo::failed(
                codes::ORDER_IS_CLOSED,
                "The order was closed; use a new paymentRequestId.",
            ))
        }
        Stage::Cancelled { .. } => {
            return CreatePaymentSessionResponse::new(ResultInfo::failed(
                codes::ORDER_IS_CANCELED,
                "The payment was cancelled; use a new paymentRequestId.",
            ))
        }
        _ => {}
    }
    let Some(session) = &payment.session else {
        return CreatePaymentSessionResponse::new(inconsistent("paymentRequestId"));
    };
    let data = SessionData {
        scene: payment.scene,
        session_id: &session.id,
        request_id: &payment.request_id,
        client_id: tx.client_id,
        base_url: tx.base_url,
    };
    CreatePaymentSessionResponse {
        payment_session_data: Some(data.encode()),
        payment_session_expiry_time: Some(time(session.expires_at)),
        payment_session_id: Some(session.id.clone()),
        normal_url: payment
            .hosted_page()
            .then(|| hosted::form_url(tx.base_url, &session.id)),
        ..CreatePaymentSessionResponse::new(ResultInfo::success())
    }
}
