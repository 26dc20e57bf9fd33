//! A family's members and how they are related: adding a member (after the duplicate check),
//! recording a relationship, reading and correcting a person's record.

use crate::access::{authorize_family, readable};
use crate::clock::today;
use crate::step::{audited_read, transaction};
use crate::{DuplicateCandidate, Failure, Refusal, Result};
use chrono::NaiveDate;
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::person::{
    self, Ethnicity, MemberKind, NhsNumber, PersonName, Postcode, RelationshipKind, Sex, Upn,
};
use earlyhelp_domain::policy::{Actor, Permission};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::{FamilyId, OrganisationId, PersonId};
use earlyhelp_persistence::audit::{self, AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::families::{
    self, Candidate, NewPerson, Person, PersonChanges, Relationship,
};
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

/// Refuses with the candidates the actor may see when any new person may already be recorded
/// (outside `excluding`, the family they join).
pub fn refuse_duplicates(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    people: &[NewPerson],
    excluding: Option<FamilyId>,
) -> Result<()> {
    let mut candidates: Vec<DuplicateCandidate> = Vec::new();
    for person in people {
        let candidate = Candidate {
            given_name: &person.given_name,
            family_name: &person.family_name,
            date_of_birth: person.date_of_birth,
            nhs_number: person.nhs_number.as_deref(),
        };
        for found in families::possible_duplicates(conn, readable(actor), &candidate, excluding)? {
            if candidates.iter().any(|c| c.person_id == found.person_id) {
                continue;
            }
            let matched_on = if found.nhs_number.is_some()
                && found.nhs_number.as_deref() == candidate.nhs_number
            {
                "nhs_number"
            } else {
                "date_of_birth_and_name"
            };
            candidates.push(DuplicateCandidate {
                person_id: found.person_id,
                family_id: found.family_id,
                family_reference: found.reference,
                given_name: found.given_name,
                family_name: found.family_name,
                date_of_birth: found.date_of_birth,
                matched_on,
            });
        }
    }
    if candidates.is_empty() {
        return Ok(());
    }
    // The answer shows other people's records: the trail says whose, and to whom.
    let shown: Vec<_> = candidates
        .iter()
        .map(|c| json!({ "person_id": c.person_id, "family_id": c.family_id }))
        .collect();
    let event = AuditEvent::new(
        AuditAction::CheckDuplicates,
        EntityType::Family,
        excluding.map(Into::into),
        Outcome::Success,
    )
    .with_detail(json!({ "shown": shown }));
    audit::record(conn, audit, event)?;
    Err(Refusal::PossibleDuplicate(candidates).into())
}

/// Adds a member to an existing family, unless they may already be recorded and the request
/// did not confirm they are new.
pub fn add_member(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: AddMember,
) -> Result<Person> {
    let family = command.family;
    authorize_family(conn, audit, actor, Permission::WriteCase, family)?;
    if !command.confirm_new {
        refuse_duplicates(
            conn,
            audit,
            actor,
            std::slice::from_ref(&command.person),
            Some(family),
        )?;
    }
    transaction(conn, audit, |conn, trail| {
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
        Ok(person)
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
        Ok(families::update_person(conn, id, &changes)?)
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
