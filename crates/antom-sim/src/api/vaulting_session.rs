//! createVaultingSession: a vaulting awaiting the buyer's card on the hosted form / SDK.

use antom_client::limits;
use antom_client::model::{CreateVaultingSessionRequest, CreateVaultingSessionResponse};
use antom_client::ResultInfo;

use super::operation::{Checks, Operation, Shape};
use super::replay::inconsistent;
use crate::clock::nominal;
use crate::hosted::{self, Scene, SessionData};
use crate::ids;
use crate::lifecycle::Tx;
use crate::state::{fingerprint, BuyerSession, VaultStage, Vaulting};
use crate::validation::{self as v, Checked};
use crate::views::time;

impl Operation for CreateVaultingSessionRequest {
    fn validate(&self, _checks: &Checks<'_>) -> Checked {
        v::card_method("paymentMethodType", &self.payment_method_type)?;
        v::id("vaultingRequestId", &self.vaulting_request_id)?;
        v::url(
            "vaultingNotificationUrl",
            &self.vaulting_notification_url,
            limits::MAX_URL,
        )?;
        v::optional_redirect_url("redirectUrl", self.redirect_url.as_deref(), limits::MAX_URL)?;
        if let Some(region) = &self.merchant_region {
            v::text("merchantRegion", region, 2, false)?;
        }
        Ok(())
    }

    fn handle(self, tx: &mut Tx<'_>, _shape: Shape) -> CreateVaultingSessionResponse {
        let fingerprint = fingerprint(&["createVaultingSession"]);
        if let Some(existing) = tx.st.vaultings().get(&self.vaulting_request_id) {
            return if existing.fingerprint == fingerprint {
                response(existing, tx)
            } else {
                CreateVaultingSessionResponse::new(inconsistent("vaultingRequestId"))
            };
        }
        let vaulting = Vaulting {
            request_id: self.vaulting_request_id,
            fingerprint,
            notify_url: self.vaulting_notification_url,
            redirect_url: self.redirect_url,
            created_at: tx.now,
            session: Some(BuyerSession {
                id: ids::session_id(),
                expires_at: tx.deadline(nominal::SESSION_VALIDITY),
            }),
            app: false,
            stage: VaultStage::AwaitingCard,
        };
        let answer = response(&vaulting, tx);
        tx.st.insert_vaulting(vaulting);
        answer
    }
}

/// The session's answer. `vaultingSessionData` carries the scene `VAULTING` (category `CARD`),
/// the scene of Antom's own sample (see `hosted`).
fn response(vaulting: &Vaulting, tx: &Tx<'_>) -> CreateVaultingSessionResponse {
    let Some(session) = &vaulting.session else {
        return CreateVaultingSessionResponse::new(inconsistent("vaultingRequestId"));
    };
    let data = SessionData {
        scene: Scene::Vaulting,
        session_id: &session.id,
        request_id: &vaulting.request_id,
        client_id: tx.client_id,
        base_url: tx.base_url,
    };
    CreateVaultingSessionResponse {
        vaulting_session_data: Some(data.encode()),
        vaulting_session_id: Some(session.id.clone()),
        vaulting_session_expiry_time: Some(time(session.expires_at)),
        normal_url: Some(hosted::form_url(tx.base_url, &session.id)),
        ..CreateVaultingSessionResponse::new(ResultInfo::success())
    }
}
