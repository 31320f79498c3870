//! The Antom simulator embedded in this binary (`ANTOM_MODE=simulator`, the `simulator`
//! subcommand), behind the default-on cargo feature `simulator`. A live build
//! (`cargo build --no-default-features`) leaves the simulator crate out entirely; asking it for
//! simulator mode is then a startup error that says so, never a silent fallback.

use std::net::SocketAddr;

use antom_client::{PrivateKey, PublicKey};

/// What the embedded simulator needs to start.
#[derive(Debug)]
pub struct SimulatorStart {
    pub bind_addr: SocketAddr,
    pub client_id: String,
    pub merchant_public_key: PublicKey,
    pub antom_private_key: PrivateKey,
    pub time_scale: f64,
}

/// Why the embedded simulator did not start.
#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
    #[error(
        "this binary was built without the embedded Antom simulator (cargo feature `simulator`); \
         set ANTOM_MODE=live with live credentials, or build with default features"
    )]
    NotBuiltIn,
    #[error("{0}")]
    Start(String),
}

/// A running embedded simulator.
#[derive(Debug)]
pub struct EmbeddedSimulator {
    #[cfg(feature = "simulator")]
    inner: antom_sim::Simulator,
    #[cfg(not(feature = "simulator"))]
    never: std::convert::Infallible,
}

impl EmbeddedSimulator {
    /// Whether this build carries the simulator.
    pub const BUILT_IN: bool = cfg!(feature = "simulator");

    #[cfg(feature = "simulator")]
    pub async fn start(config: SimulatorStart) -> Result<EmbeddedSimulator, SimulatorError> {
        let inner = antom_sim::start(antom_sim::SimConfig {
            bind_addr: config.bind_addr,
            client_id: config.client_id,
            merchant_public_key: config.merchant_public_key,
            antom_private_key: config.antom_private_key,
            time_scale: config.time_scale,
            public_base_url: None,
        })
        .await
        .map_err(|e| SimulatorError::Start(e.to_string()))?;
        Ok(EmbeddedSimulator { inner })
    }

    #[cfg(not(feature = "simulator"))]
    pub async fn start(config: SimulatorStart) -> Result<EmbeddedSimulator, SimulatorError> {
        let _ = config;
        Err(SimulatorError::NotBuiltIn)
    }

    pub fn base_url(&self) -> &str {
        #[cfg(feature = "simulator")]
        return self.inner.base_url();
        #[cfg(not(feature = "simulator"))]
        match self.never {}
    }

    pub async fn stop(self) {
        #[cfg(feature = "simulator")]
        self.inner.stop().await;
        #[cfg(not(feature = "simulator"))]
        match self.never {}
    }
}
