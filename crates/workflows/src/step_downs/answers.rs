//! A step-down's allocation and its lead professional's answer: LCSS of the receiving locality
//! allocates; the lead it is allocated to accepts (an episode of origin step-down opens) or
//! declines with a reason (back to LCSS).

use super::{detail, facts_of, find, note, StepDownRecord};
use crate::access::refused_if_denied;
use crate::episodes::{eligible_lead, note as episode_note};
use crate::step::transaction;
use crate::{Failure, Refusal, Result};
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType};
use earlyhelp_domain::episode::{EpisodeOrigin, EpisodeState};
use earlyhelp_domain::person::MemberKind;
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::step_down::{self as rules, StepDownEvent, StepDownState};
use earlyhelp_domain::{ConsentId, EpisodeId, PersonId, UserId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::consents::{self, NewConsent};
use earlyhelp_persistence::episodes::{self, NewEpisode};
use earlyhelp_persistence::families;
use earlyhelp_persistence::step_downs::{self, StepDown};
use earlyhelp_persistence::PgConnection;
use serde_json::json;
use uuid::Uuid;

/// LCSS of the receiving locality allocates a lead professional (again, while the last one
/// has not answered: their allocation is withdrawn).
pub fn allocate(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
    lead: UserId,
) -> Result<StepDownRecord> {
    let found = find(conn, id)?;
    let facts = facts_of(conn, &found.step_down)?;
    let decision = policy::authorize_case(actor, Permission::AllocateStepDowns, &facts);
    refused_if_denied(
        conn,
        audit,
        found.step_down.family_id,
        Permission::AllocateStepDowns,
        decision,
    )?;
    eligible_lead(conn, lead, "lead_professional_id")?;
    transaction(conn, audit, |conn, trail| {
        let current = step_downs::find_for_update(conn, id)?;
        transition(current.state, StepDownEvent::Allocate)?;
        let step_down = step_downs::allocate(conn, id, lead, actor.user_id)?;
        trail.record(
            AuditEvent::success(AuditAction::AllocateStepDown, EntityType::StepDown, id)
                .with_detail(json!({ "lead_professional_id": lead })),
        );
        note(
            conn,
            actor,
            &step_down,
            ChronologyKind::StepDownAllocated,
            "Step-down allocated to a receiving lead professional",
        )?;
        Ok(())
    })?;
    let found = find(conn, id)?;
    detail(conn, found)
}

/// The allocated lead takes the family on: its consent to the step-down is recorded as consent
/// to an early help assessment given to them, and an episode opens for the family's children
/// with origin step-down, at the step-down's level and for its reason.
pub fn accept(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
) -> Result<StepDownRecord> {
    allocated_to_me(conn, audit, actor, id, StepDownEvent::Accept)?;
    if !policy::may_lead(actor) {
        return Err(Refusal::Forbidden.into());
    }
    transaction(conn, audit, |conn, trail| {
        let current = locked_for_me(conn, actor, id, StepDownEvent::Accept)?;
        let family = current.family_id;
        if episodes::open_for_family(conn, family)?.is_some() {
            return Err(Refusal::EpisodeAlreadyOpen.into());
        }
        let consent = consents::create(
            conn,
            &NewConsent {
                id: ConsentId::generate(),
                family_id: family,
                given_by_person_id: current.consent_given_by,
                lead_professional_id: actor.user_id,
                organisation_id: actor.organisation_id,
                for_assessment: true,
                share_with_organisation_ids: Vec::new(),
                excluded_organisation_ids: Vec::new(),
                excluded_note: None,
                method: current.consent_method.clone(),
                given_on: current.consent_given_on,
                recorded_by: actor.user_id,
            },
        )?;
        trail.record(AuditEvent::success(
            AuditAction::RecordConsent,
            EntityType::Consent,
            consent.id,
        ));
        chronology::record(
            conn,
            &Happening {
                family,
                kind: ChronologyKind::ConsentGiven,
                actor: actor.user_id,
                summary: "Consent to an early help assessment, given at the step-down, recorded",
                entity_type: EntityType::Consent,
                entity_id: consent.id.into(),
            },
        )?;
        let mut children: Vec<PersonId> = families::members(conn, &[family])?
            .into_iter()
            .filter(|member| member.kind == MemberKind::Child)
            .map(|member| member.id)
            .collect();
        children.sort();
        let new = NewEpisode {
            id: EpisodeId::generate(),
            family_id: family,
            locality_id: current.locality_id,
            lead_professional_id: actor.user_id,
            lead_organisation_id: actor.organisation_id,
            threshold_level: current.threshold_level,
            reason: current.reason.clone(),
            state: EpisodeState::Open,
            opened_by: actor.user_id,
            origin: EpisodeOrigin::StepDown,
        };
        let episode = episodes::open(conn, &new, &children, &current.needs_summary)?;
        families::set_lead_professional(conn, family, actor.user_id)?;
        let summary = format!(
            "Early help episode opened from a step-down at threshold level {} for {} child(ren)",
            episode.threshold_level,
            children.len()
        );
        episode_note(
            conn,
            trail,
            actor,
            &episode,
            AuditAction::OpenEpisode,
            ChronologyKind::EpisodeOpened,
            &summary,
        )?;
        let step_down = step_downs::accept(conn, id, episode.id)?;
        trail.record(
            AuditEvent::success(AuditAction::AcceptStepDown, EntityType::StepDown, id)
                .with_detail(json!({ "episode_id": episode.id })),
        );
        note(
            conn,
            actor,
            &step_down,
            ChronologyKind::StepDownAccepted,
            "Step-down accepted by the receiving lead professional",
        )?;
        Ok(())
    })?;
    let found = find(conn, id)?;
    detail(conn, found)
}

/// The allocated lead declines, with a reason: the step-down goes back to LCSS to allocate.
pub fn decline(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
    reason: String,
) -> Result<StepDownRecord> {
    allocated_to_me(conn, audit, actor, id, StepDownEvent::Decline)?;
    transaction(conn, audit, |conn, trail| {
        locked_for_me(conn, actor, id, StepDownEvent::Decline)?;
        let step_down = step_downs::decline(conn, id, &reason)?;
        trail.record(AuditEvent::success(
            AuditAction::DeclineStepDown,
            EntityType::StepDown,
            id,
        ));
        note(
            conn,
            actor,
            &step_down,
            ChronologyKind::StepDownDeclined,
            "Step-down declined by the allocated lead professional; back to LCSS to allocate",
        )?;
        Ok(())
    })?;
    let found = find(conn, id)?;
    detail(conn, found)
}

/// Only the lead it is allocated to answers a step-down; whoever else may see it is told so
/// (or, when it is not waiting for an answer, its state), and to everyone else it does not
/// exist.
fn allocated_to_me(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
    event: StepDownEvent,
) -> Result<()> {
    let found = find(conn, id)?;
    let facts = facts_of(conn, &found.step_down)?;
    match policy::authorize_transfer_acceptance(actor, &facts) {
        Ok(true) => Ok(()),
        Ok(false) => {
            transition(found.step_down.state, event)?;
            Err(not_yours())
        }
        Err(denial) => {
            let permission = Permission::TakeOverEpisode;
            let family = found.step_down.family_id;
            refused_if_denied(conn, audit, family, permission, Err(denial))?;
            Err(Refusal::NotFound.into())
        }
    }
}

/// The step-down, locked, once the state machine allows `event` and it is still allocated
/// to the actor.
fn locked_for_me(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    event: StepDownEvent,
) -> Result<StepDown> {
    let current = step_downs::find_for_update(conn, id)?;
    transition(current.state, event)?;
    if current.allocated_to != Some(actor.user_id) {
        return Err(not_yours());
    }
    Ok(current)
}

fn not_yours() -> Failure {
    Refusal::NotAllocatedToYou(
        "This step-down is allocated to another lead professional; LCSS can allocate it again.",
    )
    .into()
}

fn transition(state: StepDownState, event: StepDownEvent) -> Result<StepDownState> {
    rules::step(state, event).map_err(|error| {
        let mut detail = error.to_string();
        if let Some(first) = detail.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        Refusal::StepDownState(format!("{detail}.")).into()
    })
}
