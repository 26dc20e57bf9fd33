//! Operations endpoints: liveness, readiness, metrics, the OpenAPI document and its viewer.

use crate::error::ApiError;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use earlyhelp_persistence::migrations;
use prometheus::{Encoder, Registry, TextEncoder};
use serde_json::json;
use std::sync::Arc;

/// The OpenAPI document, as written in `openapi/openapi.yaml` and as JSON.
pub struct ApiDocument {
    pub yaml: &'static str,
    pub json: String,
}

pub const OPENAPI_YAML: &str = include_str!("../../../../openapi/openapi.yaml");

impl ApiDocument {
    pub fn load() -> anyhow::Result<Self> {
        let value: serde_json::Value = serde_yaml::from_str(OPENAPI_YAML)?;
        Ok(Self {
            yaml: OPENAPI_YAML,
            json: serde_json::to_string(&value)?,
        })
    }
}

/// The process is up and serving.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Ready for traffic: the database answers and every migration this binary knows is applied.
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
        Ok(HttpResponse::Ok().json(json!({ "status": "ready" })))
    } else {
        tracing::warn!(pending = pending.len(), "migrations pending; not ready");
        Err(ApiError::Unavailable)
    }
}

pub async fn metrics(registry: Data<Registry>) -> Result<HttpResponse, ApiError> {
    let mut buffer = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut buffer)
        .map_err(|error| ApiError::Internal(error.into()))?;
    Ok(HttpResponse::Ok()
        .content_type(TextEncoder::new().format_type())
        .body(buffer))
}

pub async fn openapi_json(document: Data<ApiDocument>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.json.clone())
}

pub async fn openapi_yaml(document: Data<ApiDocument>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/yaml")
        .body(document.yaml)
}

/// `/docs` itself sends the browser to the viewer's index.
pub async fn docs_index() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// The viewer's page.
pub async fn docs_home() -> Result<HttpResponse, ApiError> {
    swagger_file("")
}

/// Swagger UI's scripts and styles, compiled into the binary (no CDN).
pub async fn docs_asset(tail: Path<String>) -> Result<HttpResponse, ApiError> {
    swagger_file(&tail)
}

fn swagger_file(name: &str) -> Result<HttpResponse, ApiError> {
    let config = Arc::new(utoipa_swagger_ui::Config::from("/api/v1/openapi.json"));
    match utoipa_swagger_ui::serve(name, config) {
        Ok(Some(file)) => Ok(HttpResponse::Ok()
            .content_type(file.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(file.bytes.into_owned())),
        Ok(None) => Err(ApiError::NotFound("No such page.")),
        Err(error) => Err(ApiError::Internal(anyhow::anyhow!("docs asset: {error}"))),
    }
}
