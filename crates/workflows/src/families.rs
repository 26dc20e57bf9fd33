//! The household as a whole: listing, recording a new family with its members (after the
//! duplicate check), reading and correcting its address.

use crate::access::{authorize_family, authorize_new_case, readable};
use crate::people::{check_duplicates, record_matches, told, KnownElsewhere};
use crate::step::{
    audited_read, created_before, keyed, remember_key, replayed, transaction, IdempotencyKey,
};
use crate::{Refusal, Result};
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::person::RelationshipKind;
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::{FamilyId, LocalityId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent, AuditTrail};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::families::{
    self, Family, FamilyChanges, NewFamily, NewPerson, Person, Relationship,
};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::{organisations, PgConnection};
use serde_json::json;

/// A family as a single read shows it: with its members and their relationships.
#[derive(Debug, Clone)]
pub struct FamilyRecord {
    pub family: Family,
    pub members: Vec<Person>,
    pub relationships: Vec<Relationship>,
}

/// A family as a list shows it: with its members only.
#[derive(Debug, Clone)]
pub struct ListedFamily {
    pub family: Family,
    pub members: Vec<Person>,
}

/// The most members one request records: a household larger than this is recorded in parts,
/// so one request's duplicate check stays one bounded query.
pub const MEMBERS_MAX: usize = 20;

#[derive(Debug, Clone)]
pub struct CreateFamily {
    /// The new family's id, which its `members` already carry.
    pub id: FamilyId,
    /// Defaults to the locality of the actor's organisation, else the actor's own.
    pub locality: Option<LocalityId>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    /// One to [`MEMBERS_MAX`], each checked with [`crate::people::check_member`] for `id`.
    pub members: Vec<NewPerson>,
    /// Pairs of indexes into `members`, each in range and naming two people.
    pub relationships: Vec<(usize, usize, RelationshipKind)>,
    /// Record them even though some may be people already recorded.
    pub confirm_new: bool,
    pub idempotency: Option<IdempotencyKey>,
}

/// A family as recorded, and which of its members may already be known where the actor cannot
/// see.
#[derive(Debug, Clone)]
pub struct CreatedFamily {
    pub record: FamilyRecord,
    pub known_elsewhere: Vec<KnownElsewhere>,
}

#[derive(Debug, Clone)]
pub struct UpdateFamily {
    pub family: FamilyId,
    /// `None` leaves it as stored; `Some(None)` clears it.
    pub address: Option<Option<String>>,
    pub postcode: Option<Option<String>>,
}

/// The families the actor may read, newest first, with their members. The audit entry names
/// the families shown, since a list discloses them as much as a read does.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<ListedFamily>> {
    let (page, members) = transaction(conn, audit, |conn, trail| {
        let page = families::list(conn, readable(actor), &page)?;
        let ids: Vec<FamilyId> = page.items.iter().map(|f| f.id).collect();
        trail.record(
            AuditEvent::new(
                AuditAction::ListFamilies,
                EntityType::Family,
                None,
                Outcome::Success,
            )
            .with_detail(json!({ "family_ids": ids })),
        );
        let members = families::members(conn, &ids)?;
        Ok((page, members))
    })?;
    let mut members = members;
    Ok(page.map(|family| {
        let (mine, rest): (Vec<Person>, Vec<Person>) = std::mem::take(&mut members)
            .into_iter()
            .partition(|p| p.family_id == family.id);
        members = rest;
        ListedFamily {
            family,
            members: mine,
        }
    }))
}

/// Records a new family with the actor as lead professional, its members and how they are
/// related, unless some member may already be recorded and the request did not confirm.
pub fn create(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: CreateFamily,
) -> Result<CreatedFamily> {
    let key = command.idempotency.clone();
    keyed(conn, actor, key.as_ref(), |conn| {
        create_keyed(conn, audit, actor, command)
    })
}

fn create_keyed(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: CreateFamily,
) -> Result<CreatedFamily> {
    let key = command.idempotency.as_ref();
    if let Some(id) = created_before(conn, actor, key)? {
        let id = FamilyId::from(id);
        authorize_family(conn, audit, actor, Permission::ReadCase, id)?;
        let event = replayed(AuditAction::CreateFamily, EntityType::Family, id.into());
        return audited_read(conn, audit, event, |conn| created(conn, id));
    }
    // Where the actor works: their organisation's locality, else their own.
    let home = organisations::find(conn, actor.organisation_id)?
        .locality_id
        .or(actor.locality_id);
    let locality = match command.locality.or(home) {
        Some(locality) => locality,
        None => {
            return Err(Refusal::invalid(
                "locality_id",
                "your organisation serves the whole authority: say which locality the family \
                 lives in",
            )
            .into())
        }
    };
    authorize_new_case(actor, locality)?;
    if !policy::may_record_family_in(actor, locality, home) {
        return Err(Refusal::invalid(
            "locality_id",
            "you record families in your own locality; a family elsewhere is recorded by the \
             LCSS team of its locality",
        )
        .into());
    }
    let confirm_new = command.confirm_new;
    let matches = check_duplicates(conn, audit, actor, &command.members, None, confirm_new)?;
    let new = NewFamily {
        id: command.id,
        locality_id: locality,
        lead_professional_id: actor.user_id,
        address: command.address,
        postcode: command.postcode,
        created_by: actor.user_id,
    };
    let family = transaction(conn, audit, |conn, trail| {
        let id = insert(
            conn,
            trail,
            actor,
            &new,
            &command.members,
            &command.relationships,
            confirm_new,
        )?;
        record_matches(conn, trail, matches)?;
        remember_key(conn, actor, key, id)?;
        Ok(id)
    })?;
    created(conn, family)
}

/// Stores a new family with its members and how they are related, on the trail and the
/// family's chronology, after the duplicate check (its matches are recorded by the caller).
pub(crate) fn insert(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    actor: &Actor,
    new: &NewFamily,
    members: &[NewPerson],
    relationships: &[(usize, usize, RelationshipKind)],
    confirm_new: bool,
) -> Result<FamilyId> {
    let family = families::create(conn, new)?;
    let id = family.id;
    trail.record(
        AuditEvent::success(AuditAction::CreateFamily, EntityType::Family, family.id)
            .with_detail(json!({ "confirmed_new": confirm_new })),
    );
    let mut ids = Vec::new();
    for person in members {
        let person = families::add_person(conn, person)?;
        trail.record(AuditEvent::success(
            AuditAction::AddPerson,
            EntityType::Person,
            person.id,
        ));
        ids.push(person.id);
    }
    for (index, &(a, b, kind)) in relationships.iter().enumerate() {
        let (Some(&person), Some(&related)) = (ids.get(a), ids.get(b)) else {
            return Err(Refusal::invalid(
                format!("relationships[{index}]"),
                "must be the index of a member in `members`",
            )
            .into());
        };
        families::add_relationship(conn, id, person, related, kind)?;
    }
    let summary = format!(
        "Family {} recorded with {} member(s)",
        family.reference,
        ids.len()
    );
    chronology::record(
        conn,
        &Happening {
            family: id,
            kind: ChronologyKind::FamilyCreated,
            actor: actor.user_id,
            summary: &summary,
            entity_type: EntityType::Family,
            entity_id: family.id.into(),
        },
    )?;
    Ok(id)
}

fn created(conn: &mut PgConnection, id: FamilyId) -> Result<CreatedFamily> {
    Ok(CreatedFamily {
        record: record(conn, id)?,
        known_elsewhere: told(conn, id, None)?,
    })
}

/// One family, for whoever may read its record.
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: FamilyId,
) -> Result<FamilyRecord> {
    authorize_family(conn, audit, actor, Permission::ReadCase, id)?;
    let event = AuditEvent::success(AuditAction::ReadFamily, EntityType::Family, id);
    audited_read(conn, audit, event, |conn| record(conn, id))
}

/// Corrects the family's address.
pub fn update(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: UpdateFamily,
) -> Result<FamilyRecord> {
    let id = command.family;
    authorize_family(conn, audit, actor, Permission::WriteCase, id)?;
    let changes = FamilyChanges {
        address: command.address,
        postcode: command.postcode,
    };
    transaction(conn, audit, |conn, trail| {
        families::update(conn, id, &changes)?;
        trail.record(AuditEvent::success(
            AuditAction::UpdateFamily,
            EntityType::Family,
            id,
        ));
        Ok(())
    })?;
    record(conn, id)
}

fn record(conn: &mut PgConnection, id: FamilyId) -> Result<FamilyRecord> {
    let family = families::find(conn, id)?;
    Ok(FamilyRecord {
        members: families::members(conn, &[family.id])?,
        relationships: families::relationships_of(conn, id)?,
        family,
    })
}
