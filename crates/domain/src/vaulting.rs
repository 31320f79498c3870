//! One card-vaulting attempt (saving a card without paying).
//!
//! Results arrive from `notifyVaulting` and `inquireVaulting`, possibly several times and in any
//! order; like every other record, a final status never changes.

use serde::{Deserialize, Serialize};

use crate::apply::NotApplied;
use crate::ids::VaultingRequestId;
use crate::records::RecordKind;
use crate::status::RecordStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultingAttempt {
    request_id: VaultingRequestId,
    status: RecordStatus,
}

/// What an accepted vaulting result did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultingTransition {
    pub from: RecordStatus,
    pub to: RecordStatus,
}

impl VaultingAttempt {
    /// A session was created; the buyer has not finished yet.
    pub fn new(request_id: VaultingRequestId) -> VaultingAttempt {
        VaultingAttempt {
            request_id,
            status: RecordStatus::Processing,
        }
    }

    pub fn request_id(&self) -> &VaultingRequestId {
        &self.request_id
    }

    pub fn status(&self) -> RecordStatus {
        self.status
    }

    /// PROCESSING → SUCCESS/FAIL. Any status already held, and PROCESSING after a final one
    /// (a stale inquiry), is `Duplicate`; the opposite final status is `ConflictsWithTerminal`.
    pub fn apply_result(&mut self, reported: RecordStatus) -> Result<VaultingTransition, NotApplied> {
        let from = self.status;
        match (from, reported) {
            (RecordStatus::Processing, RecordStatus::Success | RecordStatus::Fail) => {
                self.status = reported;
                Ok(VaultingTransition { from, to: reported })
            }
            (RecordStatus::Processing, RecordStatus::Processing)
            | (RecordStatus::Success | RecordStatus::Fail, RecordStatus::Processing)
            | (RecordStatus::Success, RecordStatus::Success)
            | (RecordStatus::Fail, RecordStatus::Fail) => Err(NotApplied::Duplicate),
            (RecordStatus::Success, RecordStatus::Fail) | (RecordStatus::Fail, RecordStatus::Success) => {
                Err(NotApplied::ConflictsWithTerminal {
                    record: RecordKind::Vaulting,
                    current: from,
                    reported,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt() -> VaultingAttempt {
        VaultingAttempt::new(VaultingRequestId::parse("vault-1").unwrap())
    }

    #[test]
    fn processing_settles_once() {
        for outcome in [RecordStatus::Success, RecordStatus::Fail] {
            let mut vaulting = attempt();
            assert_eq!(
                vaulting.apply_result(outcome),
                Ok(VaultingTransition {
                    from: RecordStatus::Processing,
                    to: outcome
                })
            );
            assert_eq!(vaulting.status(), outcome);
            assert_eq!(vaulting.apply_result(outcome), Err(NotApplied::Duplicate));
            assert_eq!(
                vaulting.apply_result(RecordStatus::Processing),
                Err(NotApplied::Duplicate)
            );
            assert_eq!(vaulting.status(), outcome);
        }
    }

    #[test]
    fn processing_again_is_a_duplicate() {
        let mut vaulting = attempt();
        assert_eq!(
            vaulting.apply_result(RecordStatus::Processing),
            Err(NotApplied::Duplicate)
        );
    }

    #[test]
    fn final_statuses_never_flip() {
        let mut vaulting = attempt();
        vaulting.apply_result(RecordStatus::Success).unwrap();
        let refusal = vaulting.apply_result(RecordStatus::Fail).unwrap_err();
        assert_eq!(
            refusal,
            NotApplied::ConflictsWithTerminal {
                record: RecordKind::Vaulting,
                current: RecordStatus::Success,
                reported: RecordStatus::Fail
            }
        );
        assert!(refusal.needs_review());
        assert_eq!(vaulting.status(), RecordStatus::Success);
        let mut vaulting = attempt();
        vaulting.apply_result(RecordStatus::Fail).unwrap();
        assert!(vaulting.apply_result(RecordStatus::Success).is_err());
        assert_eq!(vaulting.status(), RecordStatus::Fail);
    }

    #[test]
    fn serde_round_trip() {
        let vaulting = attempt();
        let json = serde_json::to_string(&vaulting).unwrap();
        assert_eq!(json, r#"{"requestId":"vault-1","status":"PROCESSING"}"#);
        assert_eq!(serde_json::from_str::<VaultingAttempt>(&json).unwrap(), vaulting);
    }
}
