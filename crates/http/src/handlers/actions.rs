//! `/api/v1/tafs/{id}/actions` and `/api/v1/actions/{id}`: a Team Around the Family's action
//! plan, agreed in finalised minutes and kept up to date by the actions' owners. The steps are
//! in [`earlyhelp_workflows::meetings`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{IdPath, List};
use crate::json::ApiJson;
use crate::openapi::case::{ActionStatus as ActionStatusSchema, RequiredText4000};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::web::Path;
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::taf::ActionStatus;
use earlyhelp_domain::validation::Checks;
use earlyhelp_persistence::meetings::Action;
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::meetings::{self, overdue, UpdateAction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One progress note on an action.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProgressNote {
    at: DateTime<Utc>,
    /// Who wrote it.
    by: Uuid,
    note: String,
}

/// An action of a Team Around the Family's plan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TafAction)]
pub struct ActionResponse {
    id: Uuid,
    taf_id: Uuid,
    /// The meeting whose minutes agreed it.
    meeting_id: Uuid,
    description: String,
    /// The team member who owns it.
    owner_member_id: Uuid,
    due_on: NaiveDate,
    #[schema(value_type = ActionStatusSchema)]
    status: &'static str,
    /// Open and past its due date.
    overdue: bool,
    /// Oldest first.
    progress: Vec<ProgressNote>,
    #[schema(required)]
    completion_note: Option<String>,
    #[schema(required)]
    closed_at: Option<DateTime<Utc>>,
    #[schema(required)]
    closed_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Action> for ActionResponse {
    fn from(row: Action) -> Self {
        let overdue = overdue(&row, today());
        Self {
            id: row.id,
            taf_id: row.taf_id,
            meeting_id: row.meeting_id,
            description: row.description,
            owner_member_id: row.owner_member_id,
            due_on: row.due_on,
            status: row.status.as_str(),
            overdue,
            progress: serde_json::from_value(row.progress).unwrap_or_default(),
            completion_note: row.completion_note,
            closed_at: row.closed_at,
            closed_by: row.closed_by.map(Uuid::from),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// Get a Team Around the Family's action plan
///
/// Every action agreed in the team's finalised minutes, across its meetings, by due date;
/// `overdue` flags an open action past its due date.
#[utoipa::path(
    get,
    path = "/api/v1/tafs/{id}/actions",
    tag = "tafs",
    params(IdPath),
    responses(
        (status = 200, description = "The plan (one page).", body = List<ActionResponse>),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, taf.id = %id))]
pub async fn list_actions(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let taf = id.into_inner();
    let found = auth
        .run(&state, move |conn, audit, actor| {
            meetings::actions(conn, audit, actor, taf)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List {
        items: found.into_iter().map(ActionResponse::from).collect(),
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateAction)]
pub struct UpdateActionRequest {
    /// A progress note to add (kept with who wrote it and when).
    #[schema(value_type = Option<RequiredText4000>)]
    progress_note: Option<String>,
    /// `done` or `dropped` closes the action for good.
    #[schema(value_type = Option<ActionStatusSchema>)]
    status: Option<String>,
    /// How it ended; only with `status` `done` or `dropped`.
    #[schema(value_type = Option<RequiredText4000>)]
    completion_note: Option<String>,
}

/// Update an action
///
/// Adds a progress note, or closes the action as `done` or `dropped` with a completion note.
/// The action's owner (a member with an account) may, and whoever may change the case (the
/// lead professional, LCSS for the locality); other readers get 403. A done or dropped action
/// does not change again (409 `action_state`).
#[utoipa::path(
    patch,
    path = "/api/v1/actions/{id}",
    tag = "tafs",
    params(IdPath),
    request_body = UpdateActionRequest,
    responses(
        (status = 200, description = "Updated.", body = ActionResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, action.id = %id))]
pub async fn update_action(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<UpdateActionRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let mut checks = Checks::default();
    let text = |checks: &mut Checks, field: &str, raw: Option<&str>| match raw {
        None => Some(None),
        Some(raw) => match optional_text(Some(raw), 4000) {
            Ok(Some(text)) => Some(Some(text)),
            Ok(None) => {
                checks.fail(field, "must not be blank");
                None
            }
            Err(error) => {
                checks.fail(field, error);
                None
            }
        },
    };
    let note = text(
        &mut checks,
        "progress_note",
        request.progress_note.as_deref(),
    );
    let completion = text(
        &mut checks,
        "completion_note",
        request.completion_note.as_deref(),
    );
    let status = match request.status.as_deref() {
        None => Some(None),
        Some(raw) => match raw.parse::<ActionStatus>() {
            Ok(status) => Some(Some(status)),
            Err(_) => {
                checks.fail("status", "must be open, done or dropped");
                None
            }
        },
    };
    if request.progress_note.is_none() && request.status.is_none() {
        checks.fail("progress_note", "send a progress note or a status");
    }
    let (progress_note, completion_note, status) =
        checks.finish(|| Some((note?, completion?, status?)))?;
    let command = UpdateAction {
        action: id.into_inner(),
        progress_note,
        status,
        completion_note,
    };
    let action = auth
        .run(&state, move |conn, audit, actor| {
            meetings::update_action(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ActionResponse::from(action)))
}
