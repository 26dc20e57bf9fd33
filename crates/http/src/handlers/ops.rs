//! Operations endpoints: liveness, readiness, metrics, the OpenAPI document and its viewer.

use crate::error::ApiError;
use crate::openapi::responses::{
    InternalError, MetricsNotServed, MetricsUnauthorized, NotFound, ServiceUnavailable,
};
use crate::settings::MetricsToken;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use earlyhelp_persistence::migrations;
use prometheus::{Encoder, Registry, TextEncoder};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// The OpenAPI document the server serves: generated from the code ([`crate::openapi`]), as
/// YAML and as JSON.
pub struct ApiDocument {
    pub yaml: String,
    pub json: String,
}

impl ApiDocument {
    pub fn load() -> anyhow::Result<Self> {
        Ok(Self {
            yaml: crate::openapi::yaml()?,
            json: crate::openapi::json()?,
        })
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum Up {
    Ok,
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(inline)]
    status: Up,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum Ready {
    Ready,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    #[schema(inline)]
    status: Ready,
}

/// Liveness
///
/// Answers while the process is up and serving. Does not touch the database.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "operations",
    security(()),
    responses((status = 200, description = "The process is alive.", body = Health)),
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: Up::Ok })
}

/// Readiness
///
/// Ready for traffic: the database answers and every migration this binary knows is applied.
/// Otherwise 503.
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = "operations",
    security(()),
    responses(
        (status = 200, description = "Ready for traffic.", body = Readiness),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
pub async fn readyz(state: State) -> Result<HttpResponse, ApiError> {
    // Whatever stops us reading the migration state means we are not ready: 503, never 500.
    let pending = state
        .db(|conn| Ok(migrations::pending(conn)?))
        .await
        .map_err(|error| match error {
            ApiError::Internal(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "readiness check failed");
                ApiError::Unavailable
            }
            other => other,
        })?;
    if pending.is_empty() {
        Ok(HttpResponse::Ok().json(Readiness {
            status: Ready::Ready,
        }))
    } else {
        tracing::warn!(pending = pending.len(), "migrations pending; not ready");
        Err(ApiError::Unavailable)
    }
}

/// Prometheus metrics
///
/// Request counts and latencies in the Prometheus text exposition format (version 0.0.4).
/// Not for everyone who can reach the API: with `EARLYHELP_METRICS_TOKEN` set, this listener
/// serves them to `Authorization: Bearer <that token>` only (not a user's access token); with
/// `EARLYHELP_METRICS_BIND` set, they are served at that address instead, without a token, and
/// this path is not found here; with neither, they are not served (404), except under
/// `serve --dev`, which serves them to anyone.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "operations",
    security(("metricsToken" = [])),
    responses(
        (
            status = 200,
            description = "The metrics, as `text/plain; version=0.0.4`.",
            body = String,
            content_type = "text/plain",
        ),
        (status = 401, response = MetricsUnauthorized),
        (status = 404, response = MetricsNotServed),
        (status = 500, response = InternalError),
    ),
)]
pub async fn metrics(req: HttpRequest, registry: Data<Registry>) -> Result<HttpResponse, ApiError> {
    if let Some(token) = req.app_data::<Data<MetricsToken>>() {
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| bearer_token(value.as_bytes()));
        if !presented.is_some_and(|presented| token.matches(presented)) {
            return Err(ApiError::MetricsTokenRequired);
        }
    }
    if let Some(state) = req.app_data::<crate::state::State>() {
        let (connections, idle, max) = state.db.state();
        state.pool_metrics.observe(connections, idle, max);
    }
    let mut buffer = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut buffer)
        .map_err(|error| ApiError::Internal(error.into()))?;
    Ok(HttpResponse::Ok()
        .content_type(TextEncoder::new().format_type())
        .body(buffer))
}

/// The token of an `Authorization: Bearer <token>` value (the scheme in any case, RFC 9110).
fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    let (scheme, token) = value.split_at_checked(7)?;
    (scheme.eq_ignore_ascii_case(b"bearer ") && !token.is_empty()).then_some(token)
}

/// This document, as JSON
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "openapi_json",
    tag = "operations",
    security(()),
    responses((status = 200, description = "The OpenAPI document.", body = Object)),
)]
pub async fn openapi_json(document: Data<ApiDocument>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.json.clone())
}

/// This document, as YAML
///
/// The OpenAPI document as `earlyhelp openapi` prints it and the repository's
/// `openapi/openapi.yaml` holds it.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.yaml",
    operation_id = "openapi_yaml",
    tag = "operations",
    security(()),
    responses(
        (
            status = 200,
            description = "The OpenAPI document (a YAML mapping).",
            body = Object,
            content_type = "application/yaml",
        ),
    ),
)]
pub async fn openapi_yaml(document: Data<ApiDocument>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/yaml")
        .body(document.yaml.clone())
}

/// API documentation viewer
///
/// Redirects to the Swagger UI at `/docs/`.
#[utoipa::path(
    get,
    path = "/docs",
    operation_id = "docs_index",
    tag = "operations",
    security(()),
    responses(
        (
            status = 308,
            description = "Permanent redirect to `/docs/`.",
            headers(("Location" = String, description = "Always `/docs/`.")),
        ),
    ),
)]
pub async fn docs_index() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// API documentation viewer page
///
/// The Swagger UI page, served from assets compiled into the binary (no CDN), reading
/// `/api/v1/openapi.json`. May be cached for an hour.
#[utoipa::path(
    get,
    path = "/docs/",
    operation_id = "docs_home",
    tag = "operations",
    security(()),
    responses(
        (
            status = 200,
            description = "The viewer's HTML page.",
            body = String,
            content_type = "text/html",
            headers(("Cache-Control" = String, description = "`public, max-age=3600`: may be cached for an hour.")),
        ),
        (status = 500, response = InternalError),
    ),
)]
pub async fn docs_home() -> Result<HttpResponse, ApiError> {
    swagger_file("")
}

/// API documentation viewer assets
///
/// Swagger UI's scripts, styles, images and source maps, compiled into the binary (no CDN).
/// Any other name is a 404. Assets may be cached for an hour.
#[utoipa::path(
    get,
    path = "/docs/{tail}",
    operation_id = "docs_asset",
    tag = "operations",
    security(()),
    params(
        (
            "tail" = String,
            Path,
            description = "The asset's file name, e.g. `swagger-ui.css` or `swagger-initializer.js`.",
            example = "swagger-ui.css",
        ),
    ),
    responses(
        (
            status = 200,
            description = "The asset, with its media type: `text/html`, `text/css`, \
                `text/javascript`, `image/png`, or `text/plain` for source maps (`*.map`).",
            content(
                (String = "text/html"),
                (String = "text/css"),
                (String = "text/javascript"),
                (String = "text/plain"),
                (String = "image/png"),
            ),
            headers(("Cache-Control" = String, description = "`public, max-age=3600`: may be cached for an hour.")),
        ),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    ),
)]
pub async fn docs_asset(tail: Path<String>) -> Result<HttpResponse, ApiError> {
    swagger_file(&tail)
}

/// What the viewer may load: its own scripts, styles and the API document, nothing from
/// elsewhere, and no framing. Swagger UI sets inline styles and draws icons from `data:`
/// images; it runs no inline script.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

fn swagger_file(name: &str) -> Result<HttpResponse, ApiError> {
    let config = Arc::new(utoipa_swagger_ui::Config::from("/api/v1/openapi.json"));
    match utoipa_swagger_ui::serve(name, config) {
        Ok(Some(file)) => Ok(HttpResponse::Ok()
            .content_type(file.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .insert_header((header::CONTENT_SECURITY_POLICY, DOCS_CSP))
            .body(file.bytes.into_owned())),
        Ok(None) => Err(ApiError::NotFound("No such page.")),
        Err(error) => Err(ApiError::Internal(anyhow::anyhow!("docs asset: {error}"))),
    }
}
