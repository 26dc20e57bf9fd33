//! Confirming roles an administrator granted: the second person of separation of duties. An
//! LCSS manager of the account's locality, or a manager of its organisation or of the county,
//! lists the grants waiting for them and confirms one (the account's whole requested role set
//! takes effect and its sessions end, so new tokens carry it) or declines it (the account
//! keeps what it holds). Nobody decides a grant they asked for, or their own.

use crate::step::{audited_read, transaction};
use crate::{Refusal, Result};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::role::RoleSet;
use earlyhelp_domain::role_grant::{self, GrantFacts, GrantState};
use earlyhelp_domain::work::WorkKind;
use earlyhelp_domain::RoleGrantId;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::role_grants::{self, GrantListing};
use earlyhelp_persistence::work::{self, WorkRow};
use earlyhelp_persistence::{users, Error as DbError, PgConnection};
use serde_json::json;

#[derive(Debug, Clone)]
pub struct ListGrants {
    pub state: GrantState,
    pub page: PageRequest,
}

/// The grants the actor may decide, oldest request first. (Administrators see the grants of
/// each account on the account itself.)
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListGrants,
) -> Result<Page<GrantListing>> {
    policy::authorize(actor, Permission::DecideRoleGrants)?;
    let deciders = role_grant::decider_scopes(actor);
    let event = AuditEvent::new(
        AuditAction::ListRoleGrants,
        EntityType::RoleGrant,
        None,
        Outcome::Success,
    )
    .with_detail(json!({ "state": command.state }));
    audited_read(conn, audit, event, |conn| {
        Ok(role_grants::list(
            conn,
            actor.user_id,
            &deciders,
            command.state,
            &command.page,
        )?)
    })
}

/// One grant, for those who may decide it (anyone else: not found).
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: RoleGrantId,
) -> Result<GrantListing> {
    policy::authorize(actor, Permission::DecideRoleGrants)?;
    let event = AuditEvent::success(AuditAction::ReadRoleGrant, EntityType::RoleGrant, id);
    let listing = match role_grants::find(conn, id) {
        Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
        other => other?,
    };
    if !role_grant::may_decide(actor, &facts(&listing)) {
        return Err(Refusal::NotFound.into());
    }
    audited_read(conn, audit, event, |_| Ok(listing))
}

/// Confirms a pending grant: the account's roles become the granted set.
pub fn confirm(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: RoleGrantId,
) -> Result<GrantListing> {
    decide(conn, audit, actor, id, GrantState::Confirmed)
}

/// Declines a pending grant: the account keeps the roles it holds.
pub fn decline(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: RoleGrantId,
) -> Result<GrantListing> {
    decide(conn, audit, actor, id, GrantState::Declined)
}

fn decide(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: RoleGrantId,
    decision: GrantState,
) -> Result<GrantListing> {
    policy::authorize(actor, Permission::DecideRoleGrants)?;
    transaction(conn, audit, |conn, trail| {
        let listing = match role_grants::lock(conn, id) {
            Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
            other => other?,
        };
        let facts = facts(&listing);
        if !role_grant::may_decide(actor, &facts) {
            // One the actor asked for, or their own, is refused plainly; one out of their
            // reach does not exist for them.
            let own = actor.user_id == facts.requested_by || actor.user_id == facts.user;
            return Err(if own {
                Refusal::Forbidden
            } else {
                Refusal::NotFound
            }
            .into());
        }
        if listing.grant.state != GrantState::Pending {
            return Err(Refusal::RoleGrantState(listing.grant.state).into());
        }
        let grant = role_grants::decide(conn, id, decision, actor.user_id)?;
        if decision == GrantState::Confirmed {
            let roles = RoleSet::held(grant.known_roles());
            users::set_roles(
                conn,
                trail,
                grant.user_id,
                roles.as_slice().to_vec(),
                grant.report_reach,
            )?;
        }
        let action = match decision {
            GrantState::Confirmed => AuditAction::ConfirmRoleGrant,
            _ => AuditAction::DeclineRoleGrant,
        };
        trail.record(
            AuditEvent::success(action, EntityType::RoleGrant, grant.id).with_detail(json!({
                "user_id": grant.user_id,
                "roles": grant.roles,
                "requested_by": grant.requested_by,
            })),
        );
        Ok(GrantListing { grant, ..listing })
    })
}

/// The grants waiting for the actor, as work-list rows (none for someone who decides none).
pub(crate) fn work_rows(
    conn: &mut PgConnection,
    actor: &Actor,
) -> std::result::Result<Vec<WorkRow>, DbError> {
    if policy::authorize(actor, Permission::DecideRoleGrants).is_err() {
        return Ok(Vec::new());
    }
    let page = PageRequest {
        after: None,
        limit: work::PER_KIND,
    };
    let waiting = role_grants::list(
        conn,
        actor.user_id,
        &role_grant::decider_scopes(actor),
        GrantState::Pending,
        &page,
    )?;
    Ok(waiting
        .items
        .into_iter()
        .filter(|listing| role_grant::may_decide(actor, &facts(listing)))
        .map(|listing| WorkRow {
            kind: WorkKind::RoleGrantToConfirm,
            id: listing.grant.id.into(),
            family_id: None,
            due_on: None,
        })
        .collect())
}

fn facts(listing: &GrantListing) -> GrantFacts {
    GrantFacts {
        user: listing.grant.user_id,
        organisation: listing.organisation_id,
        locality: listing.locality_id,
        requested_by: listing.grant.requested_by,
        report_reach: listing.grant.report_reach,
    }
}
