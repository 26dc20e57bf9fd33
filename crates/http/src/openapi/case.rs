//! Case records: families, people, consents, chronology, episodes, forms and reviews.
//!
//! The operations are the handlers' `#[utoipa::path]`s and the schemas their wire types. What
//! the wire types carry as plain strings, JSON values or maps (code lists, checked text, form
//! content, ratings) is described by the schema-only types below, which the wire types name
//! with `#[schema(value_type = ...)]`; a test checks the code lists against the domain's.

#![allow(dead_code)] // Schema-only types: never built, only described.

use crate::handlers::{
    access_requests, actions, activity_reports, assessments, chronology, consents,
    consultation_requests, consultations, episode_transitions, episodes, erasure, families,
    feedback, governance, known_elsewhere, meetings, people, performance_reports, reports,
    review_reports, reviews, step_down_answers, step_downs, step_ups, taf_reviews, tafs, work,
};
use crate::openapi::values::{custom_format, string, value_schemas};
use crate::openapi::{patterns, responses};
use earlyhelp_domain::person::PersonName as DomainPersonName;
use serde_json::json;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{ContentBuilder, KnownFormat, Ref, RefOr};
use utoipa::{OpenApi, PartialSchema, ToResponse, ToSchema};

pub use crate::openapi::assessments::*;
pub use crate::openapi::teams::*;

#[derive(OpenApi)]
#[openapi(
    paths(
        families::list_families,
        families::create_family,
        families::get_family,
        families::update_family,
        access_requests::request_family_access,
        access_requests::list_family_access_requests,
        access_requests::get_access_request,
        access_requests::end_access_request,
        erasure::erase_family,
        people::add_member,
        people::add_relationship,
        consents::list_consents,
        consents::record_consent,
        chronology::get_chronology,
        people::get_person,
        people::get_person_history,
        people::update_person,
        consents::withdraw_consent,
        known_elsewhere::list_known_elsewhere,
        episodes::list_episodes,
        episodes::open_episode,
        episodes::get_episode,
        episode_transitions::change_threshold,
        episode_transitions::propose_transfer,
        episode_transitions::accept_transfer,
        episode_transitions::close_episode,
        assessments::start_assessment,
        assessments::get_assessment,
        assessments::update_assessment,
        assessments::submit_assessment,
        assessments::list_revisions,
        reviews::list_reviews,
        reviews::get_review,
        reviews::assign_review,
        reviews::decide_review,
        feedback::professional_feedback,
        feedback::organisation_feedback,
        tafs::form_taf,
        tafs::get_episode_taf,
        tafs::get_taf,
        tafs::add_taf_member,
        tafs::end_taf_member,
        tafs::list_taf_members,
        taf_reviews::close_taf,
        taf_reviews::list_tafs,
        work::get_work,
        step_ups::raise_step_up,
        step_ups::list_step_ups,
        step_ups::get_step_up,
        step_ups::decide_step_up,
        reports::caseload_report,
        reports::annex_a_report,
        activity_reports::step_transitions_report,
        activity_reports::consultations_report,
        activity_reports::taf_report,
        activity_reports::episode_durations_report,
        review_reports::review_turnaround_report,
        review_reports::feedback_quality_report,
        performance_reports::performance_report,
        performance_reports::get_report_settings,
        performance_reports::set_report_settings,
        governance::search_audit,
        governance::person_access_log,
        governance::subject_access_export,
        consultation_requests::request_consultation,
        consultation_requests::list_consultation_requests,
        consultation_requests::get_consultation_request,
        consultation_requests::follow_up_consultation,
        step_downs::record_step_down,
        step_downs::list_step_downs,
        step_downs::get_step_down,
        step_down_answers::allocate_step_down,
        step_down_answers::accept_step_down,
        step_down_answers::decline_step_down,
        consultations::record_no_names_consultation,
        consultations::list_no_names_consultations,
        consultations::get_no_names_consultation,
        consultations::link_no_names_consultation,
        consultations::record_advice_consultation,
        consultations::list_advice_consultations,
        meetings::schedule_meeting,
        meetings::list_meetings,
        meetings::list_received_minutes,
        meetings::get_meeting,
        meetings::update_meeting,
        meetings::finalise_meeting,
        meetings::acknowledge_meeting,
        actions::list_actions,
        actions::update_action,
    ),
    components(
        schemas(
            Sex,
            Ethnicity,
            Disability,
            MemberKind,
            RelationshipKind,
            PersonName,
            Postcode,
            NhsNumber,
            Upn,
            StoredPostcode,
            StoredNhsNumber,
            StoredUpn,
            ConsentMethod,
            ChronologyEntityType,
            EpisodeState,
            ThresholdLevel,
            ClosureReason,
            RequiredText4000,
            OptionalLine200,
            OptionalLine1000,
            SingleLine200,
            OptionalText1000,
            OptionalText2000,
            OptionalText4000,
            ConsentDate,
            IfMatch,
            AssessmentState,
            FormContent,
            FormContentPatch,
            ReviewState,
            ReviewOutcome,
            Decision,
            Rating,
            CriterionRating,
            Ratings,
            CriterionRatingInput,
            RatingsInput,
            RatingComment,
            ReviewFeedback,
            CriteriaCounts,
            TafMemberKind,
            MeetingState,
            ActionStatus,
            MinutesParticipant,
            MinutesAction,
            Minutes,
            TafState,
            Achievement,
            NextStep,
            WorkKind,
            StepUpState,
            StepUpDecision,
            EpisodeOrigin,
            StepDownSource,
            StepDownState,
            AllocationAnswer,
            ConcernTheme,
            ConsultationOutcome,
            ConsultationRequestState,
            CaseloadBy,
            ReportColumnKind,
        ),
        responses(EpisodeClosed, AssessmentStateConflict, MeetingStateConflict),
    )
)]
pub struct Api;

// ---------------------------------------------------------------------------------------------
// Problem responses of the case operations, beside the shared ones of `responses`.

/// A problem response: `description`, the problem document and the `X-Request-Id` header, as
/// the shared ones in [`responses`].
pub(crate) fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .header(responses::REQUEST_ID, responses::request_id_header())
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

/// 409 `episode_closed`.
pub struct EpisodeClosed;

impl<'r> ToResponse<'r> for EpisodeClosed {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "EpisodeClosed",
            problem("The episode is closed (`episode_closed`); closing is final."),
        )
    }
}

/// 409 `assessment_state`.
pub struct AssessmentStateConflict;

impl<'r> ToResponse<'r> for AssessmentStateConflict {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "AssessmentState",
            problem(
                "The form cannot change in its state (`assessment_state`): it is with LCSS for \
                 review, or accepted and complete.",
            ),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// People

/// Sex as the Children in Need census records it. `U` is not known, and always so for an
/// unborn child.
#[derive(ToSchema)]
pub enum Sex {
    M,
    F,
    U,
}

/// The DfE ethnicity code of the Children in Need census. `WBRI` White British, `WIRI` White
/// Irish, `WIRT` Traveller of Irish heritage, `WOTH` any other White background, `WROM`
/// Gypsy/Roma, `MWBC` White and Black Caribbean, `MWBA` White and Black African, `MWAS` White
/// and Asian, `MOTH` any other mixed background, `AIND` Indian, `APKN` Pakistani, `ABAN`
/// Bangladeshi, `AOTH` any other Asian background, `BCRB` Black Caribbean, `BAFR` Black
/// African, `BOTH` any other Black background, `CHNE` Chinese, `OOTH` any other ethnic group,
/// `REFU` information refused, `NOBT` information not yet obtained.
#[derive(ToSchema)]
#[schema(rename_all = "UPPERCASE")]
pub enum Ethnicity {
    Wbri,
    Wiri,
    Wirt,
    Woth,
    Wrom,
    Mwbc,
    Mwba,
    Mwas,
    Moth,
    Aind,
    Apkn,
    Aban,
    Aoth,
    Bcrb,
    Bafr,
    Both,
    Chne,
    Ooth,
    Refu,
    Nobt,
}

/// The DfE disability code of the Children in Need census. `NONE` no disability, `MOB`
/// mobility, `HAND` hand function, `PC` personal care, `INC` incontinence, `COMM`
/// communication, `LD` learning, `HEAR` hearing, `VIS` vision, `BEH` behaviour, `CON`
/// consciousness (seizures), `AUT` autism or Asperger syndrome (diagnosed), `DDA` other
/// disability.
#[derive(ToSchema)]
#[schema(rename_all = "UPPERCASE")]
pub enum Disability {
    None,
    Mob,
    Hand,
    Pc,
    Inc,
    Comm,
    Ld,
    Hear,
    Vis,
    Beh,
    Con,
    Aut,
    Dda,
}

/// A child (born or unborn), the subject of early help, or an adult in their life.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum MemberKind {
    Child,
    Adult,
}

/// How one member is related to another, read "A is B's ...". `carer`: a carer who is not a
/// parent (kinship carer, special guardian, foster carer).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum RelationshipKind {
    Parent,
    StepParent,
    Carer,
    Sibling,
    Grandparent,
    Other,
}

value_schemas! {
    /// A given or family name: `earlyhelp_domain::person::PersonName`.
    PersonName => string(
        "A given or family name: surrounding white space is trimmed; what remains must be 1 to \
         100 characters (counted in Unicode NFC, the form it is stored in) with no control \
         characters (so a single line), and no invisible or direction-changing character \
         anywhere (zero-width spaces and joiners, bidirectional controls, the line and \
         paragraph separators and the like).",
    )
    .pattern(Some(patterns::single_line(DomainPersonName::MAX_LENGTH)))
    .examples([json!("Amelia")]);

    /// A UK postcode: `earlyhelp_workflows::people::postcode`.
    Postcode => string(
        "A UK postcode, in any case and spacing (`ox165au`, `OX16 5AU`): an outward code (A9, \
         A99, A9A, AA9, AA99 or AA9A) and an inward code (9AA), or GIR 0AA; stored upper-case \
         with one space before the inward code. Empty or blank means none.",
    )
    .pattern(Some(patterns::postcode()))
    .examples([json!("OX16 5AU")]);

    /// An NHS number: `earlyhelp_domain::person::NhsNumber`.
    NhsNumber => string(
        "A 10-digit NHS number whose check digit (modulus 11) is right, optionally grouped \
         with spaces or hyphens (`943 476 5919`); stored as the bare digits. All ten digits \
         the same is a placeholder and refused. Empty or blank means none. Format \
         `nhs-number`: the pattern is the shape; the check digit is beyond it.",
    )
    .format(custom_format("nhs-number"))
    .pattern(Some(patterns::nhs_number()))
    .examples([json!("943 476 5919")]);

    /// A Unique Pupil Number: `earlyhelp_domain::person::Upn`.
    Upn => string(
        "A Unique Pupil Number (DfE), in either case: a check letter, 11 digits, then a digit \
         (or a letter for a temporary UPN), with the right check letter (modulus 23); letters \
         are A to Z but I, O and S; stored upper-case. Empty or blank means none. Format \
         `upn`: the pattern is the shape; the check letter is beyond it.",
    )
    .format(custom_format("upn"))
    .pattern(Some(patterns::upn()))
    .examples([json!("B801200005001")]);

    /// A postcode as stored.
    StoredPostcode => string("A UK postcode: upper case, one space before the inward code.")
        .pattern(Some(patterns::STORED_POSTCODE))
        .examples([json!("OX16 5AU")]);

    /// An NHS number as stored.
    StoredNhsNumber => string("An NHS number: its ten digits.")
        .pattern(Some(patterns::STORED_NHS_NUMBER))
        .examples([json!("9434765919")]);

    /// A UPN as stored.
    StoredUpn => string("A Unique Pupil Number, upper case.")
        .pattern(Some(patterns::STORED_UPN))
        .examples([json!("B801200005001")]);
}

// ---------------------------------------------------------------------------------------------
// Consents

/// How the consent was given.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ConsentMethod {
    Written,
    Verbal,
}

// ---------------------------------------------------------------------------------------------
// Chronology

/// The kind of record a chronology entry concerns.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ChronologyEntityType {
    Family,
    Person,
    Consent,
    Episode,
    Assessment,
    Taf,
    Meeting,
    Action,
    StepUp,
    StepDown,
    Consultation,
}

// ---------------------------------------------------------------------------------------------
// Episodes

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum EpisodeState {
    Open,
    Closed,
}

/// The Threshold of Needs level an episode works at: 2 (vulnerable) or 3 (complex), an
/// integer `enum` (written out: the derive names variants, not numbers).
pub struct ThresholdLevel;

impl PartialSchema for ThresholdLevel {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .description(Some(
                "The Threshold of Needs level an episode works at: 2 (vulnerable) or 3 \
                 (complex). Level 1 (universal) needs no episode and level 4 (critical) belongs \
                 to statutory services.",
            ))
            .enum_values(Some([2, 3]))
            .into()
    }
}

impl ToSchema for ThresholdLevel {}

/// Why an episode closed. `other` needs a note.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ClosureReason {
    OutcomesMet,
    SteppedUp,
    MovedOutOfArea,
    ConsentWithdrawn,
    FamilyDisengaged,
    Other,
}

value_schemas! {
    /// Required free text: `required_text` of the episode handlers.
    RequiredText4000 => string(
        "Free text: trimmed, then 1 to 4000 characters, line breaks allowed but no other \
         control characters.",
    )
    .pattern(Some(patterns::required_text(4000)));

    /// Optional free text: `earlyhelp_domain::directory::optional_text`.
    OptionalText1000 => string(
        "Free text: trimmed, then at most 1000 characters, line breaks allowed but no other \
         control characters. Empty or blank means none.",
    )
    .pattern(Some(patterns::optional_text(1000)));

    /// Optional free text: `earlyhelp_domain::directory::optional_text`.
    OptionalText2000 => string(
        "Free text: trimmed, then at most 2000 characters, line breaks allowed but no other \
         control characters. Empty or blank means none.",
    )
    .pattern(Some(patterns::optional_text(2000)));

    /// Optional free text: `earlyhelp_domain::directory::optional_text`.
    OptionalText4000 => string(
        "Free text: trimmed, then at most 4000 characters, line breaks allowed but no other \
         control characters. Empty or blank means none.",
    )
    .pattern(Some(patterns::optional_text(4000)));

    /// An optional one-line text: `earlyhelp_domain::directory::optional_line`.
    OptionalLine200 => string(
        "One line of text: trimmed, then at most 200 characters, no control characters and no \
         invisible or direction-changing character. Empty or blank means none.",
    )
    .pattern(Some(patterns::optional_line(200)));

    /// An optional one-line text: `earlyhelp_domain::directory::optional_line`.
    OptionalLine1000 => string(
        "One line of text: trimmed, then at most 1000 characters, no control characters and no \
         invisible or direction-changing character. Empty or blank means none.",
    )
    .pattern(Some(patterns::optional_line(1000)));

    /// A venue or organisation name: `earlyhelp_domain::directory::single_line`.
    SingleLine200 => string(
        "One line of text: trimmed, then 1 to 200 characters, no control characters and no \
         invisible or direction-changing character.",
    )
    .pattern(Some(patterns::single_line(200)));

    /// The day a consent was given.
    ConsentDate => string(
        "A date, `YYYY-MM-DD`, in 2000 or later and not in the future.",
    )
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
    .pattern(Some(patterns::DATE_FROM_2000));
}

#[cfg(test)]
mod tests;
