//! The initial schema.
//!
//! The order aggregate is stored whole as a JSON snapshot (`orders.snapshot`); the other order
//! tables (`order_items`, `payments`, `captures`, `refunds`, `cancels`) are projections of it,
//! rewritten on every save. They exist for two reasons: their primary keys and unique keys are
//! the last line of defence against reusing a request id, and they hold the columns ops queries
//! filter on.
//!
//! Conventions that keep both databases alike:
//! * times are `TIMESTAMP WITH TIME ZONE` (text on SQLite, always written in UTC),
//! * money is a BIGINT count of minor units next to a CHAR(3) currency,
//! * our ids and Antom's ids are VARCHAR(64) (Antom's limit); strings Antom sends that no rule
//!   bounds (result codes, messages, card brands) are TEXT, so an unusual value can never make a
//!   save fail on PostgreSQL while SQLite accepts it,
//! * foreign keys are declared inline (SQLite cannot add them later).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Our ids and Antom's ids (String(64) at Antom).
const ID: u32 = 64;
/// `PROCESSING`, `SUCCESS`, `FAIL`, and the order statuses.
const STATUS: u32 = 32;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            products(),
            orders(),
            order_items(),
            payments(),
            captures(),
            refunds(),
            cancels(),
            timeline(),
            inbox(),
            idempotency_keys(),
            admin_tokens(),
            buyers(),
            saved_cards(),
            vaultings(),
        ] {
            manager.create_table(table).await?;
        }
        for index in indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children before parents, because of the foreign keys.
        let tables: [DynIden; 14] = [
            Vaultings::Table.into_iden(),
            SavedCards::Table.into_iden(),
            Buyers::Table.into_iden(),
            AdminTokens::Table.into_iden(),
            IdempotencyKeys::Table.into_iden(),
            Inbox::Table.into_iden(),
            Timeline::Table.into_iden(),
            Cancels::Table.into_iden(),
            Refunds::Table.into_iden(),
            Captures::Table.into_iden(),
            Payments::Table.into_iden(),
            OrderItems::Table.into_iden(),
            Orders::Table.into_iden(),
            Products::Table.into_iden(),
        ];
        for table in tables {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// A `BIGINT` auto-increment primary key (`bigserial` on PostgreSQL, `INTEGER PRIMARY KEY
/// AUTOINCREMENT` on SQLite).
fn big_pk_auto<T: IntoIden>(col: T) -> ColumnDef {
    big_integer(col).auto_increment().primary_key().take()
}

/// `order_id` referencing `orders(id)`.
fn order_fk<T: IntoIden + Copy + 'static>(table: T, col: T, name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Orders::Table, Orders::Id)
        .to_owned()
}

fn products() -> TableCreateStatement {
    Table::create()
        .table(Products::Table)
        .col(string_len(Products::Sku, ID).primary_key())
        .col(string_len(Products::Name, 128))
        .col(text(Products::Description))
        .col(char_len(Products::Currency, 3))
        .col(big_integer(Products::UnitMinor))
        .col(boolean(Products::Active))
        .col(integer(Products::Position))
        .to_owned()
}

fn orders() -> TableCreateStatement {
    Table::create()
        .table(Orders::Table)
        .col(string_len(Orders::Id, ID).primary_key())
        .col(string_len(Orders::Status, STATUS))
        .col(char_len(Orders::Currency, 3))
        .col(big_integer(Orders::TotalMinor))
        .col(text(Orders::Snapshot))
        .col(string_len(Orders::TokenHash, 64))
        .col(string_len_null(Orders::BuyerId, ID))
        .col(string_len_uniq(Orders::PaymentRequestId, ID))
        .col(string_len_null(Orders::PaymentId, ID))
        .col(boolean(Orders::ReviewRequired))
        .col(timestamp_with_time_zone_null(Orders::SessionExpiresAt))
        .col(timestamp_with_time_zone_null(Orders::AuthExpiresAt))
        .col(timestamp_with_time_zone_null(Orders::NextCheckAt))
        .col(integer(Orders::CheckAttempts).default(0))
        .col(big_integer(Orders::Version).default(0))
        .col(timestamp_with_time_zone(Orders::CreatedAt))
        .col(timestamp_with_time_zone(Orders::UpdatedAt))
        .to_owned()
}

fn order_items() -> TableCreateStatement {
    Table::create()
        .table(OrderItems::Table)
        .col(big_pk_auto(OrderItems::Id))
        .col(string_len(OrderItems::OrderId, ID))
        .col(string_len(OrderItems::Sku, ID))
        .col(string_len(OrderItems::Name, 128))
        .col(integer(OrderItems::Quantity))
        .col(big_integer(OrderItems::UnitMinor))
        .col(char_len(OrderItems::Currency, 3))
        .foreign_key(&mut order_fk(
            OrderItems::Table,
            OrderItems::OrderId,
            "fk_order_items_order",
        ))
        .to_owned()
}

fn payments() -> TableCreateStatement {
    Table::create()
        .table(Payments::Table)
        .col(string_len(Payments::PaymentRequestId, ID).primary_key())
        .col(string_len_uniq(Payments::OrderId, ID))
        .col(string_len_null(Payments::PaymentId, ID))
        .col(string_len(Payments::Status, STATUS))
        .col(big_integer(Payments::AmountMinor))
        .col(char_len(Payments::Currency, 3))
        .col(text_null(Payments::CardBrand))
        .col(text_null(Payments::CardLast4))
        .col(timestamp_with_time_zone_null(Payments::PaidAt))
        .col(timestamp_with_time_zone_null(Payments::AuthExpiresAt))
        .col(text_null(Payments::FailureCode))
        .col(text_null(Payments::FailureMessage))
        .col(timestamp_with_time_zone(Payments::UpdatedAt))
        .foreign_key(&mut order_fk(
            Payments::Table,
            Payments::OrderId,
            "fk_payments_order",
        ))
        .to_owned()
}

fn captures() -> TableCreateStatement {
    Table::create()
        .table(Captures::Table)
        .col(string_len(Captures::CaptureRequestId, ID).primary_key())
        .col(string_len(Captures::OrderId, ID))
        .col(string_len_null(Captures::CaptureId, ID))
        .col(string_len(Captures::Status, STATUS))
        .col(big_integer_null(Captures::AmountMinor))
        .col(char_len(Captures::Currency, 3))
        .col(text_null(Captures::FailureCode))
        .col(text_null(Captures::FailureMessage))
        .col(timestamp_with_time_zone_null(Captures::RequestedAt))
        .col(timestamp_with_time_zone_null(Captures::CapturedAt))
        .col(timestamp_with_time_zone(Captures::UpdatedAt))
        .col(timestamp_with_time_zone_null(Captures::NextAttemptAt))
        .col(integer(Captures::Attempts).default(0))
        .foreign_key(&mut order_fk(
            Captures::Table,
            Captures::OrderId,
            "fk_captures_order",
        ))
        .to_owned()
}

fn refunds() -> TableCreateStatement {
    Table::create()
        .table(Refunds::Table)
        .col(string_len(Refunds::RefundRequestId, ID).primary_key())
        .col(string_len(Refunds::OrderId, ID))
        .col(string_len_null(Refunds::RefundId, ID))
        .col(string_len(Refunds::Status, STATUS))
        .col(big_integer_null(Refunds::AmountMinor))
        .col(char_len(Refunds::Currency, 3))
        .col(text_null(Refunds::Reason))
        .col(text_null(Refunds::FailureCode))
        .col(text_null(Refunds::FailureMessage))
        .col(timestamp_with_time_zone_null(Refunds::RequestedAt))
        .col(timestamp_with_time_zone_null(Refunds::RefundedAt))
        .col(timestamp_with_time_zone(Refunds::UpdatedAt))
        .col(timestamp_with_time_zone_null(Refunds::NextAttemptAt))
        .col(integer(Refunds::Attempts).default(0))
        .foreign_key(&mut order_fk(
            Refunds::Table,
            Refunds::OrderId,
            "fk_refunds_order",
        ))
        .to_owned()
}

fn cancels() -> TableCreateStatement {
    Table::create()
        .table(Cancels::Table)
        .col(string_len(Cancels::CancelRequestId, ID).primary_key())
        .col(string_len(Cancels::OrderId, ID))
        .col(string_len(Cancels::Status, STATUS))
        .col(text_null(Cancels::FailureCode))
        .col(text_null(Cancels::FailureMessage))
        .col(timestamp_with_time_zone(Cancels::UpdatedAt))
        .foreign_key(&mut order_fk(
            Cancels::Table,
            Cancels::OrderId,
            "fk_cancels_order",
        ))
        .to_owned()
}

fn timeline() -> TableCreateStatement {
    Table::create()
        .table(Timeline::Table)
        .col(big_pk_auto(Timeline::Id))
        .col(string_len(Timeline::OrderId, ID))
        .col(timestamp_with_time_zone(Timeline::At))
        .col(string_len(Timeline::EventType, 64))
        .col(string_len(Timeline::Actor, 128))
        .col(text(Timeline::Details))
        .foreign_key(&mut order_fk(
            Timeline::Table,
            Timeline::OrderId,
            "fk_timeline_order",
        ))
        .to_owned()
}

/// Every notification received, verified or not. `dedupe_key` is NULL for rejected deliveries
/// (NULLs never collide in a unique index), so each rejected delivery keeps its own row while a
/// verified body is stored once. `order_id` has no foreign key: notifications about payments we
/// do not know are stored too, for ops.
fn inbox() -> TableCreateStatement {
    Table::create()
        .table(Inbox::Table)
        .col(big_pk_auto(Inbox::Id))
        .col(timestamp_with_time_zone(Inbox::ReceivedAt))
        .col(string_len(Inbox::Route, 64))
        .col(text(Inbox::Headers))
        .col(text(Inbox::Body))
        .col(string_len(Inbox::Verdict, 16))
        .col(text_null(Inbox::RejectReason))
        .col(string_len_null(Inbox::DedupeKey, 64).unique_key())
        .col(string_len_null(Inbox::NotifyType, 64))
        .col(string_len_null(Inbox::OrderId, ID))
        .col(string_len_null(Inbox::Outcome, 32))
        .col(text_null(Inbox::OutcomeDetail))
        .col(integer(Inbox::DeliveryCount).default(1))
        .col(timestamp_with_time_zone(Inbox::LastReceivedAt))
        .to_owned()
}

fn idempotency_keys() -> TableCreateStatement {
    Table::create()
        .table(IdempotencyKeys::Table)
        .col(string_len(IdempotencyKeys::Scope, 128))
        .col(string_len(IdempotencyKeys::Key, 255))
        .col(string_len(IdempotencyKeys::RequestHash, 64))
        .col(integer_null(IdempotencyKeys::StatusCode))
        .col(text_null(IdempotencyKeys::ResponseBody))
        .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
        .primary_key(
            Index::create()
                .name("pk_idempotency_keys")
                .col(IdempotencyKeys::Scope)
                .col(IdempotencyKeys::Key),
        )
        .to_owned()
}

fn admin_tokens() -> TableCreateStatement {
    Table::create()
        .table(AdminTokens::Table)
        .col(string_len(AdminTokens::Id, ID).primary_key())
        .col(string_len(AdminTokens::Name, 128))
        .col(string_len(AdminTokens::Role, 16))
        .col(string_len_uniq(AdminTokens::TokenHash, 64))
        .col(timestamp_with_time_zone(AdminTokens::CreatedAt))
        .col(timestamp_with_time_zone_null(AdminTokens::RevokedAt))
        .col(timestamp_with_time_zone_null(AdminTokens::LastUsedAt))
        .to_owned()
}

fn buyers() -> TableCreateStatement {
    Table::create()
        .table(Buyers::Table)
        .col(string_len(Buyers::Id, ID).primary_key())
        .col(timestamp_with_time_zone(Buyers::CreatedAt))
        .to_owned()
}

/// Vaulted cards. Only what is safe to show is in clear; the card token is AES-256-GCM
/// ciphertext.
fn saved_cards() -> TableCreateStatement {
    Table::create()
        .table(SavedCards::Table)
        .col(string_len(SavedCards::Id, ID).primary_key())
        .col(string_len(SavedCards::BuyerId, ID))
        .col(string_len_null(SavedCards::VaultingRequestId, ID).unique_key())
        .col(text(SavedCards::Brand))
        .col(string_len(SavedCards::MaskedCardNo, 32))
        .col(string_len(SavedCards::LastFour, 4))
        .col(string_len(SavedCards::ExpiryMonth, 2))
        .col(string_len(SavedCards::ExpiryYear, 4))
        .col(text(SavedCards::TokenCiphertext))
        .col(timestamp_with_time_zone(SavedCards::CreatedAt))
        .col(timestamp_with_time_zone_null(SavedCards::DeletedAt))
        .foreign_key(
            ForeignKey::create()
                .name("fk_saved_cards_buyer")
                .from(SavedCards::Table, SavedCards::BuyerId)
                .to(Buyers::Table, Buyers::Id),
        )
        .to_owned()
}

fn vaultings() -> TableCreateStatement {
    Table::create()
        .table(Vaultings::Table)
        .col(string_len(Vaultings::VaultingRequestId, ID).primary_key())
        .col(string_len(Vaultings::BuyerId, ID))
        .col(string_len(Vaultings::Status, STATUS))
        .col(string_len_null(Vaultings::CardId, ID))
        .col(text_null(Vaultings::FailureCode))
        .col(text_null(Vaultings::FailureMessage))
        .col(timestamp_with_time_zone(Vaultings::CreatedAt))
        .col(timestamp_with_time_zone(Vaultings::UpdatedAt))
        .col(timestamp_with_time_zone_null(Vaultings::NextCheckAt))
        .col(integer(Vaultings::CheckAttempts).default(0))
        .to_owned()
}

fn index<T: IntoIden + 'static>(name: &str, table: T, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    index.to_owned()
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        // Admin list: newest first, optionally by status; keyset paging on (created_at, id).
        index(
            "idx_orders_created_at",
            Orders::Table,
            vec![Orders::CreatedAt.into_iden(), Orders::Id.into_iden()],
        ),
        index(
            "idx_orders_status",
            Orders::Table,
            vec![Orders::Status.into_iden(), Orders::CreatedAt.into_iden()],
        ),
        index(
            "idx_orders_payment_id",
            Orders::Table,
            vec![Orders::PaymentId.into_iden()],
        ),
        // The reconciler's queue.
        index(
            "idx_orders_next_check_at",
            Orders::Table,
            vec![Orders::NextCheckAt.into_iden()],
        ),
        index(
            "idx_order_items_order_id",
            OrderItems::Table,
            vec![OrderItems::OrderId.into_iden()],
        ),
        index(
            "idx_captures_order_id",
            Captures::Table,
            vec![Captures::OrderId.into_iden()],
        ),
        index(
            "idx_captures_status",
            Captures::Table,
            vec![Captures::Status.into_iden()],
        ),
        index(
            "idx_refunds_order_id",
            Refunds::Table,
            vec![Refunds::OrderId.into_iden()],
        ),
        index(
            "idx_refunds_status",
            Refunds::Table,
            vec![Refunds::Status.into_iden()],
        ),
        index(
            "idx_cancels_order_id",
            Cancels::Table,
            vec![Cancels::OrderId.into_iden()],
        ),
        index(
            "idx_timeline_order_id",
            Timeline::Table,
            vec![Timeline::OrderId.into_iden()],
        ),
        index(
            "idx_inbox_order_id",
            Inbox::Table,
            vec![Inbox::OrderId.into_iden()],
        ),
        index(
            "idx_inbox_received_at",
            Inbox::Table,
            vec![Inbox::ReceivedAt.into_iden()],
        ),
        index(
            "idx_saved_cards_buyer_id",
            SavedCards::Table,
            vec![SavedCards::BuyerId.into_iden()],
        ),
        index(
            "idx_vaultings_buyer_id",
            Vaultings::Table,
            vec![Vaultings::BuyerId.into_iden()],
        ),
        index(
            "idx_vaultings_next_check_at",
            Vaultings::Table,
            vec![Vaultings::NextCheckAt.into_iden()],
        ),
    ]
}

#[derive(DeriveIden, Clone, Copy)]
enum Products {
    Table,
    Sku,
    Name,
    Description,
    Currency,
    UnitMinor,
    Active,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum Orders {
    Table,
    Id,
    Status,
    Currency,
    TotalMinor,
    Snapshot,
    TokenHash,
    BuyerId,
    PaymentRequestId,
    PaymentId,
    ReviewRequired,
    SessionExpiresAt,
    AuthExpiresAt,
    NextCheckAt,
    CheckAttempts,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OrderItems {
    Table,
    Id,
    OrderId,
    Sku,
    Name,
    Quantity,
    UnitMinor,
    Currency,
}

#[derive(DeriveIden, Clone, Copy)]
enum Payments {
    Table,
    PaymentRequestId,
    OrderId,
    PaymentId,
    Status,
    AmountMinor,
    Currency,
    CardBrand,
    #[sea_orm(iden = "card_last4")]
    CardLast4,
    PaidAt,
    AuthExpiresAt,
    FailureCode,
    FailureMessage,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Captures {
    Table,
    CaptureRequestId,
    OrderId,
    CaptureId,
    Status,
    AmountMinor,
    Currency,
    FailureCode,
    FailureMessage,
    RequestedAt,
    CapturedAt,
    UpdatedAt,
    NextAttemptAt,
    Attempts,
}

#[derive(DeriveIden, Clone, Copy)]
enum Refunds {
    Table,
    RefundRequestId,
    OrderId,
    RefundId,
    Status,
    AmountMinor,
    Currency,
    Reason,
    FailureCode,
    FailureMessage,
    RequestedAt,
    RefundedAt,
    UpdatedAt,
    NextAttemptAt,
    Attempts,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cancels {
    Table,
    CancelRequestId,
    OrderId,
    Status,
    FailureCode,
    FailureMessage,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Timeline {
    Table,
    Id,
    OrderId,
    At,
    EventType,
    Actor,
    Details,
}

#[derive(DeriveIden, Clone, Copy)]
enum Inbox {
    Table,
    Id,
    ReceivedAt,
    Route,
    Headers,
    Body,
    Verdict,
    RejectReason,
    DedupeKey,
    NotifyType,
    OrderId,
    Outcome,
    OutcomeDetail,
    DeliveryCount,
    LastReceivedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IdempotencyKeys {
    Table,
    Scope,
    Key,
    RequestHash,
    StatusCode,
    ResponseBody,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AdminTokens {
    Table,
    Id,
    Name,
    Role,
    TokenHash,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Buyers {
    Table,
    Id,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SavedCards {
    Table,
    Id,
    BuyerId,
    VaultingRequestId,
    Brand,
    MaskedCardNo,
    LastFour,
    ExpiryMonth,
    ExpiryYear,
    TokenCiphertext,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Vaultings {
    Table,
    VaultingRequestId,
    BuyerId,
    Status,
    CardId,
    FailureCode,
    FailureMessage,
    CreatedAt,
    UpdatedAt,
    NextCheckAt,
    CheckAttempts,
}
