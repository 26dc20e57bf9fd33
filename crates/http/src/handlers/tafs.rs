//! `/api/v1/episodes/{id}/taf` and `/api/v1/tafs/{id}/...`: an episode's Team Around the
//! Family and its members. The steps are in [`earlyhelp_workflows::tafs`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{IdPath, List};
use crate::idempotency::{idempotency_key, IdempotencyKeyHeader};
use crate::json::ApiJson;
use crate::openapi::case::{
    Achievement as AchievementSchema, NextStep as NextStepSchema, OptionalLine200, PersonName,
    SingleLine200, TafMemberKind, TafState as TafStateSchema,
};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::Path;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::directory::{optional_line, single_line};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::{EpisodeId, PersonId, UserId};
use earlyhelp_persistence::tafs::MemberView;
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::tafs::{self, AddMember, Joining, TafRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A Team Around the Family: the agencies and family members working to one episode's plan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Taf)]
pub struct TafResponse {
    id: Uuid,
    episode_id: Uuid,
    family_id: Uuid,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    #[schema(value_type = TafStateSchema)]
    state: &'static str,
    /// When the team next reviews its plan: one review cadence after forming, then the next
    /// review date of its latest finalised minutes.
    review_due_on: NaiveDate,
    /// Open, with its review date passed.
    review_overdue: bool,
    /// Active members first (the lead professional among them), then those whose membership
    /// ended, each group in the order they joined.
    members: Vec<TafMemberResponse>,
    #[schema(required)]
    closed_at: Option<DateTime<Utc>>,
    #[schema(required)]
    closed_by: Option<Uuid>,
    /// At closure: each planned outcome of the accepted Strengths and Needs form and how far it
    /// was achieved.
    #[schema(required)]
    outcomes: Option<Vec<ClosedOutcome>>,
    #[schema(required)]
    family_feedback: Option<String>,
    #[schema(required)]
    child_feedback: Option<String>,
    #[schema(required, value_type = Option<NextStepSchema>)]
    next_step: Option<String>,
    #[schema(required)]
    next_step_detail: Option<String>,
}

/// A planned outcome as the team's closure rated it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClosedOutcome {
    outcome: String,
    #[schema(required)]
    measure: Option<String>,
    #[schema(value_type = AchievementSchema)]
    achievement: String,
    #[schema(required)]
    note: Option<String>,
}

/// A member of a Team Around the Family.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TafMember)]
pub struct TafMemberResponse {
    id: Uuid,
    #[schema(value_type = TafMemberKind)]
    kind: String,
    /// A professional's account.
    #[schema(required)]
    user_id: Option<Uuid>,
    /// A family member's record.
    #[schema(required)]
    person_id: Option<Uuid>,
    /// A professional's name as their account or the lead recorded it; a family member's
    /// given and family names.
    name: String,
    /// A professional's organisation; `null` for a family member.
    #[schema(required)]
    organisation: Option<String>,
    /// The work phone or email of a professional without an account.
    #[schema(required)]
    contact: Option<String>,
    /// What they do in the plan.
    #[schema(required)]
    role_in_plan: Option<String>,
    added_by: Uuid,
    added_at: DateTime<Utc>,
    /// `false` once the membership has ended: from then they reach nothing of the case.
    active: bool,
    #[schema(required)]
    ended_at: Option<DateTime<Utc>>,
    #[schema(required)]
    ended_by: Option<Uuid>,
}

impl From<MemberView> for TafMemberResponse {
    fn from(view: MemberView) -> Self {
        let member = view.member;
        Self {
            id: member.id,
            kind: member.kind,
            user_id: member.user_id.map(Uuid::from),
            person_id: member.person_id.map(Uuid::from),
            name: view.name,
            organisation: view.organisation,
            contact: member.contact,
            role_in_plan: member.role_in_plan,
            added_by: member.added_by.into(),
            added_at: member.added_at,
            active: member.ended_at.is_none(),
            ended_at: member.ended_at,
            ended_by: member.ended_by.map(Uuid::from),
        }
    }
}

impl From<TafRecord> for TafResponse {
    fn from(record: TafRecord) -> Self {
        Self {
            id: record.taf.id,
            episode_id: record.taf.episode_id.into(),
            family_id: record.taf.family_id.into(),
            created_by: record.taf.created_by.into(),
            created_at: record.taf.created_at,
            state: record.taf.state().into(),
            review_due_on: record.taf.review_due_on,
            review_overdue: record.taf.closed_at.is_none() && record.taf.review_due_on < today(),
            members: record.members.into_iter().map(Into::into).collect(),
            closed_at: record.taf.closed_at,
            closed_by: record.taf.closed_by.map(Uuid::from),
            outcomes: record
                .taf
                .outcomes
                .and_then(|outcomes| serde_json::from_value(outcomes).ok()),
            family_feedback: record.taf.family_feedback,
            child_feedback: record.taf.child_feedback,
            next_step: record.taf.next_step,
            next_step_detail: record.taf.next_step_detail,
        }
    }
}

/// Who joins the team. `professional`: `user_id` (an active practitioner, LCSS or social care
/// user, from an organisation the family's consent does not exclude). `external`: a
/// professional without an account: `name`, `organisation` and optionally `contact`.
/// `family`: `person_id`, a member of this family. `role_in_plan` for any of them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AddTafMember)]
pub struct AddTafMemberRequest {
    #[schema(value_type = TafMemberKind)]
    kind: String,
    /// For `professional` only.
    user_id: Option<Uuid>,
    /// For `family` only.
    person_id: Option<Uuid>,
    /// For `external` only: trimmed, 1 to 100 characters on one line.
    #[schema(value_type = Option<PersonName>)]
    name: Option<String>,
    /// For `external` only: trimmed, 1 to 200 characters on one line.
    #[schema(value_type = Option<SingleLine200>)]
    organisation: Option<String>,
    /// For `external` only: a work phone or email, at most 200 characters on one line. Empty
    /// or blank means none.
    #[schema(value_type = Option<OptionalLine200>)]
    contact: Option<String>,
    /// What they do in the plan (e.g. "attendance support"), at most 200 characters on one
    /// line. Empty or blank means none.
    #[schema(value_type = Option<OptionalLine200>)]
    role_in_plan: Option<String>,
}

impl AddTafMemberRequest {
    fn into_command(self, taf: Uuid, req: &HttpRequest) -> Result<AddMember, ApiError> {
        let mut checks = Checks::default();
        let role_in_plan = checks.check(
            "role_in_plan",
            optional_line(self.role_in_plan.as_deref(), 200),
        );
        // The fields of one kind, and none of another's.
        let (needed, refused): (&[&str], &[&str]) = match self.kind.as_str() {
            "professional" => (
                &["user_id"],
                &["person_id", "name", "organisation", "contact"],
            ),
            "external" => (&["name", "organisation"], &["user_id", "person_id"]),
            "family" => (
                &["person_id"],
                &["user_id", "name", "organisation", "contact"],
            ),
            _ => {
                checks.fail("kind", "must be professional, external or family");
                (&[], &[])
            }
        };
        let present = |field: &str| match field {
            "user_id" => self.user_id.is_some(),
            "person_id" => self.person_id.is_some(),
            "name" => self.name.is_some(),
            "organisation" => self.organisation.is_some(),
            _ => self.contact.is_some(),
        };
        for field in needed.iter().filter(|field| !present(field)) {
            checks.fail(field, format!("is required for a {} member", self.kind));
        }
        for field in refused.iter().filter(|field| present(field)) {
            checks.fail(field, format!("is not for a {} member", self.kind));
        }
        let joining = match (self.kind.as_str(), self.user_id, self.person_id) {
            ("professional", Some(user), _) => Some(Joining::Professional {
                user: UserId::from(user),
            }),
            ("family", _, Some(person)) => Some(Joining::Family {
                person: PersonId::from(person),
            }),
            ("external", _, _) => {
                let name = self
                    .name
                    .as_deref()
                    .and_then(|name| checks.check("name", single_line(name, 100)));
                let organisation = self
                    .organisation
                    .as_deref()
                    .and_then(|name| checks.check("organisation", single_line(name, 200)));
                let contact = checks.check("contact", optional_line(self.contact.as_deref(), 200));
                match (name, organisation, contact) {
                    (Some(name), Some(organisation), Some(contact)) => Some(Joining::External {
                        name,
                        organisation,
                        contact,
                    }),
                    _ => None,
                }
            }
            _ => None,
        };
        let (joining, role_in_plan) = checks.finish(|| Some((joining?, role_in_plan?)))?;
        Ok(AddMember {
            taf,
            joining,
            role_in_plan,
            idempotency: idempotency_key(req, &format!("POST /api/v1/tafs/{taf}/members"))?,
        })
    }
}

/// Form an episode's Team Around the Family
///
/// Forms the team of an open episode (one per episode), with the lead professional as its
/// first member. The lead professional or an LCSS worker of the family's locality may form it.
/// A second team for the same episode is a 409 `conflict`.
#[utoipa::path(
    post,
    path = "/api/v1/episodes/{id}/taf",
    tag = "tafs",
    params(IdPath),
    responses(
        (
            status = 201,
            description = "Formed.",
            body = TafResponse,
            headers(("Location" = String, description = "The path of the created record.")),
        ),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn form_taf(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
) -> Result<HttpResponse, ApiError> {
    let episode = id.into_inner();
    let cadence = state.taf_review;
    let record = auth
        .run(&state, move |conn, audit, actor| {
            tafs::form(conn, audit, actor, episode, cadence)
        })
        .await?;
    let id = record.taf.id;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/tafs/{id}")))
        .json(TafResponse::from(record)))
}

/// Get an episode's Team Around the Family
///
/// The team of the episode, with its members; 404 when the episode has none.
#[utoipa::path(
    get,
    path = "/api/v1/episodes/{id}/taf",
    tag = "tafs",
    params(IdPath),
    responses(
        (status = 200, description = "The episode's team.", body = TafResponse),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn get_episode_taf(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
) -> Result<HttpResponse, ApiError> {
    let episode = id.into_inner();
    let record = auth
        .run(&state, move |conn, audit, actor| {
            tafs::for_episode(conn, audit, actor, episode)
        })
        .await?;
    Ok(HttpResponse::Ok().json(TafResponse::from(record)))
}

/// Get a Team Around the Family
///
/// The team with its members. Its members with an account read the family's record while
/// their membership stands and the episode is open.
#[utoipa::path(
    get,
    path = "/api/v1/tafs/{id}",
    tag = "tafs",
    params(IdPath),
    responses(
        (status = 200, description = "The team.", body = TafResponse),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, taf.id = %id))]
pub async fn get_taf(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let taf = id.into_inner();
    let record = auth
        .run(&state, move |conn, audit, actor| {
            tafs::get(conn, audit, actor, taf)
        })
        .await?;
    Ok(HttpResponse::Ok().json(TafResponse::from(record)))
}

/// Add a member to a Team Around the Family
///
/// Adds a professional with an account, a professional without one, or a family member, while
/// the episode is open (409 `episode_closed` after). A professional whose organisation the
/// family's consent excludes cannot join (422 on `user_id` naming the exclusion); someone
/// already an active member is a 409 `conflict`. A professional with an account reads the
/// family's record from now until the membership ends.
///
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    post,
    path = "/api/v1/tafs/{id}/members",
    tag = "tafs",
    params(IdPath, IdempotencyKeyHeader),
    request_body = AddTafMemberRequest,
    responses(
        (
            status = 201,
            description = "Added (or, for a repeated `Idempotency-Key`, the member the first \
                request added).",
            body = TafMemberResponse,
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, taf.id = %id))]
pub async fn add_taf_member(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<AddTafMemberRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command(id.into_inner(), &req)?;
    let member = auth
        .run(&state, move |conn, audit, actor| {
            tafs::add_member(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created().json(TafMemberResponse::from(member)))
}

/// The `{id}` and `{member_id}` of a membership's path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    /// The team's id. A value that is not a UUID is not found (404).
    id: Uuid,
    /// The membership's id (a member's `id`).
    member_id: Uuid,
}

/// End a membership
///
/// Ends the membership at once: a professional whose membership ends reads nothing more of the
/// case (unless their own role reaches it). The lead professional stays a member (409
/// `conflict`: transfer the lead first); a membership already ended is a 409 `conflict`.
#[utoipa::path(
    delete,
    path = "/api/v1/tafs/{id}/members/{member_id}",
    tag = "tafs",
    params(MemberPath),
    responses(
        (status = 204, description = "Ended."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, taf.id = %path.id))]
pub async fn end_taf_member(
    state: State,
    auth: Authenticated,
    path: Path<MemberPath>,
) -> Result<HttpResponse, ApiError> {
    let MemberPath { id, member_id } = path.into_inner();
    auth.run(&state, move |conn, audit, actor| {
        tafs::end_member(conn, audit, actor, id, member_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List a Team Around the Family's members
///
/// The team's members: active first (the lead professional among them), then those whose
/// membership ended.
#[utoipa::path(
    get,
    path = "/api/v1/tafs/{id}/members",
    tag = "tafs",
    params(IdPath),
    responses(
        (status = 200, description = "The members (one page).", body = List<TafMemberResponse>),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, taf.id = %id))]
pub async fn list_taf_members(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let taf = id.into_inner();
    let record = auth
        .run(&state, move |conn, audit, actor| {
            tafs::get(conn, audit, actor, taf)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List {
        items: record
            .members
            .into_iter()
            .map(TafMemberResponse::from)
            .collect(),
        next_cursor: None,
    }))
}
