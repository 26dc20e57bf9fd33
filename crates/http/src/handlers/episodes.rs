//! `/api/v1/episodes`: listing, opening and reading episodes; the transitions of an open
//! episode are in [`crate::handlers::episode_transitions`]. The steps themselves are in
//! [`earlyhelp_workflows::episodes`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, IdPath, List};
use crate::idempotency::{idempotency_key, IdempotencyKeyHeader};
use crate::json::ApiJson;
use crate::openapi::case::{
    AssessmentState, ClosureReason, EpisodeState as EpisodeStateSchema, RequiredText4000,
    ThresholdLevel as ThresholdLevelSchema,
};
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::episode::{EpisodeState, ThresholdLevel};
use earlyhelp_domain::{EpisodeId, FamilyId, LocalityId, PersonId, UserId};
use earlyhelp_persistence::episodes::{Episode, EpisodeFilter};
use earlyhelp_workflows::episodes::{self, EpisodeRecord, ListEpisodes, OpenEpisode};
use earlyhelp_workflows::Refusal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `?cursor=...&limit=...&state=...&family_id=...&lead_professional_id=...`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// Only open or only closed episodes.
    #[param(value_type = Option<EpisodeStateSchema>)]
    state: Option<String>,
    /// Only this family's episodes.
    family_id: Option<Uuid>,
    /// Only episodes led by this professional.
    lead_professional_id: Option<Uuid>,
}
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OpenEpisode)]
pub struct OpenEpisodeRequest {
    /// A family the actor may write (404 if they cannot see it, 403 if they may only read it).
    family_id: Uuid,
    /// `null`, absent or the actor: the actor leads the episode. Whoever opens an episode leads
    /// it; LCSS of the family's locality may name another active practitioner or LCSS worker
    /// or manager, and the episode then opens led by the actor with a transfer proposed to
    /// them, which they accept to take it over. Anyone else naming someone is a 422.
    lead_professional_id: Option<Uuid>,
    /// The family's locality, which is also the default; any other is a 422 (an episode opens
    /// where the family is recorded).
    locality_id: Option<Uuid>,
    /// The children of this family the episode concerns, at least one; duplicates are ignored.
    #[schema(min_items = 1)]
    children: Vec<Uuid>,
    /// 2 (vulnerable) or 3 (complex). 1 is a 422 `universal_threshold`, 4 a 422
    /// `statutory_threshold`; anything else a 422 `validation_failed`.
    #[schema(value_type = ThresholdLevelSchema)]
    threshold_level: i64,
    #[schema(value_type = RequiredText4000)]
    threshold_rationale: String,
    /// Why early help is needed.
    #[schema(value_type = RequiredText4000)]
    reason: String,
}
/// A proposed change of lead professional, waiting for `to_user_id` to accept.
#[derive(Debug, Serialize, ToSchema)]
struct PendingTransfer {
    to_user_id: Uuid,
    proposed_by: Uuid,
    proposed_at: DateTime<Utc>,
}
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ThresholdChange)]
struct ThresholdEntry {
    #[schema(value_type = ThresholdLevelSchema)]
    level: i16,
    rationale: String,
    changed_by: Uuid,
    changed_at: DateTime<Utc>,
}
/// A completed change of lead professional.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LeadTransfer)]
struct TransferEntry {
    from_user_id: Uuid,
    to_user_id: Uuid,
    proposed_by: Uuid,
    proposed_at: DateTime<Utc>,
    accepted_at: DateTime<Utc>,
}
/// An episode as a list shows it, without its children and histories.
#[derive(Debug, Serialize, ToSchema)]
pub struct EpisodeSummary {
    id: Uuid,
    family_id: Uuid,
    locality_id: Uuid,
    lead_professional_id: Uuid,
    lead_organisation_id: Uuid,
    #[schema(value_type = ThresholdLevelSchema)]
    threshold_level: i16,
    /// Why early help is needed.
    reason: String,
    #[schema(value_type = EpisodeStateSchema)]
    state: String,
    opened_at: DateTime<Utc>,
    opened_by: Uuid,
    #[schema(required)]
    closed_at: Option<DateTime<Utc>>,
    #[schema(required, value_type = Option<ClosureReason>)]
    closure_reason: Option<String>,
    #[schema(required)]
    closure_note: Option<String>,
    #[schema(required)]
    pending_transfer: Option<PendingTransfer>,
    /// How the episode began: `step_down` when a lead professional accepted it from
    /// Children's Social Care (the step-down names it in its `episode_id`).
    #[schema(value_type = crate::openapi::case::EpisodeOrigin)]
    origin: &'static str,
}
/// An early help episode with the children it concerns and its histories.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Episode)]
pub struct EpisodeResponse {
    #[serde(flatten)]
    summary: EpisodeSummary,
    /// The children the episode concerns.
    #[schema(min_items = 1)]
    children: Vec<Uuid>,
    /// Every threshold level the episode has had, the opening level first.
    threshold_history: Vec<ThresholdEntry>,
    /// Completed changes of lead professional, oldest first.
    transfers: Vec<TransferEntry>,
    /// The episode's Strengths and Needs forms, oldest first.
    assessments: Vec<AssessmentLink>,
}
/// Where to find one of the episode's forms.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = EpisodeAssessment)]
struct AssessmentLink {
    id: Uuid,
    #[schema(value_type = AssessmentState)]
    state: String,
    /// When LCSS accepted it.
    #[schema(required)]
    completed_at: Option<DateTime<Utc>>,
}
impl From<Episode> for EpisodeSummary {
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
            origin: row.origin.as_str(),
        }
    }
}
impl From<EpisodeRecord> for EpisodeResponse {
    fn from(record: EpisodeRecord) -> Self {
        Self {
            summary: EpisodeSummary::from(record.episode),
            children: record.children.into_iter().map(Uuid::from).collect(),
            threshold_history: record
                .threshold_history
                .into_iter()
                .map(|h| ThresholdEntry {
                    level: h.level,
                    rationale: h.rationale,
                    changed_by: h.changed_by.into(),
                    changed_at: h.changed_at,
                })
                .collect(),
            transfers: record
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
            assessments: record
                .assessments
                .into_iter()
                .map(|a| AssessmentLink {
                    id: a.id.into(),
                    state: a.state.to_string(),
                    completed_at: a.completed_at,
                })
                .collect(),
        }
    }
}

/// The level-4 refusal, quoting the MASH number of the actor's locality when the authority has
/// recorded one.
pub(crate) async fn statutory_refusal(state: &State, auth: Authenticated) -> ApiError {
    let contact = auth
        .run(state, |conn, _, actor| {
            earlyhelp_workflows::directory::mash_contact(conn, actor)
        })
        .await;
    match contact {
        Ok(contact) => Refusal::StatutoryThreshold(earlyhelp_domain::episode::statutory_advice(
            contact
                .as_ref()
                .map(|(locality, number)| (locality.as_str(), number.as_str())),
        ))
        .into(),
        Err(error) => error,
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

/// List episodes
///
/// The early help episodes of the families the actor may read, newest first, optionally
/// filtered. A list carries no `children`, `threshold_history` or `transfers`; read the
/// episode for them.
#[utoipa::path(
    get,
    path = "/api/v1/episodes",
    tag = "episodes",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of episodes.", body = List<EpisodeSummary>),
        (status = 401, response = Unauthorized),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
    Ok(HttpResponse::Ok().json(List::from_page(page, EpisodeSummary::from)))
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
            idempotency: None,
        })
    }
}

/// Open an episode
///
/// Opens early help for a family at threshold level 2 or 3, for the children named. Level 1
/// needs no episode (422 `universal_threshold`) and level 4 belongs to statutory services (422
/// `statutory_threshold`); the family must have a standing consent to assessment (422
/// `consent_required`) and no other open episode (409 `episode_already_open`). The lead
/// professional (an active practitioner or LCSS worker or manager; the actor by default)
/// becomes the family's lead professional, and the episode's locality (by default the lead
/// professional's organisation's) the family's locality. A `family_id` the actor cannot see is
/// a 404; one they may read but not write is a 403.
///
/// Send an `Idempotency-Key` to make retries safe: a repeated request with the same key
/// answers with the episode the first one opened.
#[utoipa::path(
    post,
    path = "/api/v1/episodes",
    tag = "episodes",
    params(IdempotencyKeyHeader),
    request_body = OpenEpisodeRequest,
    responses(
        (
            status = 201,
            description = "Opened (or, for a repeated `Idempotency-Key`, the episode the first \
                request opened).",
            body = EpisodeResponse,
            headers(("Location" = String, description = "The path of the created record.")),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (
            status = 409,
            description = "The family already has an open episode (`episode_already_open`).",
            content_type = "application/problem+json",
            body = crate::openapi::responses::Problem,
        ),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (
            status = 422,
            description = "Validation failed (`validation_failed`, with `errors`), or a rule \
                refuses the episode: a level 1 (`universal_threshold`) or level 4 \
                (`statutory_threshold`) threshold, or no standing consent to assessment \
                (`consent_required`).",
            content_type = "application/problem+json",
            body = crate::openapi::responses::Problem,
        ),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn open_episode(
    state: State,
    auth: Authenticated,
    body: ApiJson<OpenEpisodeRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if body.0.threshold_level == 4 {
        return Err(statutory_refusal(&state, auth).await);
    }
    let mut command = OpenEpisode::try_from(body.0)?;
    command.idempotency = idempotency_key(&req, "POST /api/v1/episodes")?;
    let episode = auth
        .run(&state, |conn, audit, actor| {
            episodes::open(conn, audit, actor, command)
        })
        .await?;
    let episode = EpisodeResponse::from(episode);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/episodes/{}", episode.summary.id),
        ))
        .json(episode))
}

/// Get an episode
///
/// The episode with its children, threshold history and completed transfers. The professional
/// a transfer is proposed to may read it even if the family is otherwise out of their scope.
#[utoipa::path(
    get,
    path = "/api/v1/episodes/{id}",
    tag = "episodes",
    params(IdPath),
    responses(
        (status = 200, description = "The episode.", body = EpisodeResponse),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
