//! Hardening for the open internet.
//!
//! * `security_events`: what an unauthenticated caller did that ops should be able to see
//!   (webhook deliveries refused for their signature, failed admin logins), kept small: a
//!   rejected delivery is stored as its length, SHA-256, the few headers we read and the first
//!   kilobyte, never whole. Writes are rate-limited by the server.
//! * `admin_intents`: one row per ops action sent to Antom, so an identical request (same
//!   order, action and amount) within the double-click window, or a retry with the same
//!   `Idempotency-Key`, is answered with the first one's result instead of a second call.
//! * `admin_tokens.expires_at`: tokens may be created with an expiry.
//! * `orders.buyer_inquiry_at`: when a buyer's page load last inquired Antom about the order,
//!   so that however many loads arrive, at most one inquiry goes out per interval.
//! * `timeline.actor` widened to fit `admin:` plus the longest token name.
//! * Indexes for the worker's pruning of old security events, idempotency keys and intents
//!   (the inbox already has one on `received_at`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const ID: u32 = 64;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(security_events()).await?;
        manager.create_table(admin_intents()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AdminTokens::Table)
                    .add_column(timestamp_with_time_zone_null(AdminTokens::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Orders::Table)
                    .add_column(timestamp_with_time_zone_null(Orders::BuyerInquiryAt))
                    .to_owned(),
            )
            .await?;
        // SQLite does not enforce VARCHAR lengths (and cannot alter a column); PostgreSQL does.
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .alter_table(
                    Table::alter()
                        .table(Timeline::Table)
                        .modify_column(ColumnDef::new(Timeline::Actor).string_len(256).not_null())
                        .to_owned(),
                )
                .await?;
        }
        for index in indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_security_events_kind_at", SecurityEvents::Table.into_iden()),
            ("idx_security_events_at", SecurityEvents::Table.into_iden()),
            ("idx_admin_intents_order_action", AdminIntents::Table.into_iden()),
            ("idx_admin_intents_created_at", AdminIntents::Table.into_iden()),
            (
                "idx_idempotency_keys_created_at",
                IdempotencyKeys::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Orders::Table)
                    .drop_column(Orders::BuyerInquiryAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AdminTokens::Table)
                    .drop_column(AdminTokens::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(AdminIntents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SecurityEvents::Table).to_owned())
            .await?;
        Ok(())
    }
}

fn security_events() -> TableCreateStatement {
    Table::create()
        .table(SecurityEvents::Table)
        .col(big_integer(SecurityEvents::Id).auto_increment().primary_key())
        .col(timestamp_with_time_zone(SecurityEvents::At))
        .col(string_len(SecurityEvents::Kind, 32))
        .col(string_len(SecurityEvents::Route, 128))
        .col(string_len_null(SecurityEvents::ClientIp, 64))
        .col(string_len(SecurityEvents::Reason, 256))
        .col(big_integer_null(SecurityEvents::BodyLength))
        .col(string_len_null(SecurityEvents::BodySha256, 64))
        .col(text_null(SecurityEvents::Headers))
        .col(text_null(SecurityEvents::Preview))
        .to_owned()
}

fn admin_intents() -> TableCreateStatement {
    Table::create()
        .table(AdminIntents::Table)
        .col(big_integer(AdminIntents::Id).auto_increment().primary_key())
        .col(string_len(AdminIntents::OrderId, ID))
        .col(string_len(AdminIntents::Action, 16))
        .col(string_len(AdminIntents::Fingerprint, 64))
        .col(string_len_null(AdminIntents::KeyHash, 64))
        .col(string_len_uniq(AdminIntents::RequestId, ID))
        .col(string_len(AdminIntents::Actor, 256))
        .col(timestamp_with_time_zone(AdminIntents::CreatedAt))
        .foreign_key(
            ForeignKey::create()
                .name("fk_admin_intents_order")
                .from(AdminIntents::Table, AdminIntents::OrderId)
                .to(Orders::Table, Orders::Id),
        )
        .to_owned()
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        Index::create()
            .name("idx_security_events_kind_at")
            .table(SecurityEvents::Table)
            .col(SecurityEvents::Kind)
            .col(SecurityEvents::At)
            .to_owned(),
        Index::create()
            .name("idx_security_events_at")
            .table(SecurityEvents::Table)
            .col(SecurityEvents::At)
            .to_owned(),
        Index::create()
            .name("idx_admin_intents_order_action")
            .table(AdminIntents::Table)
            .col(AdminIntents::OrderId)
            .col(AdminIntents::Action)
            .col(AdminIntents::CreatedAt)
            .to_owned(),
        Index::create()
            .name("idx_admin_intents_created_at")
            .table(AdminIntents::Table)
            .col(AdminIntents::CreatedAt)
            .to_owned(),
        Index::create()
            .name("idx_idempotency_keys_created_at")
            .table(IdempotencyKeys::Table)
            .col(IdempotencyKeys::CreatedAt)
            .to_owned(),
    ]
}

#[derive(DeriveIden, Clone, Copy)]
enum SecurityEvents {
    Table,
    Id,
    At,
    Kind,
    Route,
    ClientIp,
    Reason,
    BodyLength,
    BodySha256,
    Headers,
    Preview,
}

#[derive(DeriveIden, Clone, Copy)]
enum AdminIntents {
    Table,
    Id,
    OrderId,
    Action,
    Fingerprint,
    KeyHash,
    RequestId,
    Actor,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AdminTokens {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Orders {
    Table,
    Id,
    BuyerInquiryAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Timeline {
    Table,
    Actor,
}

#[derive(DeriveIden, Clone, Copy)]
enum IdempotencyKeys {
    Table,
    CreatedAt,
}
