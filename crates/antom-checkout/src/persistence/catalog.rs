//! The product catalog: prices come from here, never from the buyer.

use domain::{Currency, Money};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entities::products;
use super::error::StoreError;
use super::store::Store;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub unit_price: Money,
}

/// `(sku, name, description, currency, unit price in minor units)`, in display order. JPY has no
/// minor unit, so 1800 is ¥1,800.
const DEMO_CATALOG: &[(&str, &str, &str, &str, i64)] = &[
    (
        "TSHIRT-BLK-M",
        "T-shirt, black, M",
        "Organic cotton crew neck.",
        "SGD",
        2100,
    ),
    ("MUG-WHT", "Mug, white", "350 ml stoneware mug.", "SGD", 1250),
    ("CAP-NVY", "Cap, navy", "Six-panel cotton cap.", "SGD", 1800),
    ("TOTE-NAT", "Tote bag", "Natural canvas tote.", "USD", 1500),
    (
        "POSTER-A2",
        "Poster, A2",
        "Matte print on 200 g paper.",
        "EUR",
        990,
    ),
    (
        "TEA-SENCHA",
        "Sencha tea, 100 g",
        "Loose-leaf green tea from Shizuoka.",
        "JPY",
        1800,
    ),
];

impl Store {
    /// Inserts the demo products that are missing; existing rows (perhaps edited) are kept.
    pub async fn seed_demo_catalog(&self) -> Result<(), StoreError> {
        let rows = DEMO_CATALOG.iter().zip(0..).map(
            |(&(sku, name, description, currency, unit_minor), position)| products::ActiveModel {
                sku: Set(sku.to_owned()),
                name: Set(name.to_owned()),
                description: Set(description.to_owned()),
                currency: Set(currency.to_owned()),
                unit_minor: Set(unit_minor),
                active: Set(true),
                position: Set(position),
            },
        );
        products::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(products::Column::Sku).do_nothing().to_owned())
            .exec_without_returning(&self.write)
            .await?;
        Ok(())
    }

    /// Active products, in display order.
    pub async fn list_products(&self) -> Result<Vec<Product>, StoreError> {
        products::Entity::find()
            .filter(products::Column::Active.eq(true))
            .order_by_asc(products::Column::Position)
            .order_by_asc(products::Column::Sku)
            .all(&self.read)
            .await?
            .into_iter()
            .map(from_row)
            .collect()
    }

    /// The active products among `skus`; unknown or inactive ones are simply absent.
    pub async fn products_by_sku(&self, skus: &[String]) -> Result<Vec<Product>, StoreError> {
        if skus.is_empty() {
            return Ok(Vec::new());
        }
        products::Entity::find()
            .filter(products::Column::Sku.is_in(skus.iter().map(String::as_str)))
            .filter(products::Column::Active.eq(true))
            .order_by_asc(products::Column::Position)
            .all(&self.read)
            .await?
            .into_iter()
            .map(from_row)
            .collect()
    }
}

fn from_row(row: products::Model) -> Result<Product, StoreError> {
    let unit_price = Currency::parse(row.currency.trim())
        .map_err(domain::MoneyError::from)
        .and_then(|currency| Money::new(row.unit_minor, currency))
        .map_err(|e| StoreError::CorruptSnapshot(format!("product {}: {e}", row.sku)))?;
    Ok(Product {
        sku: row.sku,
        name: row.name,
        description: row.description,
        unit_price,
    })
}
