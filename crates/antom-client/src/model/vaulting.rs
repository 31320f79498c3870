//! Card vaulting: save a card without paying, get a `cardToken` for later `pay` calls.
//!
//! * createVaultingSession (`/ams/api/v1/vaults/createVaultingSession`): session for the
//!   front-end SDK's vaulting component; Antom's page collects the card.
//! * vaultPaymentMethod (`/ams/api/v1/vaults/vaultPaymentMethod`): PCI merchants send the card
//!   themselves; `U`/`VERIFICATION_IN_PROCESS` + a URL means 3-D Secure.
//! * inquireVaulting (`/ams/api/v1/vaults/inquireVaulting`): the state of one vaulting.
//!
//! The first two are idempotent by `vaultingRequestId`. The result also arrives by
//! notifyVaulting. Card numbers, CVVs and tokens are [`CardNumber`]/[`Sensitive`], never
//! printed by `Debug`.

use serde::{Deserialize, Serialize};

use super::common::{BillingAddress, CardholderName, Env};
use super::enums::{PaymentMethodType, VaultingStatus};
use super::lenient;
use super::sensitive::{CardNumber, Sensitive};
use crate::client::{AntomRequest, AntomResponse};
use crate::endpoint::Endpoint;
use crate::result::ResultInfo;

/// `paymentMethodDetail`: what we send to vault a card, and what Antom returns about it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethodDetail {
    pub payment_method_type: PaymentMethodType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDetail>,
}

impl PaymentMethodDetail {
    /// `{paymentMethodType: "CARD", card}`.
    pub fn card(card: CardDetail) -> Self {
        PaymentMethodDetail {
            payment_method_type: PaymentMethodType::Card,
            card: Some(card),
        }
    }
}

/// `paymentMethodDetail.card`. Request side: `cardNo`, `cvv`, `expiryMonth` (`"08"`),
/// `expiryYear` (two digits, `"26"`), `cardholderName`, `billingAddress`. Response side:
/// `cardToken`, `maskedCardNo`, `brand`, `lastFour`, `bin`, `funding`, `issuingCountry`, ...
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_no: Option<CardNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder_name: Option<CardholderName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<BillingAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvv: Option<Sensitive>,
    /// Also read as `expiredYear`, the spelling of one vaulting notification sample.
    #[serde(default, alias = "expiredYear", skip_serializing_if = "Option::is_none")]
    pub expiry_year: Option<String>,
    /// Also read as `expiredMonth`.
    #[serde(default, alias = "expiredMonth", skip_serializing_if = "Option::is_none")]
    pub expiry_month: Option<String>,
    /// The vaulted card; use as `paymentMethod.paymentMethodId` in `pay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_token: Option<Sensitive>,
    /// Masked by Antom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_card_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_four: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avs_result_raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvv_result_raw: Option<String>,
}

// ---------------------------------------------------------------- createVaultingSession

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateVaultingSessionRequest {
    pub payment_method_type: PaymentMethodType,
    /// Ours, max 64, new per session; Antom's idempotency key.
    pub vaulting_request_id: String,
    pub vaulting_notification_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_region: Option<String>,
    /// Read from `true` or `"true"`, written as a JSON boolean.
    #[serde(
        rename = "is3DSAuthentication",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_3ds_authentication: Option<bool>,
}

impl AntomRequest for CreateVaultingSessionRequest {
    type Response = CreateVaultingSessionResponse;
    const ENDPOINT: Endpoint = Endpoint::CreateVaultingSession;

    fn request_id(&self) -> Option<&str> {
        Some(&self.vaulting_request_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateVaultingSessionResponse {
    pub result: ResultInfo,
    /// Opaque (≤ 4096), handed to the front-end SDK as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vaulting_session_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vaulting_session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vaulting_session_expiry_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal_url: Option<String>,
}

impl CreateVaultingSessionResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        CreateVaultingSessionResponse {
            result,
            vaulting_session_data: None,
            vaulting_session_id: None,
            vaulting_session_expiry_time: None,
            normal_url: None,
        }
    }
}

impl AntomResponse for CreateVaultingSessionResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

// ---------------------------------------------------------------- vaultPaymentMethod

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultPaymentMethodRequest {
    /// Ours, max 64; Antom's idempotency key.
    pub vaulting_request_id: String,
    pub vaulting_notification_url: String,
    /// Where the buyer returns after 3-D Secure.
    pub redirect_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_region: Option<String>,
    pub payment_method_detail: PaymentMethodDetail,
    /// Required by Antom (`terminalType` `WEB` for a PC browser).
    pub env: Env,
}

impl AntomRequest for VaultPaymentMethodRequest {
    type Response = VaultPaymentMethodResponse;
    const ENDPOINT: Endpoint = Endpoint::VaultPaymentMethod;

    fn request_id(&self) -> Option<&str> {
        Some(&self.vaulting_request_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultPaymentMethodResponse {
    pub result: ResultInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vaulting_request_id: Option<String>,
    /// On success: `card{brand, cardToken, maskedCardNo}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_detail: Option<PaymentMethodDetail>,
    /// 3-D Secure page when `VERIFICATION_IN_PROCESS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme_url: Option<String>,
    #[serde(default, alias = "appLinkUrl", skip_serializing_if = "Option::is_none")]
    pub applink_url: Option<String>,
}

impl VaultPaymentMethodResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        VaultPaymentMethodResponse {
            result,
            vaulting_request_id: None,
            payment_method_detail: None,
            normal_url: None,
            scheme_url: None,
            applink_url: None,
        }
    }
}

impl AntomResponse for VaultPaymentMethodResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

// ---------------------------------------------------------------- inquireVaulting

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquireVaultingRequest {
    pub vaulting_request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_account_id: Option<String>,
}

impl InquireVaultingRequest {
    pub fn new(vaulting_request_id: impl Into<String>) -> Self {
        InquireVaultingRequest {
            vaulting_request_id: vaulting_request_id.into(),
            merchant_account_id: None,
        }
    }
}

impl AntomRequest for InquireVaultingRequest {
    type Response = InquireVaultingResponse;
    const ENDPOINT: Endpoint = Endpoint::InquireVaulting;

    fn request_id(&self) -> Option<&str> {
        Some(&self.vaulting_request_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquireVaultingResponse {
    /// The inquiry call's outcome, not the vaulting's.
    pub result: ResultInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vaulting_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vaulting_status: Option<VaultingStatus>,
    /// e.g. `VERIFICATION_IN_PROCESS`, `DO_NOT_HONOR`, `INVALID_CVV`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vaulting_result_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vaulting_result_message: Option<String>,
    /// When SUCCESS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_detail: Option<PaymentMethodDetail>,
    /// When PROCESSING (3-D Secure still open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme_url: Option<String>,
    #[serde(default, alias = "appLinkUrl", skip_serializing_if = "Option::is_none")]
    pub applink_url: Option<String>,
}

impl InquireVaultingResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        InquireVaultingResponse {
            result,
            vaulting_request_id: None,
            vaulting_status: None,
            vaulting_result_code: None,
            vaulting_result_message: None,
            payment_method_detail: None,
            normal_url: None,
            scheme_url: None,
            applink_url: None,
        }
    }
}

impl AntomResponse for InquireVaultingResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TerminalType, UserName};
    use crate::result::ResultStatus;
    use serde_json::json;

    const PAN: &str = "4111111111111111";
    const CVV: &str = "737";

    fn vault_request() -> VaultPaymentMethodRequest {
        VaultPaymentMethodRequest {
            vaulting_request_id: "vault_001".into(),
            vaulting_notification_url: "https://shop.example/webhooks/antom/vaulting".into(),
            redirect_url: "https://shop.example/cards".into(),
            payment_method_detail: PaymentMethodDetail::card(CardDetail {
                card_no: Some(PAN.into()),
                cvv: Some(CVV.into()),
                expiry_month: Some("08".into()),
                expiry_year: Some("26".into()),
                cardholder_name: Some(UserName {
                    full_name: Some("Ada Lovelace".into()),
                    ..UserName::default()
                }),
                ..CardDetail::default()
            }),
            env: Env {
                terminal_type: Some(TerminalType::Web),
                ..Env::default()
            },
            ..VaultPaymentMethodRequest::default()
        }
    }

    #[test]
    fn vault_request_sends_the_card_and_debug_hides_it() {
        let request = vault_request();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({
                "vaultingRequestId": "vault_001",
                "vaultingNotificationUrl": "https://shop.example/webhooks/antom/vaulting",
                "redirectUrl": "https://shop.example/cards",
                "paymentMethodDetail": {"paymentMethodType": "CARD", "card": {
                    "cardNo": PAN, "cvv": CVV, "expiryMonth": "08", "expiryYear": "26",
                    "cardholderName": {"fullName": "Ada Lovelace"}}},
                "env": {"terminalType": "WEB"}
            })
        );
        let debug = format!("{request:?}");
        assert!(!debug.contains(PAN), "{debug}");
        assert!(!debug.contains(CVV), "{debug}");
        assert!(debug.contains("************1111"), "{debug}");
        let pretty = format!("{request:#?}");
        assert!(!pretty.contains(PAN) && !pretty.contains(CVV));
        assert_eq!(request.request_id(), Some("vault_001"));
        assert_eq!(
            <VaultPaymentMethodRequest as AntomRequest>::ENDPOINT,
            Endpoint::VaultPaymentMethod
        );
    }

    #[test]
    fn create_session_request_names() {
        let request = CreateVaultingSessionRequest {
            vaulting_request_id: "vault_002".into(),
            vaulting_notification_url: "https://shop.example/n".into(),
            redirect_url: Some("https://shop.example/cards".into()),
            is_3ds_authentication: Some(true),
            ..CreateVaultingSessionRequest::default()
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"paymentMethodType": "CARD", "vaultingRequestId": "vault_002",
                   "vaultingNotificationUrl": "https://shop.example/n",
                   "redirectUrl": "https://shop.example/cards", "is3DSAuthentication": true})
        );
        let parsed: CreateVaultingSessionRequest = serde_json::from_value(json!({
            "paymentMethodType": "CARD", "vaultingRequestId": "v", "vaultingNotificationUrl": "u",
            "is3DSAuthentication": "true"
        }))
        .unwrap();
        assert_eq!(parsed.is_3ds_authentication, Some(true));
        assert_eq!(parsed.request_id(), Some("v"));
    }

    #[test]
    fn create_session_response() {
        let response: CreateVaultingSessionResponse = serde_json::from_str(
            r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},
                "vaultingSessionData":"M8Xr7sUf1XmJhAY+hwgHkw==&&SG&&111&&eyJwcm9kdWN0U2NlbmUiOiJWQVVMVElORyJ9",
                "vaultingSessionExpiryTime":"2024-01-01T01:00:00+08:00",
                "vaultingSessionId":"M8Xr7sUf1XmJhAY+hwgHkw==","extra":"x"}"#,
        )
        .unwrap();
        assert!(response.result().is_success());
        assert!(response.vaulting_session_data.is_some());
    }

    #[test]
    fn vault_response_success_and_3ds() {
        let ok: VaultPaymentMethodResponse = serde_json::from_value(json!({
            "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
            "vaultingRequestId": "vault_001",
            "paymentMethodDetail": {"paymentMethodType": "CARD", "card": {
                "brand": "VISA", "cardToken": "ALIPAYsecretTOKEN+/=", "maskedCardNo": "************1111"}}
        }))
        .unwrap();
        let card = ok.payment_method_detail.as_ref().unwrap().card.as_ref().unwrap();
        assert_eq!(card.card_token.as_ref().unwrap().expose(), "ALIPAYsecretTOKEN+/=");
        assert!(!format!("{ok:?}").contains("ALIPAYsecretTOKEN"));

        let three_ds: VaultPaymentMethodResponse = serde_json::from_value(json!({
            "result": {"resultCode": "VERIFICATION_IN_PROCESS", "resultStatus": "U", "resultMessage": "3ds"},
            "vaultingRequestId": "vault_001", "normalUrl": "https://acs.example/3ds",
            "appLinkUrl": "https://app.example/3ds"
        }))
        .unwrap();
        assert_eq!(three_ds.result.result_status, ResultStatus::Unknown);
        assert_eq!(three_ds.applink_url.as_deref(), Some("https://app.example/3ds"));
    }

    #[test]
    fn inquire_vaulting() {
        let request = InquireVaultingRequest::new("vault_001");
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"vaultingRequestId": "vault_001"})
        );
        assert_eq!(
            <InquireVaultingRequest as AntomRequest>::ENDPOINT,
            Endpoint::InquireVaulting
        );

        let processing: InquireVaultingResponse = serde_json::from_value(json!({
            "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
            "vaultingRequestId": "vault_001", "vaultingStatus": "PROCESSING",
            "vaultingResultCode": "VERIFICATION_IN_PROCESS", "normalUrl": "https://acs.example/3ds"
        }))
        .unwrap();
        assert_eq!(processing.vaulting_status, Some(VaultingStatus::Processing));

        let done: InquireVaultingResponse = serde_json::from_value(json!({
            "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
            "vaultingRequestId": "vault_001", "vaultingStatus": "EXPIRED_NEW_VALUE",
            "paymentMethodDetail": {"paymentMethodType": "CARD", "card": {
                "brand": "MASTERCARD", "cardToken": "tok_X", "lastFour": "4444", "bin": "555555",
                "funding": "DEBIT", "issuingCountry": "SG", "expiredMonth": "12", "expiredYear": "27",
                "billingAddress": {"region": "SG", "zipCode": "018956", "label": "home"}}}
        }))
        .unwrap();
        assert_eq!(
            done.vaulting_status,
            Some(VaultingStatus::Other("EXPIRED_NEW_VALUE".into()))
        );
        let card = done.payment_method_detail.unwrap().card.unwrap();
        assert_eq!(card.expiry_month.as_deref(), Some("12"));
        assert_eq!(card.expiry_year.as_deref(), Some("27"));
        assert_eq!(card.billing_address.unwrap().zip_code.as_deref(), Some("018956"));
    }
}
