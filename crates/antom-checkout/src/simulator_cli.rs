//! `antom-checkout simulator`: the Antom simulator alone, configured from the contract's
//! `SIMULATOR_*` variables (keys generated into the data directory when unset).

use anyhow::Context;

use crate::config::Settings;
use crate::keys_store;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let sim = &settings.simulator;
    let dev = if sim.merchant_public_key.is_none() || sim.antom_private_key.is_none() {
        Some(keys_store::load_or_generate(&settings.data_dir)?)
    } else {
        None
    };
    let merchant_public_key = sim
        .merchant_public_key
        .clone()
        .or_else(|| dev.as_ref().map(|d| d.merchant.public_key()))
        .context("SIMULATOR_MERCHANT_PUBLIC_KEY")?;
    let antom_private_key = sim
        .antom_private_key
        .clone()
        .or_else(|| dev.as_ref().map(|d| d.antom.clone()))
        .context("SIMULATOR_ANTOM_PRIVATE_KEY")?;
    let simulator = antom_sim::start(antom_sim::SimConfig {
        bind_addr: sim.bind_addr,
        client_id: sim.client_id.clone(),
        merchant_public_key,
        antom_private_key: antom_private_key.clone(),
        time_scale: sim.time_scale,
        public_base_url: None,
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
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
