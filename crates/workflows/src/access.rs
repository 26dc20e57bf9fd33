//! The policy's questions asked of stored records: each loads the facts the domain policy
//! needs and returns its answer as a [`Refusal`](crate::Refusal) when it says no.

use crate::Result;
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::policy::{self, Actor, CaseFacts, Denial, Permission};
use earlyhelp_domain::role::RoleSet;
use earlyhelp_domain::{FamilyId, LocalityId};
use earlyhelp_persistence::audit::{self, AuditContext, AuditEvent};
use earlyhelp_persistence::scope::{self, VisibleFamilies};
use earlyhelp_persistence::users::User;
use earlyhelp_persistence::{Error as DbError, PgConnection};
use serde_json::json;

/// 404 (out of scope) or 403 (visible, but not this action) per the policy. A refusal of a
/// family that exists is audited with outcome `denied`.
pub fn authorize_family(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    permission: Permission,
    family: FamilyId,
) -> Result<()> {
    let facts = family_facts(conn, family)?;
    let decision = policy::authorize_case(actor, permission, &facts);
    refused_if_denied(conn, audit, family, permission, decision)
}

/// Passes an allowed decision through; audits a denied one (the family exists: its facts were
/// read) and returns it as the refusal.
pub fn refused_if_denied(
    conn: &mut PgConnection,
    audit: &AuditContext,
    family: FamilyId,
    permission: Permission,
    decision: std::result::Result<(), Denial>,
) -> Result<()> {
    let Err(denial) = decision else {
        return Ok(());
    };
    let status = match denial {
        Denial::NotFound => 404,
        Denial::Forbidden => 403,
        Denial::NoLocality => 409,
    };
    let event = AuditEvent::new(
        AuditAction::DenyCaseAccess,
        EntityType::Family,
        Some(family.into()),
        Outcome::Denied,
    )
    .with_detail(json!({ "permission": format!("{permission:?}"), "status": status }));
    audit::record(conn, audit, event)?;
    Err(denial.into())
}

/// The facts of the family's record, for the relations that need more than one check. A
/// family that does not exist is not found, as one outside the actor's scope is.
pub fn family_facts(conn: &mut PgConnection, family: FamilyId) -> Result<CaseFacts> {
    match scope::case_facts(conn, family) {
        Err(DbError::NotFound) => Err(crate::Refusal::NotFound.into()),
        other => Ok(other?),
    }
}

/// The families the actor may read, as the subquery lists filter by.
pub fn readable(actor: &Actor) -> VisibleFamilies {
    scope::visible_family_ids(&policy::case_filter(actor, Permission::ReadCase))
}

/// The families whose forms the actor may review.
pub fn reviewable(actor: &Actor) -> VisibleFamilies {
    scope::visible_family_ids(&policy::case_filter(actor, Permission::ReviewAssessments))
}

/// May the actor create a record in `locality` with themselves as lead professional?
pub fn authorize_new_case(actor: &Actor, locality: LocalityId) -> Result<()> {
    let facts = CaseFacts::led_by(actor.user_id, locality);
    policy::authorize_case(actor, Permission::WriteCase, &facts)
        .map_err(|_| crate::Refusal::Forbidden.into())
}

/// The actor the policy sees, built from a user row: unknown role names (a newer schema)
/// grant nothing rather than failing. `None` when the account holds roles but none this build
/// knows; an account holding no role yet (its roles await confirmation) is an actor who may
/// do nothing but see who they are.
pub fn actor_of(user: &User) -> Option<Actor> {
    let roles = RoleSet::held(user.known_roles());
    if roles.is_empty() && !user.roles.is_empty() {
        return None;
    }
    Some(Actor {
        user_id: user.id,
        roles,
        organisation_id: user.organisation_id,
        locality_id: user.locality_id,
        report_reach: user.report_reach,
    })
}

/// May this stored user lead early help? Inactive users lead nothing.
pub fn can_lead(user: &User) -> bool {
    user.active && actor_of(user).is_some_and(|candidate| policy::may_lead(&candidate))
}

/// May this stored user review the forms of the case?
pub fn can_review(user: &User, case: &CaseFacts) -> bool {
    user.active && actor_of(user).is_some_and(|candidate| policy::may_review(&candidate, case))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use earlyhelp_domain::{OrganisationId, Role, UserId};

    fn user_with(roles: &[&str]) -> User {
        User {
            id: UserId::generate(),
            email: "someone@example.test".into(),
            display_name: "Someone".into(),
            roles: roles.iter().map(|role| (*role).to_owned()).collect(),
            organisation_id: OrganisationId::generate(),
            locality_id: None,
            active: true,
            failed_login_count: 0,
            locked_until: None,
            last_login_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            report_reach: Default::default(),
            password_change_required: false,
            password_reset_at: None,
            password_reset_by: None,
        }
    }

    #[test]
    fn a_stored_role_this_build_does_not_know_grants_nothing_and_fails_nothing() {
        let actor = actor_of(&user_with(&["caseworker_2031", "practitioner"])).unwrap();
        assert_eq!(actor.roles.as_slice(), &[Role::Practitioner]);
        assert!(actor_of(&user_with(&["caseworker_2031"])).is_none());
    }

    #[test]
    fn an_account_whose_roles_all_await_confirmation_is_an_actor_with_none() {
        let actor = actor_of(&user_with(&[])).unwrap();
        assert!(actor.roles.is_empty());
        assert!(policy::authorize(&actor, Permission::ReadReports).is_err());
    }
}
