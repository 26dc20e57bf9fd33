//! `/api/v1/form-templates`: the published, versioned form definitions. Admins publish;
//! everyone signed in reads them to render forms ([`earlyhelp_workflows::templates`]).

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{List, PageQuery};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::web::Query;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::forms::TemplateDefinition;
use earlyhelp_domain::policy::{self, Permission};
use earlyhelp_persistence::templates::FormTemplate;
use earlyhelp_workflows::templates::{self, field_errors, PublishTemplate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishTemplateRequest {
    name: String,
    definition: Value,
}
#[derive(Debug, Serialize)]
pub struct TemplateResponse {
    id: Uuid,
    name: String,
    version: i32,
    published_at: DateTime<Utc>,
    published_by: Option<Uuid>,
    definition: Value,
}
impl From<FormTemplate> for TemplateResponse {
    fn from(row: FormTemplate) -> Self {
        Self {
            id: row.id.into(),
            name: row.name,
            version: row.version,
            published_at: row.published_at,
            published_by: row.published_by.map(Uuid::from),
            definition: row.definition,
        }
    }
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_form_templates(
    state: State,
    auth: Authenticated,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let list = auth
        .run(&state, move |conn, audit, actor| {
            templates::list(conn, audit, actor, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(list, TemplateResponse::from)))
}
impl TryFrom<PublishTemplateRequest> for PublishTemplate {
    type Error = ApiError;

    fn try_from(body: PublishTemplateRequest) -> Result<Self, ApiError> {
        let valid_name = !body.name.is_empty()
            && body.name.len() <= 64
            && body.name.starts_with(|c: char| c.is_ascii_lowercase())
            && body
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            return Err(ApiError::validation(
                "name",
                "must be lower case letters, digits and underscores, starting with a letter",
            ));
        }
        let definition: TemplateDefinition = serde_path_to_error::deserialize(body.definition)
            .map_err(|error| {
                ApiError::validation(format!("definition.{}", error.path()), error.into_inner())
            })?;
        definition
            .check()
            .map_err(|list| field_errors(list, "definition"))?;
        Ok(PublishTemplate {
            name: body.name,
            definition,
        })
    }
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn publish_form_template(
    state: State,
    auth: Authenticated,
    body: ApiJson<PublishTemplateRequest>,
) -> Result<HttpResponse, ApiError> {
    // Asked before the body's checks, as the workflow asks again, so a user who may not
    // publish learns nothing from them.
    policy::authorize(&auth.actor, Permission::PublishFormTemplates)?;
    let command = PublishTemplate::try_from(body.0)?;
    let template = auth
        .run(&state, |conn, audit, actor| {
            templates::publish(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created().json(TemplateResponse::from(template)))
}
