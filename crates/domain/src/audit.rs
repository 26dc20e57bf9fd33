//! The vocabulary of the audit trail: what happened, to what kind of record, with what result.
//!
//! Actions are an enum rather than free strings so a later query ("every read of family X",
//! "every break-glass access") can rely on a closed set of names.

use serde::{Deserialize, Serialize};

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
    Taf,
    Meeting,
    Action,
    StepUp,
    StepDown,
    Consultation,
    ConsultationRequest,
    Report,
    AuditTrail,
    RoleGrant,
}

impl EntityType {
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
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum AuditAction {
    #[strum(serialize = "auth.login")]
    Login,
    #[strum(serialize = "auth.refresh")]
    RefreshToken,
    #[strum(serialize = "auth.logout")]
    Logout,
    #[strum(serialize = "user.read")]
    ReadUser,
    #[strum(serialize = "user.list")]
    ListUsers,
    #[strum(serialize = "user.create")]
    CreateUser,
    #[strum(serialize = "user.deactivate")]
    DeactivateUser,
    #[strum(serialize = "user.reactivate")]
    ReactivateUser,
    #[strum(serialize = "user.change_roles")]
    ChangeUserRoles,
    #[strum(serialize = "user.reset_password")]
    ResetUserPassword,
    /// The user set their own password (a one-time one an administrator set, or their own).
    #[strum(serialize = "user.change_password")]
    ChangeOwnPassword,
    /// Roles an administrator granted that read case records, waiting for confirmation.
    #[strum(serialize = "role_grant.request")]
    RequestRoleGrant,
    #[strum(serialize = "role_grant.list")]
    ListRoleGrants,
    #[strum(serialize = "role_grant.read")]
    ReadRoleGrant,
    /// A second person confirmed roles an administrator granted; they take effect.
    #[strum(serialize = "role_grant.confirm")]
    ConfirmRoleGrant,
    #[strum(serialize = "role_grant.decline")]
    DeclineRoleGrant,
    /// Access to a family outside the actor's scope (break glass); the entity is the family,
    /// the detail the request's id, its reason and when it expires.
    #[strum(serialize = "family.access_request")]
    RequestFamilyAccess,
    /// Such access ended early; the detail names the request.
    #[strum(serialize = "family.access_end")]
    EndFamilyAccess,
    #[strum(serialize = "family.access_requests")]
    ListFamilyAccess,
    #[strum(serialize = "organisation.list")]
    ListOrganisations,
    #[strum(serialize = "organisation.read")]
    ReadOrganisation,
    #[strum(serialize = "organisation.create")]
    CreateOrganisation,
    #[strum(serialize = "organisation.update")]
    UpdateOrganisation,
    #[strum(serialize = "locality.list")]
    ListLocalities,
    #[strum(serialize = "locality.read")]
    ReadLocality,
    #[strum(serialize = "locality.create")]
    CreateLocality,
    #[strum(serialize = "locality.update")]
    UpdateLocality,
    /// A case user read a locality's LCSS and MASH contacts.
    #[strum(serialize = "locality.contacts")]
    ReadLocalityContacts,
    /// A case user searched the organisations of the professional directory.
    #[strum(serialize = "directory.organisations")]
    SearchOrganisations,
    /// A case user searched the professionals of the directory.
    #[strum(serialize = "directory.professionals")]
    SearchProfessionals,
    #[strum(serialize = "family.list")]
    ListFamilies,
    #[strum(serialize = "family.read")]
    ReadFamily,
    #[strum(serialize = "family.create")]
    CreateFamily,
    #[strum(serialize = "family.update")]
    UpdateFamily,
    #[strum(serialize = "family.duplicate_check")]
    CheckDuplicates,
    /// A case record that exists was refused to the actor (404 outside their scope, 403
    /// without the permission): who tried to reach a child's record is on the trail too.
    #[strum(serialize = "case.access_denied")]
    DenyCaseAccess,
    #[strum(serialize = "taf.create")]
    CreateTaf,
    #[strum(serialize = "taf.read")]
    ReadTaf,
    #[strum(serialize = "taf.add_member")]
    AddTafMember,
    #[strum(serialize = "taf.end_member")]
    EndTafMember,
    #[strum(serialize = "taf.list_members")]
    ListTafMembers,
    /// A list of teams; the detail holds the family ids shown.
    #[strum(serialize = "taf.list")]
    ListTafs,
    #[strum(serialize = "taf.close")]
    CloseTaf,
    #[strum(serialize = "step_up.raise")]
    RaiseStepUp,
    #[strum(serialize = "step_up.read")]
    ReadStepUp,
    /// A list of step-ups; the detail holds the family ids shown.
    #[strum(serialize = "step_up.list")]
    ListStepUps,
    #[strum(serialize = "step_up.decide")]
    DecideStepUp,
    #[strum(serialize = "step_down.record")]
    RecordStepDown,
    #[strum(serialize = "step_down.read")]
    ReadStepDown,
    /// A list of step-downs; the detail holds the family ids shown.
    #[strum(serialize = "step_down.list")]
    ListStepDowns,
    #[strum(serialize = "step_down.allocate")]
    AllocateStepDown,
    #[strum(serialize = "step_down.accept")]
    AcceptStepDown,
    #[strum(serialize = "step_down.decline")]
    DeclineStepDown,
    #[strum(serialize = "consultation.record")]
    RecordConsultation,
    #[strum(serialize = "consultation.read")]
    ReadConsultation,
    #[strum(serialize = "consultation.list")]
    ListConsultations,
    #[strum(serialize = "consultation.link")]
    LinkConsultation,
    #[strum(serialize = "consultation.follow_up")]
    FollowUpConsultation,
    #[strum(serialize = "consultation_request.create")]
    RequestConsultation,
    #[strum(serialize = "consultation_request.read")]
    ReadConsultationRequest,
    #[strum(serialize = "consultation_request.list")]
    ListConsultationRequests,
    /// A report read or exported; the detail names the report, its grouping, period, format
    /// and whether it was prepared for publication.
    #[strum(serialize = "report.export")]
    ExportReport,
    #[strum(serialize = "report.settings_read")]
    ReadReportSettings,
    #[strum(serialize = "report.settings_update")]
    UpdateReportSettings,
    /// The audit trail queried; the detail holds the filters and the format.
    #[strum(serialize = "audit.query")]
    QueryAuditTrail,
    /// Who accessed one person's record, read (the entity is the person).
    #[strum(serialize = "audit.access_log")]
    ReadAccessLog,
    /// Everything held about a person exported for a subject access request (the entity is
    /// the person; an export from the command line names no actor).
    #[strum(serialize = "person.subject_access_export")]
    ExportSubjectAccess,
    /// A record's personal content erased (retention, or created in error); the detail names
    /// the reason and rule. Its tombstone stays.
    #[strum(serialize = "record.erase")]
    EraseRecord,
    /// A legal hold placed on a record, or lifted (the detail says which).
    #[strum(serialize = "record.legal_hold")]
    SetLegalHold,
    /// A person's earlier records (before each correction), read.
    #[strum(serialize = "person.history")]
    ReadPersonHistory,
    /// The signed-in user's work list; the detail holds the family ids shown.
    #[strum(serialize = "work.list")]
    ListWork,
    #[strum(serialize = "meeting.schedule")]
    ScheduleMeeting,
    #[strum(serialize = "meeting.list")]
    ListMeetings,
    #[strum(serialize = "meeting.read")]
    ReadMeeting,
    #[strum(serialize = "meeting.update")]
    UpdateMeeting,
    #[strum(serialize = "meeting.finalise")]
    FinaliseMeeting,
    /// LCSS's list of finalised minutes received; the detail holds the meeting ids shown.
    #[strum(serialize = "meeting.list_received")]
    ListReceivedMinutes,
    #[strum(serialize = "meeting.acknowledge")]
    AcknowledgeMeeting,
    #[strum(serialize = "action.list")]
    ListActions,
    #[strum(serialize = "action.update")]
    UpdateAction,
    /// A new person matched someone recorded outside the actor's view: the actor was told only
    /// which LCSS to contact, and the match was kept for that LCSS.
    #[strum(serialize = "person.known_elsewhere")]
    RecordKnownElsewhere,
    /// The LCSS listed the matches on its locality's records.
    #[strum(serialize = "person.known_elsewhere_list")]
    ListKnownElsewhere,
    #[strum(serialize = "person.create")]
    AddPerson,
    #[strum(serialize = "person.read")]
    ReadPerson,
    #[strum(serialize = "person.update")]
    UpdatePerson,
    #[strum(serialize = "person.relate")]
    AddRelationship,
    #[strum(serialize = "consent.list")]
    ListConsents,
    #[strum(serialize = "consent.create")]
    RecordConsent,
    #[strum(serialize = "consent.withdraw")]
    WithdrawConsent,
    #[strum(serialize = "episode.list")]
    ListEpisodes,
    #[strum(serialize = "episode.read")]
    ReadEpisode,
    #[strum(serialize = "episode.open")]
    OpenEpisode,
    #[strum(serialize = "episode.change_threshold")]
    ChangeThreshold,
    #[strum(serialize = "episode.propose_transfer")]
    ProposeTransfer,
    #[strum(serialize = "episode.accept_transfer")]
    AcceptTransfer,
    #[strum(serialize = "episode.close")]
    CloseEpisode,
    #[strum(serialize = "form_template.list")]
    ListFormTemplates,
    #[strum(serialize = "form_template.publish")]
    PublishFormTemplate,
    #[strum(serialize = "assessment.create")]
    StartAssessment,
    #[strum(serialize = "assessment.read")]
    ReadAssessment,
    #[strum(serialize = "assessment.update")]
    UpdateAssessment,
    #[strum(serialize = "assessment.submit")]
    SubmitAssessment,
    #[strum(serialize = "assessment.list_revisions")]
    ListRevisions,
    #[strum(serialize = "review.list")]
    ListReviews,
    #[strum(serialize = "review.read")]
    ReadReview,
    #[strum(serialize = "review.assign")]
    AssignReview,
    #[strum(serialize = "review.claim")]
    ClaimReview,
    #[strum(serialize = "review.decide")]
    DecideReview,
    #[strum(serialize = "feedback.read")]
    ReadFeedback,
    #[strum(serialize = "chronology.read")]
    ReadChronology,
}

impl AuditAction {
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
pub enum Outcome {
    /// The action happened.
    Success,
    /// The policy refused the action.
    Denied,
    /// The action was attempted and failed (a wrong password, a spent refresh token).
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What happened in a family's early help, as its chronology names it. An enum beside
/// [`AuditAction`] so the chronology, like the audit trail, uses a closed set of names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum ChronologyKind {
    #[strum(serialize = "family.created")]
    FamilyCreated,
    #[strum(serialize = "family.member_added")]
    MemberAdded,
    #[strum(serialize = "consent.given")]
    ConsentGiven,
    #[strum(serialize = "consent.withdrawn")]
    ConsentWithdrawn,
    #[strum(serialize = "episode.opened")]
    EpisodeOpened,
    #[strum(serialize = "episode.threshold_changed")]
    ThresholdChanged,
    #[strum(serialize = "episode.transfer_proposed")]
    TransferProposed,
    #[strum(serialize = "episode.transferred")]
    Transferred,
    #[strum(serialize = "episode.closed")]
    EpisodeClosed,
    #[strum(serialize = "assessment.started")]
    AssessmentStarted,
    #[strum(serialize = "assessment.submitted")]
    AssessmentSubmitted,
    #[strum(serialize = "assessment.accepted")]
    AssessmentAccepted,
    #[strum(serialize = "assessment.returned")]
    AssessmentReturned,
    #[strum(serialize = "taf.formed")]
    TafFormed,
    #[strum(serialize = "taf.member_added")]
    TafMemberAdded,
    #[strum(serialize = "taf.member_ended")]
    TafMemberEnded,
    #[strum(serialize = "taf.meeting_scheduled")]
    MeetingScheduled,
    #[strum(serialize = "taf.minutes_finalised")]
    MinutesFinalised,
    #[strum(serialize = "taf.minutes_acknowledged")]
    MinutesAcknowledged,
    #[strum(serialize = "taf.action_done")]
    ActionDone,
    #[strum(serialize = "taf.action_dropped")]
    ActionDropped,
    #[strum(serialize = "taf.closed")]
    TafClosed,
    #[strum(serialize = "step_up.requested")]
    StepUpRequested,
    #[strum(serialize = "step_up.accepted")]
    StepUpAccepted,
    #[strum(serialize = "step_up.not_accepted")]
    StepUpNotAccepted,
    #[strum(serialize = "step_down.recorded")]
    StepDownRecorded,
    #[strum(serialize = "step_down.allocated")]
    StepDownAllocated,
    #[strum(serialize = "step_down.declined")]
    StepDownDeclined,
    #[strum(serialize = "step_down.accepted")]
    StepDownAccepted,
    #[strum(serialize = "consultation.linked")]
    ConsultationLinked,
    #[strum(serialize = "consultation.advice")]
    AdviceConsultation,
}

impl ChronologyKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod variant_names {
    use super::*;
    use strum::VariantNames;

    #[test]
    fn the_listed_names_are_the_names_entries_carry() {
        assert!(AuditAction::VARIANTS.contains(&AuditAction::QueryAuditTrail.as_str()));
        assert!(AuditAction::VARIANTS.contains(&"family.read"));
        assert!(EntityType::VARIANTS.contains(&EntityType::AuditTrail.as_str()));
        for name in AuditAction::VARIANTS {
            assert_eq!(
                name.parse::<AuditAction>().map(AuditAction::as_str),
                Ok(*name)
            );
        }
    }
}
