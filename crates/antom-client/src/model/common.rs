//! Objects shared by several Antom APIs: money, order, buyer, environment, payment method,
//! card results, transactions.
//!
//! Wire conventions for every model type: camelCase names, unknown fields ignored (Antom adds
//! fields), optional fields omitted when `None` and empty lists omitted, enums keep unknown
//! values. Times are ISO-8601 strings as Antom sends them; parsing them is the caller's call.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::enums::{
    ActionFormMethod, CaptureMode, OsType, PaymentMethodType, TerminalType, TransactionStatus,
    TransactionType,
};
use super::lenient;
use super::sensitive::Sensitive;
use crate::result::ResultInfo;

/// Money on the wire: `{"currency": "SGD", "value": "4200"}`; `value` is the amount in the
/// currency's minor unit (JPY and KRW have none), as a string.
///
/// `value` deserializes from a JSON string only; a JSON number (`"value": 4200`) is rejected
/// on purpose. The protocol says String(16), and a number means the sender does not follow it
/// (one unofficial test server sends Python ints): numbers pass through floats in many JSON
/// stacks (`1e3`, `10.5`, precision lost past 2^53), so quietly accepting one could turn a
/// malformed amount into money. A simulator facing such a body answers PARAM_ILLEGAL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Amount {
    /// ISO 4217 code, e.g. `SGD`.
    pub currency: String,
    /// Minor units as a string of digits, e.g. `"4200"` for SGD 42.00.
    pub value: String,
}

impl Amount {
    pub fn new(currency: impl Into<String>, value: impl Into<String>) -> Self {
        Amount {
            currency: currency.into(),
            value: value.into(),
        }
    }

    /// The value as minor units when it has the documented shape (1 to 16 ASCII digits);
    /// `None` for anything else (empty, sign, decimal point, spaces, too long).
    pub fn minor_units(&self) -> Option<i64> {
        let v = self.value.as_str();
        if v.is_empty() || v.len() > 16 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        v.parse().ok()
    }
}

/// `{firstName, middleName, lastName, fullName}`: a buyer's or a cardholder's name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserName {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

/// `card.cardholderName`: the same shape as a buyer's name.
pub type CardholderName = UserName;

/// `order.buyer`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Buyer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_buyer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_phone_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_name: Option<UserName>,
}

/// One line of `order.goods` (at most 100).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Goods {
    pub reference_goods_id: String,
    pub goods_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_unit_amount: Option<Amount>,
    /// A count as a string, e.g. `"2"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_quantity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_url: Option<String>,
}

/// `order`. Antom does not check `orderAmount` against `paymentAmount`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub reference_order_id: String,
    pub order_description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<Buyer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goods: Vec<Goods>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Env>,
}

/// `env`: the buyer's device and browser, used by Antom's risk checks and 3-D Secure.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Env {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_type: Option<TerminalType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_type: Option<OsType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_token_id: Option<String>,
    /// `{acceptHeader, javaEnabled, javaScriptEnabled, language, userAgent}`, passed through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_info: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_depth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_height: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_width: Option<String>,
    /// Minutes, -720..=720, as the browser's `getTimezoneOffset()`. Read from a number or a
    /// string, written as a number (as the Java SDK does).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_zone_offset: Option<i32>,
}

/// `paymentMethod`. A vaulted card is `{paymentMethodType: "CARD", paymentMethodId: <cardToken>}`.
///
/// `Debug` is written by hand: `paymentMethodMetaData` can hold a raw card (`cardNo`, `cvv`) for
/// PCI merchants, so only its keys are printed.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    pub payment_method_type: PaymentMethodType,
    /// The card token (max 128) when paying with a vaulted card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_id: Option<Sensitive>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_meta_data: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

impl PaymentMethod {
    /// `{paymentMethodType: "CARD"}`: the buyer enters the card in Antom's SDK or page.
    pub fn card() -> Self {
        PaymentMethod::default()
    }

    /// A card vaulted earlier: `paymentMethodId` = its `cardToken`.
    pub fn vaulted_card(card_token: impl Into<Sensitive>) -> Self {
        PaymentMethod {
            payment_method_id: Some(card_token.into()),
            ..PaymentMethod::default()
        }
    }
}

impl fmt::Debug for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Destructured so that a new field cannot be forgotten here.
        let PaymentMethod {
            payment_method_type,
            payment_method_id,
            payment_method_meta_data,
            customer_id,
        } = self;
        let meta_data = payment_method_meta_data.as_ref().map(RedactedJson);
        f.debug_struct("PaymentMethod")
            .field("payment_method_type", payment_method_type)
            .field("payment_method_id", payment_method_id)
            .field("payment_method_meta_data", &meta_data)
            .field("customer_id", customer_id)
            .finish()
    }
}

/// Prints the keys of a JSON object, never its values.
struct RedactedJson<'a>(&'a serde_json::Value);

impl fmt::Debug for RedactedJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            serde_json::Value::Object(map) => {
                let mut s = f.debug_map();
                for key in map.keys() {
                    s.entry(key, &format_args!("***"));
                }
                s.finish()
            }
            serde_json::Value::Null => f.write_str("null"),
            _ => f.write_str("***"),
        }
    }
}

/// `paymentFactor`. For cards set `isAuthorization: true`; `captureMode` defaults to
/// `AUTOMATIC` at Antom when absent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentFactor {
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_authorization: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_mode: Option<CaptureMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentment_mode: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_payment_evaluation: Option<bool>,
}

impl PaymentFactor {
    /// A card authorisation (`isAuthorization: true`) with the given capture mode.
    pub fn card_authorization(capture_mode: CaptureMode) -> Self {
        PaymentFactor {
            is_authorization: Some(true),
            capture_mode: Some(capture_mode),
            ..PaymentFactor::default()
        }
    }
}

/// `settlementStrategy`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettlementStrategy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_currency: Option<String>,
}

/// `redirectActionForm`: where to send the buyer (3-D Secure, wallet) when a payment is
/// `PAYMENT_IN_PROCESS`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedirectActionForm {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<ActionFormMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Form parameters for a `POST`, documented as a string; a JSON object is kept as its text.
    #[serde(
        default,
        deserialize_with = "lenient::opt_string_or_json",
        skip_serializing_if = "Option::is_none"
    )]
    pub parameters: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_form_type: Option<String>,
}

/// `threeDSResult`. `eci` 02/05 = fully authenticated, 01/06 = attempted, 00/07 = none.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreeDsResult {
    #[serde(rename = "threeDSVersion", default, skip_serializing_if = "Option::is_none")]
    pub three_ds_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eci: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cavv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ds_transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xid: Option<String>,
}

/// `paymentResultInfo` (pay, inquiryPayment, notifyPayment, notifyCapture) and `cardInfo`
/// (inquiryPayment, notifyPayment): the card Antom charged. `cardNo` is already masked by
/// Antom; `cardToken` is secret.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentResultInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_brand: Option<String>,
    /// Masked by Antom, e.g. `"************1111"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_no: Option<String>,
    /// Use as `paymentMethod.paymentMethodId` in a later `pay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_token: Option<Sensitive>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_four: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_bin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_month: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_year: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avs_result_raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvv_result_raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_transaction_id: Option<String>,
    #[serde(rename = "threeDSResult", default, skip_serializing_if = "Option::is_none")]
    pub three_ds_result: Option<ThreeDsResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal_code_raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_advice_code: Option<String>,
}

/// `cardInfo` carries a subset of `paymentResultInfo`'s fields; one type serves both.
pub type CardInfo = PaymentResultInfo;

/// One entry of inquiryPayment's `transactions` (captures, refunds, cancels of the payment).
/// `transactionRequestId` is our captureRequestId/refundRequestId, `transactionId` Antom's
/// captureId/refundId.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    pub transaction_type: TransactionType,
    pub transaction_status: TransactionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_result: Option<ResultInfo>,
}

/// What a transaction in an inquiryPayment answer says happened, read as Antom means it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransactionOutcome {
    Succeeded,
    Failed { code: String, message: String },
    Processing,
}

/// A transaction's outcome, and whether its two status fields disagreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionReading {
    pub outcome: TransactionOutcome,
    /// `transactionStatus` said one thing and `transactionResult` another: the result was
    /// believed (Antom's own guide shows failed captures as `SUCCESS` + `F`).
    pub disagreement: bool,
}

impl Transaction {
    /// Antom's 2025 card-payments guide shows a failed capture as `transactionStatus: SUCCESS`
    /// with `transactionResult.resultStatus: F` (`PROCESS_FAIL`), and one still processing as
    /// `SUCCESS` + `U`: the outcome is decided by `transactionResult` whenever it is present
    /// (S, F, U), and by `transactionStatus` only without it.
    pub fn reading(&self) -> TransactionReading {
        let by_status = match self.transaction_status {
            TransactionStatus::Success => TransactionOutcome::Succeeded,
            TransactionStatus::Fail | TransactionStatus::Cancelled => TransactionOutcome::Failed {
                code: "FAILED".into(),
                message: String::new(),
            },
            TransactionStatus::Processing | TransactionStatus::Pending | TransactionStatus::Other(_) => {
                TransactionOutcome::Processing
            }
        };
        let Some(result) = &self.transaction_result else {
            return TransactionReading {
                outcome: by_status,
                disagreement: false,
            };
        };
        let by_result = match &result.result_status {
            crate::ResultStatus::Success => TransactionOutcome::Succeeded,
            crate::ResultStatus::Failed => TransactionOutcome::Failed {
                code: result.result_code.clone(),
                message: result.result_message.clone(),
            },
            crate::ResultStatus::Unknown | crate::ResultStatus::Other(_) => TransactionOutcome::Processing,
        };
        let disagreement = std::mem::discriminant(&by_result) != std::mem::discriminant(&by_status);
        TransactionReading {
            outcome: by_result,
            disagreement,
        }
    }

    pub fn new(transaction_type: TransactionType, transaction_status: TransactionStatus) -> Self {
        Transaction {
            transaction_type,
            transaction_status,
            transaction_request_id: None,
            transaction_id: None,
            transaction_amount: None,
            transaction_time: None,
            transaction_result: None,
        }
    }
}

/// `card.billingAddress`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAddress {
    /// ISO 3166 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amount_is_two_strings() {
        let amount = Amount::new("SGD", "4200");
        assert_eq!(
            serde_json::to_value(&amount).unwrap(),
            json!({"currency": "SGD", "value": "4200"})
        );
        let parsed: Amount = serde_json::from_str(r#"{"currency":"JPY","value":"500","extra":1}"#).unwrap();
        assert_eq!(parsed, Amount::new("JPY", "500"));
        assert_eq!(parsed.minor_units(), Some(500));
    }

    #[test]
    fn amount_with_a_numeric_value_is_rejected() {
        let err = serde_json::from_str::<Amount>(r#"{"currency":"SGD","value":4200}"#).unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
        assert!(serde_json::from_str::<Amount>(r#"{"currency":"SGD","value":42.0}"#).is_err());
        assert!(serde_json::from_str::<Amount>(r#"{"currency":"SGD"}"#).is_err());
    }

    #[test]
    fn minor_units_only_for_digit_strings() {
        for bad in ["", "-1", "1.5", " 1", "1e3", "12345678901234567", "١٢"] {
            assert_eq!(Amount::new("SGD", bad).minor_units(), None, "{bad}");
        }
        assert_eq!(Amount::new("SGD", "0").minor_units(), Some(0));
        assert_eq!(
            Amount::new("IDR", "9999999999999999").minor_units(),
            Some(9_999_999_999_999_999)
        );
    }

    #[test]
    fn is_authorization_from_string_and_boolean_written_as_boolean() {
        for body in [
            r#"{"isAuthorization":"true","captureMode":"MANUAL"}"#,
            r#"{"isAuthorization":true,"captureMode":"MANUAL"}"#,
        ] {
            let factor: PaymentFactor = serde_json::from_str(body).unwrap();
            assert_eq!(factor, PaymentFactor::card_authorization(CaptureMode::Manual));
            assert_eq!(
                serde_json::to_value(&factor).unwrap(),
                json!({"isAuthorization": true, "captureMode": "MANUAL"})
            );
        }
        let factor: PaymentFactor =
            serde_json::from_str(r#"{"isAuthorization":"false","isPaymentEvaluation":"true"}"#).unwrap();
        assert_eq!(factor.is_authorization, Some(false));
        assert_eq!(factor.is_payment_evaluation, Some(true));
        assert_eq!(serde_json::to_string(&PaymentFactor::default()).unwrap(), "{}");
    }

    #[test]
    fn order_serializes_camel_case_and_omits_absent_fields() {
        let order = Order {
            reference_order_id: "ord_1".into(),
            order_description: "2 T-shirts".into(),
            order_amount: Some(Amount::new("SGD", "4200")),
            buyer: Some(Buyer {
                reference_buyer_id: Some("b_1".into()),
                buyer_name: Some(UserName {
                    first_name: Some("Ada".into()),
                    last_name: Some("Lovelace".into()),
                    ..UserName::default()
                }),
                ..Buyer::default()
            }),
            goods: vec![Goods {
                reference_goods_id: "TSHIRT-BLK-M".into(),
                goods_name: "T-shirt".into(),
                goods_unit_amount: Some(Amount::new("SGD", "2100")),
                goods_quantity: Some("2".into()),
                ..Goods::default()
            }],
            env: Some(Env {
                terminal_type: Some(TerminalType::Web),
                client_ip: Some("203.0.113.7".into()),
                time_zone_offset: Some(-480),
                ..Env::default()
            }),
        };
        assert_eq!(
            serde_json::to_value(&order).unwrap(),
            json!({
                "referenceOrderId": "ord_1",
                "orderDescription": "2 T-shirts",
                "orderAmount": {"currency": "SGD", "value": "4200"},
                "buyer": {"referenceBuyerId": "b_1", "buyerName": {"firstName": "Ada", "lastName": "Lovelace"}},
                "goods": [{"referenceGoodsId": "TSHIRT-BLK-M", "goodsName": "T-shirt",
                           "goodsUnitAmount": {"currency": "SGD", "value": "2100"}, "goodsQuantity": "2"}],
                "env": {"terminalType": "WEB", "clientIp": "203.0.113.7", "timeZoneOffset": -480}
            })
        );
        let empty = Order::default();
        assert_eq!(
            serde_json::to_value(&empty).unwrap(),
            json!({"referenceOrderId": "", "orderDescription": ""})
        );
    }

    #[test]
    fn env_accepts_the_documented_string_forms() {
        let env: Env = serde_json::from_value(json!({
            "terminalType": "app", "osType": "IOS", "timeZoneOffset": "-120",
            "browserInfo": {"acceptHeader": "*/*", "javaEnabled": false}, "colorDepth": "24",
            "newField": {"x": 1}
        }))
        .unwrap();
        assert_eq!(env.terminal_type, Some(TerminalType::Other("app".into())));
        assert_eq!(env.os_type, Some(OsType::Ios));
        assert_eq!(env.time_zone_offset, Some(-120));
        assert_eq!(env.color_depth.as_deref(), Some("24"));
    }

    #[test]
    fn payment_method_debug_hides_token_and_raw_card() {
        let mut method = PaymentMethod::vaulted_card("ALIPAYtok+secret/TOKEN==");
        method.payment_method_meta_data = Some(json!({
            "cardNo": "4111111111111111", "cvv": "737", "expiryMonth": "06", "tokenize": "false"
        }));
        let debug = format!("{method:?}");
        for secret in ["ALIPAYtok+secret/TOKEN==", "4111111111111111", "737"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(debug.contains("cardNo"), "{debug}");
        assert_eq!(
            serde_json::to_value(&method).unwrap()["paymentMethodId"],
            json!("ALIPAYtok+secret/TOKEN==")
        );
        assert_eq!(
            serde_json::to_value(PaymentMethod::card()).unwrap(),
            json!({"paymentMethodType": "CARD"})
        );
    }

    #[test]
    fn payment_result_info_reads_three_ds_and_hides_the_token() {
        let info: PaymentResultInfo = serde_json::from_value(json!({
            "cardBrand": "VISA", "cardNo": "************1111", "cardToken": "tok_SECRET_1",
            "funding": "CREDIT", "issuingCountry": "US", "lastFour": "1111", "cardBin": "411111",
            "threeDSResult": {"threeDSVersion": "2.2.0", "eci": "05", "cavv": "AAAB", "dsTransactionId": "ds-1", "newThing": 1},
            "creditPayPlan": {"installmentNum": "3"}
        }))
        .unwrap();
        let three_ds = info.three_ds_result.as_ref().unwrap();
        assert_eq!(three_ds.three_ds_version.as_deref(), Some("2.2.0"));
        assert_eq!(three_ds.eci.as_deref(), Some("05"));
        assert_eq!(info.card_token.as_ref().unwrap().expose(), "tok_SECRET_1");
        assert!(!format!("{info:?}").contains("tok_SECRET_1"));
        let back = serde_json::to_value(&info).unwrap();
        assert_eq!(back["threeDSResult"]["threeDSVersion"], json!("2.2.0"));
        assert_eq!(back["threeDSResult"]["dsTransactionId"], json!("ds-1"));
    }

    #[test]
    fn redirect_action_form_parameters_string_or_object() {
        let form: RedirectActionForm = serde_json::from_value(json!({
            "method": "POST", "redirectUrl": "https://acs.example/3ds", "parameters": {"PaReq": "x"}
        }))
        .unwrap();
        assert_eq!(form.method, Some(ActionFormMethod::Post));
        assert_eq!(form.parameters.as_deref(), Some(r#"{"PaReq":"x"}"#));
    }

    #[test]
    fn transaction_keeps_unknown_types() {
        let tx: Transaction = serde_json::from_value(json!({
            "transactionType": "PARTIAL_VOID", "transactionStatus": "SUCCESS",
            "transactionRequestId": "cap_1", "transactionId": "202401010000CAP",
            "transactionAmount": {"currency": "SGD", "value": "100"},
            "transactionResult": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}
        }))
        .unwrap();
        assert_eq!(tx.transaction_type, TransactionType::Other("PARTIAL_VOID".into()));
        assert_eq!(tx.transaction_status, TransactionStatus::Success);
        assert!(tx.transaction_result.unwrap().is_success());
    }

    #[test]
    fn a_transaction_is_read_from_its_result_when_there_is_one() {
        let with = |status: TransactionStatus, result: Option<(&str, crate::ResultStatus)>| {
            let mut t = Transaction::new(TransactionType::Capture, status);
            t.transaction_result = result.map(|(code, s)| crate::ResultInfo::new(code, s, "m"));
            t.reading()
        };
        use crate::ResultStatus::{Failed, Success, Unknown};
        // The guide's shapes: SUCCESS with F is a failure, SUCCESS with U is still processing.
        let failed = with(TransactionStatus::Success, Some(("PROCESS_FAIL", Failed)));
        assert_eq!(
            failed.outcome,
            TransactionOutcome::Failed {
                code: "PROCESS_FAIL".into(),
                message: "m".into()
            }
        );
        assert!(failed.disagreement);
        let processing = with(TransactionStatus::Success, Some(("CAPTURE_IN_PROCESS", Unknown)));
        assert_eq!(processing.outcome, TransactionOutcome::Processing);
        assert!(processing.disagreement);
        // Agreeing fields, and the status alone.
        let ok = with(TransactionStatus::Success, Some(("SUCCESS", Success)));
        assert_eq!(
            (ok.outcome, ok.disagreement),
            (TransactionOutcome::Succeeded, false)
        );
        assert_eq!(
            with(TransactionStatus::Success, None).outcome,
            TransactionOutcome::Succeeded
        );
        assert!(matches!(
            with(TransactionStatus::Fail, None).outcome,
            TransactionOutcome::Failed { .. }
        ));
        assert_eq!(
            with(TransactionStatus::Processing, None).outcome,
            TransactionOutcome::Processing
        );
    }
}
