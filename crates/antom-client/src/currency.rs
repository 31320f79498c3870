//! The currencies Antom accepts for cards, with their ISO 4217 exponent (how many minor units
//! make a major unit). Amounts cross the Antom boundary as integer strings of minor units, so
//! `"4200"` is 42.00 SGD but 4200 JPY: the exponent is part of every amount's meaning.
//!
//! The one table of the workspace: the domain prices only in these, the simulator refuses the
//! others (`CURRENCY_NOT_SUPPORT`) as Antom does, and `static/money.js` is checked against it.
//! Source: Antom's currency table for cards (antom-protocol.md §4.3): CLP, JPY, KRW and VND have
//! no decimals, the others two.

/// `(code, exponent)`.
#[rustfmt::skip]
pub const TABLE: &[(&str, u8)] = &[
    ("AUD", 2), ("BDT", 2), ("BRL", 2), ("CAD", 2), ("CNY", 2), ("EUR", 2), ("GBP", 2),
    ("HKD", 2), ("IDR", 2), ("MXN", 2), ("MYR", 2), ("NZD", 2), ("PEN", 2), ("PHP", 2),
    ("PKR", 2), ("PLN", 2), ("SGD", 2), ("THB", 2), ("TWD", 2), ("USD", 2),
    ("CLP", 0), ("JPY", 0), ("KRW", 0), ("VND", 0),
];

/// The exponent of a currency Antom accepts; `None` for any other code.
pub fn exponent(code: &str) -> Option<u8> {
    TABLE.iter().find(|(c, _)| *c == code).map(|(_, e)| *e)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_unique_and_exponents_known() {
        let mut codes: Vec<_> = super::TABLE.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), super::TABLE.len());
        assert_eq!(super::exponent("JPY"), Some(0));
        assert_eq!(super::exponent("SGD"), Some(2));
        assert_eq!(super::exponent("XXX"), None);
    }
}
