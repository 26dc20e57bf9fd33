//! `/api/v1/reviews`: the LCSS review queue, assignment, decisions; and the feedback history
//! per professional and per organisation that closes the training loop
//! ([`earlyhelp_workflows::reviews`]).

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, Flag, List, PageQuery};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::policy::{self, Permission};
use earlyhelp_domain::review::{check_decision, Criterion, CriterionRating, Decision, ReviewState};
use earlyhelp_domain::{OrganisationId, ReviewId, UserId};
use earlyhelp_persistence::assessments::Revision;
use earlyhelp_persistence::reviews::{QueueFilter, QueueItem, Review};
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::reviews::{
    self, AssignReview, DecideReview, Feedback, FeedbackOf, FeedbackSummary, ListQueue,
    RatingCounts, ReadFeedback, ReviewRecord,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    cursor: Option<String>,
    limit: Option<i64>,
    state: Option<String>,
    reviewer_id: Option<Uuid>,
    overdue: Option<Flag>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assign {
    /// Omit (or name yourself) to claim the review; an LCSS manager may name any LCSS worker.
    reviewer_id: Option<Uuid>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    decision: Decision,
    ratings: BTreeMap<Criterion, CriterionRating>,
    #[serde(default)]
    feedback: String,
}

#[derive(Debug, Serialize)]
pub struct ReviewResponse {
    id: Uuid,
    state: String,
    assessment_id: Uuid,
    revision_id: Uuid,
    locality_id: Uuid,
    reviewer_id: Option<Uuid>,
    assigned_at: Option<DateTime<Utc>>,
    received_on: NaiveDate,
    due_on: NaiveDate,
    /// Past its due date and not yet decided, as of today.
    overdue: bool,
    decision: Option<String>,
    ratings: Option<Value>,
    feedback: Option<String>,
    decided_at: Option<DateTime<Utc>>,
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

/// A review as the queue and the feedback history list it: with its family and submission.
#[derive(Debug, Serialize)]
pub struct QueueItemResponse {
    #[serde(flatten)]
    review: ReviewResponse,
    family_id: Uuid,
    family_reference: String,
    episode_id: Uuid,
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

/// The revision under review, with its content.
#[derive(Debug, Serialize)]
pub(crate) struct RevisionBody {
    id: Uuid,
    number: i32,
    template_id: Uuid,
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

#[derive(Debug, Serialize)]
pub struct ReviewDetailResponse {
    #[serde(flatten)]
    review: ReviewResponse,
    revision: RevisionBody,
}

impl From<ReviewRecord> for ReviewDetailResponse {
    fn from(record: ReviewRecord) -> Self {
        Self {
            review: record.review.into(),
            revision: record.revision.into(),
        }
    }
}

#[derive(Debug, Serialize)]
struct CriterionCounts {
    met: u32,
    partly_met: u32,
    not_met: u32,
}

impl From<RatingCounts> for CriterionCounts {
    fn from(counts: RatingCounts) -> Self {
        Self {
            met: counts.met,
            partly_met: counts.partly_met,
            not_met: counts.not_met,
        }
    }
}

#[derive(Debug, Serialize)]
struct FeedbackSummaryResponse {
    decided: usize,
    accepted: u32,
    returned: u32,
    /// Every quality criterion by name, with how often it was met, partly met and not met.
    criteria: BTreeMap<&'static str, CriterionCounts>,
}

impl From<FeedbackSummary> for FeedbackSummaryResponse {
    fn from(summary: FeedbackSummary) -> Self {
        Self {
            decided: summary.decided,
            accepted: summary.accepted,
            returned: summary.returned,
            criteria: summary
                .criteria
                .into_iter()
                .map(|(criterion, counts)| (criterion.as_str(), counts.into()))
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct FeedbackResponse {
    summary: FeedbackSummaryResponse,
    #[serde(flatten)]
    list: List<QueueItemResponse>,
}

impl From<Feedback> for FeedbackResponse {
    fn from(feedback: Feedback) -> Self {
        Self {
            summary: feedback.summary.into(),
            list: List::from_page(feedback.page, QueueItemResponse::from),
        }
    }
}

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

async fn feedback(
    state: State,
    auth: Authenticated,
    query: PageQuery,
    of: FeedbackOf,
) -> Result<HttpResponse, ApiError> {
    let command = ReadFeedback {
        of,
        page: query.page()?,
    };
    let feedback = auth
        .run(&state, |conn, audit, actor| {
            reviews::feedback(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FeedbackResponse::from(feedback)))
}

/// A professional's own feedback history, or any professional's for LCSS in their locality.
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, professional.id = %id))]
pub async fn professional_feedback(
    state: State,
    auth: Authenticated,
    id: Path<UserId>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let professional = id.into_inner();
    // Asked before the query's checks (the workflow asks again).
    if professional != auth.actor.user_id {
        policy::authorize(&auth.actor, Permission::ReviewAssessments)?;
    }
    feedback(
        state,
        auth,
        query.into_inner(),
        FeedbackOf::Professional(professional),
    )
    .await
}

/// Feedback on an organisation's forms, for LCSS in their locality.
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, organisation.id = %id))]
pub async fn organisation_feedback(
    state: State,
    auth: Authenticated,
    id: Path<OrganisationId>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    // Asked before the query's checks (the workflow asks again).
    policy::authorize(&auth.actor, Permission::ReviewAssessments)?;
    let organisation = id.into_inner();
    feedback(
        state,
        auth,
        query.into_inner(),
        FeedbackOf::Organisation(organisation),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use earlyhelp_persistence::pagination::Page;
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
