//! `/api/v1/audit` and `/api/v1/people/{id}/access-log`: information governance reads the
//! audit trail. The queries are in [`earlyhelp_workflows::governance`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::reports::Format;
use crate::handlers::wire::{page_request, IdPath, List, PageQuery};
use crate::json::full_date;
use crate::openapi::responses::{
    Forbidden, InternalError, NotFound, ServiceUnavailable, Unauthorized, UnprocessableEntity,
};
use crate::openapi::values;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::report::{Cell, Column, ColumnKind, Table};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::{PersonId, UserId};
use earlyhelp_persistence::audit::StoredAuditEvent;
use earlyhelp_persistence::audit_queries::AuditFilter;
use earlyhelp_persistence::pagination::Page;
use earlyhelp_workflows::governance::{self, SearchAudit};
use earlyhelp_workflows::subject_access;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One audit entry: who did what to which record, when, from where, and how it ended. Codes and
/// ids only, never names or case content.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditEntry)]
pub struct AuditEntryResponse {
    id: Uuid,
    occurred_at: DateTime<Utc>,
    /// The signed-in user; `null` for an anonymous attempt or a command-line step.
    #[schema(required = true)]
    actor_id: Option<Uuid>,
    /// What was done, e.g. `family.read`, `episode.close`, `report.export`.
    #[schema(value_type = values::AuditActionName)]
    action: String,
    #[schema(value_type = values::AuditEntityType)]
    entity_type: String,
    /// The record acted on; `null` for a list or a query.
    #[schema(required = true)]
    entity_id: Option<Uuid>,
    /// The request's id (the `X-Request-Id` it was answered with).
    request_id: String,
    /// `success`, `failure` or `denied`.
    #[schema(value_type = values::AuditOutcome)]
    outcome: String,
    /// Codes and ids: the filters of a query, the families a list showed, a refusal's status.
    #[schema(value_type = Object)]
    detail: serde_json::Value,
    /// The client's address, as a trusted proxy forwarded it or the connection's peer.
    #[schema(required = true)]
    client_address: Option<String>,
}

impl From<StoredAuditEvent> for AuditEntryResponse {
    fn from(entry: StoredAuditEvent) -> Self {
        Self {
            id: entry.id.into(),
            occurred_at: entry.occurred_at,
            actor_id: entry.actor_id.map(Uuid::from),
            action: entry.action,
            entity_type: entry.entity_type,
            entity_id: entry.entity_id,
            request_id: entry.request_id,
            outcome: entry.outcome.as_str().to_owned(),
            detail: entry.detail,
            client_address: entry.client_address,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries about records of this type.
    #[param(value_type = Option<values::AuditEntityType>)]
    entity_type: Option<String>,
    /// Only entries about this record (with `entity_type`, or of any type).
    entity_id: Option<Uuid>,
    /// Only entries of this user's actions.
    actor_id: Option<Uuid>,
    /// Only entries of this action.
    #[param(value_type = Option<values::AuditActionName>)]
    action: Option<String>,
    /// Only entries with this outcome.
    #[param(value_type = Option<values::AuditOutcome>)]
    outcome: Option<String>,
    /// The first day (UTC) of the period.
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// The last day (UTC) of the period.
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<values::Cursor>)]
    cursor: Option<String>,
    /// Entries per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
}

/// A name the server writes (an action, an entity type, an outcome), or a field error.
fn parse_name<T: std::str::FromStr>(
    checks: &mut Checks,
    field: &str,
    raw: &Option<String>,
) -> Option<T> {
    let name = raw.as_deref()?;
    checks.check(
        field,
        name.parse::<T>()
            .map_err(|_| "not a name this server writes"),
    )
}

fn filter_of(query: &AuditQuery) -> Result<AuditFilter, ApiError> {
    let mut checks = Checks::default();
    let entity_type = parse_name::<EntityType>(&mut checks, "entity_type", &query.entity_type);
    let action = parse_name::<AuditAction>(&mut checks, "action", &query.action);
    let outcome = parse_name::<Outcome>(&mut checks, "outcome", &query.outcome);
    let from = full_date::query(&mut checks, "from", query.from.as_deref());
    let to = full_date::query(&mut checks, "to", query.to.as_deref());
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            checks.fail("from", "must be on or before to");
        }
    }
    checks
        .finish(|| {
            Some(AuditFilter {
                entity_type,
                entity_id: query.entity_id,
                actor: query.actor_id.map(UserId::from),
                action,
                outcome,
                from,
                to,
            })
        })
        .map_err(ApiError::from)
}

/// The page as JSON, or as CSV (one row per entry, the detail as JSON text) when asked for.
fn respond(format: Format, page: Page<StoredAuditEvent>) -> HttpResponse {
    if format == Format::Json {
        return HttpResponse::Ok().json(List::from_page(page, AuditEntryResponse::from));
    }
    let next = page
        .next
        .as_ref()
        .map(earlyhelp_persistence::pagination::Cursor::encode);
    let text = |key: &str| Column::new(key, ColumnKind::Text);
    let mut table = Table::new(
        [
            "id",
            "occurred_at",
            "actor_id",
            "action",
            "entity_type",
            "entity_id",
            "outcome",
            "request_id",
            "client_address",
            "detail",
        ]
        .into_iter()
        .map(text)
        .collect(),
    );
    let optional = |value: Option<String>| value.map_or(Cell::Empty, Cell::Text);
    for entry in page.items {
        table.push(vec![
            Cell::Text(Uuid::from(entry.id).to_string()),
            Cell::Text(
                entry
                    .occurred_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            ),
            optional(entry.actor_id.map(|id| Uuid::from(id).to_string())),
            Cell::Text(entry.action),
            Cell::Text(entry.entity_type),
            optional(entry.entity_id.map(|id| id.to_string())),
            Cell::Text(entry.outcome.as_str().to_owned()),
            Cell::Text(entry.request_id),
            optional(entry.client_address),
            Cell::Text(entry.detail.to_string()),
        ]);
    }
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"audit.csv\"",
        ));
    if let Some(next) = next {
        // The next page's cursor, which a CSV body has no place for.
        response.insert_header(("Next-Cursor", next));
    }
    response.body(table.to_csv())
}

/// Query the audit trail
///
/// Entries newest first, filtered by record, actor, action, outcome and period (any
/// combination), keyset-paginated. JSON by default; CSV with `Accept: text/csv` (the next
/// page's cursor then in the `Next-Cursor` header). For the auditor role only; the query itself
/// is audited (`audit.query`, with its filters).
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    operation_id = "search_audit",
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of entries.", content(
            (List<AuditEntryResponse> = "application/json"),
            (String = "text/csv"),
        ), headers(
            ("Next-Cursor" = String, description = "CSV only: the cursor of the next page, when there is one."),
        )),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn search_audit(
    state: State,
    auth: Authenticated,
    req: HttpRequest,
    query: Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::of(&req, Format::Json);
    let command = SearchAudit {
        filter: filter_of(&query)?,
        page: page_request(query.cursor.as_deref(), query.limit)?,
        format: format.name(),
    };
    let page = auth
        .run(&state, move |conn, audit, actor| {
            governance::query(conn, audit, actor, command)
        })
        .await?;
    Ok(respond(format, page))
}

/// Who accessed a person's record
///
/// Every entry about the records that concern the person, newest first, in one list: the
/// person, their family and its chronology, consents, episodes, forms with their revisions and
/// reviews, teams with their meetings and actions, step-ups, step-downs and consultations. For
/// the auditor role only; the read is audited as an entry about the person, so it shows here
/// too.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/access-log",
    operation_id = "person_access_log",
    tag = "audit",
    params(IdPath, PageQuery),
    responses(
        (status = 200, description = "A page of entries.", body = List<AuditEntryResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, person.id = %id))]
pub async fn person_access_log(
    state: State,
    auth: Authenticated,
    id: Path<PersonId>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let person = id.into_inner();
    let found = auth
        .run(&state, move |conn, audit, actor| {
            governance::access_log(conn, audit, actor, person, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(found, AuditEntryResponse::from)))
}

/// Subject access export
///
/// Everything held about the person, for a subject access request: a ZIP of JSON documents
/// (the person, their family, relationships, consents, episodes, Strengths and Needs forms
/// with every revision and review, Teams Around the Family with their minutes and actions,
/// step-ups, step-downs, consultations, chronology, access outside scope, and the audit entries
/// of who accessed the record) and `summary.html`, a page a person can read. For the auditor
/// role only; every export is audited as an entry about the person.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/subject-access-export",
    operation_id = "subject_access_export",
    tag = "audit",
    params(IdPath),
    responses(
        (status = 200, description = "The export.", content((Vec<u8> = "application/zip")),
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"subject-access-<id>.zip\"`"))),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, person.id = %id))]
pub async fn subject_access_export(
    state: State,
    auth: Authenticated,
    id: Path<PersonId>,
) -> Result<HttpResponse, ApiError> {
    let person = id.into_inner();
    let zip = auth
        .run(&state, move |conn, audit, actor| {
            subject_access::export(conn, audit, Some(actor), person)?.to_zip()
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"subject-access-{person}.zip\""),
        ))
        .body(zip))
}
