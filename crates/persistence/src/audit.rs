//! The audit trail: the one way to record who did what, in the transaction that did it.
//!
//! Write paths run inside [`audited`], which hands them an [`AuditTrail`] to record into and
//! writes those entries before the same transaction commits: a change and its audit entry
//! land together or not at all. A change that records nothing is refused, so a new write path
//! cannot forget its entry. Attempts that change nothing (a failed sign-in, a refusal) use
//! [`record`].

use crate::schema::audit_events;
use crate::{Error, Result};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::{AuditEventId, UserId};
use uuid::Uuid;

/// Who is acting and under which request; carried from the HTTP layer into every write.
#[derive(Debug, Clone)]
pub struct AuditContext {
    pub actor: Option<UserId>,
    pub request_id: String,
    /// The client's address, as the request middleware resolved it; `None` outside a request
    /// (the CLI's own steps).
    pub client_address: Option<String>,
}

/// One entry to be written. `detail` holds codes and ids only, never names.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub entity_type: EntityType,
    pub entity_id: Option<Uuid>,
    pub outcome: Outcome,
    pub detail: serde_json::Value,
}

impl AuditEvent {
    pub fn new(
        action: AuditAction,
        entity_type: EntityType,
        entity_id: Option<Uuid>,
        outcome: Outcome,
    ) -> Self {
        Self {
            action,
            entity_type,
            entity_id,
            outcome,
            detail: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn success(
        action: AuditAction,
        entity_type: EntityType,
        entity_id: impl Into<Uuid>,
    ) -> Self {
        Self::new(
            action,
            entity_type,
            Some(entity_id.into()),
            Outcome::Success,
        )
    }

    pub fn with_detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// Collects the entries of one transaction.
#[derive(Debug, Default)]
pub struct AuditTrail {
    events: Vec<AuditEvent>,
}

impl AuditTrail {
    pub fn record(&mut self, event: AuditEvent) {
        self.events.push(event);
    }
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    id: AuditEventId,
    actor_id: Option<UserId>,
    action: AuditAction,
    entity_type: EntityType,
    entity_id: Option<Uuid>,
    request_id: &'a str,
    outcome: Outcome,
    detail: &'a serde_json::Value,
    client_address: Option<&'a str>,
}

fn insert(conn: &mut PgConnection, context: &AuditContext, events: &[AuditEvent]) -> Result<()> {
    let rows: Vec<NewAuditEvent<'_>> = events
        .iter()
        .map(|event| NewAuditEvent {
            id: AuditEventId::generate(),
            actor_id: context.actor,
            action: event.action,
            entity_type: event.entity_type,
            entity_id: event.entity_id,
            request_id: &context.request_id,
            outcome: event.outcome,
            detail: &event.detail,
            client_address: context.client_address.as_deref(),
        })
        .collect();
    diesel::insert_into(audit_events::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

/// Runs `change` in a transaction and commits its audit entries with it.
pub fn audited<T>(
    conn: &mut PgConnection,
    context: &AuditContext,
    change: impl FnOnce(&mut PgConnection, &mut AuditTrail) -> Result<T>,
) -> Result<T> {
    conn.transaction(|conn| {
        let mut trail = AuditTrail::default();
        let value = change(conn, &mut trail)?;
        if trail.events.is_empty() {
            return Err(Error::Unaudited);
        }
        insert(conn, context, &trail.events)?;
        Ok(value)
    })
}

/// Runs one step (a read, or a write that is a single call) with its one audit entry, in one
/// transaction: a step whose entry cannot be written returns nothing and changes nothing.
pub fn with_entry<T>(
    conn: &mut PgConnection,
    context: &AuditContext,
    event: AuditEvent,
    step: impl FnOnce(&mut PgConnection) -> Result<T>,
) -> Result<T> {
    audited(conn, context, |conn, trail| {
        trail.record(event);
        step(conn)
    })
}

/// Records one entry on its own: for attempts that change nothing else.
pub fn record(conn: &mut PgConnection, context: &AuditContext, event: AuditEvent) -> Result<()> {
    insert(conn, context, std::slice::from_ref(&event))
}

/// A stored entry, as the audit queries ([`crate::audit_queries`]) and the tests read them. Its action
/// and entity type stay text: those columns admit any such name, and an entry written by a
/// newer build must still read.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct StoredAuditEvent {
    pub id: AuditEventId,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub actor_id: Option<UserId>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    pub request_id: String,
    pub outcome: Outcome,
    pub detail: serde_json::Value,
    pub client_address: Option<String>,
}

/// Entries about one record, oldest first.
pub fn for_entity(
    conn: &mut PgConnection,
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Vec<StoredAuditEvent>> {
    Ok(audit_events::table
        .filter(audit_events::entity_type.eq(entity_type))
        .filter(audit_events::entity_id.eq(entity_id))
        .order((audit_events::occurred_at, audit_events::id))
        .select(StoredAuditEvent::as_select())
        .load(conn)?)
}
