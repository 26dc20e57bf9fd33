//! Roles an administrator granted that wait for a second person's confirmation
//! (`earlyhelp_domain::role_grant`). At most one grant per account is pending; a new request
//! withdraws the one before it.

use crate::audit::{AuditEvent, AuditTrail};
use crate::pagination::{time_cursor, Cursor, Page, PageRequest};
use crate::schema::{role_grants, users};
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::role::ReportReach;
use earlyhelp_domain::role_grant::{Deciders, GrantReason, GrantState};
use earlyhelp_domain::{LocalityId, OrganisationId, Role, RoleGrantId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = role_grants)]
pub struct RoleGrant {
    pub id: RoleGrantId,
    pub user_id: UserId,
    pub roles: Vec<String>,
    pub report_reach: ReportReach,
    pub reason: GrantReason,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    pub state: GrantState,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl RoleGrant {
    /// The granted roles this build knows.
    pub fn known_roles(&self) -> impl Iterator<Item = Role> + '_ {
        self.roles.iter().filter_map(|name| name.parse().ok())
    }
}

/// A grant with the account it is for, as deciders list them.
#[derive(Debug, Clone, Queryable)]
pub struct GrantListing {
    pub grant: RoleGrant,
    pub email: String,
    pub display_name: String,
    pub organisation_id: OrganisationId,
    pub locality_id: Option<LocalityId>,
}

#[derive(Debug, Clone)]
pub struct NewGrant {
    pub user: UserId,
    pub roles: Vec<Role>,
    pub report_reach: ReportReach,
    pub reason: GrantReason,
    pub requested_by: UserId,
}

/// Records a request for confirmation, withdrawing any pending one for the same account.
pub fn request(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    new: &NewGrant,
) -> Result<RoleGrant> {
    withdraw_pending(conn, new.user)?;
    let grant = diesel::insert_into(role_grants::table)
        .values((
            role_grants::id.eq(RoleGrantId::generate()),
            role_grants::user_id.eq(new.user),
            role_grants::roles.eq(&new.roles),
            role_grants::report_reach.eq(new.report_reach),
            role_grants::reason.eq(new.reason),
            role_grants::requested_by.eq(new.requested_by),
        ))
        .returning(RoleGrant::as_returning())
        .get_result(conn)?;
    trail.record(
        AuditEvent::success(
            AuditAction::RequestRoleGrant,
            EntityType::RoleGrant,
            grant.id,
        )
        .with_detail(serde_json::json!({
            "user_id": grant.user_id,
            "roles": grant.roles,
            "reason": grant.reason,
            "state": grant.state,
        })),
    );
    Ok(grant)
}

/// Withdraws the account's pending grant, if any (a later request or role change replaces it).
pub fn withdraw_pending(conn: &mut PgConnection, user: UserId) -> Result<usize> {
    Ok(diesel::update(
        role_grants::table
            .filter(role_grants::user_id.eq(user))
            .filter(role_grants::state.eq(GrantState::Pending)),
    )
    .set((
        role_grants::state.eq(GrantState::Withdrawn),
        role_grants::decided_at.eq(diesel::dsl::now),
    ))
    .execute(conn)?)
}

/// The account's pending grant, if any.
pub fn pending_for(conn: &mut PgConnection, user: UserId) -> Result<Option<RoleGrant>> {
    Ok(role_grants::table
        .filter(role_grants::user_id.eq(user))
        .filter(role_grants::state.eq(GrantState::Pending))
        .select(RoleGrant::as_select())
        .first(conn)
        .optional()?)
}

/// The pending grants of these accounts.
pub fn pending_for_many(conn: &mut PgConnection, users: &[UserId]) -> Result<Vec<RoleGrant>> {
    Ok(role_grants::table
        .filter(role_grants::user_id.eq_any(users))
        .filter(role_grants::state.eq(GrantState::Pending))
        .select(RoleGrant::as_select())
        .load(conn)?)
}

/// A grant with its account.
pub fn find(conn: &mut PgConnection, id: RoleGrantId) -> Result<GrantListing> {
    Ok(listing().filter(role_grants::id.eq(id)).first(conn)?)
}

/// A grant with its account, locked until the transaction ends.
pub fn lock(conn: &mut PgConnection, id: RoleGrantId) -> Result<GrantListing> {
    Ok(listing()
        .filter(role_grants::id.eq(id))
        .for_update()
        .first(conn)?)
}

/// Marks a pending grant decided.
pub fn decide(
    conn: &mut PgConnection,
    id: RoleGrantId,
    state: GrantState,
    by: UserId,
) -> Result<RoleGrant> {
    Ok(diesel::update(role_grants::table.find(id))
        .set((
            role_grants::state.eq(state),
            role_grants::decided_by.eq(by),
            role_grants::decided_at.eq(diesel::dsl::now),
        ))
        .returning(RoleGrant::as_returning())
        .get_result(conn)?)
}

#[allow(clippy::type_complexity)]
fn listing() -> diesel::dsl::Select<
    diesel::dsl::InnerJoinOn<
        role_grants::table,
        users::table,
        diesel::dsl::Eq<users::id, role_grants::user_id>,
    >,
    (
        diesel::dsl::AsSelect<RoleGrant, diesel::pg::Pg>,
        users::email,
        users::display_name,
        users::organisation_id,
        users::locality_id,
    ),
> {
    role_grants::table
        .inner_join(users::table.on(users::id.eq(role_grants::user_id)))
        .select((
            RoleGrant::as_select(),
            users::email,
            users::display_name,
            users::organisation_id,
            users::locality_id,
        ))
}

/// Grants in `state` that `deciders` reach, oldest request first, but for those `decider`
/// asked for or that are for their own account.
pub fn list(
    conn: &mut PgConnection,
    decider: UserId,
    deciders: &[Deciders],
    state: GrantState,
    page: &PageRequest,
) -> Result<Page<GrantListing>> {
    let mut query = listing()
        .filter(role_grants::state.eq(state))
        .filter(role_grants::requested_by.ne(decider))
        .filter(role_grants::user_id.ne(decider))
        .into_boxed();
    if !deciders.contains(&Deciders::County) {
        let localities: Vec<LocalityId> = deciders
            .iter()
            .filter_map(|d| match d {
                Deciders::Locality(locality) => Some(*locality),
                _ => None,
            })
            .collect();
        let organisations: Vec<OrganisationId> = deciders
            .iter()
            .filter_map(|d| match d {
                Deciders::Organisation(organisation) => Some(*organisation),
                _ => None,
            })
            .collect();
        query = query.filter(
            users::locality_id
                .eq_any(localities)
                .or(users::organisation_id.eq_any(organisations)),
        );
    }
    if let Some(after) = &page.after {
        let (at, id) = after.time_position();
        query = query.filter(
            role_grants::requested_at
                .gt(at)
                .or(role_grants::requested_at
                    .eq(at)
                    .and(role_grants::id.gt(RoleGrantId::from(id)))),
        );
    }
    let rows: Vec<GrantListing> = query
        .order((role_grants::requested_at, role_grants::id))
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| -> Cursor {
        time_cursor(row.grant.requested_at, row.grant.id.into())
    }))
}
