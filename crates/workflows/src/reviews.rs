//! LCSS review of submitted Strengths and Needs forms: the queue, assignment, decisions; and
//! the feedback history per professional and per organisation that closes the training loop.

use crate::access::{can_review, family_facts, readable, reviewable};
use crate::step::{audited_list, audited_read, transaction};
use crate::{Failure, Refusal, Result};
use earlyhelp_domain::assessment::{self, AssessmentEvent};
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::policy::{self, Actor, CaseFacts, Permission};
use earlyhelp_domain::review::{
    self as rules, Criterion, CriterionRating, Decision, Rating, ReviewDecision, ReviewEvent,
    ReviewState,
};
use earlyhelp_domain::{OrganisationId, ReviewId, UserId};
use earlyhelp_persistence::assessments::{self, Revision};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::pagination::{Page, PageRequest, MAX_LIMIT};
use earlyhelp_persistence::reviews::{self, QueueFilter, QueueItem, Review};
use earlyhelp_persistence::users;
use earlyhelp_persistence::{Error as DbError, PgConnection};
use serde_json::json;
use std::collections::BTreeMap;

/// A review with the revision it reviews.
#[derive(Debug, Clone)]
pub struct ReviewRecord {
    pub review: Review,
    pub revision: Revision,
    /// The family whose form it is, and its reference, and the episode.
    pub family_id: earlyhelp_domain::FamilyId,
    pub family_reference: String,
    pub episode_id: earlyhelp_domain::EpisodeId,
}

#[derive(Debug, Clone)]
pub struct ListQueue {
    pub filter: QueueFilter,
    pub page: PageRequest,
}

#[derive(Debug, Clone)]
pub struct AssignReview {
    pub review: ReviewId,
    /// `None` (or the actor) claims the review; anyone else is assigned it by a manager.
    pub reviewer: Option<UserId>,
}

#[derive(Debug, Clone)]
pub struct DecideReview {
    pub review: ReviewId,
    pub decision: ReviewDecision,
}

/// Whose feedback history to read.
#[derive(Debug, Clone, Copy)]
pub enum FeedbackOf {
    /// A professional's own history, or any professional's for LCSS.
    Professional(UserId),
    /// The forms an organisation's members submitted, for LCSS.
    Organisation(OrganisationId),
}

#[derive(Debug, Clone)]
pub struct ReadFeedback {
    pub of: FeedbackOf,
    pub page: PageRequest,
}

/// How many ratings of each kind one criterion received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RatingCounts {
    pub met: u32,
    pub partly_met: u32,
    pub not_met: u32,
}

/// The decided reviews of a professional or an organisation, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackSummary {
    pub decided: usize,
    pub accepted: u32,
    pub returned: u32,
    /// Every criterion, rated or not.
    pub criteria: BTreeMap<Criterion, RatingCounts>,
}

/// A page of decided reviews with the summary of all of them.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub summary: FeedbackSummary,
    pub page: Page<QueueItem>,
}

/// The review queue the actor may work, oldest first.
pub fn list_queue(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListQueue,
) -> Result<Page<QueueItem>> {
    policy::authorize(actor, Permission::ReviewAssessments)?;
    let event = AuditEvent::new(
        AuditAction::ListReviews,
        EntityType::Review,
        None,
        Outcome::Success,
    );
    let read = |conn: &mut PgConnection| {
        Ok(reviews::queue(
            conn,
            reviewable(actor),
            &command.filter,
            &command.page,
        )?)
    };
    audited_list(conn, audit, event, read, |item| item.family_id)
}

/// One review with the revision it reviews.
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: ReviewId,
) -> Result<ReviewRecord> {
    let (review, _) = authorised(conn, audit, actor, id)?;
    let event = AuditEvent::success(AuditAction::ReadReview, EntityType::Review, id);
    audited_read(conn, audit, event, |conn| {
        let revision = assessments::find_revision(conn, review.revision_id)?;
        let (family_id, family_reference, episode_id) = reviews::place(conn, review.id)?;
        Ok(ReviewRecord {
            review,
            revision,
            family_id,
            family_reference,
            episode_id,
        })
    })
}

/// Claims the review (no reviewer, or the actor), or assigns it to an LCSS worker or manager
/// of its locality (a manager's step).
pub fn assign(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: AssignReview,
) -> Result<Review> {
    let id = command.review;
    let me = actor.user_id;
    let reviewer = command.reviewer.unwrap_or(me);
    let claiming = reviewer == me;
    if !claiming {
        policy::authorize(actor, Permission::AssignReviews)?;
    }
    let (current, facts) = authorised(conn, audit, actor, id)?;
    if !claiming {
        let candidate = match users::find(conn, reviewer) {
            Ok(candidate) => candidate,
            Err(DbError::NotFound) => {
                return Err(Refusal::invalid("reviewer_id", "no such user").into())
            }
            Err(other) => return Err(other.into()),
        };
        // The review's own locality, fixed when the form was received, decides who may take it.
        let place = CaseFacts {
            locality_id: current.locality_id,
            ..facts
        };
        if !can_review(&candidate, &place) {
            return Err(Refusal::invalid(
                "reviewer_id",
                "must be an active LCSS worker or manager in the review's locality",
            )
            .into());
        }
    }
    transaction(conn, audit, |conn, trail| {
        let locked = reviews::find_for_update(conn, id)?;
        let (event, action) = if claiming {
            (ReviewEvent::Claim, AuditAction::ClaimReview)
        } else {
            (ReviewEvent::Assign, AuditAction::AssignReview)
        };
        step(locked.state, event)?;
        let review = reviews::assign(conn, id, reviewer, me)?;
        trail.record(
            AuditEvent::success(action, EntityType::Review, id)
                .with_detail(json!({ "reviewer_id": reviewer })),
        );
        Ok(review)
    })
}

/// Decides the review with its ratings and feedback: an accepted form is complete, a returned
/// one goes back to its lead professional for amendment.
pub fn decide(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: DecideReview,
) -> Result<Review> {
    let id = command.review;
    let decision = command.decision;
    let ratings = serde_json::to_value(&decision.ratings)
        .map_err(|error| Failure::Defect(format!("ratings unwritable: {error}")))?;
    let (current, mut facts) = authorised(conn, audit, actor, id)?;
    may_decide(actor, &mut facts, &current)?;
    let me = actor.user_id;
    transaction(conn, audit, |conn, trail| {
        let locked = reviews::find_for_update(conn, id)?;
        // Re-asked under the lock: the review may have been reassigned meanwhile.
        may_decide(actor, &mut facts, &locked)?;
        step(locked.state, ReviewEvent::Decide)?;
        let assessment_id = locked.assessment_id;
        let form = assessments::find_for_update(conn, assessment_id)?;
        let event = match decision.decision {
            Decision::Accept => AssessmentEvent::Accept,
            Decision::Return => AssessmentEvent::Return,
        };
        let next = assessment::transition(form.state, event)
            .ok()
            .ok_or_else(|| Refusal::AssessmentState("The form is not awaiting review.".into()))?;
        let outcome = decision.decision.outcome();
        let review = reviews::decide(conn, id, outcome, &ratings, &decision.feedback, me)?;
        let form = assessments::set_state(conn, assessment_id, next)?;
        trail.record(
            AuditEvent::success(AuditAction::DecideReview, EntityType::Review, id)
                .with_detail(json!({ "decision": outcome })),
        );
        let family = reviews::family_of(conn, id)?;
        let (kind, summary) = match decision.decision {
            Decision::Accept => (
                ChronologyKind::AssessmentAccepted,
                "Strengths and Needs form accepted by LCSS: assessment complete",
            ),
            Decision::Return => (
                ChronologyKind::AssessmentReturned,
                "Strengths and Needs form returned by LCSS for amendment",
            ),
        };
        chronology::record(
            conn,
            &Happening {
                family,
                kind,
                actor: actor.user_id,
                summary,
                entity_type: EntityType::Assessment,
                entity_id: form.id.into(),
            },
        )?;
        Ok(review)
    })
}

/// The decided reviews of a professional's or an organisation's forms that the actor may
/// read, a page of them with the counts over all of them.
pub fn feedback(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ReadFeedback,
) -> Result<Feedback> {
    let (filter, subject) = match command.of {
        FeedbackOf::Professional(professional) => {
            if professional != actor.user_id {
                policy::authorize(actor, Permission::ReviewAssessments)?;
            }
            let filter = QueueFilter {
                submitted_by: Some(professional),
                ..QueueFilter::default()
            };
            (filter, (EntityType::Professional, professional.into()))
        }
        FeedbackOf::Organisation(organisation) => {
            policy::authorize(actor, Permission::ReviewAssessments)?;
            let filter = QueueFilter {
                submitter_organisation: Some(organisation),
                ..QueueFilter::default()
            };
            (filter, (EntityType::Organisation, organisation.into()))
        }
    };
    let decided = QueueFilter {
        state: Some(ReviewState::Decided),
        ..filter
    };
    let page = command.page;
    let event = AuditEvent::new(
        AuditAction::ReadFeedback,
        subject.0,
        Some(subject.1),
        Outcome::Success,
    );
    audited_read(conn, audit, event, |conn| {
        let mut all = Vec::new();
        let mut request = PageRequest::new(None, Some(MAX_LIMIT)).unwrap_or(page.clone());
        loop {
            let chunk = reviews::queue(conn, readable(actor), &decided, &request)?;
            all.extend(chunk.items);
            match chunk.next {
                Some(next) => request.after = Some(next),
                None => break,
            }
        }
        let summary = summarise(&all);
        let page = reviews::queue(conn, readable(actor), &decided, &page)?;
        Ok(Feedback { summary, page })
    })
}

/// The review with its family's facts, if the actor may review in that family's locality.
fn authorised(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: ReviewId,
) -> Result<(Review, CaseFacts)> {
    policy::authorize(actor, Permission::ReviewAssessments)?;
    let family = reviews::family_of(conn, id)?;
    let facts = family_facts(conn, family)?;
    let permission = Permission::ReviewAssessments;
    let decision = policy::authorize_case(actor, permission, &facts);
    crate::access::refused_if_denied(conn, audit, family, permission, decision)?;
    Ok((reviews::find(conn, id)?, facts))
}

/// "Not your review": a review assigned to someone else is decided by them, or by whoever may
/// reassign it.
fn may_decide(actor: &Actor, facts: &mut CaseFacts, review: &Review) -> Result<()> {
    facts.assigned_reviewer = review.reviewer_id;
    if policy::may_decide_review(actor, facts) {
        Ok(())
    } else {
        Err(Refusal::NotYourReview.into())
    }
}

/// The state machine's answer for the stored state.
fn step(state: ReviewState, event: ReviewEvent) -> Result<()> {
    rules::transition(state, event)
        .map(|_| ())
        .map_err(|error| Refusal::from(error).into())
}

/// Counts of each rating per criterion over decided reviews: how a professional or an
/// organisation is doing on each quality criterion.
fn summarise(items: &[QueueItem]) -> FeedbackSummary {
    let mut summary = FeedbackSummary {
        decided: items
            .iter()
            .filter(|item| item.review.decision.is_some())
            .count(),
        accepted: 0,
        returned: 0,
        criteria: Criterion::ALL
            .into_iter()
            .map(|criterion| (criterion, RatingCounts::default()))
            .collect(),
    };
    for item in items {
        if let Some(decision) = &item.review.decision {
            if decision == Decision::Accept.outcome() {
                summary.accepted += 1;
            } else {
                summary.returned += 1;
            }
        }
        let Some(ratings) = item.review.ratings.as_ref().and_then(|ratings| {
            serde_json::from_value::<BTreeMap<Criterion, CriterionRating>>(ratings.clone()).ok()
        }) else {
            continue;
        };
        for (criterion, rating) in ratings {
            let counts = summary.criteria.entry(criterion).or_default();
            match rating.rating {
                Rating::Met => counts.met += 1,
                Rating::PartlyMet => counts.partly_met += 1,
                Rating::NotMet => counts.not_met += 1,
            }
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};
    use earlyhelp_domain::{AssessmentId, EpisodeId, FamilyId, LocalityId, RevisionId};

    fn decided(decision: Option<&str>, ratings: Option<serde_json::Value>) -> QueueItem {
        let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        QueueItem {
            review: Review {
                id: ReviewId::generate(),
                revision_id: RevisionId::generate(),
                assessment_id: AssessmentId::generate(),
                locality_id: LocalityId::generate(),
                state: ReviewState::Decided,
                reviewer_id: None,
                assigned_by: None,
                assigned_at: None,
                received_on: day,
                due_on: day,
                decision: decision.map(str::to_owned),
                ratings,
                feedback: None,
                decided_at: None,
                decided_by: None,
                created_at: Utc::now(),
            },
            family_id: FamilyId::generate(),
            family_reference: "FAM-1".into(),
            episode_id: EpisodeId::generate(),
            revision_number: 1,
            submitted_by: UserId::generate(),
            submitted_at: Utc::now(),
        }
    }

    #[test]
    fn a_feedback_summary_counts_decisions_and_every_criterion_even_unrated_ones() {
        let rated = json!({
            "childs_voice_heard": { "rating": "partly_met", "comment": "Their own words." },
            "consent_recorded": { "rating": "met" },
        });
        let summary = summarise(&[
            decided(Some("returned"), Some(rated)),
            decided(Some("accepted"), Some(json!("unreadable"))),
            decided(None, None),
        ]);
        assert_eq!(
            (summary.decided, summary.accepted, summary.returned),
            (2, 1, 1)
        );
        assert_eq!(summary.criteria.len(), Criterion::ALL.len());
        let voice = summary.criteria[&Criterion::ChildsVoiceHeard];
        assert_eq!((voice.met, voice.partly_met, voice.not_met), (0, 1, 0));
        assert_eq!(summary.criteria[&Criterion::ConsentRecorded].met, 1);
    }
}
