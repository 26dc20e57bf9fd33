//! Teams Around the Family: forming the team of an open episode, inviting its members and
//! ending memberships. An active member with an account reads the family's record (the policy's
//! Team reach) for as long as the membership stands and the episode is open: ending the
//! membership, closing the episode or withdrawing the family's consent (which closes the
//! episode) ends it at once. The family's consent decides who may join: a professional from an
//! organisation it excludes cannot be added.

use crate::access::{actor_of, authorize_family, readable};
use crate::clock::today;
use crate::step::{
    audited_list, audited_read, created_before, keyed, remember_key, replayed, transaction,
    IdempotencyKey,
};
use crate::{Refusal, Result};
use earlyhelp_domain::assessment::AssessmentState;
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::episode::EpisodeState;
use earlyhelp_domain::policy::{self, Actor, Permission, Scope};
use earlyhelp_domain::taf::{planned_outcomes, team_transition, Achievement, NextStep, TafEvent};
use earlyhelp_domain::{EpisodeId, FamilyId, PersonId, UserId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::episodes::{self, Episode};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::tafs::{self, Closure, Member, MemberView, NewMember, Taf, TafSummary};
use earlyhelp_persistence::{assessments, consents, families, organisations, users};
use earlyhelp_persistence::{Error as DbError, PgConnection};
use serde_json::json;
use uuid::Uuid;

/// A team with its members, active first.
#[derive(Debug, Clone)]
pub struct TafRecord {
    pub taf: Taf,
    pub members: Vec<MemberView>,
}

/// Who joins, checked for shape by the caller.
#[derive(Debug, Clone)]
pub enum Joining {
    /// A professional with an account.
    Professional { user: UserId },
    /// A professional without an account.
    External {
        name: String,
        organisation: String,
        contact: Option<String>,
    },
    /// A member of the family.
    Family { person: PersonId },
}

#[derive(Debug, Clone)]
pub struct AddMember {
    pub taf: Uuid,
    pub joining: Joining,
    /// What they do in the plan (e.g. "school attendance lead").
    pub role_in_plan: Option<String>,
    pub idempotency: Option<IdempotencyKey>,
}

/// How often a team reviews its plan unless its minutes say otherwise (the default:
/// six weeks; `EARLYHELP_TAF_REVIEW_WEEKS`).
#[derive(Debug, Clone, Copy)]
pub struct ReviewCadence {
    pub weeks: u32,
}

impl Default for ReviewCadence {
    fn default() -> Self {
        Self { weeks: 6 }
    }
}

/// Forms the Team Around the Family of an open episode, with its lead professional as the
/// first member; its first review falls due one cadence on. One per episode.
pub fn form(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    episode: EpisodeId,
    cadence: ReviewCadence,
) -> Result<TafRecord> {
    let episode = episodes::find(conn, episode)?;
    authorize_family(conn, audit, actor, Permission::WriteCase, episode.family_id)?;
    let id = transaction(conn, audit, |conn, trail| {
        let episode = episodes::find_for_update(conn, episode.id)?;
        require_open(&episode)?;
        if tafs::for_episode(conn, episode.id)?.is_some() {
            return Err(
                Refusal::Duplicate("this episode already has a Team Around the Family").into(),
            );
        }
        let due = today() + chrono::Days::new(u64::from(cadence.weeks) * 7);
        let taf = tafs::create(conn, episode.id, episode.family_id, actor.user_id, due)?;
        let lead = tafs::add_member(
            conn,
            &NewMember {
                id: Uuid::now_v7(),
                taf_id: taf.id,
                kind: "professional",
                user_id: Some(episode.lead_professional_id),
                person_id: None,
                name: None,
                organisation_name: None,
                contact: None,
                role_in_plan: Some("Lead professional".into()),
                added_by: actor.user_id,
            },
        )?;
        trail.record(AuditEvent::success(
            AuditAction::CreateTaf,
            EntityType::Taf,
            taf.id,
        ));
        trail.record(
            AuditEvent::success(AuditAction::AddTafMember, EntityType::Taf, taf.id)
                .with_detail(json!({ "member_id": lead.id, "kind": lead.kind })),
        );
        note(
            conn,
            actor,
            &taf,
            ChronologyKind::TafFormed,
            "Team Around the Family formed, led by the lead professional",
        )?;
        Ok(taf.id)
    })?;
    record(conn, id)
}

/// The team of an episode, for whoever may read its family's record.
pub fn for_episode(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    episode: EpisodeId,
) -> Result<TafRecord> {
    let episode = episodes::find(conn, episode)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, episode.family_id)?;
    let Some(taf) = tafs::for_episode(conn, episode.id)? else {
        return Err(Refusal::NotFound.into());
    };
    read(conn, audit, taf.id)
}

/// One team, for whoever may read its family's record.
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
) -> Result<TafRecord> {
    let taf = find(conn, id)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, taf.family_id)?;
    read(conn, audit, id)
}

/// Adds a member: a professional with an account (active, in a role that reads its teams'
/// cases, from an organisation the family's consent does not exclude), a professional without
/// one, or a member of the family. Only while the episode is open; not the same person twice.
/// A retry with the same idempotency key answers the member the first request added.
pub fn add_member(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: AddMember,
) -> Result<MemberView> {
    let key = command.idempotency.clone();
    keyed(conn, actor, key.as_ref(), |conn| {
        add_member_keyed(conn, audit, actor, command)
    })
}

fn add_member_keyed(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: AddMember,
) -> Result<MemberView> {
    let key = command.idempotency.as_ref();
    if let Some(id) = created_before(conn, actor, key)? {
        let member = tafs::find_member(conn, id)?;
        let taf = find(conn, member.taf_id)?;
        authorize_family(conn, audit, actor, Permission::ReadCase, taf.family_id)?;
        let event = replayed(AuditAction::AddTafMember, EntityType::Taf, taf.id);
        return audited_read(conn, audit, event, |conn| view(conn, &member));
    }
    let taf = find(conn, command.taf)?;
    authorize_family(conn, audit, actor, Permission::WriteCase, taf.family_id)?;
    require(&taf, TafEvent::ChangeTeam)?;
    let mut new = NewMember {
        id: Uuid::now_v7(),
        taf_id: taf.id,
        kind: "professional",
        user_id: None,
        person_id: None,
        name: None,
        organisation_name: None,
        contact: None,
        role_in_plan: command.role_in_plan,
        added_by: actor.user_id,
    };
    match command.joining {
        Joining::Professional { user } => {
            may_join(conn, taf.family_id, user)?;
            new.user_id = Some(user);
        }
        Joining::External {
            name,
            organisation,
            contact,
        } => {
            new.kind = "external";
            new.name = Some(name);
            new.organisation_name = Some(organisation);
            new.contact = contact;
        }
        Joining::Family { person } => {
            let members = families::members(conn, &[taf.family_id])?;
            if !members.iter().any(|m| m.id == person) {
                return Err(
                    Refusal::invalid("person_id", "must be a member of this family").into(),
                );
            }
            new.kind = "family";
            new.person_id = Some(person);
        }
    }
    let member = transaction(conn, audit, |conn, trail| {
        let episode = episodes::find_for_update(conn, taf.episode_id)?;
        require_open(&episode)?;
        let member = tafs::add_member(conn, &new).map_err(|error| match error {
            DbError::Conflict { .. } => {
                Refusal::Duplicate("they are already a member of this Team Around the Family")
                    .into()
            }
            other => crate::Failure::from(other),
        })?;
        trail.record(
            AuditEvent::success(AuditAction::AddTafMember, EntityType::Taf, taf.id)
                .with_detail(json!({ "member_id": member.id, "kind": member.kind })),
        );
        let summary = format!("A {} member joined the Team Around the Family", member.kind);
        note(conn, actor, &taf, ChronologyKind::TafMemberAdded, &summary)?;
        remember_key(conn, actor, key, member.id)?;
        Ok(member)
    })?;
    view(conn, &member)
}

/// Ends a membership: from now the member reaches nothing of the case. The lead
/// professional stays a member (a new lead comes by transfer).
pub fn end_member(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    taf: Uuid,
    member: Uuid,
) -> Result<()> {
    let taf = find(conn, taf)?;
    authorize_family(conn, audit, actor, Permission::WriteCase, taf.family_id)?;
    require(&taf, TafEvent::ChangeTeam)?;
    let found = match tafs::find_member(conn, member) {
        Ok(found) if found.taf_id == taf.id => found,
        Ok(_) | Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
        Err(other) => return Err(other.into()),
    };
    let lead = episodes::find(conn, taf.episode_id)?.lead_professional_id;
    if found.user_id == Some(lead) {
        return Err(Refusal::Duplicate(
            "the lead professional stays a member: transfer the lead first",
        )
        .into());
    }
    transaction(conn, audit, |conn, trail| {
        if !tafs::end_member(conn, found.id, actor.user_id)? {
            return Err(Refusal::Duplicate("this membership has already ended").into());
        }
        trail.record(
            AuditEvent::success(AuditAction::EndTafMember, EntityType::Taf, taf.id)
                .with_detail(json!({ "member_id": found.id, "kind": found.kind })),
        );
        let summary = format!("A {} member left the Team Around the Family", found.kind);
        note(conn, actor, &taf, ChronologyKind::TafMemberEnded, &summary)?;
        Ok(())
    })
}

/// Refuses an event the team's state does not allow (409 `taf_closed`).
pub(crate) fn require(taf: &Taf, event: TafEvent) -> Result<()> {
    team_transition(taf.state(), event)
        .map(|_| ())
        .map_err(|_| Refusal::TafClosed.into())
}

fn find(conn: &mut PgConnection, id: Uuid) -> Result<Taf> {
    match tafs::find(conn, id) {
        Err(DbError::NotFound) => Err(Refusal::NotFound.into()),
        other => Ok(other?),
    }
}

fn read(conn: &mut PgConnection, audit: &AuditContext, id: Uuid) -> Result<TafRecord> {
    let event = AuditEvent::success(AuditAction::ReadTaf, EntityType::Taf, id);
    audited_read(conn, audit, event, |conn| record(conn, id))
}

fn record(conn: &mut PgConnection, id: Uuid) -> Result<TafRecord> {
    Ok(TafRecord {
        taf: tafs::find(conn, id)?,
        members: tafs::member_views(conn, id)?,
    })
}

/// One member as the team's record shows them.
fn view(conn: &mut PgConnection, member: &Member) -> Result<MemberView> {
    tafs::member_views(conn, member.taf_id)?
        .into_iter()
        .find(|view| view.member.id == member.id)
        .ok_or_else(|| crate::Failure::Defect("a member missing from its team".into()))
}

fn require_open(episode: &Episode) -> Result<()> {
    if episode.state == EpisodeState::Open {
        Ok(())
    } else {
        Err(Refusal::EpisodeClosed("The episode is closed.".into()).into())
    }
}

/// May this user join the family's team? An active professional whose role reads the cases of
/// the teams they belong to (practitioners, LCSS and social care; not managers or administrators), whose organisation no standing consent of the family excludes.
fn may_join(conn: &mut PgConnection, family: FamilyId, user: UserId) -> Result<()> {
    let invalid = |message: String| Refusal::invalid("user_id", message).into();
    let candidate = match users::find(conn, user) {
        Ok(candidate) if candidate.active => candidate,
        Ok(_) | Err(DbError::NotFound) => {
            return Err(invalid("must be an active professional".into()))
        }
        Err(other) => return Err(other.into()),
    };
    // The roles whose case reach includes the teams they belong to.
    let works_cases = actor_of(&candidate).is_some_and(|member| {
        policy::scopes(&member, Permission::ReadCase)
            .iter()
            .any(|scope| matches!(scope, Scope::Team(_)))
    });
    if !works_cases {
        return Err(invalid("must be a professional with a case role".into()));
    }
    if consents::excluded_organisations(conn, family)?.contains(&candidate.organisation_id) {
        let organisation = organisations::find(conn, candidate.organisation_id)?;
        return Err(invalid(format!(
            "the family's consent excludes {}: its staff cannot join the team",
            organisation.name
        )));
    }
    Ok(())
}

/// The family's chronology entry of a team change (names no one: the summary says what kind
/// of member came or went).
fn note(
    conn: &mut PgConnection,
    actor: &Actor,
    taf: &Taf,
    kind: ChronologyKind,
    summary: &str,
) -> Result<(), DbError> {
    chronology::record(
        conn,
        &Happening {
            family: taf.family_id,
            kind,
            actor: actor.user_id,
            summary,
            entity_type: EntityType::Taf,
            entity_id: taf.id,
        },
    )
}

/// One planned outcome's rating at closure, in the order of the form's outcomes.
#[derive(Debug, Clone)]
pub struct OutcomeRating {
    pub achievement: Achievement,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CloseTaf {
    pub taf: Uuid,
    pub outcomes: Vec<OutcomeRating>,
    pub family_feedback: Option<String>,
    pub child_feedback: Option<String>,
    pub next_step: NextStep,
    pub next_step_detail: Option<String>,
}

/// Closes the team (the lead professional, or LCSS for the locality), whether its episode is
/// still open or has closed: for each planned outcome of the episode's latest accepted
/// Strengths and Needs form, how far it was achieved (one rating per outcome, in order; none
/// without an accepted form), the family's and the child's feedback, and what follows.
/// Members reach nothing more of the case through the team. Closing is final.
pub fn close(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: CloseTaf,
) -> Result<TafRecord> {
    let taf = find(conn, command.taf)?;
    authorize_family(conn, audit, actor, Permission::WriteCase, taf.family_id)?;
    let planned = assessments::for_episode(conn, taf.episode_id)?
        .into_iter()
        .rfind(|form| form.state == AssessmentState::Accepted)
        .map(|form| planned_outcomes(&form.content))
        .unwrap_or_default();
    if planned.len() != command.outcomes.len() {
        let message = match planned.len() {
            0 => "must be empty: the episode has no accepted Strengths and Needs form with \
                  planned outcomes"
                .to_owned(),
            n => format!(
                "must rate each of the {n} planned outcomes of the accepted Strengths and Needs \
                 form, in order"
            ),
        };
        return Err(Refusal::invalid("outcomes", message).into());
    }
    let outcomes: Vec<serde_json::Value> = planned
        .iter()
        .zip(&command.outcomes)
        .map(|(plan, rating)| {
            json!({
                "outcome": plan.outcome,
                "measure": plan.measure,
                "achievement": rating.achievement.as_str(),
                "note": rating.note,
            })
        })
        .collect();
    let closure = Closure {
        outcomes: serde_json::Value::Array(outcomes),
        family_feedback: command.family_feedback,
        child_feedback: command.child_feedback,
        next_step: command.next_step.as_str(),
        next_step_detail: command.next_step_detail,
    };
    transaction(conn, audit, |conn, trail| {
        let locked = tafs::find_for_update(conn, taf.id)?;
        require(&locked, TafEvent::Close)?;
        let Some(closed) = tafs::close(conn, taf.id, actor.user_id, &closure)? else {
            return Err(Refusal::TafClosed.into());
        };
        trail.record(
            AuditEvent::success(AuditAction::CloseTaf, EntityType::Taf, taf.id)
                .with_detail(json!({ "next_step": closure.next_step })),
        );
        let achieved = command
            .outcomes
            .iter()
            .filter(|rating| rating.achievement == Achievement::Achieved)
            .count();
        let summary = format!(
            "Team Around the Family closed: {achieved} of {} planned outcome(s) achieved; next: {}",
            command.outcomes.len(),
            closure.next_step.replace('_', " ")
        );
        note(conn, actor, &closed, ChronologyKind::TafClosed, &summary)?;
        Ok(())
    })?;
    record(conn, taf.id)
}

#[derive(Debug, Clone)]
pub struct ListTafs {
    /// Only open teams of open episodes whose review date has passed.
    pub overdue: bool,
    pub page: PageRequest,
}

/// The teams of the families the actor may read, oldest first.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListTafs,
) -> Result<Page<TafSummary>> {
    let event = AuditEvent::new(
        AuditAction::ListTafs,
        EntityType::Taf,
        None,
        Outcome::Success,
    );
    let overdue_on = command.overdue.then(today);
    let read = |conn: &mut PgConnection| {
        Ok(tafs::list(
            conn,
            readable(actor),
            overdue_on,
            &command.page,
        )?)
    };
    audited_list(conn, audit, event, read, |taf| taf.family_id)
}
