//! The transitions of an open episode: threshold changes, lead-professional transfer and
//! closure ([`earlyhelp_workflows::episodes`]).

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::episodes::{required_text, threshold, EpisodeResponse};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::web::Path;
use actix_web::HttpResponse;
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::episode::ClosureReason;
use earlyhelp_domain::EpisodeId;
use earlyhelp_workflows::episodes::{self, ChangeThreshold, CloseEpisode, ProposeTransfer};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeThresholdRequest {
    level: i64,
    rationale: String,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposeTransferRequest {
    to_user_id: Uuid,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseEpisodeRequest {
    reason: String,
    note: Option<String>,
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn change_threshold(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
    body: ApiJson<ChangeThresholdRequest>,
) -> Result<HttpResponse, ApiError> {
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
