//! The simulator's configuration: one typed struct, read from the environment once, with
//! errors that name the variable.

use std::net::SocketAddr;

use antom_client::{PrivateKey, PublicKey};

/// Everything the simulator needs. Keys are parsed before they get here.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free port (see `Simulator::addr`).
    pub bind_addr: SocketAddr,
    /// The merchant's client id: requests with another `client-id` are refused.
    pub client_id: String,
    /// Verifies the merchant's request signatures.
    pub merchant_public_key: PublicKey,
    /// Signs responses and notifications ("Antom's" key).
    pub antom_private_key: PrivateKey,
    /// Multiplies every simulated delay (order close, processing, notification retries).
    pub time_scale: f64,
    /// How browsers reach the simulator, if not `http://{bind_addr}` (e.g. behind a proxy).
    pub public_base_url: Option<String>,
}

/// A configuration problem, naming the variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var} is not set")]
    Missing { var: &'static str },
    #[error("{var} is invalid: {reason}")]
    Invalid { var: &'static str, reason: String },
}

pub const BIND_ADDR: &str = "SIMULATOR_BIND_ADDR";
pub const CLIENT_ID: &str = "SIMULATOR_CLIENT_ID";
pub const MERCHANT_PUBLIC_KEY: &str = "SIMULATOR_MERCHANT_PUBLIC_KEY";
pub const ANTOM_PRIVATE_KEY: &str = "SIMULATOR_ANTOM_PRIVATE_KEY";
pub const TIME_SCALE: &str = "SIMULATOR_TIME_SCALE";
pub const PUBLIC_BASE_URL: &str = "SIMULATOR_PUBLIC_BASE_URL";

/// The contract's default listen address.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8090";

/// Scales above this would push Antom's 15-hour retry gap past any test's patience and are
/// almost certainly a typo.
const MAX_TIME_SCALE: f64 = 1000.0;

impl SimConfig {
    /// Defaults: `127.0.0.1:8090`, time scale 1, base URL from the bound address.
    pub fn new(
        client_id: impl Into<String>,
        merchant_public_key: PublicKey,
        antom_private_key: PrivateKey,
    ) -> Self {
        SimConfig {
            bind_addr: DEFAULT_BIND_ADDR.parse().expect("the default address parses"),
            client_id: client_id.into(),
            merchant_public_key,
            antom_private_key,
            time_scale: 1.0,
            public_base_url: None,
        }
    }

    /// Reads `SIMULATOR_BIND_ADDR` (default 127.0.0.1:8090), `SIMULATOR_CLIENT_ID`,
    /// `SIMULATOR_MERCHANT_PUBLIC_KEY`, `SIMULATOR_ANTOM_PRIVATE_KEY`, `SIMULATOR_TIME_SCALE`
    /// (default 1.0) and `SIMULATOR_PUBLIC_BASE_URL` (optional).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// As [`SimConfig::from_env`], from any variable lookup (tests, config layers).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |var: &'static str| lookup(var).filter(|v| !v.trim().is_empty());
        let require = |var: &'static str| get(var).ok_or(ConfigError::Missing { var });
        let invalid = |var: &'static str, reason: String| ConfigError::Invalid { var, reason };

        let bind_addr = get(BIND_ADDR)
            .unwrap_or_else(|| DEFAULT_BIND_ADDR.to_owned())
            .trim()
            .parse()
            .map_err(|e| invalid(BIND_ADDR, format!("expected host:port ({e})")))?;
        let client_id = require(CLIENT_ID)?.trim().to_owned();
        let merchant_public_key = PublicKey::parse(&require(MERCHANT_PUBLIC_KEY)?)
            .map_err(|e| invalid(MERCHANT_PUBLIC_KEY, e.to_string()))?;
        let antom_private_key = PrivateKey::parse(&require(ANTOM_PRIVATE_KEY)?)
            .map_err(|e| invalid(ANTOM_PRIVATE_KEY, e.to_string()))?;
        let time_scale = match get(TIME_SCALE) {
            None => 1.0,
            Some(text) => text
                .trim()
                .parse::<f64>()
                .map_err(|e| invalid(TIME_SCALE, format!("expected a number ({e})")))?,
        };
        let config = SimConfig {
            bind_addr,
            client_id,
            merchant_public_key,
            antom_private_key,
            time_scale,
            public_base_url: get(PUBLIC_BASE_URL).map(|u| u.trim().to_owned()),
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks what parsing cannot: a positive time scale, an http(s) base URL.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(self.time_scale.is_finite() && self.time_scale > 0.0 && self.time_scale <= MAX_TIME_SCALE) {
            return Err(ConfigError::Invalid {
                var: TIME_SCALE,
                reason: format!("must be greater than 0 and at most {MAX_TIME_SCALE}"),
            });
        }
        if self.client_id.is_empty() {
            return Err(ConfigError::Missing { var: CLIENT_ID });
        }
        if let Some(url) = &self.public_base_url {
            let ok = reqwest::Url::parse(url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.query().is_none());
            if !ok {
                return Err(ConfigError::Invalid {
                    var: PUBLIC_BASE_URL,
                    reason: "must be an http(s) URL without query".into(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn keys() -> (String, String) {
        PrivateKey::generate_base64().unwrap()
    }

    #[test]
    fn reads_the_environment_and_names_what_is_wrong() {
        let (private, public) = keys();
        let mut env: HashMap<&str, String> = HashMap::from([
            (CLIENT_ID, "SANDBOX_TEST".to_owned()),
            (MERCHANT_PUBLIC_KEY, public.clone()),
            (ANTOM_PRIVATE_KEY, private.clone()),
        ]);
        let read = |env: &HashMap<&str, String>| SimConfig::from_lookup(|k| env.get(k).cloned());
        let config = read(&env).unwrap();
        assert_eq!(config.bind_addr.to_string(), DEFAULT_BIND_ADDR);
        assert_eq!(config.time_scale, 1.0);

        env.insert(TIME_SCALE, "0".into());
        let err = read(&env).unwrap_err().to_string();
        assert!(err.contains(TIME_SCALE), "{err}");
        env.insert(TIME_SCALE, "0.01".into());
        assert_eq!(read(&env).unwrap().time_scale, 0.01);

        env.insert(BIND_ADDR, "nonsense".into());
        assert!(read(&env).unwrap_err().to_string().contains(BIND_ADDR));
        env.remove(BIND_ADDR);

        env.insert(MERCHANT_PUBLIC_KEY, private.clone());
        assert!(read(&env).unwrap_err().to_string().contains(MERCHANT_PUBLIC_KEY));
        env.remove(MERCHANT_PUBLIC_KEY);
        assert!(matches!(
            read(&env),
            Err(ConfigError::Missing {
                var: MERCHANT_PUBLIC_KEY
            })
        ));
    }
}
