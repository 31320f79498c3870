//! The request id: one per HTTP request, returned in `x-request-id`, logged with every line the
//! request causes, and sent on to Antom (the simulator logs it beside its own records). A
//! caller's id is kept when it is sane (1–64 of `[A-Za-z0-9._:-]`), so a proxy's or a client's
//! id follows the request; anything else is replaced by a fresh one, never echoed.

/// The header, in requests and responses (ours and outbound).
pub const HEADER: &str = "x-request-id";

/// Longest id kept from a caller.
pub const MAX_LEN: usize = 64;

/// The caller's id when sane, else a fresh one.
pub fn accept_or_generate(incoming: Option<&str>) -> String {
    match incoming {
        Some(id) if is_sane(id) => id.to_owned(),
        _ => uuid::Uuid::new_v4().simple().to_string(),
    }
}

fn is_sane(id: &str) -> bool {
    (1..=MAX_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

tokio::task_local! {
    /// The id of the request this task serves (outbound Antom calls read it).
    static CURRENT: String;
}

/// Runs `fut` as part of the request `id`.
pub async fn scope<F: std::future::Future>(id: String, fut: F) -> F::Output {
    CURRENT.scope(id, fut).await
}

/// The id of the request being served, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_ids_are_kept() {
        for id in ["a", "req-1", "0192f7c4.aa:bb_cc-DD", &"x".repeat(64)] {
            assert_eq!(accept_or_generate(Some(id)), id);
        }
    }

    #[test]
    fn anything_else_is_replaced() {
        for bad in ["", &"x".repeat(65), "a b", "a\nb", "é", "<script>", "a/b"] {
            let id = accept_or_generate(Some(bad));
            assert_ne!(id, bad);
            assert_eq!(id.len(), 32, "{id}");
        }
        assert_eq!(accept_or_generate(None).len(), 32);
    }
}
