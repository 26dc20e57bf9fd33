//! Localities: the areas each served by one LCSS team, with its contact details.

use super::{authorize, change, change_by_operator, listed, read};
use crate::Result;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::directory::Name;
use earlyhelp_domain::policy::Actor;
use earlyhelp_domain::LocalityId;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::localities::{self, Locality, LocalityChanges, NewLocality};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::PgConnection;

#[derive(Debug, Clone)]
pub struct CreateLocality {
    pub name: Name,
    pub phone: Option<String>,
    /// The LCSS team's mailbox, kept as written.
    pub email: Option<String>,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
    /// The MASH serving the locality.
    pub mash_phone: Option<String>,
}

/// A partial update: `None` leaves a field alone, `Some(None)` clears an optional one.
#[derive(Debug, Clone)]
pub struct UpdateLocality {
    pub id: LocalityId,
    pub name: Option<Name>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub opening_hours: Option<Option<String>>,
    pub mash_phone: Option<Option<String>>,
}

/// Every locality, by name.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<Locality>> {
    let event = listed(AuditAction::ListLocalities, EntityType::Locality);
    read(conn, audit, actor, event, |conn| {
        localities::list(conn, &page)
    })
}

pub fn create(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: CreateLocality,
) -> Result<Locality> {
    authorize(actor)?;
    create_by_operator(conn, audit, command)
}

/// [`create`] for the command line, which has no actor (setting up a new install).
pub fn create_by_operator(
    conn: &mut PgConnection,
    audit: &AuditContext,
    command: CreateLocality,
) -> Result<Locality> {
    let new = NewLocality {
        id: LocalityId::generate(),
        name: command.name.into_string(),
        phone: command.phone,
        email: command.email,
        address: command.address,
        opening_hours: command.opening_hours,
        mash_phone: command.mash_phone,
    };
    change_by_operator(conn, audit, |conn, trail| {
        localities::create(conn, trail, &new)
    })
}

pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: LocalityId,
) -> Result<Locality> {
    let event = AuditEvent::success(AuditAction::ReadLocality, EntityType::Locality, id);
    read(conn, audit, actor, event, |conn| localities::find(conn, id))
}

pub fn update(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: UpdateLocality,
) -> Result<Locality> {
    let changes = LocalityChanges {
        name: command.name.map(Name::into_string),
        phone: command.phone,
        email: command.email,
        address: command.address,
        opening_hours: command.opening_hours,
        mash_phone: command.mash_phone,
    };
    change(conn, audit, actor, |conn, trail| {
        localities::update(conn, trail, command.id, &changes)
    })
}
