//! A family's chronology: what happened in its early help, newest first.

use crate::access::authorize_family;
use crate::step::audited_read;
use crate::Result;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::policy::{Actor, Permission};
use earlyhelp_domain::FamilyId;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology;
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::PgConnection;

pub use earlyhelp_persistence::chronology::Entry;

#[derive(Debug, Clone)]
pub struct ReadChronology {
    pub family: FamilyId,
    pub page: PageRequest,
}

/// One page of the family's chronology, for whoever may read its record.
pub fn read(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ReadChronology,
) -> Result<Page<Entry>> {
    let family = command.family;
    authorize_family(conn, audit, actor, Permission::ReadCase, family)?;
    let event = AuditEvent::success(AuditAction::ReadChronology, EntityType::Family, family);
    audited_read(conn, audit, event, |conn| {
        Ok(chronology::list(conn, family, &command.page)?)
    })
}
