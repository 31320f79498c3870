//! Addresses of the hosted pages and the session data the stand-in SDK decodes.
//!
//! `paymentSessionData` / `vaultingSessionData` follow the layout Antom's Web SDK parses
//! (`@alipay/ams-checkout` 1.47.2 `parseSessionData`, see notes/antom-element.md §2.2):
//!
//! ```text
//! <seg0>&&SG&&111&&<base64(JSON)>
//! ```
//!
//! * `seg0`: opaque to the SDK (it only joins segments 0–2 as an id for its logs); here the
//!   standard base64 of the session id, so the data is deterministic and an idempotent replay
//!   of createPaymentSession returns the same string.
//! * `SG`: the `hostSign` that picks Antom's client gateway (this simulator plays `SG`).
//! * `111`: opaque, as in Antom's samples.
//! * the last segment: standard base64 (the SDK reads it with `atob` + UTF-8) of the JSON
//!   ```json
//!   {"clientId": "…",
//!    "paymentSessionConfig": {"productScene": "ELEMENT_PAYMENT",
//!                             "paymentMethodCategoryType": "ALL",
//!                             "productSceneVersion": "1.0"},
//!    "kind": "payment", "sessionId": "SIM…", "requestId": "…", "simBaseUrl": "http://…"}
//!   ```
//!   `clientId` and `paymentSessionConfig` are the fields of Antom's `IPaymentSessionMetaData`
//!   the SDK reads (component sign = `productScene` + `_` + `paymentMethodCategoryType`, or the
//!   scene alone); `kind`, `sessionId`, `requestId` and `simBaseUrl` are the simulator's own:
//!   which component, which hosted-page session, on which simulator. Antom does not sign the
//!   last segment either (antom-element.md §2.2 [I]).
//!
//! The scenes ([`Scene`]), with the versions 1.47.2 supports for each component sign
//! (`getFinalProductSceneVersion`):
//!
//! | session | `productScene` | `paymentMethodCategoryType` | `productSceneVersion` | component |
//! | --- | --- | --- | --- | --- |
//! | createPaymentSession without `productScene` | `CASHIER_PAYMENT` | `CARD` | `1.0` | `AMSCashierPayment` (`CASHIER_PAYMENT_CARD`) |
//! | `productScene: ELEMENT_PAYMENT` | `ELEMENT_PAYMENT` | `ALL` | `1.0` | `AMSElement` (`ELEMENT_PAYMENT_ALL`) |
//! | `productScene: CHECKOUT_PAYMENT` | `CHECKOUT_PAYMENT` | (none) | `1.0.0` | the hosted page at `normalUrl` (`CHECKOUT_PAYMENT`) |
//! | createVaultingSession | `VAULTING` | `CARD` | `1.0` | `AMSVaulting` (`VAULTING_CARD`) |
//!
//! Vaulting: `VAULTING` is the scene Antom's own sample `vaultingSessionData` carries
//! (protocol §2.8), with category `CARD` because vaulting takes cards only.

use antom_client::model::ProductScene;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

/// Which integration a session is for: what the SDK reads from `paymentSessionConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scene {
    /// createPaymentSession without `productScene`: the `AMSCashierPayment` SDK.
    Cashier,
    /// `ELEMENT_PAYMENT`: the Payment Element (`AMSElement`).
    Element,
    /// `CHECKOUT_PAYMENT`: Antom's hosted checkout page (`normalUrl`).
    Checkout,
    /// createVaultingSession: `AMSVaulting`.
    Vaulting,
}

impl Scene {
    /// The scene of a createPaymentSession (`productScene` already validated: unknown values
    /// are refused before this).
    pub fn of_payment(product_scene: Option<&ProductScene>) -> Scene {
        match product_scene {
            Some(ProductScene::ElementPayment) => Scene::Element,
            Some(ProductScene::CheckoutPayment) => Scene::Checkout,
            _ => Scene::Cashier,
        }
    }

    /// `paymentSessionConfig.productScene`.
    pub fn product_scene(self) -> &'static str {
        match self {
            Scene::Cashier => "CASHIER_PAYMENT",
            Scene::Element => "ELEMENT_PAYMENT",
            Scene::Checkout => "CHECKOUT_PAYMENT",
            Scene::Vaulting => "VAULTING",
        }
    }

    /// `paymentSessionConfig.paymentMethodCategoryType`.
    fn category(self) -> Option<&'static str> {
        match self {
            Scene::Cashier | Scene::Vaulting => Some("CARD"),
            Scene::Element => Some("ALL"),
            Scene::Checkout => None,
        }
    }

    /// `paymentSessionConfig.productSceneVersion`.
    fn version(self) -> &'static str {
        match self {
            Scene::Checkout => "1.0.0",
            _ => "1.0",
        }
    }

    /// Our `kind`: which of the simulator's forms the session opens.
    fn kind(self) -> &'static str {
        match self {
            Scene::Vaulting => "vaulting",
            _ => "payment",
        }
    }
}

/// What goes into a session's data.
#[derive(Debug, Clone, Copy)]
pub struct SessionData<'a> {
    pub scene: Scene,
    /// The hosted-page session id (`paymentSessionId` / `vaultingSessionId`).
    pub session_id: &'a str,
    /// `paymentRequestId` / `vaultingRequestId`.
    pub request_id: &'a str,
    pub client_id: &'a str,
    /// How browsers reach the simulator.
    pub base_url: &'a str,
}

impl SessionData<'_> {
    /// The opaque session data handed to the SDK (see the module doc for the layout).
    pub fn encode(&self) -> String {
        let mut config = json!({
            "productScene": self.scene.product_scene(),
            "productSceneVersion": self.scene.version(),
        });
        if let Some(category) = self.scene.category() {
            config["paymentMethodCategoryType"] = json!(category);
        }
        let payload = json!({
            "clientId": self.client_id,
            "paymentSessionConfig": config,
            "kind": self.scene.kind(),
            "sessionId": self.session_id,
            "requestId": self.request_id,
            "simBaseUrl": self.base_url,
        });
        format!(
            "{}&&SG&&111&&{}",
            STANDARD.encode(self.session_id),
            STANDARD.encode(payload.to_string())
        )
    }
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

    fn decode(data: &str) -> (Vec<&str>, serde_json::Value) {
        let segments: Vec<&str> = data.split("&&").collect();
        assert_eq!(segments.len(), 4, "{data}");
        let payload = serde_json::from_slice(&STANDARD.decode(segments[3]).unwrap()).unwrap();
        (segments, payload)
    }

    #[test]
    fn session_data_has_antoms_layout_and_our_fields() {
        let data = SessionData {
            scene: Scene::Element,
            session_id: "SIM1",
            request_id: "pay_1",
            client_id: "CLIENT",
            base_url: "http://127.0.0.1:8090",
        }
        .encode();
        let (segments, payload) = decode(&data);
        assert_eq!(&segments[1..3], &["SG", "111"]);
        assert_eq!(STANDARD.decode(segments[0]).unwrap(), b"SIM1");
        assert_eq!(payload["clientId"], "CLIENT");
        assert_eq!(
            payload["paymentSessionConfig"],
            json!({"productScene": "ELEMENT_PAYMENT", "paymentMethodCategoryType": "ALL", "productSceneVersion": "1.0"})
        );
        assert_eq!(payload["sessionId"], "SIM1");
        assert_eq!(payload["requestId"], "pay_1");
        assert_eq!(payload["kind"], "payment");
        assert_eq!(payload["simBaseUrl"], "http://127.0.0.1:8090");
        assert!(data.len() <= 4096);
    }

    #[test]
    fn every_scene_says_what_it_is_for() {
        let cases = [
            (
                Scene::of_payment(None),
                "CASHIER_PAYMENT",
                Some("CARD"),
                "payment",
            ),
            (
                Scene::of_payment(Some(&ProductScene::ElementPayment)),
                "ELEMENT_PAYMENT",
                Some("ALL"),
                "payment",
            ),
            (
                Scene::of_payment(Some(&ProductScene::CheckoutPayment)),
                "CHECKOUT_PAYMENT",
                None,
                "payment",
            ),
            (Scene::Vaulting, "VAULTING", Some("CARD"), "vaulting"),
        ];
        for (scene, product_scene, category, kind) in cases {
            let data = SessionData {
                scene,
                session_id: "SIM2",
                request_id: "r",
                client_id: "C",
                base_url: "http://sim",
            }
            .encode();
            let (_, payload) = decode(&data);
            let config = &payload["paymentSessionConfig"];
            assert_eq!(config["productScene"], product_scene);
            assert_eq!(config["paymentMethodCategoryType"].as_str(), category);
            assert_eq!(payload["kind"], kind);
        }
    }
}
