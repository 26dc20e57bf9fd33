//! Separation of duties: an administrator manages accounts but never reaches case content
//! through them. A role that reads case records, granted by an administrator, takes effect
//! only once a second person confirms it: an LCSS manager of the account's locality, or a
//! manager of its organisation or of the whole authority. Nobody confirms a grant they asked
//! for, or their own roles.

use crate::policy::Actor;
use crate::role::{ReportReach, RoleSet};
use crate::{LocalityId, OrganisationId, Role, UserId};
use serde::{Deserialize, Serialize};

/// Why a grant waits for confirmation.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum GrantReason {
    /// An administrator created the account with these roles.
    Created,
    /// An administrator changed the account's roles.
    RolesChanged,
    /// An administrator set the account's password: its case roles wait until someone who
    /// knows the person confirms it is still them.
    PasswordReset,
}

impl GrantReason {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum GrantState {
    Pending,
    Confirmed,
    Declined,
    /// Replaced by a later request for the same account before anyone decided it.
    Withdrawn,
}

impl GrantState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What an administrator's role request does at once, and what waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The roles the account holds from now: every requested role the account already held,
    /// and those that read no case record.
    pub now: RoleSet,
    /// The whole requested set, when it adds a case role the account did not hold.
    pub pending: Option<RoleSet>,
}

/// Splits a role set an administrator asks for against what the account holds.
#[must_use]
pub fn split(held: &RoleSet, requested: &RoleSet) -> Split {
    let adds_case_role = requested
        .iter()
        .any(|role| role.reads_case_content() && !held.contains(role));
    Split {
        now: RoleSet::held(
            requested
                .iter()
                .filter(|role| !role.reads_case_content() || held.contains(*role)),
        ),
        pending: adds_case_role.then(|| requested.clone()),
    }
}

/// An administrator set the password: the account keeps only its roles that read no case
/// record, and the rest wait for confirmation (the whole set, when it has a case role).
#[must_use]
pub fn after_password_reset(held: &RoleSet) -> Split {
    split(&RoleSet::held([]), held)
}

/// What deciding a grant needs to know.
#[derive(Debug, Clone)]
pub struct GrantFacts {
    pub user: UserId,
    pub organisation: OrganisationId,
    pub locality: Option<LocalityId>,
    pub requested_by: UserId,
    pub report_reach: ReportReach,
}

/// May `actor` confirm (or decline) this grant? An LCSS manager of the account's locality, or
/// a manager of its organisation or of the county; never the one who asked, nor the account
/// itself.
#[must_use]
pub fn may_decide(actor: &Actor, grant: &GrantFacts) -> bool {
    if actor.user_id == grant.requested_by || actor.user_id == grant.user {
        return false;
    }
    let lcss_manager = actor.roles.contains(Role::LcssManager)
        && actor.locality_id.is_some()
        && actor.locality_id == grant.locality;
    let manager = actor.roles.contains(Role::Manager)
        && (actor.report_reach == ReportReach::County
            || actor.organisation_id == grant.organisation);
    lcss_manager || manager
}

/// Who may see the grant in their list: those who may decide it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deciders {
    /// Grants for accounts of this locality (an LCSS manager).
    Locality(LocalityId),
    /// Grants for accounts of this organisation (a manager).
    Organisation(OrganisationId),
    /// Every grant (a county manager).
    County,
}

/// The grants an actor may decide, as list filters (none: the actor decides nothing).
#[must_use]
pub fn decider_scopes(actor: &Actor) -> Vec<Deciders> {
    let mut scopes = Vec::new();
    if actor.roles.contains(Role::Manager) {
        if actor.report_reach == ReportReach::County {
            return vec![Deciders::County];
        }
        scopes.push(Deciders::Organisation(actor.organisation_id));
    }
    if actor.roles.contains(Role::LcssManager) {
        if let Some(locality) = actor.locality_id {
            scopes.push(Deciders::Locality(locality));
        }
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(roles: &[Role]) -> RoleSet {
        RoleSet::held(roles.iter().copied())
    }

    #[test]
    fn a_new_case_role_waits_and_the_rest_takes_effect_at_once() {
        let split = split(&set(&[]), &set(&[Role::LcssWorker, Role::Manager]));
        assert_eq!(split.now, set(&[Role::Manager]));
        assert_eq!(split.pending, Some(set(&[Role::LcssWorker, Role::Manager])));
    }

    #[test]
    fn removing_roles_or_keeping_held_ones_needs_no_confirmation() {
        let held = set(&[Role::Practitioner, Role::LcssWorker]);
        let split = split(&held, &set(&[Role::Practitioner, Role::Auditor]));
        assert_eq!(split.now, set(&[Role::Practitioner, Role::Auditor]));
        assert_eq!(split.pending, None);
    }

    #[test]
    fn a_password_reset_suspends_every_case_role() {
        let split = after_password_reset(&set(&[Role::Practitioner, Role::Manager]));
        assert_eq!(split.now, set(&[Role::Manager]));
        assert_eq!(
            split.pending,
            Some(set(&[Role::Practitioner, Role::Manager]))
        );
        assert_eq!(after_password_reset(&set(&[Role::Admin])).pending, None);
    }

    fn actor(roles: &[Role], organisation: u128, locality: Option<u128>) -> Actor {
        Actor {
            user_id: UserId::generate(),
            roles: set(roles),
            organisation_id: OrganisationId::from(uuid::Uuid::from_u128(organisation)),
            locality_id: locality.map(|l| LocalityId::from(uuid::Uuid::from_u128(l))),
            report_reach: ReportReach::Organisation,
        }
    }

    fn grant(requested_by: UserId) -> GrantFacts {
        GrantFacts {
            user: UserId::generate(),
            organisation: OrganisationId::from(uuid::Uuid::from_u128(10)),
            locality: Some(LocalityId::from(uuid::Uuid::from_u128(1))),
            requested_by,
            report_reach: ReportReach::Organisation,
        }
    }

    #[test]
    fn the_locality_lcss_manager_or_a_manager_of_the_organisation_or_county_decides() {
        let admin = UserId::generate();
        let facts = grant(admin);
        assert!(may_decide(
            &actor(&[Role::LcssManager], 99, Some(1)),
            &facts
        ));
        assert!(!may_decide(
            &actor(&[Role::LcssManager], 99, Some(2)),
            &facts
        ));
        assert!(may_decide(&actor(&[Role::Manager], 10, None), &facts));
        assert!(!may_decide(&actor(&[Role::Manager], 11, None), &facts));
        let mut county = actor(&[Role::Manager], 11, None);
        county.report_reach = ReportReach::County;
        assert!(may_decide(&county, &facts));
        assert_eq!(decider_scopes(&county), vec![Deciders::County]);
        assert!(!may_decide(
            &actor(&[Role::LcssWorker], 10, Some(1)),
            &facts
        ));
    }

    #[test]
    fn nobody_decides_their_own_request_or_their_own_roles() {
        let mut admin_and_manager = actor(&[Role::Admin, Role::LcssManager], 10, Some(1));
        let own_request = grant(admin_and_manager.user_id);
        assert!(!may_decide(&admin_and_manager, &own_request));
        let mut own_roles = grant(UserId::generate());
        own_roles.user = admin_and_manager.user_id;
        assert!(!may_decide(&admin_and_manager, &own_roles));
        admin_and_manager.user_id = UserId::generate();
        assert!(may_decide(&admin_and_manager, &own_request));
    }
}
