//! The roles a user can hold. A user may hold several; their permissions are the union.

use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownRole,
    parse_err_fn = UnknownRole::named
)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Role {
    /// A lead professional or TAF member in any agency.
    Practitioner,
    /// Locality and Community Support Service worker: reviews SNFs, gives feedback.
    LcssWorker,
    /// LCSS manager: assigns reviews, oversees quality and timeliness.
    LcssManager,
    /// MASH / Children's Social Care: decides step-ups, initiates step-downs.
    SocialCare,
    /// Service manager: caseload and performance reports.
    Manager,
    /// Manages users, organisations, localities and form templates; never reads case content.
    Admin,
    /// Information governance (the data protection officer): queries the audit trail, who did
    /// what to which record and who accessed a person's record; never reads case content.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Practitioner,
        Role::LcssWorker,
        Role::LcssManager,
        Role::SocialCare,
        Role::Manager,
        Role::Admin,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Does this role work cases (and so belong in the professional directory)? Not the
    /// administrator's or the auditor's.
    pub fn works_cases(self) -> bool {
        !matches!(self, Role::Admin | Role::Auditor)
    }

    /// Does this role read identifiable case records? Granted by an administrator, such a role
    /// waits for a second person's confirmation ([`crate::role_grant`]).
    pub fn reads_case_content(self) -> bool {
        matches!(
            self,
            Role::Practitioner | Role::LcssWorker | Role::LcssManager | Role::SocialCare
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role '{0}'; expected one of practitioner, lcss_worker, lcss_manager, social_care, manager, admin, auditor")]
pub struct UnknownRole(pub String);

impl UnknownRole {
    fn named(name: &str) -> Self {
        Self(name.to_owned())
    }
}

/// A non-empty, duplicate-free, sorted set of roles: what a user holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSet(Vec<Role>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a user needs at least one role")]
pub struct EmptyRoleSet;

impl RoleSet {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Result<Self, EmptyRoleSet> {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err(EmptyRoleSet);
        }
        Ok(Self(roles))
    }

    /// The roles an account holds now, which may be none while its roles await confirmation.
    /// Requests that set roles use [`RoleSet::new`], which refuses an empty set.
    pub fn held(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        Self(roles)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn as_slice(&self) -> &[Role] {
        &self.0
    }
}

/// How far a manager's reports reach, set on their account by an admin: their own
/// organisation (a school's or a health service's manager), their locality (a locality
/// manager), or the whole authority (the head of early help). Identifiable rows (per-lead
/// caseload, Annex A) stay within it too.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum ReportReach {
    /// The manager's own organisation: the least reach, and the default.
    #[default]
    Organisation,
    /// The manager's locality (their account must have one).
    Locality,
    /// The whole authority.
    County,
}

impl ReportReach {
    pub const ALL: [ReportReach; 3] = [
        ReportReach::Organisation,
        ReportReach::Locality,
        ReportReach::County,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }

    #[test]
    fn an_unknown_role_name_is_refused() {
        assert!("superuser".parse::<Role>().is_err());
    }

    #[test]
    fn a_role_set_is_sorted_and_free_of_duplicates() {
        let set = RoleSet::new([Role::Admin, Role::Practitioner, Role::Admin]).unwrap();
        assert_eq!(set.as_slice(), &[Role::Practitioner, Role::Admin]);
    }

    #[test]
    fn a_role_set_cannot_be_empty() {
        assert_eq!(RoleSet::new([]), Err(EmptyRoleSet));
    }
}
