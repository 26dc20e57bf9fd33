//! A family's members and how they are related: adding a member (after the duplicate check),
//! recording a relationship, reading and correcting a person's record.

use crate::access::{authorize_family, readable};
use crate::clock::today;
use crate::step::{
    audited_read, created_before, keyed, remember_key, replayed, transaction, IdempotencyKey,
};
use crate::{DuplicateCandidate, Failure, Refusal, Result};
use chrono::NaiveDate;
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::person::{
    self, Ethnicity, MemberKind, NhsNumber, PersonName, Postcode, RelationshipKind, Sex, Upn,
};
use earlyhelp_domain::policy::{self, Actor, Permission, Scope};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::{FamilyId, LocalityId, OrganisationId, PersonId};
use earlyhelp_persistence::audit::{self, AuditContext, AuditEvent, AuditTrail as Trail};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::families::{
    self, Candidate, NewPerson, Person, PersonChanges, PossibleDuplicate, Relationship,
};
use earlyhelp_persistence::known_elsewhere::{self, NewMatch};
use earlyhelp_persistence::localities::{self, Locality};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::{Error as DbError, PgConnection};
use serde_json::json;

/// The longest address a person or family record keeps.
pub const ADDRESS_MAX: usize = 500;

/// A member's fields as a request gives them, before checking: a new member, or a stored
/// record with a correction applied.
#[derive(Debug, Clone)]
pub struct MemberFields {
    pub kind: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub expected_date_of_birth: Option<NaiveDate>,
    pub sex: String,
    pub ethnicity: Option<String>,
    pub disabilities: Vec<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub nhs_number: Option<String>,
    pub upn: Option<String>,
    pub setting_organisation_id: Option<OrganisationId>,
}

/// A correction to a person's record: `None` leaves a field as stored; for the optional
/// fields `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct PersonPatch {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<Option<NaiveDate>>,
    pub expected_date_of_birth: Option<Option<NaiveDate>>,
    pub sex: Option<String>,
    pub ethnicity: Option<Option<String>>,
    pub disabilities: Option<Vec<String>>,
    pub address: Option<Option<String>>,
    pub postcode: Option<Option<String>>,
    pub nhs_number: Option<Option<String>>,
    pub upn: Option<Option<String>>,
    pub setting_organisation_id: Option<Option<OrganisationId>>,
}

#[derive(Debug, Clone)]
pub struct AddMember {
    pub family: FamilyId,
    /// Checked with [`check_member`] for this family.
    pub person: NewPerson,
    /// Record them even though they may be someone already recorded.
    pub confirm_new: bool,
    pub idempotency: Option<IdempotencyKey>,
}

/// A member as recorded, and whether they may already be known where the actor cannot see.
#[derive(Debug, Clone)]
pub struct AddedMember {
    pub person: Person,
    pub known_elsewhere: Vec<KnownElsewhere>,
}

#[derive(Debug, Clone)]
pub struct AddRelationship {
    pub family: FamilyId,
    pub person: PersonId,
    /// Another person than `person` (checked when the command is built).
    pub related: PersonId,
    pub kind: RelationshipKind,
}

#[derive(Debug, Clone)]
pub struct UpdatePerson {
    pub person: PersonId,
    pub patch: PersonPatch,
}

/// A postcode in its standard form, or `None` when blank.
pub fn postcode(raw: Option<&str>) -> Result<Option<String>, String> {
    match raw.map(str::trim).filter(|p| !p.is_empty()) {
        Some(raw) => Postcode::parse(raw)
            .map(|p| Some(p.as_str().to_owned()))
            .map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

fn parse_code<T: std::str::FromStr>(checks: &mut Checks, field: &str, raw: &str) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    checks.check(field, raw.parse::<T>())
}

/// Turns a member's fields into a row of `family`, noting every problem under `prefix`. A new
/// member and a corrected record are checked alike, so the birth rules see the combination
/// that would be stored.
pub fn check_member(
    checks: &mut Checks,
    prefix: &str,
    input: &MemberFields,
    family: FamilyId,
) -> Option<NewPerson> {
    let field = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    let kind: Option<MemberKind> = parse_code(checks, &field("kind"), &input.kind);
    let given = checks.check(&field("given_name"), PersonName::parse(&input.given_name));
    let family_name = checks.check(&field("family_name"), PersonName::parse(&input.family_name));
    let sex: Option<Sex> = parse_code(checks, &field("sex"), &input.sex);
    let ethnicity = match &input.ethnicity {
        Some(code) => parse_code::<Ethnicity>(checks, &field("ethnicity"), code).map(Some),
        None => Some(None),
    };
    let disabilities = match person::parse_disabilities(&input.disabilities) {
        Ok(codes) => Some(
            codes
                .into_iter()
                .map(|d| d.as_str().to_owned())
                .collect::<Vec<_>>(),
        ),
        Err((index, error)) => {
            checks.fail(&format!("{}[{index}]", field("disabilities")), error);
            None
        }
    };
    let nhs = match input
        .nhs_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => checks
            .check(&field("nhs_number"), NhsNumber::parse(raw))
            .map(|n| Some(n.as_str().to_owned())),
        None => Some(None),
    };
    let upn = match input
        .upn
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => checks
            .check(&field("upn"), Upn::parse(raw))
            .map(|u| Some(u.as_str().to_owned())),
        None => Some(None),
    };
    let address = checks.check(
        &field("address"),
        optional_text(input.address.as_deref(), ADDRESS_MAX),
    );
    let postcode = checks.check(&field("postcode"), postcode(input.postcode.as_deref()));
    if let (Some(kind), Some(sex)) = (kind, sex) {
        if let Err(error) = person::check_birth(
            kind,
            sex,
            input.date_of_birth,
            input.expected_date_of_birth,
            today(),
        ) {
            checks.fail(&field(error.field()), error);
        }
    }
    Some(NewPerson {
        id: PersonId::generate(),
        family_id: family,
        kind: kind?,
        given_name: given?.into_string(),
        family_name: family_name?.into_string(),
        date_of_birth: input.date_of_birth,
        expected_date_of_birth: input.expected_date_of_birth,
        sex: sex?,
        ethnicity: ethnicity?.map(|e| e.as_str().to_owned()),
        disabilities: disabilities?,
        address: address?,
        postcode: postcode?,
        nhs_number: nhs?,
        upn: upn?,
        setting_organisation_id: input.setting_organisation_id,
    })
}

/// A new person who matches someone recorded where the actor cannot see: all the actor learns
/// is that the person may already be known to early help, and which LCSS team to contact.
#[derive(Debug, Clone)]
pub struct KnownElsewhere {
    /// The new person (the actor's own record).
    pub person: PersonId,
    /// The locality of the existing record, whose LCSS the actor should contact.
    pub locality: Locality,
}

/// The duplicate check's findings the step records once the people are stored.
pub(crate) struct Matches {
    elsewhere: Vec<NewMatch>,
}

/// The duplicate check for people about to be recorded (outside `excluding`, the family they
/// join), in one query whatever their number. Matches the actor may see refuse the request
/// with their details (409), unless `confirm_new`; matches the actor may not see are kept, to
/// be recorded with [`record_matches`] and answered with only a locality to contact.
pub(crate) fn check_duplicates(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    people: &[NewPerson],
    excluding: Option<FamilyId>,
    confirm_new: bool,
) -> Result<Matches> {
    let candidates: Vec<Candidate<'_>> = people
        .iter()
        .map(|person| Candidate {
            given_name: &person.given_name,
            family_name: &person.family_name,
            date_of_birth: person.date_of_birth,
            nhs_number: person.nhs_number.as_deref(),
        })
        .collect();
    let found = families::possible_duplicates(conn, &candidates, excluding)?;
    let mut family_ids: Vec<FamilyId> = found.iter().map(|f| f.family_id).collect();
    family_ids.dedup();
    let visible = families::visible_among(conn, readable(actor), &family_ids)?;
    let (seen, unseen): (Vec<_>, Vec<_>) = found
        .into_iter()
        .partition(|f| visible.contains(&f.family_id));
    if !seen.is_empty() && !confirm_new {
        refuse_duplicates(conn, audit, &candidates, seen, excluding)?;
    }
    let mut elsewhere = Vec::new();
    for existing in &unseen {
        for (person, candidate) in people.iter().zip(&candidates) {
            if let Some(matched_on) = existing.matches(candidate) {
                elsewhere.push(NewMatch {
                    id: uuid::Uuid::now_v7(),
                    existing_person_id: existing.person_id,
                    existing_family_id: existing.family_id,
                    locality_id: existing.locality_id,
                    new_person_id: person.id,
                    new_family_id: person.family_id,
                    matched_on: matched_on.as_str(),
                    recorded_by: actor.user_id,
                });
            }
        }
    }
    Ok(Matches { elsewhere })
}

/// Refuses with the candidates the actor may see, after recording on the trail whose records
/// the answer shows, and to whom.
fn refuse_duplicates(
    conn: &mut PgConnection,
    audit: &AuditContext,
    candidates: &[Candidate<'_>],
    seen: Vec<PossibleDuplicate>,
    excluding: Option<FamilyId>,
) -> Result<()> {
    let shown: Vec<_> = seen
        .iter()
        .map(|c| json!({ "person_id": c.person_id, "family_id": c.family_id }))
        .collect();
    let listed = seen
        .into_iter()
        .filter_map(|found| {
            let matched_on = candidates.iter().find_map(|c| found.matches(c))?;
            Some(DuplicateCandidate {
                person_id: found.person_id,
                family_id: found.family_id,
                family_reference: found.reference,
                given_name: found.given_name,
                family_name: found.family_name,
                date_of_birth: found.date_of_birth,
                matched_on: matched_on.as_str(),
            })
        })
        .collect();
    let event = AuditEvent::new(
        AuditAction::CheckDuplicates,
        EntityType::Family,
        excluding.map(Into::into),
        Outcome::Success,
    )
    .with_detail(json!({ "shown": shown }));
    audit::record(conn, audit, event)?;
    Err(Refusal::PossibleDuplicate(listed).into())
}

/// Inside the step that stored the new people: keeps the matches for the existing records'
/// LCSS teams and records on the trail that the actor was told of each.
pub(crate) fn record_matches(
    conn: &mut PgConnection,
    trail: &mut Trail,
    matches: Matches,
) -> Result<()> {
    if matches.elsewhere.is_empty() {
        return Ok(());
    }
    known_elsewhere::record(conn, &matches.elsewhere)?;
    for found in &matches.elsewhere {
        trail.record(
            AuditEvent::success(
                AuditAction::RecordKnownElsewhere,
                EntityType::Person,
                found.new_person_id,
            )
            .with_detail(json!({
                "match_id": found.id,
                "existing_person_id": found.existing_person_id,
                "existing_family_id": found.existing_family_id,
                "locality_id": found.locality_id,
                "matched_on": found.matched_on,
            })),
        );
    }
    Ok(())
}

/// What the actor was told when recording the family's people (or only `person`): each new
/// person with the locality whose LCSS to contact.
pub(crate) fn told(
    conn: &mut PgConnection,
    family: FamilyId,
    person: Option<PersonId>,
) -> Result<Vec<KnownElsewhere>> {
    known_elsewhere::told(conn, family, person)?
        .into_iter()
        .map(|(person, locality)| {
            Ok(KnownElsewhere {
                person,
                locality: localities::find(conn, locality)?,
            })
        })
        .collect()
}

/// Adds a member to an existing family, unless they may already be recorded and the request
/// did not confirm they are new.
pub fn add_member(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: AddMember,
) -> Result<AddedMember> {
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
) -> Result<AddedMember> {
    let family = command.family;
    let key = command.idempotency.as_ref();
    if let Some(id) = created_before(conn, actor, key)? {
        return replay_member(conn, audit, actor, PersonId::from(id));
    }
    authorize_family(conn, audit, actor, Permission::WriteCase, family)?;
    let matches = check_duplicates(
        conn,
        audit,
        actor,
        std::slice::from_ref(&command.person),
        Some(family),
        command.confirm_new,
    )?;
    let id = transaction(conn, audit, |conn, trail| {
        let person = families::add_person(conn, &command.person)?;
        trail.record(AuditEvent::success(
            AuditAction::AddPerson,
            EntityType::Person,
            person.id,
        ));
        chronology::record(
            conn,
            &Happening {
                family,
                kind: ChronologyKind::MemberAdded,
                actor: actor.user_id,
                summary: &format!("A {} was added to the family", person.kind),
                entity_type: EntityType::Person,
                entity_id: person.id.into(),
            },
        )?;
        record_matches(conn, trail, matches)?;
        remember_key(conn, actor, key, person.id)?;
        Ok(person.id)
    })?;
    added_member(conn, id)
}

/// A retried add with a key already used: the member the first request added, as it is now.
fn replay_member(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: PersonId,
) -> Result<AddedMember> {
    let person = families::find_person(conn, id)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, person.family_id)?;
    let event = replayed(AuditAction::AddPerson, EntityType::Person, id.into());
    audited_read(conn, audit, event, |conn| added_member(conn, id))
}

fn added_member(conn: &mut PgConnection, id: PersonId) -> Result<AddedMember> {
    let person = families::find_person(conn, id)?;
    Ok(AddedMember {
        known_elsewhere: told(conn, person.family_id, Some(id))?,
        person,
    })
}

/// Records how two members of the family are related; both must belong to it.
pub fn add_relationship(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: AddRelationship,
) -> Result<Relationship> {
    let family = command.family;
    authorize_family(conn, audit, actor, Permission::WriteCase, family)?;
    let members = families::members(conn, &[family])?;
    let mut checks = Checks::default();
    for (field, id) in [
        ("person_id", command.person),
        ("related_person_id", command.related),
    ] {
        if !members.iter().any(|m| m.id == id) {
            checks.fail(field, "must be a member of this family");
        }
    }
    checks.finish(|| Some(()))?;
    transaction(conn, audit, |conn, trail| {
        trail.record(AuditEvent::success(
            AuditAction::AddRelationship,
            EntityType::Person,
            command.person,
        ));
        families::add_relationship(conn, family, command.person, command.related, command.kind)
            .map_err(|error| match error {
                DbError::Conflict { .. } => {
                    Refusal::Duplicate("This relationship is already recorded.").into()
                }
                other => Failure::from(other),
            })
    })
}

/// One person's record, for whoever may read their family's.
pub fn get_person(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: PersonId,
) -> Result<Person> {
    let person = families::find_person(conn, id)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, person.family_id)?;
    let event = AuditEvent::success(AuditAction::ReadPerson, EntityType::Person, id);
    audited_read(conn, audit, event, |_| Ok(person))
}

/// A person's earlier records, newest first: each as it stood before a correction, with who
/// corrected it and when. For whoever may read their family's record.
pub fn person_history(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: PersonId,
) -> Result<Vec<families::PersonRevision>> {
    let person = families::find_person(conn, id)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, person.family_id)?;
    let event = AuditEvent::success(AuditAction::ReadPersonHistory, EntityType::Person, id);
    audited_read(conn, audit, event, |conn| {
        Ok(families::person_history(conn, id)?)
    })
}

/// Corrects a person's record: the patch is applied to the stored record and the result is
/// checked as a whole, so the birth rules see the combination that would be stored.
pub fn update_person(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: UpdatePerson,
) -> Result<Person> {
    let id = command.person;
    let current = families::find_person(conn, id)?;
    let family = current.family_id;
    authorize_family(conn, audit, actor, Permission::WriteCase, family)?;
    let merged = merge(current, command.patch);
    let mut checks = Checks::default();
    let checked = check_member(&mut checks, "", &merged, family);
    let checked = checks.finish(|| checked)?;
    let changes = PersonChanges {
        given_name: Some(checked.given_name),
        family_name: Some(checked.family_name),
        date_of_birth: Some(checked.date_of_birth),
        expected_date_of_birth: Some(checked.expected_date_of_birth),
        sex: Some(checked.sex),
        ethnicity: Some(checked.ethnicity),
        disabilities: Some(checked.disabilities),
        address: Some(checked.address),
        postcode: Some(checked.postcode),
        nhs_number: Some(checked.nhs_number),
        upn: Some(checked.upn),
        setting_organisation_id: Some(checked.setting_organisation_id),
    };
    transaction(conn, audit, |conn, trail| {
        trail.record(AuditEvent::success(
            AuditAction::UpdatePerson,
            EntityType::Person,
            id,
        ));
        Ok(families::update_person(
            conn,
            id,
            &changes,
            Some(actor.user_id),
        )?)
    })
}

/// The stored record with the patch applied; the kind of member never changes.
fn merge(current: Person, patch: PersonPatch) -> MemberFields {
    MemberFields {
        kind: current.kind.as_str().to_owned(),
        given_name: patch.given_name.unwrap_or(current.given_name),
        family_name: patch.family_name.unwrap_or(current.family_name),
        date_of_birth: patch.date_of_birth.unwrap_or(current.date_of_birth),
        expected_date_of_birth: patch
            .expected_date_of_birth
            .unwrap_or(current.expected_date_of_birth),
        sex: patch.sex.unwrap_or_else(|| current.sex.as_str().to_owned()),
        ethnicity: patch.ethnicity.unwrap_or(current.ethnicity),
        disabilities: patch.disabilities.unwrap_or(current.disabilities),
        address: patch.address.unwrap_or(current.address),
        postcode: patch.postcode.unwrap_or(current.postcode),
        nhs_number: patch.nhs_number.unwrap_or(current.nhs_number),
        upn: patch.upn.unwrap_or(current.upn),
        setting_organisation_id: patch
            .setting_organisation_id
            .unwrap_or(current.setting_organisation_id),
    }
}

/// The people recorded by professionals who could not see an existing record of the same
/// person, on the records of the actor's locality: for its LCSS to bring the two together.
/// The audit entry names the families the page showed, on both sides of each match.
pub fn list_known_elsewhere(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<known_elsewhere::Match>> {
    let scopes = policy::authorize(actor, Permission::FollowUpMatches)?;
    let localities: Vec<LocalityId> = scopes
        .iter()
        .filter_map(|scope| match scope {
            Scope::Locality(locality) => Some(*locality),
            _ => None,
        })
        .collect();
    transaction(conn, audit, |conn, trail| {
        let page = known_elsewhere::list(conn, &localities, &page)?;
        let mut shown: Vec<FamilyId> = Vec::new();
        for found in &page.items {
            for family in [found.existing_family_id, found.new_family_id] {
                if !shown.contains(&family) {
                    shown.push(family);
                }
            }
        }
        trail.record(
            AuditEvent::new(
                AuditAction::ListKnownElsewhere,
                EntityType::Family,
                None,
                Outcome::Success,
            )
            .with_detail(json!({ "family_ids": shown })),
        );
        Ok(page)
    })
}
