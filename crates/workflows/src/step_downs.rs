//! Step-down to early help: Children's Social Care hands on a family (a case closed with
//! reason RC9, or a MASH contact that needs an Early Help Assessment instead), existing or new
//! (after the same duplicate check as any new family). The receiving locality's LCSS allocates
//! a lead professional, who accepts, opening an episode with origin step-down and the family's
//! consent on its record, or declines with a reason, back to LCSS. A step-down with no accepted
//! lead, or no submitted form, by its due date is overdue.

use crate::access::{family_facts, readable, refused_if_denied};
use crate::clock::today;
use crate::families::{self as family_steps, CreateFamily};
use crate::people::{check_duplicates, record_matches, told, KnownElsewhere};
use crate::step::{
    audited_list, audited_read, created_before, keyed, remember_key, replayed, transaction,
    IdempotencyKey,
};
use crate::{Failure, Refusal, Result};
use chrono::NaiveDate;
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::person::MemberKind;
use earlyhelp_domain::policy::{self, Actor, CaseFacts, Permission};
use earlyhelp_domain::step_down::{self as rules, StepDownSource, StepDownState};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::{FamilyId, LocalityId, OrganisationId, PersonId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::episodes;
use earlyhelp_persistence::families::{self, NewFamily};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::step_downs::{
    self, Allocation, NewStepDown, StepDown, StepDownFilter, TrackedStepDown,
};
use earlyhelp_persistence::{localities, organisations, work, Error as DbError, PgConnection};
use serde_json::json;
use uuid::Uuid;

mod answers;

pub use answers::{accept, allocate, decline};

/// The family a step-down is about.
#[derive(Debug, Clone)]
pub enum SteppedDownFamily {
    /// A family social care can see (one it stepped up or down before, or whose team a social
    /// worker is in).
    Existing(FamilyId),
    /// A family not yet recorded: its `locality` is the step-down's.
    New(CreateFamily),
}

/// Who in the family consented to the step-down.
#[derive(Debug, Clone, Copy)]
pub enum ConsentGiver {
    /// A member of an existing family.
    Person(PersonId),
    /// The index of a member of a new family.
    Member(usize),
}

#[derive(Debug, Clone)]
pub struct RecordStepDown {
    pub source: StepDownSource,
    pub family: SteppedDownFamily,
    /// The receiving locality: the family's.
    pub locality: LocalityId,
    pub reason: String,
    pub needs_summary: String,
    /// 2 or 3 (checked when the command is built).
    pub threshold_level: i16,
    pub suggested_organisation: Option<OrganisationId>,
    /// Today or later (checked when the command is built).
    pub snf_due_on: NaiveDate,
    pub consent_given_by: ConsentGiver,
    /// `written` or `verbal`; the date not in the future (checked when the command is built).
    pub consent_method: String,
    pub consent_given_on: NaiveDate,
    pub idempotency: Option<IdempotencyKey>,
}

/// A step-down as the API shows it.
#[derive(Debug, Clone)]
pub struct StepDownRecord {
    pub step_down: StepDown,
    pub family_reference: String,
    pub overdue: bool,
    pub allocations: Vec<Allocation>,
}

#[derive(Debug, Clone)]
pub struct RecordedStepDown {
    pub record: StepDownRecord,
    /// Members of a new family who may be known where social care cannot see.
    pub known_elsewhere: Vec<KnownElsewhere>,
}

/// Which step-downs a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListStepDowns {
    pub state: Option<StepDownState>,
    pub overdue: bool,
    pub locality: Option<LocalityId>,
}

/// Records a step-down (social care), creating the family when it is new.
pub fn record(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: RecordStepDown,
) -> Result<RecordedStepDown> {
    policy::authorize(actor, Permission::RecordStepDowns)?;
    let key = command.idempotency.clone();
    keyed(conn, actor, key.as_ref(), |conn| {
        record_keyed(conn, audit, actor, command)
    })
}

fn record_keyed(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: RecordStepDown,
) -> Result<RecordedStepDown> {
    let key = command.idempotency.as_ref();
    if let Some(id) = created_before(conn, actor, key)? {
        let found = find(conn, id)?;
        let event = replayed(AuditAction::RecordStepDown, EntityType::StepDown, id);
        return audited_read(conn, audit, event, |conn| recorded(conn, found));
    }
    let mut checks = Checks::default();
    match localities::find(conn, command.locality) {
        Err(DbError::NotFound) => checks.fail("locality_id", "no such locality"),
        other => drop(other?),
    }
    if let Some(organisation) = command.suggested_organisation {
        match organisations::find(conn, organisation) {
            Err(DbError::NotFound) => {
                checks.fail("suggested_organisation_id", "no such organisation")
            }
            other => drop(other?),
        }
    }
    checks.finish(|| Some(()))?;
    let (family, household) = match command.family {
        SteppedDownFamily::Existing(family) => {
            let giver = command.consent_given_by;
            existing_family(conn, audit, actor, family, command.locality, giver)?;
            (family, None)
        }
        SteppedDownFamily::New(household) => {
            new_family(&household, command.locality)?;
            let matches = check_duplicates(
                conn,
                audit,
                actor,
                &household.members,
                None,
                household.confirm_new,
            )?;
            (household.id, Some((household, matches)))
        }
    };
    let given_by = match (command.consent_given_by, &household) {
        (ConsentGiver::Person(person), None) => person,
        (ConsentGiver::Member(index), Some((household, _))) => household
            .members
            .get(index)
            .map(|member| member.id)
            .ok_or_else(|| {
                Refusal::invalid(
                    "consent.given_by_member",
                    "must be the index of a member in `family.members`",
                )
            })?,
        (ConsentGiver::Person(_), Some(_)) => return Err(Refusal::invalid(
            "consent.given_by_person_id",
            "name a member of a new family by `given_by_member`, their index in `family.members`",
        )
        .into()),
        (ConsentGiver::Member(_), None) => {
            return Err(Refusal::invalid(
                "consent.given_by_member",
                "name a member of an existing family by `given_by_person_id`",
            )
            .into())
        }
    };
    let new = NewStepDown {
        id: Uuid::now_v7(),
        family_id: family,
        locality_id: command.locality,
        source: command.source,
        reason: command.reason,
        needs_summary: command.needs_summary,
        threshold_level: command.threshold_level,
        suggested_organisation_id: command.suggested_organisation,
        snf_due_on: command.snf_due_on,
        consent_given_by: given_by,
        consent_method: command.consent_method,
        consent_given_on: command.consent_given_on,
        recorded_by: actor.user_id,
    };
    let id = transaction(conn, audit, |conn, trail| {
        if let Some((household, matches)) = household {
            let stored = NewFamily {
                id: household.id,
                locality_id: command.locality,
                lead_professional_id: actor.user_id,
                address: household.address,
                postcode: household.postcode,
                created_by: actor.user_id,
            };
            family_steps::insert(
                conn,
                trail,
                actor,
                &stored,
                &household.members,
                &household.relationships,
                household.confirm_new,
            )?;
            record_matches(conn, trail, matches)?;
        }
        let step_down = step_downs::create(conn, &new).map_err(|error| match error {
            DbError::Conflict { .. } => Failure::from(Refusal::Duplicate(
                "this family has a step-down not yet accepted",
            )),
            other => Failure::from(other),
        })?;
        trail.record(
            AuditEvent::success(
                AuditAction::RecordStepDown,
                EntityType::StepDown,
                step_down.id,
            )
            .with_detail(json!({ "source": step_down.source.as_str() })),
        );
        let summary = match step_down.source {
            StepDownSource::CaseClosure => {
                "Stepped down to early help by Children's Social Care: case closed (RC9, referred to early help)"
            }
            StepDownSource::MashContact => {
                "Stepped down to early help by Children's Social Care: the MASH found an Early Help Assessment is needed"
            }
        };
        note(
            conn,
            actor,
            &step_down,
            ChronologyKind::StepDownRecorded,
            summary,
        )?;
        remember_key(conn, actor, key, step_down.id)?;
        Ok(step_down.id)
    })?;
    let found = find(conn, id)?;
    recorded(conn, found)
}

/// A family social care can see, in the receiving locality, with the consenting member in it,
/// no open episode and a child to help.
fn existing_family(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    family: FamilyId,
    locality: LocalityId,
    giver: ConsentGiver,
) -> Result<()> {
    let facts = family_facts(conn, family)?;
    let decision = policy::authorize_case(actor, Permission::ReadCase, &facts);
    refused_if_denied(conn, audit, family, Permission::ReadCase, decision)?;
    let mut checks = Checks::default();
    if facts.locality_id != locality {
        checks.fail(
            "locality_id",
            "must be the family's locality: its LCSS receives the step-down",
        );
    }
    let members = families::members(conn, &[family])?;
    if let ConsentGiver::Person(person) = giver {
        if !members.iter().any(|m| m.id == person) {
            checks.fail(
                "consent.given_by_person_id",
                "must be a member of this family",
            );
        }
    }
    if !members.iter().any(|m| m.kind == MemberKind::Child) {
        checks.fail(
            "family_id",
            "the family has no child recorded: add the child (POST /api/v1/families/{id}/members) first",
        );
    }
    checks.finish(|| Some(()))?;
    if episodes::open_for_family(conn, family)?.is_some() {
        return Err(Refusal::EpisodeAlreadyOpen.into());
    }
    Ok(())
}

/// A new family has a child, and lives in the receiving locality.
fn new_family(household: &CreateFamily, locality: LocalityId) -> Result<()> {
    let mut checks = Checks::default();
    if household.locality.is_some_and(|named| named != locality) {
        checks.fail(
            "family.locality_id",
            "must be the step-down's locality_id, or left out",
        );
    }
    if !household
        .members
        .iter()
        .any(|member| member.kind == MemberKind::Child)
    {
        checks.fail(
            "family.members",
            "a step-down is about a child: record at least one",
        );
    }
    Ok(checks.finish(|| Some(()))?)
}

/// One step-down, for whoever may read its family's record and the lead it is allocated to.
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
) -> Result<StepDownRecord> {
    let found = find(conn, id)?;
    let facts = facts_of(conn, &found.step_down)?;
    let decision = policy::authorize_episode_read(actor, &facts);
    refused_if_denied(
        conn,
        audit,
        found.step_down.family_id,
        Permission::ReadCase,
        decision,
    )?;
    let event = AuditEvent::success(AuditAction::ReadStepDown, EntityType::StepDown, id);
    audited_read(conn, audit, event, |conn| detail(conn, found))
}

/// The step-downs of the families the actor may read, and those allocated to them, oldest
/// first.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    query: ListStepDowns,
    page: PageRequest,
) -> Result<Page<StepDownRecord>> {
    let event = AuditEvent::new(
        AuditAction::ListStepDowns,
        EntityType::StepDown,
        None,
        Outcome::Success,
    );
    let today = today();
    let filter = StepDownFilter {
        state: query.state,
        overdue_on: query.overdue.then_some(today),
        locality: query.locality,
    };
    let read = |conn: &mut PgConnection| {
        let page = step_downs::list(conn, readable(actor), actor.user_id, &filter, &page)?;
        Ok(Page {
            items: details(conn, page.items)?,
            next: page.next,
        })
    };
    audited_list(conn, audit, event, read, |record| {
        record.step_down.family_id
    })
}

/// The policy's facts of a step-down: its family's, with the lead it is allocated to as the
/// one proposed to take it on.
fn facts_of(conn: &mut PgConnection, step_down: &StepDown) -> Result<CaseFacts> {
    let mut facts = family_facts(conn, step_down.family_id)?;
    if step_down.state == StepDownState::Allocated {
        facts.proposed_lead = step_down.allocated_to;
    }
    Ok(facts)
}

fn find(conn: &mut PgConnection, id: Uuid) -> Result<TrackedStepDown> {
    match step_downs::find(conn, id) {
        Err(DbError::NotFound) => Err(Refusal::NotFound.into()),
        other => Ok(other?),
    }
}

fn detail(conn: &mut PgConnection, found: TrackedStepDown) -> Result<StepDownRecord> {
    let mut records = details(conn, vec![found])?;
    records.pop().ok_or_else(|| Refusal::NotFound.into())
}

/// The step-downs with their families' references and allocations: two queries for any number.
fn details(conn: &mut PgConnection, found: Vec<TrackedStepDown>) -> Result<Vec<StepDownRecord>> {
    let ids: Vec<Uuid> = found.iter().map(|f| f.step_down.id).collect();
    let families: Vec<FamilyId> = found.iter().map(|f| f.step_down.family_id).collect();
    let references = work::references(conn, &families)?;
    let mut allocations = step_downs::allocations_of(conn, &ids)?;
    let today = today();
    Ok(found
        .into_iter()
        .map(|found| {
            let step_down = found.step_down;
            let (mine, rest) = std::mem::take(&mut allocations)
                .into_iter()
                .partition(|allocation: &Allocation| allocation.step_down_id == step_down.id);
            allocations = rest;
            StepDownRecord {
                family_reference: references
                    .iter()
                    .find(|(id, _)| *id == step_down.family_id)
                    .map(|(_, reference)| reference.clone())
                    .unwrap_or_default(),
                overdue: rules::overdue(
                    step_down.state,
                    step_down.snf_due_on,
                    found.form_submitted,
                    today,
                ),
                allocations: mine,
                step_down,
            }
        })
        .collect())
}

fn recorded(conn: &mut PgConnection, found: TrackedStepDown) -> Result<RecordedStepDown> {
    let family = found.step_down.family_id;
    Ok(RecordedStepDown {
        record: detail(conn, found)?,
        known_elsewhere: told(conn, family, None)?,
    })
}

fn note(
    conn: &mut PgConnection,
    actor: &Actor,
    step_down: &StepDown,
    kind: ChronologyKind,
    summary: &str,
) -> Result<(), DbError> {
    chronology::record(
        conn,
        &Happening {
            family: step_down.family_id,
            kind,
            actor: actor.user_id,
            summary,
            entity_type: EntityType::StepDown,
            entity_id: step_down.id,
        },
    )
}
