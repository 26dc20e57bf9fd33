//! The transitions of an open episode: threshold changes, lead-professional transfer and
//! closure. Each locks the episode row, asks the domain state machine, changes, and writes its
//! chronology and audit entries in one transaction.

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::case::{apply_transition, authorize_family};
use crate::handlers::episodes::{
    authorised_episode, detailed, eligible_lead, note, required_text, step, threshold,
};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::web::Path;
use actix_web::HttpResponse;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::episode::{ClosureReason, EpisodeEvent};
use earlyhelp_domain::policy::Permission;
use earlyhelp_domain::{EpisodeId, FamilyId};
use earlyhelp_persistence::audit::AuditEvent;
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::episodes::{self};
use earlyhelp_persistence::{families, users};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeThreshold {
    level: i64,
    rationale: String,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposeTransfer {
    to_user_id: Uuid,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseEpisode {
    reason: String,
    note: Option<String>,
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn change_threshold(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<ChangeThreshold>,
) -> Result<HttpResponse, ApiError> {
    let id = EpisodeId::from_uuid(id.into_inner());
    let level = threshold(body.0.level)?;
    let rationale =
        required_text(&body.0.rationale, 4000).map_err(|e| ApiError::validation("rationale", e))?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let episode = state
        .db(move |conn| {
            authorised_episode(conn, &actor, Permission::WriteCase, id)?;
            let episode = apply_transition(conn, &context, |conn, trail| {
                let current = episodes::find_for_update(conn, id)?;
                if let Err(error) = step(&current.state, EpisodeEvent::ChangeThreshold) {
                    return Ok(Err(error));
                }
                let episode = episodes::change_threshold(
                    conn,
                    id,
                    level.level(),
                    &rationale,
                    actor.user_id.into_uuid(),
                )?;
                let summary = format!(
                    "Threshold level changed from {} to {}",
                    current.threshold_level,
                    level.level()
                );
                note(
                    conn,
                    trail,
                    &actor,
                    &episode,
                    AuditAction::ChangeThreshold,
                    "episode.threshold_changed",
                    &summary,
                )?;
                Ok(Ok(episode))
            })?;
            Ok(detailed(conn, episode)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(episode))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn propose_transfer(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<ProposeTransfer>,
) -> Result<HttpResponse, ApiError> {
    let id = EpisodeId::from_uuid(id.into_inner());
    let to = body.0.to_user_id;
    let context = auth.audit_context();
    let actor = auth.actor;
    let episode = state
        .db(move |conn| {
            authorised_episode(conn, &actor, Permission::WriteCase, id)?;
            eligible_lead(conn, to, "to_user_id")?;
            let outcome = apply_transition(conn, &context, |conn, trail| {
                let current = episodes::find_for_update(conn, id)?;
                if let Err(error) = step(&current.state, EpisodeEvent::ProposeTransfer) {
                    return Ok(Err(error));
                }
                if current.lead_professional_id == to {
                    return Ok(Err(ApiError::validation(
                        "to_user_id",
                        "is already the lead professional",
                    )));
                }
                let episode = episodes::propose_transfer(conn, id, to, actor.user_id.into_uuid())?;
                note(
                    conn,
                    trail,
                    &actor,
                    &episode,
                    AuditAction::ProposeTransfer,
                    "episode.transfer_proposed",
                    "Transfer of lead professional proposed",
                )?;
                Ok(Ok(episode))
            })?;
            Ok(detailed(conn, outcome)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(episode))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn accept_transfer(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = EpisodeId::from_uuid(id.into_inner());
    let context = auth.audit_context();
    let actor = auth.actor;
    let episode = state
        .db(move |conn| {
            let me = actor.user_id.into_uuid();
            let current = episodes::find(conn, id)?;
            if current.transfer_to != Some(me) {
                // Only the proposed lead may accept; to anyone else the episode is either
                // visible (409) or does not exist for them (404).
                authorize_family(
                    conn,
                    &actor,
                    Permission::ReadCase,
                    FamilyId::from_uuid(current.family_id),
                )?;
                return Err(ApiError::Conflict {
                    code: "no_transfer_for_you",
                    detail: "There is no transfer of this episode waiting for you to accept."
                        .into(),
                });
            }
            let organisation = users::find(conn, actor.user_id)?.organisation_id;
            let episode = apply_transition(conn, &context, |conn, trail| {
                let current = episodes::find_for_update(conn, id)?;
                if let Err(error) = step(&current.state, EpisodeEvent::AcceptTransfer) {
                    return Ok(Err(error));
                }
                if current.transfer_to != Some(me) {
                    return Ok(Err(ApiError::Conflict {
                        code: "no_transfer_for_you",
                        detail: "The transfer was withdrawn or changed.".into(),
                    }));
                }
                let episode = episodes::accept_transfer(conn, &current, organisation)?;
                families::set_lead_professional(conn, FamilyId::from_uuid(episode.family_id), me)?;
                note(
                    conn,
                    trail,
                    &actor,
                    &episode,
                    AuditAction::AcceptTransfer,
                    "episode.transferred",
                    "Lead professional transferred",
                )?;
                Ok(Ok(episode))
            })?;
            Ok(detailed(conn, episode)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(episode))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn close_episode(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<CloseEpisode>,
) -> Result<HttpResponse, ApiError> {
    let id = EpisodeId::from_uuid(id.into_inner());
    let body = body.0;
    let mut checks = Checks::default();
    let reason = checks.check("reason", ClosureReason::parse(&body.reason));
    let note_text = checks.check("note", optional_text(body.note.as_deref(), 4000));
    if let (Some(reason), Some(None)) = (reason, &note_text) {
        if reason.needs_note() {
            checks.fail(
                "note",
                "say why the episode is closing when the reason is other",
            );
        }
    }
    let (reason, note_text) = checks.finish(|| Some((reason?, note_text?)))?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let episode = state
        .db(move |conn| {
            authorised_episode(conn, &actor, Permission::WriteCase, id)?;
            let episode = apply_transition(conn, &context, |conn, trail| {
                let current = episodes::find_for_update(conn, id)?;
                if let Err(error) = step(&current.state, EpisodeEvent::Close) {
                    return Ok(Err(error));
                }
                let episode = episodes::close(
                    conn,
                    id,
                    reason.as_str(),
                    note_text.as_deref(),
                    actor.user_id.into_uuid(),
                )?;
                trail.record(
                    AuditEvent::success(AuditAction::CloseEpisode, EntityType::Episode, episode.id)
                        .with_detail(json!({ "reason": reason.as_str() })),
                );
                chronology::record(
                    conn,
                    &Happening {
                        family: FamilyId::from_uuid(episode.family_id),
                        kind: "episode.closed",
                        actor: actor.user_id,
                        summary: &format!("Episode closed: {}", reason.as_str().replace('_', " ")),
                        entity_type: "episode",
                        entity_id: episode.id,
                    },
                )?;
                Ok(Ok(episode))
            })?;
            Ok(detailed(conn, episode)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(episode))
}
