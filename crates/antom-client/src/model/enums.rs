//! Every Antom string enum this crate names, in one place.
//!
//! Each keeps values it does not know in `Other(String)` (see `string_enum!`), so a value
//! Antom adds later never breaks a response or a notification. Only the values the protocol
//! notes (shared/docs/antom-protocol.md) list are named here.

use super::string_enum::string_enum;

string_enum! {
    /// `productCode`. This product only sends `CASHIER_PAYMENT`.
    #[derive(Default)]
    pub enum ProductCode {
        #[default]
        CashierPayment = "CASHIER_PAYMENT",
        AgreementPayment = "AGREEMENT_PAYMENT",
        InStorePayment = "IN_STORE_PAYMENT",
    }
}

string_enum! {
    /// `paymentMethodType`. This product uses `CARD`; a few wallets Antom also returns are
    /// named so logs read well, everything else arrives as `Other`.
    #[derive(Default)]
    pub enum PaymentMethodType {
        #[default]
        Card = "CARD",
        ApplePay = "APPLEPAY",
        GooglePay = "GOOGLEPAY",
        AlipayCn = "ALIPAY_CN",
        AlipayHk = "ALIPAY_HK",
        GCash = "GCASH",
        Dana = "DANA",
        KakaoPay = "KAKAOPAY",
        TrueMoney = "TRUEMONEY",
        Tng = "TNG",
    }
}

string_enum! {
    /// `paymentFactor.captureMode`. Antom's default is `AUTOMATIC` (captured right after
    /// authorisation, then notifyCapture); `MANUAL` means the merchant calls capture.
    pub enum CaptureMode {
        Automatic = "AUTOMATIC",
        Manual = "MANUAL",
    }
}

string_enum! {
    /// `env.terminalType`. Matching is exact: the lower-case `"app"` seen in one doc sample
    /// arrives as `Other("app")`.
    pub enum TerminalType {
        Web = "WEB",
        Wap = "WAP",
        App = "APP",
        MiniApp = "MINI_APP",
    }
}

string_enum! {
    /// `env.osType`.
    pub enum OsType {
        Ios = "IOS",
        Android = "ANDROID",
    }
}

string_enum! {
    /// `paymentStatus` in inquiryPayment. `PENDING`: the buyer has finished, the final result
    /// comes later. Only `SUCCESS`, `FAIL` and `CANCELLED` are final.
    pub enum PaymentStatus {
        Success = "SUCCESS",
        Fail = "FAIL",
        Processing = "PROCESSING",
        Cancelled = "CANCELLED",
        Pending = "PENDING",
    }
}

string_enum! {
    /// `transactions[].transactionType` in inquiryPayment.
    pub enum TransactionType {
        Payment = "PAYMENT",
        Refund = "REFUND",
        Capture = "CAPTURE",
        Cancel = "CANCEL",
        Authorization = "AUTHORIZATION",
        Void = "VOID",
        Incremental = "INCREMENTAL",
    }
}

string_enum! {
    /// `transactions[].transactionStatus` in inquiryPayment (same values as [`PaymentStatus`]).
    pub enum TransactionStatus {
        Success = "SUCCESS",
        Fail = "FAIL",
        Processing = "PROCESSING",
        Cancelled = "CANCELLED",
        Pending = "PENDING",
    }
}

string_enum! {
    /// `refundStatus` in inquiryRefund and notifyRefund.
    pub enum RefundStatus {
        Success = "SUCCESS",
        Processing = "PROCESSING",
        Fail = "FAIL",
    }
}

string_enum! {
    /// `vaultingStatus` in inquireVaulting.
    pub enum VaultingStatus {
        Success = "SUCCESS",
        Fail = "FAIL",
        Processing = "PROCESSING",
    }
}

string_enum! {
    /// `notifyType` of a notification. `UPDATE_AMOUNT_RESULT` (incremental authorisation, newer
    /// Java SDK) is named but this product does not handle it: `Notification::parse` returns it
    /// as `Notification::Unknown`.
    pub enum NotifyType {
        PaymentResult = "PAYMENT_RESULT",
        PaymentPending = "PAYMENT_PENDING",
        CaptureResult = "CAPTURE_RESULT",
        RefundResult = "REFUND_RESULT",
        VaultingResult = "VAULTING_RESULT",
        UpdateAmountResult = "UPDATE_AMOUNT_RESULT",
    }
}

string_enum! {
    /// `productScene` of createPaymentSession: Antom's hosted page or the embedded Element.
    pub enum ProductScene {
        CheckoutPayment = "CHECKOUT_PAYMENT",
        ElementPayment = "ELEMENT_PAYMENT",
    }
}

string_enum! {
    /// `redirectActionForm.method`.
    pub enum ActionFormMethod {
        Get = "GET",
        Post = "POST",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_round_trips_its_known_values() {
        fn check<T>(known: &[&str])
        where
            T: for<'a> From<&'a str> + serde::Serialize + serde::de::DeserializeOwned,
            T: std::fmt::Display,
        {
            for value in known {
                let json = format!("\"{value}\"");
                let parsed: T = serde_json::from_str(&json).unwrap();
                assert_eq!(parsed.to_string(), *value);
                assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
            }
        }
        check::<ProductCode>(ProductCode::KNOWN);
        check::<PaymentMethodType>(PaymentMethodType::KNOWN);
        check::<CaptureMode>(CaptureMode::KNOWN);
        check::<TerminalType>(TerminalType::KNOWN);
        check::<OsType>(OsType::KNOWN);
        check::<PaymentStatus>(PaymentStatus::KNOWN);
        check::<TransactionType>(TransactionType::KNOWN);
        check::<TransactionStatus>(TransactionStatus::KNOWN);
        check::<RefundStatus>(RefundStatus::KNOWN);
        check::<VaultingStatus>(VaultingStatus::KNOWN);
        check::<NotifyType>(NotifyType::KNOWN);
        check::<ProductScene>(ProductScene::KNOWN);
        check::<ActionFormMethod>(ActionFormMethod::KNOWN);
    }

    #[test]
    fn defaults_are_what_this_product_sends() {
        assert_eq!(ProductCode::default(), ProductCode::CashierPayment);
        assert_eq!(PaymentMethodType::default(), PaymentMethodType::Card);
        assert_eq!(PaymentStatus::from("SOMETHING_NEW").as_str(), "SOMETHING_NEW");
    }
}
