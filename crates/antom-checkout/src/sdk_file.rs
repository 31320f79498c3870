//! `ANTOM_SDK_SOURCE=self`: Antom's Web SDK, as published in the npm package
//! `@alipay/ams-checkout`, served from this server's own origin. The file is read once at
//! start and must hash to the configured Subresource Integrity (by default the pinned 1.47.2
//! file's), so a changed or truncated copy stops the server instead of reaching buyers; the
//! pages load it with the same `integrity`, so the browser checks it again.

use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::state::SelfHostedSdk;

/// Where the self-hosted SDK is served (a hash of the file in the name: cached for a year).
pub const ROUTE_PREFIX: &str = "/vendor/ams-checkout/";

/// Why the self-hosted SDK cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum SdkFileError {
    #[error("ANTOM_SDK_FILE {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error(
        "ANTOM_SDK_FILE {path} hashes to {actual}, not to the expected {expected} \
         (ANTOM_SDK_INTEGRITY); it is not the SDK file this server was told to serve"
    )]
    Mismatch {
        path: String,
        expected: String,
        actual: String,
    },
}

/// The Subresource Integrity of `bytes` with the algorithm `like` names (`sha384-…`).
pub fn integrity_of(bytes: &[u8], like: &str) -> String {
    let b64 = |digest: &[u8]| base64::engine::general_purpose::STANDARD.encode(digest);
    match like.split_once('-').map(|(algorithm, _)| algorithm) {
        Some("sha256") => format!("sha256-{}", b64(&Sha256::digest(bytes))),
        Some("sha512") => format!("sha512-{}", b64(&Sha512::digest(bytes))),
        _ => format!("sha384-{}", b64(&Sha384::digest(bytes))),
    }
}

/// Reads the file and checks it against `integrity`.
pub fn load(file: &Path, integrity: &str) -> Result<SelfHostedSdk, SdkFileError> {
    let path = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|source| SdkFileError::Read {
        path: path.clone(),
        source,
    })?;
    let actual = integrity_of(&bytes, integrity);
    if actual != integrity {
        return Err(SdkFileError::Mismatch {
            path,
            expected: integrity.to_owned(),
            actual,
        });
    }
    let name: String = Sha256::digest(&bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(SelfHostedSdk {
        path: format!("{ROUTE_PREFIX}{name}.js"),
        bytes: actix_web::web::Bytes::from(bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_served_only_when_it_hashes_to_the_integrity() {
        let dir = std::env::temp_dir().join(format!("sdk-file-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ams-checkout.min.js");
        std::fs::write(&file, b"window.AMSElement = function () {};").unwrap();
        let good = integrity_of(b"window.AMSElement = function () {};", "sha384-");
        let loaded = load(&file, &good).unwrap();
        assert!(loaded.path.starts_with(ROUTE_PREFIX) && loaded.path.ends_with(".js"));
        assert_eq!(&*loaded.bytes, b"window.AMSElement = function () {};");

        std::fs::write(&file, b"window.AMSElement = function () { steal(); };").unwrap();
        assert!(matches!(load(&file, &good), Err(SdkFileError::Mismatch { .. })));
        assert!(matches!(
            load(&dir.join("missing.js"), &good),
            Err(SdkFileError::Read { .. })
        ));
        let sha256 = integrity_of(b"x", "sha256-");
        assert!(sha256.starts_with("sha256-") && sha256.len() == "sha256-".len() + 44);
        std::fs::remove_dir_all(dir).ok();
    }
}
