//! Organisations: the agencies whose staff sign in.

use crate::audit::{AuditEvent, AuditTrail};
use crate::pagination::{after_text_key, Cursor, Page, PageRequest};
use crate::schema::organisations;
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::directory::OrganisationKind;
use earlyhelp_domain::{LocalityId, OrganisationId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    pub locality_id: Option<LocalityId>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    pub locality_id: Option<LocalityId>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    pub kind: Option<OrganisationKind>,
    pub locality_id: Option<Option<LocalityId>>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    pub kind: Option<OrganisationKind>,
    pub locality_id: Option<LocalityId>,
    pub active: Option<bool>,
    /// Names containing this text, in any case.
    pub name_contains: Option<String>,
}

pub fn create(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    new: &NewOrganisation,
) -> Result<Organisation> {
    let organisation = diesel::insert_into(organisations::table)
        .values(new)
        .returning(Organisation::as_returning())
        .get_result(conn)?;
    trail.record(AuditEvent::success(
        AuditAction::CreateOrganisation,
        EntityType::Organisation,
        organisation.id,
    ));
    Ok(organisation)
}

pub fn find(conn: &mut PgConnection, id: OrganisationId) -> Result<Organisation> {
    Ok(organisations::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)?)
}

pub fn find_by_name(conn: &mut PgConnection, name: &str) -> Result<Option<Organisation>> {
    Ok(organisations::table
        .filter(organisations::name.eq(name))
        .select(Organisation::as_select())
        .first(conn)
        .optional()?)
}

/// Organisations by name, filtered.
pub fn list(
    conn: &mut PgConnection,
    filter: &OrganisationFilter,
    page: &PageRequest,
) -> Result<Page<Organisation>> {
    let mut query = organisations::table
        .select(Organisation::as_select())
        .into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(organisations::kind.eq(*kind));
    }
    if let Some(locality) = filter.locality_id {
        query = query.filter(organisations::locality_id.eq(locality));
    }
    if let Some(active) = filter.active {
        query = query.filter(organisations::active.eq(active));
    }
    if let Some(text) = &filter.name_contains {
        query = query.filter(organisations::name.ilike(crate::pagination::containing(text)));
    }
    if let Some(after) = &page.after {
        query = query.filter(after_text_key("name", after));
    }
    let rows = query
        .order((organisations::name, organisations::id))
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: row.name.clone(),
        id: row.id.into(),
    }))
}

pub fn update(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    id: OrganisationId,
    changes: &OrganisationChanges,
) -> Result<Organisation> {
    let organisation = diesel::update(organisations::table.find(id))
        .set((changes, organisations::updated_at.eq(diesel::dsl::now)))
        .returning(Organisation::as_returning())
        .get_result(conn)?;
    trail.record(AuditEvent::success(
        AuditAction::UpdateOrganisation,
        EntityType::Organisation,
        organisation.id,
    ));
    Ok(organisation)
}
