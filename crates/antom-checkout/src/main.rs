//! The `antom-checkout` binary: thin CLI over the library.

use std::process::ExitCode;

use antom_checkout::config::{LogFormat, Settings};
use antom_checkout::persistence::{NewAdminToken, Store};
use antom_checkout::startup::Application;
use antom_checkout::{keys_store, telemetry, tokens};
use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "antom-checkout",
    version,
    about = "Merchant checkout backend for Antom card payments"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations and serve (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Run the Antom simulator alone.
    Simulator,
    /// Development keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Print the OpenAPI 3.1 document (`docs/openapi.json` is this output).
    Openapi,
    /// Admin bearer tokens.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Print a fresh RSA-2048 key pair (PKCS#8 private, SPKI public, base64).
    Generate,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Print a new admin token once; only its hash is stored.
    CreateToken {
        /// Who the token is for (at most 64 characters): the actor in order timelines.
        #[arg(long, value_parser = token_name)]
        name: String,
        #[arg(long, value_parser = ["viewer", "operator"])]
        role: String,
        /// The token stops working after this long: e.g. `90d`, `12h`, `30m`.
        #[arg(long, value_parser = duration)]
        expires_in: Option<chrono::Duration>,
    },
    /// List tokens (never their secrets).
    ListTokens,
    /// Revoke a token by name or id.
    RevokeToken { name_or_id: String },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Openapi) = &cli.command {
        print!("{}", antom_checkout::api_doc::openapi_json());
        return Ok(());
    }
    if let Some(Command::Keys {
        command: KeysCommand::Generate,
    }) = &cli.command
    {
        let (private, public) = antom_client::PrivateKey::generate_base64()?;
        println!("# RSA-2048 development key pair (base64 DER)");
        println!("PRIVATE_KEY_PKCS8={private}");
        println!("PUBLIC_KEY_SPKI={public}");
        return Ok(());
    }
    let settings = Settings::load().context("invalid configuration")?;
    // Held to the end of `run`: buffered spans are exported when it drops.
    let _telemetry = telemetry::init(
        &settings.log_filter,
        settings.log_format,
        settings.otel_exporter_otlp_endpoint.as_deref(),
        &settings.otel_service_name,
    )?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            let store = Store::connect(&settings.database_url).await?;
            store.migrate().await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Simulator => Ok(antom_checkout::simulator_cli::run(&settings).await?),
        Command::Admin { command } => admin(settings, command).await,
        Command::Keys { .. } | Command::Openapi => unreachable!("handled above"),
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let simulator = settings.is_simulator();
    let json_logs = settings.log_format == LogFormat::Json;
    let app = Application::build(settings).await.context("could not start")?;
    let shop = app.state().public_base_url.to_string();
    if simulator {
        let state = app.state();
        let token = keys_store::demo_operator_token(&state.store, &state.settings.data_dir)
            .await
            .context("could not create the demo operator token")?;
        let sim = app.simulator_url().unwrap_or_default();
        if json_logs {
            tracing::info!(
                shop,
                admin = format!("{shop}/admin"),
                simulator = sim,
                "antom-checkout is running (simulator mode)"
            );
        }
        println!();
        println!("  antom-checkout is running in simulator mode (no real money moves)");
        println!("  Shop:            {shop}/");
        println!("  Admin console:   {shop}/admin");
        println!("  Operator token:  {token}");
        println!("  Antom simulator: {sim}");
        println!("  Test card:       4111 1111 1111 1111, any future expiry, any CVV");
        println!();
    } else {
        tracing::info!(shop, "antom-checkout is running (live mode)");
    }
    app.run_until_stopped().await?;
    Ok(())
}

async fn admin(settings: Settings, command: AdminCommand) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    match command {
        AdminCommand::CreateToken {
            name,
            role,
            expires_in,
        } => {
            let token = tokens::new_token();
            let mut new = NewAdminToken::new(&name, &role, &tokens::hash_token(&token));
            if let Some(expires_in) = expires_in {
                new = new.expiring_at(chrono::Utc::now() + expires_in);
            }
            let expires = new.expires_at;
            store.insert_admin_token(new).await?;
            println!("{token}");
            let until = expires.map_or_else(
                || "does not expire".to_owned(),
                |at| format!("expires {}", at.to_rfc3339()),
            );
            eprintln!("Token for `{name}` ({role}, {until}). It is shown once; only its hash is stored.");
        }
        AdminCommand::ListTokens => {
            let now = chrono::Utc::now();
            for t in store.list_admin_tokens().await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if !t.is_active(now) {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{state}",
                    t.id,
                    t.name,
                    t.role,
                    t.created_at.to_rfc3339()
                );
            }
        }
        AdminCommand::RevokeToken { name_or_id } => {
            if store.revoke_admin_token(&name_or_id, chrono::Utc::now()).await? {
                println!("revoked");
            } else {
                anyhow::bail!("no active token named or with id `{name_or_id}`");
            }
        }
    }
    Ok(())
}

/// `--name`: 1 to 64 visible characters.
fn token_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err("a name is 1 to 64 characters, without control characters".into());
    }
    Ok(name.to_owned())
}

/// `--expires-in`: a positive whole number of days (`d`), hours (`h`), minutes (`m`) or seconds (`s`).
fn duration(raw: &str) -> Result<chrono::Duration, String> {
    let raw = raw.trim();
    let split = raw.len().saturating_sub(1);
    let (number, unit) = raw.split_at(split);
    let n: i64 = number
        .parse()
        .ok()
        .filter(|n| *n > 0 && *n <= 100_000)
        .ok_or_else(|| format!("`{raw}` is not a duration like 90d, 12h, 30m"))?;
    match unit {
        "d" => Ok(chrono::Duration::days(n)),
        "h" => Ok(chrono::Duration::hours(n)),
        "m" => Ok(chrono::Duration::minutes(n)),
        "s" => Ok(chrono::Duration::seconds(n)),
        _ => Err(format!("`{raw}` is not a duration like 90d, 12h, 30m")),
    }
}
