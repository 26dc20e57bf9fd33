//! Localities: the areas each served by one LCSS team.

use crate::audit::{AuditEvent, AuditTrail};
use crate::pagination::{after_text_key, Cursor, Page, PageRequest};
use crate::schema::localities;
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::LocalityId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = localities)]
pub struct Locality {
    pub id: LocalityId,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub opening_hours: Option<String>,
    pub mash_phone: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = localities)]
pub struct NewLocality {
    pub id: LocalityId,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
    pub mash_phone: Option<String>,
}

/// A partial update: `None` leaves a column alone, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = localities)]
pub struct LocalityChanges {
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub opening_hours: Option<Option<String>>,
    pub mash_phone: Option<Option<String>>,
}

pub fn create(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    new: &NewLocality,
) -> Result<Locality> {
    let locality = diesel::insert_into(localities::table)
        .values(new)
        .returning(Locality::as_returning())
        .get_result(conn)?;
    trail.record(AuditEvent::success(
        AuditAction::CreateLocality,
        EntityType::Locality,
        locality.id,
    ));
    Ok(locality)
}

pub fn find(conn: &mut PgConnection, id: LocalityId) -> Result<Locality> {
    Ok(localities::table
        .find(id)
        .select(Locality::as_select())
        .first(conn)?)
}

pub fn find_by_name(conn: &mut PgConnection, name: &str) -> Result<Option<Locality>> {
    Ok(localities::table
        .filter(localities::name.eq(name))
        .select(Locality::as_select())
        .first(conn)
        .optional()?)
}

/// Localities by name.
pub fn list(conn: &mut PgConnection, page: &PageRequest) -> Result<Page<Locality>> {
    let mut query = localities::table.select(Locality::as_select()).into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(after_text_key("name", after));
    }
    let rows = query
        .order((localities::name, localities::id))
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
    id: LocalityId,
    changes: &LocalityChanges,
) -> Result<Locality> {
    let locality = diesel::update(localities::table.find(id))
        .set((changes, localities::updated_at.eq(diesel::dsl::now)))
        .returning(Locality::as_returning())
        .get_result(conn)?;
    trail.record(AuditEvent::success(
        AuditAction::UpdateLocality,
        EntityType::Locality,
        locality.id,
    ));
    Ok(locality)
}
