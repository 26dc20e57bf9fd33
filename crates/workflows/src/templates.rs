//! Form templates: the published, versioned definitions every form is drafted and checked
//! against. Admins publish a new version; everyone signed in reads them to render forms.

use crate::step::{audited_read, transaction};
use crate::{Failure, Result};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::forms::{FieldProblem, TemplateDefinition};
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::validation::{FieldError, Invalid};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::templates::{self, FormTemplate};
use earlyhelp_persistence::PgConnection;
use serde_json::json;

#[derive(Debug, Clone)]
pub struct PublishTemplate {
    /// Lower case letters, digits and underscores, starting with a letter (checked when the
    /// command is built).
    pub name: String,
    /// A definition that passed its own checks.
    pub definition: TemplateDefinition,
}

/// Every published version of every template, newest first.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    _actor: &Actor,
    page: PageRequest,
) -> Result<Page<FormTemplate>> {
    let event = AuditEvent::new(
        AuditAction::ListFormTemplates,
        EntityType::FormTemplate,
        None,
        Outcome::Success,
    );
    audited_read(conn, audit, event, |conn| Ok(templates::list(conn, &page)?))
}

/// Publishes the next version of the named template; forms already started keep the version
/// they were started on.
pub fn publish(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: PublishTemplate,
) -> Result<FormTemplate> {
    policy::authorize(actor, Permission::PublishFormTemplates)?;
    let stored = serde_json::to_value(&command.definition)
        .map_err(|error| Failure::Defect(format!("template definition unwritable: {error}")))?;
    let by = actor.user_id;
    transaction(conn, audit, |conn, trail| {
        let template = templates::publish(conn, &command.name, &stored, Some(by))?;
        trail.record(
            AuditEvent::success(
                AuditAction::PublishFormTemplate,
                EntityType::FormTemplate,
                template.id,
            )
            .with_detail(json!({ "version": template.version })),
        );
        Ok(template)
    })
}

/// The definition a stored template holds; one that no longer reads is a defect, never the
/// caller's fault.
pub(crate) fn definition_of(template: &FormTemplate) -> Result<TemplateDefinition> {
    serde_json::from_value(template.definition.clone()).map_err(|error| {
        Failure::Defect(format!(
            "stored template {} unreadable: {error}",
            template.id
        ))
    })
}

/// The form engine's problems as field errors under `prefix` (`content`, `definition`), so a
/// client sees the path into the document it sent.
pub fn field_errors(problems: Vec<FieldProblem>, prefix: &str) -> Invalid {
    Invalid(
        problems
            .into_iter()
            .map(|problem| {
                let field = if problem.path.is_empty() {
                    prefix.to_owned()
                } else {
                    format!("{prefix}.{}", problem.path)
                };
                FieldError::new(field, problem.message)
            })
            .collect(),
    )
}
