//! One step of the assessment loop each: the persistence calls, audit entries and chronology
//! the HTTP handler for that step writes, run as a request by the demo user who would take it.

use earlyhelp_domain::assessment::AssessmentState;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::calendar::WorkingCalendar;
use earlyhelp_domain::review::{Decision, ReviewDecision};
use earlyhelp_domain::{
    AssessmentId, EpisodeId, FamilyId, LocalityId, ReviewId, RevisionId, UserId,
};
use earlyhelp_workflows::clock::today;
use earlyhelp_persistence::audit::{self, AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::consents::{self, NewConsent};
use earlyhelp_persistence::episodes::{self, NewEpisode};
use earlyhelp_persistence::families;
use earlyhelp_persistence::templates::FormTemplate;
use earlyhelp_persistence::users::User;
use earlyhelp_persistence::{assessments, reviews, Error as DbError, PgConnection};
use serde_json::{json, Value};
use uuid::Uuid;

/// Working days LCSS has to review a form: the server's default (`--review-working-days`).
const REVIEW_WORKING_DAYS: u32 = 10;

/// A request by `user`, as the audit trail records it; `seed-demo-` marks where it came from.
pub fn acting(user: &User) -> AuditContext {
    AuditContext {
        actor: Some(UserId::from_uuid(user.id)),
        request_id: format!("seed-demo-{}", Uuid::now_v7()),
    }
}

/// A chronology entry by `actor`, written in the caller's transaction.
pub fn note(
    conn: &mut PgConnection,
    family: FamilyId,
    kind: &'static str,
    actor: &User,
    summary: &str,
    entity_type: &'static str,
    entity_id: Uuid,
) -> Result<(), DbError> {
    chronology::record(
        conn,
        &Happening {
            family,
            kind,
            actor: UserId::from_uuid(actor.id),
            summary,
            entity_type,
            entity_id,
        },
    )
}

/// Records consent to assessment given by a family member.
pub fn record_consent(
    conn: &mut PgConnection,
    lead: &User,
    new: &NewConsent,
) -> Result<(), DbError> {
    audit::audited(conn, &acting(lead), |conn, trail| {
        let consent = consents::create(conn, new)?;
        trail.record(AuditEvent::success(
            AuditAction::RecordConsent,
            EntityType::Consent,
            consent.id,
        ));
        let purpose = if consent.for_assessment {
            "an early help assessment"
        } else {
            "sharing only"
        };
        let method = match consent.method.as_str() {
            "verbal" => "Verbal",
            _ => "Written",
        };
        note(
            conn,
            FamilyId::from_uuid(consent.family_id),
            "consent.given",
            lead,
            &format!("{method} consent given for {purpose}"),
            "consent",
            consent.id,
        )
    })
}

/// Opens the episode for its children, with the family following its lead and locality.
pub fn open_episode(
    conn: &mut PgConnection,
    lead: &User,
    new: &NewEpisode,
    children: &[Uuid],
    threshold_rationale: &str,
) -> Result<EpisodeId, DbError> {
    let family = FamilyId::from_uuid(new.family_id);
    audit::audited(conn, &acting(lead), |conn, trail| {
        let episode = episodes::open(conn, new, children, threshold_rationale)?;
        families::set_lead_professional(conn, family, lead.id)?;
        families::set_locality(conn, family, LocalityId::from_uuid(new.locality_id))?;
        trail.record(AuditEvent::success(
            AuditAction::OpenEpisode,
            EntityType::Episode,
            episode.id,
        ));
        note(
            conn,
            family,
            "episode.opened",
            lead,
            &format!(
                "Early help episode opened at threshold level {} for {} child(ren)",
                episode.threshold_level,
                children.len()
            ),
            "episode",
            episode.id,
        )?;
        Ok(EpisodeId::from_uuid(episode.id))
    })
}

/// Starts the episode's Strengths and Needs form with draft content.
pub fn start_assessment(
    conn: &mut PgConnection,
    lead: &User,
    episode: EpisodeId,
    family: FamilyId,
    template: &FormTemplate,
    content: &Value,
) -> Result<AssessmentId, DbError> {
    audit::audited(conn, &acting(lead), |conn, trail| {
        let created = assessments::create(conn, episode, template.id, content, lead.id)?;
        trail.record(AuditEvent::success(
            AuditAction::StartAssessment,
            EntityType::Assessment,
            created.id,
        ));
        note(
            conn,
            family,
            "assessment.started",
            lead,
            &format!(
                "Strengths and Needs form started (template v{})",
                template.version
            ),
            "assessment",
            created.id,
        )?;
        Ok(AssessmentId::from_uuid(created.id))
    })
}

/// Saves new content over the current version, as a PATCH with the right If-Match does.
pub fn edit(
    conn: &mut PgConnection,
    lead: &User,
    form: AssessmentId,
    content: &Value,
) -> Result<(), DbError> {
    audit::audited(conn, &acting(lead), |conn, trail| {
        let current = assessments::find_for_update(conn, form)?;
        if assessments::save_content(conn, form, current.version, content)?.is_none() {
            return Err(DbError::Conflict {
                constraint: "assessments.version".to_owned(),
            });
        }
        trail.record(AuditEvent::success(
            AuditAction::UpdateAssessment,
            EntityType::Assessment,
            form,
        ));
        Ok(())
    })
}

/// Freezes the next revision and puts it in the locality's review queue, due in ten working
/// days.
pub fn submit(
    conn: &mut PgConnection,
    lead: &User,
    form: AssessmentId,
    family: FamilyId,
    calendar: &WorkingCalendar,
) -> Result<ReviewId, DbError> {
    audit::audited(conn, &acting(lead), |conn, trail| {
        let assessment = assessments::find_for_update(conn, form)?;
        let episode = episodes::find_for_update(conn, EpisodeId::from_uuid(assessment.episode_id))?;
        let revision = assessments::freeze_revision(conn, &assessment, lead.id)?;
        let received = today();
        let due = calendar.add_working_days(received, REVIEW_WORKING_DAYS);
        let review = reviews::create(
            conn,
            RevisionId::from_uuid(revision.id),
            assessment.id,
            episode.locality_id,
            received,
            due,
        )?;
        assessments::set_state(conn, form, AssessmentState::Submitted.as_str())?;
        trail.record(
            AuditEvent::success(AuditAction::SubmitAssessment, EntityType::Assessment, form)
                .with_detail(json!({ "revision": revision.number })),
        );
        note(
            conn,
            family,
            "assessment.submitted",
            lead,
            &format!(
                "Strengths and Needs form submitted to LCSS (revision {})",
                revision.number
            ),
            "assessment",
            form.into_uuid(),
        )?;
        Ok(ReviewId::from_uuid(review.id))
    })
}

/// The reviewer claims the review, or `by` (an LCSS manager) assigns it to them.
pub fn assign(
    conn: &mut PgConnection,
    review: ReviewId,
    reviewer: &User,
    by: Option<&User>,
) -> Result<(), DbError> {
    let (actor, action) = match by {
        Some(manager) => (manager, AuditAction::AssignReview),
        None => (reviewer, AuditAction::ClaimReview),
    };
    audit::audited(conn, &acting(actor), |conn, trail| {
        reviews::find_for_update(conn, review)?;
        reviews::assign(conn, review, reviewer.id, actor.id)?;
        trail.record(
            AuditEvent::success(action, EntityType::Review, review)
                .with_detail(json!({ "reviewer_id": reviewer.id })),
        );
        Ok(())
    })
}

/// Decides the review with its ratings and feedback; the form follows the decision.
pub fn decide(
    conn: &mut PgConnection,
    reviewer: &User,
    review: ReviewId,
    decision: &ReviewDecision,
    ratings: &Value,
) -> Result<(), DbError> {
    audit::audited(conn, &acting(reviewer), |conn, trail| {
        let locked = reviews::find_for_update(conn, review)?;
        let form = AssessmentId::from_uuid(locked.assessment_id);
        assessments::find_for_update(conn, form)?;
        let (next, kind, summary) = match decision.decision {
            Decision::Accept => (
                AssessmentState::Accepted,
                "assessment.accepted",
                "Strengths and Needs form accepted by LCSS: assessment complete",
            ),
            Decision::Return => (
                AssessmentState::Returned,
                "assessment.returned",
                "Strengths and Needs form returned by LCSS for amendment",
            ),
        };
        reviews::decide(
            conn,
            review,
            decision.decision.outcome(),
            ratings,
            &decision.feedback,
            reviewer.id,
        )?;
        let form = assessments::set_state(conn, form, next.as_str())?;
        trail.record(
            AuditEvent::success(AuditAction::DecideReview, EntityType::Review, review)
                .with_detail(json!({ "decision": decision.decision.outcome() })),
        );
        let family = FamilyId::from_uuid(reviews::family_of(conn, review)?);
        note(conn, family, kind, reviewer, summary, "assessment", form.id)
    })
}
