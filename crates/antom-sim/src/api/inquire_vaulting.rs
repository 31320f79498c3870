//! inquireVaulting: one vaulting by `vaultingRequestId`, with `vaultingStatus` as Antom
//! documents it for this API [V:NET AlipayVaultingQueryResponse, PY
//! alipay_vaulting_query_response "when vaultingStatus is PROCESSING … schemeUrl, applinkUrl,
//! normalUrl may be returned"]: PROCESSING (with the challenge page while 3-D Secure is open,
//! `applinkUrl` too for an app), SUCCESS with the card, or FAIL with the reason as
//! `vaultingResultCode`. A vaulting stranded by the `noRedirect` fault is PROCESSING without any
//! URL until its session expires.
//!
//! notifyVaulting carries no `vaultingStatus`: neither the notification's API page nor any SDK
//! model has one [D:DOC ams_zh-cn/notify_vaulting; V:JAVA AlipayVaultingNotify @4abe569], so
//! its `result` alone says S or F (see `notices::vaulting_result`).

use antom_client::codes;
use antom_client::model::{InquireVaultingRequest, InquireVaultingResponse, VaultingStatus};
use antom_client::ResultInfo;

use super::operation::{Checks, Operation, Shape};
use crate::lifecycle::Tx;
use crate::state::VaultStage;
use crate::validation::{self as v, Checked};
use crate::views;

impl Operation for InquireVaultingRequest {
    fn validate(&self, _checks: &Checks<'_>) -> Checked {
        v::id("vaultingRequestId", &self.vaulting_request_id)
    }

    fn handle(self, tx: &mut Tx<'_>, _shape: Shape) -> InquireVaultingResponse {
        let Some(record) = tx.st.vaultings().get(&self.vaulting_request_id) else {
            return InquireVaultingResponse::new(ResultInfo::failed(
                codes::VAULTING_NOT_EXIST,
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
            VaultStage::AwaitingChallenge { .. } => {
                let challenge = views::vaulting_challenge(record, tx.base_url);
                InquireVaultingResponse {
                    vaulting_status: Some(VaultingStatus::Processing),
                    vaulting_result_code: Some(codes::VERIFICATION_IN_PROCESS.into()),
                    applink_url: challenge.as_ref().and_then(|c| c.applink_url.clone()),
                    normal_url: challenge.map(|c| c.normal_url),
                    ..base
                }
            }
            VaultStage::AwaitingCard | VaultStage::Settling { .. } | VaultStage::Stranded => {
                InquireVaultingResponse {
                    vaulting_status: Some(VaultingStatus::Processing),
                    vaulting_result_code: Some(codes::VERIFICATION_IN_PROCESS.into()),
                    ..base
                }
            }
        }
    }
}
