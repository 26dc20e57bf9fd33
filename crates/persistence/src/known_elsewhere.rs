//! People recorded by someone who could not see an existing record of the same person.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{families, known_elsewhere_matches as matches, organisations, users};
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::{FamilyId, LocalityId, PersonId, UserId};
use uuid::Uuid;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = matches)]
pub struct NewMatch {
    pub id: Uuid,
    pub existing_person_id: PersonId,
    pub existing_family_id: FamilyId,
    pub locality_id: LocalityId,
    pub new_person_id: PersonId,
    pub new_family_id: FamilyId,
    pub matched_on: &'static str,
    pub recorded_by: UserId,
}

/// A match as the existing record's LCSS lists it: the two records and who to contact.
#[derive(Debug, Clone, Queryable)]
pub struct Match {
    pub id: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub matched_on: String,
    pub existing_person_id: PersonId,
    pub existing_family_id: FamilyId,
    pub new_person_id: PersonId,
    pub new_family_id: FamilyId,
    pub new_family_reference: String,
    pub recorded_by: UserId,
    pub recorded_by_name: String,
    pub recorded_by_email: String,
    pub recorded_by_organisation: String,
}

pub fn record(conn: &mut PgConnection, new: &[NewMatch]) -> Result<()> {
    diesel::insert_into(matches::table)
        .values(new)
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// The matches on records of these localities, newest first.
pub fn list(
    conn: &mut PgConnection,
    localities: &[LocalityId],
    page: &PageRequest,
) -> Result<Page<Match>> {
    let mut query = matches::table
        .inner_join(families::table.on(families::id.eq(matches::new_family_id)))
        .inner_join(users::table.on(users::id.eq(matches::recorded_by)))
        .inner_join(organisations::table.on(organisations::id.eq(users::organisation_id)))
        .filter(matches::locality_id.eq_any(localities))
        .select((
            matches::id,
            matches::recorded_at,
            matches::matched_on,
            matches::existing_person_id,
            matches::existing_family_id,
            matches::new_person_id,
            matches::new_family_id,
            families::reference,
            matches::recorded_by,
            users::display_name,
            users::email,
            organisations::name,
        ))
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(matches::id.lt(after.id));
    }
    let rows: Vec<Match> = query
        .order(matches::id.desc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: String::new(),
        id: row.id,
    }))
}

/// What the recording professional was told: each new person of `family` (or only `person`)
/// with the locality of a record they matched, once per locality.
pub fn told(
    conn: &mut PgConnection,
    family: FamilyId,
    person: Option<PersonId>,
) -> Result<Vec<(PersonId, LocalityId)>> {
    let mut query = matches::table
        .filter(matches::new_family_id.eq(family))
        .select((matches::new_person_id, matches::locality_id))
        .distinct()
        .into_boxed();
    if let Some(person) = person {
        query = query.filter(matches::new_person_id.eq(person));
    }
    Ok(query
        .order((matches::new_person_id, matches::locality_id))
        .load(conn)?)
}
