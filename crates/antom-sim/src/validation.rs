//! Field checks Antom applies before looking at any state: required fields, lengths, URL and
//! amount formats, currencies. Every failure is `PARAM_ILLEGAL` (or `CURRENCY_NOT_SUPPORT`) with
//! a `resultMessage` that names the field, so a failing test says what to fix.

use antom_client::codes;
use antom_client::model::{
    Amount, CaptureMode, Env, Order, OsType, PaymentFactor, PaymentMethod, PaymentMethodType, ProductCode,
    ProductScene, TerminalType,
};
use chrono::{DateTime, Utc};

/// A refused request: the result code and a message naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn param(field: &str, why: impl AsRef<str>) -> Self {
        Invalid {
            code: codes::PARAM_ILLEGAL,
            message: format!("{field}: {}", why.as_ref()),
        }
    }
}

pub type Checked<T = ()> = Result<T, Invalid>;

use antom_client::limits::{MAX_GOODS, MAX_ID, MAX_URL};

/// A required identifier (≤ 64 printable ASCII characters, as Antom advises).
pub fn id(field: &str, value: &str) -> Checked {
    if value.is_empty() {
        return Err(Invalid::param(field, "is required"));
    }
    optional_id(field, Some(value))
}

/// An optional identifier; when present, as [`id`].
pub fn optional_id(field: &str, value: Option<&str>) -> Checked {
    let Some(value) = value else { return Ok(()) };
    if value.is_empty() {
        return Err(Invalid::param(field, "must not be empty"));
    }
    if value.len() > MAX_ID {
        return Err(Invalid::param(
            field,
            format!("is longer than {MAX_ID} characters"),
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Invalid::param(field, "must be printable ASCII without spaces"));
    }
    Ok(())
}

/// Free text up to `max` characters; `required` refuses an empty value.
pub fn text(field: &str, value: &str, max: usize, required: bool) -> Checked {
    if required && value.trim().is_empty() {
        return Err(Invalid::param(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(Invalid::param(field, format!("is longer than {max} characters")));
    }
    Ok(())
}

/// A required absolute http(s) URL up to `max` characters.
pub fn url(field: &str, value: &str, max: usize) -> Checked {
    if value.is_empty() {
        return Err(Invalid::param(field, "is required"));
    }
    optional_url(field, Some(value), max)
}

/// An optional URL; when present, as [`url`].
pub fn optional_url(field: &str, value: Option<&str>, max: usize) -> Checked {
    let Some(value) = value else { return Ok(()) };
    if value.len() > max {
        return Err(Invalid::param(field, format!("is longer than {max} characters")));
    }
    match reqwest::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(Invalid::param(field, "must be an absolute http(s) URL")),
    }
}

/// Schemes that are never a place to send a buyer back to.
const NOT_REDIRECT_SCHEMES: [&str; 5] = ["javascript", "data", "vbscript", "blob", "about"];

/// Where a buyer is sent back to (`paymentRedirectUrl`, vaulting `redirectUrl`), up to `max`
/// characters: a web page (absolute http(s) URL with a host) or, for apps (terminalType
/// `APP`), a custom scheme (`myshop://checkout/result?x=1`) or an app link (an https URL the
/// app claims). Anything with a scheme and no whitespace or control characters is taken;
/// script and data schemes are not places to return to.
pub fn redirect_url(field: &str, value: &str, max: usize) -> Checked {
    if value.is_empty() {
        return Err(Invalid::param(field, "is required"));
    }
    optional_redirect_url(field, Some(value), max)
}

/// An optional redirect URL; when present, as [`redirect_url`].
pub fn optional_redirect_url(field: &str, value: Option<&str>, max: usize) -> Checked {
    let Some(value) = value else { return Ok(()) };
    if value.len() > max {
        return Err(Invalid::param(field, format!("is longer than {max} characters")));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Invalid::param(field, "must not contain whitespace"));
    }
    let Some((scheme, rest)) = value.split_once(':') else {
        return Err(Invalid::param(field, "must be an absolute URL with a scheme"));
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() {
        return Err(Invalid::param(field, "must be an absolute URL with a scheme"));
    }
    let scheme = scheme.to_ascii_lowercase();
    if NOT_REDIRECT_SCHEMES.contains(&scheme.as_str()) {
        return Err(Invalid::param(
            field,
            format!("a {scheme}: URL is not a page to return to"),
        ));
    }
    if matches!(scheme.as_str(), "http" | "https") {
        return optional_url(field, Some(value), max);
    }
    Ok(())
}

/// The URL, normalised to ASCII, if a browser can be sent to it with a plain redirect (http
/// and https); other schemes open an app, which browsers do only from a link the buyer follows.
pub fn web_url(value: &str) -> Option<String> {
    reqwest::Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(String::from)
}

/// `productScene` of createPaymentSession: absent (the `AMSCashierPayment` SDK),
/// `CHECKOUT_PAYMENT` (Antom's hosted page, answered with `normalUrl`) or `ELEMENT_PAYMENT`
/// (the Payment Element).
pub fn product_scene(scene: Option<&ProductScene>) -> Checked {
    match scene {
        None | Some(ProductScene::ElementPayment | ProductScene::CheckoutPayment) => Ok(()),
        Some(other) => Err(Invalid::param(
            "productScene",
            format!(
                "{} is not CHECKOUT_PAYMENT or ELEMENT_PAYMENT",
                other.as_str().chars().take(32).collect::<String>()
            ),
        )),
    }
}

/// What a request's `env` must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvNeeds {
    /// createPaymentSession: everything optional (the SDK collects the rest).
    Optional,
    /// Card calls from the merchant's server (pay with a card token, vaultPaymentMethod): the
    /// buyer's `clientIp` is required.
    CardCall,
}

/// `env` (at `field`): `clientIp` when the call needs it (and a valid IP address whenever
/// present), `osType` when `terminalType` is `APP`. Returns whether the buyer is in an app.
pub fn env(field: &str, env: Option<&Env>, needs: EnvNeeds) -> Checked<bool> {
    let client_ip = env.and_then(|e| e.client_ip.as_deref());
    match client_ip {
        None | Some("") if needs == EnvNeeds::CardCall => {
            return Err(Invalid::param(
                &format!("{field}.clientIp"),
                "is required for CARD payments (the buyer's IP address)",
            ))
        }
        None | Some("") => {}
        Some(ip) => {
            if ip.parse::<std::net::IpAddr>().is_err() {
                return Err(Invalid::param(
                    &format!("{field}.clientIp"),
                    "must be an IPv4 or IPv6 address",
                ));
            }
        }
    }
    let Some(env) = env else { return Ok(false) };
    if let Some(agent) = &env.user_agent {
        text(&format!("{field}.userAgent"), agent, MAX_URL, false)?;
    }
    let app = env.terminal_type == Some(TerminalType::App);
    if app {
        match &env.os_type {
            Some(OsType::Ios | OsType::Android) => {}
            None => {
                return Err(Invalid::param(
                    &format!("{field}.osType"),
                    "is required when terminalType is APP (IOS or ANDROID)",
                ))
            }
            Some(other) => {
                return Err(Invalid::param(
                    &format!("{field}.osType"),
                    format!(
                        "{} is not IOS or ANDROID",
                        other.as_str().chars().take(16).collect::<String>()
                    ),
                ))
            }
        }
    }
    Ok(app)
}

/// The exponent of a currency Antom accepts (antom-client's table); `None` for any other code.
pub fn currency_exponent(code: &str) -> Option<u8> {
    antom_client::currency::exponent(code)
}

/// `{currency, value}`: value 1–16 digits, no leading zero, positive; currency three uppercase
/// letters from Antom's table (`CURRENCY_NOT_SUPPORT` otherwise); IDR values end in `00`.
/// Returns the value in minor units.
pub fn amount(field: &str, amount: &Amount) -> Checked<i64> {
    let currency = &amount.currency;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Invalid::param(
            &format!("{field}.currency"),
            "must be three uppercase letters (ISO 4217)",
        ));
    }
    if currency_exponent(currency).is_none() {
        return Err(Invalid {
            code: codes::CURRENCY_NOT_SUPPORT,
            message: format!("{field}.currency: {currency} is not supported"),
        });
    }
    let value_field = format!("{field}.value");
    let minor = amount
        .minor_units()
        .ok_or_else(|| Invalid::param(&value_field, "must be 1 to 16 digits (minor units)"))?;
    if minor <= 0 {
        return Err(Invalid::param(&value_field, "must be greater than zero"));
    }
    if amount.value.starts_with('0') {
        return Err(Invalid::param(&value_field, "must not have leading zeros"));
    }
    if currency == "IDR" && !amount.value.ends_with("00") {
        return Err(Invalid::param(&value_field, "IDR amounts must end in 00"));
    }
    Ok(minor)
}

/// Captures and refunds are in the payment's currency.
pub fn same_currency(field: &str, amount: &Amount, payment_currency: &str) -> Checked {
    if amount.currency == payment_currency {
        Ok(())
    } else {
        Err(Invalid::param(
            &format!("{field}.currency"),
            format!("must be the payment's currency {payment_currency}"),
        ))
    }
}

/// `order`: reference id, description, buyer ids, goods within Antom's limits, and its `env`
/// as [`env`] checks an optional one.
pub fn order(order: &Order) -> Checked {
    id("order.referenceOrderId", &order.reference_order_id)?;
    text("order.orderDescription", &order.order_description, 256, true)?;
    if let Some(total) = &order.order_amount {
        amount("order.orderAmount", total)?;
    }
    if let Some(buyer) = &order.buyer {
        optional_id(
            "order.buyer.referenceBuyerId",
            buyer.reference_buyer_id.as_deref(),
        )?;
        if let Some(email) = &buyer.buyer_email {
            text("order.buyer.buyerEmail", email, 64, false)?;
        }
        if let Some(phone) = &buyer.buyer_phone_no {
            text("order.buyer.buyerPhoneNo", phone, 24, false)?;
        }
    }
    env("order.env", order.env.as_ref(), EnvNeeds::Optional)?;
    if order.goods.len() > MAX_GOODS {
        return Err(Invalid::param(
            "order.goods",
            format!("has more than {MAX_GOODS} items"),
        ));
    }
    for (i, goods) in order.goods.iter().enumerate() {
        id(
            &format!("order.goods[{i}].referenceGoodsId"),
            &goods.reference_goods_id,
        )?;
        text(
            &format!("order.goods[{i}].goodsName"),
            &goods.goods_name,
            256,
            true,
        )?;
        if let Some(unit) = &goods.goods_unit_amount {
            amount(&format!("order.goods[{i}].goodsUnitAmount"), unit)?;
        }
    }
    Ok(())
}

/// Card payments are cashier payments.
pub fn product_code(code: &ProductCode) -> Checked {
    if *code == ProductCode::CashierPayment {
        Ok(())
    } else {
        Err(Invalid::param(
            "productCode",
            format!("{code} is not supported, only CASHIER_PAYMENT"),
        ))
    }
}

/// Only cards are simulated.
pub fn card_method(field: &str, method_type: &PaymentMethodType) -> Checked {
    if *method_type == PaymentMethodType::Card {
        Ok(())
    } else {
        Err(Invalid::param(
            field,
            format!("{method_type} is not supported, only CARD"),
        ))
    }
}

/// A card payment is an authorization: `paymentFactor.isAuthorization` must be true.
/// Returns the capture mode (AUTOMATIC unless MANUAL, as Antom defaults).
pub fn card_authorization(factor: Option<&PaymentFactor>) -> Checked<CaptureMode> {
    let factor = factor
        .ok_or_else(|| Invalid::param("paymentFactor.isAuthorization", "must be true for CARD payments"))?;
    if factor.is_authorization != Some(true) {
        return Err(Invalid::param(
            "paymentFactor.isAuthorization",
            "must be true for CARD payments",
        ));
    }
    match &factor.capture_mode {
        None | Some(CaptureMode::Automatic) => Ok(CaptureMode::Automatic),
        Some(CaptureMode::Manual) => Ok(CaptureMode::Manual),
        Some(other) => Err(Invalid::param(
            "paymentFactor.captureMode",
            format!("{other} is not AUTOMATIC or MANUAL"),
        )),
    }
}

/// `paymentMethod` of a payment session (optional; when present, CARD without a token).
pub fn session_method(method: Option<&PaymentMethod>) -> Checked {
    let Some(method) = method else { return Ok(()) };
    card_method("paymentMethod.paymentMethodType", &method.payment_method_type)
}

/// `paymentMethodId` of a card: a `cardToken`, at most 128 characters.
pub const MAX_PAYMENT_METHOD_ID: usize = 128;

/// More saved cards than a checkout shows.
pub const MAX_SAVED_PAYMENT_METHODS: usize = 20;

/// `savedPaymentMethods` of createPaymentSession, as far as no state is needed: each entry
/// must be `{paymentMethodType: CARD, paymentMethodId: <cardToken>}`.
///
/// Our reading: Antom documents the field only as "payment information the buyer has stored
/// in the merchant system" (`Array<PaymentMethod>`) [D:apo_zh-cn/payment_session]; merchants
/// send `[{paymentMethodType: CARD, paymentMethodId: <cardToken>}]` and report a missing type
/// refused as "not CARD" [I:3P-F]. So anything but a card with a token is `PARAM_ILLEGAL`
/// naming the entry's field; that each token is one this simulator issued by vaulting is
/// checked against the vault by the handler. At most [`MAX_SAVED_PAYMENT_METHODS`] entries
/// (ours: a bound, not Antom's).
pub fn saved_payment_methods(methods: Option<&[PaymentMethod]>) -> Checked {
    let Some(methods) = methods else { return Ok(()) };
    if methods.len() > MAX_SAVED_PAYMENT_METHODS {
        return Err(Invalid::param(
            "savedPaymentMethods",
            format!("at most {MAX_SAVED_PAYMENT_METHODS} saved cards"),
        ));
    }
    for (i, method) in methods.iter().enumerate() {
        card_method(
            &format!("savedPaymentMethods[{i}].paymentMethodType"),
            &method.payment_method_type,
        )?;
        let field = format!("savedPaymentMethods[{i}].paymentMethodId");
        let token = method.payment_method_id.as_ref().map_or("", |t| t.expose());
        if token.is_empty() {
            return Err(Invalid::param(&field, "is required (a cardToken from vaulting)"));
        }
        if token.len() > MAX_PAYMENT_METHOD_ID {
            return Err(Invalid::param(
                &field,
                format!("is longer than {MAX_PAYMENT_METHOD_ID} characters"),
            ));
        }
    }
    Ok(())
}

/// An ISO-8601 time in the future, no later than `latest`.
pub fn future_time(
    field: &str,
    value: &str,
    now: DateTime<Utc>,
    latest: DateTime<Utc>,
) -> Checked<DateTime<Utc>> {
    let at = antom_client::time::parse_time(value)
        .ok_or_else(|| Invalid::param(field, "must be an ISO-8601 time with offset"))?;
    if at <= now {
        return Err(Invalid::param(field, "must be in the future"));
    }
    if at > latest {
        return Err(Invalid::param(
            field,
            "must be at most one hour after the request",
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amt(currency: &str, value: &str) -> Amount {
        Amount::new(currency, value)
    }

    #[test]
    fn amounts() {
        assert_eq!(amount("paymentAmount", &amt("SGD", "4200")), Ok(4200));
        assert_eq!(amount("paymentAmount", &amt("JPY", "1")), Ok(1));
        for (value, fragment) in [
            ("0", "greater than zero"),
            ("0100", "leading zeros"),
            ("1.5", "digits"),
            ("-1", "digits"),
            ("", "digits"),
            ("12345678901234567", "digits"),
        ] {
            let err = amount("paymentAmount", &amt("SGD", value)).unwrap_err();
            assert_eq!(err.code, codes::PARAM_ILLEGAL);
            assert!(err.message.starts_with("paymentAmount.value"), "{err:?}");
            assert!(err.message.contains(fragment), "{value}: {err:?}");
        }
        assert_eq!(
            amount("a", &amt("XYZ", "1")).unwrap_err().code,
            codes::CURRENCY_NOT_SUPPORT
        );
        assert_eq!(
            amount("a", &amt("sgd", "1")).unwrap_err().code,
            codes::PARAM_ILLEGAL
        );
        assert!(amount("a", &amt("IDR", "1050"))
            .unwrap_err()
            .message
            .contains("00"));
        assert_eq!(amount("a", &amt("IDR", "1000")), Ok(1000));
    }

    #[test]
    fn ids_and_urls() {
        assert!(id("paymentRequestId", &"x".repeat(64)).is_ok());
        let long = id("paymentRequestId", &"x".repeat(65)).unwrap_err();
        assert!(long.message.contains("paymentRequestId"));
        assert!(id("paymentRequestId", "").is_err());
        assert!(id("paymentRequestId", "a b").is_err());
        assert!(url("paymentRedirectUrl", "https://shop.example/r?x=1", MAX_URL).is_ok());
        assert!(url("paymentRedirectUrl", "/relative", MAX_URL).is_err());
        assert!(url("paymentRedirectUrl", "ftp://x", MAX_URL).is_err());
        let too_long = format!("https://shop.example/{}", "a".repeat(2048));
        assert!(url("paymentRedirectUrl", &too_long, MAX_URL).is_err());
    }

    #[test]
    fn redirect_urls_may_open_an_app() {
        for ok in [
            "https://shop.example/r?x=1",
            "myshop://checkout/result?x=1",
            "com.example.shop:/result",
            "https://app.example.com/open/result",
        ] {
            assert!(redirect_url("paymentRedirectUrl", ok, MAX_URL).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/relative",
            "no scheme",
            "myshop://with space",
            "1bad://x",
            "myshop:",
            "javascript:alert(1)",
            "https://",
        ] {
            let err = redirect_url("paymentRedirectUrl", bad, MAX_URL).unwrap_err();
            assert_eq!(err.code, codes::PARAM_ILLEGAL, "{bad}");
            assert!(err.message.starts_with("paymentRedirectUrl"), "{bad}: {err:?}");
        }
        let long = format!("myshop://{}", "a".repeat(2048));
        assert!(redirect_url("paymentRedirectUrl", &long, MAX_URL).is_err());
        assert_eq!(
            web_url("https://shop.example/é").as_deref(),
            Some("https://shop.example/%C3%A9")
        );
        assert_eq!(web_url("myshop://x"), None);
    }

    #[test]
    fn card_calls_need_the_buyers_ip_and_apps_their_os() {
        let web = Env {
            terminal_type: Some(TerminalType::Web),
            ..Env::default()
        };
        let err = env("env", Some(&web), EnvNeeds::CardCall).unwrap_err();
        assert_eq!(
            err.message,
            "env.clientIp: is required for CARD payments (the buyer's IP address)"
        );
        assert!(env("env", None, EnvNeeds::CardCall).is_err());
        assert_eq!(env("env", None, EnvNeeds::Optional), Ok(false));
        let with_ip = Env {
            client_ip: Some("203.0.113.7".into()),
            ..web.clone()
        };
        assert_eq!(env("env", Some(&with_ip), EnvNeeds::CardCall), Ok(false));
        let bad_ip = Env {
            client_ip: Some("localhost".into()),
            ..web
        };
        assert!(env("env", Some(&bad_ip), EnvNeeds::Optional).is_err());
        let app = Env {
            terminal_type: Some(TerminalType::App),
            client_ip: Some("2001:db8::1".into()),
            ..Env::default()
        };
        let err = env("env", Some(&app), EnvNeeds::CardCall).unwrap_err();
        assert!(err.message.starts_with("env.osType"), "{err:?}");
        let ios = Env {
            os_type: Some(OsType::Ios),
            ..app
        };
        assert_eq!(env("env", Some(&ios), EnvNeeds::CardCall), Ok(true));
    }

    #[test]
    fn product_scenes() {
        assert_eq!(product_scene(None), Ok(()));
        assert_eq!(product_scene(Some(&ProductScene::ElementPayment)), Ok(()));
        assert_eq!(product_scene(Some(&ProductScene::CheckoutPayment)), Ok(()));
        assert!(product_scene(Some(&ProductScene::from("EASY_PAY"))).is_err());
    }

    #[test]
    fn saved_payment_methods_are_card_tokens() {
        assert_eq!(saved_payment_methods(None), Ok(()));
        assert_eq!(saved_payment_methods(Some(&[])), Ok(()));
        let good = [PaymentMethod::vaulted_card("ALIPAYabc")];
        assert_eq!(saved_payment_methods(Some(&good)), Ok(()));
        let no_id = [good[0].clone(), PaymentMethod::card()];
        let err = saved_payment_methods(Some(&no_id)).unwrap_err();
        assert_eq!(err.code, codes::PARAM_ILLEGAL);
        assert!(
            err.message.starts_with("savedPaymentMethods[1].paymentMethodId"),
            "{err:?}"
        );
        let wallet = [PaymentMethod {
            payment_method_type: PaymentMethodType::from("ALIPAY_CN"),
            ..good[0].clone()
        }];
        let err = saved_payment_methods(Some(&wallet)).unwrap_err();
        assert!(
            err.message
                .starts_with("savedPaymentMethods[0].paymentMethodType"),
            "{err:?}"
        );
        let long = [PaymentMethod::vaulted_card("x".repeat(MAX_PAYMENT_METHOD_ID + 1))];
        assert!(saved_payment_methods(Some(&long)).is_err());
        let many = vec![good[0].clone(); MAX_SAVED_PAYMENT_METHODS + 1];
        let err = saved_payment_methods(Some(&many)).unwrap_err();
        assert!(err.message.starts_with("savedPaymentMethods:"), "{err:?}");
    }

    #[test]
    fn authorization_factor() {
        assert!(card_authorization(None).is_err());
        assert!(card_authorization(Some(&PaymentFactor::default())).is_err());
        assert_eq!(
            card_authorization(Some(&PaymentFactor::card_authorization(CaptureMode::Manual))),
            Ok(CaptureMode::Manual)
        );
        let auto = PaymentFactor {
            is_authorization: Some(true),
            ..PaymentFactor::default()
        };
        assert_eq!(card_authorization(Some(&auto)), Ok(CaptureMode::Automatic));
    }
}
