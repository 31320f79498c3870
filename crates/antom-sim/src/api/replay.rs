//! Idempotency (protocol §4.1): the same key with the same key fields gets the same answer and
//! no new action; the same key with different key fields is REPEAT_REQ_INCONSISTENT. Keys that
//! created a record are answered from the record (so a replay while it is still processing
//! says `*_IN_PROCESS`); keys that were refused without a record are answered from
//! `State::rejections`.

use antom_client::codes;
use antom_client::ResultInfo;

use crate::state::{Fingerprint, Scope, State};

pub fn inconsistent(key_field: &str) -> ResultInfo {
    ResultInfo::failed(
        codes::REPEAT_REQ_INCONSISTENT,
        format!("The same {key_field} was used before with different key fields."),
    )
}

/// The stored answer to an earlier refused request with this key, if there was one.
pub fn rejected_before(
    st: &State,
    scope: Scope,
    key: &str,
    fingerprint: &Fingerprint,
    key_field: &str,
) -> Option<ResultInfo> {
    st.rejection(scope, key).map(|rejection| {
        if rejection.fingerprint == *fingerprint {
            rejection.result.clone()
        } else {
            inconsistent(key_field)
        }
    })
}

/// Refuses a request for good: stores the answer under its key and returns it.
pub fn refuse(
    st: &mut State,
    scope: Scope,
    key: &str,
    fingerprint: Fingerprint,
    result: ResultInfo,
) -> ResultInfo {
    st.reject(scope, key, fingerprint, result.clone());
    result
}
