//! The directory: the localities, organisations and user accounts that administrators manage
//! for the whole authority, and the signed-in user's own place in it.
//!
//! Every directory step has one of two shapes, kept here once: an audited read, or a change
//! whose persistence function records its own audit entry, run in one transaction. Both ask
//! the policy first.

pub mod localities;
pub mod organisations;
pub mod search;
pub mod users;

use crate::step::{audited_read, transaction};
use crate::Result;
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent, AuditTrail};
use earlyhelp_persistence::localities::{self as stored_localities, Locality};
use earlyhelp_persistence::organisations::{self as stored_organisations, Organisation};
use earlyhelp_persistence::{PgConnection, Result as DbResult};

/// Where the signed-in user belongs, as `GET /me` shows it.
#[derive(Debug, Clone)]
pub struct Placement {
    pub organisation: Organisation,
    /// None for an organisation serving the whole authority.
    pub locality: Option<Locality>,
    /// Roles an administrator granted the user, waiting for a second person's confirmation.
    pub pending: Option<earlyhelp_persistence::role_grants::RoleGrant>,
    /// The administrator who last set the user's password (id and name), if one did.
    pub password_reset_by: Option<(earlyhelp_domain::UserId, String)>,
}

/// Only administrators manage the directory, and they manage all of it. HTTP asks this before
/// reading the request's fields, so anyone else is told 403 whatever they sent.
pub fn authorize(actor: &Actor) -> Result<()> {
    policy::authorize(actor, Permission::ManageDirectory)?;
    Ok(())
}

/// The actor's organisation and locality, the roles waiting for confirmation and who last
/// set their password (`reset_by`, from the account the request already read). Any signed-in
/// user may see their own, and it is not audited: it is the account's own data, not a record about anyone else.
pub fn placement(
    conn: &mut PgConnection,
    actor: &Actor,
    reset_by: Option<earlyhelp_domain::UserId>,
) -> Result<Placement> {
    let organisation = stored_organisations::find(conn, actor.organisation_id)?;
    let locality = actor
        .locality_id
        .map(|id| stored_localities::find(conn, id))
        .transpose()?;
    let pending = earlyhelp_persistence::role_grants::pending_for(conn, actor.user_id)?;
    let password_reset_by = reset_by
        .map(|admin| earlyhelp_persistence::users::find(conn, admin))
        .transpose()?
        .map(|admin| (admin.id, admin.display_name));
    Ok(Placement {
        organisation,
        locality,
        pending,
        password_reset_by,
    })
}

/// The MASH number of the actor's locality, with the locality's name, when the authority has
/// recorded one (for the level-4 refusal). The actor's own placement: not audited.
pub fn mash_contact(conn: &mut PgConnection, actor: &Actor) -> Result<Option<(String, String)>> {
    let Some(locality) = actor.locality_id else {
        return Ok(None);
    };
    let locality = stored_localities::find(conn, locality)?;
    Ok(locality.mash_phone.map(|number| (locality.name, number)))
}

/// The audit entry of a list of one kind of record.
fn listed(action: AuditAction, entity: EntityType) -> AuditEvent {
    AuditEvent::new(action, entity, None, Outcome::Success)
}

/// A read by an administrator, with its audit entry.
fn read<T>(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    event: AuditEvent,
    read: impl FnOnce(&mut PgConnection) -> DbResult<T>,
) -> Result<T> {
    authorize(actor)?;
    audited_read(conn, audit, event, |conn| Ok(read(conn)?))
}

/// A change by an administrator: `write` records its own audit entry on the trail.
fn change<T>(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    write: impl FnOnce(&mut PgConnection, &mut AuditTrail) -> DbResult<T>,
) -> Result<T> {
    authorize(actor)?;
    change_by_operator(conn, audit, write)
}

/// [`change`] for the command line, which has no actor and asks no policy.
fn change_by_operator<T>(
    conn: &mut PgConnection,
    audit: &AuditContext,
    write: impl FnOnce(&mut PgConnection, &mut AuditTrail) -> DbResult<T>,
) -> Result<T> {
    transaction(conn, audit, |conn, trail| Ok(write(conn, trail)?))
}
