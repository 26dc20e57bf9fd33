//! Families, their members and the relationships between them.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{families, people, relationships};
use crate::scope::VisibleFamilies;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::person::{MemberKind, RelationshipKind, Sex};
use earlyhelp_domain::{FamilyId, LocalityId, OrganisationId, PersonId, UserId};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = families)]
pub struct Family {
    pub id: FamilyId,
    pub reference: String,
    pub locality_id: LocalityId,
    pub lead_professional_id: UserId,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When social care accepted the family for statutory assessment.
    pub known_to_social_care_on: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct NewFamily {
    pub id: FamilyId,
    pub locality_id: LocalityId,
    pub lead_professional_id: UserId,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub created_by: UserId,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = families)]
pub struct FamilyChanges {
    pub address: Option<Option<String>>,
    pub postcode: Option<Option<String>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: PersonId,
    pub family_id: FamilyId,
    pub kind: MemberKind,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub expected_date_of_birth: Option<NaiveDate>,
    pub sex: Sex,
    pub ethnicity: Option<String>,
    pub disabilities: Vec<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub nhs_number: Option<String>,
    pub upn: Option<String>,
    pub setting_organisation_id: Option<OrganisationId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = people)]
pub struct NewPerson {
    pub id: PersonId,
    pub family_id: FamilyId,
    pub kind: MemberKind,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub expected_date_of_birth: Option<NaiveDate>,
    pub sex: Sex,
    pub ethnicity: Option<String>,
    pub disabilities: Vec<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub nhs_number: Option<String>,
    pub upn: Option<String>,
    pub setting_organisation_id: Option<OrganisationId>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = people)]
pub struct PersonChanges {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<Option<NaiveDate>>,
    pub expected_date_of_birth: Option<Option<NaiveDate>>,
    pub sex: Option<Sex>,
    pub ethnicity: Option<Option<String>>,
    pub disabilities: Option<Vec<String>>,
    pub address: Option<Option<String>>,
    pub postcode: Option<Option<String>>,
    pub nhs_number: Option<Option<String>>,
    pub upn: Option<Option<String>>,
    pub setting_organisation_id: Option<Option<OrganisationId>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = relationships)]
pub struct Relationship {
    pub id: Uuid,
    pub family_id: FamilyId,
    pub person_id: PersonId,
    pub related_person_id: PersonId,
    pub kind: RelationshipKind,
    pub created_at: DateTime<Utc>,
}

/// Creates the family with the next human-readable reference.
pub fn create(conn: &mut PgConnection, new: &NewFamily) -> Result<Family> {
    let number: i64 = diesel::select(sql::<diesel::sql_types::BigInt>(
        "nextval('family_reference_seq')",
    ))
    .get_result(conn)?;
    Ok(diesel::insert_into(families::table)
        .values((
            families::id.eq(new.id),
            families::reference.eq(format!("FAM-{number:06}")),
            families::locality_id.eq(new.locality_id),
            families::lead_professional_id.eq(new.lead_professional_id),
            families::address.eq(&new.address),
            families::postcode.eq(&new.postcode),
            families::created_by.eq(new.created_by),
        ))
        .returning(Family::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: FamilyId) -> Result<Family> {
    Ok(families::table
        .find(id)
        .select(Family::as_select())
        .first(conn)?)
}

pub fn update(conn: &mut PgConnection, id: FamilyId, changes: &FamilyChanges) -> Result<Family> {
    Ok(diesel::update(families::table.find(id))
        .set((changes, families::updated_at.eq(diesel::dsl::now)))
        .returning(Family::as_returning())
        .get_result(conn)?)
}

pub fn set_lead_professional(conn: &mut PgConnection, id: FamilyId, lead: UserId) -> Result<()> {
    diesel::update(families::table.find(id))
        .set((
            families::lead_professional_id.eq(lead),
            families::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Families the actor can see, newest first.
pub fn list(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    page: &PageRequest,
) -> Result<Page<Family>> {
    let mut query = families::table
        .filter(families::id.eq_any(visible))
        .select(Family::as_select())
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(families::id.lt(after.id));
    }
    let rows = query
        .order(families::id.desc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: String::new(),
        id: row.id.into(),
    }))
}

pub fn members(conn: &mut PgConnection, family_ids: &[FamilyId]) -> Result<Vec<Person>> {
    Ok(people::table
        .filter(people::family_id.eq_any(family_ids))
        .order((people::family_id, people::id))
        .select(Person::as_select())
        .load(conn)?)
}

pub fn relationships_of(conn: &mut PgConnection, family: FamilyId) -> Result<Vec<Relationship>> {
    Ok(relationships::table
        .filter(relationships::family_id.eq(family))
        .order(relationships::id)
        .select(Relationship::as_select())
        .load(conn)?)
}

/// Stores a new person with the name keys the duplicate check compares.
pub fn add_person(conn: &mut PgConnection, new: &NewPerson) -> Result<Person> {
    let keys = (
        people::given_name_key.eq(earlyhelp_domain::text::name_key(&new.given_name)),
        people::family_name_key.eq(earlyhelp_domain::text::name_key(&new.family_name)),
    );
    Ok(diesel::insert_into(people::table)
        .values((new, keys))
        .returning(Person::as_returning())
        .get_result(conn)?)
}

pub fn find_person(conn: &mut PgConnection, id: PersonId) -> Result<Person> {
    Ok(people::table
        .find(id)
        .select(Person::as_select())
        .first(conn)?)
}

/// Corrects a person's record, first keeping it as it stood (with who corrected it) in
/// `person_history`: rectification never loses the previous values.
pub fn update_person(
    conn: &mut PgConnection,
    id: PersonId,
    changes: &PersonChanges,
    by: Option<UserId>,
) -> Result<Person> {
    diesel::sql_query(
        "INSERT INTO person_history (id, person_id, recorded_by, previous) \
         SELECT $1, p.id, $3, to_jsonb(p) - 'given_name_key' - 'family_name_key' \
         FROM people p WHERE p.id = $2 FOR UPDATE",
    )
    .bind::<diesel::sql_types::Uuid, _>(Uuid::now_v7())
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(by)
    .execute(conn)?;
    let keys = (
        changes
            .given_name
            .as_deref()
            .map(|name| people::given_name_key.eq(earlyhelp_domain::text::name_key(name))),
        changes
            .family_name
            .as_deref()
            .map(|name| people::family_name_key.eq(earlyhelp_domain::text::name_key(name))),
    );
    Ok(diesel::update(people::table.find(id))
        .set((changes, keys, people::updated_at.eq(diesel::dsl::now)))
        .returning(Person::as_returning())
        .get_result(conn)?)
}

/// A person's record as it stood before a correction.
#[derive(Debug, Clone, Queryable)]
pub struct PersonRevision {
    pub recorded_at: DateTime<Utc>,
    /// Who corrected it (`None`: the command line).
    pub recorded_by: Option<UserId>,
    pub previous: serde_json::Value,
}

/// A person's earlier records, newest first.
pub fn person_history(conn: &mut PgConnection, id: PersonId) -> Result<Vec<PersonRevision>> {
    use crate::schema::person_history;
    Ok(person_history::table
        .filter(person_history::person_id.eq(id))
        .order((
            person_history::recorded_at.desc(),
            person_history::id.desc(),
        ))
        .select((
            person_history::recorded_at,
            person_history::recorded_by,
            person_history::previous,
        ))
        .load(conn)?)
}

pub fn add_relationship(
    conn: &mut PgConnection,
    family: FamilyId,
    person: PersonId,
    related: PersonId,
    kind: RelationshipKind,
) -> Result<Relationship> {
    Ok(diesel::insert_into(relationships::table)
        .values((
            relationships::id.eq(Uuid::now_v7()),
            relationships::family_id.eq(family),
            relationships::person_id.eq(person),
            relationships::related_person_id.eq(related),
            relationships::kind.eq(kind),
        ))
        .returning(Relationship::as_returning())
        .get_result(conn)?)
}

/// A person being added, as the duplicate check compares it.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub date_of_birth: Option<NaiveDate>,
    pub nhs_number: Option<&'a str>,
}

/// A recorded person who may be one of the candidates.
#[derive(Debug, Clone, Queryable)]
pub struct PossibleDuplicate {
    pub person_id: PersonId,
    pub family_id: FamilyId,
    pub reference: String,
    pub locality_id: LocalityId,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub nhs_number: Option<String>,
    given_name_key: String,
    family_name_key: String,
}

/// Why a recorded person may be a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedOn {
    NhsNumber,
    DateOfBirthAndName,
}

impl MatchedOn {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NhsNumber => "nhs_number",
            Self::DateOfBirthAndName => "date_of_birth_and_name",
        }
    }
}

impl PossibleDuplicate {
    /// Whether this person may be `candidate`: the same NHS number, or the same date of birth
    /// and a similar name (see [`earlyhelp_domain::text::names_alike`]).
    pub fn matches(&self, candidate: &Candidate<'_>) -> Option<MatchedOn> {
        if self.nhs_number.is_some() && self.nhs_number.as_deref() == candidate.nhs_number {
            return Some(MatchedOn::NhsNumber);
        }
        let alike = earlyhelp_domain::text::names_alike(
            (&self.given_name_key, &self.family_name_key),
            (
                &earlyhelp_domain::text::name_key(candidate.given_name),
                &earlyhelp_domain::text::name_key(candidate.family_name),
            ),
        );
        (self.date_of_birth.is_some() && self.date_of_birth == candidate.date_of_birth && alike)
            .then_some(MatchedOn::DateOfBirthAndName)
    }
}

/// Everyone recorded who may be one of `candidates`, whoever can see them, in one indexed
/// query: people with one of the candidates' NHS numbers or dates of birth, kept when
/// [`PossibleDuplicate::matches`] says so. The caller splits them by what the actor may see.
pub fn possible_duplicates(
    conn: &mut PgConnection,
    candidates: &[Candidate<'_>],
    excluding_family: Option<FamilyId>,
) -> Result<Vec<PossibleDuplicate>> {
    let numbers: Vec<&str> = candidates.iter().filter_map(|c| c.nhs_number).collect();
    let births: Vec<NaiveDate> = candidates.iter().filter_map(|c| c.date_of_birth).collect();
    if numbers.is_empty() && births.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = people::table
        .inner_join(families::table)
        .filter(
            people::nhs_number
                .eq_any(numbers)
                .assume_not_null()
                .or(people::date_of_birth.eq_any(births).assume_not_null()),
        )
        .select((
            people::id,
            families::id,
            families::reference,
            families::locality_id,
            people::given_name,
            people::family_name,
            people::date_of_birth,
            people::nhs_number,
            people::given_name_key,
            people::family_name_key,
        ))
        .into_boxed();
    if let Some(family) = excluding_family {
        query = query.filter(families::id.ne(family));
    }
    let rows: Vec<PossibleDuplicate> = query.order(people::id).load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|row| candidates.iter().any(|c| row.matches(c).is_some()))
        .collect())
}

/// Which of `ids` the actor may see.
pub fn visible_among(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    ids: &[FamilyId],
) -> Result<Vec<FamilyId>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(families::table
        .filter(families::id.eq_any(ids))
        .filter(families::id.eq_any(visible))
        .select(families::id)
        .load(conn)?)
}

/// Recomputes every stored name key that differs from [`earlyhelp_domain::text::name_key`]
/// (after the migration that moved the keys from SQL into the application). Returns how
/// many people were re-keyed.
pub fn rekey_people(conn: &mut PgConnection) -> Result<usize> {
    let rows: Vec<(PersonId, String, String, String, String)> = people::table
        .select((
            people::id,
            people::given_name,
            people::family_name,
            people::given_name_key,
            people::family_name_key,
        ))
        .load(conn)?;
    let mut changed = 0;
    for (id, given, family, given_key, family_key) in rows {
        let (new_given, new_family) = (
            earlyhelp_domain::text::name_key(&given),
            earlyhelp_domain::text::name_key(&family),
        );
        if new_given != given_key || new_family != family_key {
            diesel::update(people::table.find(id))
                .set((
                    people::given_name_key.eq(new_given),
                    people::family_name_key.eq(new_family),
                ))
                .execute(conn)?;
            changed += 1;
        }
    }
    Ok(changed)
}
