//! The OpenAPI 3.1 document, generated from the code: `#[utoipa::path]` on each handler,
//! `ToSchema` on the wire types, and the shared problem responses below. The server serves it
//! at `/api/v1/openapi.{json,yaml}`, `earlyhelp openapi` prints it, and the committed
//! `openapi/openapi.yaml` is that output (a test fails when they differ).
//!
//! The document is assembled from one part per area, each a `#[derive(OpenApi)]` listing its
//! operations and schemas: [`directory::Api`] (operations, sign-in, the signed-in user, the
//! directory and form templates) and [`case::Api`] (families to reviews). Four things are then
//! done to the whole:
//! - a schema utoipa writes as an `allOf` of objects (a `#[serde(flatten)]`ed struct and its
//!   own fields) becomes the one object they make, as clients read it;
//! - every object schema that lists its properties has no others (`additionalProperties:
//!   false`), responses included: every field the server sends is documented, and the contract
//!   fuzzing fails on one that is not;
//! - every response gets its `X-Request-Id` header;
//! - each list schema (`List<Locality>`, which utoipa names `List_Locality` and inlines the item
//!   into) becomes `LocalityList`, its items referring to `Locality`.

pub mod assessments;
pub mod case;
pub mod directory;
pub mod patterns;
pub mod responses;
pub mod rules;
pub mod teams;
pub mod values;

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Object, Schema};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::Components;
use utoipa::openapi::{OpenApi as Document, Ref, RefOr};
use utoipa::{Modify, OpenApi};

/// The prose of the document: conventions, errors, authentication and access rules.
const INTRODUCTION: &str = include_str!("../../../../openapi/introduction.md");

#[derive(OpenApi)]
#[openapi(
    info(
        title = "earlyhelp",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    security(("bearerAuth" = [])),
    tags(
        (name = "auth", description = "Sign-in, token refresh and sign-out."),
        (name = "me", description = "The signed-in user."),
        (name = "admin", description = "The directory (localities, organisations, users). Requires the `admin` role."),
        (name = "directory", description = "The professional directory (organisations and professionals, work details only) and each locality's LCSS and MASH contacts, for every case user."),
        (name = "families", description = "Families, their members and relationships, and each family's chronology."),
        (name = "consents", description = "A family's consent to an early help assessment or to sharing, and its withdrawal."),
        (name = "episodes", description = "Early help episodes, from opening through threshold changes and transfers to closure."),
        (name = "assessments", description = "Strengths and Needs forms, from draft to submission, and the form templates they follow."),
        (name = "tafs", description = "Teams Around the Family: the agencies and family members working to an episode's plan. Members with an account read the family's record while their membership stands."),
        (name = "step-ups", description = "Step-up requests from early help to Children's Social Care (referral source 5D) and social care's decisions."),
        (name = "step-downs", description = "Families stepped down from Children's Social Care to early help: LCSS allocates a receiving lead professional, who accepts (an episode opens, with origin step-down) or declines."),
        (name = "audit", description = "Information governance: the audit trail by record, actor, action, outcome and period, and who accessed a person's record. The auditor role only; never case content."),
        (name = "reports", description = "Caseload and performance reports for managers, LCSS managers and practitioners: JSON, or CSV with `Accept: text/csv`; `?publish=true` suppresses counts from 1 to 4."),
        (name = "consultations", description = "No Names Consultations: LCSS advice about a child or family who is not identified; no field holds, and no text may hold, an identifier."),
        (name = "reviews", description = "LCSS review of submitted forms, and the feedback history that closes the training loop."),
        (name = "operations", description = "Liveness, readiness, metrics and this document."),
    ),
    components(
        schemas(responses::Problem, responses::FieldError),
        responses(
            responses::BadRequest,
            responses::Unauthorized,
            responses::Forbidden,
            responses::NotFound,
            responses::Conflict,
            responses::PossibleDuplicate,
            responses::PayloadTooLarge,
            responses::UnsupportedMediaType,
            responses::UnprocessableEntity,
            responses::PreconditionFailed,
            responses::PreconditionRequired,
            responses::TooManyRequests,
            responses::InternalError,
            responses::ServiceUnavailable,
            responses::MetricsUnauthorized,
            responses::MetricsNotServed,
        ),
    ),
    modifiers(&Introduction, &BearerAuth),
)]
struct Base;

struct Introduction;

impl Modify for Introduction {
    fn modify(&self, document: &mut Document) {
        document.info.description = Some(INTRODUCTION.to_owned());
        document.info.version = env!("CARGO_PKG_VERSION").to_owned();
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".to_owned());
        components.add_security_scheme("bearerAuth", SecurityScheme::Http(scheme));
        let mut metrics = Http::new(HttpAuthScheme::Bearer);
        metrics.description = Some(
            "The metrics token (`EARLYHELP_METRICS_TOKEN`), for `/metrics` only; not a user's \
             access token."
                .to_owned(),
        );
        components.add_security_scheme("metricsToken", SecurityScheme::Http(metrics));
    }
}

/// The whole document.
pub fn document() -> Document {
    let mut document = Base::openapi();
    document.merge(directory::Api::openapi());
    document.merge(case::Api::openapi());
    name_lists(&mut document);
    if let Some(components) = document.components.as_mut() {
        flatten_all_of(components);
        rules::apply(components);
        components.schemas.values_mut().for_each(closed);
    }
    for operation in operations(&mut document) {
        if let Some(body) = operation.request_body.as_mut() {
            body.content
                .values_mut()
                .filter_map(|content| content.schema.as_mut())
                .for_each(closed);
        }
        for response in operation.responses.responses.values_mut() {
            // The shared problem responses (references) carry the header already.
            if let RefOr::T(response) = response {
                response
                    .headers
                    .entry(responses::REQUEST_ID.to_owned())
                    .or_insert_with(responses::request_id_header);
                response
                    .content
                    .values_mut()
                    .filter_map(|content| content.schema.as_mut())
                    .for_each(closed);
            }
        }
    }
    document
}

/// Merges each component that is an `allOf` of objects (inline, or references to components
/// that are objects) into one object: the properties in order, every member's `required`, and
/// the `allOf`'s description (else the first member's). Anything else is left as it is.
/// Repeated until nothing changes, so an `allOf` whose member is one comes out whole too.
fn flatten_all_of(components: &mut Components) {
    while flatten_all_of_once(components) {}
}

fn flatten_all_of_once(components: &mut Components) -> bool {
    const PREFIX: &str = "#/components/schemas/";
    let mut changed = false;
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for name in names {
        let Some(RefOr::T(Schema::AllOf(all_of))) = components.schemas.get(&name) else {
            continue;
        };
        let members: Option<Vec<&Object>> = all_of
            .items
            .iter()
            .map(|member| {
                let member = match member {
                    RefOr::Ref(reference) => components
                        .schemas
                        .get(reference.ref_location.strip_prefix(PREFIX)?)?,
                    inline => inline,
                };
                match member {
                    RefOr::T(Schema::Object(object)) => Some(object),
                    _ => None,
                }
            })
            .collect();
        let Some(members) = members else {
            continue;
        };
        let mut merged = Object::new();
        merged.schema_type = members[0].schema_type.clone();
        merged.description = all_of
            .description
            .clone()
            .or_else(|| members.iter().find_map(|member| member.description.clone()));
        for member in members {
            for (property, schema) in &member.properties {
                merged.properties.insert(property.clone(), schema.clone());
            }
            for required in &member.required {
                if !merged.required.contains(required) {
                    merged.required.push(required.clone());
                }
            }
        }
        components
            .schemas
            .insert(name, RefOr::T(Schema::Object(merged)));
        changed = true;
    }
    changed
}

/// Closes `schema` and the schemas inside it: an object that lists its properties allows no
/// others, unless it says so. The members of an `allOf` are left as they are (each would refuse
/// the other's properties).
fn closed(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else {
        return;
    };
    match schema {
        Schema::Object(object) => {
            if !object.properties.is_empty() && object.additional_properties.is_none() {
                object.additional_properties =
                    Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
            object.properties.values_mut().for_each(closed);
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                closed(items);
            }
        }
        Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(closed),
        Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(closed),
        _ => {}
    }
}

fn operations(document: &mut Document) -> impl Iterator<Item = &mut Operation> {
    document.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
    })
}

/// utoipa names the schema of `List<Locality>` `List_Locality` and inlines `Locality` into it,
/// so every list would repeat its item's schema. Each becomes `LocalityList`, its items a
/// reference to `Locality` (added to the components if no operation answers one alone).
fn name_lists(document: &mut Document) {
    const PREFIX: &str = "List_";
    let Some(components) = document.components.as_mut() else {
        return;
    };
    let lists: Vec<String> = components
        .schemas
        .keys()
        .filter(|name| name.starts_with(PREFIX))
        .cloned()
        .collect();
    let mut renamed = Vec::new();
    for generic in lists {
        let item = generic[PREFIX.len()..].to_owned();
        let Some(mut list) = components.schemas.remove(&generic) else {
            continue;
        };
        if let RefOr::T(Schema::Object(object)) = &mut list {
            if let Some(RefOr::T(Schema::Array(items))) = object.properties.get_mut("items") {
                let reference =
                    ArrayItems::RefOrSchema(Box::new(Ref::from_schema_name(&item).into()));
                if let ArrayItems::RefOrSchema(inline) =
                    std::mem::replace(&mut items.items, reference)
                {
                    components.schemas.entry(item.clone()).or_insert(*inline);
                }
            }
        }
        let name = format!("{item}List");
        components.schemas.insert(name.clone(), list);
        renamed.push((
            format!("#/components/schemas/{generic}"),
            format!("#/components/schemas/{name}"),
        ));
    }
    for operation in operations(document) {
        for response in operation.responses.responses.values_mut() {
            let RefOr::T(response) = response else {
                continue;
            };
            for content in response.content.values_mut() {
                if let Some(RefOr::Ref(reference)) = &mut content.schema {
                    if let Some((_, name)) = renamed
                        .iter()
                        .find(|(generic, _)| reference.ref_location == *generic)
                    {
                        reference.ref_location.clone_from(name);
                    }
                }
            }
        }
    }
}

/// The document as YAML, as `earlyhelp openapi` prints it and `openapi/openapi.yaml` holds it.
pub fn yaml() -> Result<String, serde_yaml::Error> {
    serde_yaml::to_string(&document())
}

/// The document as JSON, as `/api/v1/openapi.json` serves it.
pub fn json() -> Result<String, serde_json::Error> {
    serde_json::to_string(&document())
}

/// The property names of an object schema, for the tests that hold a schema-only type to the
/// value it describes.
#[cfg(test)]
pub(crate) fn property_names(schema: RefOr<Schema>) -> std::collections::BTreeSet<String> {
    match schema {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Default::default(),
    }
}

/// The keys of a value serialised as a JSON object.
#[cfg(test)]
pub(crate) fn keys(value: impl serde::Serialize) -> std::collections::BTreeSet<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        _ => Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn walk<'v>(value: &'v Value, found: &mut Vec<&'v Value>) {
        found.push(value);
        match value {
            Value::Object(map) => map.values().for_each(|value| walk(value, found)),
            Value::Array(items) => items.iter().for_each(|value| walk(value, found)),
            _ => {}
        }
    }

    #[test]
    fn the_whole_document_is_as_the_module_says() {
        let document: Value = serde_json::from_str(&json().unwrap()).unwrap();
        let mut nodes = Vec::new();
        walk(&document, &mut nodes);
        for node in nodes {
            assert!(node.get("allOf").is_none(), "an allOf is left: {node}");
            // A rule's fragments (`rules`) have no type: they constrain, they do not describe.
            if node.get("properties").is_some_and(Value::is_object) && node["type"] == "object" {
                assert!(node.get("additionalProperties").is_some(), "open: {node}");
            }
            if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
                assert!(!reference.contains("List_"), "a generic list: {reference}");
            }
        }
        let schemas = document["components"]["schemas"].as_object().unwrap();
        assert!(schemas.keys().all(|name| !name.starts_with("List_")));
        assert_eq!(
            schemas["LocalityList"]["properties"]["items"]["items"]["$ref"],
            "#/components/schemas/Locality"
        );
        for (path, item) in document["paths"].as_object().unwrap() {
            let operations = item.as_object().unwrap().iter();
            for (method, operation) in operations.filter(|(key, _)| *key != "parameters") {
                for (status, response) in operation["responses"].as_object().unwrap() {
                    assert!(
                        response.get("$ref").is_some()
                            || response["headers"].get(responses::REQUEST_ID).is_some(),
                        "{method} {path} {status} lacks X-Request-Id"
                    );
                }
            }
        }
        assert!(
            document.get("servers").is_none(),
            "Try it out goes to the page's own host"
        );
    }

    #[test]
    fn every_rule_between_fields_found_its_schema() {
        let document: Value = serde_json::from_str(&json().unwrap()).unwrap();
        let schemas = &document["components"]["schemas"];
        for name in rules::TARGETS {
            assert!(schemas.get(name).is_some(), "{name} is missing");
        }
        assert!(schemas["CloseEpisode"]["anyOf"].is_array());
        assert!(schemas["DecideReview"]["anyOf"].is_array());
        for member in ["NewMember", "FamilyMember"] {
            assert!(schemas[member]["oneOf"].is_array(), "{member}");
            assert!(schemas[member]["properties"]["disabilities"]["anyOf"].is_array());
        }
        assert!(schemas["FamilyMember"]["properties"]
            .get("confirm_new")
            .is_none());
        assert_eq!(
            schemas["CreateFamily"]["properties"]["members"]["items"]["$ref"],
            "#/components/schemas/FamilyMember"
        );
        assert!(schemas["UpdatePerson"]["not"].is_object());
        assert_eq!(
            schemas["FormFieldInput"]["oneOf"].as_array().unwrap().len(),
            4
        );
        assert_eq!(
            schemas["FormItemFieldInput"]["oneOf"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        assert!(schemas["UpdatePerson"]["properties"]["disabilities"]["anyOf"].is_array());
    }
}
