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
    Family,
    Person,
    Consent,
    Episode,
    FormTemplate,
    Assessment,
    Revision,
    Review,
    Chronology,
    Professional,
}

impl EntityType {
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityType::User => "user",
            EntityType::Session => "session",
            EntityType::Organisation => "organisation",
            EntityType::Locality => "locality",
            EntityType::Family => "family",
            EntityType::Person => "person",
            EntityType::Consent => "consent",
            EntityType::Episode => "episode",
            EntityType::FormTemplate => "form_template",
            EntityType::Assessment => "assessment",
            EntityType::Revision => "revision",
            EntityType::Review => "review",
            EntityType::Chronology => "chronology",
            EntityType::Professional => "professional",
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
    ListFamilies,
    ReadFamily,
    CreateFamily,
    UpdateFamily,
    CheckDuplicates,
    AddPerson,
    ReadPerson,
    UpdatePerson,
    AddRelationship,
    ListConsents,
    RecordConsent,
    WithdrawConsent,
    ListEpisodes,
    ReadEpisode,
    OpenEpisode,
    ChangeThreshold,
    ProposeTransfer,
    AcceptTransfer,
    CloseEpisode,
    ListFormTemplates,
    PublishFormTemplate,
    StartAssessment,
    ReadAssessment,
    UpdateAssessment,
    SubmitAssessment,
    ListRevisions,
    ListReviews,
    ReadReview,
    AssignReview,
    ClaimReview,
    DecideReview,
    ReadFeedback,
    ReadChronology,
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
            AuditAction::ListFamilies => "family.list",
            AuditAction::ReadFamily => "family.read",
            AuditAction::CreateFamily => "family.create",
            AuditAction::UpdateFamily => "family.update",
            AuditAction::CheckDuplicates => "family.duplicate_check",
            AuditAction::AddPerson => "person.create",
            AuditAction::ReadPerson => "person.read",
            AuditAction::UpdatePerson => "person.update",
            AuditAction::AddRelationship => "person.relate",
            AuditAction::ListConsents => "consent.list",
            AuditAction::RecordConsent => "consent.create",
            AuditAction::WithdrawConsent => "consent.withdraw",
            AuditAction::ListEpisodes => "episode.list",
            AuditAction::ReadEpisode => "episode.read",
            AuditAction::OpenEpisode => "episode.open",
            AuditAction::ChangeThreshold => "episode.change_threshold",
            AuditAction::ProposeTransfer => "episode.propose_transfer",
            AuditAction::AcceptTransfer => "episode.accept_transfer",
            AuditAction::CloseEpisode => "episode.close",
            AuditAction::ListFormTemplates => "form_template.list",
            AuditAction::PublishFormTemplate => "form_template.publish",
            AuditAction::StartAssessment => "assessment.create",
            AuditAction::ReadAssessment => "assessment.read",
            AuditAction::UpdateAssessment => "assessment.update",
            AuditAction::SubmitAssessment => "assessment.submit",
            AuditAction::ListRevisions => "assessment.list_revisions",
            AuditAction::ListReviews => "review.list",
            AuditAction::ReadReview => "review.read",
            AuditAction::AssignReview => "review.assign",
            AuditAction::ClaimReview => "review.claim",
            AuditAction::DecideReview => "review.decide",
            AuditAction::ReadFeedback => "feedback.read",
            AuditAction::ReadChronology => "chronology.read",
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
