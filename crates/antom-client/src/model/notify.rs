//! Notification bodies Antom POSTs to us (notifyPayment, notifyCapture, notifyRefund,
//! notifyVaulting) and [`Notification::parse`], which picks the right one.
//!
//! Verify the signature over the raw bytes first (`crate::notification`), parse second. Only
//! the fields a merchant cannot act without are required (`notifyType`, `result`, our request
//! id, and for payments `paymentId`/`paymentAmount`); everything else is optional so that a
//! sparse failure notification is still understood rather than rejected and retried for a day.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{Amount, CardInfo, PaymentResultInfo};
use super::enums::{NotifyType, PaymentMethodType, RefundStatus};
use super::vaulting::PaymentMethodDetail;
use crate::result::ResultInfo;

/// notifyPayment: `PAYMENT_RESULT` (final: `result` S = paid/authorised, F = failed or closed)
/// or `PAYMENT_PENDING` (the buyer is done, the final result follows; `result` S here means
/// "processing", not "paid").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentNotification {
    pub notify_type: NotifyType,
    pub result: ResultInfo,
    pub payment_request_id: String,
    pub payment_id: String,
    pub payment_amount: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_payment_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_create_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<PaymentMethodType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_info: Option<CardInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_result_info: Option<PaymentResultInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_expiry_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquirer_reference_no: Option<String>,
}

/// notifyCapture (`CAPTURE_RESULT`), also sent for automatic captures. `captureId` and
/// `captureAmount` are documented as required but kept optional: a failed capture must still
/// be recognised by our `captureRequestId`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureNotification {
    pub notify_type: NotifyType,
    pub result: ResultInfo,
    pub capture_request_id: String,
    pub payment_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquirer_reference_no: Option<String>,
}

/// notifyRefund (`REFUND_RESULT`): `refundStatus` is `SUCCESS` or `FAIL`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundNotification {
    pub notify_type: NotifyType,
    pub result: ResultInfo,
    pub refund_status: RefundStatus,
    pub refund_request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

/// notifyVaulting. Antom documents no `notifyType` for it (the SDKs have an optional one).
/// On success `paymentMethodDetail.card.cardToken` is the vaulted card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultingNotification {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_type: Option<NotifyType>,
    pub result: ResultInfo,
    pub vaulting_request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_detail: Option<PaymentMethodDetail>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vaulting_create_time: Option<String>,
}

/// A notification body, by kind. Serializes as the inner body (what a simulator sends).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
// One value per webhook call: the size difference between variants costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
pub enum Notification {
    /// `PAYMENT_RESULT` or `PAYMENT_PENDING`.
    Payment(PaymentNotification),
    /// `CAPTURE_RESULT`.
    Capture(CaptureNotification),
    /// `REFUND_RESULT`.
    Refund(RefundNotification),
    /// No `notifyType` (or `VAULTING_RESULT`) and a `vaultingRequestId`.
    Vaulting(VaultingNotification),
    /// Any other JSON, kept whole: a type this product does not handle (e.g.
    /// `UPDATE_AMOUNT_RESULT`) or a shape it does not recognise. Store it and flag it.
    Unknown(Value),
}

impl Notification {
    /// Parses a (verified) body. Dispatches on `notifyType`: `PAYMENT_RESULT`/`PAYMENT_PENDING`
    /// → `Payment`, `CAPTURE_RESULT` → `Capture`, `REFUND_RESULT` → `Refund`; absent or
    /// `VAULTING_RESULT` with a `vaultingRequestId` → `Vaulting`; anything else → `Unknown`.
    ///
    /// Errors: the body is not JSON, or it claims a known type but lacks a required field or
    /// has a field of the wrong type (e.g. a numeric amount value).
    pub fn parse(body: &[u8]) -> Result<Notification, serde_json::Error> {
        let value: Value = serde_json::from_slice(body)?;
        let notify_type = match value.get("notifyType") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(NotifyType::from(s.as_str())),
            Some(_) => return Ok(Notification::Unknown(value)),
        };
        let has_vaulting_id = value.get("vaultingRequestId").is_some_and(|id| !id.is_null());
        Ok(match notify_type {
            Some(NotifyType::PaymentResult | NotifyType::PaymentPending) => {
                Notification::Payment(serde_json::from_value(value)?)
            }
            Some(NotifyType::CaptureResult) => Notification::Capture(serde_json::from_value(value)?),
            Some(NotifyType::RefundResult) => Notification::Refund(serde_json::from_value(value)?),
            None | Some(NotifyType::VaultingResult) if has_vaulting_id => {
                Notification::Vaulting(serde_json::from_value(value)?)
            }
            _ => Notification::Unknown(value),
        })
    }

    /// The notification's type: its `notifyType`, `VAULTING_RESULT` for a vaulting
    /// notification without one, and for `Unknown` whatever string `notifyType` holds (`None`
    /// if there is none).
    pub fn notify_type(&self) -> Option<NotifyType> {
        match self {
            Notification::Payment(n) => Some(n.notify_type.clone()),
            Notification::Capture(n) => Some(n.notify_type.clone()),
            Notification::Refund(n) => Some(n.notify_type.clone()),
            Notification::Vaulting(n) => Some(n.notify_type.clone().unwrap_or(NotifyType::VaultingResult)),
            Notification::Unknown(value) => value
                .get("notifyType")
                .and_then(Value::as_str)
                .map(NotifyType::from),
        }
    }

    /// The `result` object, for every kind but `Unknown`.
    pub fn result(&self) -> Option<&ResultInfo> {
        match self {
            Notification::Payment(n) => Some(&n.result),
            Notification::Capture(n) => Some(&n.result),
            Notification::Refund(n) => Some(&n.result),
            Notification::Vaulting(n) => Some(&n.result),
            Notification::Unknown(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::ResultStatus;
    use serde_json::json;

    fn parse(body: &str) -> Notification {
        Notification::parse(body.as_bytes()).unwrap()
    }

    const PAYMENT_RESULT: &str = r#"{
        "notifyType": "PAYMENT_RESULT",
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
        "paymentRequestId": "pay_001",
        "paymentId": "20240101190740890100111150296464958",
        "paymentAmount": {"value": "4200", "currency": "SGD"},
        "actualPaymentAmount": {"value": "4200", "currency": "SGD"},
        "paymentCreateTime": "2024-01-01T00:00:30+08:00",
        "paymentTime": "2024-01-01T00:01:00+08:00",
        "paymentMethodType": "CARD",
        "authExpiryTime": "2024-01-08T00:01:00+08:00",
        "cardInfo": {"cardNo": "************1111", "cardBrand": "VISA", "cardToken": "ALIPAYnotifTOKEN",
                     "issuingCountry": "US", "funding": "CREDIT", "paymentMethodRegion": "GLOBAL",
                     "threeDSResult": {"threeDSVersion": "2.2.0", "eci": "05", "cavv": "AAABBB", "dsTransactionId": "f25084f0", "xid": ""}},
        "paymentResultInfo": {"avsResultRaw": "Y", "cvvResultRaw": "M", "networkTransactionId": "123456789012345",
                              "cardBrand": "VISA", "lastFour": "1111", "cardBin": "411111"},
        "acquirerInfo": {"acquirerName": "X", "acquirerTransactionId": "T1"},
        "pspCustomerInfo": {}
    }"#;

    #[test]
    fn payment_result() {
        let notification = parse(PAYMENT_RESULT);
        assert_eq!(notification.notify_type(), Some(NotifyType::PaymentResult));
        assert!(notification.result().unwrap().is_success());
        let Notification::Payment(payment) = &notification else {
            panic!("{notification:?}")
        };
        assert_eq!(payment.payment_request_id, "pay_001");
        assert_eq!(payment.payment_amount, Amount::new("SGD", "4200"));
        assert_eq!(payment.payment_method_type, Some(PaymentMethodType::Card));
        let card = payment.card_info.as_ref().unwrap();
        assert_eq!(card.three_ds_result.as_ref().unwrap().eci.as_deref(), Some("05"));
        assert_eq!(card.card_token.as_ref().unwrap().expose(), "ALIPAYnotifTOKEN");
        assert!(!format!("{notification:?}").contains("ALIPAYnotifTOKEN"));
        // Serializes back to the body shape (what the simulator sends).
        let back = serde_json::to_value(&notification).unwrap();
        assert_eq!(back["notifyType"], json!("PAYMENT_RESULT"));
        assert_eq!(back["cardInfo"]["cardToken"], json!("ALIPAYnotifTOKEN"));
        assert_eq!(parse(&back.to_string()), notification);
    }

    #[test]
    fn payment_pending_and_failed() {
        let pending = parse(
            r#"{"notifyType":"PAYMENT_PENDING","result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"S","resultMessage":"processing"},
                "paymentRequestId":"pay_002","paymentId":"2024X","paymentAmount":{"currency":"SGD","value":"100"},
                "paymentCreateTime":"2024-01-01T00:00:30+08:00"}"#,
        );
        assert_eq!(pending.notify_type(), Some(NotifyType::PaymentPending));
        assert!(matches!(pending, Notification::Payment(_)));

        let failed = parse(
            r#"{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"ORDER_IS_CLOSED","resultStatus":"F","resultMessage":"closed"},
                "paymentRequestId":"pay_003","paymentId":"2024Y","paymentAmount":{"currency":"SGD","value":"100"}}"#,
        );
        assert_eq!(failed.result().unwrap().result_status, ResultStatus::Failed);
    }

    #[test]
    fn capture_result() {
        let notification = parse(
            r#"{"captureAmount":{"currency":"SGD","value":"4200"},"notifyType":"CAPTURE_RESULT",
                "captureId":"2024010119074089010011115029CAP","paymentId":"20240101190740890100111150296464958",
                "captureRequestId":"cap_001","captureTime":"2024-01-01T00:02:00+08:00",
                "result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},
                "acquirerReferenceNo":"ARN1","acquirerInfo":{}}"#,
        );
        let Notification::Capture(capture) = &notification else {
            panic!("{notification:?}")
        };
        assert_eq!(capture.capture_request_id, "cap_001");
        assert_eq!(capture.capture_amount, Some(Amount::new("SGD", "4200")));

        let failed = parse(
            r#"{"notifyType":"CAPTURE_RESULT","captureRequestId":"cap_002","paymentId":"2024X",
                "result":{"resultCode":"PROCESS_FAIL","resultStatus":"F","resultMessage":"fail"}}"#,
        );
        assert!(matches!(
            failed,
            Notification::Capture(CaptureNotification { capture_id: None, .. })
        ));
    }

    #[test]
    fn refund_result() {
        let notification = parse(
            r#"{"notifyType":"REFUND_RESULT","refundStatus":"SUCCESS","refundRequestId":"ref_001",
                "refundId":"202401011907REF","refundAmount":{"currency":"SGD","value":"1000"},
                "refundTime":"2024-01-02T10:00:00+08:00","arn":"74537604221431003881865",
                "result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},
                "grossSettlementAmount":{"currency":"USD","value":"740"},"settlementQuote":{"price":"0.74"}}"#,
        );
        let Notification::Refund(refund) = &notification else {
            panic!("{notification:?}")
        };
        assert_eq!(refund.refund_status, RefundStatus::Success);
        assert_eq!(refund.payment_id, None);
        assert_eq!(notification.notify_type(), Some(NotifyType::RefundResult));
    }

    #[test]
    fn vaulting_without_notify_type() {
        // Shape of the vaulting guide's sample, including its `resultMsg` and `expired*` spellings.
        let notification = parse(
            r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMsg":"success"},
                "vaultingRequestId":"vault_001",
                "paymentMethodDetail":{"paymentMethodType":"CARD","card":{"brand":"VISA","cardToken":"ALIPAYvaultTOKEN",
                    "maskedCardNo":"************1111","expiredMonth":"08","expiredYear":"26","funding":"CREDIT"}},
                "vaultingCreateTime":"2024-01-01T00:00:00+08:00","acquirerInfo":{"acquirerName":"X"}}"#,
        );
        assert_eq!(notification.notify_type(), Some(NotifyType::VaultingResult));
        let Notification::Vaulting(vaulting) = &notification else {
            panic!("{notification:?}")
        };
        assert_eq!(vaulting.notify_type, None);
        assert!(vaulting.result.is_success());
        let card = vaulting
            .payment_method_detail
            .as_ref()
            .unwrap()
            .card
            .as_ref()
            .unwrap();
        assert_eq!(card.card_token.as_ref().unwrap().expose(), "ALIPAYvaultTOKEN");
        assert_eq!(card.expiry_month.as_deref(), Some("08"));
        assert!(!format!("{notification:?}").contains("ALIPAYvaultTOKEN"));

        let typed = parse(
            r#"{"notifyType":"VAULTING_RESULT","vaultingRequestId":"vault_002",
                "result":{"resultCode":"VERIFICATION_FAIL","resultStatus":"F","resultMessage":"fail"}}"#,
        );
        assert!(matches!(typed, Notification::Vaulting(_)));
    }

    #[test]
    fn unknown_kinds_are_kept_whole() {
        let update = parse(
            r#"{"notifyType":"UPDATE_AMOUNT_RESULT","paymentId":"2024X","result":{"resultCode":"SUCCESS","resultStatus":"S"}}"#,
        );
        assert_eq!(update.notify_type(), Some(NotifyType::UpdateAmountResult));
        assert!(update.result().is_none());
        let Notification::Unknown(value) = &update else {
            panic!("{update:?}")
        };
        assert_eq!(value["paymentId"], json!("2024X"));

        let brand_new = parse(r#"{"notifyType":"DISPUTE_RESULT","disputeId":"d1"}"#);
        assert_eq!(
            brand_new.notify_type(),
            Some(NotifyType::Other("DISPUTE_RESULT".into()))
        );
        assert!(matches!(brand_new, Notification::Unknown(_)));

        // No type and no vaultingRequestId, a non-string type, a vaulting type without its id.
        for body in [
            r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"}}"#,
            r#"{"notifyType":7,"vaultingRequestId":"v"}"#,
            r#"{"notifyType":"VAULTING_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S"}}"#,
            r#"[1,2]"#,
        ] {
            assert!(matches!(parse(body), Notification::Unknown(_)), "{body}");
        }
    }

    #[test]
    fn malformed_known_kinds_are_errors() {
        assert!(Notification::parse(b"not json").is_err());
        // A payment notification without paymentId.
        assert!(Notification::parse(
            br#"{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S"},
                 "paymentRequestId":"p","paymentAmount":{"currency":"SGD","value":"1"}}"#
        )
        .is_err());
        // A numeric amount value.
        assert!(Notification::parse(
            br#"{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S"},
                 "paymentRequestId":"p","paymentId":"i","paymentAmount":{"currency":"SGD","value":100}}"#
        )
        .is_err());
    }
}
