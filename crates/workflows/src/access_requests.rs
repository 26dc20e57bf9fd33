//! Access outside the normal scope ("break glass"). A professional with a legitimate need to
//! read a family their roles do not reach (an LCSS worker covering another locality, a social
//! worker checking a family) asks for it with a reason. The access is read-only, granted at
//! once for a set time (24 hours by default), audited with its reason as an entry about the
//! family, shown to the family's lead professional and its locality's LCSS manager, and ends
//! by itself; an LCSS manager of the locality, or the requester, can end it early.

use crate::access::{authorize_family, family_facts};
use crate::step::{audited_read, transaction};
use crate::{Refusal, Result};
use chrono::{Duration, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::consultation::find_identifiers;
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::work::WorkKind;
use earlyhelp_domain::{AccessRequestId, FamilyId};
use earlyhelp_persistence::access_requests::{self, AccessRequest, NewAccessRequest};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::scope::visible_family_ids;
use earlyhelp_persistence::work::{self, WorkRow};
use earlyhelp_persistence::{Error as DbError, PgConnection};

/// How long granted access lasts unless ended (`EARLYHELP_ACCESS_REQUEST_HOURS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessWindow {
    pub hours: u32,
}

impl Default for AccessWindow {
    fn default() -> Self {
        Self { hours: 24 }
    }
}

#[derive(Debug, Clone)]
pub struct RequestAccess {
    pub family: FamilyId,
    pub reason: String,
}

/// A reason kept on the record (an access request's, in the audit trail; an erasure's, on its
/// tombstone): 10 to 2,000 characters, trimmed, free of identifiers, since it names the need
/// and never the family. `kept` says where it is kept, for the refusal.
pub(crate) fn checked_reason(reason: &str, kept: &str) -> Result<String> {
    let reason = reason.trim();
    if !(10..=2000).contains(&reason.chars().count()) {
        return Err(Refusal::invalid("reason", "must be between 10 and 2000 characters").into());
    }
    if let Some(found) = find_identifiers(reason).first() {
        return Err(Refusal::invalid(
            "reason",
            format!(
                "holds {}: the reason is kept {kept}, so give it without identifying anyone",
                found.identifier.described()
            ),
        )
        .into());
    }
    Ok(reason.to_owned())
}

/// Grants the actor read access to a family outside their scope, for the window. A family
/// that does not exist is not found; one the actor can read already is a 409.
pub fn request(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: RequestAccess,
    window: AccessWindow,
) -> Result<AccessRequest> {
    policy::authorize(actor, Permission::RequestAccess)?;
    let reason = checked_reason(&command.reason, "in the audit trail")?;
    transaction(conn, audit, |conn, trail| {
        let facts = family_facts(conn, command.family)?;
        if policy::authorize_case(actor, Permission::ReadCase, &facts).is_ok() {
            return Err(Refusal::AlreadyInScope.into());
        }
        let expires_at = Utc::now() + Duration::hours(i64::from(window.hours.max(1)));
        Ok(access_requests::create(
            conn,
            trail,
            &NewAccessRequest {
                family: command.family,
                user: actor.user_id,
                reason,
                expires_at,
            },
        )?)
    })
}

/// Every request for access to the family, newest first: for whoever may read its record.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    family: FamilyId,
) -> Result<Vec<AccessRequest>> {
    authorize_family(conn, audit, actor, Permission::ReadCase, family)?;
    let event = AuditEvent::success(AuditAction::ListFamilyAccess, EntityType::Family, family);
    audited_read(conn, audit, event, |conn| {
        Ok(access_requests::for_family(conn, family)?)
    })
}

/// One request, for whoever may read the family's record.
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: AccessRequestId,
) -> Result<AccessRequest> {
    let request = match access_requests::find(conn, id) {
        Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
        other => other?,
    };
    authorize_family(conn, audit, actor, Permission::ReadCase, request.family_id)?;
    let event = AuditEvent::success(
        AuditAction::ListFamilyAccess,
        EntityType::Family,
        request.family_id,
    )
    .with_detail(serde_json::json!({ "access_request_id": request.id }));
    audited_read(conn, audit, event, |_| Ok(request))
}

/// Ends live access early: an LCSS manager of the family's locality, or the requester.
pub fn end(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: AccessRequestId,
) -> Result<AccessRequest> {
    transaction(conn, audit, |conn, trail| {
        let request = match access_requests::lock(conn, id) {
            Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
            other => other?,
        };
        let facts = family_facts(conn, request.family_id)?;
        let live = request.is_live(Utc::now());
        // The requester may end their own live access; past it, it is not theirs to see.
        if !(live && request.user_id == actor.user_id) {
            policy::authorize_case(actor, Permission::EndAccess, &facts)?;
        }
        if !live {
            return Err(Refusal::AccessEnded.into());
        }
        Ok(access_requests::end(conn, trail, id, actor.user_id)?)
    })
}

/// Live access to families the actor leads, or (LCSS managers) of their locality, as
/// work-list rows.
pub(crate) fn work_rows(
    conn: &mut PgConnection,
    actor: &Actor,
) -> std::result::Result<Vec<WorkRow>, DbError> {
    let row = |request: AccessRequest| WorkRow {
        kind: WorkKind::AccessGranted,
        id: request.id.into(),
        family_id: Some(request.family_id),
        due_on: Some(request.expires_at.date_naive()),
    };
    let mut rows: Vec<WorkRow> =
        access_requests::live_on(conn, None, Some(actor.user_id), work::PER_KIND)?
            .into_iter()
            .map(row)
            .collect();
    let ending = policy::case_filter(actor, Permission::EndAccess);
    if !ending.sees_nothing() {
        let visible = Some(visible_family_ids(&ending));
        rows.extend(
            access_requests::live_on(conn, visible, None, work::PER_KIND)?
                .into_iter()
                .map(row),
        );
    }
    Ok(rows)
}
