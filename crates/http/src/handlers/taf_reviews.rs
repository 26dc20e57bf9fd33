//! `POST /api/v1/tafs/{id}/close` and `GET /api/v1/tafs`: closing a Team Around the Family
//! with its outcomes, and the teams a user may read, those past their review date among them.
//! The steps are in [`earlyhelp_workflows::tafs`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::tafs::TafResponse;
use crate::handlers::wire::{page_request, IdPath, List};
use crate::json::ApiJson;
use crate::openapi::case::{
    Achievement as AchievementSchema, NextStep as NextStepSchema, OptionalLine1000,
    OptionalText4000, TafState as TafStateSchema,
};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::directory::{optional_line, optional_text};
use earlyhelp_domain::taf::{Achievement, NextStep};
use earlyhelp_domain::validation::Checks;
use earlyhelp_persistence::tafs::TafSummary;
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::tafs::{self, CloseTaf, ListTafs, OutcomeRating};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One planned outcome's rating, in the order of the accepted form's outcomes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRatingInput {
    #[schema(value_type = AchievementSchema)]
    achievement: String,
    /// What was seen: at most 4000 characters. Empty or absent means none.
    #[schema(value_type = Option<OptionalText4000>)]
    note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CloseTaf)]
pub struct CloseTafRequest {
    /// One rating per planned outcome of the episode's latest accepted Strengths and Needs form,
    /// in its order; empty when there is no accepted form.
    #[schema(max_items = 50)]
    outcomes: Vec<OutcomeRatingInput>,
    /// The family's feedback on the help they had: at most 4000 characters.
    #[schema(value_type = Option<OptionalText4000>)]
    family_feedback: Option<String>,
    /// The child's feedback, in their words where possible: at most 4000 characters.
    #[schema(value_type = Option<OptionalText4000>)]
    child_feedback: Option<String>,
    #[schema(value_type = NextStepSchema)]
    next_step: String,
    /// Which service, or why: at most 1000 characters on one line.
    #[schema(value_type = Option<OptionalLine1000>)]
    next_step_detail: Option<String>,
}

impl CloseTafRequest {
    fn into_command(self, taf: Uuid) -> Result<CloseTaf, ApiError> {
        let mut checks = Checks::default();
        let mut outcomes = Vec::new();
        if self.outcomes.len() > 50 {
            checks.fail("outcomes", "at most 50 outcomes");
        }
        for (index, rating) in self.outcomes.iter().enumerate() {
            let achievement = checks.check(
                &format!("outcomes[{index}].achievement"),
                rating
                    .achievement
                    .parse::<Achievement>()
                    .map_err(|_| "must be achieved, partly_achieved or not_achieved"),
            );
            let note = checks.check(
                &format!("outcomes[{index}].note"),
                optional_text(rating.note.as_deref(), 4000),
            );
            if let (Some(achievement), Some(note)) = (achievement, note) {
                outcomes.push(OutcomeRating { achievement, note });
            }
        }
        let family_feedback = checks.check(
            "family_feedback",
            optional_text(self.family_feedback.as_deref(), 4000),
        );
        let child_feedback = checks.check(
            "child_feedback",
            optional_text(self.child_feedback.as_deref(), 4000),
        );
        let next_step = checks.check(
            "next_step",
            self.next_step
                .parse::<NextStep>()
                .map_err(|_| "must be universal_services, another_service or step_up"),
        );
        let detail = checks.check(
            "next_step_detail",
            optional_line(self.next_step_detail.as_deref(), 1000),
        );
        let (family_feedback, child_feedback, next_step, next_step_detail) =
            checks.finish(|| Some((family_feedback?, child_feedback?, next_step?, detail?)))?;
        Ok(CloseTaf {
            taf,
            outcomes,
            family_feedback,
            child_feedback,
            next_step,
            next_step_detail,
        })
    }
}

/// Close a Team Around the Family
///
/// Closes the team, whether its episode is still open or has closed, recording for each
/// planned outcome of the episode's latest accepted Strengths and Needs form how far it was
/// achieved (one rating per outcome, in order: 422 on `outcomes` otherwise), the family's and
/// the child's feedback, and what follows. From then its members reach nothing of the case
/// through the team, and nothing about the team changes (409 `taf_closed`). The lead
/// professional or LCSS for the locality closes it.
#[utoipa::path(
    post,
    path = "/api/v1/tafs/{id}/close",
    tag = "tafs",
    params(IdPath),
    request_body = CloseTafRequest,
    responses(
        (status = 200, description = "Closed.", body = TafResponse),
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, taf.id = %id))]
pub async fn close_taf(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<CloseTafRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command(id.into_inner())?;
    let record = auth
        .run(&state, move |conn, audit, actor| {
            tafs::close(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(TafResponse::from(record)))
}

/// A team as lists show it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TafSummary)]
pub struct TafSummaryResponse {
    id: Uuid,
    episode_id: Uuid,
    family_id: Uuid,
    family_reference: String,
    lead_professional_id: Uuid,
    review_due_on: NaiveDate,
    /// Open, with its review date passed.
    review_overdue: bool,
    #[schema(value_type = TafStateSchema)]
    state: &'static str,
    created_at: DateTime<Utc>,
}

impl From<TafSummary> for TafSummaryResponse {
    fn from(row: TafSummary) -> Self {
        Self {
            id: row.id,
            episode_id: row.episode_id.into(),
            family_id: row.family_id.into(),
            family_reference: row.family_reference,
            lead_professional_id: row.lead_professional_id.into(),
            review_overdue: row.closed_at.is_none() && row.review_due_on < today(),
            review_due_on: row.review_due_on,
            state: if row.closed_at.is_some() {
                "closed"
            } else {
                "open"
            },
            created_at: row.created_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TafQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// `true`: only open teams of open episodes whose review date has passed.
    overdue: Option<bool>,
}

/// List Teams Around the Family
///
/// The teams of the families the caller may read, oldest first; `?overdue=true` keeps the open
/// teams of open episodes whose review date has passed with no meeting's minutes finalised
/// since to set the next.
#[utoipa::path(
    get,
    path = "/api/v1/tafs",
    tag = "tafs",
    params(TafQuery),
    responses(
        (status = 200, description = "A page of teams.", body = List<TafSummaryResponse>),
        (status = 401, response = Unauthorized),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_tafs(
    state: State,
    auth: Authenticated,
    query: Query<TafQuery>,
) -> Result<HttpResponse, ApiError> {
    let command = ListTafs {
        overdue: query.overdue.unwrap_or(false),
        page: page_request(query.cursor.as_deref(), query.limit)?,
    };
    let found = auth
        .run(&state, move |conn, audit, actor| {
            tafs::list(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(found, TafSummaryResponse::from)))
}
