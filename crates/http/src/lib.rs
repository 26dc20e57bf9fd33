//! The earlyhelp HTTP application: actix-web 4, problem+json errors, bearer-token auth.
//!
//! [`server`] builds the real server; the CLI runs it and the tests start it on a free port.

pub mod actor;
pub mod error;
pub mod handlers;
pub mod idempotency;
pub mod json;
pub mod methods;
pub mod openapi;
pub mod request_id;
pub mod routes;
pub mod settings;
pub mod state;
pub mod tokens;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::web::{self, Data};
use actix_web::{App, HttpServer};
use actix_web_prom::PrometheusMetricsBuilder;
use handlers::ops::ApiDocument;
use std::net::TcpListener;
use std::sync::Arc;

pub use settings::Settings;
pub use state::AppState;

/// Builds the server on `listener`. Returns once it is listening; await the [`Server`] to run
/// it. SIGTERM stops it gracefully: no new connections, in-flight requests finish (actix treats
/// SIGINT as a forced stop).
pub fn server(listener: TcpListener, settings: &Settings) -> anyhow::Result<Server> {
    let state: Arc<AppState> = AppState::new(settings)?;
    let state = Data::from(state);
    let document = Data::new(ApiDocument::load()?);
    let registry = prometheus::Registry::new();
    let metrics = PrometheusMetricsBuilder::new("earlyhelp")
        .registry(registry.clone())
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|error| anyhow::anyhow!("metrics: {error}"))?;
    let registry = Data::new(registry);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(document.clone())
            .app_data(registry.clone())
            .app_data(web::PayloadConfig::new(json::BODY_LIMIT))
            .app_data(web::QueryConfig::default().error_handler(json::query_error))
            .app_data(web::PathConfig::default().error_handler(json::path_error))
            .configure(routes::configure)
            .default_service(web::to(routes::not_found))
            .wrap(Compress::default())
            .wrap(metrics.clone())
            .wrap(from_fn(methods::bucket))
            .wrap(from_fn(request_id::middleware))
    })
    .workers(settings.workers.max(1))
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok(server)
}
