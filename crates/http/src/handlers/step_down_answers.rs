//! `/api/v1/step-downs/{id}/allocate`, `/accept` and `/decline`: LCSS allocates a step-down
//! to a receiving lead professional, who accepts or declines it. The steps are in
//! [`earlyhelp_workflows::step_downs`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::episodes::required_text;
use crate::handlers::step_downs::StepDownResponse;
use crate::handlers::wire::IdPath;
use crate::json::ApiJson;
use crate::openapi::case::RequiredText4000;
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::web::Path;
use actix_web::HttpResponse;
use earlyhelp_domain::UserId;
use earlyhelp_workflows::step_downs;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AllocateStepDown)]
pub struct AllocateRequest {
    /// An active practitioner or LCSS worker or manager, who accepts or declines.
    lead_professional_id: Uuid,
}

/// Allocate a step-down
///
/// LCSS of the receiving locality allocates a lead professional, who sees it in their work
/// list and accepts or declines. Allocating again before they answer withdraws their
/// allocation. An accepted step-down is a 409 `step_down_state`.
#[utoipa::path(
    post,
    path = "/api/v1/step-downs/{id}/allocate",
    tag = "step-downs",
    params(IdPath),
    request_body = AllocateRequest,
    responses(
        (status = 200, description = "Allocated.", body = StepDownResponse),
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, step_down.id = %id))]
pub async fn allocate_step_down(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<AllocateRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let lead = UserId::from(body.0.lead_professional_id);
    let allocated = auth
        .run(&state, move |conn, audit, actor| {
            step_downs::allocate(conn, audit, actor, id, lead)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StepDownResponse::from(allocated)))
}

/// Accept a step-down
///
/// The lead professional it is allocated to takes the family on: the family's consent to the
/// step-down is recorded as consent to an early help assessment given to them, and an episode
/// opens for the family's children with origin `step_down`, at the step-down's level and for
/// its reason, led by them (its `episode_id`). Only they may accept: to anyone else who can
/// see it, a 409 `not_allocated_to_you`; a step-down not allocated, a 409 `step_down_state`;
/// a family whose early help episode is already open, a 409 `episode_already_open`. Takes no
/// request body.
#[utoipa::path(
    post,
    path = "/api/v1/step-downs/{id}/accept",
    tag = "step-downs",
    params(IdPath),
    responses(
        (status = 200, description = "Accepted: the episode is open.", body = StepDownResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, step_down.id = %id))]
pub async fn accept_step_down(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let accepted = auth
        .run(&state, move |conn, audit, actor| {
            step_downs::accept(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StepDownResponse::from(accepted)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DeclineStepDown)]
pub struct DeclineRequest {
    /// Why: LCSS reads it before allocating again.
    #[schema(value_type = RequiredText4000)]
    reason: String,
}

/// Decline a step-down
///
/// The lead professional it is allocated to declines, with a reason; it goes back to the
/// locality's LCSS to allocate again. Only they may decline (409 `not_allocated_to_you` for
/// anyone else who can see it; 409 `step_down_state` when it is not allocated).
#[utoipa::path(
    post,
    path = "/api/v1/step-downs/{id}/decline",
    tag = "step-downs",
    params(IdPath),
    request_body = DeclineRequest,
    responses(
        (status = 200, description = "Declined: back with LCSS.", body = StepDownResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, step_down.id = %id))]
pub async fn decline_step_down(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<DeclineRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let reason = required_text(&body.0.reason, 4000)
        .map_err(|message| ApiError::validation("reason", message))?;
    let declined = auth
        .run(&state, move |conn, audit, actor| {
            step_downs::decline(conn, audit, actor, id, reason)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StepDownResponse::from(declined)))
}
