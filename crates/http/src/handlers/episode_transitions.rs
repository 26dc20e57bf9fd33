//! The transitions of an open episode: threshold changes, lead-professional transfer and
//! closure ([`earlyhelp_workflows::episodes`]).

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::episodes::{required_text, threshold, EpisodeResponse};
use crate::handlers::wire::IdPath;
use crate::json::ApiJson;
use crate::openapi::case::{
    ClosureReason as ClosureReasonSchema, EpisodeClosed, RequiredText4000, ThresholdLevel,
};
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::web::Path;
use actix_web::HttpResponse;
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::episode::ClosureReason;
use earlyhelp_domain::EpisodeId;
use earlyhelp_workflows::episodes::{self, ChangeThreshold, CloseEpisode, ProposeTransfer};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ChangeThreshold)]
pub struct ChangeThresholdRequest {
    /// 2 (vulnerable) or 3 (complex). 1 is a 422 `universal_threshold`, 4 a 422
    /// `statutory_threshold`; anything else a 422 `validation_failed`.
    #[schema(value_type = ThresholdLevel)]
    level: i64,
    #[schema(value_type = RequiredText4000)]
    rationale: String,
}
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ProposeTransfer)]
pub struct ProposeTransferRequest {
    /// An active practitioner or LCSS worker or manager who does not already lead the episode.
    to_user_id: Uuid,
}
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CloseEpisode)]
pub struct CloseEpisodeRequest {
    #[schema(value_type = ClosureReasonSchema)]
    reason: String,
    /// Required (not blank) when the reason is `other`.
    #[schema(value_type = Option<crate::openapi::case::OptionalText4000>)]
    note: Option<String>,
}

/// Change the threshold level
///
/// Moves an open episode to level 2 or 3 with a rationale, kept in its threshold history.
/// Levels 1 and 4 are refused as when opening (422 `universal_threshold`,
/// `statutory_threshold`); a closed episode is a 409 `episode_closed`.
#[utoipa::path(
    post,
    path = "/api/v1/episodes/{id}/threshold",
    tag = "episodes",
    params(IdPath),
    request_body = ChangeThresholdRequest,
    responses(
        (status = 200, description = "The episode at its new level.", body = EpisodeResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = EpisodeClosed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (
            status = 422,
            description = "Validation failed (`validation_failed`, with `errors`), or the level \
                is 1 (`universal_threshold`) or 4 (`statutory_threshold`).",
            content_type = "application/problem+json",
            body = crate::openapi::responses::Problem,
        ),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn change_threshold(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
    body: ApiJson<ChangeThresholdRequest>,
) -> Result<HttpResponse, ApiError> {
    if body.0.level == 4 {
        return Err(crate::handlers::episodes::statutory_refusal(&state, auth).await);
    }
    let command = ChangeThreshold {
        episode: id.into_inner(),
        level: threshold(body.0.level)?,
        rationale: required_text(&body.0.rationale, 4000)
            .map_err(|e| ApiError::validation("rationale", e))?,
    };
    let episode = auth
        .run(&state, |conn, audit, actor| {
            episodes::change_threshold(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(EpisodeResponse::from(episode)))
}

/// Propose a new lead professional
///
/// Proposes handing the episode to another active practitioner or LCSS worker or manager (422
/// otherwise, or if they already lead it). Nothing changes until they accept; a new proposal
/// replaces a pending one.
#[utoipa::path(
    post,
    path = "/api/v1/episodes/{id}/transfer",
    tag = "episodes",
    params(IdPath),
    request_body = ProposeTransferRequest,
    responses(
        (
            status = 200,
            description = "The episode with its `pending_transfer`.",
            body = EpisodeResponse,
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = EpisodeClosed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn propose_transfer(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
    body: ApiJson<ProposeTransferRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = ProposeTransfer {
        episode: id.into_inner(),
        to: body.0.to_user_id.into(),
    };
    let episode = auth
        .run(&state, |conn, audit, actor| {
            episodes::propose_transfer(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(EpisodeResponse::from(episode)))
}

/// Accept a transfer
///
/// The proposed professional takes the episode on: they become its and the family's lead
/// professional, and their organisation the lead organisation. Only they may accept: to anyone
/// else who can see the episode it is a 409 `no_transfer_for_you`, to anyone else a 404. Takes
/// no request body.
#[utoipa::path(
    post,
    path = "/api/v1/episodes/{id}/transfer/accept",
    tag = "episodes",
    params(IdPath),
    responses(
        (
            status = 200,
            description = "The episode with its new lead professional.",
            body = EpisodeResponse,
        ),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (
            status = 409,
            description = "No transfer of this episode is waiting for the actor \
                (`no_transfer_for_you`), or the episode is closed (`episode_closed`).",
            content_type = "application/problem+json",
            body = crate::openapi::responses::Problem,
        ),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn accept_transfer(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let episode = auth
        .run(&state, move |conn, audit, actor| {
            episodes::accept_transfer(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(EpisodeResponse::from(episode)))
}

impl CloseEpisodeRequest {
    fn into_command(self, episode: EpisodeId) -> Result<CloseEpisode, ApiError> {
        let mut checks = Checks::default();
        let reason = checks.check("reason", ClosureReason::parse(&self.reason));
        let note = checks.check("note", optional_text(self.note.as_deref(), 4000));
        if let (Some(reason), Some(None)) = (reason, &note) {
            if reason.needs_note() {
                checks.fail(
                    "note",
                    "say why the episode is closing when the reason is other",
                );
            }
        }
        let (reason, note) = checks.finish(|| Some((reason?, note?)))?;
        Ok(CloseEpisode {
            episode,
            reason,
            note,
        })
    }
}

/// Close an episode
///
/// Closes the episode with a reason; `other` needs a `note` saying why. Closing is final (409
/// `episode_closed` for an episode already closed).
#[utoipa::path(
    post,
    path = "/api/v1/episodes/{id}/close",
    tag = "episodes",
    params(IdPath),
    request_body = CloseEpisodeRequest,
    responses(
        (status = 200, description = "The closed episode.", body = EpisodeResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = EpisodeClosed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn close_episode(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
    body: ApiJson<CloseEpisodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command(id.into_inner())?;
    let episode = auth
        .run(&state, |conn, audit, actor| {
            episodes::close(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(EpisodeResponse::from(episode)))
}
