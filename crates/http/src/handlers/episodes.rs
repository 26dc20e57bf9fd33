//! `/api/v1/episodes`: listing, opening and reading episodes; the transitions of an open
//! episode are in [`crate::handlers::episode_transitions`]. The steps themselves are in
//! [`earlyhelp_workflows::episodes`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, List};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::episode::{EpisodeState, ThresholdLevel};
use earlyhelp_domain::{EpisodeId, FamilyId, LocalityId, PersonId, UserId};
use earlyhelp_persistence::episodes::{Episode, EpisodeFilter};
use earlyhelp_workflows::episodes::{self, EpisodeRecord, ListEpisodes, OpenEpisode};
use earlyhelp_workflows::Refusal;
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
pub struct OpenEpisodeRequest {
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
                to_user_id: to_user_id.into(),
                proposed_by: proposed_by.into(),
                proposed_at,
            }),
            _ => None,
        };
        Self {
            id: row.id.into(),
            family_id: row.family_id.into(),
            locality_id: row.locality_id.into(),
            lead_professional_id: row.lead_professional_id.into(),
            lead_organisation_id: row.lead_organisation_id.into(),
            threshold_level: row.threshold_level,
            reason: row.reason,
            state: row.state.to_string(),
            opened_at: row.opened_at,
            opened_by: row.opened_by.into(),
            closed_at: row.closed_at,
            closure_reason: row.closure_reason.map(|reason| reason.to_string()),
            closure_note: row.closure_note,
            pending_transfer,
            children: None,
            threshold_history: None,
            transfers: None,
            assessments: None,
        }
    }
}
impl From<EpisodeRecord> for EpisodeResponse {
    fn from(record: EpisodeRecord) -> Self {
        let mut response = EpisodeResponse::from(record.episode);
        response.assessments = Some(
            record
                .assessments
                .into_iter()
                .map(|a| AssessmentLink {
                    id: a.id.into(),
                    state: a.state.to_string(),
                    completed_at: a.completed_at,
                })
                .collect(),
        );
        response.children = Some(record.children.into_iter().map(Uuid::from).collect());
        response.threshold_history = Some(
            record
                .threshold_history
                .into_iter()
                .map(|h| ThresholdEntry {
                    level: h.level,
                    rationale: h.rationale,
                    changed_by: h.changed_by.into(),
                    changed_at: h.changed_at,
                })
                .collect(),
        );
        response.transfers = Some(
            record
                .transfers
                .into_iter()
                .map(|t| TransferEntry {
                    from_user_id: t.from_user_id.into(),
                    to_user_id: t.to_user_id.into(),
                    proposed_by: t.proposed_by.into(),
                    proposed_at: t.proposed_at,
                    accepted_at: t.accepted_at,
                })
                .collect(),
        );
        response
    }
}

/// A threshold level an episode may hold (2 or 3); 1 and 4 are refused with their own codes.
pub(crate) fn threshold(level: i64) -> Result<ThresholdLevel, ApiError> {
    ThresholdLevel::from_level(level).map_err(|error| Refusal::from(error).into())
}

/// Trimmed, single text of at most `max` characters that is not blank.
pub(crate) fn required_text(raw: &str, max: usize) -> Result<String, String> {
    match optional_text(Some(raw), max).map_err(|e| e.to_string())? {
        Some(text) => Ok(text),
        None => Err("must not be blank".to_owned()),
    }
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_episodes(
    state: State,
    auth: Authenticated,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let state_filter = match &query.state {
        Some(state) => Some(
            EpisodeState::parse(state)
                .ok_or_else(|| ApiError::validation("state", "must be open or closed"))?,
        ),
        None => None,
    };
    let command = ListEpisodes {
        filter: EpisodeFilter {
            state: state_filter,
            family_id: query.family_id.map(FamilyId::from),
            lead_professional_id: query.lead_professional_id.map(UserId::from),
        },
        page,
    };
    let page = auth
        .run(&state, |conn, audit, actor| {
            episodes::list(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, EpisodeResponse::from)))
}

impl TryFrom<OpenEpisodeRequest> for OpenEpisode {
    type Error = ApiError;

    fn try_from(body: OpenEpisodeRequest) -> Result<Self, ApiError> {
        let threshold = threshold(body.threshold_level)?;
        let mut checks = Checks::default();
        let rationale = checks.check(
            "threshold_rationale",
            required_text(&body.threshold_rationale, 4000),
        );
        let reason = checks.check("reason", required_text(&body.reason, 4000));
        if body.children.is_empty() {
            checks.fail("children", "name at least one child the episode concerns");
        }
        let (threshold_rationale, reason) = checks.finish(|| Some((rationale?, reason?)))?;
        Ok(OpenEpisode {
            family: body.family_id.into(),
            lead_professional: body.lead_professional_id.map(UserId::from),
            locality: body.locality_id.map(LocalityId::from),
            children: body.children.into_iter().map(PersonId::from).collect(),
            threshold,
            threshold_rationale,
            reason,
        })
    }
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn open_episode(
    state: State,
    auth: Authenticated,
    body: ApiJson<OpenEpisodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = OpenEpisode::try_from(body.0)?;
    let episode = auth
        .run(&state, |conn, audit, actor| {
            episodes::open(conn, audit, actor, command)
        })
        .await?;
    let episode = EpisodeResponse::from(episode);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/episodes/{}", episode.id)))
        .json(episode))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn get_episode(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let episode = auth
        .run(&state, move |conn, audit, actor| {
            episodes::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(EpisodeResponse::from(episode)))
}
