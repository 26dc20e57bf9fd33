use earlyhelp_domain::assessment::AssessmentState;
use earlyhelp_domain::audit::*;
use earlyhelp_domain::directory::OrganisationKind;
use earlyhelp_domain::episode::*;
use earlyhelp_domain::forms::FieldKind;
use earlyhelp_domain::person::*;
use earlyhelp_domain::review::*;
use earlyhelp_domain::step_down::{AllocationAnswer, StepDownSource, StepDownState};
use earlyhelp_domain::taf::{ActionStatus, MeetingState};
use earlyhelp_domain::Role;

/// Every name an enum is stored, sent or parsed by, and every message an unknown name is refused
/// with: rows, audit entries and 422 field messages depend on them, so a change to a derive
/// that renames anything fails here. `names.txt` is the record of them.
#[test]
fn every_enum_keeps_its_names_and_messages() {
    let mut out = String::new();
    macro_rules! line { ($($t:tt)*) => { out.push_str(&format!($($t)*)); out.push('\n'); } }
    for r in Role::ALL {
        line!(
            "role {} {} {:?}",
            r.as_str(),
            r,
            serde_json::to_string(&r).unwrap()
        );
    }
    line!("role err {}", "x".parse::<Role>().unwrap_err());
    for k in OrganisationKind::ALL {
        line!(
            "ok {} {} {:?}",
            k.as_str(),
            k,
            serde_json::to_string(&k).unwrap()
        );
    }
    line!("ok err {}", "x".parse::<OrganisationKind>().unwrap_err());
    for c in ClosureReason::ALL {
        line!(
            "cr {} {} {:?}",
            c.as_str(),
            c,
            ClosureReason::parse(c.as_str())
        );
    }
    line!("cr err {:?}", ClosureReason::parse("x"));
    for s in [EpisodeState::Open, EpisodeState::Closed] {
        line!("es {} {:?}", s.as_str(), EpisodeState::parse(s.as_str()));
    }
    line!("es err {:?}", EpisodeState::parse("x"));
    for s in AssessmentState::ALL {
        line!("as {} {:?}", s.as_str(), AssessmentState::parse(s.as_str()));
    }
    line!("as err {:?}", AssessmentState::parse("x"));
    for s in ReviewState::ALL {
        line!("rs {} {:?}", s.as_str(), ReviewState::parse(s.as_str()));
    }
    for s in MeetingState::ALL {
        line!("ms {} {:?}", s.as_str(), s.as_str().parse::<MeetingState>());
    }
    for s in ActionStatus::ALL {
        line!(
            "ast {} {:?}",
            s.as_str(),
            s.as_str().parse::<ActionStatus>()
        );
    }
    for c in Criterion::ALL {
        line!(
            "crit {} {:?}",
            c.as_str(),
            serde_json::to_string(&c).unwrap()
        );
    }
    for s in Sex::ALL {
        line!("sex {} {} {:?}", s.as_str(), s, s.as_str().parse::<Sex>());
    }
    line!("sex err {}", "x".parse::<Sex>().unwrap_err());
    for s in Ethnicity::ALL {
        line!(
            "eth {} {} {:?}",
            s.as_str(),
            s,
            s.as_str().parse::<Ethnicity>()
        );
    }
    line!("eth err {}", "x".parse::<Ethnicity>().unwrap_err());
    for s in Disability::ALL {
        line!(
            "dis {} {} {:?}",
            s.as_str(),
            s,
            s.as_str().parse::<Disability>()
        );
    }
    line!("dis err {}", "x".parse::<Disability>().unwrap_err());
    for s in MemberKind::ALL {
        line!(
            "mk {} {} {:?}",
            s.as_str(),
            s,
            serde_json::to_string(&s).unwrap()
        );
    }
    line!("mk err {}", "x".parse::<MemberKind>().unwrap_err());
    for s in RelationshipKind::ALL {
        line!(
            "rk {} {} {:?}",
            s.as_str(),
            s,
            serde_json::to_string(&s).unwrap()
        );
    }
    line!("rk err {}", "x".parse::<RelationshipKind>().unwrap_err());
    for k in [
        FieldKind::Text,
        FieldKind::LongText,
        FieldKind::Date,
        FieldKind::Boolean,
        FieldKind::Integer,
        FieldKind::Select,
        FieldKind::MultiSelect,
        FieldKind::List,
    ] {
        line!("fk {} {}", k.as_str(), k);
    }
    for e in [
        EntityType::User,
        EntityType::Session,
        EntityType::Organisation,
        EntityType::Locality,
        EntityType::Family,
        EntityType::Person,
        EntityType::Consent,
        EntityType::Episode,
        EntityType::FormTemplate,
        EntityType::Assessment,
        EntityType::Revision,
        EntityType::Review,
        EntityType::Chronology,
        EntityType::Professional,
        EntityType::Taf,
        EntityType::Meeting,
        EntityType::Action,
        EntityType::StepUp,
        EntityType::StepDown,
        EntityType::Consultation,
        EntityType::ConsultationRequest,
        EntityType::Report,
        EntityType::AuditTrail,
        EntityType::RoleGrant,
    ] {
        line!("et {}", e.as_str());
    }
    for o in [Outcome::Success, Outcome::Denied, Outcome::Failure] {
        line!("oc {}", o.as_str());
    }
    use AuditAction::*;
    for a in [
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
        ReadLocalityContacts,
        SearchOrganisations,
        SearchProfessionals,
        ListFamilies,
        ReadFamily,
        CreateFamily,
        UpdateFamily,
        CheckDuplicates,
        DenyCaseAccess,
        CreateTaf,
        ReadTaf,
        AddTafMember,
        EndTafMember,
        ListTafMembers,
        ListTafs,
        CloseTaf,
        RaiseStepUp,
        ReadStepUp,
        ListStepUps,
        DecideStepUp,
        RecordStepDown,
        ReadStepDown,
        ListStepDowns,
        AllocateStepDown,
        AcceptStepDown,
        DeclineStepDown,
        RecordConsultation,
        ReadConsultation,
        ListConsultations,
        LinkConsultation,
        FollowUpConsultation,
        RequestConsultation,
        ReadConsultationRequest,
        ListConsultationRequests,
        ExportReport,
        ReadReportSettings,
        UpdateReportSettings,
        QueryAuditTrail,
        ReadAccessLog,
        ExportSubjectAccess,
        ReadPersonHistory,
        EraseRecord,
        SetLegalHold,
        ChangeOwnPassword,
        RequestRoleGrant,
        ListRoleGrants,
        ReadRoleGrant,
        ConfirmRoleGrant,
        DeclineRoleGrant,
        RequestFamilyAccess,
        EndFamilyAccess,
        ListFamilyAccess,
        ListWork,
        ScheduleMeeting,
        ListMeetings,
        ReadMeeting,
        UpdateMeeting,
        FinaliseMeeting,
        ListReceivedMinutes,
        AcknowledgeMeeting,
        ListActions,
        UpdateAction,
        RecordKnownElsewhere,
        ListKnownElsewhere,
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
    ] {
        line!("aa {:?} {}", a, a.as_str());
    }
    for k in [
        ChronologyKind::FamilyCreated,
        ChronologyKind::MemberAdded,
        ChronologyKind::ConsentGiven,
        ChronologyKind::ConsentWithdrawn,
        ChronologyKind::EpisodeOpened,
        ChronologyKind::ThresholdChanged,
        ChronologyKind::TransferProposed,
        ChronologyKind::Transferred,
        ChronologyKind::EpisodeClosed,
        ChronologyKind::AssessmentStarted,
        ChronologyKind::AssessmentSubmitted,
        ChronologyKind::AssessmentAccepted,
        ChronologyKind::AssessmentReturned,
        ChronologyKind::TafFormed,
        ChronologyKind::TafMemberAdded,
        ChronologyKind::TafMemberEnded,
        ChronologyKind::MeetingScheduled,
        ChronologyKind::MinutesFinalised,
        ChronologyKind::MinutesAcknowledged,
        ChronologyKind::ActionDone,
        ChronologyKind::ActionDropped,
        ChronologyKind::TafClosed,
        ChronologyKind::StepUpRequested,
        ChronologyKind::StepUpAccepted,
        ChronologyKind::StepUpNotAccepted,
        ChronologyKind::StepDownRecorded,
        ChronologyKind::StepDownAllocated,
        ChronologyKind::StepDownDeclined,
        ChronologyKind::StepDownAccepted,
        ChronologyKind::ConsultationLinked,
        ChronologyKind::AdviceConsultation,
    ] {
        line!(
            "ck {:?} {} {:?}",
            k,
            k.as_str(),
            k.as_str().parse::<ChronologyKind>()
        );
    }
    if let Ok(path) = std::env::var("EARLYHELP_WRITE_NAMES") {
        std::fs::write(path, &out).unwrap();
    }
    assert_eq!(out, include_str!("names.txt"));
}

/// Responses render states and kinds with `to_string()`: it must be the stored name.
#[test]
fn every_enum_displays_as_its_stored_name() {
    fn same<T: std::fmt::Display + Copy>(values: &[T], name: fn(T) -> &'static str) {
        for value in values {
            assert_eq!(value.to_string(), name(*value));
        }
    }
    same(
        &[EpisodeState::Open, EpisodeState::Closed],
        EpisodeState::as_str,
    );
    same(&AssessmentState::ALL, AssessmentState::as_str);
    same(&ReviewState::ALL, ReviewState::as_str);
    same(&ClosureReason::ALL, ClosureReason::as_str);
    same(&OrganisationKind::ALL, OrganisationKind::as_str);
    same(&Role::ALL, Role::as_str);
    same(&Sex::ALL, Sex::as_str);
    same(&MemberKind::ALL, MemberKind::as_str);
    same(&RelationshipKind::ALL, RelationshipKind::as_str);
    same(&EpisodeOrigin::ALL, EpisodeOrigin::as_str);
    same(&StepDownState::ALL, StepDownState::as_str);
    same(&StepDownSource::ALL, StepDownSource::as_str);
    same(&AllocationAnswer::ALL, AllocationAnswer::as_str);
    same(
        &[Outcome::Success, Outcome::Denied, Outcome::Failure],
        Outcome::as_str,
    );
    same(
        &[
            ChronologyKind::FamilyCreated,
            ChronologyKind::EpisodeClosed,
            ChronologyKind::AssessmentReturned,
        ],
        ChronologyKind::as_str,
    );
    same(
        &[AuditAction::Login, AuditAction::ReadChronology],
        AuditAction::as_str,
    );
    same(
        &[EntityType::FormTemplate, EntityType::Professional],
        EntityType::as_str,
    );
}
