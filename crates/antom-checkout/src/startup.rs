//! Builds the application from settings: database, keys, the embedded simulator, the Antom
//! client, the HTTP server. Binds before anything needs the port, so port 0 works in tests.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServerHandle, Service, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use actix_web::{web, App, HttpServer};
use antom_client::{Client, ClientConfig, PrivateKey, PublicKey};
use tracing::Instrument;

use crate::config::{AntomSettings, DataKey, SdkSource, Settings};
use crate::embedded_simulator::{EmbeddedSimulator, SimulatorError, SimulatorStart};
use crate::keys_store::{self, KeysStoreError};
use crate::metrics::{method_label, Metrics};
use crate::persistence::{Store, StoreError};
use crate::rate_limit::{RateLimits, StorageBudget};
use crate::request_id;
use crate::response_audit::{Exchange, ResponseAudit};
use crate::routes;
use crate::sdk_file;
use crate::state::{AppState, SdkInfo};
use crate::telemetry;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    // The binary prints the whole chain (`{:#}`): each message names its step, the source
    // says what went wrong.
    #[error("database")]
    Store(#[from] StoreError),
    #[error("keys")]
    Keys(#[from] KeysStoreError),
    #[error("simulator: {0}")]
    Simulator(String),
    #[error("could not listen on {addr}")]
    Bind { addr: String, source: std::io::Error },
    #[error("Antom client")]
    Client(#[from] antom_client::ClientError),
    #[error("Antom Web SDK")]
    SdkFile(#[from] sdk_file::SdkFileError),
}

/// A running application.
pub struct Application {
    port: u16,
    base_url: String,
    server: Option<Server>,
    handle: ServerHandle,
    /// The `/metrics` listener, when `METRICS_BIND_ADDR` is set.
    metrics_server: Option<Server>,
    metrics_handle: Option<ServerHandle>,
    simulator: Option<EmbeddedSimulator>,
    worker: Option<tokio::task::JoinHandle<()>>,
    /// Refreshes the database-derived gauges.
    gauges: Option<tokio::task::JoinHandle<()>>,
    state: AppState,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// The Antom side resolved: who we are, how we sign, whom we trust.
struct AntomSide {
    gateway_url: String,
    client_id: String,
    merchant_key: PrivateKey,
    antom_public_key: PublicKey,
    key_version: u32,
    sdk: SdkInfo,
    simulator: Option<EmbeddedSimulator>,
    data_key: Option<DataKey>,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        Self::build_with_audit(settings, None).await
    }

    /// [`Application::build`], with every response shown to `audit` (the API tests validate
    /// each against the OpenAPI document).
    pub async fn build_with_audit(
        settings: Settings,
        audit: Option<Arc<dyn ResponseAudit>>,
    ) -> Result<Application, StartupError> {
        if settings.is_simulator() && !EmbeddedSimulator::BUILT_IN {
            // Before anything is created, bound or generated: a live build asked to simulate.
            return Err(StartupError::Simulator(SimulatorError::NotBuiltIn.to_string()));
        }
        let store = Store::connect(&settings.database_url).await?;
        store.migrate().await?;
        store.seed_demo_catalog().await?;

        let listener = TcpListener::bind(settings.bind_addr).map_err(|source| StartupError::Bind {
            addr: settings.bind_addr.to_string(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                addr: settings.bind_addr.to_string(),
                source,
            })?
            .port();
        let public_base_url = settings
            .public_base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{port}", settings.bind_addr.ip()));
        let public_path_prefix = url::Url::parse(&public_base_url)
            .map(|u| u.path().trim_end_matches('/').to_owned())
            .unwrap_or_default();

        let antom = resolve_antom(&settings, &public_base_url).await?;
        let data_key = settings
            .data_encryption_key
            .clone()
            .or(antom.data_key.clone())
            .expect("live mode requires DATA_ENCRYPTION_KEY (checked when loading settings)");
        let metrics = Arc::new(Metrics::default());
        let mut client_config = ClientConfig::new(
            antom.gateway_url.clone(),
            antom.client_id.clone(),
            antom.merchant_key.clone(),
            antom.antom_public_key.clone(),
        );
        client_config.key_version = antom.key_version;
        client_config.observer = Some(metrics.clone());
        client_config.trace = Some(Arc::new(request_id::CurrentRequest));
        let client = Client::new(client_config)?;
        let capture_mode = settings.capture_mode;
        let limits = Arc::new(RateLimits::new(settings.rate_limits));
        let metrics_addr = settings.metrics_bind_addr;

        let state = AppState {
            store,
            antom: client,
            antom_public_key: antom.antom_public_key.clone(),
            settings: Arc::new(settings),
            public_base_url: Arc::from(public_base_url.as_str()),
            public_path_prefix: Arc::from(public_path_prefix.as_str()),
            sdk: antom.sdk.clone(),
            metrics,
            data_key,
            capture_mode,
            limits,
            security_log: Arc::new(StorageBudget::default()),
        };
        let server = http_server(listener, state.clone(), audit)?;
        let metrics_server = metrics_addr
            .map(|addr| metrics_server(addr, state.clone()))
            .transpose()?;
        let worker = Some(crate::services::reconciler::spawn(state.clone()));
        let gauges = Some(crate::services::ops_gauges::spawn(state.clone()));
        Ok(Application {
            worker,
            gauges,
            port,
            base_url: format!("http://127.0.0.1:{port}"),
            handle: server.handle(),
            server: Some(server),
            metrics_handle: metrics_server.as_ref().map(Server::handle),
            metrics_server,
            simulator: antom.simulator,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Loopback URL of this server (tests use it; `PUBLIC_BASE_URL` may differ).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The embedded simulator's base URL, in simulator mode.
    pub fn simulator_url(&self) -> Option<String> {
        self.simulator.as_ref().map(|s| s.base_url().to_owned())
    }

    /// Serves until the server stops (signal or [`Application::stop`]).
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        let server = self.server.take().expect("run once");
        let handle = self.handle.clone();
        let metrics_handle = self.metrics_handle.clone();
        if let Some(metrics) = self.metrics_server.take() {
            tokio::spawn(metrics);
        }
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                tracing::info!("shutting down");
                if let Some(metrics) = metrics_handle {
                    metrics.stop(true).await;
                }
                handle.stop(true).await;
            }
        });
        let result = server.await;
        if let Some(worker) = self.worker.take() {
            worker.abort();
        }
        if let Some(gauges) = self.gauges.take() {
            gauges.abort();
        }
        if let Some(sim) = self.simulator.take() {
            sim.stop().await;
        }
        result
    }

    /// Starts serving in the background; returns a handle to stop it.
    pub fn spawn(mut self) -> RunningApplication {
        let server = self.server.take().expect("run once");
        let task = tokio::spawn(server);
        if let Some(metrics) = self.metrics_server.take() {
            tokio::spawn(metrics);
        }
        RunningApplication { app: self, task }
    }
}

/// An application serving in the background (tests, the benchmark).
#[derive(Debug)]
pub struct RunningApplication {
    pub app: Application,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningApplication {
    pub async fn stop(mut self) {
        if let Some(metrics) = &self.app.metrics_handle {
            metrics.stop(true).await;
        }
        self.app.handle.stop(true).await;
        let _ = self.task.await;
        if let Some(worker) = self.app.worker.take() {
            worker.abort();
        }
        if let Some(gauges) = self.app.gauges.take() {
            gauges.abort();
        }
        if let Some(sim) = self.app.simulator.take() {
            sim.stop().await;
        }
    }
}

async fn resolve_antom(settings: &Settings, public_base_url: &str) -> Result<AntomSide, StartupError> {
    match &settings.antom {
        AntomSettings::Live {
            gateway_url,
            client_id,
            merchant_key,
            antom_public_key,
            key_version,
            sdk,
        } => Ok(AntomSide {
            gateway_url: gateway_url.clone(),
            client_id: client_id.clone(),
            merchant_key: merchant_key.clone(),
            antom_public_key: antom_public_key.clone(),
            key_version: *key_version,
            sdk: live_sdk(client_id, sdk, public_base_url)?,
            simulator: None,
            data_key: None,
        }),
        AntomSettings::Simulator {
            bind_addr,
            client_id,
            merchant_key,
            antom_private_key,
            key_version,
            time_scale,
            sdk_script_url,
        } => {
            if !bind_addr.ip().is_loopback() && !settings.simulator.allow_network {
                return Err(StartupError::Simulator(format!(
                    "SIMULATOR_BIND_ADDR: the embedded simulator listens on loopback only ({bind_addr} is not); \
                     set SIMULATOR_ALLOW_NETWORK=true for a demo container"
                )));
            }
            let needs_dev_keys = merchant_key.is_none()
                || antom_private_key.is_none()
                || settings.data_encryption_key.is_none();
            let dev = if needs_dev_keys {
                Some(keys_store::load_or_generate(&settings.data_dir)?)
            } else {
                None
            };
            let merchant_key = merchant_key
                .clone()
                .or_else(|| dev.as_ref().map(|d| d.merchant.clone()))
                .expect("dev keys loaded when missing");
            let antom_key = antom_private_key
                .clone()
                .or_else(|| dev.as_ref().map(|d| d.antom.clone()))
                .expect("dev keys loaded when missing");
            let simulator = EmbeddedSimulator::start(SimulatorStart {
                bind_addr: *bind_addr,
                client_id: client_id.clone(),
                merchant_public_key: merchant_key.public_key(),
                antom_private_key: antom_key.clone(),
                time_scale: *time_scale,
            })
            .await
            .map_err(|e| StartupError::Simulator(e.to_string()))?;
            let base = simulator.base_url().to_owned();
            Ok(AntomSide {
                gateway_url: base.clone(),
                client_id: client_id.clone(),
                merchant_key,
                antom_public_key: antom_key.public_key(),
                key_version: *key_version,
                sdk: SdkInfo {
                    environment: "sandbox",
                    script_url: sdk_script_url
                        .clone()
                        .unwrap_or_else(|| format!("{base}/sdk/ams-checkout.js")),
                    integrity: None,
                    self_hosted: None,
                    real_antom: false,
                },
                simulator: Some(simulator),
                data_key: dev.map(|d| d.data_key),
            })
        }
    }
}

/// The Web SDK of live pages: Antom's CDN, or the checked npm file served from here.
fn live_sdk(client_id: &str, source: &SdkSource, public_base_url: &str) -> Result<SdkInfo, StartupError> {
    let environment = if client_id.starts_with("SANDBOX_") {
        "sandbox"
    } else {
        "prod"
    };
    Ok(match source {
        SdkSource::Cdn { url, integrity } => SdkInfo {
            environment,
            script_url: url.clone(),
            integrity: integrity.clone(),
            self_hosted: None,
            real_antom: true,
        },
        SdkSource::SelfHosted { file, integrity } => {
            let hosted = sdk_file::load(file, integrity)?;
            SdkInfo {
                environment,
                script_url: format!("{}{}", public_base_url.trim_end_matches('/'), hosted.path),
                integrity: Some(integrity.clone()),
                self_hosted: Some(hosted),
                real_antom: true,
            }
        }
    })
}

fn http_server(
    listener: TcpListener,
    state: AppState,
    audit: Option<Arc<dyn ResponseAudit>>,
) -> Result<Server, StartupError> {
    let bench_floor = state.settings.bench_floor_route;
    if bench_floor {
        tracing::warn!(
            "BENCH_FLOOR_ROUTE=on: serving POST /__bench/floor (a benchmark aid, not for production)"
        );
    }
    let data = web::Data::new(state);
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let server = HttpServer::new(move || {
        let audit = audit.clone();
        App::new()
            .app_data(data.clone())
            .wrap_fn(move |req, srv| {
                // Labels from fixed sets only: what a caller sends never becomes a label value.
                let pattern = req.match_pattern();
                let route = routes::labels::route_label(pattern.as_deref());
                let method = method_label(req.method());
                let metrics = req.app_data::<web::Data<AppState>>().map(|s| s.metrics.clone());
                let order_id = req.match_info().get("order_id").unwrap_or("").to_owned();
                let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
                let context = request_id::RequestContext::from_headers(
                    header(request_id::HEADER),
                    header(antom_client::trace_context::TRACEPARENT),
                );
                let request_id = context.request_id.clone();
                let caller = header(antom_client::trace_context::TRACEPARENT)
                    .and_then(antom_client::trace_context::TraceParent::parse);
                let span = tracing::info_span!(
                    "http",
                    method,
                    route,
                    request_id = %request_id,
                    trace_id = %context.trace.trace_id,
                    span_id = %context.trace.span_id,
                    order_id = %order_id,
                    payment_request_id = tracing::field::Empty,
                );
                telemetry::continue_trace(&span, caller.as_ref());
                let audited = audit.clone().map(|audit| AuditedRequest {
                    audit,
                    method: req.method().to_string(),
                    pattern: pattern.clone(),
                    path: req.path().to_owned(),
                });
                let started = Instant::now();
                let fut = request_id::scope(context, srv.call(req));
                async move {
                    let mut response = fut.await?;
                    if let Ok(value) = HeaderValue::from_str(&request_id) {
                        response
                            .headers_mut()
                            .insert(HeaderName::from_static(request_id::HEADER), value);
                    }
                    if let Some(metrics) = metrics {
                        metrics.observe_http(route, method, response.status().as_u16(), started.elapsed());
                    }
                    match audited {
                        Some(audited) => audited.check(response).await,
                        None => Ok(response.map_into_boxed_body()),
                    }
                }
                .instrument(span)
            })
            .configure(|cfg| routes::configure(cfg, bench_floor))
    })
    .listen(listener)
    .map_err(|source| StartupError::Bind { addr, source })?
    .disable_signals()
    .shutdown_timeout(5)
    .run();
    Ok(server)
}

/// A request whose answer the installed [`ResponseAudit`] will see (tests only).
struct AuditedRequest {
    audit: Arc<dyn ResponseAudit>,
    method: String,
    pattern: Option<String>,
    path: String,
}

impl AuditedRequest {
    /// Buffers the body, shows it to the audit, and answers with the same bytes.
    async fn check<B>(
        self,
        response: ServiceResponse<B>,
    ) -> Result<ServiceResponse<BoxBody>, actix_web::Error>
    where
        B: MessageBody + 'static,
    {
        let (request, response) = response.into_parts();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let (head, body) = response.into_parts();
        let bytes = actix_web::body::to_bytes(body)
            .await
            .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
        self.audit.audit(&Exchange {
            method: &self.method,
            pattern: self.pattern.as_deref(),
            path: &self.path,
            status,
            content_type: content_type.as_deref(),
            body: &bytes,
        });
        Ok(ServiceResponse::new(request, head.set_body(BoxBody::new(bytes))))
    }
}

/// `/metrics` alone, on its own listener (`METRICS_BIND_ADDR`), off the public one.
fn metrics_server(addr: std::net::SocketAddr, state: AppState) -> Result<Server, StartupError> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/metrics", web::get().to(routes::health::metrics_only))
    })
    .workers(1)
    .bind(addr)
    .map_err(|source| StartupError::Bind {
        addr: addr.to_string(),
        source,
    })?
    .disable_signals()
    .shutdown_timeout(1)
    .run();
    Ok(server)
}
