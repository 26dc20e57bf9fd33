//! User accounts: who signs in, with which roles, for which organisation and locality.
//! Administrators manage accounts; they never see password hashes or case content.
//!
//! The `*_by_operator` steps are the command line's (`earlyhelp user create`, `seed-demo`):
//! whoever holds the database URL can already do anything, so they ask no policy, and their
//! audit entries name no actor.

use super::{authorize, change, listed, read};
use crate::step::transaction;
use crate::{passwords, Failure, Refusal, Result};
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::directory::Name;
use earlyhelp_domain::password::NewPassword;
use earlyhelp_domain::policy::Actor;
use earlyhelp_domain::role::{ReportReach, RoleSet};
use earlyhelp_domain::{Email, LocalityId, OrganisationId, Role, UserId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::users::{self, NewUser, User, UserFilter};
use earlyhelp_persistence::{organisations, Error as DbError, PgConnection};

#[derive(Debug, Clone)]
pub struct ListUsers {
    pub filter: UserFilter,
    pub page: PageRequest,
}

#[derive(Debug)]
pub struct CreateUser {
    pub email: Email,
    pub display_name: Name,
    pub roles: RoleSet,
    /// Must exist (checked here, as a field error).
    pub organisation: OrganisationId,
    /// Defaults to the organisation's locality.
    pub locality: Option<LocalityId>,
    /// How far their reports reach if they are a manager (a locality reach needs a locality).
    pub report_reach: ReportReach,
    pub password: NewPassword,
}

#[derive(Debug, Clone)]
pub struct SetRoles {
    pub user: UserId,
    pub roles: RoleSet,
    /// `None` keeps the account's report reach.
    pub report_reach: Option<ReportReach>,
}

/// No `Debug`: it carries a password.
pub struct ResetPassword {
    pub user: UserId,
    /// As sent; the policy is applied here, since it needs the account's email.
    pub password: String,
}

/// Accounts by email, filtered.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListUsers,
) -> Result<Page<User>> {
    let event = listed(AuditAction::ListUsers, EntityType::User);
    read(conn, audit, actor, event, |conn| {
        users::list(conn, &command.filter, &command.page)
    })
}

/// Creates an account, hashing its password on the calling (blocking) thread.
pub fn create(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: CreateUser,
) -> Result<User> {
    authorize(actor)?;
    create_by_operator(conn, audit, command)
}

/// [`create`] for the command line, which has no actor.
pub fn create_by_operator(
    conn: &mut PgConnection,
    audit: &AuditContext,
    command: CreateUser,
) -> Result<User> {
    let organisation =
        organisations::find(conn, command.organisation).map_err(|error| match error {
            DbError::NotFound => Refusal::invalid("organisation_id", "no such organisation").into(),
            other => Failure::from(other),
        })?;
    let locality = command.locality.or(organisation.locality_id);
    check_reach(command.report_reach, locality)?;
    let new = NewUser {
        id: UserId::generate(),
        email: command.email.as_str().to_owned(),
        display_name: command.display_name.into_string(),
        password_hash: passwords::hash(command.password.expose())?,
        roles: command.roles.as_slice().to_vec(),
        organisation_id: organisation.id,
        locality_id: locality,
        report_reach: command.report_reach,
    };
    transaction(conn, audit, |conn, trail| {
        users::create(conn, trail, &new).map_err(email_taken)
    })
}

pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: UserId,
) -> Result<User> {
    let event = AuditEvent::success(AuditAction::ReadUser, EntityType::User, id);
    read(conn, audit, actor, event, |conn| users::find(conn, id))
}

/// Deactivates an account and ends its sessions. An administrator cannot deactivate themselves,
/// so the authority is never left without one by accident.
pub fn deactivate(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: UserId,
) -> Result<User> {
    authorize(actor)?;
    if id == actor.user_id {
        return Err(Refusal::CannotDeactivateSelf.into());
    }
    change(conn, audit, actor, |conn, trail| {
        users::set_active(conn, trail, id, false)
    })
}

pub fn reactivate(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: UserId,
) -> Result<User> {
    change(conn, audit, actor, |conn, trail| {
        users::set_active(conn, trail, id, true)
    })
}

/// Replaces an account's roles and ends its sessions, so new tokens carry the new roles. An
/// administrator cannot remove their own admin role.
pub fn set_roles(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: SetRoles,
) -> Result<User> {
    authorize(actor)?;
    if command.user == actor.user_id && !command.roles.contains(Role::Admin) {
        return Err(Refusal::CannotRemoveOwnAdmin.into());
    }
    transaction(conn, audit, |conn, trail| {
        let user = users::find(conn, command.user)?;
        let reach = command.report_reach.unwrap_or(user.report_reach);
        check_reach(reach, user.locality_id)?;
        let roles = command.roles.as_slice().to_vec();
        Ok(users::set_roles(conn, trail, user.id, roles, reach)?)
    })
}

/// A locality reach needs the account to have a locality: without one it would reach nothing.
fn check_reach(reach: ReportReach, locality: Option<LocalityId>) -> Result<()> {
    if reach == ReportReach::Locality && locality.is_none() {
        return Err(Refusal::invalid(
            "report_reach",
            "a locality reach needs the user to have a locality",
        )
        .into());
    }
    Ok(())
}

/// Sets a new password, clears any lockout and ends every session of the account. The
/// password policy needs the account's email, so an unknown account is 404 before the
/// password is judged.
pub fn reset_password(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ResetPassword,
) -> Result<()> {
    authorize(actor)?;
    let user = users::find(conn, command.user)?;
    let email = Email::parse(&user.email)
        .map_err(|error| Failure::Defect(format!("stored email invalid: {error}")))?;
    let password = NewPassword::parse(command.password, &email)
        .map_err(|error| Refusal::invalid("password", error))?;
    reset_password_by_operator(conn, audit, command.user, &password)
}

/// [`reset_password`] for the command line, with a password already judged by the policy.
pub fn reset_password_by_operator(
    conn: &mut PgConnection,
    audit: &AuditContext,
    user: UserId,
    password: &NewPassword,
) -> Result<()> {
    let password_hash = passwords::hash(password.expose())?;
    transaction(conn, audit, |conn, trail| {
        users::set_password(conn, trail, user, password_hash)?;
        Ok(())
    })
}

fn email_taken(error: DbError) -> Failure {
    match error {
        DbError::Conflict { constraint } if constraint == "users_email_key" => {
            Refusal::EmailTaken.into()
        }
        other => other.into(),
    }
}
