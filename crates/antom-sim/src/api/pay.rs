//! pay with a vaulted card (`paymentMethod.paymentMethodId` = a card token this simulator
//! issued). The card behaves as its number would on the hosted form: authorized (S), declined
//! (F), 3-D Secure (U PAYMENT_IN_PROCESS; the result follows by notification), or processing
//! (U, settles after 30 s scaled).
//!
//! The 3-D Secure page comes three ways, as Antom's pay response describes them
//! [V:JAVA AlipayPayResponse; RedirectActionForm `parameters` is a String]: `normalUrl` (GET),
//! `redirectActionForm` `{method: "POST", redirectUrl, parameters: "{\"session\":\"…\"}"}` (a
//! form to post, fields as a JSON string), and for `env.terminalType` `APP` also `applinkUrl`
//! (an app link to the same page; no `schemeUrl`, there is no issuer app to open).
//!
//! A card call from the merchant's server carries the buyer's environment: `env.clientIp` is
//! required (PARAM_ILLEGAL naming `env.clientIp`), `env.osType` too when `terminalType` is
//! `APP` [D:DOC marketplace/authorization_payment lists clientIp, browserInfo, terminalType
//! among what a pay must send].
//!
//! A token the simulator never issued is refused with F `INVALID_CARD` and no payment is
//! created (inquiring that paymentRequestId says ORDER_NOT_EXIST); the answer is stored under
//! the paymentRequestId like any final answer.

use antom_client::codes;
use antom_client::limits;
use antom_client::model::{PayRequest, PayResponse, Sensitive};
use antom_client::ResultInfo;

use super::operation::{Checks, Operation, Shape};
use super::replay::{inconsistent, refuse, rejected_before};
use crate::clock::nominal;
use crate::hosted::Scene;
use crate::ids;
use crate::lifecycle::{payment, ThreeDs, Tx};
use crate::state::{fingerprint, BuyerSession, Payment, Scope, Stage, UsedCard};
use crate::validation::{self as v, Checked, EnvNeeds, Invalid, MAX_PAYMENT_METHOD_ID};
use crate::views::{self, time};

impl Operation for PayRequest {
    fn validate(&self, checks: &Checks<'_>) -> Checked {
        v::product_code(&self.product_code)?;
        v::id("paymentRequestId", &self.payment_request_id)?;
        v::amount("paymentAmount", &self.payment_amount)?;
        v::order(&self.order)?;
        v::card_method(
            "paymentMethod.paymentMethodType",
            &self.payment_method.payment_method_type,
        )?;
        let token = self
            .payment_method
            .payment_method_id
            .as_ref()
            .map(|t| t.expose())
            .unwrap_or_default();
        if token.is_empty() {
            return Err(Invalid::param(
                "paymentMethod.paymentMethodId",
                "is required (a cardToken from vaulting)",
            ));
        }
        if token.len() > MAX_PAYMENT_METHOD_ID {
            return Err(Invalid::param(
                "paymentMethod.paymentMethodId",
                format!("is longer than {MAX_PAYMENT_METHOD_ID} characters"),
            ));
        }
        v::redirect_url("paymentRedirectUrl", &self.payment_redirect_url, limits::MAX_URL)?;
        v::optional_url(
            "paymentNotifyUrl",
            self.payment_notify_url.as_deref(),
            limits::MAX_URL,
        )?;
        v::card_authorization(self.payment_factor.as_ref())?;
        let settlement = self
            .settlement_strategy
            .as_ref()
            .and_then(|s| s.settlement_currency.as_deref());
        checks.merchant.check_settlement(settlement)?;
        v::env("env", self.env.as_ref(), EnvNeeds::CardCall)?;
        if let Some(expiry) = &self.payment_expiry_time {
            if antom_client::time::parse_time(expiry).is_none() {
                return Err(Invalid::param(
                    "paymentExpiryTime",
                    "must be an ISO-8601 time with offset",
                ));
            }
        }
        Ok(())
    }

    fn handle(self, tx: &mut Tx<'_>, shape: Shape) -> PayResponse {
        // Present: checked by `validate`.
        let token = self
            .payment_method
            .payment_method_id
            .clone()
            .unwrap_or_else(|| Sensitive::new(""));
        let amount = &self.payment_amount;
        let fingerprint = fingerprint(&["pay", &amount.currency, &amount.value, token.expose()]);
        let key = self.payment_request_id.as_str();
        if let Some(existing) = tx.st.payment_by_request_id(key) {
            return if existing.fingerprint == fingerprint {
                response(existing, tx.base_url)
            } else {
                PayResponse::new(inconsistent("paymentRequestId"))
            };
        }
        if let Some(result) = rejected_before(tx.st, Scope::Payment, key, &fingerprint, "paymentRequestId") {
            return PayResponse::new(result);
        }
        let Some(card) = tx.st.cards.get(&token).cloned() else {
            let result = ResultInfo::failed(
                codes::INVALID_CARD,
                "paymentMethod.paymentMethodId is not a card token issued by Antom.",
            );
            return PayResponse::new(refuse(tx.st, Scope::Payment, key, fingerprint, result));
        };

        let close_at = tx.deadline(nominal::UNPAID_CLOSE);
        let payment = Payment {
            id: ids::transaction_id(tx.now),
            request_id: self.payment_request_id.clone(),
            fingerprint,
            amount: self.payment_amount.clone(),
            redirect_url: self.payment_redirect_url,
            notify_url: self.payment_notify_url,
            capture_mode: v::card_authorization(self.payment_factor.as_ref())
                .unwrap_or(antom_client::model::CaptureMode::Automatic),
            created_at: tx.now,
            close_at: Some(close_at),
            // The handle of the 3-D Secure page, should the card ask for it.
            session: Some(BuyerSession {
                id: ids::session_id(),
                expires_at: close_at,
            }),
            app: v::env("env", self.env.as_ref(), EnvNeeds::CardCall).unwrap_or(false),
            scene: Scene::Cashier,
            saved_cards: Vec::new(),
            card: None,
            stage: Stage::AwaitingCard,
            authorized_at: None,
            auth_expires_at: None,
            acquirer_reference_no: None,
        };
        let payment_id = payment.id.clone();
        tx.st.insert_payment(payment);
        let used = UsedCard {
            profile: card.profile.clone(),
            expiry: card.expiry,
            token: Some(card.token.clone()),
        };
        if card.expiry.is_past(tx.now) {
            tx.st.update_payment(&payment_id, |p| p.card = Some(used));
            payment::decline(
                tx,
                &payment_id,
                codes::INVALID_EXPIRATION_DATE,
                "The card has expired.",
            );
        } else if shape.processing {
            let outcome = payment::settlement_of(used.profile.behaviour);
            tx.st.update_payment(&payment_id, |p| p.card = Some(used));
            payment::settle_later(tx, &payment_id, nominal::ASYNC_SETTLE, outcome, false);
        } else {
            payment::present_card(tx, &payment_id, used, ThreeDs::Interactive);
        }
        let payment = &tx.st.payments()[&payment_id];
        response(payment, tx.base_url)
    }
}

/// The pay answer for a payment's current state (also its idempotent replay).
fn response(payment: &Payment, base_url: &str) -> PayResponse {
    let challenge = views::open_challenge(payment, base_url);
    PayResponse {
        payment_request_id: Some(payment.request_id.clone()),
        payment_id: Some(payment.id.clone()),
        payment_amount: Some(payment.amount.clone()),
        payment_create_time: Some(time(payment.created_at)),
        payment_time: payment.authorized_at.map(time),
        auth_expiry_time: payment.auth_expires_at.map(time),
        payment_result_info: views::payment_result_info(payment),
        redirect_action_form: challenge.as_ref().map(|c| c.post_form.clone()),
        applink_url: challenge.as_ref().and_then(|c| c.applink_url.clone()),
        normal_url: challenge.map(|c| c.normal_url),
        ..PayResponse::new(views::payment_result(payment))
    }
}
