//! The two shapes every step takes: a change in one audited transaction, or an audited read.

use crate::{Failure, Refusal, Result};
use earlyhelp_domain::policy::Actor;
use earlyhelp_domain::FamilyId;
use earlyhelp_persistence::audit::{self, AuditContext, AuditEvent, AuditTrail};
use earlyhelp_persistence::idempotency;
use earlyhelp_persistence::pagination::Page;
use earlyhelp_persistence::{Error as DbError, PgConnection};
use serde_json::json;
use uuid::Uuid;

/// Runs `change` in one transaction that commits its audit entries with it. A refusal part-way
/// (a rule re-checked after locking) rolls everything back and is returned as it is; a change
/// that recorded no audit entry is refused by the audit writer.
pub fn transaction<T>(
    conn: &mut PgConnection,
    context: &AuditContext,
    change: impl FnOnce(&mut PgConnection, &mut AuditTrail) -> Result<T>,
) -> Result<T> {
    let mut stopped = None;
    let result = audit::audited(conn, context, |conn, trail| match change(conn, trail) {
        Ok(value) => Ok(value),
        Err(Failure::Storage(error)) => Err(error),
        Err(other) => {
            stopped = Some(other);
            Err(DbError::RolledBack)
        }
    });
    match (result, stopped) {
        (_, Some(failure)) => Err(failure),
        (Ok(value), None) => Ok(value),
        (Err(error), None) => Err(error.into()),
    }
}

/// Runs one read (or a write that is a single call) with its one audit entry, in one
/// transaction: a step whose entry cannot be written returns nothing and changes nothing.
pub fn audited_read<T>(
    conn: &mut PgConnection,
    context: &AuditContext,
    event: AuditEvent,
    read: impl FnOnce(&mut PgConnection) -> Result<T>,
) -> Result<T> {
    transaction(conn, context, |conn, trail| {
        trail.record(event);
        read(conn)
    })
}

/// Runs one list read with its audit entry, which records the families the page showed
/// (`{"family_ids": [...]}`), so "who saw this child's record" covers lists too.
pub fn audited_list<T, F: Into<Option<FamilyId>>>(
    conn: &mut PgConnection,
    context: &AuditContext,
    event: AuditEvent,
    read: impl FnOnce(&mut PgConnection) -> Result<Page<T>>,
    family_of: impl Fn(&T) -> F,
) -> Result<Page<T>> {
    transaction(conn, context, |conn, trail| {
        let page = read(conn)?;
        let mut shown: Vec<FamilyId> = Vec::new();
        for family in page.items.iter().filter_map(|item| family_of(item).into()) {
            if !shown.contains(&family) {
                shown.push(family);
            }
        }
        trail.record(event.with_detail(json!({ "family_ids": shown })));
        Ok(page)
    })
}

/// Runs several steps as one: all of them land, or none does (each step's own transaction
/// becomes a savepoint). For callers that script a whole story, such as the demo seed.
pub fn all_or_nothing<T, E>(
    conn: &mut PgConnection,
    steps: impl FnOnce(&mut PgConnection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E>
where
    E: From<DbError>,
{
    earlyhelp_persistence::atomically(conn, steps)
}

/// A client's key for one request, with a digest of what that request was: the same key sent
/// with a different request is refused rather than answered with the wrong replay.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: Vec<u8>,
}

/// Runs a keyed create with its key held: a concurrent request with the same key waits until
/// this one has finished, then finds what it made with [`created_before`]. Without a key it
/// simply runs.
pub fn keyed<T>(
    conn: &mut PgConnection,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
    create: impl FnOnce(&mut PgConnection) -> Result<T>,
) -> Result<T> {
    let Some(held) = key else {
        return create(conn);
    };
    idempotency::hold(conn, actor.user_id, &held.key)?;
    let result = create(conn);
    if let Err(error) = idempotency::release(conn, actor.user_id, &held.key) {
        // A connection that cannot run this is broken, and its lock went with it.
        tracing::warn!(%error, "could not release an idempotency key's lock");
    }
    result
}

/// The record a keyed create made before, when this key was used already: a retry gets that
/// record again instead of a second one. The key sent with a different request is refused
/// (`idempotency_key_reused`). Asked first, under [`keyed`]'s lock (a retried family would
/// otherwise meet its own first record in the duplicate check).
pub fn created_before(
    conn: &mut PgConnection,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
) -> Result<Option<Uuid>> {
    let Some(key) = key else {
        return Ok(None);
    };
    let Some(stored) = idempotency::find(conn, actor.user_id, &key.key)? else {
        return Ok(None);
    };
    if stored.request_hash != key.request_hash {
        return Err(Refusal::IdempotencyKeyReused.into());
    }
    stored
        .response
        .get("id")
        .and_then(|id| id.as_str())
        .and_then(|id| id.parse().ok())
        .map(Some)
        .ok_or_else(|| Failure::Defect("idempotency key stored without the created id".into()))
}

/// Inside a create's transaction: remembers that the key made `id`.
pub fn remember_key(
    conn: &mut PgConnection,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
    id: impl Into<Uuid>,
) -> Result<()> {
    if let Some(key) = key {
        let id: Uuid = id.into();
        idempotency::store(
            conn,
            actor.user_id,
            &key.key,
            &key.request_hash,
            201,
            &json!({ "id": id }),
        )?;
    }
    Ok(())
}

/// The audit entry of a create answered from its idempotency key: the action, on the record
/// the first request made, marked `replayed`.
pub fn replayed(
    action: earlyhelp_domain::audit::AuditAction,
    entity: earlyhelp_domain::audit::EntityType,
    id: Uuid,
) -> AuditEvent {
    AuditEvent::success(action, entity, id).with_detail(json!({ "replayed": true }))
}
