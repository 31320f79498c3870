//! What "the same request" means for idempotency: the key fields of a request, kept with the
//! record or refusal it produced and compared when the same key comes again. Payments,
//! vaultings and stored refusals all hold one, so it has a file of its own below all of them.

use std::fmt;

/// The key fields of a request, compared on a repeated idempotency key (not the whole body:
/// SDKs format bodies differently). It may hold a card token or part of a card number, so
/// `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct Fingerprint(String);

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fingerprint(..)")
    }
}

pub fn fingerprint(parts: &[&str]) -> Fingerprint {
    Fingerprint(parts.join("\u{1f}"))
}
