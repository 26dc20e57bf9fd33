//! The vocabulary of the audit trail: what happened, to what kind of record, with what result.
//!
//! Actions are an enum rather than free strings so a later query ("every read of family X",
//! "every break-glass access") can rely on a closed set of names.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    User,
    Session,
    Organisation,
    Locality,
}

impl EntityType {
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityType::User => "user",
            EntityType::Session => "session",
            EntityType::Organisation => "organisation",
            EntityType::Locality => "locality",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    Login,
    RefreshToken,
    Logout,
    ReadUser,
    ListUsers,
    CreateUser,
    DeactivateUser,
    ReactivateUser,
    ChangeUserRoles,
    ResetUserPassword,
    ListOrganisations,
    ReadOrganisation,
    CreateOrganisation,
    UpdateOrganisation,
    ListLocalities,
    ReadLocality,
    CreateLocality,
    UpdateLocality,
}

impl AuditAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::Login => "auth.login",
            AuditAction::RefreshToken => "auth.refresh",
            AuditAction::Logout => "auth.logout",
            AuditAction::ReadUser => "user.read",
            AuditAction::ListUsers => "user.list",
            AuditAction::CreateUser => "user.create",
            AuditAction::DeactivateUser => "user.deactivate",
            AuditAction::ReactivateUser => "user.reactivate",
            AuditAction::ChangeUserRoles => "user.change_roles",
            AuditAction::ResetUserPassword => "user.reset_password",
            AuditAction::ListOrganisations => "organisation.list",
            AuditAction::ReadOrganisation => "organisation.read",
            AuditAction::CreateOrganisation => "organisation.create",
            AuditAction::UpdateOrganisation => "organisation.update",
            AuditAction::ListLocalities => "locality.list",
            AuditAction::ReadLocality => "locality.read",
            AuditAction::CreateLocality => "locality.create",
            AuditAction::UpdateLocality => "locality.update",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The action happened.
    Success,
    /// The policy refused the action.
    Denied,
    /// The action was attempted and failed (a wrong password, a spent refresh token).
    Failure,
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failure => "failure",
        }
    }
}
