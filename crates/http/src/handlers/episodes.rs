//! `/api/v1/episodes`: opening, threshold changes, lead-professional transfer and closure.
//! Every transition follows one shape: authorise, lock the episode row, ask the domain state
//! machine, change, write chronology and audit, commit.

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::case::{authorize_family, readable};
use crate::handlers::wire::{page_request, List};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::episode::{self, EpisodeEvent, EpisodeState, ThresholdError, ThresholdLevel};
use earlyhelp_domain::policy::{Actor, Permission};
use earlyhelp_domain::{EpisodeId, FamilyId, LocalityId, OrganisationId, Role, UserId};
use earlyhelp_persistence::audit::{self, AuditEvent, AuditTrail};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::episodes::{self, Episode, EpisodeFilter, NewEpisode};
use earlyhelp_persistence::{
    consents, families, organisations, users, Error as DbError, PgConnection,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    cursor: Option<String>,
    limit: Option<i64>,
    state: Option<String>,
    family_id: Option<Uuid>,
    lead_professional_id: Option<Uuid>,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenEpisode {
    family_id: Uuid,
    /// Defaults to the professional opening it.
    lead_professional_id: Option<Uuid>,
    /// Defaults to the lead professional's organisation's locality.
    locality_id: Option<Uuid>,
    children: Vec<Uuid>,
    threshold_level: i64,
    threshold_rationale: String,
    reason: String,
}
#[derive(Debug, Serialize)]
struct PendingTransfer {
    to_user_id: Uuid,
    proposed_by: Uuid,
    proposed_at: DateTime<Utc>,
}
#[derive(Debug, Serialize)]
struct ThresholdEntry {
    level: i16,
    rationale: String,
    changed_by: Uuid,
    changed_at: DateTime<Utc>,
}
#[derive(Debug, Serialize)]
struct TransferEntry {
    from_user_id: Uuid,
    to_user_id: Uuid,
    proposed_by: Uuid,
    proposed_at: DateTime<Utc>,
    accepted_at: DateTime<Utc>,
}
#[derive(Debug, Serialize)]
pub struct EpisodeResponse {
    id: Uuid,
    family_id: Uuid,
    locality_id: Uuid,
    lead_professional_id: Uuid,
    lead_organisation_id: Uuid,
    threshold_level: i16,
    reason: String,
    state: String,
    opened_at: DateTime<Utc>,
    opened_by: Uuid,
    closed_at: Option<DateTime<Utc>>,
    closure_reason: Option<String>,
    closure_note: Option<String>,
    pending_transfer: Option<PendingTransfer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    children: Option<Vec<Uuid>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold_history: Option<Vec<ThresholdEntry>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transfers: Option<Vec<TransferEntry>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assessments: Option<Vec<AssessmentLink>>,
}
/// Where to find the episode's forms.
#[derive(Debug, Serialize)]
struct AssessmentLink {
    id: Uuid,
    state: String,
    completed_at: Option<DateTime<Utc>>,
}
impl From<Episode> for EpisodeResponse {
    fn from(row: Episode) -> Self {
        let pending_transfer = match (
            row.transfer_to,
            row.transfer_proposed_by,
            row.transfer_proposed_at,
        ) {
            (Some(to_user_id), Some(proposed_by), Some(proposed_at)) => Some(PendingTransfer {
                to_user_id,
                proposed_by,
                proposed_at,
            }),
            _ => None,
        };
        Self {
            id: row.id,
            family_id: row.family_id,
            locality_id: row.locality_id,
            lead_professional_id: row.lead_professional_id,
            lead_organisation_id: row.lead_organisation_id,
            threshold_level: row.threshold_level,
            reason: row.reason,
            state: row.state,
            opened_at: row.opened_at,
            opened_by: row.opened_by,
            closed_at: row.closed_at,
            closure_reason: row.closure_reason,
            closure_note: row.closure_note,
            pending_transfer,
            children: None,
            threshold_history: None,
            transfers: None,
            assessments: None,
        }
    }
}
/// The episode with its children and histories, as a single read shows it.
pub(crate) fn detailed(
    conn: &mut PgConnection,
    episode: Episode,
) -> Result<EpisodeResponse, DbError> {
    let id = EpisodeId::from_uuid(episode.id);
    let children = episodes::children(conn, id)?;
    let history = episodes::threshold_history(conn, id)?;
    let transfers = episodes::transfers(conn, id)?;
    let assessments = earlyhelp_persistence::assessments::for_episode(conn, id)?
        .into_iter()
        .map(|a| AssessmentLink {
            id: a.id,
            state: a.state,
            completed_at: a.completed_at,
        })
        .collect();
    let mut response = EpisodeResponse::from(episode);
    response.assessments = Some(assessments);
    response.children = Some(children);
    response.threshold_history = Some(
        history
            .into_iter()
            .map(|h| ThresholdEntry {
                level: h.level,
                rationale: h.rationale,
                changed_by: h.changed_by,
                changed_at: h.changed_at,
            })
            .collect(),
    );
    response.transfers = Some(
        transfers
            .into_iter()
            .map(|t| TransferEntry {
                from_user_id: t.from_user_id,
                to_user_id: t.to_user_id,
                proposed_by: t.proposed_by,
                proposed_at: t.proposed_at,
                accepted_at: t.accepted_at,
            })
            .collect(),
    );
    Ok(response)
}
pub(crate) fn threshold(level: i64) -> Result<ThresholdLevel, ApiError> {
    ThresholdLevel::from_level(level).map_err(|error| match error {
        ThresholdError::Statutory => ApiError::Rule {
            code: "statutory_threshold",
            detail: error.to_string(),
        },
        ThresholdError::Universal => ApiError::Rule {
            code: "universal_threshold",
            detail: error.to_string(),
        },
        ThresholdError::OutOfRange => ApiError::validation("threshold_level", error),
    })
}
pub(crate) fn step(state: &str, event: EpisodeEvent) -> Result<(), ApiError> {
    let state = EpisodeState::parse(state)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("unknown episode state {state}")))?;
    episode::transition(state, event)
        .map(|_| ())
        .map_err(|error| ApiError::Conflict {
            code: "episode_closed",
            detail: format!("{}.", capitalised(&error.to_string())),
        })
}
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
/// An active user who can lead early help (a practitioner or an LCSS worker or manager).
pub(crate) fn eligible_lead(
    conn: &mut PgConnection,
    id: Uuid,
    field: &str,
) -> Result<users::User, ApiError> {
    match users::find(conn, UserId::from_uuid(id)) {
        Ok(user)
            if user.active
                && user.roles.iter().any(|r| {
                    matches!(
                        r.parse::<Role>(),
                        Ok(Role::Practitioner | Role::LcssWorker | Role::LcssManager)
                    )
                }) =>
        {
            Ok(user)
        }
        Ok(_) | Err(DbError::NotFound) => Err(ApiError::validation(
            field,
            "must be an active practitioner or LCSS worker",
        )),
        Err(other) => Err(other.into()),
    }
}
pub(crate) fn note(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    actor: &Actor,
    episode: &Episode,
    action: AuditAction,
    kind: &'static str,
    summary: &str,
) -> Result<(), DbError> {
    trail.record(AuditEvent::success(action, EntityType::Episode, episode.id));
    chronology::record(
        conn,
        &Happening {
            family: FamilyId::from_uuid(episode.family_id),
            kind,
            actor: actor.user_id,
            summary,
            entity_type: "episode",
            entity_id: episode.id,
        },
    )
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_episodes(
    state: State,
    auth: Authenticated,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    if let Some(state) = &query.state {
        EpisodeState::parse(state)
            .ok_or_else(|| ApiError::validation("state", "must be open or closed"))?;
    }
    let filter = EpisodeFilter {
        state: query.state,
        family_id: query.family_id,
        lead_professional_id: query.lead_professional_id,
    };
    let context = auth.audit_context();
    let actor = auth.actor;
    let page = state
        .db(move |conn| {
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::new(
                    AuditAction::ListEpisodes,
                    EntityType::Episode,
                    None,
                    Outcome::Success,
                ),
                |conn| episodes::list(conn, readable(&actor), &filter, &page),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, EpisodeResponse::from)))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn open_episode(
    state: State,
    auth: Authenticated,
    body: ApiJson<OpenEpisode>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let level = threshold(body.threshold_level)?;
    let mut checks = Checks::default();
    let rationale = checks.check(
        "threshold_rationale",
        required_text(&body.threshold_rationale, 4000),
    );
    let reason = checks.check("reason", required_text(&body.reason, 4000));
    if body.children.is_empty() {
        checks.fail("children", "name at least one child the episode concerns");
    }
    let (rationale, reason) = checks.finish(|| Some((rationale?, reason?)))?;
    let family = FamilyId::from_uuid(body.family_id);
    let context = auth.audit_context();
    let actor = auth.actor;
    let episode = state
        .db(move |conn| {
            authorize_family(conn, &actor, Permission::WriteCase, family)?;
            let lead_id = body.lead_professional_id.unwrap_or(actor.user_id.into_uuid());
            let lead = eligible_lead(conn, lead_id, "lead_professional_id")?;
            let locality = match body.locality_id {
                Some(locality) => locality,
                None => organisations::find(conn, OrganisationId::from_uuid(lead.organisation_id))?
                    .locality_id
                    .or(lead.locality_id)
                    .ok_or_else(|| ApiError::validation("locality_id", "the lead professional's organisation serves the whole authority: say which locality"))?,
            };
            let members = families::members(conn, &[family.into_uuid()])?;
            let mut checks = Checks::default();
            for (index, child) in body.children.iter().enumerate() {
                if !members.iter().any(|m| m.id == *child && m.kind == "child") {
                    checks.fail(&format!("children[{index}]"), "must be a child in this family");
                }
            }
            checks.finish(|| Some(()))?;
            if let Err(missing) = episode::require_assessment_consent(consents::has_active_assessment_consent(conn, family)?) {
                return Err(ApiError::Rule {
                    code: "consent_required",
                    detail: format!("{}: POST /api/v1/families/{{id}}/consents with for_assessment true.", capitalised(&missing.to_string())),
                });
            }
            if episodes::open_for_family(conn, family)?.is_some() {
                return Err(ApiError::Conflict { code: "episode_already_open", detail: "This family already has an open episode.".into() });
            }
            let mut children = body.children.clone();
            children.sort();
            children.dedup();
            let new = NewEpisode {
                id: EpisodeId::generate().into_uuid(),
                family_id: family.into_uuid(),
                locality_id: locality,
                lead_professional_id: lead.id,
                lead_organisation_id: lead.organisation_id,
                threshold_level: level.level(),
                reason,
                state: EpisodeState::Open.as_str().to_owned(),
                opened_by: actor.user_id.into_uuid(),
            };
            let episode = audit::audited(conn, &context, |conn, trail| {
                let episode = episodes::open(conn, &new, &children, &rationale)?;
                families::set_lead_professional(conn, family, lead.id)?;
                families::set_locality(conn, family, LocalityId::from_uuid(locality))?;
                let summary = format!("Early help episode opened at threshold level {} for {} child(ren)", level.level(), children.len());
                note(conn, trail, &actor, &episode, AuditAction::OpenEpisode, "episode.opened", &summary)?;
                Ok(episode)
            })
            .map_err(|error| match error {
                DbError::Conflict { .. } => ApiError::Conflict { code: "episode_already_open", detail: "This family already has an open episode.".into() },
                DbError::MissingReference { .. } => ApiError::validation("locality_id", "no such locality"),
                other => other.into(),
            })?;
            Ok(detailed(conn, episode)?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/episodes/{}", episode.id)))
        .json(episode))
}
pub(crate) fn required_text(raw: &str, max: usize) -> Result<String, String> {
    match optional_text(Some(raw), max).map_err(|e| e.to_string())? {
        Some(text) => Ok(text),
        None => Err("must not be blank".to_owned()),
    }
}
/// Loads the episode and checks the actor may act on its family.
pub(crate) fn authorised_episode(
    conn: &mut PgConnection,
    actor: &Actor,
    permission: Permission,
    id: EpisodeId,
) -> Result<Episode, ApiError> {
    let episode = episodes::find(conn, id)?;
    authorize_family(
        conn,
        actor,
        permission,
        FamilyId::from_uuid(episode.family_id),
    )?;
    Ok(episode)
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn get_episode(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = EpisodeId::from_uuid(id.into_inner());
    let context = auth.audit_context();
    let actor = auth.actor;
    let episode = state
        .db(move |conn| {
            let episode = match authorised_episode(conn, &actor, Permission::ReadCase, id) {
                Ok(episode) => episode,
                // The proposed new lead may read the episode they are asked to take on.
                Err(ApiError::NotFound(_)) => match episodes::find(conn, id) {
                    Ok(episode) if episode.transfer_to == Some(actor.user_id.into_uuid()) => {
                        episode
                    }
                    _ => return Err(ApiError::NotFound("No such record.")),
                },
                Err(other) => return Err(other),
            };
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::success(AuditAction::ReadEpisode, EntityType::Episode, id),
                |conn| detailed(conn, episode),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(episode))
}
