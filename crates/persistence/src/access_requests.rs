//! Access outside the normal scope ("break glass"): time-limited read access to one family,
//! with the reason given. A request is live until it expires or is ended; it is never deleted.

use crate::audit::{AuditEvent, AuditTrail};
use crate::schema::{access_requests, families};
use crate::scope::VisibleFamilies;
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::{AccessRequestId, FamilyId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = access_requests)]
pub struct AccessRequest {
    pub id: AccessRequestId,
    pub family_id: FamilyId,
    pub user_id: UserId,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<UserId>,
}

impl AccessRequest {
    /// Still giving access at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_none() && self.expires_at > now
    }
}

#[derive(Debug, Clone)]
pub struct NewAccessRequest {
    pub family: FamilyId,
    pub user: UserId,
    pub reason: String,
    pub expires_at: DateTime<Utc>,
}

/// Grants the access, with its audit entry about the family (so it shows in the access log of
/// everyone in it).
pub fn create(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    new: &NewAccessRequest,
) -> Result<AccessRequest> {
    let request = diesel::insert_into(access_requests::table)
        .values((
            access_requests::id.eq(AccessRequestId::generate()),
            access_requests::family_id.eq(new.family),
            access_requests::user_id.eq(new.user),
            access_requests::reason.eq(&new.reason),
            access_requests::expires_at.eq(new.expires_at),
        ))
        .returning(AccessRequest::as_returning())
        .get_result(conn)?;
    trail.record(
        AuditEvent::success(
            AuditAction::RequestFamilyAccess,
            EntityType::Family,
            request.family_id,
        )
        .with_detail(serde_json::json!({
            "access_request_id": request.id,
            "reason": request.reason,
            "expires_at": request.expires_at,
        })),
    );
    Ok(request)
}

/// How many requests there are (the demo seed makes its one once).
pub fn count(conn: &mut PgConnection) -> Result<i64> {
    Ok(access_requests::table.count().get_result(conn)?)
}

/// Every request for the family, newest first.
pub fn for_family(conn: &mut PgConnection, family: FamilyId) -> Result<Vec<AccessRequest>> {
    Ok(access_requests::table
        .filter(access_requests::family_id.eq(family))
        .order((
            access_requests::granted_at.desc(),
            access_requests::id.desc(),
        ))
        .select(AccessRequest::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut PgConnection, id: AccessRequestId) -> Result<AccessRequest> {
    Ok(access_requests::table
        .find(id)
        .select(AccessRequest::as_select())
        .first(conn)?)
}

/// One request, locked until the transaction ends.
pub fn lock(conn: &mut PgConnection, id: AccessRequestId) -> Result<AccessRequest> {
    Ok(access_requests::table
        .find(id)
        .for_update()
        .select(AccessRequest::as_select())
        .first(conn)?)
}

/// Ends a live request now.
pub fn end(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    id: AccessRequestId,
    by: UserId,
) -> Result<AccessRequest> {
    let request = diesel::update(access_requests::table.find(id))
        .set((
            access_requests::ended_at.eq(Some(Utc::now())),
            access_requests::ended_by.eq(Some(by)),
        ))
        .returning(AccessRequest::as_returning())
        .get_result(conn)?;
    trail.record(
        AuditEvent::success(
            AuditAction::EndFamilyAccess,
            EntityType::Family,
            request.family_id,
        )
        .with_detail(serde_json::json!({ "access_request_id": request.id })),
    );
    Ok(request)
}

/// Live requests on the families `visible` selects, or on those `lead` leads, newest first.
pub fn live_on(
    conn: &mut PgConnection,
    visible: Option<VisibleFamilies>,
    lead: Option<UserId>,
    limit: i64,
) -> Result<Vec<AccessRequest>> {
    let mut query = access_requests::table
        .filter(access_requests::ended_at.is_null())
        .filter(access_requests::expires_at.gt(diesel::dsl::now))
        .select(AccessRequest::as_select())
        .into_boxed();
    if let Some(visible) = visible {
        query = query.filter(access_requests::family_id.eq_any(visible));
    }
    if let Some(lead) = lead {
        query = query.filter(
            access_requests::family_id.eq_any(
                families::table
                    .filter(families::lead_professional_id.eq(lead))
                    .select(families::id),
            ),
        );
    }
    Ok(query
        .order(access_requests::granted_at.desc())
        .limit(limit)
        .load(conn)?)
}
