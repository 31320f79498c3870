//! `antom-checkout simulator`: the Antom simulator alone, configured from the contract's
//! `SIMULATOR_*` variables (keys generated into the data directory when unset).

use crate::config::Settings;
use crate::embedded_simulator::{EmbeddedSimulator, SimulatorError, SimulatorStart};
use crate::keys_store::{self, KeysStoreError};

/// Why the standalone simulator could not run.
#[derive(Debug, thiserror::Error)]
pub enum SimulatorCliError {
    #[error("keys")]
    Keys(#[from] KeysStoreError),
    #[error("simulator")]
    Simulator(#[from] SimulatorError),
    #[error("could not wait for Ctrl-C")]
    Signal(#[from] std::io::Error),
}

pub async fn run(settings: &Settings) -> Result<(), SimulatorCliError> {
    if !EmbeddedSimulator::BUILT_IN {
        return Err(SimulatorError::NotBuiltIn.into());
    }
    let sim = &settings.simulator;
    // Both keys come from the settings, else from the data directory's development keys.
    let dev = match (&sim.merchant_public_key, &sim.antom_private_key) {
        (Some(_), Some(_)) => None,
        _ => Some(keys_store::load_or_generate(&settings.data_dir)?),
    };
    let merchant_public_key = match (&sim.merchant_public_key, &dev) {
        (Some(key), _) => key.clone(),
        (None, Some(dev)) => dev.merchant.public_key(),
        (None, None) => unreachable!("development keys are loaded when a key is missing"),
    };
    let antom_private_key = match (&sim.antom_private_key, &dev) {
        (Some(key), _) => key.clone(),
        (None, Some(dev)) => dev.antom.clone(),
        (None, None) => unreachable!("development keys are loaded when a key is missing"),
    };
    let simulator = EmbeddedSimulator::start(SimulatorStart {
        bind_addr: sim.bind_addr,
        client_id: sim.client_id.clone(),
        merchant_public_key,
        antom_private_key: antom_private_key.clone(),
        time_scale: sim.time_scale,
    })
    .await?;
    println!("Antom simulator listening on {}", simulator.base_url());
    println!("client id: {}", sim.client_id);
    println!(
        "ANTOM_PUBLIC_KEY={}",
        antom_private_key.public_key().to_spki_base64()
    );
    tokio::signal::ctrl_c().await?;
    simulator.stop().await;
    Ok(())
}
