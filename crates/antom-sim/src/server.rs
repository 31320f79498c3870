//! Starting and stopping the simulator inside the caller's tokio runtime.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::{web, App, HttpServer};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::SimClock;
use crate::config::{ConfigError, SimConfig};
use crate::sim::Sim;
use crate::{api, browser, control};

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("could not start the HTTP server: {0}")]
    Server(#[source] io::Error),
    #[error("could not build the notification HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// A running simulator. Dropping it stops it too (without waiting).
pub struct Simulator {
    addr: SocketAddr,
    base_url: String,
    handle: ServerHandle,
    shutdown: watch::Sender<bool>,
    server: Option<JoinHandle<io::Result<()>>>,
    scheduler: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("addr", &self.addr)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// The address actually bound (the real port when configured with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port` (or the configured public base URL), without a trailing slash: the
    /// Antom gateway URL for clients, and the origin of the SDK script and hosted pages.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Stops accepting requests, drops open ones (including answers held by the timeout
    /// fault) and stops the scheduler.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        self.handle.stop(false).await;
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(scheduler) = self.scheduler.take() {
            let _ = scheduler.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        // The stop command is sent when `stop` is called; its future only reports completion.
        drop(self.handle.stop(false));
    }
}

/// Binds, starts the HTTP server (actix-web, two workers) and the scheduler in the current
/// tokio runtime, and returns at once.
pub async fn start(config: SimConfig) -> Result<Simulator, SimError> {
    config.validate()?;
    let listener = TcpListener::bind(config.bind_addr).map_err(|source| SimError::Bind {
        addr: config.bind_addr,
        source,
    })?;
    let addr = listener.local_addr().map_err(SimError::Server)?;
    let base_url = match &config.public_base_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!("http://{}", reachable(addr)),
    };
    let sim = Arc::new(Sim::new(
        config.client_id,
        config.merchant_public_key,
        config.antom_private_key,
        base_url.clone(),
        SimClock::new(config.time_scale),
    )?);

    let (shutdown, shutdown_rx) = watch::channel(false);
    let scheduler = tokio::spawn(Arc::clone(&sim).run_scheduler(shutdown_rx));

    let data = web::Data::from(sim);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(1 << 20))
            // The hosted pages' plain form posts (a card, a 3-D Secure answer).
            .app_data(
                web::FormConfig::default()
                    .limit(16 * 1024)
                    .error_handler(|err, _| {
                        let response =
                            control::error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", &err.to_string());
                        InternalError::from_response(err, response).into()
                    }),
            )
            .app_data(
                web::JsonConfig::default()
                    .limit(64 * 1024)
                    .error_handler(|err, _| {
                        let response =
                            control::error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", &err.to_string());
                        InternalError::from_response(err, response).into()
                    }),
            )
            .configure(api::configure)
            .configure(control::configure)
            .configure(browser::configure)
    })
    .workers(2)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)
    .map_err(SimError::Server)?
    .run();
    let handle = server.handle();
    let server = tokio::spawn(server);
    tracing::info!(%addr, %base_url, "Antom simulator started");
    Ok(Simulator {
        addr,
        base_url,
        handle,
        shutdown,
        server: Some(server),
        scheduler: Some(scheduler),
    })
}

/// A wildcard bind is reached through loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        ip if ip.is_unspecified() => SocketAddr::new(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST), addr.port()),
        _ => addr,
    }
}
