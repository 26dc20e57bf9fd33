//! Schema-only types of Strengths and Needs forms and their LCSS reviews, re-exported by
//! [`super::case`], which registers them (and whose test checks their code lists against the
//! domain's).

#![allow(dead_code)] // Schema-only types: never built, only described.

use crate::handlers::feedback;
use crate::openapi::patterns;
use crate::openapi::values::{string, value_schemas};
use earlyhelp_domain::review;
use serde::Deserialize;
use serde_json::json;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

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
