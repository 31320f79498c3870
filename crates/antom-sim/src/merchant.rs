//! What the merchant's contract with Antom says, as far as it changes the answers: settings a
//! real merchant agrees with Antom once, here set with `POST /__sim/merchant` and forgotten on
//! `POST /__sim/reset`.
//!
//! * `settlementCurrencies`: the currencies the merchant is settled in. Antom's guides say a
//!   merchant who signed more than one settlement currency must name one in every payment
//!   request (`settlementStrategy.settlementCurrency`), and the newer API reference marks the
//!   field required [D:SEED1/2 createPaymentSession table; DOC zh createPaymentSession;
//!   protocol §2.1 [!]]. With two or more listed, createPaymentSession and pay without it get
//!   `PARAM_ILLEGAL`; a currency outside the list gets `CURRENCY_NOT_SUPPORT`. Default: none
//!   listed, which stands for one settlement currency: the field is optional and any currency
//!   of Antom's table is accepted.

use antom_client::codes;
use serde::Deserialize;
use serde_json::json;

use crate::validation::{currency_exponent, Checked, Invalid};

/// More settlement currencies than any real contract has.
const MAX_SETTLEMENT_CURRENCIES: usize = 30;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merchant {
    settlement_currencies: Vec<String>,
}

/// The body of `POST /__sim/merchant`: the fields it names replace the current ones.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MerchantInput {
    settlement_currencies: Option<Vec<String>>,
}

impl Merchant {
    /// Applies a `POST /__sim/merchant` body; on error nothing changes.
    pub fn apply(&mut self, input: MerchantInput) -> Result<(), String> {
        if let Some(currencies) = input.settlement_currencies {
            if currencies.len() > MAX_SETTLEMENT_CURRENCIES {
                return Err(format!(
                    "settlementCurrencies: at most {MAX_SETTLEMENT_CURRENCIES} currencies"
                ));
            }
            for (i, code) in currencies.iter().enumerate() {
                if currency_exponent(code).is_none() {
                    let shown: String = code.chars().take(8).collect();
                    return Err(format!(
                        "settlementCurrencies[{i}]: `{shown}` is not a currency Antom settles in"
                    ));
                }
                if currencies[..i].contains(code) {
                    return Err(format!("settlementCurrencies[{i}]: {code} is listed twice"));
                }
            }
            self.settlement_currencies = currencies;
        }
        Ok(())
    }

    /// The settings as JSON, for the control API.
    pub fn view(&self) -> serde_json::Value {
        json!({"settlementCurrencies": self.settlement_currencies})
    }

    /// `settlementStrategy.settlementCurrency` of a payment request.
    pub fn check_settlement(&self, requested: Option<&str>) -> Checked {
        const FIELD: &str = "settlementStrategy.settlementCurrency";
        let listed = self.settlement_currencies.join(", ");
        match requested {
            None if self.settlement_currencies.len() > 1 => Err(Invalid::param(
                FIELD,
                format!("is required: this merchant settles in more than one currency ({listed})"),
            )),
            None => Ok(()),
            Some(code) if currency_exponent(code).is_none() => Err(Invalid {
                code: codes::CURRENCY_NOT_SUPPORT,
                message: format!(
                    "{FIELD}: {} is not supported",
                    code.chars().take(8).collect::<String>()
                ),
            }),
            Some(code)
                if !self.settlement_currencies.is_empty()
                    && !self.settlement_currencies.iter().any(|c| c == code) =>
            {
                Err(Invalid {
                    code: codes::CURRENCY_NOT_SUPPORT,
                    message: format!(
                        "{FIELD}: {code} is not a settlement currency of this merchant ({listed})"
                    ),
                })
            }
            Some(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(value: serde_json::Value) -> MerchantInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn one_currency_needs_no_settlement_currency_several_do() {
        let mut merchant = Merchant::default();
        assert_eq!(merchant.check_settlement(None), Ok(()));
        assert_eq!(merchant.check_settlement(Some("EUR")), Ok(()));
        assert_eq!(
            merchant.check_settlement(Some("XYZ")).unwrap_err().code,
            codes::CURRENCY_NOT_SUPPORT
        );

        merchant
            .apply(input(json!({"settlementCurrencies": ["SGD", "USD"]})))
            .unwrap();
        let missing = merchant.check_settlement(None).unwrap_err();
        assert_eq!(missing.code, codes::PARAM_ILLEGAL);
        assert!(
            missing
                .message
                .starts_with("settlementStrategy.settlementCurrency"),
            "{missing:?}"
        );
        assert_eq!(merchant.check_settlement(Some("USD")), Ok(()));
        assert_eq!(
            merchant.check_settlement(Some("EUR")).unwrap_err().code,
            codes::CURRENCY_NOT_SUPPORT
        );

        merchant
            .apply(input(json!({"settlementCurrencies": ["SGD"]})))
            .unwrap();
        assert_eq!(merchant.check_settlement(None), Ok(()));
    }

    #[test]
    fn bad_settings_change_nothing() {
        let mut merchant = Merchant::default();
        for bad in [json!(["SGD", "SGD"]), json!(["sgd"]), json!(["XYZ"])] {
            let err = merchant.apply(input(json!({"settlementCurrencies": bad})));
            assert!(err.is_err(), "{bad}");
        }
        assert_eq!(merchant, Merchant::default());
        assert!(serde_json::from_value::<MerchantInput>(json!({"currencies": []})).is_err());
    }
}
