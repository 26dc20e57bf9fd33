//! `/api/v1/episodes/{id}/step-ups` and `/api/v1/step-ups/...`: step-up requests to Children's
//! Social Care and its decisions. The steps are in [`earlyhelp_workflows::step_ups`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{page_request, IdPath, List};
use crate::json::ApiJson;
use crate::openapi::case::{
    OptionalText4000, RequiredText4000, StepUpDecision as StepUpDecisionSchema,
    StepUpState as StepUpStateSchema,
};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::step_up::{StepUpDecision, StepUpState};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::EpisodeId;
use earlyhelp_persistence::step_ups::StepUp;
use earlyhelp_workflows::step_ups::{self, DecideStepUp, PhoneMash, RaiseStepUp, RaisedStepUp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A request to Children's Social Care to take a family on, and its decision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StepUp)]
pub struct StepUpResponse {
    id: Uuid,
    episode_id: Uuid,
    family_id: Uuid,
    locality_id: Uuid,
    /// The Children in Need census referral source: always `5D` (LA services - early help).
    #[schema(example = "5D")]
    referral_source: String,
    #[schema(value_type = StepUpStateSchema)]
    state: &'static str,
    reason: String,
    /// 3 (complex) or 4 (critical).
    #[schema(minimum = 3, maximum = 4)]
    threshold_level: i16,
    /// What early help has tried.
    tried: String,
    risks: String,
    /// The concern was immediate: the referrer was told to phone the MASH.
    immediate: bool,
    /// The Strengths and Needs form revision the request was pre-filled from.
    #[schema(required)]
    revision_id: Option<Uuid>,
    raised_by: Uuid,
    raised_at: DateTime<Utc>,
    #[schema(required)]
    decided_by: Option<Uuid>,
    #[schema(required)]
    decided_at: Option<DateTime<Utc>>,
    /// Social care's advice to early help.
    #[schema(required)]
    advice: Option<String>,
}

impl From<StepUp> for StepUpResponse {
    fn from(row: StepUp) -> Self {
        Self {
            id: row.id,
            episode_id: row.episode_id.into(),
            family_id: row.family_id.into(),
            locality_id: row.locality_id.into(),
            referral_source: row.referral_source,
            state: row.state.as_str(),
            reason: row.reason,
            threshold_level: row.threshold_level,
            tried: row.tried,
            risks: row.risks,
            immediate: row.immediate,
            revision_id: row.revision_id.map(Uuid::from),
            raised_by: row.raised_by.into(),
            raised_at: row.raised_at,
            decided_by: row.decided_by.map(Uuid::from),
            decided_at: row.decided_at,
            advice: row.advice,
        }
    }
}

/// What to do now about an immediate concern.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneMashNow {
    /// The locality whose MASH to phone.
    locality: String,
    /// Its MASH number, from the locality's contacts; `null` when none is configured (then
    /// `message` says where to find it).
    #[schema(required)]
    phone: Option<String>,
    message: String,
}

impl From<PhoneMash> for PhoneMashNow {
    fn from(mash: PhoneMash) -> Self {
        let message = match &mash.phone {
            Some(phone) => format!(
                "The concern is immediate: phone the {} MASH now on {phone}. This request is \
                 recorded, but it does not replace the call.",
                mash.locality
            ),
            None => format!(
                "The concern is immediate: phone the MASH now. No MASH number is configured for \
                 {}; ask your LCSS team or use your authority's safeguarding number. This request \
                 is recorded, but it does not replace the call.",
                mash.locality
            ),
        };
        Self {
            locality: mash.locality,
            phone: mash.phone,
            message,
        }
    }
}

/// A step-up as raised: the record, and for an immediate concern what to do now.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RaisedStepUp)]
pub struct RaisedStepUpResponse {
    #[serde(flatten)]
    step_up: StepUpResponse,
    /// Present when the concern is immediate.
    #[schema(required)]
    phone_mash_now: Option<PhoneMashNow>,
}

impl From<RaisedStepUp> for RaisedStepUpResponse {
    fn from(raised: RaisedStepUp) -> Self {
        Self {
            step_up: raised.step_up.into(),
            phone_mash_now: raised.phone_mash.map(Into::into),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RaiseStepUp)]
pub struct RaiseStepUpRequest {
    /// Why social care is needed. Absent: the form's reason for assessment.
    #[schema(value_type = Option<RequiredText4000>)]
    reason: Option<String>,
    /// 3 (complex) or 4 (critical). Absent: the form's level, if 3 or 4.
    #[schema(minimum = 3, maximum = 4)]
    threshold_level: Option<i16>,
    /// What early help has tried. Absent: the form's plan of actions.
    #[schema(value_type = Option<RequiredText4000>)]
    tried: Option<String>,
    /// The risks to the child. Absent: the worries the form summarised.
    #[schema(value_type = Option<RequiredText4000>)]
    risks: Option<String>,
    /// Is the concern immediate? Then phone the MASH now as well (default `false`).
    #[serde(default)]
    immediate: bool,
}

impl RaiseStepUpRequest {
    fn into_command(self, episode: EpisodeId) -> Result<RaiseStepUp, ApiError> {
        let mut checks = Checks::default();
        let mut text = |field: &str, raw: Option<String>| match raw {
            None => Some(None),
            Some(raw) => match optional_text(Some(&raw), 4000) {
                Ok(Some(text)) => Some(Some(text)),
                Ok(None) => {
                    checks.fail(field, "must not be blank (leave it out to use the form's)");
                    None
                }
                Err(error) => {
                    checks.fail(field, error);
                    None
                }
            },
        };
        let reason = text("reason", self.reason);
        let tried = text("tried", self.tried);
        let risks = text("risks", self.risks);
        if self
            .threshold_level
            .is_some_and(|level| !matches!(level, 3 | 4))
        {
            checks.fail("threshold_level", "must be 3 (complex) or 4 (critical)");
        }
        let (reason, tried, risks) = checks.finish(|| Some((reason?, tried?, risks?)))?;
        Ok(RaiseStepUp {
            episode,
            reason,
            threshold_level: self.threshold_level,
            tried,
            risks,
            immediate: self.immediate,
        })
    }
}

/// Step up to Children's Social Care
///
/// Asks Children's Social Care to take on the family of an open episode (409 `episode_closed`
/// otherwise), with referral source `5D`. What the request leaves out comes from the episode's
/// latest Strengths and Needs form revision: the reason for assessment, the plan's actions as
/// what has been tried, the summarised worries as the risks, and the form's level if 3 or 4;
/// anything still missing is a 422 naming it. One request at a time per episode (409
/// `conflict`). For an immediate concern the answer's `phone_mash_now` gives the locality's
/// MASH number to phone now; the request is recorded either way. The lead professional or LCSS
/// for the locality may raise it.
#[utoipa::path(
    post,
    path = "/api/v1/episodes/{id}/step-ups",
    tag = "step-ups",
    params(IdPath),
    request_body = RaiseStepUpRequest,
    responses(
        (
            status = 201,
            description = "Raised.",
            body = RaisedStepUpResponse,
            headers(("Location" = String, description = "The path of the created record.")),
        ),
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn raise_step_up(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
    body: ApiJson<RaiseStepUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command(id.into_inner())?;
    let raised = auth
        .run(&state, move |conn, audit, actor| {
            step_ups::raise(conn, audit, actor, command)
        })
        .await?;
    let location = format!("/api/v1/step-ups/{}", raised.step_up.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(RaisedStepUpResponse::from(raised)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StepUpQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// Only step-ups in this state.
    #[param(value_type = Option<StepUpStateSchema>)]
    state: Option<String>,
}

/// List step-ups
///
/// The step-ups of the families the caller may read, oldest first: for social care, every
/// family referred to it; for early help, its own. `?state=requested` keeps those waiting for
/// a decision.
#[utoipa::path(
    get,
    path = "/api/v1/step-ups",
    tag = "step-ups",
    params(StepUpQuery),
    responses(
        (status = 200, description = "A page of step-ups.", body = List<StepUpResponse>),
        (status = 401, response = Unauthorized),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_step_ups(
    state: State,
    auth: Authenticated,
    query: Query<StepUpQuery>,
) -> Result<HttpResponse, ApiError> {
    let wanted = match query.state.as_deref() {
        None => None,
        Some(raw) => Some(raw.parse::<StepUpState>().map_err(|_| {
            ApiError::validation("state", "must be requested, accepted or not_accepted")
        })?),
    };
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let found = auth
        .run(&state, move |conn, audit, actor| {
            step_ups::list(conn, audit, actor, wanted, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(found, StepUpResponse::from)))
}

/// Get a step-up
#[utoipa::path(
    get,
    path = "/api/v1/step-ups/{id}",
    tag = "step-ups",
    params(IdPath),
    responses(
        (status = 200, description = "The step-up.", body = StepUpResponse),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, step_up.id = %id))]
pub async fn get_step_up(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = auth
        .run(&state, move |conn, audit, actor| {
            step_ups::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StepUpResponse::from(found)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DecideStepUp)]
pub struct DecideStepUpRequest {
    #[schema(value_type = StepUpDecisionSchema)]
    decision: String,
    /// Social care's advice to early help: required when not accepted (what to do instead),
    /// optional when accepted. At most 4000 characters.
    #[schema(value_type = Option<OptionalText4000>)]
    advice: Option<String>,
}

/// Decide a step-up
///
/// Social care (for the families referred to it) decides once: `accepted` for statutory
/// assessment (the episode closes as stepped up and the family is marked known to social care
/// from today) or `not_accepted`, with `advice` for early help, which continues. A decided
/// step-up is a 409 `step_up_decided`. The referrer and the locality LCSS see the decision in
/// their work lists.
#[utoipa::path(
    post,
    path = "/api/v1/step-ups/{id}/decision",
    tag = "step-ups",
    params(IdPath),
    request_body = DecideStepUpRequest,
    responses(
        (status = 200, description = "Decided.", body = StepUpResponse),
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, step_up.id = %id))]
pub async fn decide_step_up(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<DecideStepUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let mut checks = Checks::default();
    let decision = match request.decision.as_str() {
        "accepted" => Some(StepUpDecision::Accept),
        "not_accepted" => Some(StepUpDecision::NotAccept),
        _ => {
            checks.fail("decision", "must be accepted or not_accepted");
            None
        }
    };
    let advice = checks.check("advice", optional_text(request.advice.as_deref(), 4000));
    if decision == Some(StepUpDecision::NotAccept) && advice.as_ref().is_some_and(Option::is_none) {
        checks.fail(
            "advice",
            "is required when not accepted: what early help should do instead",
        );
    }
    let (decision, advice) = checks.finish(|| Some((decision?, advice?)))?;
    let command = DecideStepUp {
        step_up: id.into_inner(),
        decision,
        advice,
    };
    let decided = auth
        .run(&state, move |conn, audit, actor| {
            step_ups::decide(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StepUpResponse::from(decided)))
}
