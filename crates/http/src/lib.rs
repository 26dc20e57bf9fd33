//! The earlyhelp HTTP application: actix-web 4, problem+json errors, bearer-token auth.
//!
//! [`server`] builds the real server; the CLI runs it and the tests start it on a free port.

pub mod actor;
pub mod charts;
pub mod client;
pub mod cors;
pub mod error;
pub mod handlers;
pub mod idempotency;
pub mod json;
pub mod limits;
pub mod methods;
pub mod openapi;
pub mod request_id;
pub mod routes;
pub mod sealer;
pub mod settings;
pub mod state;
pub mod telemetry;
pub mod tokens;

use actix_web::dev::Server;
use actix_web::http::KeepAlive;
use actix_web::middleware::{from_fn, Compress};
use actix_web::web::{self, Data};
use actix_web::{guard, App, HttpResponse, HttpServer};
use actix_web_prom::PrometheusMetricsBuilder;
use anyhow::Context;
use handlers::ops::ApiDocument;
use limits::BodyTimeout;
use settings::MetricsAccess;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

pub use settings::Settings;
pub use state::AppState;

/// Builds the server on `listener`, and the metrics listener when the settings ask for one
/// ([`MetricsAccess::Separate`]). Returns once they are listening; await the [`Server`] to run
/// it (the metrics listener runs beside it). SIGTERM stops both gracefully: no new
/// connections, in-flight requests finish (actix treats SIGINT as a forced stop).
pub fn server(listener: TcpListener, settings: &Settings) -> anyhow::Result<Server> {
    let registry = prometheus::Registry::new();
    let pool_metrics = telemetry::PoolMetrics::register(&registry)?;
    let state: Arc<AppState> = AppState::new(settings, pool_metrics)?;
    let sealing = settings
        .audit_seal_interval
        .map(|every| (state.db.clone(), every));
    let state = Data::from(state);
    let metrics_state = state.clone();
    let document = Data::new(ApiDocument::load()?);
    let metrics = PrometheusMetricsBuilder::new("earlyhelp")
        .registry(registry.clone())
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|error| anyhow::anyhow!("metrics: {error}"))?;
    let registry = Data::new(registry);
    let body_timeout = Data::new(BodyTimeout(settings.timeouts.body));
    let trusted_proxies = Data::new(settings.trusted_proxies.clone());
    let cors_origins = settings.cors_origins.clone();
    let serve_metrics = settings.metrics.on_main_listener();
    let metrics_token = match &settings.metrics {
        MetricsAccess::Bearer(token) => Some(Data::new(token.clone())),
        _ => None,
    };
    let metrics_listener = match settings.metrics {
        MetricsAccess::Separate(address) => Some(
            TcpListener::bind(address)
                .with_context(|| format!("cannot listen on {address} (EARLYHELP_METRICS_BIND)"))?,
        ),
        _ => None,
    };
    let app_registry = registry.clone();
    let server = HttpServer::new(move || {
        let mut app = App::new()
            .app_data(state.clone())
            .app_data(document.clone())
            .app_data(app_registry.clone())
            .app_data(body_timeout.clone())
            .app_data(trusted_proxies.clone())
            .app_data(web::PayloadConfig::new(json::BODY_LIMIT))
            .app_data(web::QueryConfig::default().error_handler(json::query_error))
            .app_data(web::PathConfig::default().error_handler(json::path_error));
        if let Some(token) = &metrics_token {
            app = app.app_data(token.clone());
        }
        app.configure(|config| routes::configure(config, serve_metrics))
            .default_service(web::to(routes::not_found))
            .wrap(Compress::default())
            .wrap(from_fn(limits::middleware))
            .wrap(metrics.clone())
            .wrap(from_fn(methods::bucket))
            .wrap(actix_web::middleware::Condition::new(
                !cors_origins.is_empty(),
                cors_origins.middleware(),
            ))
            .wrap(from_fn(request_id::middleware))
    })
    .workers(settings.workers.max(1))
    .client_request_timeout(settings.timeouts.request_head)
    .keep_alive(KeepAlive::Timeout(settings.timeouts.keep_alive))
    .client_disconnect_timeout(CLIENT_DISCONNECT_TIMEOUT)
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    if let Some(listener) = metrics_listener {
        let address = listener.local_addr()?;
        actix_web::rt::spawn(metrics_server(listener, registry, metrics_state, settings)?);
        tracing::info!(%address, "metrics listening");
    }
    if let Some((db, every)) = sealing {
        actix_web::rt::spawn(sealer::run(db, every));
    }
    Ok(server)
}

/// How long a connection being closed may linger for the client to read the answer.
const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// The metrics listener of [`MetricsAccess::Separate`]: `/metrics` without a token, and
/// nothing else (404 problem+json).
fn metrics_server(
    listener: TcpListener,
    registry: Data<prometheus::Registry>,
    state: Data<AppState>,
    settings: &Settings,
) -> std::io::Result<Server> {
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(registry.clone())
            .app_data(state.clone())
            .service(
                web::resource("/metrics")
                    .route(
                        web::route()
                            .guard(guard::Any(guard::Get()).or(guard::Head()))
                            .to(handlers::ops::metrics),
                    )
                    .default_service(web::to(|| async {
                        Err::<HttpResponse, _>(error::ApiError::MethodNotAllowed {
                            allow: "GET, HEAD".to_owned(),
                        })
                    })),
            )
            .default_service(web::to(routes::not_found))
            .wrap(from_fn(request_id::middleware))
    })
    .workers(1)
    .client_request_timeout(settings.timeouts.request_head)
    .keep_alive(KeepAlive::Timeout(settings.timeouts.keep_alive))
    .client_disconnect_timeout(CLIENT_DISCONNECT_TIMEOUT)
    .shutdown_timeout(5)
    .listen(listener)?
    .run())
}
