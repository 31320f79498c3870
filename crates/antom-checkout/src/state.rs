//! What every request handler and worker shares.

use std::sync::Arc;

use antom_client::{Client, PublicKey};

use crate::config::{CaptureMode, DataKey, Settings};
use crate::metrics::Metrics;
use crate::persistence::Store;
use crate::rate_limit::{RateLimits, StorageBudget};

/// Where browsers load the Antom Web SDK from, and which environment it runs in.
#[derive(Debug, Clone)]
pub struct SdkInfo {
    pub environment: &'static str,
    pub script_url: String,
    /// Subresource Integrity the pages put on the script tag, when known.
    pub integrity: Option<String>,
    /// The SDK file served from this origin (`ANTOM_SDK_SOURCE=self`).
    pub self_hosted: Option<SelfHostedSdk>,
    /// The pages talk to Antom's own hosts (live mode), not to the simulator's origin.
    pub real_antom: bool,
}

/// The npm package's SDK file, read and checked at start, served at `path`.
#[derive(Clone)]
pub struct SelfHostedSdk {
    pub path: String,
    pub bytes: actix_web::web::Bytes,
}

impl std::fmt::Debug for SelfHostedSdk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelfHostedSdk")
            .field("path", &self.path)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub antom: Client,
    /// Antom's public key: verifies notifications.
    pub antom_public_key: PublicKey,
    pub settings: Arc<Settings>,
    /// `PUBLIC_BASE_URL`, or derived from the bound address; no trailing slash.
    pub public_base_url: Arc<str>,
    /// The path prefix of `PUBLIC_BASE_URL` (part of the signed path of webhooks).
    pub public_path_prefix: Arc<str>,
    pub sdk: SdkInfo,
    pub metrics: Arc<Metrics>,
    pub data_key: DataKey,
    pub capture_mode: CaptureMode,
    pub limits: Arc<RateLimits>,
    /// How many security events may still be stored this minute.
    pub security_log: Arc<StorageBudget>,
}

impl AppState {
    pub fn antom_public_key(&self) -> &PublicKey {
        &self.antom_public_key
    }

    /// An absolute URL on this server for a route path like `/checkout/result`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.public_base_url, path)
    }

    /// The path a webhook route is reached at from outside (what Antom signs).
    pub fn external_path(&self, route: &str) -> String {
        format!("{}{}", self.public_path_prefix, route)
    }
}
