//! The way back from Antom without the order token in any URL handed to Antom.
//!
//! `orders.return_token_hash` is the SHA-256 of a short-lived, single-use token that goes into
//! the web `paymentRedirectUrl` instead of the order token (Antom stores that URL and echoes it
//! in inquiries); `return_token_used_at` marks it spent once the buyer's browser came back.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Orders::Table)
                    .add_column(string_len_null(Orders::ReturnTokenHash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Orders::Table)
                    .add_column(timestamp_with_time_zone_null(Orders::ReturnTokenUsedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Orders::ReturnTokenUsedAt, Orders::ReturnTokenHash] {
            manager
                .alter_table(Table::alter().table(Orders::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Orders {
    Table,
    ReturnTokenHash,
    ReturnTokenUsedAt,
}
