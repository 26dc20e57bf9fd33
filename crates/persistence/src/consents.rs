//! Consent records: given by a family member, for an assessment and for sharing; withdrawable.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::consents;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::{ConsentId, FamilyId, OrganisationId, PersonId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consents)]
pub struct Consent {
    pub id: ConsentId,
    pub family_id: FamilyId,
    pub given_by_person_id: PersonId,
    pub lead_professional_id: UserId,
    pub organisation_id: OrganisationId,
    pub for_assessment: bool,
    pub share_with_organisation_ids: Vec<OrganisationId>,
    pub excluded_organisation_ids: Vec<OrganisationId>,
    pub excluded_note: Option<String>,
    pub method: String,
    pub given_on: NaiveDate,
    pub recorded_by: UserId,
    pub created_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<UserId>,
    pub withdrawal_reason: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = consents)]
pub struct NewConsent {
    pub id: ConsentId,
    pub family_id: FamilyId,
    pub given_by_person_id: PersonId,
    pub lead_professional_id: UserId,
    pub organisation_id: OrganisationId,
    pub for_assessment: bool,
    pub share_with_organisation_ids: Vec<OrganisationId>,
    pub excluded_organisation_ids: Vec<OrganisationId>,
    pub excluded_note: Option<String>,
    pub method: String,
    pub given_on: NaiveDate,
    pub recorded_by: UserId,
}

pub fn create(conn: &mut PgConnection, new: &NewConsent) -> Result<Consent> {
    Ok(diesel::insert_into(consents::table)
        .values(new)
        .returning(Consent::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: ConsentId) -> Result<Consent> {
    Ok(consents::table
        .find(id)
        .select(Consent::as_select())
        .first(conn)?)
}

/// Oldest first: the order they were given in.
pub fn for_family(
    conn: &mut PgConnection,
    family: FamilyId,
    page: &PageRequest,
) -> Result<Page<Consent>> {
    let mut query = consents::table
        .filter(consents::family_id.eq(family))
        .select(Consent::as_select())
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(consents::id.gt(after.id));
    }
    // Ids are time-ordered, so this is the order they were recorded in.
    let rows = query
        .order(consents::id)
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: String::new(),
        id: row.id.into(),
    }))
}

/// True while some family member's consent to an assessment stands.
pub fn has_active_assessment_consent(conn: &mut PgConnection, family: FamilyId) -> Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        consents::table
            .filter(consents::family_id.eq(family))
            .filter(consents::for_assessment.eq(true))
            .filter(consents::withdrawn_at.is_null()),
    ))
    .get_result(conn)?)
}

/// Withdraws the consent unless it already is; returns the row as it now stands and whether
/// this call withdrew it.
pub fn withdraw(
    conn: &mut PgConnection,
    id: ConsentId,
    by: UserId,
    reason: Option<String>,
) -> Result<(Consent, bool)> {
    let withdrawn = diesel::update(
        consents::table
            .find(id)
            .filter(consents::withdrawn_at.is_null()),
    )
    .set((
        consents::withdrawn_at.eq(diesel::dsl::now),
        consents::withdrawn_by.eq(by),
        consents::withdrawal_reason.eq(reason),
    ))
    .returning(Consent::as_returning())
    .get_result(conn)
    .optional()?;
    match withdrawn {
        Some(consent) => Ok((consent, true)),
        None => Ok((find(conn, id)?, false)),
    }
}

/// The organisations any standing (not withdrawn) consent of the family excludes.
pub fn excluded_organisations(
    conn: &mut PgConnection,
    family: FamilyId,
) -> Result<Vec<OrganisationId>> {
    let lists: Vec<Vec<OrganisationId>> = consents::table
        .filter(consents::family_id.eq(family))
        .filter(consents::withdrawn_at.is_null())
        .select(consents::excluded_organisation_ids)
        .load(conn)?;
    let mut excluded: Vec<OrganisationId> = lists.into_iter().flatten().collect();
    excluded.sort();
    excluded.dedup();
    Ok(excluded)
}
