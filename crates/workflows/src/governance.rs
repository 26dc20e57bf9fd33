//! Information governance reads the audit trail: entries by entity, actor, action, outcome
//! and period, and who accessed one person's record. Only the auditor role may; each query is
//! itself audited (an access-log read is an entry about the person, so it shows in their log).

use crate::step::audited_read;
use crate::{Refusal, Result};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::PersonId;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent, StoredAuditEvent};
use earlyhelp_persistence::audit_queries::{self, AuditFilter};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::PgConnection;
use serde_json::json;

#[derive(Debug, Clone)]
pub struct SearchAudit {
    pub filter: AuditFilter,
    pub page: PageRequest,
    /// How the entries leave: `json` or `csv` (recorded in the query's own entry).
    pub format: &'static str,
}

/// A page of the entries the filter selects, newest first.
pub fn query(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: SearchAudit,
) -> Result<Page<StoredAuditEvent>> {
    policy::authorize(actor, Permission::ReadAuditTrail)?;
    let filter = &command.filter;
    let event = AuditEvent::new(
        AuditAction::QueryAuditTrail,
        EntityType::AuditTrail,
        None,
        Outcome::Success,
    )
    .with_detail(json!({
        "entity_type": filter.entity_type.map(|t| t.as_str()),
        "entity_id": filter.entity_id,
        "actor_id": filter.actor,
        "action": filter.action.map(|a| a.as_str()),
        "outcome": filter.outcome,
        "from": filter.from,
        "to": filter.to,
        "format": command.format,
    }));
    audited_read(conn, audit, event, |conn| {
        Ok(audit_queries::query(conn, filter, &command.page)?)
    })
}

/// A page of the entries about every record that concerns `person`, newest first; 404 for a
/// person who does not exist.
pub fn access_log(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    person: PersonId,
    page: PageRequest,
) -> Result<Page<StoredAuditEvent>> {
    policy::authorize(actor, Permission::ReadAuditTrail)?;
    if !audit_queries::person_exists(conn, person)? {
        return Err(Refusal::NotFound.into());
    }
    let event = AuditEvent::success(AuditAction::ReadAccessLog, EntityType::Person, person);
    audited_read(conn, audit, event, |conn| {
        Ok(audit_queries::access_log(conn, person, &page)?)
    })
}
