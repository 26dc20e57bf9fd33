//! Versioned form templates, and the validation of a form's content against its template.
//!
//! The Strengths and Needs form changes over time (it was redesigned in 2022), so its shape is
//! data, not code: an admin publishes a [`TemplateDefinition`] as JSON, each form records the
//! version it was started on, and its content is checked against that version. A draft may be
//! incomplete; a submission must answer every required question.
//!
//! Problems are reported all at once, each with the path of the answer it concerns
//! (`family_and_household.professionals_involved[1].role`), so a client can mark every field
//! in one round trip instead of one error per save.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;

use crate::calendar::parse_iso_date;

mod snf;
pub use snf::snf_v1;

/// The template name under which every version of the Strengths and Needs form is published.
pub const SNF_TEMPLATE_NAME: &str = "strengths_and_needs";

/// The longest answer allowed by default for a `text` field, in characters.
pub const DEFAULT_TEXT_MAX_LENGTH: u32 = 2_000;
/// The longest answer allowed by default for a `long_text` field, in characters.
pub const DEFAULT_LONG_TEXT_MAX_LENGTH: u32 = 20_000;
/// The largest `max_length` a template may set: a bound on what one answer can cost to store.
pub const MAX_MAX_LENGTH: u32 = 100_000;

/// A form template as admins publish it: titled sections of typed fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateDefinition {
    pub title: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The key of this section's object in the form content.
    pub key: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The key of this answer in its section's (or list item's) object.
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// Must be answered before the form can be submitted; drafts may leave it empty.
    #[serde(default)]
    pub required: bool,
    /// The choices of a `select` or `multi_select` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<CodeOption>,
    /// For `text` and `long_text`: the longest answer, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// For `list`: each item of the list is an object of these fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FieldKind {
    /// A single line of text.
    Text,
    /// Paragraphs of text: the views, strengths, needs and analysis.
    LongText,
    /// A calendar date written YYYY-MM-DD.
    Date,
    Boolean,
    Integer,
    /// One of the field's option codes.
    Select,
    /// Any number of distinct option codes.
    MultiSelect,
    /// Repeated entries (people, outcomes, actions), each an object of `item_fields`.
    List,
}

impl FieldKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    const fn has_options(self) -> bool {
        matches!(self, FieldKind::Select | FieldKind::MultiSelect)
    }

    const fn is_text(self) -> bool {
        matches!(self, FieldKind::Text | FieldKind::LongText)
    }
}

/// One choice of a select: the code is what the content stores, the label what people read.
/// Codes are stored so that a later version can reword a label without changing old answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeOption {
    pub code: String,
    pub label: String,
}

/// One thing wrong with a template or with form content, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// Where: `sections[2].fields[0].options` in a template, `childs_views.views` or
    /// `desired_outcomes.outcomes[1].outcome` in content, `content` for the whole document.
    pub path: String,
    pub message: String,
}

impl FieldProblem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// How complete form content must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strictness {
    /// Saving work in progress: answers must be well-formed, but any may be missing or null.
    Draft,
    /// Submitting for review: every required answer must also be given.
    Submit,
}

impl TemplateDefinition {
    /// Refuses a definition that could not be filled in or validated unambiguously. Run before a
    /// template version is published; published versions are immutable.
    pub fn check(&self) -> Result<(), Vec<FieldProblem>> {
        let mut problems = Vec::new();
        if self.title.trim().is_empty() {
            problems.push(FieldProblem::new("title", "must not be blank"));
        }
        if self.sections.is_empty() {
            problems.push(FieldProblem::new(
                "sections",
                "a template needs at least one section",
            ));
        }
        let mut keys = HashSet::new();
        for (i, section) in self.sections.iter().enumerate() {
            let path = format!("sections[{i}]");
            check_key(&section.key, &path, &mut keys, "section", &mut problems);
            if section.title.trim().is_empty() {
                problems.push(FieldProblem::new(
                    format!("{path}.title"),
                    "must not be blank",
                ));
            }
            if section.fields.is_empty() {
                problems.push(FieldProblem::new(
                    format!("{path}.fields"),
                    "a section needs at least one field",
                ));
            }
            check_fields(
                &section.fields,
                &format!("{path}.fields"),
                false,
                &mut problems,
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Every problem with `content` as an answer to this template; empty when it is valid.
    ///
    /// Content is an object keyed by section key, each section an object keyed by field key.
    /// `null` (or an absent key) means "not yet answered". Keys the template does not know are
    /// always refused: they would be stored but never shown, and so never reviewed.
    pub fn validate(&self, content: &Value, strictness: Strictness) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        let Some(content) = content.as_object() else {
            problems.push(FieldProblem::new(
                "content",
                "must be an object keyed by section",
            ));
            return problems;
        };
        for key in content.keys() {
            if !self.sections.iter().any(|section| &section.key == key) {
                problems.push(FieldProblem::new(key.clone(), "unknown section"));
            }
        }
        for section in &self.sections {
            let answers = match content.get(&section.key) {
                None | Some(Value::Null) => None,
                Some(Value::Object(answers)) => Some(answers),
                Some(_) => {
                    problems.push(FieldProblem::new(
                        section.key.clone(),
                        "must be an object keyed by field",
                    ));
                    continue;
                }
            };
            validate_object(
                &section.fields,
                answers,
                &section.key,
                strictness,
                &mut problems,
            );
        }
        problems
    }
}

fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && key.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_key(
    key: &str,
    path: &str,
    seen: &mut HashSet<String>,
    what: &str,
    problems: &mut Vec<FieldProblem>,
) {
    if !is_valid_key(key) {
        problems.push(FieldProblem::new(
            format!("{path}.key"),
            "must start with a lower-case letter and contain only a-z, 0-9 and _ \
             (at most 64 characters)",
        ));
    } else if !seen.insert(key.to_owned()) {
        problems.push(FieldProblem::new(
            format!("{path}.key"),
            format!("duplicate {what} key '{key}'"),
        ));
    }
}

fn check_fields(fields: &[Field], path: &str, in_list: bool, problems: &mut Vec<FieldProblem>) {
    let mut keys = HashSet::new();
    for (j, field) in fields.iter().enumerate() {
        let path = format!("{path}[{j}]");
        check_key(&field.key, &path, &mut keys, "field", problems);
        if field.label.trim().is_empty() {
            problems.push(FieldProblem::new(
                format!("{path}.label"),
                "must not be blank",
            ));
        }

        if field.kind.has_options() {
            if field.options.is_empty() {
                problems.push(FieldProblem::new(
                    format!("{path}.options"),
                    format!("a {} field needs at least one option", field.kind),
                ));
            }
            let mut codes = HashSet::new();
            for (k, option) in field.options.iter().enumerate() {
                if option.code.trim().is_empty() {
                    problems.push(FieldProblem::new(
                        format!("{path}.options[{k}].code"),
                        "must not be blank",
                    ));
                } else if !codes.insert(option.code.as_str()) {
                    problems.push(FieldProblem::new(
                        format!("{path}.options[{k}].code"),
                        format!("duplicate option code '{}'", option.code),
                    ));
                }
                if option.label.trim().is_empty() {
                    problems.push(FieldProblem::new(
                        format!("{path}.options[{k}].label"),
                        "must not be blank",
                    ));
                }
            }
        } else if !field.options.is_empty() {
            problems.push(FieldProblem::new(
                format!("{path}.options"),
                "only select and multi_select fields have options",
            ));
        }

        if field.kind == FieldKind::List {
            if in_list {
                problems.push(FieldProblem::new(
                    format!("{path}.type"),
                    "a list cannot contain another list",
                ));
            } else if field.item_fields.is_empty() {
                problems.push(FieldProblem::new(
                    format!("{path}.item_fields"),
                    "a list field needs at least one item field",
                ));
            } else {
                check_fields(
                    &field.item_fields,
                    &format!("{path}.item_fields"),
                    true,
                    problems,
                );
            }
        } else if !field.item_fields.is_empty() {
            problems.push(FieldProblem::new(
                format!("{path}.item_fields"),
                "only list fields have item_fields",
            ));
        }

        match field.max_length {
            Some(_) if !field.kind.is_text() => problems.push(FieldProblem::new(
                format!("{path}.max_length"),
                "only text and long_text fields have a max_length",
            )),
            Some(length) if !(1..=MAX_MAX_LENGTH).contains(&length) => {
                problems.push(FieldProblem::new(
                    format!("{path}.max_length"),
                    format!("must be between 1 and {MAX_MAX_LENGTH}"),
                ))
            }
            _ => {}
        }
    }
}

/// Validates one object of answers (a section, or one item of a list) against its fields.
/// `answers` is `None` when the whole object is unanswered.
fn validate_object(
    fields: &[Field],
    answers: Option<&Map<String, Value>>,
    path: &str,
    strictness: Strictness,
    problems: &mut Vec<FieldProblem>,
) {
    if let Some(answers) = answers {
        for key in answers.keys() {
            if !fields.iter().any(|field| &field.key == key) {
                problems.push(FieldProblem::new(format!("{path}.{key}"), "unknown field"));
            }
        }
    }
    for field in fields {
        let path = format!("{path}.{}", field.key);
        match answers.and_then(|answers| answers.get(&field.key)) {
            None | Some(Value::Null) => {
                if strictness == Strictness::Submit && field.required {
                    problems.push(FieldProblem::new(path, "is required"));
                }
            }
            Some(value) => validate_value(field, value, &path, strictness, problems),
        }
    }
}

fn validate_value(
    field: &Field,
    value: &Value,
    path: &str,
    strictness: Strictness,
    problems: &mut Vec<FieldProblem>,
) {
    let required = strictness == Strictness::Submit && field.required;
    let mut problem = |message: String| problems.push(FieldProblem::new(path, message));
    match field.kind {
        FieldKind::Text | FieldKind::LongText => {
            let Some(text) = value.as_str() else {
                return problem("must be text".into());
            };
            let limit = field.max_length.unwrap_or(match field.kind {
                FieldKind::LongText => DEFAULT_LONG_TEXT_MAX_LENGTH,
                _ => DEFAULT_TEXT_MAX_LENGTH,
            });
            if text.chars().count() > limit as usize {
                problem(format!("must be at most {limit} characters"));
            }
            // PostgreSQL cannot store U+0000 in jsonb; refusing it here gives a 422, not a 500.
            if text.contains('\0') {
                problem("must not contain NUL characters".into());
            }
            if required && text.trim().is_empty() {
                problem("is required".into());
            }
        }
        FieldKind::Date => {
            if value.as_str().and_then(parse_iso_date).is_none() {
                problem("must be a date in the form YYYY-MM-DD".into());
            }
        }
        FieldKind::Boolean => {
            if !value.is_boolean() {
                problem("must be true or false".into());
            }
        }
        FieldKind::Integer => {
            if !(value.is_i64() || value.is_u64()) {
                problem("must be a whole number".into());
            }
        }
        FieldKind::Select => {
            if !value.as_str().is_some_and(|code| is_option(field, code)) {
                problem(one_of(field));
            }
        }
        FieldKind::MultiSelect => {
            let Some(codes) = value.as_array() else {
                return problem(format!("must be a list of codes; {}", one_of(field)));
            };
            if required && codes.is_empty() {
                problem("is required: choose at least one".into());
            }
            let mut seen = HashSet::new();
            for (i, code) in codes.iter().enumerate() {
                let path = format!("{path}[{i}]");
                match code.as_str() {
                    Some(code) if is_option(field, code) => {
                        if !seen.insert(code) {
                            problems.push(FieldProblem::new(path, "is chosen more than once"));
                        }
                    }
                    _ => problems.push(FieldProblem::new(path, one_of(field))),
                }
            }
        }
        FieldKind::List => {
            let Some(items) = value.as_array() else {
                return problem("must be a list".into());
            };
            if required && items.is_empty() {
                problem("is required: add at least one entry".into());
            }
            for (i, item) in items.iter().enumerate() {
                let path = format!("{path}[{i}]");
                match item.as_object() {
                    Some(answers) => validate_object(
                        &field.item_fields,
                        Some(answers),
                        &path,
                        strictness,
                        problems,
                    ),
                    None => problems.push(FieldProblem::new(path, "must be an object")),
                }
            }
        }
    }
}

fn is_option(field: &Field, code: &str) -> bool {
    field.options.iter().any(|option| option.code == code)
}

fn one_of(field: &Field) -> String {
    let codes: Vec<&str> = field.options.iter().map(|o| o.code.as_str()).collect();
    format!("must be one of: {}", codes.join(", "))
}

#[cfg(test)]
mod tests;
