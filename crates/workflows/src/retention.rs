//! Retention and erasure. `earlyhelp retention` lists what has fallen due under the
//! authority's rules and, with `--apply`, erases it a batch per transaction: each record's
//! personal content erased in place, a tombstone and an audit entry left, a record under a
//! legal hold never touched. A run cut off part way is finished by the next, which finds the
//! tombstones and erases nothing twice. An administrator erases a family recorded in error,
//! with a reason, under the same rules.

use crate::step::transaction;
use crate::{Refusal, Result};
use chrono::NaiveDate;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::retention::{ErasedRecord, RetentionRules};
use earlyhelp_domain::FamilyId;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::retention::{self, Due, Tombstone, Why};
use earlyhelp_persistence::{Error as DbError, PgConnection};
use serde_json::json;

/// A record past its retention date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRecord {
    pub record: ErasedRecord,
    pub due: Due,
}

/// Up to `limit` records due by `as_of`: families first, then consultations, each soonest due
/// first.
pub fn due(
    conn: &mut PgConnection,
    rules: &RetentionRules,
    as_of: NaiveDate,
    limit: i64,
) -> Result<Vec<DueRecord>> {
    let mut due: Vec<DueRecord> = retention::due_families(conn, rules, as_of, limit)?
        .into_iter()
        .map(|due| DueRecord {
            record: ErasedRecord::Family,
            due,
        })
        .collect();
    let left = limit - i64::try_from(due.len()).unwrap_or(limit);
    if left > 0 {
        due.extend(
            retention::due_consultations(conn, rules, as_of, left)?
                .into_iter()
                .map(|due| DueRecord {
                    record: ErasedRecord::NoNamesConsultation,
                    due,
                }),
        );
    }
    Ok(due)
}

/// How many records are under a legal hold (and so never due).
pub fn held(conn: &mut PgConnection) -> Result<i64> {
    Ok(retention::held(conn)?)
}

fn entity(record: ErasedRecord) -> EntityType {
    match record {
        ErasedRecord::Family => EntityType::Family,
        ErasedRecord::NoNamesConsultation => EntityType::Consultation,
    }
}

/// Erases the next `batch` records due, in one transaction with their audit entries; returns
/// how many it erased (0: nothing is due).
pub fn apply_batch(
    conn: &mut PgConnection,
    audit: &AuditContext,
    rules: &RetentionRules,
    as_of: NaiveDate,
    batch: i64,
) -> Result<u64> {
    let due = due(conn, rules, as_of, batch)?;
    if due.is_empty() {
        return Ok(0);
    }
    transaction(conn, audit, |conn, trail| {
        let mut erased = 0;
        for record in &due {
            let rule = match record.record {
                ErasedRecord::Family => rules.family_rule(),
                ErasedRecord::NoNamesConsultation => rules.consultation_rule(),
            };
            let why = Why::Retention {
                rule: rule.clone(),
                due_on: record.due.due_on,
            };
            if retention::erase(conn, record.record, record.due.id, &why)? {
                trail.record(
                    AuditEvent::success(
                        AuditAction::EraseRecord,
                        entity(record.record),
                        record.due.id,
                    )
                    .with_detail(json!({
                        "reason": "retention",
                        "rule": rule,
                        "due_on": record.due.due_on,
                    })),
                );
                erased += 1;
            }
        }
        Ok(erased)
    })
}

/// Places (`Some(reason)`) or lifts (`None`) a legal hold; 404 for no such record.
pub fn set_hold(
    conn: &mut PgConnection,
    audit: &AuditContext,
    record: ErasedRecord,
    id: uuid::Uuid,
    reason: Option<&str>,
) -> Result<()> {
    transaction(conn, audit, |conn, trail| {
        if !retention::set_hold(conn, record, id, reason)? {
            return Err(Refusal::NotFound.into());
        }
        trail.record(
            AuditEvent::success(AuditAction::SetLegalHold, entity(record), id)
                .with_detail(json!({ "held": reason.is_some() })),
        );
        Ok(())
    })
}

/// Erases a family recorded in error: an administrator, with the reason (10 to 2,000
/// characters, naming no one). 404 for no such family; 409 under a legal hold or when erased
/// already.
pub fn erase_in_error(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    family: FamilyId,
    reason: &str,
) -> Result<Tombstone> {
    policy::authorize(actor, Permission::EraseRecords)?;
    let reason =
        crate::access_requests::checked_reason(reason, "on the tombstone, outliving the record")?;
    match retention::family_hold(conn, family) {
        Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
        Ok(Some(_)) => return Err(Refusal::LegalHold.into()),
        Ok(None) => {}
        Err(other) => return Err(other.into()),
    }
    let why = Why::CreatedInError {
        note: reason,
        by: actor.user_id,
    };
    transaction(conn, audit, |conn, trail| {
        if !retention::erase(conn, ErasedRecord::Family, family.into(), &why)? {
            return Err(Refusal::AlreadyErased.into());
        }
        trail.record(
            AuditEvent::success(AuditAction::EraseRecord, EntityType::Family, family)
                .with_detail(json!({ "reason": "created_in_error" })),
        );
        retention::tombstone(conn, ErasedRecord::Family, family.into())?
            .ok_or_else(|| crate::Failure::Defect("an erasure left no tombstone".into()))
    })
}
