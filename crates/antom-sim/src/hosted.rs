//! Addresses of the hosted pages and the session data the stand-in SDK decodes.
//!
//! `paymentSessionData` / `vaultingSessionData` look like Antom's (`<base64>&&SG&&111`); the
//! base64url part is JSON `{kind, sessionId, requestId, simBaseUrl}`, which is all the SDK needs
//! to open the right form on the right simulator. Deterministic, so an idempotent replay of
//! createPaymentSession returns the same data.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

/// Which component a session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Payment,
    Vaulting,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Payment => "payment",
            Kind::Vaulting => "vaulting",
        }
    }
}

/// The opaque session data handed to the SDK.
pub fn session_data(kind: Kind, session_id: &str, request_id: &str, base_url: &str) -> String {
    let payload = json!({
        "kind": kind.as_str(),
        "sessionId": session_id,
        "requestId": request_id,
        "simBaseUrl": base_url,
    });
    format!("{}&&SG&&111", URL_SAFE_NO_PAD.encode(payload.to_string()))
}

/// The hosted card form: the SDK's frame, and the `normalUrl` of a `CHECKOUT_PAYMENT` session.
pub fn form_url(base_url: &str, session_id: &str) -> String {
    format!("{base_url}/checkout/form?session={session_id}")
}

/// The 3-D Secure challenge page (`normalUrl` of a `PAYMENT_IN_PROCESS` / `VERIFICATION_IN_PROCESS`).
pub fn challenge_url(base_url: &str, session_id: &str) -> String {
    format!("{base_url}/checkout/3ds?session={session_id}")
}

/// The challenge page as a form target (`redirectActionForm.redirectUrl`, method POST): the
/// session comes in the posted fields.
pub fn challenge_post_url(base_url: &str) -> String {
    format!("{base_url}/checkout/3ds")
}

/// `redirectActionForm.parameters`: the form fields to post, as a JSON string.
pub fn challenge_parameters(session_id: &str) -> String {
    json!({ "session": session_id }).to_string()
}

/// `applinkUrl`: an app link to the same challenge page (opens the app when it claims the
/// link, else the page).
pub fn challenge_app_link(base_url: &str, session_id: &str) -> String {
    format!("{base_url}/checkout/3ds?session={session_id}&channel=app")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_data_decodes_to_its_fields() {
        let data = session_data(Kind::Payment, "SIM1", "pay_1", "http://127.0.0.1:8090");
        let (encoded, rest) = data.split_once("&&").unwrap();
        assert_eq!(rest, "SG&&111");
        let payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(encoded).unwrap()).unwrap();
        assert_eq!(payload["sessionId"], "SIM1");
        assert_eq!(payload["kind"], "payment");
        assert_eq!(payload["simBaseUrl"], "http://127.0.0.1:8090");
        assert!(data.len() <= 4096);
    }
}
