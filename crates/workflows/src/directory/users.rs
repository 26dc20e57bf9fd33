//! User accounts: who signs in, with which roles, for which organisation and locality.
//! Administrators manage accounts; they never see password hashes or case content.
//!
//! Separation of duties: a role that reads case records, granted here by an administrator,
//! waits for a second person's confirmation ([`crate::role_grants`]); a password an
//! administrator sets is one-time, and the account's case roles wait for confirmation again.
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
use earlyhelp_domain::role_grant::{self, GrantReason, Split};
use earlyhelp_domain::{Email, LocalityId, OrganisationId, Role, UserId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::role_grants::{self, NewGrant, RoleGrant};
use earlyhelp_persistence::users::{self, NewUser, PasswordSetter, User, UserFilter};
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

/// An account with the roles it holds and those waiting for confirmation.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: User,
    pub pending: Option<RoleGrant>,
}

fn account(conn: &mut PgConnection, user: User) -> std::result::Result<Account, DbError> {
    let pending = role_grants::pending_for(conn, user.id)?;
    Ok(Account { user, pending })
}

/// Accounts by email, filtered.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListUsers,
) -> Result<Page<Account>> {
    let event = listed(AuditAction::ListUsers, EntityType::User);
    read(conn, audit, actor, event, |conn| {
        let page = users::list(conn, &command.filter, &command.page)?;
        let ids: Vec<UserId> = page.items.iter().map(|user| user.id).collect();
        let mut pending = role_grants::pending_for_many(conn, &ids)?;
        Ok(page.map(|user| {
            let grant = pending
                .iter()
                .position(|grant| grant.user_id == user.id)
                .map(|at| pending.swap_remove(at));
            Account {
                user,
                pending: grant,
            }
        }))
    })
}

/// Creates an account, hashing its password on the calling (blocking) thread. Roles that read
/// case records wait for a second person's confirmation, and the password is one-time.
pub fn create(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: CreateUser,
) -> Result<Account> {
    authorize(actor)?;
    let admin = actor.user_id;
    let requested = command.roles.clone();
    let reach = command.report_reach;
    let Split { now, pending } = role_grant::split(&RoleSet::held([]), &requested);
    let command = CreateUser {
        roles: now,
        ..command
    };
    insert(conn, audit, command, |conn, trail, user| {
        let user = users::password_set_by_admin(conn, user.id, admin)?;
        let pending = pending
            .map(|roles| {
                role_grants::request(
                    conn,
                    trail,
                    &NewGrant {
                        user: user.id,
                        roles: roles.as_slice().to_vec(),
                        report_reach: reach,
                        reason: GrantReason::Created,
                        requested_by: admin,
                    },
                )
            })
            .transpose()?;
        Ok(Account { user, pending })
    })
}

/// [`create`] for the command line, which has no actor: the roles hold at once, and the
/// password is the user's own.
pub fn create_by_operator(
    conn: &mut PgConnection,
    audit: &AuditContext,
    command: CreateUser,
) -> Result<User> {
    insert(conn, audit, command, |_, _, user| Ok(user))
}

fn insert<T>(
    conn: &mut PgConnection,
    audit: &AuditContext,
    command: CreateUser,
    then: impl FnOnce(
        &mut PgConnection,
        &mut earlyhelp_persistence::audit::AuditTrail,
        User,
    ) -> std::result::Result<T, DbError>,
) -> Result<T> {
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
        let user = users::create(conn, trail, &new).map_err(email_taken)?;
        Ok(then(conn, trail, user)?)
    })
}

pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: UserId,
) -> Result<Account> {
    let event = AuditEvent::success(AuditAction::ReadUser, EntityType::User, id);
    read(conn, audit, actor, event, |conn| {
        let user = users::find(conn, id)?;
        account(conn, user)
    })
}

/// Deactivates an account and ends its sessions. An administrator cannot deactivate themselves,
/// so the authority is never left without one by accident.
pub fn deactivate(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: UserId,
) -> Result<Account> {
    authorize(actor)?;
    if id == actor.user_id {
        return Err(Refusal::CannotDeactivateSelf.into());
    }
    change(conn, audit, actor, |conn, trail| {
        let user = users::set_active(conn, trail, id, false)?;
        account(conn, user)
    })
}

/// [`deactivate`] for the command line (`earlyhelp user deactivate`): the account's sessions
/// end at once.
pub fn deactivate_by_operator(
    conn: &mut PgConnection,
    audit: &AuditContext,
    id: UserId,
) -> Result<User> {
    super::change_by_operator(conn, audit, |conn, trail| {
        users::set_active(conn, trail, id, false)
    })
}

pub fn reactivate(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: UserId,
) -> Result<Account> {
    change(conn, audit, actor, |conn, trail| {
        let user = users::set_active(conn, trail, id, true)?;
        account(conn, user)
    })
}

/// Replaces an account's roles and ends its sessions, so new tokens carry the new roles.
/// Roles the account loses, and those that read no case record, change at once; a case role
/// it did not hold waits, with the whole requested set, for a second person's confirmation
/// (any earlier request still waiting is withdrawn). An administrator cannot remove their own
/// admin role.
pub fn set_roles(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: SetRoles,
) -> Result<Account> {
    authorize(actor)?;
    if command.user == actor.user_id && !command.roles.contains(Role::Admin) {
        return Err(Refusal::CannotRemoveOwnAdmin.into());
    }
    transaction(conn, audit, |conn, trail| {
        let user = users::find(conn, command.user)?;
        let reach = command.report_reach.unwrap_or(user.report_reach);
        check_reach(reach, user.locality_id)?;
        let held = RoleSet::held(user.known_roles());
        let Split { now, pending } = role_grant::split(&held, &command.roles);
        role_grants::withdraw_pending(conn, user.id)?;
        let user = users::set_roles(conn, trail, user.id, now.as_slice().to_vec(), reach)?;
        let pending = pending
            .map(|roles| {
                role_grants::request(
                    conn,
                    trail,
                    &NewGrant {
                        user: user.id,
                        roles: roles.as_slice().to_vec(),
                        report_reach: reach,
                        reason: GrantReason::RolesChanged,
                        requested_by: actor.user_id,
                    },
                )
            })
            .transpose()?;
        Ok(Account { user, pending })
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

/// Sets a one-time password (its first use may only set a new one), clears any lockout and
/// ends every session of the account. The account's roles that read case records wait for a
/// second person's confirmation again: whoever knows the one-time password, the administrator
/// included, reaches no case record with it. The password policy needs the account's email,
/// so an unknown account is 404 before the password is judged.
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
    let password_hash = passwords::hash(password.expose())?;
    let admin = actor.user_id;
    transaction(conn, audit, |conn, trail| {
        let user = users::set_password(
            conn,
            trail,
            command.user,
            password_hash,
            PasswordSetter::Admin(admin),
        )?;
        // A grant still waiting keeps its roles; otherwise the roles the account held.
        let waiting = role_grants::pending_for(conn, user.id)?;
        let held = RoleSet::held(user.known_roles());
        let Split { now, pending } = role_grant::after_password_reset(&held);
        let pending = match (&waiting, pending) {
            (Some(grant), _) => Some(RoleSet::held(grant.known_roles())),
            (None, pending) => pending,
        };
        if let Some(roles) = pending {
            users::set_roles(
                conn,
                trail,
                user.id,
                now.as_slice().to_vec(),
                user.report_reach,
            )?;
            role_grants::request(
                conn,
                trail,
                &NewGrant {
                    user: user.id,
                    roles: roles.as_slice().to_vec(),
                    report_reach: user.report_reach,
                    reason: GrantReason::PasswordReset,
                    requested_by: admin,
                },
            )?;
        }
        Ok(())
    })
}

/// Sets the password from the command line (`seed-demo --reset-passwords`), with a password
/// already judged by the policy: the operator can already do anything, so nothing waits.
pub fn reset_password_by_operator(
    conn: &mut PgConnection,
    audit: &AuditContext,
    user: UserId,
    password: &NewPassword,
) -> Result<()> {
    let password_hash = passwords::hash(password.expose())?;
    transaction(conn, audit, |conn, trail| {
        users::set_password(conn, trail, user, password_hash, PasswordSetter::Operator)?;
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
