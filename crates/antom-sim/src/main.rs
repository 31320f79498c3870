//! `antom-sim`: the Antom simulator alone, configured from the environment (see the library
//! docs). Stops on Ctrl-C.

use antom_sim::SimConfig;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let config = SimConfig::from_env()?;
    let simulator = antom_sim::start(config).await?;
    println!("Antom simulator listening on {}", simulator.base_url());
    println!("  API:      {}/ams/sandbox/api/v1/...", simulator.base_url());
    println!("  SDK:      {}/sdk/ams-checkout.js", simulator.base_url());
    println!(
        "  Control:  {}/__sim/requests, /__sim/notifications, /__sim/faults",
        simulator.base_url()
    );
    tokio::signal::ctrl_c().await?;
    simulator.stop().await;
    Ok(())
}
