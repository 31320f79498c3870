//! vaultPaymentMethod: a PCI merchant sends the card itself. Format errors are PARAM_ILLEGAL;
//! a card the issuer refuses (bad checksum, expired, declining card) is F VERIFICATION_FAIL
//! with the reason as inquireVaulting's `vaultingResultCode`; a 3-D Secure card is
//! U VERIFICATION_IN_PROCESS with `normalUrl` to the challenge page (and `applinkUrl` for
//! `env.terminalType` `APP`); otherwise S with the token. notifyVaulting follows every final
//! result. `env.clientIp` is required (a card call), `env.osType` too for `APP`.
//!
//! No `redirectActionForm` here: no SDK models one for this API (its answer has
//! `normalUrl`, `schemeUrl`, `applinkUrl` only [V:JAVA/PY/NET AlipayVaultingPaymentMethodResponse]);
//! the challenge page also takes a POST of `session`, as for pay.
//!
//! Antom: "VERIFICATION_IN_PROCESS: redirect to a returned URL for 3-D Secure; no URL → use a
//! new vaultingRequestId", and a `U` other than VERIFICATION_IN_PROCESS → a new
//! vaultingRequestId too [V:COPY vaultPaymentMethod result table, protocol §2.9]. So a resend of
//! the same id after such an answer is not a way forward here:
//! * after the `unknown` fault (U UNKNOWN_EXCEPTION) the id is spent: nothing was vaulted
//!   (inquireVaulting: VAULTING_NOT_EXIST), and every resend with the same key fields gets the
//!   same U UNKNOWN_EXCEPTION (other key fields: REPEAT_REQ_INCONSISTENT);
//! * after `processing` with `noRedirect` (U VERIFICATION_IN_PROCESS without any URL) the
//!   vaulting is stranded: resends replay that answer, inquireVaulting says PROCESSING without
//!   a URL, and when its session expires (one hour, scaled) it fails (ORDER_IS_CLOSED) with
//!   notifyVaulting F. Only a new vaultingRequestId vaults the card.

use antom_client::codes;
use antom_client::limits;
use antom_client::model::{CardDetail, VaultPaymentMethodRequest, VaultPaymentMethodResponse};
use antom_client::ResultInfo;

use super::operation::{Checks, Operation, Shape};
use super::replay::{inconsistent, refuse, rejected_before};
use crate::cards::{check_cvv, CardError, Expiry, Pan};
use crate::clock::nominal;
use crate::ids;
use crate::lifecycle::{vaulting, ThreeDs, Tx};
use crate::state::{fingerprint, BuyerSession, PendingCard, Scope, VaultStage, Vaulting};
use crate::validation::{self as v, Checked, EnvNeeds, Invalid};
use crate::views;

const CARD: &str = "paymentMethodDetail.card";

impl Operation for VaultPaymentMethodRequest {
    const RECORDS_UNKNOWN: bool = true;

    fn validate(&self, _checks: &Checks<'_>) -> Checked {
        v::id("vaultingRequestId", &self.vaulting_request_id)?;
        v::url(
            "vaultingNotificationUrl",
            &self.vaulting_notification_url,
            limits::MAX_URL,
        )?;
        v::redirect_url("redirectUrl", &self.redirect_url, limits::MAX_URL)?;
        v::env("env", Some(&self.env), EnvNeeds::CardCall)?;
        if let Some(region) = &self.merchant_region {
            v::text("merchantRegion", region, 2, false)?;
        }
        let detail = &self.payment_method_detail;
        v::card_method(
            "paymentMethodDetail.paymentMethodType",
            &detail.payment_method_type,
        )?;
        let card = detail
            .card
            .as_ref()
            .ok_or_else(|| Invalid::param(CARD, "is required"))?;
        let number = card.card_no.as_ref().map(|n| n.expose()).unwrap_or_default();
        if let Err(CardError::NumberFormat) = Pan::parse(number) {
            return Err(Invalid::param(
                &format!("{CARD}.cardNo"),
                "must be 12 to 19 digits",
            ));
        }
        expiry(card)?;
        check_cvv(card.cvv.as_ref().map(|c| c.expose()))
            .map_err(|e| Invalid::param(&format!("{CARD}.cvv"), e.to_string()))?;
        if let Some(name) = &card.cardholder_name {
            for (field, value, max) in [
                ("firstName", &name.first_name, 32),
                ("middleName", &name.middle_name, 32),
                ("lastName", &name.last_name, 32),
                ("fullName", &name.full_name, 128),
            ] {
                if let Some(value) = value {
                    v::text(&format!("{CARD}.cardholderName.{field}"), value, max, false)?;
                }
            }
        }
        Ok(())
    }

    fn handle(self, tx: &mut Tx<'_>, shape: Shape) -> VaultPaymentMethodResponse {
        let Some(card) = self.payment_method_detail.card.as_ref() else {
            return VaultPaymentMethodResponse::new(ResultInfo::failed(codes::PARAM_ILLEGAL, CARD));
        };
        let number = card.card_no.as_ref().map(|n| n.expose()).unwrap_or_default();
        let parsed = Pan::parse(number);
        let expiry = match expiry(card) {
            Ok(expiry) => expiry,
            Err(invalid) => {
                return VaultPaymentMethodResponse::new(ResultInfo::failed(invalid.code, invalid.message))
            }
        };
        // Key fields without keeping the card number: what the issuer sees of it.
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let tail = &digits[digits.len().saturating_sub(4)..];
        let fingerprint = fingerprint(&[
            "vaultPaymentMethod",
            &digits.len().to_string(),
            &digits[..digits.len().min(6)],
            tail,
            card.expiry_month.as_deref().unwrap_or_default(),
            card.expiry_year.as_deref().unwrap_or_default(),
        ]);
        if let Some(existing) = tx.st.vaultings().get(&self.vaulting_request_id) {
            return if existing.fingerprint == fingerprint {
                response(existing, tx)
            } else {
                VaultPaymentMethodResponse::new(inconsistent("vaultingRequestId"))
            };
        }
        let key = self.vaulting_request_id.as_str();
        if let Some(result) = rejected_before(tx.st, Scope::Vaulting, key, &fingerprint, "vaultingRequestId")
        {
            return VaultPaymentMethodResponse::new(result);
        }
        if shape.unknown {
            let spent = ResultInfo::unknown(
                codes::UNKNOWN_EXCEPTION,
                "An unknown exception occurred (injected); use a new vaultingRequestId.",
            );
            return VaultPaymentMethodResponse::new(refuse(tx.st, Scope::Vaulting, key, fingerprint, spent));
        }
        let app = v::env("env", Some(&self.env), EnvNeeds::CardCall).unwrap_or(false);
        let request_id = self.vaulting_request_id.clone();
        tx.st.insert_vaulting(Vaulting {
            request_id: self.vaulting_request_id,
            fingerprint,
            notify_url: self.vaulting_notification_url,
            redirect_url: Some(self.redirect_url),
            created_at: tx.now,
            // The handle of the 3-D Secure page, should the card ask for it.
            session: Some(BuyerSession {
                id: ids::session_id(),
                expires_at: tx.deadline(nominal::SESSION_VALIDITY),
            }),
            app,
            stage: VaultStage::AwaitingCard,
        });
        if shape.no_redirect {
            tx.st
                .update_vaulting(&request_id, |v| v.stage = VaultStage::Stranded);
            return response(&tx.st.vaultings()[&request_id], tx);
        }
        match parsed {
            Err(e) => vaulting::fail(tx, &request_id, e.code(), &e.to_string()),
            Ok(_) if expiry.is_past(tx.now) => {
                let e = CardError::Expired;
                vaulting::fail(tx, &request_id, e.code(), &e.to_string());
            }
            Ok(pan) => {
                let card = PendingCard {
                    profile: pan.profile(),
                    expiry,
                };
                vaulting::present_card(tx, &request_id, card, ThreeDs::Interactive, shape.processing);
            }
        }
        response(&tx.st.vaultings()[&request_id], tx)
    }
}

fn expiry(card: &CardDetail) -> Result<Expiry, Invalid> {
    let month = card.expiry_month.as_deref().unwrap_or_default();
    let year = card.expiry_year.as_deref().unwrap_or_default();
    Expiry::from_parts(month, year).map_err(|_| {
        Invalid::param(
            &format!("{CARD}.expiryMonth"),
            "expiryMonth (01-12) and expiryYear (YY) are required",
        )
    })
}

/// The answer for a vaulting's current state (also its idempotent replay).
fn response(record: &Vaulting, tx: &Tx<'_>) -> VaultPaymentMethodResponse {
    let base = VaultPaymentMethodResponse {
        vaulting_request_id: Some(record.request_id.clone()),
        ..VaultPaymentMethodResponse::new(ResultInfo::success())
    };
    let in_process = ResultInfo::unknown(codes::VERIFICATION_IN_PROCESS, "The card is being verified.");
    match &record.stage {
        VaultStage::Vaulted { token } => VaultPaymentMethodResponse {
            payment_method_detail: tx.st.cards.get(token).map(views::vaulted_card_detail),
            ..base
        },
        VaultStage::Failed { message, .. } => VaultPaymentMethodResponse {
            result: ResultInfo::failed(codes::VERIFICATION_FAIL, message),
            ..base
        },
        VaultStage::AwaitingChallenge { .. } => {
            let challenge = views::vaulting_challenge(record, tx.base_url);
            VaultPaymentMethodResponse {
                result: in_process,
                applink_url: challenge.as_ref().and_then(|c| c.applink_url.clone()),
                normal_url: challenge.map(|c| c.normal_url),
                ..base
            }
        }
        VaultStage::AwaitingCard | VaultStage::Settling { .. } | VaultStage::Stranded => {
            VaultPaymentMethodResponse {
                result: in_process,
                ..base
            }
        }
    }
}
