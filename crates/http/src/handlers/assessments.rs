//! `/api/v1/episodes/{id}/assessments` and `/api/v1/assessments/...`: Strengths and Needs
//! forms from draft to submission ([`earlyhelp_workflows::assessments`]).
//!
//! Drafts use optimistic concurrency: every response carries an `ETag` of the form's version
//! and every change must send it back in `If-Match`; a stale write gets 412 and changes nothing.
//! Submission honours `Idempotency-Key`: a retried submit returns the first answer and creates
//! nothing twice.

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::reviews::RevisionBody;
use crate::handlers::wire::{IdPath, List, PageQuery};
use crate::idempotency::{idempotency_key, IdempotencyKeyHeader};
use crate::json::ApiJson;
use crate::openapi::case::{
    AssessmentState, AssessmentStateConflict, EntityTag, FormContent, FormContentPatch, Ratings,
    ReviewOutcome, ReviewState,
};
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed,
    PreconditionRequired, ServiceUnavailable, Unauthorized, UnprocessableEntity,
    UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::{AssessmentId, EpisodeId};
use earlyhelp_persistence::reviews::Review;
use earlyhelp_workflows::assessments::{
    self, AssessmentRecord, IfMatch, ListRevisions, ReviewDeadline, RevisionRecord,
    StartAssessment, Submission, SubmitAssessment, UpdateAssessment,
};
use earlyhelp_workflows::Refusal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StartAssessment)]
pub struct StartAssessmentRequest {
    /// First answers, checked as a draft; `null` or absent starts empty.
    #[serde(default)]
    #[schema(value_type = Option<FormContent>)]
    content: Option<Value>,
}
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchAssessment {
    /// A JSON merge patch (RFC 7396) of the form's content: an object of sections; objects
    /// merge, any other value replaces, `null` removes.
    #[schema(value_type = FormContentPatch)]
    content: Value,
}
/// The template version a form was started on.
#[derive(Debug, Serialize, ToSchema)]
struct TemplateRef {
    id: Uuid,
    name: String,
    #[schema(minimum = 1)]
    version: i32,
}
/// A Strengths and Needs form.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Assessment)]
pub struct AssessmentResponse {
    id: Uuid,
    episode_id: Uuid,
    family_id: Uuid,
    template: TemplateRef,
    #[schema(value_type = AssessmentState)]
    state: String,
    #[schema(value_type = FormContent)]
    content: Value,
    /// Goes up by one with every save; the `ETag` is this number in quotes.
    #[schema(minimum = 1)]
    version: i32,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// When LCSS accepted it.
    #[schema(required)]
    completed_at: Option<DateTime<Utc>>,
    /// For a returned form, the review it was returned with: the feedback to act on.
    /// `null` in every other state.
    #[schema(required)]
    returned_with: Option<RevisionReview>,
}
impl From<AssessmentRecord> for AssessmentResponse {
    fn from(record: AssessmentRecord) -> Self {
        let (row, template) = (record.assessment, record.template);
        Self {
            id: row.id.into(),
            episode_id: row.episode_id.into(),
            family_id: record.family_id.into(),
            template: TemplateRef {
                id: template.id.into(),
                name: template.name,
                version: template.version,
            },
            state: row.state.to_string(),
            content: row.content,
            version: row.version,
            created_by: row.created_by.into(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            completed_at: row.completed_at,
            returned_with: record.returned_with.map(RevisionReview::from),
        }
    }
}
/// The review of a revision, as its author sees it.
#[derive(Debug, Serialize, ToSchema)]
struct RevisionReview {
    id: Uuid,
    #[schema(value_type = ReviewState)]
    state: String,
    #[schema(required)]
    reviewer_id: Option<Uuid>,
    due_on: NaiveDate,
    #[schema(required, value_type = Option<ReviewOutcome>)]
    decision: Option<String>,
    #[schema(required, value_type = Option<Ratings>)]
    ratings: Option<Value>,
    #[schema(required)]
    feedback: Option<String>,
    #[schema(required)]
    decided_at: Option<DateTime<Utc>>,
}
impl From<Review> for RevisionReview {
    fn from(review: Review) -> Self {
        Self {
            id: review.id.into(),
            state: review.state.to_string(),
            reviewer_id: review.reviewer_id.map(Uuid::from),
            due_on: review.due_on,
            decision: review.decision,
            ratings: review.ratings,
            feedback: review.feedback,
            decided_at: review.decided_at,
        }
    }
}
/// A submitted revision of a form, frozen, with its review.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Revision)]
pub struct RevisionResponse {
    #[serde(flatten)]
    revision: RevisionBody,
    #[schema(required)]
    review: Option<RevisionReview>,
}
impl From<RevisionRecord> for RevisionResponse {
    fn from(record: RevisionRecord) -> Self {
        Self {
            revision: RevisionBody::from(record.revision),
            review: record.review.map(RevisionReview::from),
        }
    }
}
#[derive(Debug, Serialize, ToSchema)]
struct SubmittedRevision {
    id: Uuid,
    #[schema(minimum = 1)]
    number: i32,
    submitted_at: DateTime<Utc>,
}
#[derive(Debug, Serialize, ToSchema)]
struct QueuedReview {
    id: Uuid,
    #[schema(value_type = ReviewState)]
    state: String,
    received_on: NaiveDate,
    /// The date the decision is due, in working days from `received_on`.
    due_on: NaiveDate,
}
// The answer to a submit: stored under its Idempotency-Key and replayed as stored.
/// A submitted form, the revision frozen from it and the review queued for LCSS.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Submission)]
pub struct SubmitResponse {
    assessment: AssessmentResponse,
    revision: SubmittedRevision,
    review: QueuedReview,
}
impl From<Submission> for SubmitResponse {
    fn from(submission: Submission) -> Self {
        let (revision, review) = (submission.revision, submission.review);
        Self {
            assessment: submission.assessment.into(),
            revision: SubmittedRevision {
                id: revision.id.into(),
                number: revision.number,
                submitted_at: revision.submitted_at,
            },
            review: QueuedReview {
                id: review.id.into(),
                state: review.state.to_string(),
                received_on: review.received_on,
                due_on: review.due_on,
            },
        }
    }
}
fn etag(version: i32) -> String {
    format!("\"{version}\"")
}
pub(crate) fn with_etag(mut response: HttpResponse, version: i32) -> HttpResponse {
    if let Ok(value) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}
/// Start a Strengths and Needs form
///
/// Starts the episode's Strengths and Needs form on the latest published version of the
/// `strengths_and_needs` template, optionally with first answers (checked as a draft: every
/// answer well-formed, none required yet). Only the episode's lead professional may start it
/// (403 for others who may write the record). The episode must be open (409 `episode_closed`)
/// and have no form in progress (409 `assessment_in_progress`). The response carries the
/// form's `ETag`, to send back in `If-Match` when saving. The body may be `{}`.
#[utoipa::path(
    post,
    path = "/api/v1/episodes/{id}/assessments",
    tag = "assessments",
    params(IdPath),
    request_body = StartAssessmentRequest,
    responses(
        (
            status = 201,
            description = "Started, as a draft at version 1.",
            body = AssessmentResponse,
            headers(
                (
                    "ETag" = inline(EntityTag),
                    description = "The form's version as a strong entity tag, e.g. `\"3\"`. \
                        Send it back in `If-Match` to save the form."
                ),
                ("Location" = String, description = "The path of the created record."),
            ),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (
            status = 409,
            description = "The episode is closed (`episode_closed`), or already has a form in \
                progress (`assessment_in_progress`).",
            content_type = "application/problem+json",
            body = crate::openapi::responses::Problem,
        ),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn start_assessment(
    state: State,
    auth: Authenticated,
    id: Path<EpisodeId>,
    body: ApiJson<StartAssessmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = StartAssessment {
        episode: id.into_inner(),
        content: body.0.content.unwrap_or_else(|| json!({})),
    };
    let response = AssessmentResponse::from(
        auth.run(&state, |conn, audit, actor| {
            assessments::start(conn, audit, actor, command)
        })
        .await?,
    );
    let version = response.version;
    let created = HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/assessments/{}", response.id),
        ))
        .json(response);
    Ok(with_etag(created, version))
}
/// Get a Strengths and Needs form
///
/// The form with its current content. `ETag` names its version, for `If-Match` when saving.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}",
    tag = "assessments",
    params(IdPath),
    responses(
        (
            status = 200,
            description = "The form.",
            body = AssessmentResponse,
            headers((
                    "ETag" = inline(EntityTag),
                    description = "The form's version as a strong entity tag, e.g. `\"3\"`. \
                        Send it back in `If-Match` to save the form."
                )),
        ),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, assessment.id = %id))]
pub async fn get_assessment(
    state: State,
    auth: Authenticated,
    id: Path<AssessmentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let response = AssessmentResponse::from(
        auth.run(&state, move |conn, audit, actor| {
            assessments::get(conn, audit, actor, id)
        })
        .await?,
    );
    let version = response.version;
    Ok(with_etag(HttpResponse::Ok().json(response), version))
}
/// Parses `If-Match`: `*`, or one or more of the form's entity tags (`"7"`, `"7", "8"`).
pub(crate) fn expected_version(req: &HttpRequest) -> Result<IfMatch, Refusal> {
    let raw = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or(Refusal::VersionRequired)?;
    let raw = raw.to_str().map_err(|_| Refusal::VersionUnreadable)?.trim();
    if raw == "*" {
        return Ok(IfMatch::Any);
    }
    raw.split(',')
        .map(|tag| {
            tag.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .parse::<i32>()
                .map_err(|_| Refusal::VersionUnreadable)
        })
        .collect::<Result<Vec<_>, _>>()
        .map(IfMatch::Versions)
}
/// Save answers to a form
///
/// Applies `content` to the form's content as a JSON merge patch (RFC 7396): objects merge, a
/// value replaces, `null` removes an answer. The result is checked as a draft against the
/// form's template version (every answer well-formed, none required yet; unknown sections and
/// fields refused), with every problem reported in one 422 at its path
/// (`content.childs_views.views`). Only the lead professional may save (403 for others who may
/// write the record), and only a draft or returned form (409 `assessment_state`).
///
/// Saves are optimistic: send the `ETag` of the version you loaded in `If-Match`. Without it
/// the answer is 428 `precondition_required`; if the form has changed since (or `If-Match`
/// names no version), 412 `precondition_failed`, and nothing is saved. A save answers the new
/// `ETag`. The body may also be sent as `application/merge-patch+json` (any
/// `application/*+json` type is read as JSON); it is documented as `application/json` only,
/// since client generators stumble over one body under two media types.
#[utoipa::path(
    patch,
    path = "/api/v1/assessments/{id}",
    tag = "assessments",
    params(
        IdPath,
        (
            "If-Match" = crate::openapi::case::IfMatch,
            Header,
            description = "The `ETag` of the form as last loaded or saved, e.g. `\"3\"` (a weak \
                `W/\"3\"` or a bare `3` is read the same), a list of them (`\"3\", \"4\"`: \
                any one current), or `*` (whatever version is current, RFC 9110). Missing: \
                428. Naming no version that is current, or no version at all: 412, and \
                nothing is saved.",
        ),
    ),
    request_body = PatchAssessment,
    responses(
        (
            status = 200,
            description = "Saved; the form at its new version.",
            body = AssessmentResponse,
            headers((
                    "ETag" = inline(EntityTag),
                    description = "The form's version as a strong entity tag, e.g. `\"3\"`. \
                        Send it back in `If-Match` to save the form."
                )),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = AssessmentStateConflict),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, assessment.id = %id))]
pub async fn update_assessment(
    state: State,
    auth: Authenticated,
    req: HttpRequest,
    id: Path<AssessmentId>,
    body: ApiJson<PatchAssessment>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.0.content;
    if !patch.is_object() {
        return Err(ApiError::validation(
            "content",
            "must be an object of sections",
        ));
    }
    let command = UpdateAssessment {
        assessment: id.into_inner(),
        // Reported by the workflow after its access checks, so an actor who may not see the
        // form learns nothing.
        expected_version: expected_version(&req),
        patch,
    };
    let response = AssessmentResponse::from(
        auth.run(&state, |conn, audit, actor| {
            assessments::update(conn, audit, actor, command)
        })
        .await?,
    );
    let version = response.version;
    Ok(with_etag(HttpResponse::Ok().json(response), version))
}
/// Submit a form to LCSS
///
/// Submits a draft or returned form for LCSS review: its content must answer every required
/// question (422 with every gap at its path), the episode must be open (409 `episode_closed`)
/// and the family's consent to assessment must stand (422 `consent_required`). The content is
/// frozen as the next revision and a review is queued for the episode's locality, due in the
/// configured number of working days. Only the lead professional may submit (403 for others
/// who may write the record); a form already submitted or accepted is a 409
/// `assessment_state`. Takes no request body.
///
/// Send an `Idempotency-Key` to make retries safe: a repeated submit with the same key answers
/// the first submission's response again and creates nothing twice. A key the actor used for a
/// different request is a 422 `idempotency_key_reused`.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/submit",
    tag = "assessments",
    params(IdPath, IdempotencyKeyHeader),
    responses(
        (
            status = 200,
            description = "Submitted (or, for a repeated `Idempotency-Key`, the first answer \
                again).",
            body = SubmitResponse,
            headers((
                    "ETag" = inline(EntityTag),
                    description = "The form's version as a strong entity tag, e.g. `\"3\"`. \
                        Send it back in `If-Match` to save the form."
                )),
        ),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (
            status = 409,
            description = "The form is not a draft or returned form (`assessment_state`), or \
                the episode is closed (`episode_closed`).",
            content_type = "application/problem+json",
            body = crate::openapi::responses::Problem,
        ),
        (
            status = 422,
            description = "The content does not answer every required question, or the \
                `Idempotency-Key` is not 1 to 200 visible ASCII characters \
                (`validation_failed`, with `errors`); the family's consent to assessment is \
                missing or withdrawn (`consent_required`); or the `Idempotency-Key` was used for \
                a different request (`idempotency_key_reused`).",
            content_type = "application/problem+json",
            body = crate::openapi::responses::Problem,
        ),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, assessment.id = %id))]
pub async fn submit_assessment(
    state: State,
    auth: Authenticated,
    req: HttpRequest,
    id: Path<AssessmentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let command = SubmitAssessment {
        assessment: id,
        idempotency: idempotency_key(&req, &format!("POST /api/v1/assessments/{id}/submit"))?,
    };
    let deadline = ReviewDeadline {
        calendar: state.calendar.clone(),
        working_days: state.review_working_days,
    };
    let answer = auth
        .run(&state, move |conn, audit, actor| {
            assessments::submit(conn, audit, actor, command, &deadline, SubmitResponse::from)
        })
        .await?;
    // The first answer and its replays are both sent from the stored JSON, so they are the
    // same bytes.
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let version = answer.body["assessment"]["version"]
        .as_i64()
        .and_then(|v| i32::try_from(v).ok())
        .unwrap_or_default();
    Ok(with_etag(
        HttpResponse::build(status).json(answer.body),
        version,
    ))
}
/// List a form's submitted revisions
///
/// The form's submitted revisions in the order submitted, each with its frozen content and its
/// LCSS review (decision, ratings and feedback once decided).
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/revisions",
    tag = "assessments",
    params(IdPath, PageQuery),
    responses(
        (status = 200, description = "A page of revisions.", body = List<RevisionResponse>),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, assessment.id = %id))]
pub async fn list_revisions(
    state: State,
    auth: Authenticated,
    id: Path<AssessmentId>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let command = ListRevisions {
        assessment: id.into_inner(),
        page: query.page()?,
    };
    let revisions = auth
        .run(&state, |conn, audit, actor| {
            assessments::list_revisions(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(revisions, RevisionResponse::from)))
}
