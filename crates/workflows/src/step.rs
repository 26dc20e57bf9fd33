//! The two shapes every step takes: a change in one audited transaction, or an audited read.

use crate::{Failure, Result};
use earlyhelp_domain::FamilyId;
use earlyhelp_persistence::audit::{self, AuditContext, AuditEvent, AuditTrail};
use earlyhelp_persistence::pagination::Page;
use earlyhelp_persistence::{Error as DbError, PgConnection};
use serde_json::json;

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
pub fn audited_list<T>(
    conn: &mut PgConnection,
    context: &AuditContext,
    event: AuditEvent,
    read: impl FnOnce(&mut PgConnection) -> Result<Page<T>>,
    family_of: impl Fn(&T) -> FamilyId,
) -> Result<Page<T>> {
    transaction(conn, context, |conn, trail| {
        let page = read(conn)?;
        let mut shown: Vec<FamilyId> = Vec::new();
        for family in page.items.iter().map(&family_of) {
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
