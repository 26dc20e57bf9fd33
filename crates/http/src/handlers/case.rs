//! Shared pieces of the case-record handlers: the point check against the policy, the list
//! filter, and the date the rules call "today".

use crate::error::ApiError;
use chrono::{NaiveDate, Utc};
use earlyhelp_domain::policy::{self, Actor, CaseFacts, Permission};
use earlyhelp_domain::{FamilyId, LocalityId};
use earlyhelp_persistence::audit::{self, AuditContext, AuditTrail};
use earlyhelp_persistence::scope::{self, VisibleFamilies};
use earlyhelp_persistence::{Error as DbError, PgConnection};

/// Refuses with 404 (out of scope) or 403 (visible, but not this action) per the policy.
pub fn authorize_family(
    conn: &mut PgConnection,
    actor: &Actor,
    permission: Permission,
    family: FamilyId,
) -> Result<(), ApiError> {
    Ok(scope::authorize(conn, actor, permission, family)?)
}

/// The families the actor may read, as the subquery lists filter by.
pub fn readable(actor: &Actor) -> VisibleFamilies {
    scope::visible_family_ids(&policy::case_filter(actor, Permission::ReadCase))
}

/// May the actor create a record in `locality` with themselves as lead professional?
pub fn authorize_new_case(actor: &Actor, locality: LocalityId) -> Result<(), ApiError> {
    let facts = CaseFacts::led_by(actor.user_id, locality);
    policy::authorize_case(actor, Permission::WriteCase, &facts).map_err(|_| ApiError::Forbidden)
}

/// The calendar date the rules use (the service runs in England; UTC differs from UK time by
/// at most an hour, which no rule here is sensitive to).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Runs one workflow transition in a transaction. The change re-checks its rule after locking
/// its rows and answers `Ok(Err(refusal))` when the rule says no: the transaction then rolls
/// back and the refusal is returned as it is. A success commits with its audit entries.
pub fn apply_transition<T>(
    conn: &mut PgConnection,
    context: &AuditContext,
    change: impl FnOnce(&mut PgConnection, &mut AuditTrail) -> Result<Result<T, ApiError>, DbError>,
) -> Result<T, ApiError> {
    let mut refusal = None;
    let result = audit::audited(conn, context, |conn, trail| match change(conn, trail)? {
        Ok(value) => Ok(value),
        Err(error) => {
            refusal = Some(error);
            Err(DbError::RolledBack)
        }
    });
    match (result, refusal) {
        (_, Some(error)) => Err(error),
        (Ok(value), None) => Ok(value),
        (Err(error), None) => Err(error.into()),
    }
}
