//! Case records: families, people, consents, chronology, episodes, forms and reviews.
//!
//! The operations are the handlers' `#[utoipa::path]`s and the schemas their wire types. What
//! the wire types carry as plain strings, JSON values or maps (code lists, checked text, form
//! content, ratings) is described by the schema-only types below, which the wire types name
//! with `#[schema(value_type = ...)]`; a test checks the code lists against the domain's.

#![allow(dead_code)] // Schema-only types: never built, only described.

use crate::handlers::{
    actions, activity_reports, assessments, chronology, consents, consultation_requests,
    consultations, episode_transitions, episodes, families, feedback, known_elsewhere, meetings,
    people, performance_reports, reports, review_reports, reviews, step_down_answers, step_downs,
    step_ups, taf_reviews, tafs, work,
};
use crate::openapi::values::{custom_format, string, value_schemas};
use crate::openapi::{patterns, responses};
use earlyhelp_domain::person::PersonName as DomainPersonName;
use earlyhelp_domain::review;
use serde::Deserialize;
use serde_json::json;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, KnownFormat, Ref, RefOr};
use utoipa::{OpenApi, PartialSchema, ToResponse, ToSchema};

pub use crate::openapi::teams::*;

#[derive(OpenApi)]
#[openapi(
    paths(
        families::list_families,
        families::create_family,
        families::get_family,
        families::update_family,
        people::add_member,
        people::add_relationship,
        consents::list_consents,
        consents::record_consent,
        chronology::get_chronology,
        people::get_person,
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

// ---------------------------------------------------------------------------------------------
// Assessments

/// `draft`: being written with the family. `submitted`: with LCSS for review. `returned`: LCSS
/// asked for amendments. `accepted`: complete.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AssessmentState {
    Draft,
    Submitted,
    Returned,
    Accepted,
}

/// A form's version as a strong entity tag, e.g. `"3"`: the `ETag` of a form's responses.
#[derive(ToSchema)]
#[schema(pattern = r#"^"[0-9]+"$"#)]
pub struct EntityTag(String);

value_schemas! {
    /// `If-Match` of a form save.
    IfMatch => string(
        "`*`, or one or more of the form's entity tags separated by commas (`\"3\"`, \
         `W/\"3\"` or `3`).",
    )
    .pattern(Some(patterns::IF_MATCH))
    .examples([json!("\"3\"")]);
}

/// A form's answers, or a merge patch of them: an object of sections keyed as the template
/// keys them, each section an object of answers (or `null`) keyed likewise. An answer is what
/// some field kind takes: `null`, a boolean, a number, text, or a list (of option codes, or of
/// items: objects of such answers, lists of codes among them). No text, key or code holds NUL
/// (`crate::json::parse_json`). Which answers a form takes is its template's to say.
fn form_object(description: &str, example: serde_json::Value) -> RefOr<Schema> {
    let key = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(patterns::KEY))
    };
    let scalar = json!(["null", "boolean", "number", "string", "array"]);
    let text = json!({ "type": "string", "pattern": patterns::NO_NUL });
    let item = json!({
        "type": "object",
        "propertyNames": { "pattern": patterns::KEY },
        "additionalProperties": { "type": scalar, "pattern": patterns::NO_NUL, "items": text },
    });
    let answer = json!({
        "type": scalar,
        "pattern": patterns::NO_NUL,
        "items": { "anyOf": [text, item] },
    });
    let section = ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .property_names(Some(key()))
        .extensions(Some(Extensions::from_iter([(
            "additionalProperties",
            answer,
        )])));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description))
        .property_names(Some(key()))
        .additional_properties(Some(section))
        .examples([example])
        .into()
}

/// A form's answers (written out: the derive would put the example on the keys).
pub struct FormContent;

impl PartialSchema for FormContent {
    fn schema() -> RefOr<Schema> {
        form_object(
            "A form's answers: an object keyed by section key, each section an object keyed by \
             field key (a list field's answer is an array of such objects). An absent or `null` \
             answer is not yet given. Keys are the template's (unknown ones are a 422); no text \
             may hold NUL (`\\u0000`).",
            json!({
                "childs_views": {
                    "views": "Amelia says she likes school but is worried about her mum."
                }
            }),
        )
    }
}

impl ToSchema for FormContent {}

/// A merge patch of a form's answers.
pub struct FormContentPatch;

impl PartialSchema for FormContentPatch {
    fn schema() -> RefOr<Schema> {
        form_object(
            "A JSON merge patch (RFC 7396) of the form's content: an object of sections; objects \
             merge, any other value replaces, `null` removes. Keys are the template's (unknown \
             ones are a 422); no text may hold NUL (`\\u0000`).",
            json!({
                "childs_views": {
                    "views": "Amelia says she likes school but is worried about her mum."
                },
                "parents_views": null
            }),
        )
    }
}

impl ToSchema for FormContentPatch {}

// ---------------------------------------------------------------------------------------------
// Reviews

/// `unassigned`: waiting in the queue. `assigned`: with a reviewer. `decided`: accepted or
/// returned.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ReviewState {
    Unassigned,
    Assigned,
    Decided,
}

/// A decided review's outcome.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ReviewOutcome {
    Accepted,
    Returned,
}

/// `accept`: the assessment is complete. `return`: amendments needed (say which in
/// `feedback`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    Return,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Rating {
    Met,
    PartlyMet,
    NotMet,
}

/// One criterion's rating; `comment` only when the reviewer wrote one.
#[derive(ToSchema)]
pub struct CriterionRating {
    rating: Rating,
    #[schema(required = false)]
    comment: String,
}

/// A decided review's rating on each of the seven quality criteria: the child's voice heard,
/// the parents' views recorded, strengths evidenced, needs evidenced, outcomes specific and
/// measurable, the threshold appropriate, consent recorded.
#[derive(ToSchema)]
pub struct Ratings {
    childs_voice_heard: CriterionRating,
    parents_views_recorded: CriterionRating,
    strengths_evidenced: CriterionRating,
    needs_evidenced: CriterionRating,
    outcomes_specific_and_measurable: CriterionRating,
    threshold_appropriate: CriterionRating,
    consent_recorded: CriterionRating,
}

value_schemas! {
    /// A criterion's comment: `earlyhelp_domain::review::check_decision`.
    RatingComment => string(
        "At most 2000 characters as sent, no control characters but tab and line breaks; \
         trimmed, and blank means none.",
    )
    .pattern(Some(patterns::comment(review::COMMENT_MAX)));

    /// A review's feedback: `earlyhelp_domain::review::check_decision`.
    ReviewFeedback => string(
        "Feedback to the lead professional: no control characters but tab and line breaks; \
         trimmed, then at most 20000 characters. Required (not blank) when returning a form.",
    )
    .pattern(Some(patterns::feedback(review::FEEDBACK_MAX, false)));
}

/// One criterion's rating, as a reviewer sends it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionRatingInput {
    #[schema(value_type = Rating)]
    rating: earlyhelp_domain::review::Rating,
    #[schema(value_type = Option<RatingComment>)]
    comment: Option<String>,
}

/// A rating for every one of the seven quality criteria (422 for each one missing).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingsInput {
    childs_voice_heard: CriterionRatingInput,
    parents_views_recorded: CriterionRatingInput,
    strengths_evidenced: CriterionRatingInput,
    needs_evidenced: CriterionRatingInput,
    outcomes_specific_and_measurable: CriterionRatingInput,
    threshold_appropriate: CriterionRatingInput,
    consent_recorded: CriterionRatingInput,
}

/// The rating counts of each quality criterion.
#[derive(ToSchema)]
pub struct CriteriaCounts {
    childs_voice_heard: feedback::CriterionCounts,
    parents_views_recorded: feedback::CriterionCounts,
    strengths_evidenced: feedback::CriterionCounts,
    needs_evidenced: feedback::CriterionCounts,
    outcomes_specific_and_measurable: feedback::CriterionCounts,
    threshold_appropriate: feedback::CriterionCounts,
    consent_recorded: feedback::CriterionCounts,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::{keys, property_names};
    use earlyhelp_domain::{
        assessment, consultation, episode, person, report, review, step_down, step_up, taf, work,
    };

    /// The `enum` values of a schema-only code list.
    fn values<T: PartialSchema>() -> Vec<String> {
        match T::schema() {
            RefOr::T(Schema::Object(object)) => object
                .enum_values
                .unwrap_or_default()
                .into_iter()
                .map(|value| match value {
                    serde_json::Value::String(text) => text,
                    other => other.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn strings<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|value| name(*value).to_owned()).collect()
    }

    #[test]
    fn the_code_lists_are_the_domains() {
        assert_eq!(
            values::<Sex>(),
            strings(&person::Sex::ALL, person::Sex::as_str)
        );
        assert_eq!(
            values::<Ethnicity>(),
            strings(&person::Ethnicity::ALL, person::Ethnicity::as_str)
        );
        assert_eq!(
            values::<Disability>(),
            strings(&person::Disability::ALL, person::Disability::as_str)
        );
        assert_eq!(
            values::<MemberKind>(),
            strings(&person::MemberKind::ALL, person::MemberKind::as_str)
        );
        assert_eq!(
            values::<RelationshipKind>(),
            strings(
                &person::RelationshipKind::ALL,
                person::RelationshipKind::as_str
            )
        );
        assert_eq!(
            values::<ClosureReason>(),
            strings(&episode::ClosureReason::ALL, episode::ClosureReason::as_str)
        );
        assert_eq!(
            values::<EpisodeState>(),
            strings(
                &[episode::EpisodeState::Open, episode::EpisodeState::Closed],
                episode::EpisodeState::as_str
            )
        );
        assert_eq!(
            values::<AssessmentState>(),
            strings(
                &assessment::AssessmentState::ALL,
                assessment::AssessmentState::as_str
            )
        );
        assert_eq!(
            values::<ReviewState>(),
            strings(&review::ReviewState::ALL, review::ReviewState::as_str)
        );
        assert_eq!(
            values::<MeetingState>(),
            strings(&taf::MeetingState::ALL, taf::MeetingState::as_str)
        );
        assert_eq!(
            values::<ActionStatus>(),
            strings(&taf::ActionStatus::ALL, taf::ActionStatus::as_str)
        );
        assert_eq!(
            values::<Achievement>(),
            strings(&taf::Achievement::ALL, taf::Achievement::as_str)
        );
        assert_eq!(
            values::<NextStep>(),
            strings(&taf::NextStep::ALL, taf::NextStep::as_str)
        );
        assert_eq!(
            values::<WorkKind>(),
            strings(&work::WorkKind::ALL, work::WorkKind::as_str)
        );
        assert_eq!(
            values::<ConcernTheme>(),
            strings(
                &consultation::ConcernTheme::ALL,
                consultation::ConcernTheme::as_str
            )
        );
        assert_eq!(
            values::<ConsultationOutcome>(),
            strings(
                &consultation::ConsultationOutcome::ALL,
                consultation::ConsultationOutcome::as_str
            )
        );
        assert_eq!(
            values::<StepUpState>(),
            strings(&step_up::StepUpState::ALL, step_up::StepUpState::as_str)
        );
        assert_eq!(
            values::<ConsultationRequestState>(),
            strings(
                &consultation::RequestState::ALL,
                consultation::RequestState::as_str
            )
        );
        assert_eq!(
            values::<CaseloadBy>(),
            strings(&report::CaseloadBy::ALL, report::CaseloadBy::as_str)
        );
        assert_eq!(
            values::<EpisodeOrigin>(),
            strings(&episode::EpisodeOrigin::ALL, episode::EpisodeOrigin::as_str)
        );
        assert_eq!(
            values::<StepDownSource>(),
            strings(
                &step_down::StepDownSource::ALL,
                step_down::StepDownSource::as_str
            )
        );
        assert_eq!(
            values::<StepDownState>(),
            strings(
                &step_down::StepDownState::ALL,
                step_down::StepDownState::as_str
            )
        );
        assert_eq!(
            values::<AllocationAnswer>(),
            strings(
                &step_down::AllocationAnswer::ALL,
                step_down::AllocationAnswer::as_str
            )
        );
        assert_eq!(
            values::<ReviewOutcome>(),
            strings(
                &[review::Decision::Accept, review::Decision::Return],
                review::Decision::outcome
            )
        );
        assert_eq!(values::<ThresholdLevel>(), ["2", "3"]);
        for level in [2, 3] {
            assert!(episode::ThresholdLevel::from_level(level).is_ok());
        }
    }

    /// The serde names of a domain enum's values.
    fn serde_names<T: serde::Serialize>(all: &[T]) -> Vec<String> {
        all.iter()
            .map(|value| {
                serde_json::to_value(value)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn the_review_lists_are_the_domains() {
        use review::{Criterion, Decision as D, Rating as R};
        assert_eq!(values::<Decision>(), serde_names(&[D::Accept, D::Return]));
        assert_eq!(
            values::<Rating>(),
            serde_names(&[R::Met, R::PartlyMet, R::NotMet])
        );
        let rating = review::CriterionRating {
            rating: R::PartlyMet,
            comment: Some("Ask the child too.".to_owned()),
        };
        assert_eq!(property_names(CriterionRating::schema()), keys(&rating));
        assert_eq!(
            property_names(CriterionRatingInput::schema()),
            keys(&rating)
        );
        let criteria: Vec<String> = Criterion::ALL
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        for schema in [
            Ratings::schema(),
            RatingsInput::schema(),
            CriteriaCounts::schema(),
        ] {
            let RefOr::T(Schema::Object(object)) = schema else {
                panic!("an object");
            };
            assert_eq!(
                object.properties.keys().cloned().collect::<Vec<_>>(),
                criteria
            );
            assert_eq!(object.required, criteria);
        }
    }
}
