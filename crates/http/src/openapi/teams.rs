//! Schema-only types of Teams Around the Family, their meetings and plans, the work list,
//! step-ups and consultations, re-exported by [`super::case`], which registers them (and whose
//! test checks their code lists against the domain's).

#![allow(dead_code)] // Schema-only types: never built, only described.

use crate::openapi::case::problem;
use serde::Deserialize;
use utoipa::openapi::response::Response;
use utoipa::openapi::RefOr;
use utoipa::{ToResponse, ToSchema};

// ---------------------------------------------------------------------------------------------
// Teams Around the Family

/// `professional`: a professional with an account, who reads the family's record while a
/// member. `external`: a professional without an account. `family`: a member of the family.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum TafMemberKind {
    Professional,
    External,
    Family,
}

/// A meeting's state. `scheduled`: planned or held, its minutes being written. `finalised`: the
/// minutes are final and with the locality LCSS. `acknowledged`: LCSS has acknowledged them.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum MeetingState {
    Scheduled,
    Finalised,
    Acknowledged,
}

/// An action's status: `open`, or closed for good as `done` or `dropped`.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    Done,
    Dropped,
}

/// Someone at (or sending apologies to) a meeting: a team member, or someone without a
/// membership.
#[derive(ToSchema, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum MinutesParticipant {
    Member {
        /// A member of the team.
        member_id: uuid::Uuid,
    },
    Guest {
        /// 1 to 100 characters on one line.
        #[schema(min_length = 1, max_length = 100)]
        name: String,
        /// 1 to 200 characters on one line.
        #[schema(min_length = 1, max_length = 200)]
        organisation: String,
    },
}

/// An action agreed at the meeting; it joins the team's plan when the minutes are finalised.
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinutesAction {
    /// What is to be done: 1 to 1000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    description: String,
    /// The team member who owns it (active when the minutes are finalised).
    owner_member_id: uuid::Uuid,
    due_on: chrono::NaiveDate,
}

/// A meeting's minutes. While the meeting is scheduled any part may be missing; to finalise,
/// `attendees` (at least one), the five texts and `next_review_on` are required. Texts are at
/// most 4000 characters, line breaks allowed; lists at most 50 entries. In a save, a part set
/// to `null` is removed and a list replaces the stored one whole (JSON merge patch).
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Minutes {
    #[schema(max_items = 50)]
    attendees: Option<Vec<MinutesParticipant>>,
    #[schema(max_items = 50)]
    apologies: Option<Vec<MinutesParticipant>>,
    /// Members of the family present.
    #[schema(max_items = 50)]
    family_present: Option<Vec<uuid::Uuid>>,
    /// The child's views, in their words where possible.
    #[schema(max_length = 4000)]
    child_views: Option<String>,
    #[schema(max_length = 4000)]
    family_views: Option<String>,
    #[schema(max_length = 4000)]
    working_well: Option<String>,
    #[schema(max_length = 4000)]
    worries: Option<String>,
    #[schema(max_length = 4000)]
    decisions: Option<String>,
    #[schema(max_items = 50)]
    actions: Option<Vec<MinutesAction>>,
    /// When the team next reviews the plan.
    next_review_on: Option<chrono::NaiveDate>,
}

/// 409 `meeting_state`.
pub struct MeetingStateConflict;

impl<'r> ToResponse<'r> for MeetingStateConflict {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "MeetingState",
            problem(
                "The meeting cannot change in its state (`meeting_state`; the detail names it): \
                 finalised minutes are immutable, and only finalised minutes are acknowledged.",
            ),
        )
    }
}

/// A team's state: `open` while it works the plan; `closed` for good, with its outcomes.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum TafState {
    Open,
    Closed,
}

/// How far a planned outcome was achieved.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Achievement {
    Achieved,
    PartlyAchieved,
    NotAchieved,
}

/// What follows a closed team: `universal_services` (needs met), `another_service`, or
/// `step_up` to Children's Social Care.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum NextStep {
    UniversalServices,
    AnotherService,
    StepUp,
}

/// What a work-list item asks. `assessment_draft`: finish a form you lead.
/// `assessment_returned`: amend a form LCSS returned. `transfer_to_accept`: accept (or not)
/// leading an episode. `taf_review_due` / `taf_review_overdue`: a team you lead reviews within a
/// fortnight / is past its review date. `taf_to_close`: record the outcomes of a team whose
/// episode closed. `minutes_to_finalise`: a held meeting's minutes. `action_open` /
/// `action_overdue`: an action you own. `review_assigned`, `review_unassigned`: LCSS reviews.
/// `minutes_received`: LCSS, minutes to acknowledge. `step_up_to_decide`: social care, a
/// step-up request. `step_up_decided`: social care decided a step-up you raised or lead (or,
/// for LCSS, of your locality) in the last 30 days. `step_down_to_allocate`: LCSS, a step-down
/// to your locality waiting for a lead professional. `step_down_to_accept`: a step-down
/// allocated to you. `step_down_overdue`: LCSS and social care, a step-down past its due date
/// with no accepted lead or no submitted form. `consultation_requested`: LCSS, a request for a
/// No Names Consultation to your locality. `consultation_answered`: LCSS answered your request
/// in the last 30 days. `consultation_follow_up`: LCSS, a No Names Consultation you recorded
/// whose follow-up falls within a week or has passed. `role_grant_to_confirm`: an LCSS manager
/// of the account's locality or a manager of its organisation, roles an administrator granted
/// to confirm or decline. `access_granted`: someone holds access outside their scope to a
/// family you lead or (LCSS managers) of your locality; its due date is when it expires.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum WorkKind {
    AssessmentDraft,
    AssessmentReturned,
    TransferToAccept,
    TafReviewDue,
    TafReviewOverdue,
    TafToClose,
    MinutesToFinalise,
    ActionOpen,
    ActionOverdue,
    ReviewAssigned,
    ReviewUnassigned,
    MinutesReceived,
    StepUpToDecide,
    StepUpDecided,
    StepDownToAllocate,
    StepDownToAccept,
    StepDownOverdue,
    ConsultationRequested,
    ConsultationAnswered,
    ConsultationFollowUp,
    RoleGrantToConfirm,
    AccessGranted,
}

/// A step-up's state: `requested` (with social care), `accepted` for statutory assessment,
/// or `not_accepted` (early help continues, with advice).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum StepUpState {
    Requested,
    Accepted,
    NotAccepted,
}

/// Social care's decision on a step-up.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum StepUpDecision {
    Accepted,
    NotAccepted,
}

/// What a consultation is about.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ConcernTheme {
    EmotionalWellbeing,
    Attendance,
    Behaviour,
    Parenting,
    DomesticAbuse,
    Neglect,
    SubstanceMisuse,
    Housing,
    Finances,
    Send,
    Exploitation,
    Other,
}

/// What a consultation advised: `seek_consent` for an Early Help Assessment, `refer_to_mash`,
/// `signpost` to a named service, `universal_services` only, or `no_further_action`.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ConsultationOutcome {
    SeekConsent,
    ReferToMash,
    Signpost,
    UniversalServices,
    NoFurtherAction,
}

// ---------------------------------------------------------------------------------------------
// Step-downs

/// How an episode began: `early_help` (opened by a professional) or `step_down` (accepted from
/// Children's Social Care).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum EpisodeOrigin {
    EarlyHelp,
    StepDown,
}

/// Where a step-down comes from: `case_closure` (a social care case closed with census reason
/// RC9, "Case closed after assessment, referred to early help") or `mash_contact` (a MASH
/// contact whose outcome is that an Early Help Assessment is needed).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum StepDownSource {
    CaseClosure,
    MashContact,
}

/// A step-down's state: `awaiting_allocation` (with the receiving locality's LCSS),
/// `allocated` (waiting for the lead professional to accept or decline) or `accepted` (an
/// early help episode is open).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum StepDownState {
    AwaitingAllocation,
    Allocated,
    Accepted,
}

/// A lead professional's answer to an allocation: `accepted`, `declined` (with the reason) or
/// `withdrawn` (LCSS allocated someone else first).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AllocationAnswer {
    Accepted,
    Declined,
    Withdrawn,
}

/// A request for a No Names Consultation: `requested` (with LCSS) or `completed` (LCSS
/// recorded the consultation that answers it).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ConsultationRequestState {
    Requested,
    Completed,
}

// ---------------------------------------------------------------------------------------------
// Reports

/// How the caseload report groups: `lead_professional` (each lead's open episodes, one row
/// each), `organisation`, `organisation_kind`, `locality`, `county`, or `reviewer` (the LCSS
/// review queues).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum CaseloadBy {
    LeadProfessional,
    Organisation,
    OrganisationKind,
    Locality,
    County,
    Reviewer,
}

/// What a report column holds.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ReportColumnKind {
    Text,
    Count,
    Share,
    Measure,
    Date,
}
