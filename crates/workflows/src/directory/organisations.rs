//! Organisations: schools, GP practices, LCSS teams and the other agencies whose staff sign in.

use super::{authorize, change, change_by_operator, listed, read};
use crate::Result;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::directory::{Name, OrganisationKind};
use earlyhelp_domain::policy::Actor;
use earlyhelp_domain::{LocalityId, OrganisationId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::organisations::{
    self, NewOrganisation, Organisation, OrganisationChanges, OrganisationFilter,
};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::PgConnection;

#[derive(Debug, Clone)]
pub struct ListOrganisations {
    pub filter: OrganisationFilter,
    pub page: PageRequest,
}

#[derive(Debug, Clone)]
pub struct CreateOrganisation {
    pub name: Name,
    pub kind: OrganisationKind,
    /// None for an organisation that serves the whole authority.
    pub locality: Option<LocalityId>,
}

/// A partial update: `None` leaves a field alone; `locality: Some(None)` makes the
/// organisation authority-wide.
#[derive(Debug, Clone)]
pub struct UpdateOrganisation {
    pub id: OrganisationId,
    pub name: Option<Name>,
    pub kind: Option<OrganisationKind>,
    pub locality: Option<Option<LocalityId>>,
    pub active: Option<bool>,
}

/// Organisations by name, filtered.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListOrganisations,
) -> Result<Page<Organisation>> {
    let event = listed(AuditAction::ListOrganisations, EntityType::Organisation);
    read(conn, audit, actor, event, |conn| {
        organisations::list(conn, &command.filter, &command.page)
    })
}

pub fn create(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: CreateOrganisation,
) -> Result<Organisation> {
    authorize(actor)?;
    create_by_operator(conn, audit, command)
}

/// [`create`] for the command line, which has no actor (setting up a new install).
pub fn create_by_operator(
    conn: &mut PgConnection,
    audit: &AuditContext,
    command: CreateOrganisation,
) -> Result<Organisation> {
    let new = NewOrganisation {
        id: OrganisationId::generate(),
        name: command.name.into_string(),
        kind: command.kind,
        locality_id: command.locality,
    };
    change_by_operator(conn, audit, |conn, trail| {
        organisations::create(conn, trail, &new)
    })
}

pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: OrganisationId,
) -> Result<Organisation> {
    let event = AuditEvent::success(AuditAction::ReadOrganisation, EntityType::Organisation, id);
    read(conn, audit, actor, event, |conn| {
        organisations::find(conn, id)
    })
}

pub fn update(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: UpdateOrganisation,
) -> Result<Organisation> {
    let changes = OrganisationChanges {
        name: command.name.map(Name::into_string),
        kind: command.kind,
        locality_id: command.locality,
        active: command.active,
    };
    change(conn, audit, actor, |conn, trail| {
        organisations::update(conn, trail, command.id, &changes)
    })
}
