//! Strengths and Needs forms from draft to submission.
//!
//! Drafts use optimistic concurrency: a change names the version it was made against, and a
//! stale change is refused with the version that won and changes nothing. Submission freezes a
//! revision and puts it in the LCSS review queue; with an idempotency key, a retried submit
//! replays the first answer and creates nothing twice.

use crate::access::authorize_family;
use crate::step::{audited_read, transaction};
use crate::templates::{definition_of, field_errors};
use crate::{Failure, Refusal, Result};
use chrono::NaiveDate;
use earlyhelp_domain::assessment::{self as rules, AssessmentEvent, AssessmentState};
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::calendar::WorkingCalendar;
use earlyhelp_domain::episode::{self as episode_rules, EpisodeEvent, EpisodeState};
use earlyhelp_domain::forms::{Strictness, SNF_TEMPLATE_NAME};
use earlyhelp_domain::policy::{self, Actor, CaseFacts, Denial, Permission};
use earlyhelp_domain::{AssessmentId, EpisodeId, FamilyId};
use earlyhelp_persistence::assessments::{self, Assessment, Revision};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::episodes::{self, Episode};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::reviews::{self, Review};
use earlyhelp_persistence::templates::{self, FormTemplate};
use earlyhelp_persistence::{consents, idempotency, Error as DbError, PgConnection};
use serde_json::{json, Value};

/// A form as a single read shows it: with the template it follows and its family.
#[derive(Debug, Clone)]
pub struct AssessmentRecord {
    pub assessment: Assessment,
    pub template: FormTemplate,
    pub family_id: FamilyId,
    /// For a form LCSS returned: the review it was returned with, so its lead sees what to
    /// amend on the form itself.
    pub returned_with: Option<earlyhelp_persistence::reviews::Review>,
}

/// A revision of a form with the LCSS review it went to (none for a revision stored before
/// reviews existed).
#[derive(Debug, Clone)]
pub struct RevisionRecord {
    pub revision: Revision,
    pub review: Option<Review>,
}

/// What one submission made: the form as it now stands, the frozen revision and its review.
#[derive(Debug, Clone)]
pub struct Submission {
    pub assessment: AssessmentRecord,
    pub revision: Revision,
    pub review: Review,
}

/// The answer a submit gave, as stored under its idempotency key: a retry gets it again byte
/// for byte, so the workflow keeps what the caller rendered rather than re-rendering it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

#[derive(Debug, Clone)]
pub struct StartAssessment {
    pub episode: EpisodeId,
    /// Draft content (an object of sections; may be empty).
    pub content: Value,
}

#[derive(Debug, Clone)]
pub struct UpdateAssessment {
    pub assessment: AssessmentId,
    /// The version(s) the change was made against, from `If-Match`. Unreadable or missing is
    /// only reported after the access checks, so an actor who may not see the form learns
    /// nothing of it: [`Refusal::VersionRequired`] or [`Refusal::VersionUnreadable`].
    pub expected_version: Result<IfMatch, Refusal>,
    /// A JSON merge patch (RFC 7396) of the content: an object of sections.
    pub patch: Value,
}

/// What `If-Match` asks of the form's current version (RFC 9110, 13.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: any current version; the save applies to whatever is stored now.
    Any,
    /// One of these versions (`"3"`, or a list `"3", "4"`).
    Versions(Vec<i32>),
}

impl IfMatch {
    /// The version to save against, when the current one satisfies the condition.
    pub fn against(&self, current: i32) -> Option<i32> {
        match self {
            IfMatch::Any => Some(current),
            IfMatch::Versions(versions) => versions.contains(&current).then_some(current),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SubmitAssessment {
    pub assessment: AssessmentId,
    pub idempotency: Option<IdempotencyKey>,
}

pub use crate::step::IdempotencyKey;

/// When a review falls due: a number of working days after the form is received.
#[derive(Debug, Clone)]
pub struct ReviewDeadline {
    pub calendar: WorkingCalendar,
    pub working_days: u32,
}

impl ReviewDeadline {
    pub fn due(&self, received: NaiveDate) -> NaiveDate {
        self.calendar.add_working_days(received, self.working_days)
    }
}

#[derive(Debug, Clone)]
pub struct ListRevisions {
    pub assessment: AssessmentId,
    pub page: PageRequest,
}

/// The status a fresh submission answers with, stored with the body for its replays.
const SUBMITTED: u8 = 200;

/// Starts the episode's Strengths and Needs form on the latest published template.
pub fn start(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: StartAssessment,
) -> Result<AssessmentRecord> {
    let id = command.episode;
    let episode = episodes::find(conn, id)?;
    let family = episode.family_id;
    authorize_family(conn, audit, actor, Permission::WriteCase, family)?;
    require_lead(conn, audit, actor, &episode)?;
    may_start(conn, &episode)?;
    let template = templates::latest(conn, SNF_TEMPLATE_NAME)?
        .ok_or_else(|| Failure::Defect("no published Strengths and Needs template".to_owned()))?;
    let found = definition_of(&template)?.validate(&command.content, Strictness::Draft);
    if !found.is_empty() {
        return Err(field_errors(found, "content").into());
    }
    let created = transaction(conn, audit, |conn, trail| {
        // Re-checked under the episode's lock: a concurrent start or closure is seen here.
        let locked = episodes::find_for_update(conn, id)?;
        may_start(conn, &locked)?;
        let created = assessments::create(conn, id, template.id, &command.content, actor.user_id)?;
        trail.record(AuditEvent::success(
            AuditAction::StartAssessment,
            EntityType::Assessment,
            created.id,
        ));
        chronology::record(
            conn,
            &Happening {
                family,
                kind: ChronologyKind::AssessmentStarted,
                actor: actor.user_id,
                summary: &format!(
                    "Strengths and Needs form started (template v{})",
                    template.version
                ),
                entity_type: EntityType::Assessment,
                entity_id: created.id.into(),
            },
        )?;
        Ok(created)
    })?;
    Ok(record(conn, created)?)
}

/// One form, for whoever may read its family's record.
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: AssessmentId,
) -> Result<AssessmentRecord> {
    let (assessment, _) = authorised(conn, audit, actor, Permission::ReadCase, id)?;
    let event = AuditEvent::success(AuditAction::ReadAssessment, EntityType::Assessment, id);
    audited_read(conn, audit, event, |conn| Ok(record(conn, assessment)?))
}

/// Saves a change to the draft made against the version the client holds.
pub fn update(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: UpdateAssessment,
) -> Result<AssessmentRecord> {
    let id = command.assessment;
    let (assessment, episode) = authorised(conn, audit, actor, Permission::WriteCase, id)?;
    require_lead(conn, audit, actor, &episode)?;
    let condition = command.expected_version?;
    step(assessment.state, AssessmentEvent::Edit)?;
    let Some(expected) = condition.against(assessment.version) else {
        return Err(Refusal::StaleVersion {
            current: assessment.version,
        }
        .into());
    };
    let mut content = assessment.content;
    merge_patch(&mut content, &command.patch);
    let template = templates::find(conn, assessment.template_id)?;
    let found = definition_of(&template)?.validate(&content, Strictness::Draft);
    if !found.is_empty() {
        return Err(field_errors(found, "content").into());
    }
    let saved = transaction(conn, audit, |conn, trail| {
        // The version check is in the UPDATE itself: a save that lost the race since our read
        // updates nothing and is refused with the version that won.
        match assessments::save_content(conn, id, expected, &content)? {
            Some(saved) => {
                trail.record(AuditEvent::success(
                    AuditAction::UpdateAssessment,
                    EntityType::Assessment,
                    id,
                ));
                Ok(saved)
            }
            None => Err(Refusal::StaleVersion {
                current: assessments::find(conn, id)?.version,
            }
            .into()),
        }
    })?;
    Ok(record(conn, saved)?)
}

/// Submits the form to LCSS: freezes a revision and queues its review, due `deadline` working
/// days on. With an idempotency key the answer is stored as `render` made it and a retry with
/// the same key gets it again; the form's row lock makes a concurrent retry wait, then replay.
pub fn submit<W: serde::Serialize>(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: SubmitAssessment,
    deadline: &ReviewDeadline,
    render: impl FnOnce(Submission) -> W,
) -> Result<Answer> {
    let id = command.assessment;
    let (_, episode) = authorised(conn, audit, actor, Permission::WriteCase, id)?;
    require_lead(conn, audit, actor, &episode)?;
    let idempotency = command.idempotency;
    transaction(conn, audit, |conn, trail| {
        // Lock first: a concurrent retry with the same key waits here, then replays.
        let assessment = assessments::find_for_update(conn, id)?;
        if let Some(key) = &idempotency {
            if let Some(stored) = idempotency::find(conn, actor.user_id, &key.key)? {
                if stored.request_hash != key.request_hash {
                    return Err(Refusal::IdempotencyKeyReused.into());
                }
                trail.record(
                    AuditEvent::new(
                        AuditAction::SubmitAssessment,
                        EntityType::Assessment,
                        Some(id.into()),
                        Outcome::Success,
                    )
                    .with_detail(json!({ "replayed": true })),
                );
                return Ok(Answer {
                    status: u16::try_from(stored.status).unwrap_or(u16::from(SUBMITTED)),
                    body: stored.response,
                });
            }
        }
        step(assessment.state, AssessmentEvent::Submit)?;
        let episode = episodes::find_for_update(conn, assessment.episode_id)?;
        if episode.state != EpisodeState::Open {
            return Err(Refusal::EpisodeClosed("The episode is closed.".into()).into());
        }
        let family = episode.family_id;
        if let Err(missing) = episode_rules::require_assessment_consent(
            consents::has_active_assessment_consent(conn, family)?,
        ) {
            return Err(Refusal::ConsentRequired(format!(
                "The {}.",
                missing.to_string().trim_start_matches("the ")
            ))
            .into());
        }
        let template = templates::find(conn, assessment.template_id)?;
        let found = definition_of(&template)?.validate(&assessment.content, Strictness::Submit);
        if !found.is_empty() {
            return Err(field_errors(found, "content").into());
        }
        let revision = assessments::freeze_revision(conn, &assessment, actor.user_id)?;
        let received = crate::clock::today();
        let review = reviews::create(
            conn,
            revision.id,
            assessment.id,
            episode.locality_id,
            received,
            deadline.due(received),
        )?;
        let submitted = assessments::set_state(conn, id, AssessmentState::Submitted)?;
        trail.record(
            AuditEvent::success(AuditAction::SubmitAssessment, EntityType::Assessment, id)
                .with_detail(json!({ "revision": revision.number })),
        );
        chronology::record(
            conn,
            &Happening {
                family,
                kind: ChronologyKind::AssessmentSubmitted,
                actor: actor.user_id,
                summary: &format!(
                    "Strengths and Needs form submitted to LCSS (revision {})",
                    revision.number
                ),
                entity_type: EntityType::Assessment,
                entity_id: id.into(),
            },
        )?;
        tracing::info!(
            review.id = %review.id,
            locality.id = %review.locality_id,
            "assessment submitted"
        );
        let submission = Submission {
            assessment: record(conn, submitted)?,
            revision,
            review,
        };
        let body = serde_json::to_value(render(submission))
            .map_err(|error| Failure::Defect(format!("submission unrenderable: {error}")))?;
        if let Some(key) = &idempotency {
            idempotency::store(
                conn,
                actor.user_id,
                &key.key,
                &key.request_hash,
                i16::from(SUBMITTED),
                &body,
            )?;
        }
        Ok(Answer {
            status: u16::from(SUBMITTED),
            body,
        })
    })
}

/// The form's frozen revisions, oldest first, each with its review.
pub fn list_revisions(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListRevisions,
) -> Result<Page<RevisionRecord>> {
    let id = command.assessment;
    authorised(conn, audit, actor, Permission::ReadCase, id)?;
    let event = AuditEvent::success(AuditAction::ListRevisions, EntityType::Assessment, id);
    audited_read(conn, audit, event, |conn| {
        let page = assessments::revisions(conn, id, &command.page)?;
        let items = page
            .items
            .into_iter()
            .map(|revision| {
                let review = reviews::for_revision(conn, revision.id)?;
                Ok(RevisionRecord { revision, review })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        Ok(Page {
            items,
            next: page.next,
        })
    })
}

/// The form with its episode, once the actor may act on the episode's family.
fn authorised(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    permission: Permission,
    id: AssessmentId,
) -> Result<(Assessment, Episode)> {
    let assessment = assessments::find(conn, id)?;
    let episode_id = assessment.episode_id;
    let episode = crate::episodes::authorised(conn, audit, actor, permission, episode_id)?;
    Ok((assessment, episode))
}

/// Only the lead professional of the form's episode writes and submits it: it is completed
/// with the family. The episode's lead, not the family's current one: a form of an earlier
/// episode stays with whoever led that episode. Asked after the family check, so the actor is
/// known to see the record and a refusal is 403.
fn require_lead(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    episode: &Episode,
) -> Result<()> {
    let facts = CaseFacts::led_by(episode.lead_professional_id, episode.locality_id);
    let permission = Permission::CompleteAssessment;
    let decision = policy::authorize_case(actor, permission, &facts).map_err(|_| Denial::Forbidden);
    crate::access::refused_if_denied(conn, audit, episode.family_id, permission, decision)
}

/// A form starts only in an open episode without one already in progress.
fn may_start(conn: &mut PgConnection, episode: &Episode) -> Result<()> {
    if episode_rules::transition(episode.state, EpisodeEvent::StartAssessment).is_err() {
        return Err(Refusal::EpisodeClosed("The episode is closed.".into()).into());
    }
    if assessments::active_for_episode(conn, episode.id)?.is_some() {
        return Err(Refusal::AssessmentInProgress.into());
    }
    Ok(())
}

/// The state machine's answer for the stored state.
fn step(state: AssessmentState, event: AssessmentEvent) -> Result<AssessmentState> {
    rules::transition(state, event)
        .map_err(|error| Refusal::AssessmentState(format!("{error}.")).into())
}

fn record(conn: &mut PgConnection, assessment: Assessment) -> Result<AssessmentRecord, DbError> {
    let template = templates::find(conn, assessment.template_id)?;
    let episode = episodes::find(conn, assessment.episode_id)?;
    let returned_with =
        if assessment.state == earlyhelp_domain::assessment::AssessmentState::Returned {
            earlyhelp_persistence::reviews::latest_decided(conn, assessment.id)?
        } else {
            None
        };
    Ok(AssessmentRecord {
        assessment,
        template,
        family_id: episode.family_id,
        returned_with,
    })
}

/// RFC 7396: objects merge recursively, `null` removes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(target), Some(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        _ => {
            *target = if let Some(patch) = patch.as_object() {
                let mut fresh = Value::Object(Default::default());
                merge_patch(&mut fresh, &Value::Object(patch.clone()));
                fresh
            } else {
                patch.clone()
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn a_merge_patch_replaces_merges_and_removes() {
        let mut target = json!({ "a": { "x": 1, "y": 2 }, "b": "keep" });
        merge_patch(
            &mut target,
            &json!({ "a": { "x": null, "z": 3 }, "c": [1] }),
        );
        assert_eq!(
            target,
            json!({ "a": { "y": 2, "z": 3 }, "b": "keep", "c": [1] })
        );
    }
}
