//! Pricing a cart: raw request lines in, checked line items and a total out.
//!
//! Prices always come from the catalog (`lookup`), never from the buyer. The result,
//! [`PricedCart`], can only be built here, so an order created from it is known to have at least
//! one line, quantities in 1..=99, one currency and a total that is the exact sum of its lines.

use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::ids::Sku;
use crate::money::Money;
use crate::quantity::Quantity;

/// Antom accepts at most 100 goods per order; we refuse larger carts before merging lines.
pub const MAX_CART_LINES: usize = 100;

/// What the catalog knows about a SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogEntry {
    pub sku: Sku,
    pub name: String,
    pub unit_price: Money,
}

/// One line of the buyer's request, unvalidated (`{"sku": "...", "quantity": 2}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartLine {
    pub sku: String,
    pub quantity: i64,
}

/// Why a cart cannot be priced. [`CartError::code`] is the contract's stable error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    #[error("the cart is empty")]
    EmptyCart,
    #[error("the cart has {lines} lines; at most {max} are allowed")]
    TooManyItems { lines: usize, max: usize },
    #[error("unknown sku {sku:?}")]
    UnknownSku { sku: String },
    #[error("quantity {quantity} for sku {sku:?} is outside 1..=99")]
    InvalidQuantity { sku: String, quantity: i64 },
    #[error("sku {sku:?} is priced in {found}, the cart in {expected}")]
    MixedCurrency {
        sku: String,
        expected: Currency,
        found: Currency,
    },
    #[error("the cart total is too large")]
    AmountOverflow,
    #[error("the cart total is zero")]
    ZeroTotal,
}

impl CartError {
    pub fn code(&self) -> &'static str {
        match self {
            CartError::EmptyCart => "EMPTY_CART",
            CartError::TooManyItems { .. } => "TOO_MANY_ITEMS",
            CartError::UnknownSku { .. } => "UNKNOWN_SKU",
            CartError::InvalidQuantity { .. } => "INVALID_QUANTITY",
            CartError::MixedCurrency { .. } => "MIXED_CURRENCY",
            CartError::AmountOverflow => "AMOUNT_OVERFLOW",
            CartError::ZeroTotal => "ZERO_TOTAL",
        }
    }
}

/// A priced line: `line_total = unit_price × quantity`, checked again on deserialisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "LineItemWire")]
pub struct LineItem {
    sku: Sku,
    name: String,
    quantity: Quantity,
    unit_price: Money,
    line_total: Money,
}

impl LineItem {
    fn new(entry: CatalogEntry, sku: Sku, quantity: Quantity) -> Result<LineItem, CartError> {
        let line_total = entry
            .unit_price
            .checked_mul(quantity.get())
            .map_err(|_| CartError::AmountOverflow)?;
        Ok(LineItem {
            sku,
            name: entry.name,
            quantity,
            unit_price: entry.unit_price,
            line_total,
        })
    }

    pub fn sku(&self) -> &Sku {
        &self.sku
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    pub fn unit_price(&self) -> Money {
        self.unit_price
    }

    pub fn line_total(&self) -> Money {
        self.line_total
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LineItemWire {
    sku: Sku,
    name: String,
    quantity: Quantity,
    unit_price: Money,
    line_total: Money,
}

impl TryFrom<LineItemWire> for LineItem {
    type Error = String;

    fn try_from(wire: LineItemWire) -> Result<Self, Self::Error> {
        let entry = CatalogEntry {
            sku: wire.sku.clone(),
            name: wire.name,
            unit_price: wire.unit_price,
        };
        let item = LineItem::new(entry, wire.sku, wire.quantity).map_err(|e| e.to_string())?;
        if item.line_total != wire.line_total {
            return Err(format!(
                "line total {} is not {} × {}",
                wire.line_total, item.unit_price, item.quantity
            ));
        }
        Ok(item)
    }
}

/// The outcome of [`price_cart`]; only constructible there. Turned into an order by
/// [`crate::Order::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedCart {
    items: Vec<LineItem>,
    total: Money,
}

impl PricedCart {
    pub fn items(&self) -> &[LineItem] {
        &self.items
    }

    pub fn total(&self) -> Money {
        self.total
    }

    pub(crate) fn into_parts(self) -> (Vec<LineItem>, Money) {
        (self.items, self.total)
    }
}

/// Prices `lines` against the catalog.
///
/// * Lines naming the same SKU are merged into one item (in order of first appearance) and their
///   quantities summed; every line must be in 1..=99 on its own and the sum must be too, so
///   `[A×60, A×60]` is `INVALID_QUANTITY` just like `[A×120]`.
/// * A SKU that is malformed or that `lookup` does not know is `UNKNOWN_SKU`.
/// * All items must share the currency of the first one (`MIXED_CURRENCY`).
/// * More than [`MAX_CART_LINES`] request lines is `TOO_MANY_ITEMS`, counted before merging.
/// * A total of zero is refused (`ZERO_TOTAL`): Antom only accepts positive amounts.
pub fn price_cart(
    lines: &[CartLine],
    lookup: impl Fn(&Sku) -> Option<CatalogEntry>,
) -> Result<PricedCart, CartError> {
    if lines.is_empty() {
        return Err(CartError::EmptyCart);
    }
    if lines.len() > MAX_CART_LINES {
        return Err(CartError::TooManyItems {
            lines: lines.len(),
            max: MAX_CART_LINES,
        });
    }
    let merged = merge_lines(lines)?;

    let mut items = Vec::with_capacity(merged.len());
    let mut total: Option<Money> = None;
    for (sku, summed) in merged {
        let quantity = Quantity::parse(summed).map_err(|_| CartError::InvalidQuantity {
            sku: sku.to_string(),
            quantity: summed,
        })?;
        let entry = lookup(&sku).ok_or_else(|| CartError::UnknownSku { sku: sku.to_string() })?;
        let item = LineItem::new(entry, sku, quantity)?;
        total = Some(match total {
            None => item.line_total,
            Some(sum) => add_line(sum, &item)?,
        });
        items.push(item);
    }
    match total {
        Some(total) if !total.is_zero() => Ok(PricedCart { items, total }),
        Some(_) | None => Err(CartError::ZeroTotal),
    }
}

/// Parses every line and sums quantities per SKU, keeping first-appearance order.
fn merge_lines(lines: &[CartLine]) -> Result<Vec<(Sku, i64)>, CartError> {
    let mut merged: Vec<(Sku, i64)> = Vec::new();
    for line in lines {
        let sku = Sku::parse(&line.sku).map_err(|_| CartError::UnknownSku {
            sku: line.sku.clone(),
        })?;
        Quantity::parse(line.quantity).map_err(|_| CartError::InvalidQuantity {
            sku: line.sku.clone(),
            quantity: line.quantity,
        })?;
        // Each line is 1..=99 and there are at most 100 lines: the sum cannot overflow.
        match merged.iter_mut().find(|(known, _)| *known == sku) {
            Some((_, quantity)) => *quantity += line.quantity,
            None => merged.push((sku, line.quantity)),
        }
    }
    Ok(merged)
}

fn add_line(sum: Money, item: &LineItem) -> Result<Money, CartError> {
    if sum.currency() != item.line_total.currency() {
        return Err(CartError::MixedCurrency {
            sku: item.sku.to_string(),
            expected: sum.currency(),
            found: item.line_total.currency(),
        });
    }
    sum.checked_add(item.line_total)
        .map_err(|_| CartError::AmountOverflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, code: &str) -> Money {
        Money::new(minor, Currency::parse(code).unwrap()).unwrap()
    }

    fn catalog(sku: &Sku) -> Option<CatalogEntry> {
        let (name, price) = match sku.as_str() {
            "TSHIRT" => ("T-shirt", money(2000, "SGD")),
            "MUG" => ("Mug", money(1250, "SGD")),
            "FREE" => ("Sticker", money(0, "SGD")),
            "YEN" => ("Fan", money(500, "JPY")),
            "HUGE" => ("Yacht", money(Money::MAX_MINOR / 2, "SGD")),
            _ => return None,
        };
        Some(CatalogEntry {
            sku: sku.clone(),
            name: name.into(),
            unit_price: price,
        })
    }

    fn line(sku: &str, quantity: i64) -> CartLine {
        CartLine {
            sku: sku.into(),
            quantity,
        }
    }

    #[test]
    fn prices_lines_from_the_catalog() {
        let cart = price_cart(&[line("TSHIRT", 2), line("MUG", 1)], catalog).unwrap();
        assert_eq!(cart.total(), money(5250, "SGD"));
        assert_eq!(cart.items().len(), 2);
        let first = &cart.items()[0];
        assert_eq!(first.sku().as_str(), "TSHIRT");
        assert_eq!(first.name(), "T-shirt");
        assert_eq!(first.quantity().get(), 2);
        assert_eq!(first.unit_price(), money(2000, "SGD"));
        assert_eq!(first.line_total(), money(4000, "SGD"));
    }

    #[test]
    fn merges_repeated_skus_in_first_appearance_order() {
        let cart = price_cart(&[line("MUG", 1), line("TSHIRT", 1), line("MUG", 2)], catalog).unwrap();
        let skus: Vec<_> = cart.items().iter().map(|i| i.sku().as_str()).collect();
        assert_eq!(skus, ["MUG", "TSHIRT"]);
        assert_eq!(cart.items()[0].quantity().get(), 3);
        assert_eq!(cart.total(), money(5750, "SGD"));
    }

    #[test]
    fn the_quantity_rule_applies_to_the_merged_sum() {
        assert_eq!(
            price_cart(&[line("MUG", 60), line("MUG", 40)], catalog),
            Err(CartError::InvalidQuantity {
                sku: "MUG".into(),
                quantity: 100
            })
        );
        assert!(price_cart(&[line("MUG", 60), line("MUG", 39)], catalog).is_ok());
    }

    #[test]
    fn refuses_each_kind_of_bad_cart_with_its_code() {
        let cases: Vec<(Vec<CartLine>, &str)> = vec![
            (vec![], "EMPTY_CART"),
            ((0..101).map(|_| line("MUG", 1)).collect(), "TOO_MANY_ITEMS"),
            (vec![line("NOPE", 1)], "UNKNOWN_SKU"),
            (vec![line("bad sku", 1)], "UNKNOWN_SKU"),
            (vec![line("MUG", 0)], "INVALID_QUANTITY"),
            (vec![line("MUG", -3), line("MUG", 5)], "INVALID_QUANTITY"),
            (vec![line("MUG", 100)], "INVALID_QUANTITY"),
            (vec![line("MUG", 1), line("YEN", 1)], "MIXED_CURRENCY"),
            (vec![line("HUGE", 2), line("HUGE", 1)], "AMOUNT_OVERFLOW"),
            (
                vec![line("HUGE", 1), line("TSHIRT", 1), line("HUGE", 1)],
                "AMOUNT_OVERFLOW",
            ),
            (vec![line("FREE", 3)], "ZERO_TOTAL"),
        ];
        for (lines, code) in cases {
            let err = price_cart(&lines, catalog).unwrap_err();
            assert_eq!(err.code(), code, "{lines:?} gave {err}");
        }
    }

    #[test]
    fn errors_name_the_offending_sku() {
        assert_eq!(
            price_cart(&[line("MUG", 1), line("NOPE", 1)], catalog),
            Err(CartError::UnknownSku { sku: "NOPE".into() })
        );
        assert_eq!(
            price_cart(&[line("MUG", 1), line("YEN", 1)], catalog),
            Err(CartError::MixedCurrency {
                sku: "YEN".into(),
                expected: Currency::parse("SGD").unwrap(),
                found: Currency::parse("JPY").unwrap(),
            })
        );
    }

    #[test]
    fn exactly_one_hundred_lines_are_fine() {
        let lines: Vec<_> = (0..99)
            .map(|_| line("MUG", 1))
            .chain([line("TSHIRT", 1)])
            .collect();
        assert_eq!(lines.len(), MAX_CART_LINES);
        let cart = price_cart(&lines, catalog).unwrap();
        assert_eq!(cart.items()[0].quantity().get(), 99);
    }

    #[test]
    fn line_items_round_trip_and_are_checked_on_the_way_in() {
        let cart = price_cart(&[line("TSHIRT", 2)], catalog).unwrap();
        let json = serde_json::to_string(&cart.items()[0]).unwrap();
        assert_eq!(
            json,
            r#"{"sku":"TSHIRT","name":"T-shirt","quantity":2,"unitPrice":{"currency":"SGD","value":"2000"},"lineTotal":{"currency":"SGD","value":"4000"}}"#
        );
        assert_eq!(serde_json::from_str::<LineItem>(&json).unwrap(), cart.items()[0]);
        let tampered = json.replace(r#""value":"4000""#, r#""value":"1""#);
        assert!(serde_json::from_str::<LineItem>(&tampered).is_err());
    }
}
