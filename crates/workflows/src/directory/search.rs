//! The directory as case users read it: the organisations and professionals they can invite
//! into a Team Around the Family or find named in a consent, and each locality's LCSS and
//! MASH contacts. Only work details are shown (names, organisations, roles, work emails), and
//! every read is audited like any other.

use crate::step::audited_read;
use crate::Result;
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::directory::OrganisationKind;
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::{LocalityId, OrganisationId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::localities::{self, Locality};
use earlyhelp_persistence::organisations::{self, Organisation, OrganisationFilter};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::users::{self, Professional};
use earlyhelp_persistence::PgConnection;
use serde_json::json;

#[derive(Debug, Clone)]
pub struct SearchOrganisations {
    /// Names containing this text, in any case.
    pub name: Option<String>,
    pub kind: Option<OrganisationKind>,
    pub locality: Option<LocalityId>,
    pub page: PageRequest,
}

#[derive(Debug, Clone)]
pub struct SearchProfessionals {
    /// Names, or organisation names, containing this text, in any case.
    pub text: Option<String>,
    pub organisation: Option<OrganisationId>,
    pub page: PageRequest,
}

/// Active organisations, by name.
pub fn organisations(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: SearchOrganisations,
) -> Result<Page<Organisation>> {
    policy::authorize(actor, Permission::ReadDirectory)?;
    let filter = OrganisationFilter {
        kind: command.kind,
        locality_id: command.locality,
        active: Some(true),
        name_contains: command.name,
    };
    let event = AuditEvent::new(
        AuditAction::SearchOrganisations,
        EntityType::Organisation,
        None,
        Outcome::Success,
    );
    audited_read(conn, audit, event, |conn| {
        Ok(organisations::list(conn, &filter, &command.page)?)
    })
}

/// Active professionals with a case role, by name. The audit entry names who was shown.
pub fn professionals(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: SearchProfessionals,
) -> Result<Page<Professional>> {
    policy::authorize(actor, Permission::ReadDirectory)?;
    crate::step::transaction(conn, audit, |conn, trail| {
        let page = users::professionals(
            conn,
            command.text.as_deref(),
            command.organisation,
            &command.page,
        )?;
        let shown: Vec<_> = page.items.iter().map(|p| p.id).collect();
        trail.record(
            AuditEvent::new(
                AuditAction::SearchProfessionals,
                EntityType::User,
                None,
                Outcome::Success,
            )
            .with_detail(json!({ "user_ids": shown })),
        );
        Ok(page)
    })
}

/// A locality's LCSS contacts and the number of its MASH.
pub fn locality_contacts(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: LocalityId,
) -> Result<Locality> {
    policy::authorize(actor, Permission::ReadDirectory)?;
    let event = AuditEvent::success(AuditAction::ReadLocalityContacts, EntityType::Locality, id);
    audited_read(conn, audit, event, |conn| Ok(localities::find(conn, id)?))
}
