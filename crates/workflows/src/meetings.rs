//! Team Around the Family meetings: scheduling, minutes saved like the Strengths and Needs form
//! (If-Match and JSON merge patch), finalising (the minutes become immutable, go to the
//! locality LCSS and their agreed actions join the plan), LCSS acknowledging with feedback, and
//! the action plan its owners keep up to date.

use crate::access::{authorize_family, reviewable};
use crate::assessments::{merge_patch, IfMatch};
use crate::step::{audited_list, audited_read, transaction};
use crate::{Failure, Refusal, Result};
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::episode::EpisodeState;
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::taf::{
    self as rules, ActionStatus, Completeness, MeetingEvent, Participant, TafEvent,
};
use earlyhelp_domain::validation::{FieldError, Invalid};
use earlyhelp_domain::Role;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::meetings::{
    self, Action, Meeting, MeetingChanges, NewAction, NewMeeting, ReceivedFilter,
};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::tafs::{self, Member, Taf};
use earlyhelp_persistence::{episodes, families, users, Error as DbError, PgConnection};
use serde_json::{json, Value};
use uuid::Uuid;

/// Where and when, as a request sets them.
#[derive(Debug, Clone)]
pub struct Arrangements {
    pub starts_at: DateTime<Utc>,
    pub venue: Option<String>,
    pub is_virtual: bool,
    /// Members of the team.
    pub invitees: Vec<Uuid>,
}

#[derive(Debug, Clone)]
pub struct ScheduleMeeting {
    pub taf: Uuid,
    pub arrangements: Arrangements,
}

/// A change to a scheduled meeting: any of its arrangements, and a merge patch of its minutes.
#[derive(Debug, Clone)]
pub struct UpdateMeeting {
    pub meeting: Uuid,
    pub expected_version: std::result::Result<IfMatch, Refusal>,
    pub starts_at: Option<DateTime<Utc>>,
    /// `Some(None)` clears the venue.
    pub venue: Option<Option<String>>,
    pub is_virtual: Option<bool>,
    pub invitees: Option<Vec<Uuid>>,
    pub minutes: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct ListReceived {
    pub filter: ReceivedFilter,
    pub page: PageRequest,
}

#[derive(Debug, Clone)]
pub struct UpdateAction {
    pub action: Uuid,
    pub progress_note: Option<String>,
    pub status: Option<ActionStatus>,
    pub completion_note: Option<String>,
}

/// Schedules a meeting of the team of an open episode: its members and the locality LCSS may.
pub fn schedule(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ScheduleMeeting,
) -> Result<Meeting> {
    let taf = find_taf(conn, command.taf)?;
    authorize_family(
        conn,
        audit,
        actor,
        Permission::RecordMeetings,
        taf.family_id,
    )?;
    crate::tafs::require(&taf, TafEvent::Meet)?;
    let arrangements = command.arrangements;
    check_invitees(conn, &taf, &arrangements.invitees)?;
    transaction(conn, audit, |conn, trail| {
        let episode = episodes::find_for_update(conn, taf.episode_id)?;
        if episode.state != EpisodeState::Open {
            return Err(Refusal::EpisodeClosed("The episode is closed.".into()).into());
        }
        let meeting = meetings::create(
            conn,
            &NewMeeting {
                id: Uuid::now_v7(),
                taf_id: taf.id,
                family_id: taf.family_id,
                starts_at: arrangements.starts_at,
                venue: arrangements.venue,
                is_virtual: arrangements.is_virtual,
                invitee_member_ids: arrangements.invitees,
                scheduled_by: actor.user_id,
            },
        )?;
        trail.record(AuditEvent::success(
            AuditAction::ScheduleMeeting,
            EntityType::Meeting,
            meeting.id,
        ));
        let when = meeting.starts_at.format("%Y-%m-%d %H:%M UTC");
        let summary = format!("Team Around the Family meeting scheduled for {when}");
        note(
            conn,
            actor,
            &meeting,
            ChronologyKind::MeetingScheduled,
            &summary,
        )?;
        Ok(meeting)
    })
}

/// The team's meetings, earliest first.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    taf: Uuid,
) -> Result<Vec<Meeting>> {
    let taf = find_taf(conn, taf)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, taf.family_id)?;
    let found = meetings::for_taf(conn, taf.id)?;
    let ids: Vec<Uuid> = found.iter().map(|meeting| meeting.id).collect();
    let event = AuditEvent::success(AuditAction::ListMeetings, EntityType::Taf, taf.id)
        .with_detail(json!({ "meeting_ids": ids }));
    audited_read(conn, audit, event, |_| Ok(found))
}

pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
) -> Result<Meeting> {
    let meeting = find(conn, id)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, meeting.family_id)?;
    let event = AuditEvent::success(AuditAction::ReadMeeting, EntityType::Meeting, id);
    audited_read(conn, audit, event, |_| Ok(meeting))
}

/// Saves a change to a scheduled meeting made against the version the client holds: the
/// minutes are merged (RFC 7396) and checked as a draft.
pub fn update(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: UpdateMeeting,
) -> Result<Meeting> {
    let meeting = find(conn, command.meeting)?;
    authorize_family(
        conn,
        audit,
        actor,
        Permission::RecordMeetings,
        meeting.family_id,
    )?;
    let condition = command.expected_version?;
    step(meeting.state, MeetingEvent::Edit)?;
    let Some(expected) = condition.against(meeting.version) else {
        return Err(Refusal::StaleVersion {
            current: meeting.version,
        }
        .into());
    };
    let mut minutes = meeting.minutes.clone();
    if let Some(patch) = &command.minutes {
        merge_patch(&mut minutes, patch);
    }
    let read = rules::check_minutes(&minutes, Completeness::Draft).map_err(Invalid)?;
    let changes = MeetingChanges {
        starts_at: command.starts_at.unwrap_or(meeting.starts_at),
        venue: command.venue.unwrap_or(meeting.venue),
        is_virtual: command.is_virtual.unwrap_or(meeting.is_virtual),
        invitee_member_ids: command.invitees.unwrap_or(meeting.invitee_member_ids),
        minutes,
        next_review_on: read.next_review_on,
    };
    if changes.venue.is_none() && !changes.is_virtual {
        return Err(
            Refusal::invalid("venue", "a meeting that is not virtual needs a venue").into(),
        );
    }
    let taf = find_taf(conn, meeting.taf_id)?;
    check_invitees(conn, &taf, &changes.invitee_member_ids)?;
    transaction(conn, audit, |conn, trail| {
        // The version check is in the UPDATE: a save that lost the race updates nothing.
        match meetings::save(conn, meeting.id, expected, &changes)? {
            Some(saved) => {
                trail.record(AuditEvent::success(
                    AuditAction::UpdateMeeting,
                    EntityType::Meeting,
                    saved.id,
                ));
                Ok(saved)
            }
            None => {
                let now = meetings::find(conn, meeting.id)?;
                step(now.state, MeetingEvent::Edit)?;
                Err(Refusal::StaleVersion {
                    current: now.version,
                }
                .into())
            }
        }
    })
}

/// Finalises the minutes (the lead professional, or LCSS for the locality): they must be
/// complete, every member they name must be of the team and every family member of the
/// family. They become immutable and go to the locality LCSS; their actions join the plan.
pub fn finalise(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
) -> Result<Meeting> {
    let meeting = find(conn, id)?;
    authorize_family(conn, audit, actor, Permission::WriteCase, meeting.family_id)?;
    transaction(conn, audit, |conn, trail| {
        let meeting = meetings::find_for_update(conn, id)?;
        step(meeting.state, MeetingEvent::Finalise)?;
        let read = rules::check_minutes(&meeting.minutes, Completeness::Final).map_err(Invalid)?;
        let members = tafs::members(conn, meeting.taf_id)?;
        let family_members = families::members(conn, &[meeting.family_id])?;
        let mut errors = Vec::new();
        for (list, people) in [
            ("attendees", &read.attendees),
            ("apologies", &read.apologies),
        ] {
            for (index, person) in people.iter().enumerate() {
                if let Participant::Member(member) = person {
                    if !members.iter().any(|m| m.id == *member) {
                        errors.push(FieldError::new(
                            format!("minutes.{list}[{index}].member_id"),
                            "is not a member of this team",
                        ));
                    }
                }
            }
        }
        for (index, person) in read.family_present.iter().enumerate() {
            if !family_members.iter().any(|m| Uuid::from(m.id) == *person) {
                errors.push(FieldError::new(
                    format!("minutes.family_present[{index}]"),
                    "is not a member of this family",
                ));
            }
        }
        for (index, action) in read.actions.iter().enumerate() {
            let active = members
                .iter()
                .any(|m| m.id == action.owner_member_id && m.ended_at.is_none());
            if !active {
                errors.push(FieldError::new(
                    format!("minutes.actions[{index}].owner_member_id"),
                    "is not an active member of this team",
                ));
            }
        }
        if read
            .next_review_on
            .is_some_and(|next| next <= meeting.starts_at.date_naive())
        {
            errors.push(FieldError::new(
                "minutes.next_review_on",
                "must be after the meeting",
            ));
        }
        if !errors.is_empty() {
            return Err(Refusal::Invalid(Invalid(errors)).into());
        }
        let lcss_attended = lcss_attended(conn, &members, &read.attendees)?;
        let locality = families::find(conn, meeting.family_id)?.locality_id;
        let finalised = meetings::finalise(conn, id, actor.user_id, locality, lcss_attended)?;
        let actions: Vec<NewAction> = read
            .actions
            .into_iter()
            .map(|action| NewAction {
                id: Uuid::now_v7(),
                taf_id: meeting.taf_id,
                meeting_id: meeting.id,
                description: action.description,
                owner_member_id: action.owner_member_id,
                due_on: action.due_on,
            })
            .collect();
        meetings::add_actions(conn, &actions)?;
        if let Some(next) = read.next_review_on {
            tafs::set_review_due(conn, meeting.taf_id, next)?;
        }
        trail.record(
            AuditEvent::success(AuditAction::FinaliseMeeting, EntityType::Meeting, id)
                .with_detail(json!({ "actions": actions.len(), "lcss_attended": lcss_attended })),
        );
        let summary = format!(
            "Team Around the Family minutes finalised and sent to LCSS, with {} action(s)",
            actions.len()
        );
        note(
            conn,
            actor,
            &finalised,
            ChronologyKind::MinutesFinalised,
            &summary,
        )?;
        Ok(finalised)
    })
}

/// The finalised minutes LCSS has received, for the families its review scope reaches.
pub fn received(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListReceived,
) -> Result<Page<Meeting>> {
    policy::authorize(actor, Permission::ReviewAssessments)?;
    let event = AuditEvent::new(
        AuditAction::ListReceivedMinutes,
        EntityType::Meeting,
        None,
        Outcome::Success,
    );
    let read = |conn: &mut PgConnection| {
        Ok(meetings::received(
            conn,
            reviewable(actor),
            &command.filter,
            &command.page,
        )?)
    };
    audited_list(conn, audit, event, read, |meeting| meeting.family_id)
}

/// LCSS acknowledges finalised minutes, with feedback to the lead professional if it has any.
pub fn acknowledge(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
    feedback: Option<String>,
) -> Result<Meeting> {
    let meeting = find(conn, id)?;
    authorize_family(
        conn,
        audit,
        actor,
        Permission::ReviewAssessments,
        meeting.family_id,
    )?;
    transaction(conn, audit, |conn, trail| {
        let meeting = meetings::find_for_update(conn, id)?;
        step(meeting.state, MeetingEvent::Acknowledge)?;
        let acknowledged = meetings::acknowledge(conn, id, actor.user_id, feedback.as_deref())?;
        trail.record(
            AuditEvent::success(AuditAction::AcknowledgeMeeting, EntityType::Meeting, id)
                .with_detail(json!({ "feedback": feedback.is_some() })),
        );
        let summary = if feedback.is_some() {
            "LCSS acknowledged the Team Around the Family minutes, with feedback"
        } else {
            "LCSS acknowledged the Team Around the Family minutes"
        };
        note(
            conn,
            actor,
            &acknowledged,
            ChronologyKind::MinutesAcknowledged,
            summary,
        )?;
        Ok(acknowledged)
    })
}

/// The team's action plan across its meetings, by due date.
pub fn actions(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    taf: Uuid,
) -> Result<Vec<Action>> {
    let taf = find_taf(conn, taf)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, taf.family_id)?;
    let found = meetings::actions(conn, taf.id)?;
    let ids: Vec<Uuid> = found.iter().map(|action| action.id).collect();
    let event = AuditEvent::success(AuditAction::ListActions, EntityType::Taf, taf.id)
        .with_detail(json!({ "action_ids": ids }));
    audited_read(conn, audit, event, |_| Ok(found))
}

/// Records progress on an action, or closes it as done or dropped: its owner (a member with an
/// account) may, and whoever may change the case (the lead, LCSS of the locality).
pub fn update_action(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: UpdateAction,
) -> Result<Action> {
    let action = match meetings::find_action(conn, command.action) {
        Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
        other => other?,
    };
    let taf = find_taf(conn, action.taf_id)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, taf.family_id)?;
    let owner = tafs::find_member(conn, action.owner_member_id)?;
    let owns = owner.user_id == Some(actor.user_id) && owner.ended_at.is_none();
    if !owns {
        authorize_family(conn, audit, actor, Permission::WriteCase, taf.family_id)?;
    }
    transaction(conn, audit, |conn, trail| {
        let action = meetings::find_action_for_update(conn, command.action)?;
        let to = command.status.unwrap_or(action.status);
        rules::action_transition(action.status, to).map_err(|error| {
            Refusal::ActionState(format!(
                "The {}.",
                error.to_string().trim_start_matches("the ")
            ))
        })?;
        if to == ActionStatus::Open && command.completion_note.is_some() {
            return Err(Refusal::invalid(
                "completion_note",
                "is for an action marked done or dropped",
            )
            .into());
        }
        let mut progress = action.progress.clone();
        if let (Some(note), Some(notes)) = (&command.progress_note, progress.as_array_mut()) {
            notes.push(json!({ "at": Utc::now(), "by": actor.user_id, "note": note }));
        }
        let saved = meetings::save_action(
            conn,
            action.id,
            &progress,
            to,
            command.completion_note.as_deref(),
            actor.user_id,
        )?;
        trail.record(
            AuditEvent::success(AuditAction::UpdateAction, EntityType::Action, action.id)
                .with_detail(json!({ "status": to.as_str() })),
        );
        let kind = match to {
            ActionStatus::Done => {
                Some((ChronologyKind::ActionDone, "An action of the plan is done"))
            }
            ActionStatus::Dropped => Some((
                ChronologyKind::ActionDropped,
                "An action of the plan was dropped",
            )),
            ActionStatus::Open => None,
        };
        if let Some((kind, summary)) = kind.filter(|_| action.status == ActionStatus::Open) {
            chronology::record(
                conn,
                &Happening {
                    family: taf.family_id,
                    kind,
                    actor: actor.user_id,
                    summary,
                    entity_type: EntityType::Action,
                    entity_id: action.id,
                },
            )?;
        }
        Ok(saved)
    })
}

fn find_taf(conn: &mut PgConnection, id: Uuid) -> Result<Taf> {
    match tafs::find(conn, id) {
        Err(DbError::NotFound) => Err(Refusal::NotFound.into()),
        other => Ok(other?),
    }
}

fn find(conn: &mut PgConnection, id: Uuid) -> Result<Meeting> {
    match meetings::find(conn, id) {
        Err(DbError::NotFound) => Err(Refusal::NotFound.into()),
        other => Ok(other?),
    }
}

fn step(state: earlyhelp_domain::taf::MeetingState, event: MeetingEvent) -> Result<()> {
    rules::transition(state, event)
        .map(|_| ())
        .map_err(|error| {
            Refusal::MeetingState(format!(
                "The meeting is {}: {error}.",
                error.state().as_str()
            ))
            .into()
        })
}

/// Every invitee is an active member of the team.
fn check_invitees(conn: &mut PgConnection, taf: &Taf, invitees: &[Uuid]) -> Result<()> {
    let members = tafs::members(conn, taf.id)?;
    let errors: Vec<FieldError> = invitees
        .iter()
        .enumerate()
        .filter(|(_, id)| !members.iter().any(|m| m.id == **id && m.ended_at.is_none()))
        .map(|(index, _)| {
            FieldError::new(
                format!("invitee_member_ids[{index}]"),
                "is not an active member of this team",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Invalid(Invalid(errors)).into())
    }
}

/// Did a member holding an LCSS role attend?
fn lcss_attended(
    conn: &mut PgConnection,
    members: &[Member],
    attendees: &[Participant],
) -> Result<bool, Failure> {
    for attendee in attendees {
        let Participant::Member(id) = attendee else {
            continue;
        };
        let Some(user) = members.iter().find(|m| m.id == *id).and_then(|m| m.user_id) else {
            continue;
        };
        let lcss = users::find(conn, user)?
            .known_roles()
            .any(|role| matches!(role, Role::LcssWorker | Role::LcssManager));
        if lcss {
            return Ok(true);
        }
    }
    Ok(false)
}

fn note(
    conn: &mut PgConnection,
    actor: &Actor,
    meeting: &Meeting,
    kind: ChronologyKind,
    summary: &str,
) -> Result<(), DbError> {
    chronology::record(
        conn,
        &Happening {
            family: meeting.family_id,
            kind,
            actor: actor.user_id,
            summary,
            entity_type: EntityType::Meeting,
            entity_id: meeting.id,
        },
    )
}

/// An open action past its due date.
pub fn overdue(action: &Action, today: NaiveDate) -> bool {
    action.status == ActionStatus::Open && action.due_on < today
}
