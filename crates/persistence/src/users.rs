//! Users: who signs in, with which roles, for which organisation and locality.
//!
//! The row struct [`User`] has no password hash: it is read only through [`Credentials`] on
//! the sign-in path, so no listing or response can carry it by accident.

use crate::audit::{AuditEvent, AuditTrail};
use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{sessions, sign_in_failures, users};
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::role::ReportReach;
use earlyhelp_domain::{LocalityId, OrganisationId, Role, SessionId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    /// As stored, so responses and audit entries show what the row holds; read the roles this
    /// build grants with [`User::known_roles`].
    pub roles: Vec<String>,
    pub organisation_id: OrganisationId,
    pub locality_id: Option<LocalityId>,
    pub active: bool,
    pub failed_login_count: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub report_reach: ReportReach,
    /// The password was set by an administrator: it only lets its holder set a new one.
    pub password_change_required: bool,
    /// When and by which administrator the password was last set.
    pub password_reset_at: Option<DateTime<Utc>>,
    pub password_reset_by: Option<UserId>,
}

impl User {
    /// The stored roles this build knows. A name it does not know (written by a newer schema)
    /// grants nothing rather than failing the request.
    pub fn known_roles(&self) -> impl Iterator<Item = Role> + '_ {
        self.roles
            .iter()
            .filter_map(|name| name.parse::<Role>().ok())
    }
}

/// What sign-in needs to decide; nothing else reads the hash.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct Credentials {
    pub id: UserId,
    pub password_hash: String,
    pub active: bool,
    pub failed_login_count: i32,
    pub locked_until: Option<DateTime<Utc>>,
    /// Set by an administrator: the password only lets its holder set a new one.
    pub password_change_required: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub organisation_id: OrganisationId,
    pub locality_id: Option<LocalityId>,
    pub report_reach: ReportReach,
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub organisation_id: Option<OrganisationId>,
    pub locality_id: Option<LocalityId>,
    pub active: Option<bool>,
}

pub fn create(conn: &mut PgConnection, trail: &mut AuditTrail, new: &NewUser) -> Result<User> {
    let user = diesel::insert_into(users::table)
        .values(new)
        .returning(User::as_returning())
        .get_result(conn)?;
    trail.record(
        AuditEvent::success(AuditAction::CreateUser, EntityType::User, user.id).with_detail(
            serde_json::json!({
                "roles": user.roles,
                "organisation_id": user.organisation_id,
                "report_reach": user.report_reach,
            }),
        ),
    );
    Ok(user)
}

pub fn find(conn: &mut PgConnection, id: UserId) -> Result<User> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)?)
}

pub fn find_by_email(conn: &mut PgConnection, email: &str) -> Result<Option<User>> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn credentials_by_email(conn: &mut PgConnection, email: &str) -> Result<Option<Credentials>> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(Credentials::as_select())
        .first(conn)
        .optional()?)
}

/// Users by email, filtered.
pub fn list(
    conn: &mut PgConnection,
    filter: &UserFilter,
    page: &PageRequest,
) -> Result<Page<User>> {
    let mut query = users::table.select(User::as_select()).into_boxed();
    if let Some(role) = &filter.role {
        query = query.filter(users::roles.contains(vec![*role]));
    }
    if let Some(organisation) = filter.organisation_id {
        query = query.filter(users::organisation_id.eq(organisation));
    }
    if let Some(locality) = filter.locality_id {
        query = query.filter(users::locality_id.eq(locality));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(after) = &page.after {
        // Emails are unique, so the email alone is a total order.
        query = query.filter(users::email.gt(after.key.clone()));
    }
    let rows = query
        .order(users::email)
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: row.email.clone(),
        id: row.id.into(),
    }))
}

/// Until when sign-in to the account is refused to this client address, if it is.
pub fn client_locked_until(
    conn: &mut PgConnection,
    id: UserId,
    client: &str,
) -> Result<Option<DateTime<Utc>>> {
    Ok(sign_in_failures::table
        .find((id, client))
        .select(sign_in_failures::locked_until)
        .first::<Option<DateTime<Utc>>>(conn)
        .optional()?
        .flatten())
}

/// Counts one more consecutive failure of the account from this client address, and locks
/// that client out until `lock(failures)` if it says so. The account itself keeps, for its
/// admins, its count of consecutive failures from anywhere and the latest time any client is
/// locked out until; neither stops anyone signing in. Returns the client's new count.
pub fn record_failed_login(
    conn: &mut PgConnection,
    id: UserId,
    client: &str,
    lock: impl FnOnce(i32) -> Option<DateTime<Utc>>,
) -> Result<i32> {
    conn.transaction(|conn| {
        let failures: i32 = diesel::insert_into(sign_in_failures::table)
            .values((
                sign_in_failures::user_id.eq(id),
                sign_in_failures::client_address.eq(client),
                sign_in_failures::failures.eq(1),
            ))
            .on_conflict((sign_in_failures::user_id, sign_in_failures::client_address))
            .do_update()
            .set((
                sign_in_failures::failures.eq(sign_in_failures::failures + 1),
                sign_in_failures::last_failed_at.eq(diesel::dsl::now),
            ))
            .returning(sign_in_failures::failures)
            .get_result(conn)?;
        let until = lock(failures);
        if let Some(until) = until {
            diesel::update(sign_in_failures::table.find((id, client)))
                .set(sign_in_failures::locked_until.eq(until))
                .execute(conn)?;
        }
        diesel::update(users::table.find(id))
            .set(users::failed_login_count.eq(users::failed_login_count + 1))
            .execute(conn)?;
        if let Some(until) = until {
            diesel::update(users::table.find(id))
                .filter(
                    users::locked_until
                        .is_null()
                        .or(users::locked_until.lt(until)),
                )
                .set(users::locked_until.eq(until))
                .execute(conn)?;
        }
        Ok(failures)
    })
}

/// A successful sign-in from `client` clears that client's failures (others stay locked out).
pub fn record_successful_login(
    conn: &mut PgConnection,
    id: UserId,
    client: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    diesel::delete(sign_in_failures::table.find((id, client))).execute(conn)?;
    diesel::update(users::table.find(id))
        .set((users::failed_login_count.eq(0), users::last_login_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

fn update_one(
    conn: &mut PgConnection,
    id: UserId,
    changes: impl diesel::AsChangeset<
        Target = users::table,
        Changeset = impl diesel::query_builder::QueryFragment<diesel::pg::Pg>,
    >,
) -> Result<User> {
    Ok(diesel::update(users::table.find(id))
        .set(changes)
        .returning(User::as_returning())
        .get_result(conn)?)
}

/// Deactivating a user also ends every session they hold.
pub fn set_active(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    id: UserId,
    active: bool,
) -> Result<User> {
    let user = update_one(
        conn,
        id,
        (
            users::active.eq(active),
            users::updated_at.eq(diesel::dsl::now),
        ),
    )?;
    let action = if active {
        AuditAction::ReactivateUser
    } else {
        crate::sessions::revoke_all_for_user(
            conn,
            id,
            crate::sessions::RevokeReason::UserDeactivated,
        )?;
        AuditAction::DeactivateUser
    };
    trail.record(AuditEvent::success(action, EntityType::User, user.id));
    Ok(user)
}

/// Changing roles ends the user's sessions so new tokens carry the new roles.
pub fn set_roles(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    id: UserId,
    roles: Vec<Role>,
    report_reach: ReportReach,
) -> Result<User> {
    let user = update_one(
        conn,
        id,
        (
            users::roles.eq(roles),
            users::report_reach.eq(report_reach),
            users::updated_at.eq(diesel::dsl::now),
        ),
    )?;
    crate::sessions::revoke_all_for_user(conn, id, crate::sessions::RevokeReason::RolesChanged)?;
    trail.record(
        AuditEvent::success(AuditAction::ChangeUserRoles, EntityType::User, user.id).with_detail(
            serde_json::json!({
                "roles": user.roles,
                "report_reach": user.report_reach,
            }),
        ),
    );
    Ok(user)
}

/// Marks the password of an account an administrator just created as theirs: one-time, and
/// shown to the user as set by them.
pub fn password_set_by_admin(conn: &mut PgConnection, id: UserId, admin: UserId) -> Result<User> {
    update_one(
        conn,
        id,
        (
            users::password_change_required.eq(true),
            users::password_reset_at.eq(Some(Utc::now())),
            users::password_reset_by.eq(Some(admin)),
        ),
    )
}

/// Who sets a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSetter {
    /// An administrator: the password is one-time, and the user is told who set it and when.
    Admin(UserId),
    /// The operator at the command line (who can already do anything).
    Operator,
    /// The user, knowing their current password.
    Owner,
}

/// Sets a password; clears the lockout and ends every session.
pub fn set_password(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    id: UserId,
    password_hash: String,
    setter: PasswordSetter,
) -> Result<User> {
    let common = (
        users::password_hash.eq(password_hash),
        users::failed_login_count.eq(0),
        users::locked_until.eq(None::<DateTime<Utc>>),
        users::updated_at.eq(diesel::dsl::now),
        users::password_change_required.eq(matches!(setter, PasswordSetter::Admin(_))),
    );
    let user = match setter {
        PasswordSetter::Admin(admin) => update_one(
            conn,
            id,
            (
                common,
                users::password_reset_at.eq(Some(Utc::now())),
                users::password_reset_by.eq(Some(admin)),
            ),
        )?,
        PasswordSetter::Operator | PasswordSetter::Owner => update_one(conn, id, common)?,
    };
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::user_id.eq(id)))
        .execute(conn)?;
    crate::sessions::revoke_all_for_user(conn, id, crate::sessions::RevokeReason::PasswordReset)?;
    let action = match setter {
        PasswordSetter::Owner => AuditAction::ChangeOwnPassword,
        PasswordSetter::Admin(_) | PasswordSetter::Operator => AuditAction::ResetUserPassword,
    };
    trail.record(AuditEvent::success(action, EntityType::User, user.id));
    Ok(user)
}

/// The user behind an access token, if the token's session is still live and the user active.
/// Checked on every request, so logout, deactivation and role changes take effect at once.
pub fn principal(
    conn: &mut PgConnection,
    user: UserId,
    session: SessionId,
    now: DateTime<Utc>,
) -> Result<Option<User>> {
    Ok(users::table
        .inner_join(sessions::table)
        .filter(users::id.eq(user))
        .filter(users::active.eq(true))
        .filter(sessions::id.eq(session))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// A professional as the directory case users search shows them: name, work email, roles and
/// organisation, nothing more.
#[derive(Debug, Clone, Queryable)]
pub struct Professional {
    pub id: UserId,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub locality_id: Option<LocalityId>,
}

/// Active users holding a case role (not administrators or auditors alone), by name: those whose name or
/// organisation's name contains `text` (any case), optionally of one organisation.
pub fn professionals(
    conn: &mut PgConnection,
    text: Option<&str>,
    organisation: Option<OrganisationId>,
    page: &PageRequest,
) -> Result<Page<Professional>> {
    use crate::schema::organisations;
    let case_roles: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|role| role.works_cases())
        .collect();
    let mut query = users::table
        .inner_join(organisations::table)
        .filter(users::active.eq(true))
        .filter(users::roles.overlaps_with(case_roles))
        .select((
            users::id,
            users::display_name,
            users::email,
            users::roles,
            users::organisation_id,
            organisations::name,
            users::locality_id,
        ))
        .into_boxed();
    if let Some(text) = text {
        let pattern = crate::pagination::containing(text);
        query = query.filter(
            users::display_name
                .ilike(pattern.clone())
                .or(organisations::name.ilike(pattern)),
        );
    }
    if let Some(organisation) = organisation {
        query = query.filter(users::organisation_id.eq(organisation));
    }
    if let Some(after) = &page.after {
        query = query.filter(
            users::display_name
                .gt(after.key.clone())
                .or(users::display_name
                    .eq(after.key.clone())
                    .and(users::id.gt(UserId::from(after.id)))),
        );
    }
    let rows: Vec<Professional> = query
        .order((users::display_name, users::id))
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: row.display_name.clone(),
        id: row.id.into(),
    }))
}
