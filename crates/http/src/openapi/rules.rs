//! Rules between the fields of one request that the derives cannot write: a note required with
//! one reason, feedback required with one decision, one date of birth or the other. Each is
//! added to the schema it constrains, by name, as JSON Schema keywords (`oneOf`, `anyOf`,
//! `not`) kept in the schema's extensions: one keyword per schema, since extensions serialise
//! in no fixed order. A fragment of a rule has no `type`, so the document's objects stay
//! closed while the fragments only constrain. The test below checks every rule found its
//! schema.

use crate::openapi::patterns;
use earlyhelp_domain::review::FEEDBACK_MAX;
use serde_json::{json, Value};
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::{Components, Ref, RefOr};

/// The schemas the rules below are written into, for the test that checks each is there.
#[cfg(test)]
pub(crate) const TARGETS: [&str; 8] = [
    "CloseEpisode",
    "DecideReview",
    "NewMember",
    "FamilyMember",
    "UpdatePerson",
    "CreateFamily",
    "FormFieldInput",
    "FormItemFieldInput",
];

/// Adds every rule to `components`.
pub fn apply(components: &mut Components) {
    family_member(components);
    // `other` needs a note: the note of an `other` closure is not blank.
    keyword(
        components,
        "CloseEpisode",
        "anyOf",
        json!([
            { "properties": { "reason": { "not": { "const": "other" } } } },
            {
                "required": ["note"],
                "properties": {
                    "note": { "type": "string", "pattern": patterns::required_text(4000) }
                }
            }
        ]),
    );
    // Returning a form needs feedback that is not blank.
    keyword(
        components,
        "DecideReview",
        "anyOf",
        json!([
            { "properties": { "decision": { "not": { "const": "return" } } } },
            {
                "required": ["feedback"],
                "properties": {
                    "feedback": {
                        "type": "string",
                        "pattern": patterns::feedback(FEEDBACK_MAX, true)
                    }
                }
            }
        ]),
    );
    // `earlyhelp_domain::person::check_birth`: a date of birth, or (for an unborn child, of sex
    // U) an expected date of birth, not both. How far back or ahead the dates may be depends
    // on the day, which a schema cannot say.
    for member in ["NewMember", "FamilyMember"] {
        keyword(
            components,
            member,
            "oneOf",
            json!([
                {
                    "required": ["date_of_birth"],
                    "properties": {
                        "date_of_birth": { "type": "string" },
                        "expected_date_of_birth": { "type": "null" }
                    }
                },
                {
                    "required": ["expected_date_of_birth"],
                    "properties": {
                        "expected_date_of_birth": { "type": "string" },
                        "date_of_birth": { "type": "null" },
                        "kind": { "const": "child" },
                        "sex": { "const": "U" }
                    }
                }
            ]),
        );
        disabilities(components, member);
    }
    // A correction sends at most one of the two dates; the rest of the rule concerns the record
    // as stored.
    keyword(
        components,
        "UpdatePerson",
        "not",
        json!({
            "required": ["date_of_birth", "expected_date_of_birth"],
            "properties": {
                "date_of_birth": { "type": "string" },
                "expected_date_of_birth": { "type": "string" }
            }
        }),
    );
    disabilities(components, "UpdatePerson");
    // `earlyhelp_domain::forms::TemplateDefinition::check`: options for selects only (and at
    // least one), item fields for lists only (and at least one), a maximum length for text
    // only. That keys and option codes are unique among their siblings is beyond a schema.
    let kinds = |list: bool| {
        let none = json!({ "maxItems": 0 });
        let mut kinds = vec![
            json!({ "properties": {
                "type": { "enum": ["text", "long_text"] },
                "options": none, "item_fields": none
            } }),
            json!({ "properties": {
                "type": { "enum": ["date", "boolean", "integer"] },
                "options": none, "item_fields": none, "max_length": { "type": "null" }
            } }),
            json!({ "required": ["options"], "properties": {
                "type": { "enum": ["select", "multi_select"] },
                "options": { "minItems": 1 }, "item_fields": none,
                "max_length": { "type": "null" }
            } }),
        ];
        if list {
            kinds.push(json!({ "required": ["item_fields"], "properties": {
                "type": { "const": "list" },
                "item_fields": { "minItems": 1 }, "options": none,
                "max_length": { "type": "null" }
            } }));
        }
        Value::Array(kinds)
    };
    keyword(components, "FormFieldInput", "oneOf", kinds(true));
    keyword(components, "FormItemFieldInput", "oneOf", kinds(false));
}

/// The object schema named `name`, if it is one.
fn object<'c>(
    components: &'c mut Components,
    name: &str,
) -> Option<&'c mut utoipa::openapi::schema::Object> {
    match components.schemas.get_mut(name) {
        Some(RefOr::T(Schema::Object(object))) => Some(object),
        _ => None,
    }
}

/// Writes `keyword: value` into the object schema `name`.
fn keyword(components: &mut Components, name: &str, keyword: &str, value: Value) {
    if let Some(object) = object(components, name) {
        object
            .extensions
            .get_or_insert_with(Extensions::default)
            .insert(keyword.to_owned(), value);
    }
}

/// `earlyhelp_domain::person::parse_disabilities`: `NONE` stands alone (repeating it is
/// harmless).
fn disabilities(components: &mut Components, name: &str) {
    let Some(object) = object(components, name) else {
        return;
    };
    if let Some(RefOr::T(Schema::Array(array))) = object.properties.get_mut("disabilities") {
        array
            .extensions
            .get_or_insert_with(Extensions::default)
            .insert(
                "anyOf".to_owned(),
                json!([
                    { "items": { "not": { "const": "NONE" } } },
                    { "items": { "const": "NONE" } }
                ]),
            );
    }
}

/// A member of a new family is a `NewMember` without `confirm_new`, which a new family sends
/// once, at the top level (in a member it is a 422).
fn family_member(components: &mut Components) {
    let Some(RefOr::T(Schema::Object(member))) = components.schemas.get("NewMember") else {
        return;
    };
    let mut member = member.clone();
    member.properties.shift_remove("confirm_new");
    member.required.retain(|field| field != "confirm_new");
    member.description = Some(
        "A member of a new family: as `NewMember`, without `confirm_new` (a new family sends \
         it once, at the top level)."
            .to_owned(),
    );
    components
        .schemas
        .insert("FamilyMember".to_owned(), RefOr::T(Schema::Object(member)));
    if let Some(family) = object(components, "CreateFamily") {
        if let Some(RefOr::T(Schema::Array(members))) = family.properties.get_mut("members") {
            members.items =
                ArrayItems::RefOrSchema(Box::new(Ref::from_schema_name("FamilyMember").into()));
        }
    }
}
