//! Families, their members and the relationships between them.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{families, people, relationships};
use crate::scope::VisibleFamilies;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
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

pub fn add_person(conn: &mut PgConnection, new: &NewPerson) -> Result<Person> {
    Ok(diesel::insert_into(people::table)
        .values(new)
        .returning(Person::as_returning())
        .get_result(conn)?)
}

pub fn find_person(conn: &mut PgConnection, id: PersonId) -> Result<Person> {
    Ok(people::table
        .find(id)
        .select(Person::as_select())
        .first(conn)?)
}

pub fn update_person(
    conn: &mut PgConnection,
    id: PersonId,
    changes: &PersonChanges,
) -> Result<Person> {
    Ok(diesel::update(people::table.find(id))
        .set((changes, people::updated_at.eq(diesel::dsl::now)))
        .returning(Person::as_returning())
        .get_result(conn)?)
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

diesel::define_sql_function! {
    /// PostgreSQL's `left(text, n)`: the first n characters.
    fn left(text: Text, count: diesel::sql_types::Integer) -> Text;
}

/// Lower case, letters only: the same key the database keeps in `*_name_key`.
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

#[derive(Debug, Clone, Queryable)]
pub struct PossibleDuplicate {
    pub person_id: PersonId,
    pub family_id: FamilyId,
    pub reference: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub nhs_number: Option<String>,
}

/// People the actor can see who may be the same person: the same NHS number, or the same date
/// of birth and a similar name (same family or given name ignoring case and spacing, or both
/// names starting with the same three letters, which catches Jon/Jonathan and typos late in a
/// name). Only visible families are searched, so the check never reveals a hidden record.
pub fn possible_duplicates(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    candidate: &Candidate<'_>,
    excluding_family: Option<FamilyId>,
) -> Result<Vec<PossibleDuplicate>> {
    let family_key = name_key(candidate.family_name);
    let given_key = name_key(candidate.given_name);
    let prefix = |key: &str| key.chars().take(3).collect::<String>();
    let similar_name = people::family_name_key
        .eq(family_key.clone())
        .or(people::given_name_key.eq(given_key.clone()))
        .or(left(people::family_name_key, 3)
            .eq(prefix(&family_key))
            .and(left(people::given_name_key, 3).eq(prefix(&given_key))));
    let same_birth_and_name = people::date_of_birth
        .eq(candidate.date_of_birth)
        .and(similar_name)
        .assume_not_null();
    let nhs = candidate.nhs_number.map(str::to_owned);
    // Two unknown NHS numbers are no match: SQL's NULL = NULL is not true, so this filter agrees.
    let mut query = people::table
        .inner_join(families::table)
        .filter(people::family_id.eq_any(visible))
        .filter(
            people::nhs_number
                .eq(nhs)
                .assume_not_null()
                .or(same_birth_and_name),
        )
        .select((
            people::id,
            families::id,
            families::reference,
            people::given_name,
            people::family_name,
            people::date_of_birth,
            people::nhs_number,
        ))
        .into_boxed();
    if let Some(family) = excluding_family {
        query = query.filter(families::id.ne(family));
    }
    Ok(query.order(people::id).limit(20).load(conn)?)
}
