//! `/api/v1/episodes/{id}/taf` and `/api/v1/tafs/{id}/...`: an episode's Team Around the
//! Family and its members. The steps are in [`earlyhelp_workflows::tafs`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{page_request, IdPath, List};
use crate::idempotency::{idempotency_key, IdempotencyKeyHeader};
use crate::json::ApiJson;
use crate::openapi::case::{
    Achievement as AchievementSchema, NextStep as NextStepSchema, OptionalLine1000,
    OptionalLine200, OptionalText4000, PersonName, SingleLine200, TafMemberKind,
    TafState as TafStateSchema,
};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::directory::{optional_line, optional_text, single_line};
use earlyhelp_domain::taf::{Achievement, NextStep};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::{EpisodeId, PersonId, UserId};
use earlyhelp_persistence::tafs::{MemberView, TafSummary};
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::tafs::{
    self, AddMember, CloseTaf, Joining, ListTafs, OutcomeRating, TafRecord,
};
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
