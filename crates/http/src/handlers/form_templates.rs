//! `/api/v1/form-templates`: the published, versioned form definitions. Admins publish;
//! everyone signed in reads them to render forms ([`earlyhelp_workflows::templates`]).

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{List, PageQuery};
use crate::json::ApiJson;
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, PayloadTooLarge, ServiceUnavailable, Unauthorized,
    UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::web::Query;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::forms::TemplateDefinition;
use earlyhelp_domain::policy::{self, Permission};
use earlyhelp_persistence::templates::FormTemplate;
use earlyhelp_workflows::templates::{self, field_errors, PublishTemplate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PublishFormTemplate)]
pub struct PublishTemplateRequest {
    /// The template's name: lower-case letters, digits and underscores, starting with a
    /// letter, at most 64 characters. The Strengths and Needs form is `strengths_and_needs`.
    #[schema(value_type = crate::openapi::values::TemplateKey)]
    name: String,
    // Read as a `TemplateDefinition` in the handler, so that each problem is reported at its path.
    #[schema(value_type = schema::FormDefinitionInput)]
    definition: Value,
}

/// One published, immutable version of a form template.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FormTemplate)]
pub struct TemplateResponse {
    id: Uuid,
    #[schema(value_type = crate::openapi::values::TemplateKey)]
    name: String,
    #[schema(minimum = 1)]
    version: i32,
    published_at: DateTime<Utc>,
    /// `null` for a version installed with the service.
    #[schema(required = true)]
    published_by: Option<Uuid>,
    #[schema(value_type = schema::FormDefinition)]
    definition: Value,
}
impl From<FormTemplate> for TemplateResponse {
    fn from(row: FormTemplate) -> Self {
        Self {
            id: row.id.into(),
            name: row.name,
            version: row.version,
            published_at: row.published_at,
            published_by: row.published_by.map(Uuid::from),
            definition: row.definition,
        }
    }
}
/// List form templates
///
/// Every published version of every form template, newest first. Open to every role.
#[utoipa::path(
    get,
    path = "/api/v1/form-templates",
    operation_id = "list_form_templates",
    tag = "assessments",
    params(PageQuery),
    responses(
        (
            status = 200,
            description = "A page of the published templates.",
            body = List<TemplateResponse>,
        ),
        (status = 401, response = Unauthorized),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_form_templates(
    state: State,
    auth: Authenticated,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let list = auth
        .run(&state, move |conn, audit, actor| {
            templates::list(conn, audit, actor, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(list, TemplateResponse::from)))
}
impl TryFrom<PublishTemplateRequest> for PublishTemplate {
    type Error = ApiError;

    fn try_from(body: PublishTemplateRequest) -> Result<Self, ApiError> {
        let valid_name = !body.name.is_empty()
            && body.name.len() <= 64
            && body.name.starts_with(|c: char| c.is_ascii_lowercase())
            && body
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            return Err(ApiError::validation(
                "name",
                "must be lower case letters, digits and underscores, starting with a letter",
            ));
        }
        let definition: TemplateDefinition = serde_path_to_error::deserialize(body.definition)
            .map_err(|error| {
                ApiError::validation(format!("definition.{}", error.path()), error.into_inner())
            })?;
        definition
            .check()
            .map_err(|list| field_errors(list, "definition"))?;
        Ok(PublishTemplate {
            name: body.name,
            definition,
        })
    }
}
/// Publish a form template version
///
/// Publishes the next version of the template `name` (version 1 for a new name). Published
/// versions never change; forms already started keep the version they started on, and new
/// Strengths and Needs forms start on the latest version of `strengths_and_needs`. Needs the
/// `admin` role (403 otherwise). Every problem with the definition is reported in one 422,
/// each at its path (`definition.sections[2].fields[0].options`).
#[utoipa::path(
    post,
    path = "/api/v1/form-templates",
    operation_id = "publish_form_template",
    tag = "assessments",
    request_body = PublishTemplateRequest,
    responses(
        (status = 201, description = "Published.", body = TemplateResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn publish_form_template(
    state: State,
    auth: Authenticated,
    body: ApiJson<PublishTemplateRequest>,
) -> Result<HttpResponse, ApiError> {
    // Asked before the body's checks, as the workflow asks again, so a user who may not
    // publish learns nothing from them.
    policy::authorize(&auth.actor, Permission::PublishFormTemplates)?;
    let command = PublishTemplate::try_from(body.0)?;
    let template = auth
        .run(&state, |conn, audit, actor| {
            templates::publish(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created().json(TemplateResponse::from(template)))
}

/// The schemas of a template definition ([`TemplateDefinition`] and its parts), as published
/// (the `…Input` ones, deriving what `serde` reads) and as stored and answered (deriving what it
/// writes). Schemas only: a unit test holds them to the domain's types.
pub mod schema {
    use crate::openapi::values::{TemplateNote, TemplateText};
    use serde::{Deserialize, Serialize};
    use utoipa::ToSchema;

    /// What a field's answer is: `text` a single line, `long_text` paragraphs, `date`
    /// `YYYY-MM-DD`, `boolean`, `integer` a whole number, `select` one option code,
    /// `multi_select` a list of distinct option codes, `list` repeated entries, each an object
    /// of the field's `item_fields`.
    #[derive(Debug, PartialEq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum FieldKind {
        Text,
        LongText,
        Date,
        Boolean,
        Integer,
        Select,
        MultiSelect,
        List,
    }

    /// One choice of a select. The content stores the `code`; people read the `label`.
    #[derive(Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct FormOption {
        /// Not blank; unique within the field.
        #[schema(value_type = TemplateText)]
        pub code: String,
        #[schema(value_type = TemplateText)]
        pub label: String,
    }

    /// A published template's definition, as it was checked and stored.
    #[derive(Serialize, ToSchema)]
    pub struct FormDefinition {
        pub title: String,
        #[schema(min_items = 1)]
        pub sections: Vec<FormSection>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct FormSection {
        /// The key of this section's object in the form content.
        #[schema(value_type = crate::openapi::values::TemplateKey)]
        pub key: String,
        pub title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        pub description: Option<String>,
        #[schema(min_items = 1)]
        pub fields: Vec<FormField>,
    }

    /// A question of a published template. `options` appears on select fields only,
    /// `item_fields` on list fields only, `max_length`, `description` and `help` only when set.
    #[derive(Serialize, ToSchema)]
    pub struct FormField {
        #[schema(value_type = crate::openapi::values::TemplateKey)]
        pub key: String,
        pub label: String,
        #[serde(rename = "type")]
        pub kind: FieldKind,
        /// Must be answered before the form is submitted.
        pub required: bool,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        #[schema(min_items = 1)]
        pub options: Vec<FormOption>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false, minimum = 1, maximum = 100_000)]
        pub max_length: Option<u32>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        #[schema(min_items = 1, no_recursion)]
        pub item_fields: Vec<FormField>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        pub help: Option<String>,
    }

    /// Titled sections of typed fields. Keys are unique among their siblings (sections, the
    /// fields of a section, the item fields of a list); titles and labels are not blank.
    #[derive(Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct FormDefinitionInput {
        #[schema(value_type = TemplateText)]
        pub title: String,
        #[schema(min_items = 1)]
        pub sections: Vec<FormSectionInput>,
    }

    #[derive(Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct FormSectionInput {
        /// The key of this section's object in the form content.
        #[schema(value_type = crate::openapi::values::TemplateKey)]
        pub key: String,
        #[schema(value_type = TemplateText)]
        pub title: String,
        #[serde(default)]
        #[schema(value_type = Option<TemplateNote>)]
        pub description: Option<String>,
        #[schema(min_items = 1)]
        pub fields: Vec<FormFieldInput>,
    }

    /// A question. `select` and `multi_select` fields need `options` (and only they may have
    /// them); `list` fields need `item_fields` (and only they may have them; a list cannot hold
    /// another list); only `text` and `long_text` fields may have a `max_length` (by default
    /// 2000 and 20000 characters).
    #[derive(Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct FormFieldInput {
        #[schema(value_type = crate::openapi::values::TemplateKey)]
        pub key: String,
        #[schema(value_type = TemplateText)]
        pub label: String,
        #[serde(rename = "type")]
        pub kind: FieldKind,
        #[serde(default)]
        pub required: bool,
        #[serde(default)]
        pub options: Vec<FormOption>,
        #[serde(default)]
        #[schema(minimum = 1, maximum = 100_000)]
        pub max_length: Option<u32>,
        #[serde(default)]
        pub item_fields: Vec<FormItemFieldInput>,
        #[serde(default)]
        #[schema(value_type = Option<TemplateNote>)]
        pub help: Option<String>,
    }

    /// A question of a `list` field's items: as `FormFieldInput`, but not a list itself (a list
    /// cannot hold another list), so with no `item_fields`.
    #[derive(Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct FormItemFieldInput {
        #[schema(value_type = crate::openapi::values::TemplateKey)]
        pub key: String,
        #[schema(value_type = TemplateText)]
        pub label: String,
        #[serde(rename = "type")]
        #[schema(value_type = ItemFieldKind)]
        pub kind: FieldKind,
        #[serde(default)]
        pub required: bool,
        #[serde(default)]
        pub options: Vec<FormOption>,
        #[serde(default)]
        #[schema(minimum = 1, maximum = 100_000)]
        pub max_length: Option<u32>,
        #[serde(default)]
        #[schema(value_type = Option<TemplateNote>)]
        pub help: Option<String>,
    }

    /// What an item field's answer is: as `FieldKind`, but not `list`.
    #[derive(ToSchema)]
    #[schema(rename_all = "snake_case")]
    #[allow(dead_code)] // A schema only: item fields are read as `FormFieldInput`s.
    pub enum ItemFieldKind {
        Text,
        LongText,
        Date,
        Boolean,
        Integer,
        Select,
        MultiSelect,
    }
}

#[cfg(test)]
mod tests {
    use super::schema;
    use crate::openapi::{keys, property_names};
    use earlyhelp_domain::forms::{CodeOption, Field, FieldKind, Section, TemplateDefinition};
    use utoipa::PartialSchema;

    /// Every domain kind has its schema value (the match is exhaustive) and back.
    fn documented(kind: FieldKind) -> schema::FieldKind {
        match kind {
            FieldKind::Text => schema::FieldKind::Text,
            FieldKind::LongText => schema::FieldKind::LongText,
            FieldKind::Date => schema::FieldKind::Date,
            FieldKind::Boolean => schema::FieldKind::Boolean,
            FieldKind::Integer => schema::FieldKind::Integer,
            FieldKind::Select => schema::FieldKind::Select,
            FieldKind::MultiSelect => schema::FieldKind::MultiSelect,
            FieldKind::List => schema::FieldKind::List,
        }
    }

    #[test]
    fn the_field_kinds_are_the_domains() {
        for name in [
            "text",
            "long_text",
            "date",
            "boolean",
            "integer",
            "select",
            "multi_select",
            "list",
        ] {
            let kind: FieldKind = serde_json::from_value(name.into()).unwrap_or(FieldKind::Text);
            assert_eq!(
                serde_json::to_value(documented(kind)).ok(),
                Some(name.into())
            );
            assert_eq!(serde_json::to_value(kind).ok(), Some(name.into()));
        }
    }

    #[test]
    fn the_definition_schemas_have_the_keys_of_a_definition() {
        let option = CodeOption {
            code: "yes".to_owned(),
            label: "Yes".to_owned(),
        };
        let item = Field {
            key: "name".to_owned(),
            label: "Name".to_owned(),
            kind: FieldKind::Text,
            required: true,
            options: Vec::new(),
            max_length: Some(100),
            item_fields: Vec::new(),
            help: Some("Their name.".to_owned()),
        };
        let field = Field {
            key: "people".to_owned(),
            label: "People".to_owned(),
            kind: FieldKind::List,
            required: false,
            options: vec![option.clone()],
            max_length: Some(10),
            item_fields: vec![item],
            help: Some("Everyone involved.".to_owned()),
        };
        let section = Section {
            key: "family".to_owned(),
            title: "Family".to_owned(),
            description: Some("Who is in the family.".to_owned()),
            fields: vec![field.clone()],
        };
        let definition = TemplateDefinition {
            title: "Strengths and Needs".to_owned(),
            sections: vec![section.clone()],
        };
        let pairs = [
            (schema::FormDefinition::schema(), keys(&definition)),
            (schema::FormDefinitionInput::schema(), keys(&definition)),
            (schema::FormSection::schema(), keys(&section)),
            (schema::FormSectionInput::schema(), keys(&section)),
            (schema::FormField::schema(), keys(&field)),
            (schema::FormFieldInput::schema(), keys(&field)),
            (schema::FormOption::schema(), keys(&option)),
        ];
        for (schema, keys) in pairs {
            assert_eq!(property_names(schema), keys);
        }
        let mut item_keys = keys(&field);
        item_keys.remove("item_fields");
        assert_eq!(
            property_names(schema::FormItemFieldInput::schema()),
            item_keys
        );
    }
}
