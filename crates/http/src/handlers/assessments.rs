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
use crate::handlers::wire::{List, PageQuery};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::{AssessmentId, EpisodeId};
use earlyhelp_persistence::reviews::Review;
use earlyhelp_workflows::assessments::{
    self, AssessmentRecord, IdempotencyKey, ListRevisions, ReviewDeadline, RevisionRecord,
    StartAssessment, Submission, SubmitAssessment, UpdateAssessment,
};
use earlyhelp_workflows::Refusal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartAssessmentRequest {
    #[serde(default)]
    content: Option<Value>,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchAssessment {
    /// A JSON merge patch (RFC 7396) of the content: fields sent replace, `null` removes.
    content: Value,
}
#[derive(Debug, Serialize)]
struct TemplateRef {
    id: Uuid,
    name: String,
    version: i32,
}
#[derive(Debug, Serialize)]
pub struct AssessmentResponse {
    id: Uuid,
    episode_id: Uuid,
    family_id: Uuid,
    template: TemplateRef,
    state: String,
    content: Value,
    version: i32,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
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
        }
    }
}
/// The review a revision went to, as the revision history shows it.
#[derive(Debug, Serialize)]
struct RevisionReview {
    id: Uuid,
    state: String,
    reviewer_id: Option<Uuid>,
    due_on: NaiveDate,
    decision: Option<String>,
    ratings: Option<Value>,
    feedback: Option<String>,
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
/// A revision as its form's history lists it: the revision and the review it went to.
#[derive(Debug, Serialize)]
pub struct RevisionResponse {
    #[serde(flatten)]
    revision: RevisionBody,
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
#[derive(Debug, Serialize)]
struct SubmittedRevision {
    id: Uuid,
    number: i32,
    submitted_at: DateTime<Utc>,
}
#[derive(Debug, Serialize)]
struct QueuedReview {
    id: Uuid,
    state: String,
    received_on: NaiveDate,
    due_on: NaiveDate,
}
/// The answer to a submit: stored under its Idempotency-Key and replayed as stored.
#[derive(Debug, Serialize)]
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
fn with_etag(mut response: HttpResponse, version: i32) -> HttpResponse {
    if let Ok(value) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}
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
/// Parses `If-Match: "7"` into the version it names.
fn expected_version(req: &HttpRequest) -> Result<i32, Refusal> {
    let raw = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or(Refusal::VersionRequired)?;
    raw.to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i32>().ok())
        .ok_or(Refusal::VersionUnreadable)
}
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
/// `Idempotency-Key`, when sent: 1 to 200 visible ASCII characters.
fn idempotency_key(
    req: &HttpRequest,
    id: AssessmentId,
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::validation(
                "Idempotency-Key",
                "must be 1 to 200 visible ASCII characters",
            )
        })?;
    Ok(Some(IdempotencyKey {
        key: key.to_owned(),
        request_hash: Sha256::digest(format!("POST /api/v1/assessments/{id}/submit").as_bytes())
            .to_vec(),
    }))
}
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
        idempotency: idempotency_key(&req, id)?,
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
