//! `/api/v1/form-templates`: the published, versioned form definitions. Admins publish;
//! everyone signed in reads them to render forms.

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::assessments::problems;
use crate::handlers::wire::{List, PageQuery};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::web::Query;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::forms::TemplateDefinition;
use earlyhelp_domain::policy::{self, Permission};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::templates::{self, FormTemplate};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishTemplate {
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
            id: row.id,
            name: row.name,
            version: row.version,
            published_at: row.published_at,
            published_by: row.published_by,
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
    let context = auth.audit_context();
    let list = state
        .db(move |conn| {
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::new(
                    AuditAction::ListFormTemplates,
                    EntityType::FormTemplate,
                    None,
                    Outcome::Success,
                ),
                |conn| templates::list(conn, &page),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(list, TemplateResponse::from)))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn publish_form_template(
    state: State,
    auth: Authenticated,
    body: ApiJson<PublishTemplate>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::PublishFormTemplates)?;
    let body = body.0;
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
    let definition: TemplateDefinition = serde_path_to_error::deserialize(body.definition.clone())
        .map_err(|error| {
            ApiError::validation(format!("definition.{}", error.path()), error.into_inner())
        })?;
    definition
        .check()
        .map_err(|list| problems(list, "definition"))?;
    let stored =
        serde_json::to_value(&definition).map_err(|error| ApiError::Internal(error.into()))?;
    let context = auth.audit_context();
    let by = auth.actor.user_id.into_uuid();
    let template = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                let template = templates::publish(conn, &body.name, &stored, Some(by))?;
                trail.record(
                    AuditEvent::success(
                        AuditAction::PublishFormTemplate,
                        EntityType::FormTemplate,
                        template.id,
                    )
                    .with_detail(json!({ "version": template.version })),
                );
                Ok(template)
            })?)
        })
        .await?;
    Ok(HttpResponse::Created().json(TemplateResponse::from(template)))
}
