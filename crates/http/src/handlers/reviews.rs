//! `/api/v1/reviews`: the LCSS review queue, assignment, decisions; and the feedback history
//! per professional and per organisation that closes the training loop.

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::case::{apply_transition, authorize_family, readable, today};
use crate::handlers::wire::{page_request, List, PageQuery};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::assessment::{self, AssessmentEvent, AssessmentState};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::review::{
    self, check_decision, Criterion, CriterionRating, Decision, Rating, ReviewEvent, ReviewState,
};
use earlyhelp_domain::{AssessmentId, FamilyId, ReviewId, RevisionId, Role, UserId};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::reviews::{self, QueueFilter, QueueItem, Review};
use earlyhelp_persistence::{assessments, users, Error as DbError, PgConnection};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    cursor: Option<String>,
    limit: Option<i64>,
    state: Option<String>,
    reviewer_id: Option<Uuid>,
    overdue: Option<crate::handlers::wire::Flag>,
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

fn review_json(review: &Review) -> Value {
    let overdue = review.state != "decided" && review.due_on < today();
    json!({
        "id": review.id,
        "state": review.state,
        "assessment_id": review.assessment_id,
        "revision_id": review.revision_id,
        "locality_id": review.locality_id,
        "reviewer_id": review.reviewer_id,
        "assigned_at": review.assigned_at,
        "received_on": review.received_on,
        "due_on": review.due_on,
        "overdue": overdue,
        "decision": review.decision,
        "ratings": review.ratings,
        "feedback": review.feedback,
        "decided_at": review.decided_at,
        "decided_by": review.decided_by,
    })
}

fn queue_json(item: QueueItem) -> Value {
    let mut value = review_json(&item.review);
    if let Some(object) = value.as_object_mut() {
        object.insert("family_id".into(), json!(item.family_id));
        object.insert("family_reference".into(), json!(item.family_reference));
        object.insert("episode_id".into(), json!(item.episode_id));
        object.insert("revision_number".into(), json!(item.revision_number));
        object.insert("submitted_by".into(), json!(item.submitted_by));
        object.insert("submitted_at".into(), json!(item.submitted_at));
    }
    value
}

fn transition(state: &str, event: ReviewEvent) -> Result<(), ApiError> {
    let current = ReviewState::parse(state)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("unknown review state {state}")))?;
    review::transition(current, event)
        .map(|_| ())
        .map_err(|error| {
            let code = match error {
                review::ReviewError::AlreadyAssigned => "review_already_assigned",
                review::ReviewError::AlreadyDecided => "review_already_decided",
                review::ReviewError::NotAssigned => "review_not_assigned",
            };
            ApiError::Conflict {
                code,
                detail: format!("{}.", error),
            }
        })
}

/// The review, if the actor may review in its family's locality.
fn authorised_review(
    conn: &mut PgConnection,
    actor: &Actor,
    id: ReviewId,
) -> Result<Review, ApiError> {
    policy::authorize(actor, Permission::ReviewAssessments)?;
    let family = reviews::family_of(conn, id)?;
    authorize_family(
        conn,
        actor,
        Permission::ReviewAssessments,
        FamilyId::from_uuid(family),
    )?;
    Ok(reviews::find(conn, id)?)
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_reviews(
    state: State,
    auth: Authenticated,
    query: Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ReviewAssessments)?;
    let query = query.into_inner();
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    if let Some(state) = &query.state {
        ReviewState::parse(state).ok_or_else(|| {
            ApiError::validation("state", "must be unassigned, assigned or decided")
        })?;
    }
    let filter = QueueFilter {
        state: query.state,
        reviewer_id: query.reviewer_id,
        overdue_on: query
            .overdue
            .filter(|flag| bool::from(*flag))
            .map(|_| today()),
        submitted_by: None,
        submitter_organisation: None,
    };
    let context = auth.audit_context();
    let actor = auth.actor;
    let page = state
        .db(move |conn| {
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::new(
                    AuditAction::ListReviews,
                    EntityType::Review,
                    None,
                    Outcome::Success,
                ),
                |conn| reviews::queue(conn, reviewable(&actor), &filter, &page),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, queue_json)))
}

/// The families whose forms the actor may review.
fn reviewable(actor: &Actor) -> earlyhelp_persistence::scope::VisibleFamilies {
    earlyhelp_persistence::scope::visible_family_ids(&policy::case_filter(
        actor,
        Permission::ReviewAssessments,
    ))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, review.id = %id))]
pub async fn get_review(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = ReviewId::from_uuid(id.into_inner());
    let context = auth.audit_context();
    let actor = auth.actor;
    let body = state
        .db(move |conn| {
            let review = authorised_review(conn, &actor, id)?;
            Ok(audit::audited(conn, &context, |conn, trail| {
                trail.record(AuditEvent::success(AuditAction::ReadReview, EntityType::Review, id));
                let revision = assessments::find_revision(conn, RevisionId::from_uuid(review.revision_id))?;
                let mut body = review_json(&review);
                if let Some(object) = body.as_object_mut() {
                    object.insert(
                        "revision".into(),
                        json!({ "id": revision.id, "number": revision.number, "template_id": revision.template_id, "content": revision.content, "submitted_by": revision.submitted_by, "submitted_at": revision.submitted_at }),
                    );
                }
                Ok(body)
            })?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, review.id = %id))]
pub async fn assign_review(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<Assign>,
) -> Result<HttpResponse, ApiError> {
    let id = ReviewId::from_uuid(id.into_inner());
    let me = auth.actor.user_id.into_uuid();
    let reviewer = body.0.reviewer_id.unwrap_or(me);
    let claiming = reviewer == me;
    if !claiming {
        policy::authorize(&auth.actor, Permission::AssignReviews)?;
    }
    let context = auth.audit_context();
    let actor = auth.actor;
    let review = state
        .db(move |conn| {
            let current = authorised_review(conn, &actor, id)?;
            if !claiming {
                let candidate = users::find(conn, UserId::from_uuid(reviewer)).map_err(
                    |error| match error {
                        DbError::NotFound => ApiError::validation("reviewer_id", "no such user"),
                        other => other.into(),
                    },
                )?;
                let reviews_here = candidate.active
                    && candidate.locality_id == Some(current.locality_id)
                    && candidate.roles.iter().any(|r| {
                        matches!(r.parse::<Role>(), Ok(Role::LcssWorker | Role::LcssManager))
                    });
                if !reviews_here {
                    return Err(ApiError::validation(
                        "reviewer_id",
                        "must be an active LCSS worker or manager in the review's locality",
                    ));
                }
            }
            apply_transition(conn, &context, |conn, trail| {
                let locked = reviews::find_for_update(conn, id)?;
                let event = if claiming {
                    ReviewEvent::Claim
                } else {
                    ReviewEvent::Assign
                };
                if let Err(error) = transition(&locked.state, event) {
                    return Ok(Err(error));
                }
                let review = reviews::assign(conn, id, reviewer, me)?;
                let action = if claiming {
                    AuditAction::ClaimReview
                } else {
                    AuditAction::AssignReview
                };
                trail.record(
                    AuditEvent::success(action, EntityType::Review, id)
                        .with_detail(json!({ "reviewer_id": reviewer })),
                );
                Ok(Ok(review))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(review_json(&review)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, review.id = %id))]
pub async fn decide_review(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = ReviewId::from_uuid(id.into_inner());
    let DecisionRequest {
        decision,
        ratings,
        feedback,
    } = body.0;
    let checked = check_decision(decision, ratings, &feedback).map_err(|problems| {
        let mut checks = Checks::default();
        for (field, message) in problems {
            checks.fail(&field, message);
        }
        checks
            .finish(|| None::<()>)
            .err()
            .map_or(ApiError::validation("ratings", "invalid"), ApiError::from)
    })?;
    let ratings_json =
        serde_json::to_value(&checked.ratings).map_err(|error| ApiError::Internal(error.into()))?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let review = state
        .db(move |conn| {
            let current = authorised_review(conn, &actor, id)?;
            let me = actor.user_id.into_uuid();
            if current.reviewer_id.is_some() && current.reviewer_id != Some(me) && policy::authorize(&actor, Permission::AssignReviews).is_err() {
                return Err(ApiError::Conflict { code: "not_your_review", detail: "This review is assigned to another reviewer; an LCSS manager can reassign it.".into() });
            }
                        apply_transition(conn, &context, |conn, trail| {
                let locked = reviews::find_for_update(conn, id)?;
                if let Err(error) = transition(&locked.state, ReviewEvent::Decide) {
                    return Ok(Err(error));
                }
                let assessment_id = AssessmentId::from_uuid(locked.assessment_id);
                let form = assessments::find_for_update(conn, assessment_id)?;
                let event = match checked.decision {
                    Decision::Accept => AssessmentEvent::Accept,
                    Decision::Return => AssessmentEvent::Return,
                };
                let next = AssessmentState::parse(&form.state).and_then(|state| assessment::transition(state, event).ok());
                let Some(next) = next else {
                    return Ok(Err(ApiError::Conflict { code: "assessment_state", detail: "The form is not awaiting review.".into() }));
                };
                let review = reviews::decide(conn, id, checked.decision.outcome(), &ratings_json, &checked.feedback, me)?;
                let form = assessments::set_state(conn, assessment_id, next.as_str())?;
                trail.record(AuditEvent::success(AuditAction::DecideReview, EntityType::Review, id).with_detail(json!({ "decision": checked.decision.outcome() })));
                let family = reviews::family_of(conn, id)?;
                let (kind, summary) = match checked.decision {
                    Decision::Accept => ("assessment.accepted", "Strengths and Needs form accepted by LCSS: assessment complete"),
                    Decision::Return => ("assessment.returned", "Strengths and Needs form returned by LCSS for amendment"),
                };
                chronology::record(conn, &Happening { family: FamilyId::from_uuid(family), kind, actor: actor.user_id, summary, entity_type: "assessment", entity_id: form.id })?;
                Ok(Ok(review))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(review_json(&review)))
}

/// Counts of each rating per criterion over decided reviews: how a professional or an
/// organisation is doing on each quality criterion.
fn summarise(items: &[QueueItem]) -> Value {
    let mut decisions: BTreeMap<&str, u32> = BTreeMap::new();
    let mut criteria: BTreeMap<&'static str, BTreeMap<&'static str, u32>> = BTreeMap::new();
    for criterion in Criterion::ALL {
        criteria.insert(
            criterion.as_str(),
            [("met", 0), ("partly_met", 0), ("not_met", 0)]
                .into_iter()
                .collect(),
        );
    }
    for item in items {
        if let Some(decision) = &item.review.decision {
            *decisions
                .entry(if decision == "accepted" {
                    "accepted"
                } else {
                    "returned"
                })
                .or_default() += 1;
        }
        let Some(ratings) = item.review.ratings.as_ref().and_then(|r| {
            serde_json::from_value::<BTreeMap<Criterion, CriterionRating>>(r.clone()).ok()
        }) else {
            continue;
        };
        for (criterion, rating) in ratings {
            let key = match rating.rating {
                Rating::Met => "met",
                Rating::PartlyMet => "partly_met",
                Rating::NotMet => "not_met",
            };
            if let Some(counts) = criteria.get_mut(criterion.as_str()) {
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    json!({
        "decided": items.iter().filter(|i| i.review.decision.is_some()).count(),
        "accepted": decisions.get("accepted").copied().unwrap_or(0),
        "returned": decisions.get("returned").copied().unwrap_or(0),
        "criteria": criteria,
    })
}

async fn feedback(
    state: State,
    auth: Authenticated,
    query: PageQuery,
    filter: QueueFilter,
    subject: (EntityType, Uuid),
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let (summary, page) = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                trail.record(AuditEvent::new(
                    AuditAction::ReadFeedback,
                    subject.0,
                    Some(subject.1),
                    Outcome::Success,
                ));
                let decided = QueueFilter {
                    state: Some("decided".into()),
                    ..filter
                };
                let everything = earlyhelp_persistence::pagination::PageRequest::new(
                    None,
                    Some(earlyhelp_persistence::pagination::MAX_LIMIT),
                )
                .unwrap_or(page.clone());
                let mut all = Vec::new();
                let mut request = everything;
                loop {
                    let chunk = reviews::queue(conn, readable(&actor), &decided, &request)?;
                    all.extend(chunk.items);
                    match chunk.next {
                        Some(next) => request.after = Some(next),
                        None => break,
                    }
                }
                let summary = summarise(&all);
                let page = reviews::queue(conn, readable(&actor), &decided, &page)?;
                Ok((summary, page))
            })?)
        })
        .await?;
    let list = List::from_page(page, queue_json);
    Ok(HttpResponse::Ok()
        .json(json!({ "summary": summary, "items": list.items, "next_cursor": list.next_cursor })))
}

/// A professional's own feedback history, or any professional's for LCSS in their locality.
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, professional.id = %id))]
pub async fn professional_feedback(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let professional = id.into_inner();
    if professional != auth.actor.user_id.into_uuid() {
        policy::authorize(&auth.actor, Permission::ReviewAssessments)?;
    }
    let filter = QueueFilter {
        submitted_by: Some(professional),
        ..QueueFilter::default()
    };
    feedback(
        state,
        auth,
        query.into_inner(),
        filter,
        (EntityType::Professional, professional),
    )
    .await
}

/// Feedback on an organisation's forms, for LCSS in their locality.
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, organisation.id = %id))]
pub async fn organisation_feedback(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ReviewAssessments)?;
    let organisation = id.into_inner();
    let filter = QueueFilter {
        submitter_organisation: Some(organisation),
        ..QueueFilter::default()
    };
    feedback(
        state,
        auth,
        query.into_inner(),
        filter,
        (EntityType::Organisation, organisation),
    )
    .await
}
