//! inquireVaulting: one vaulting by `vaultingRequestId`: PROCESSING (with the challenge page
//! while 3-D Secure is open), SUCCESS with the card, or FAIL with the reason.

use antom_client::model::{InquireVaultingRequest, InquireVaultingResponse, VaultingStatus};
use antom_client::ResultInfo;
use chrono::{DateTime, Utc};

use super::Operation;
use crate::hosted;
use crate::lifecycle::Tx;
use crate::state::VaultStage;
use crate::validation::{self as v, Checked};
use crate::views;

impl Operation for InquireVaultingRequest {
    fn validate(&self, _now: DateTime<Utc>) -> Checked {
        v::id("vaultingRequestId", &self.vaulting_request_id)
    }

    fn handle(self, tx: &mut Tx<'_>, _processing: bool) -> InquireVaultingResponse {
        let Some(record) = tx.st.vaultings().get(&self.vaulting_request_id) else {
            return InquireVaultingResponse::new(ResultInfo::failed(
                "VAULTING_NOT_EXIST",
                "The vaulting does not exist.",
            ));
        };
        let base = InquireVaultingResponse {
            vaulting_request_id: Some(record.request_id.clone()),
            ..InquireVaultingResponse::new(ResultInfo::success())
        };
        match &record.stage {
            VaultStage::Vaulted { token } => InquireVaultingResponse {
                vaulting_status: Some(VaultingStatus::Success),
                vaulting_result_code: Some("SUCCESS".into()),
                vaulting_result_message: Some("success".into()),
                payment_method_detail: tx.st.cards.get(token).map(views::vaulted_card_detail),
                ..base
            },
            VaultStage::Failed { code, message } => InquireVaultingResponse {
                vaulting_status: Some(VaultingStatus::Fail),
                vaulting_result_code: Some(code.clone()),
                vaulting_result_message: Some(message.clone()),
                ..base
            },
            VaultStage::AwaitingChallenge { .. } => InquireVaultingResponse {
                vaulting_status: Some(VaultingStatus::Processing),
                vaulting_result_code: Some("VERIFICATION_IN_PROCESS".into()),
                normal_url: record
                    .session
                    .as_ref()
                    .map(|s| hosted::challenge_url(tx.base_url, &s.id)),
                ..base
            },
            VaultStage::AwaitingCard | VaultStage::Settling { .. } => InquireVaultingResponse {
                vaulting_status: Some(VaultingStatus::Processing),
                vaulting_result_code: Some("VERIFICATION_IN_PROCESS".into()),
                ..base
            },
        }
    }
}
