//! Configuration: one typed struct, loaded once from defaults, optional `config/*.toml` files
//! and the environment (names exactly as in the contract), validated at start with errors that
//! name the variable. Keys are parsed here, once; secrets never reach `Debug`.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretBox};
use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use antom_client::{PrivateKey, PublicKey};
use base64::Engine;
use serde::Deserialize;

/// What was wrong with the configuration, naming the variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var}: {reason}")]
    Invalid { var: &'static str, reason: String },
    #[error("{var} is required when {when}")]
    Missing { var: &'static str, when: &'static str },
    #[error("could not read the configuration files: {0}")]
    Files(#[from] config::ConfigError),
}

fn invalid(var: &'static str, reason: impl fmt::Display) -> ConfigError {
    ConfigError::Invalid {
        var,
        reason: reason.to_string(),
    }
}

/// The raw layer: every value a string, as the environment gives it.
#[derive(Debug, Default, Deserialize)]
struct Raw {
    bind_addr: Option<String>,
    public_base_url: Option<String>,
    database_url: Option<String>,
    data_dir: Option<String>,
    antom_mode: Option<String>,
    antom_gateway_url: Option<String>,
    antom_client_id: Option<String>,
    antom_merchant_private_key: Option<String>,
    antom_public_key: Option<String>,
    antom_key_version: Option<String>,
    antom_sdk_script_url: Option<String>,
    antom_sdk_source: Option<String>,
    antom_sdk_file: Option<String>,
    antom_sdk_integrity: Option<String>,
    checkout_integration: Option<String>,
    simulator_bind_addr: Option<String>,
    simulator_client_id: Option<String>,
    simulator_merchant_public_key: Option<String>,
    simulator_antom_private_key: Option<String>,
    simulator_time_scale: Option<String>,
    capture_mode: Option<String>,
    reconcile_interval_secs: Option<String>,
    data_encryption_key: Option<String>,
    pci_direct_vaulting: Option<String>,
    rust_log: Option<String>,
    log_format: Option<String>,
    otel_exporter_otlp_endpoint: Option<String>,
    otel_service_name: Option<String>,
    session_retry_budget_ms: Option<String>,
    rate_limits: Option<String>,
    bench_floor_route: Option<String>,
    trusted_proxies: Option<String>,
    inbox_retention_days: Option<String>,
    allow_simulator_with_live_keys: Option<String>,
    simulator_allow_network: Option<String>,
    metrics_bind_addr: Option<String>,
    payment_session_expiry_secs: Option<String>,
    antom_close_window_secs: Option<String>,
    antom_settlement_currency: Option<String>,
    app_redirect_url: Option<String>,
}

/// Antom's production gateway (Asia); merchants elsewhere set `ANTOM_GATEWAY_URL`.
pub const DEFAULT_GATEWAY_URL: &str = "https://open-sea-global.alipay.com";
/// The version of Antom's Web SDK (`@alipay/ams-checkout`) the pages and the simulator's
/// stand-in are built and tested against.
pub const SDK_VERSION: &str = "1.47.2";
/// Antom's Web SDK on its CDN, version-pinned (the path mirrors the npm package's file).
pub const DEFAULT_SDK_SCRIPT_URL: &str =
    "https://sdk.marmot-cloud.com/package/ams-checkout/1.47.2/dist/umd/ams-checkout.min.js";
/// Subresource Integrity of `dist/umd/ams-checkout.min.js` in the npm package 1.47.2 (what a
/// self-hosted copy must hash to unless `ANTOM_SDK_INTEGRITY` names another file).
pub const PINNED_SDK_INTEGRITY: &str =
    "sha384-AD7L5Rh076UuqKtWm0N7aQR3QisWht2XKNKKIFUGwyXE5t3qTQJi/6mBDJyVTATz";
/// Where `ANTOM_SDK_SOURCE=self` finds the SDK by default: the file of
/// `npm install @alipay/ams-checkout@1.47.2` in the working directory.
pub const DEFAULT_SDK_FILE: &str = "node_modules/@alipay/ams-checkout/dist/umd/ams-checkout.min.js";
/// The client id the zero-configuration shop and its embedded simulator share.
pub const DEMO_CLIENT_ID: &str = "SANDBOX_ANTOM_CHECKOUT_DEMO";

/// `CAPTURE_MODE`: the domain's capture mode (who captures, recorded on every order).
pub use domain::CaptureMode;

/// `CHECKOUT_INTEGRATION` and `POST /sessions`' `integration`: how the buyer's browser (or app)
/// takes the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Integration {
    /// Antom's Payment Element (`AMSElement`), embedded in the checkout page: what Antom
    /// recommends (createPaymentSession with `productScene: ELEMENT_PAYMENT`).
    #[default]
    Element,
    /// The `AMSCashierPayment` SDK component (no `productScene`); Antom marks it deprecated.
    Sdk,
    /// Antom's hosted Checkout Page: the buyer is sent to `normalUrl`
    /// (`productScene: CHECKOUT_PAYMENT`).
    Hosted,
}

impl Integration {
    pub fn parse(value: &str) -> Option<Integration> {
        match value {
            "element" => Some(Integration::Element),
            "sdk" => Some(Integration::Sdk),
            "hosted" => Some(Integration::Hosted),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Integration::Element => "element",
            Integration::Sdk => "sdk",
            Integration::Hosted => "hosted",
        }
    }
}

/// Where live checkout pages load Antom's Web SDK from (`ANTOM_SDK_SOURCE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdkSource {
    /// Antom's CDN (`ANTOM_SDK_SCRIPT_URL`), with `ANTOM_SDK_INTEGRITY` when the merchant
    /// pinned a version and knows its hash (Antom documents none).
    Cdn { url: String, integrity: Option<String> },
    /// The npm package's file served from this server's own origin, checked at start against
    /// `integrity` and loaded by the pages with Subresource Integrity.
    SelfHosted { file: PathBuf, integrity: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// A 32-byte key for card tokens at rest and the buyer cookie HMAC. Kept in a
/// `secrecy::SecretBox` (zeroed when the last clone is dropped, never printed) and read only
/// through [`DataKey::expose`], by the key derivation in `services::card_crypto`.
#[derive(Clone)]
pub struct DataKey(Arc<SecretBox<[u8; 32]>>);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(redacted)")
    }
}

impl DataKey {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|e| invalid("DATA_ENCRYPTION_KEY", format!("not base64: {e}")))?;
        let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            invalid("DATA_ENCRYPTION_KEY", format!("must be 32 bytes, is {}", b.len()))
        })?;
        Ok(DataKey::from_bytes(key))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        DataKey(Arc::new(SecretBox::new(Box::new(bytes))))
    }

    /// The key material: for deriving subkeys only.
    pub fn expose(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }
}

/// How the server reaches Antom.
#[derive(Debug, Clone)]
pub enum AntomSettings {
    Live {
        gateway_url: String,
        client_id: String,
        merchant_key: PrivateKey,
        antom_public_key: PublicKey,
        key_version: u32,
        sdk: SdkSource,
    },
    /// The embedded simulator. Keys left unset are generated into the data directory.
    Simulator {
        bind_addr: SocketAddr,
        client_id: String,
        merchant_key: Option<PrivateKey>,
        antom_private_key: Option<PrivateKey>,
        key_version: u32,
        time_scale: f64,
        sdk_script_url: Option<String>,
    },
}

/// Settings of the standalone simulator (`antom-checkout simulator`).
#[derive(Debug, Clone)]
pub struct SimulatorSettings {
    pub bind_addr: SocketAddr,
    pub client_id: String,
    pub merchant_public_key: Option<PublicKey>,
    pub antom_private_key: Option<PrivateKey>,
    pub time_scale: f64,
    /// The embedded simulator may listen on a non-loopback address (`SIMULATOR_ALLOW_NETWORK`,
    /// for demo containers only).
    pub allow_network: bool,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind_addr: SocketAddr,
    /// `None`: derived from the bound address (so port 0 works in tests).
    pub public_base_url: Option<String>,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub antom: AntomSettings,
    pub simulator: SimulatorSettings,
    pub capture_mode: CaptureMode,
    pub reconcile_interval: Duration,
    pub data_encryption_key: Option<DataKey>,
    pub pci_direct_vaulting: bool,
    pub log_filter: String,
    pub log_format: LogFormat,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: export traces over OTLP/HTTP (protobuf) to
    /// `{endpoint}/v1/traces`; unset (the default) exports nothing.
    pub otel_exporter_otlp_endpoint: Option<String>,
    /// `OTEL_SERVICE_NAME` of exported traces (default `antom-checkout`).
    pub otel_service_name: String,
    /// How long `POST /sessions` keeps resending an unknown createPaymentSession before 504.
    pub session_retry_budget: Duration,
    /// Per-IP and per-buyer request limits (`RATE_LIMITS`, on by default).
    pub rate_limits: bool,
    /// `BENCH_FLOOR_ROUTE=on`: serve `POST /__bench/floor`, the bench's performance floor
    /// (`services::checkout::floor`). Off by default; not part of the product's API.
    pub bench_floor_route: bool,
    /// Proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long verified notifications are kept, raw (`INBOX_RETENTION_DAYS`, default 90).
    pub inbox_retention: Duration,
    /// `METRICS_BIND_ADDR`: serve `/metrics` on this listener only (not on the public one).
    pub metrics_bind_addr: Option<SocketAddr>,
    /// Lifetime of a payment session (`PAYMENT_SESSION_EXPIRY_SECS`, at most Antom's hour).
    pub payment_session_expiry: Duration,
    /// How long after a session's expiry Antom may still settle a payment
    /// (`ANTOM_CLOSE_WINDOW_SECS`): an order is expired locally only after it.
    pub antom_close_window: Duration,
    /// `ANTOM_SETTLEMENT_CURRENCY`, sent as `settlementStrategy.settlementCurrency`.
    pub settlement_currency: Option<String>,
    /// `APP_REDIRECT_URL`: the `paymentRedirectUrl` of `terminalType` APP (`{orderId}` replaced).
    pub app_redirect_url: Option<String>,
    /// `CHECKOUT_INTEGRATION`: the integration of `POST /sessions` that names none.
    pub checkout_integration: Integration,
}

impl Settings {
    /// Defaults, then `config/*.toml` (alphabetical), then the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        Self::load_from(Path::new("config"), std::env::vars().collect())
    }

    /// The same layering with an explicit directory and environment (tests use this).
    pub fn load_from(config_dir: &Path, env: HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder();
        if let Ok(entries) = std::fs::read_dir(config_dir) {
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            for file in files {
                builder = builder.add_source(config::File::from(file));
            }
        }
        let env: HashMap<String, String> = env
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        for (key, value) in env {
            builder = builder.set_override(key, value)?;
        }
        let raw: Raw = builder.build()?.try_deserialize()?;
        Self::validate(raw)
    }

    fn validate(raw: Raw) -> Result<Self, ConfigError> {
        let raw_credentials = LiveCredentials::of(&raw);
        // Read before the fields are taken apart; only live mode uses it.
        let live_sdk = sdk_source(&raw, raw.antom_sdk_script_url.clone());
        let self_hosted_sdk =
            raw.antom_sdk_source.as_deref().map(str::trim) == Some("self") || raw.antom_sdk_file.is_some();
        let bind_addr = socket("BIND_ADDR", raw.bind_addr.as_deref().unwrap_or("127.0.0.1:8080"))?;
        let public_base_url = match raw.public_base_url {
            Some(url) => Some(base_url("PUBLIC_BASE_URL", &url)?),
            None if bind_addr.port() != 0 => Some(format!("http://{bind_addr}")),
            None => None,
        };
        let data_dir = PathBuf::from(raw.data_dir.unwrap_or_else(|| "data".into()));
        let database_url = raw
            .database_url
            .unwrap_or_else(|| "sqlite://data/antom-checkout.sqlite?mode=rwc".into());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            return Err(invalid("DATABASE_URL", "must start with sqlite: or postgres://"));
        }
        let key_version = match raw.antom_key_version.as_deref() {
            None => 1,
            Some(v) => v
                .parse::<u32>()
                .map_err(|_| invalid("ANTOM_KEY_VERSION", "must be a positive integer"))?,
        };
        let simulator_bind = socket(
            "SIMULATOR_BIND_ADDR",
            raw.simulator_bind_addr.as_deref().unwrap_or("127.0.0.1:8090"),
        )?;
        let time_scale = match raw.simulator_time_scale.as_deref() {
            None => 1.0,
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .ok_or_else(|| invalid("SIMULATOR_TIME_SCALE", "must be a number greater than 0"))?,
        };
        let mode = match raw.antom_mode.as_deref() {
            Some("simulator") => "simulator",
            Some("live") => "live",
            Some(other) => {
                return Err(invalid(
                    "ANTOM_MODE",
                    format!("`{other}` is not simulator or live"),
                ))
            }
            None if raw.antom_client_id.is_some() => "live",
            None => "simulator",
        };
        let merchant_key = raw
            .antom_merchant_private_key
            .as_deref()
            .map(PrivateKey::parse)
            .transpose()
            .map_err(|e| invalid("ANTOM_MERCHANT_PRIVATE_KEY", e))?;
        let antom_public_key = raw
            .antom_public_key
            .as_deref()
            .map(PublicKey::parse)
            .transpose()
            .map_err(|e| invalid("ANTOM_PUBLIC_KEY", e))?;
        let simulator_antom_key = raw
            .simulator_antom_private_key
            .as_deref()
            .map(PrivateKey::parse)
            .transpose()
            .map_err(|e| invalid("SIMULATOR_ANTOM_PRIVATE_KEY", e))?;
        let simulator_merchant_public = raw
            .simulator_merchant_public_key
            .as_deref()
            .map(PublicKey::parse)
            .transpose()
            .map_err(|e| invalid("SIMULATOR_MERCHANT_PUBLIC_KEY", e))?;
        let sdk_script_url = raw.antom_sdk_script_url.clone();
        let data_encryption_key = raw
            .data_encryption_key
            .as_deref()
            .map(DataKey::parse)
            .transpose()?;

        if mode != "live" && self_hosted_sdk {
            return Err(invalid(
                "ANTOM_SDK_SOURCE",
                "self applies to live mode; simulator mode serves the simulator's stand-in SDK",
            ));
        }
        let antom = if mode == "live" {
            let when = "ANTOM_MODE is live";
            AntomSettings::Live {
                gateway_url: base_url(
                    "ANTOM_GATEWAY_URL",
                    raw.antom_gateway_url.as_deref().unwrap_or(DEFAULT_GATEWAY_URL),
                )?,
                client_id: raw.antom_client_id.clone().ok_or(ConfigError::Missing {
                    var: "ANTOM_CLIENT_ID",
                    when,
                })?,
                merchant_key: merchant_key.ok_or(ConfigError::Missing {
                    var: "ANTOM_MERCHANT_PRIVATE_KEY",
                    when,
                })?,
                antom_public_key: antom_public_key.ok_or(ConfigError::Missing {
                    var: "ANTOM_PUBLIC_KEY",
                    when,
                })?,
                key_version,
                sdk: live_sdk?,
            }
        } else {
            AntomSettings::Simulator {
                bind_addr: simulator_bind,
                client_id: raw
                    .antom_client_id
                    .clone()
                    .unwrap_or_else(|| DEMO_CLIENT_ID.into()),
                merchant_key,
                antom_private_key: simulator_antom_key.clone(),
                key_version,
                time_scale,
                sdk_script_url,
            }
        };
        if mode == "live" && data_encryption_key.is_none() {
            return Err(ConfigError::Missing {
                var: "DATA_ENCRYPTION_KEY",
                when: "ANTOM_MODE is live",
            });
        }
        let capture_mode = match raw.capture_mode.as_deref().unwrap_or("manual") {
            "manual" => CaptureMode::Manual,
            "automatic" => CaptureMode::Automatic,
            other => {
                return Err(invalid(
                    "CAPTURE_MODE",
                    format!("`{other}` is not manual or automatic"),
                ))
            }
        };
        let reconcile_interval = match raw.reconcile_interval_secs.as_deref() {
            None => Duration::from_secs(10),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    invalid(
                        "RECONCILE_INTERVAL_SECS",
                        "must be a number of seconds in (0, 86400]",
                    )
                })?,
        };
        let pci_direct_vaulting = boolean("PCI_DIRECT_VAULTING", raw.pci_direct_vaulting.as_deref())?;
        let log_format = match raw.log_format.as_deref().unwrap_or("pretty") {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            other => return Err(invalid("LOG_FORMAT", format!("`{other}` is not pretty or json"))),
        };
        let session_retry_budget = match raw.session_retry_budget_ms.as_deref() {
            None => Duration::from_secs(8),
            Some(v) => Duration::from_millis(
                v.parse::<u64>()
                    .map_err(|_| invalid("SESSION_RETRY_BUDGET_MS", "must be milliseconds"))?,
            ),
        };
        let rate_limits = match raw.rate_limits.as_deref().map(|v| v.trim().to_ascii_lowercase()) {
            None => true,
            Some(v) if v == "on" => true,
            Some(v) if v == "off" => false,
            Some(other) => return Err(invalid("RATE_LIMITS", format!("`{other}` is not on or off"))),
        };
        let bench_floor_route = match raw
            .bench_floor_route
            .as_deref()
            .map(|v| v.trim().to_ascii_lowercase())
        {
            None => false,
            Some(v) if v == "on" => true,
            Some(v) if v == "off" => false,
            Some(other) => {
                return Err(invalid(
                    "BENCH_FLOOR_ROUTE",
                    format!("`{other}` is not on or off"),
                ))
            }
        };
        let trusted_proxies = raw
            .trusted_proxies
            .as_deref()
            .map(parse_cidrs)
            .transpose()?
            .unwrap_or_default();
        let inbox_retention = match raw.inbox_retention_days.as_deref() {
            None => Duration::from_secs(90 * 86_400),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .map(|d| Duration::from_secs(u64::from(d) * 86_400))
                .ok_or_else(|| {
                    invalid(
                        "INBOX_RETENTION_DAYS",
                        "must be a whole number of days in [1, 3650]",
                    )
                })?,
        };
        let metrics_bind_addr = raw
            .metrics_bind_addr
            .as_deref()
            .map(|v| socket("METRICS_BIND_ADDR", v))
            .transpose()?;
        if mode == "simulator" {
            check_simulator_mode(&raw_credentials, &raw.allow_simulator_with_live_keys)?;
        }
        let simulator_allow_network =
            boolean("SIMULATOR_ALLOW_NETWORK", raw.simulator_allow_network.as_deref())?;
        let payment_session_expiry = seconds(
            "PAYMENT_SESSION_EXPIRY_SECS",
            raw.payment_session_expiry_secs.as_deref(),
            3600,
            1..=3600,
        )?;
        let antom_close_window = seconds(
            "ANTOM_CLOSE_WINDOW_SECS",
            raw.antom_close_window_secs.as_deref(),
            1200,
            0..=86_400,
        )?;
        let settlement_currency = raw
            .antom_settlement_currency
            .as_deref()
            .map(|c| {
                let c = c.trim().to_ascii_uppercase();
                domain::Currency::parse(&c).map(|_| c.clone()).map_err(|_| {
                    invalid(
                        "ANTOM_SETTLEMENT_CURRENCY",
                        format!("`{c}` is not a known currency"),
                    )
                })
            })
            .transpose()?;
        let checkout_integration = match raw.checkout_integration.as_deref().map(str::trim) {
            None => Integration::default(),
            Some(value) => Integration::parse(value).ok_or_else(|| {
                invalid(
                    "CHECKOUT_INTEGRATION",
                    format!("`{value}` is not element, sdk or hosted"),
                )
            })?,
        };
        let app_redirect_url = raw
            .app_redirect_url
            .as_deref()
            .map(|u| app_url("APP_REDIRECT_URL", u))
            .transpose()?;
        Ok(Settings {
            bind_addr,
            public_base_url,
            database_url,
            data_dir,
            antom,
            simulator: SimulatorSettings {
                bind_addr: simulator_bind,
                client_id: raw
                    .simulator_client_id
                    .or(raw.antom_client_id)
                    .unwrap_or_else(|| DEMO_CLIENT_ID.into()),
                merchant_public_key: simulator_merchant_public,
                antom_private_key: simulator_antom_key,
                time_scale,
                allow_network: simulator_allow_network,
            },
            capture_mode,
            reconcile_interval,
            data_encryption_key,
            pci_direct_vaulting,
            log_filter: raw.rust_log.unwrap_or_else(|| "info".into()),
            log_format,
            otel_exporter_otlp_endpoint: raw
                .otel_exporter_otlp_endpoint
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty()),
            otel_service_name: raw
                .otel_service_name
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "antom-checkout".into()),
            session_retry_budget,
            rate_limits,
            bench_floor_route,
            trusted_proxies,
            inbox_retention,
            metrics_bind_addr,
            payment_session_expiry,
            antom_close_window,
            settlement_currency,
            app_redirect_url,
            checkout_integration,
        })
    }

    pub fn is_simulator(&self) -> bool {
        matches!(self.antom, AntomSettings::Simulator { .. })
    }
}

/// Which of Antom's live settings are present: in simulator mode any of them means someone
/// filled in real credentials and would get fake authorizations instead of real ones.
#[derive(Debug, Default)]
struct LiveCredentials {
    present: Vec<&'static str>,
}

impl LiveCredentials {
    fn of(raw: &Raw) -> LiveCredentials {
        let mut present = Vec::new();
        if raw.antom_public_key.is_some() {
            present.push("ANTOM_PUBLIC_KEY");
        }
        if raw.antom_gateway_url.is_some() {
            present.push("ANTOM_GATEWAY_URL");
        }
        if raw
            .antom_client_id
            .as_deref()
            .is_some_and(|id| !id.starts_with("SANDBOX_"))
        {
            present.push("ANTOM_CLIENT_ID (not a SANDBOX_ id)");
        }
        LiveCredentials { present }
    }
}

/// Simulator mode with live credentials refuses to start, unless explicitly allowed.
fn check_simulator_mode(credentials: &LiveCredentials, allow: &Option<String>) -> Result<(), ConfigError> {
    if credentials.present.is_empty() || boolean("ALLOW_SIMULATOR_WITH_LIVE_KEYS", allow.as_deref())? {
        return Ok(());
    }
    Err(invalid(
        "ANTOM_MODE",
        format!(
            "is simulator, but live Antom settings are set ({}): payments would be faked by the \
             embedded simulator. Remove ANTOM_MODE (or set it to live), or set \
             ALLOW_SIMULATOR_WITH_LIVE_KEYS=true if this is really meant",
            credentials.present.join(", ")
        ),
    ))
}

/// `TRUSTED_PROXIES`: comma-separated CIDRs (or single addresses).
fn parse_cidrs(value: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| invalid("TRUSTED_PROXIES", format!("`{s}` is not a CIDR like 10.0.0.0/8")))
        })
        .collect()
}

/// A whole number of seconds in `range`, `default` when unset.
fn seconds(
    var: &'static str,
    value: Option<&str>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Duration, ConfigError> {
    let Some(value) = value else {
        return Ok(Duration::from_secs(default));
    };
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|s| range.contains(s))
        .map(Duration::from_secs)
        .ok_or_else(|| {
            invalid(
                var,
                format!(
                    "must be a whole number of seconds in [{}, {}]",
                    range.start(),
                    range.end()
                ),
            )
        })
}

/// `APP_REDIRECT_URL`: a custom scheme (`myshop://…`) or an https app link, no fragment.
fn app_url(var: &'static str, value: &str) -> Result<String, ConfigError> {
    let url = url::Url::parse(value.trim()).map_err(|e| invalid(var, e))?;
    if url.scheme() == "http" || url.fragment().is_some() || url.as_str().len() > 2048 {
        return Err(invalid(
            var,
            "must be a custom scheme (myshop://…) or an https app link, without a fragment",
        ));
    }
    Ok(value.trim().to_owned())
}

fn socket(var: &'static str, value: &str) -> Result<SocketAddr, ConfigError> {
    value
        .trim()
        .parse()
        .map_err(|_| invalid(var, format!("`{value}` is not an address like 127.0.0.1:8080")))
}

fn base_url(var: &'static str, value: &str) -> Result<String, ConfigError> {
    let url = url::Url::parse(value.trim()).map_err(|e| invalid(var, e))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(var, "must be an http(s) URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(var, "must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// `ANTOM_SDK_SOURCE` (`cdn` or `self`) with its URL, file and integrity (live mode).
fn sdk_source(raw: &Raw, script_url: Option<String>) -> Result<SdkSource, ConfigError> {
    let integrity = raw
        .antom_sdk_integrity
        .as_deref()
        .map(|v| sri("ANTOM_SDK_INTEGRITY", v))
        .transpose()?;
    match raw.antom_sdk_source.as_deref().map(str::trim).unwrap_or("cdn") {
        "cdn" => Ok(SdkSource::Cdn {
            url: match script_url {
                Some(url) => base_url("ANTOM_SDK_SCRIPT_URL", &url)?,
                None => DEFAULT_SDK_SCRIPT_URL.into(),
            },
            integrity,
        }),
        "self" => {
            if script_url.is_some() {
                return Err(invalid(
                    "ANTOM_SDK_SCRIPT_URL",
                    "is for ANTOM_SDK_SOURCE=cdn; a self-hosted SDK is served by this server",
                ));
            }
            Ok(SdkSource::SelfHosted {
                file: PathBuf::from(raw.antom_sdk_file.as_deref().unwrap_or(DEFAULT_SDK_FILE)),
                integrity: integrity.unwrap_or_else(|| PINNED_SDK_INTEGRITY.into()),
            })
        }
        other => Err(invalid(
            "ANTOM_SDK_SOURCE",
            format!("`{other}` is not cdn or self"),
        )),
    }
}

/// A Subresource Integrity value: `sha256-`, `sha384-` or `sha512-` and base64 of that digest.
fn sri(var: &'static str, value: &str) -> Result<String, ConfigError> {
    let value = value.trim();
    let (algorithm, digest) = value
        .split_once('-')
        .ok_or_else(|| invalid(var, "must look like sha384-<base64>"))?;
    let length = match algorithm {
        "sha256" => 32,
        "sha384" => 48,
        "sha512" => 64,
        _ => return Err(invalid(var, "the algorithm must be sha256, sha384 or sha512")),
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(digest)
        .map_err(|_| invalid(var, "the digest is not base64"))?;
    if bytes.len() != length {
        return Err(invalid(var, format!("a {algorithm} digest has {length} bytes")));
    }
    Ok(value.to_owned())
}

fn boolean(var: &'static str, value: Option<&str>) -> Result<bool, ConfigError> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("false") | Some("0") | Some("no") => Ok(false),
        Some("true") | Some("1") | Some("yes") => Ok(true),
        Some(other) => Err(invalid(var, format!("`{other}` is not true or false"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let env = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::load_from(Path::new("/nonexistent"), env)
    }

    #[test]
    fn zero_configuration_is_the_simulator_shop() {
        let s = load(&[]).unwrap();
        assert!(s.is_simulator());
        assert_eq!(s.bind_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.public_base_url.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(s.database_url, "sqlite://data/antom-checkout.sqlite?mode=rwc");
        assert_eq!(s.capture_mode, CaptureMode::Manual);
        assert_eq!(s.reconcile_interval, Duration::from_secs(10));
        assert!(!s.pci_direct_vaulting);
    }

    #[test]
    fn errors_name_the_variable() {
        for (var, value) in [
            ("BIND_ADDR", "nope"),
            ("PUBLIC_BASE_URL", "ftp://x"),
            ("DATABASE_URL", "mysql://x"),
            ("ANTOM_MODE", "prod"),
            ("CAPTURE_MODE", "sometimes"),
            ("RECONCILE_INTERVAL_SECS", "-1"),
            ("DATA_ENCRYPTION_KEY", "c2hvcnQ="),
            ("PCI_DIRECT_VAULTING", "maybe"),
            ("LOG_FORMAT", "xml"),
            ("SIMULATOR_TIME_SCALE", "0"),
            ("ANTOM_MERCHANT_PRIVATE_KEY", "not a key"),
            ("ANTOM_PUBLIC_KEY", "not a key"),
        ] {
            let err = load(&[(var, value)]).unwrap_err().to_string();
            assert!(err.starts_with(var), "{var}: {err}");
            assert!(!err.contains("not a key"), "errors do not echo key input: {err}");
        }
    }

    /// `.env.example` as a merchant would use it: copied, with live credentials filled in.
    fn env_example_with(extra: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example");
        let text = std::fs::read_to_string(path).unwrap();
        let mut env: HashMap<String, String> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let (private, public) = PrivateKey::generate_base64().unwrap();
        for (k, v) in [
            ("ANTOM_CLIENT_ID", "2188120000000001"),
            ("ANTOM_MERCHANT_PRIVATE_KEY", private.as_str()),
            ("ANTOM_PUBLIC_KEY", public.as_str()),
            (
                "DATA_ENCRYPTION_KEY",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            ),
        ] {
            env.insert(k.into(), v.into());
        }
        for (k, v) in extra {
            env.insert((*k).into(), (*v).into());
        }
        Settings::load_from(Path::new("/nonexistent"), env)
    }

    #[test]
    fn env_example_with_live_credentials_is_live() {
        let settings = env_example_with(&[]).unwrap();
        assert!(
            !settings.is_simulator(),
            "the copied .env.example started the simulator"
        );
        // Someone who also says simulator is stopped, unless they insist.
        let err = env_example_with(&[("ANTOM_MODE", "simulator")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("ANTOM_MODE"), "{err}");
        assert!(err.contains("ALLOW_SIMULATOR_WITH_LIVE_KEYS"), "{err}");
        assert!(err.contains("ANTOM_PUBLIC_KEY"), "{err}");
        let insisted = env_example_with(&[
            ("ANTOM_MODE", "simulator"),
            ("ALLOW_SIMULATOR_WITH_LIVE_KEYS", "true"),
        ])
        .unwrap();
        assert!(insisted.is_simulator());
    }

    #[test]
    fn hardening_settings_parse_and_name_their_variable() {
        let s = load(&[
            ("RATE_LIMITS", "off"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1"),
            ("INBOX_RETENTION_DAYS", "30"),
            ("METRICS_BIND_ADDR", "127.0.0.1:9100"),
        ])
        .unwrap();
        assert!(!s.rate_limits);
        assert_eq!(s.trusted_proxies.len(), 2);
        assert_eq!(s.inbox_retention, Duration::from_secs(30 * 86_400));
        assert_eq!(s.metrics_bind_addr.unwrap().port(), 9100);
        let defaults = load(&[]).unwrap();
        assert!(defaults.rate_limits && defaults.trusted_proxies.is_empty());
        assert!(
            !defaults.bench_floor_route,
            "the bench's floor route is off unless asked for"
        );
        assert!(load(&[("BENCH_FLOOR_ROUTE", "on")]).unwrap().bench_floor_route);
        assert_eq!(defaults.inbox_retention, Duration::from_secs(90 * 86_400));
        for (var, value) in [
            ("RATE_LIMITS", "maybe"),
            ("BENCH_FLOOR_ROUTE", "yes"),
            ("TRUSTED_PROXIES", "10.0.0.0/99"),
            ("INBOX_RETENTION_DAYS", "0"),
            ("METRICS_BIND_ADDR", "localhost"),
            ("SIMULATOR_ALLOW_NETWORK", "perhaps"),
        ] {
            let err = load(&[(var, value)]).unwrap_err().to_string();
            assert!(err.starts_with(var), "{var}: {err}");
        }
    }

    #[test]
    fn integrations_and_sdk_sources_parse_and_name_their_variable() {
        assert_eq!(load(&[]).unwrap().checkout_integration, Integration::Element);
        for (value, want) in [
            ("element", Integration::Element),
            ("sdk", Integration::Sdk),
            ("hosted", Integration::Hosted),
        ] {
            let s = load(&[("CHECKOUT_INTEGRATION", value)]).unwrap();
            assert_eq!(s.checkout_integration, want);
            assert_eq!(want.as_str(), value);
        }
        let err = load(&[("CHECKOUT_INTEGRATION", "popup")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("CHECKOUT_INTEGRATION"), "{err}");

        let sdk = |extra: &[(&str, &str)]| match env_example_with(extra).map(|s| s.antom) {
            Ok(AntomSettings::Live { sdk, .. }) => Ok(sdk),
            Ok(AntomSettings::Simulator { .. }) => panic!("live credentials gave simulator mode"),
            Err(e) => Err(e.to_string()),
        };
        assert_eq!(
            sdk(&[]).unwrap(),
            SdkSource::Cdn {
                url: DEFAULT_SDK_SCRIPT_URL.into(),
                integrity: None
            }
        );
        assert_eq!(
            sdk(&[("ANTOM_SDK_SOURCE", "self")]).unwrap(),
            SdkSource::SelfHosted {
                file: DEFAULT_SDK_FILE.into(),
                integrity: PINNED_SDK_INTEGRITY.into()
            }
        );
        let sha256 = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        assert_eq!(
            sdk(&[
                ("ANTOM_SDK_SOURCE", "self"),
                ("ANTOM_SDK_FILE", "/srv/sdk.js"),
                ("ANTOM_SDK_INTEGRITY", sha256)
            ])
            .unwrap(),
            SdkSource::SelfHosted {
                file: "/srv/sdk.js".into(),
                integrity: sha256.into()
            }
        );
        for (extra, var) in [
            (&[("ANTOM_SDK_SOURCE", "ftp")][..], "ANTOM_SDK_SOURCE"),
            (&[("ANTOM_SDK_INTEGRITY", "md5-abc")][..], "ANTOM_SDK_INTEGRITY"),
            (
                &[("ANTOM_SDK_INTEGRITY", "sha384-c2hvcnQ=")][..],
                "ANTOM_SDK_INTEGRITY",
            ),
            (
                &[
                    ("ANTOM_SDK_SOURCE", "self"),
                    ("ANTOM_SDK_SCRIPT_URL", "https://x.example/a.js"),
                ][..],
                "ANTOM_SDK_SCRIPT_URL",
            ),
        ] {
            let err = sdk(extra).unwrap_err();
            assert!(err.starts_with(var), "{var}: {err}");
        }
        // Self-hosting is a live-mode setting: the simulator serves its stand-in.
        let err = load(&[("ANTOM_SDK_SOURCE", "self")]).unwrap_err().to_string();
        assert!(err.starts_with("ANTOM_SDK_SOURCE"), "{err}");
        assert!(load(&[("ANTOM_SDK_SOURCE", "cdn")]).unwrap().is_simulator());
    }

    #[test]
    fn live_mode_requires_credentials() {
        let err = load(&[("ANTOM_CLIENT_ID", "5YEZ")]).unwrap_err().to_string();
        assert!(err.contains("ANTOM_MERCHANT_PRIVATE_KEY"), "{err}");
        let err = load(&[("ANTOM_MODE", "live")]).unwrap_err().to_string();
        assert!(err.contains("ANTOM_CLIENT_ID"), "{err}");
    }
}
