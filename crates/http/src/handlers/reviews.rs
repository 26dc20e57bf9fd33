//! `/api/v1/reviews`: the LCSS review queue, assignment and decisions
//! ([`earlyhelp_workflows::reviews`]); the feedback history is in
//! [`crate::handlers::feedback`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, Flag, IdPath, List};
use crate::json::ApiJson;
use crate::openapi::case::{
    Decision as DecisionSchema, FormContent, Ratings, RatingsInput, ReviewOutcome,
    ReviewState as ReviewStateSchema,
};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::policy::{self, Permission};
use earlyhelp_domain::review::{check_decision, Criterion, CriterionRating, Decision, ReviewState};
use earlyhelp_domain::{ReviewId, UserId};
use earlyhelp_persistence::assessments::Revision;
use earlyhelp_persistence::reviews::{QueueFilter, QueueItem, Review};
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::reviews::{self, AssignReview, DecideReview, ListQueue, ReviewRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `?cursor=...&limit=...&state=...&reviewer_id=...&overdue=...`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// Only reviews in this state.
    #[param(value_type = Option<ReviewStateSchema>)]
    state: Option<String>,
    /// Only reviews assigned to this reviewer.
    reviewer_id: Option<Uuid>,
    /// `true`: only reviews not yet decided whose due date has passed. `false` is the same as
    /// leaving it out. Spelt exactly `true` or `false`.
    #[param(value_type = Option<bool>)]
    overdue: Option<Flag>,
    /// Only reviews of this family's forms.
    family_id: Option<Uuid>,
    /// Only reviews of this form.
    assessment_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AssignReview)]
pub struct Assign {
    /// `null`, absent or the actor's own id: claim the review. Another user's id (LCSS managers
    /// only): an active LCSS worker or manager of the review's locality.
    reviewer_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DecideReview)]
pub struct DecisionRequest {
    #[schema(value_type = DecisionSchema)]
    decision: Decision,
    #[schema(value_type = RatingsInput)]
    ratings: BTreeMap<Criterion, CriterionRating>,
    #[serde(default)]
    #[schema(value_type = crate::openapi::case::ReviewFeedback, default = "")]
    feedback: String,
}

/// The LCSS review of one submitted revision of a form.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Review)]
pub struct ReviewResponse {
    id: Uuid,
    #[schema(value_type = ReviewStateSchema)]
    state: String,
    assessment_id: Uuid,
    revision_id: Uuid,
    locality_id: Uuid,
    #[schema(required)]
    reviewer_id: Option<Uuid>,
    #[schema(required)]
    assigned_at: Option<DateTime<Utc>>,
    received_on: NaiveDate,
    /// The date the decision is due, in working days from `received_on`.
    due_on: NaiveDate,
    /// Not yet decided and `due_on` has passed.
    overdue: bool,
    #[schema(required, value_type = Option<ReviewOutcome>)]
    decision: Option<String>,
    #[schema(required, value_type = Option<Ratings>)]
    ratings: Option<Value>,
    /// The reviewer's feedback to the lead professional; empty if none was given.
    #[schema(required)]
    feedback: Option<String>,
    #[schema(required)]
    decided_at: Option<DateTime<Utc>>,
    #[schema(required)]
    decided_by: Option<Uuid>,
}

impl From<Review> for ReviewResponse {
    fn from(review: Review) -> Self {
        let overdue = review.state != ReviewState::Decided && review.due_on < today();
        Self {
            id: review.id.into(),
            state: review.state.to_string(),
            assessment_id: review.assessment_id.into(),
            revision_id: review.revision_id.into(),
            locality_id: review.locality_id.into(),
            reviewer_id: review.reviewer_id.map(Uuid::from),
            assigned_at: review.assigned_at,
            received_on: review.received_on,
            due_on: review.due_on,
            overdue,
            decision: review.decision,
            ratings: review.ratings,
            feedback: review.feedback,
            decided_at: review.decided_at,
            decided_by: review.decided_by.map(Uuid::from),
        }
    }
}

/// A review in the queue, with the family and the submission it concerns.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ReviewQueueItem)]
pub struct QueueItemResponse {
    #[serde(flatten)]
    review: ReviewResponse,
    family_id: Uuid,
    #[schema(pattern = "^FAM-[0-9]{6,}$")]
    family_reference: String,
    episode_id: Uuid,
    #[schema(minimum = 1)]
    revision_number: i32,
    submitted_by: Uuid,
    submitted_at: DateTime<Utc>,
}

impl From<QueueItem> for QueueItemResponse {
    fn from(item: QueueItem) -> Self {
        Self {
            review: item.review.into(),
            family_id: item.family_id.into(),
            family_reference: item.family_reference,
            episode_id: item.episode_id.into(),
            revision_number: item.revision_number,
            submitted_by: item.submitted_by.into(),
            submitted_at: item.submitted_at,
        }
    }
}

/// The submitted revision under review, with its frozen content.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ReviewedRevision)]
pub(crate) struct RevisionBody {
    id: Uuid,
    #[schema(minimum = 1)]
    number: i32,
    template_id: Uuid,
    #[schema(value_type = FormContent)]
    content: Value,
    submitted_by: Uuid,
    submitted_at: DateTime<Utc>,
}

impl From<Revision> for RevisionBody {
    fn from(revision: Revision) -> Self {
        Self {
            id: revision.id.into(),
            number: revision.number,
            template_id: revision.template_id.into(),
            content: revision.content,
            submitted_by: revision.submitted_by.into(),
            submitted_at: revision.submitted_at,
        }
    }
}

/// A review with the revision it reviews.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ReviewDetail)]
pub struct ReviewDetailResponse {
    #[serde(flatten)]
    review: ReviewResponse,
    revision: RevisionBody,
    /// The family whose form it is, and its reference (quoted between professionals instead
    /// of names), and the episode.
    family_id: Uuid,
    #[schema(pattern = "^FAM-[0-9]{6,}$")]
    family_reference: String,
    episode_id: Uuid,
}

impl From<ReviewRecord> for ReviewDetailResponse {
    fn from(record: ReviewRecord) -> Self {
        Self {
            review: record.review.into(),
            revision: record.revision.into(),
            family_id: record.family_id.into(),
            family_reference: record.family_reference,
            episode_id: record.episode_id.into(),
        }
    }
}

/// The LCSS review queue
///
/// Reviews of submitted forms in the actor's locality, oldest first, optionally filtered.
/// Needs an LCSS role (403 otherwise).
#[utoipa::path(
    get,
    path = "/api/v1/reviews",
    tag = "reviews",
    params(QueueQuery),
    responses(
        (status = 200, description = "A page of the queue.", body = List<QueueItemResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_reviews(
    state: State,
    auth: Authenticated,
    query: Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    // Asked before the query's checks (the workflow asks again).
    policy::authorize(&auth.actor, Permission::ReviewAssessments)?;
    let query = query.into_inner();
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let state_filter = match &query.state {
        Some(state) => Some(ReviewState::parse(state).ok_or_else(|| {
            ApiError::validation("state", "must be unassigned, assigned or decided")
        })?),
        None => None,
    };
    let command = ListQueue {
        filter: QueueFilter {
            state: state_filter,
            reviewer_id: query.reviewer_id.map(UserId::from),
            overdue_on: query
                .overdue
                .filter(|flag| bool::from(*flag))
                .map(|_| today()),
            submitted_by: None,
            submitter_organisation: None,
            family_id: query.family_id.map(Into::into),
            assessment_id: query.assessment_id.map(Into::into),
        },
        page,
    };
    let page = auth
        .run(&state, |conn, audit, actor| {
            reviews::list_queue(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, QueueItemResponse::from)))
}

/// Get a review
///
/// The review with the revision it reviews (the frozen content). Needs an LCSS role (403
/// otherwise); a review outside the actor's locality is a 404.
#[utoipa::path(
    get,
    path = "/api/v1/reviews/{id}",
    tag = "reviews",
    params(IdPath),
    responses(
        (status = 200, description = "The review.", body = ReviewDetailResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, review.id = %id))]
pub async fn get_review(
    state: State,
    auth: Authenticated,
    id: Path<ReviewId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let review = auth
        .run(&state, move |conn, audit, actor| {
            reviews::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ReviewDetailResponse::from(review)))
}

/// Claim or assign a review
///
/// Without a `reviewer_id` (or naming oneself) an LCSS worker claims an unassigned review (409
/// `review_already_assigned` if someone has it). Naming someone else needs the `lcss_manager`
/// role (403 otherwise) and assigns or reassigns the review to an active LCSS worker or manager
/// of the review's locality (422 otherwise). A decided review is a 409
/// `review_already_decided`. The body may be `{}`.
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{id}/assign",
    tag = "reviews",
    params(IdPath),
    request_body = Assign,
    responses(
        (status = 200, description = "The assigned review.", body = ReviewResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (
            status = 409,
            description = "The review is already assigned and is being claimed \
                (`review_already_assigned`), or has been decided (`review_already_decided`).",
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, review.id = %id))]
pub async fn assign_review(
    state: State,
    auth: Authenticated,
    id: Path<ReviewId>,
    body: ApiJson<Assign>,
) -> Result<HttpResponse, ApiError> {
    let command = AssignReview {
        review: id.into_inner(),
        reviewer: body.0.reviewer_id.map(UserId::from),
    };
    let review = auth
        .run(&state, |conn, audit, actor| {
            reviews::assign(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ReviewResponse::from(review)))
}

impl DecisionRequest {
    fn into_command(self, review: ReviewId) -> Result<DecideReview, ApiError> {
        let decision =
            check_decision(self.decision, self.ratings, &self.feedback).map_err(|problems| {
                let mut checks = Checks::default();
                for (field, message) in problems {
                    checks.fail(&field, message);
                }
                checks
                    .finish(|| None::<()>)
                    .err()
                    .map_or(ApiError::validation("ratings", "invalid"), ApiError::from)
            })?;
        Ok(DecideReview { review, decision })
    }
}

/// Decide a review
///
/// Accepts the form (the assessment is complete) or returns it to the lead professional for
/// amendment, rating it on every one of the seven quality criteria. Returning needs `feedback`
/// saying what to amend. The review must be assigned (409 `review_not_assigned`), not yet
/// decided (409 `review_already_decided`), and assigned to the actor unless they are an LCSS
/// manager (409 `not_your_review`).
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{id}/decision",
    tag = "reviews",
    params(IdPath),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The decided review.", body = ReviewResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (
            status = 409,
            description = "The review is not assigned (`review_not_assigned`), already decided \
                (`review_already_decided`) or assigned to someone else (`not_your_review`), or \
                the form is not awaiting review (`assessment_state`).",
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, review.id = %id))]
pub async fn decide_review(
    state: State,
    auth: Authenticated,
    id: Path<ReviewId>,
    body: ApiJson<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command(id.into_inner())?;
    let review = auth
        .run(&state, |conn, audit, actor| {
            reviews::decide(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ReviewResponse::from(review)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handlers::feedback::FeedbackResponse;
    use earlyhelp_persistence::pagination::Page;
    use earlyhelp_workflows::reviews::{Feedback, FeedbackSummary, RatingCounts};
    use serde_json::json;

    fn item() -> QueueItem {
        let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        QueueItem {
            review: Review {
                id: Uuid::now_v7().into(),
                revision_id: Uuid::now_v7().into(),
                assessment_id: Uuid::now_v7().into(),
                locality_id: Uuid::now_v7().into(),
                state: ReviewState::Assigned,
                reviewer_id: Some(Uuid::now_v7().into()),
                assigned_by: Some(Uuid::now_v7().into()),
                assigned_at: Some(Utc::now()),
                received_on: day,
                due_on: day,
                decision: None,
                ratings: None,
                feedback: None,
                decided_at: None,
                decided_by: None,
                created_at: Utc::now(),
            },
            family_id: Uuid::now_v7().into(),
            family_reference: "FAM-1".into(),
            episode_id: Uuid::now_v7().into(),
            revision_number: 2,
            submitted_by: Uuid::now_v7().into(),
            submitted_at: Utc::now(),
        }
    }

    #[test]
    fn a_queue_item_is_the_review_with_its_family_and_submission_and_keeps_its_nulls() {
        let item = item();
        let review = &item.review;
        let expected = json!({
            "id": review.id,
            "state": review.state.as_str(),
            "assessment_id": review.assessment_id,
            "revision_id": review.revision_id,
            "locality_id": review.locality_id,
            "reviewer_id": review.reviewer_id,
            "assigned_at": review.assigned_at,
            "received_on": review.received_on,
            "due_on": review.due_on,
            "overdue": true,
            "decision": null,
            "ratings": null,
            "feedback": null,
            "decided_at": null,
            "decided_by": null,
            "family_id": item.family_id,
            "family_reference": "FAM-1",
            "episode_id": item.episode_id,
            "revision_number": 2,
            "submitted_by": item.submitted_by,
            "submitted_at": item.submitted_at,
        });
        let rendered = serde_json::to_value(QueueItemResponse::from(item)).unwrap();
        assert_eq!(rendered, expected);
    }

    #[test]
    fn a_feedback_page_has_its_summary_beside_the_list() {
        let summary = FeedbackSummary {
            decided: 1,
            accepted: 0,
            returned: 1,
            criteria: [(
                Criterion::ChildsVoiceHeard,
                RatingCounts {
                    met: 0,
                    partly_met: 1,
                    not_met: 0,
                },
            )]
            .into_iter()
            .collect(),
        };
        let feedback = Feedback {
            summary,
            page: Page {
                items: Vec::new(),
                next: None,
            },
        };
        let rendered = serde_json::to_value(FeedbackResponse::from(feedback)).unwrap();
        assert_eq!(
            rendered,
            json!({
                "summary": {
                    "decided": 1,
                    "accepted": 0,
                    "returned": 1,
                    "criteria": {
                        "childs_voice_heard": { "met": 0, "partly_met": 1, "not_met": 0 }
                    },
                },
                "items": [],
                "next_cursor": null,
            })
        );
    }
}
