//! A family's consents: listing, recording, and withdrawing one, which closes the open
//! episode when no consent to assessment remains.

use crate::access::authorize_family;
use crate::episodes::{capitalised, close_locked};
use crate::step::{
    audited_read, created_before, keyed, remember_key, replayed, transaction, IdempotencyKey,
};
use crate::{Failure, Refusal, Result};
use chrono::NaiveDate;
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::episode::{ClosureReason, EpisodeState};
use earlyhelp_domain::policy::{Actor, Permission};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::{ConsentId, FamilyId, OrganisationId, PersonId, UserId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::consents::{self, Consent, NewConsent};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::PgConnection;
use earlyhelp_persistence::{episodes, families, organisations, tafs, users, Error as DbError};
use serde_json::json;

#[derive(Debug, Clone)]
pub struct ListConsents {
    pub family: FamilyId,
    pub page: PageRequest,
}

#[derive(Debug, Clone)]
pub struct RecordConsent {
    pub family: FamilyId,
    /// Must be a member of the family.
    pub given_by: PersonId,
    /// Defaults to the professional recording it; must be an active user.
    pub lead_professional: Option<UserId>,
    /// Defaults to the lead professional's organisation.
    pub organisation: Option<OrganisationId>,
    pub for_assessment: bool,
    pub share_with_organisation_ids: Vec<OrganisationId>,
    /// Agencies the family does not want to see the assessment; none also shared with.
    pub excluded_organisation_ids: Vec<OrganisationId>,
    pub excluded_note: Option<String>,
    /// `written` or `verbal` (checked when the command is built).
    pub method: String,
    pub given_on: NaiveDate,
    pub idempotency: Option<IdempotencyKey>,
}

#[derive(Debug, Clone)]
pub struct WithdrawConsent {
    pub consent: ConsentId,
    pub reason: Option<String>,
}

/// The family's consents in the order they were given.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListConsents,
) -> Result<Page<Consent>> {
    let family = command.family;
    authorize_family(conn, audit, actor, Permission::ReadCase, family)?;
    let event = AuditEvent::new(
        AuditAction::ListConsents,
        EntityType::Family,
        Some(family.into()),
        Outcome::Success,
    );
    audited_read(conn, audit, event, |conn| {
        Ok(consents::for_family(conn, family, &command.page)?)
    })
}

/// Records a family member's consent, given to a lead professional and their organisation.
pub fn record(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: RecordConsent,
) -> Result<Consent> {
    let key = command.idempotency.clone();
    keyed(conn, actor, key.as_ref(), |conn| {
        record_keyed(conn, audit, actor, command)
    })
}

fn record_keyed(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: RecordConsent,
) -> Result<Consent> {
    let family = command.family;
    let key = command.idempotency.as_ref();
    if let Some(id) = created_before(conn, actor, key)? {
        let consent = consents::find(conn, ConsentId::from(id))?;
        authorize_family(conn, audit, actor, Permission::ReadCase, consent.family_id)?;
        let event = replayed(AuditAction::RecordConsent, EntityType::Consent, id);
        return audited_read(conn, audit, event, |_| Ok(consent));
    }
    authorize_family(conn, audit, actor, Permission::WriteCase, family)?;
    let mut checks = Checks::default();
    let members = families::members(conn, &[family])?;
    if !members.iter().any(|m| m.id == command.given_by) {
        checks.fail("given_by_person_id", "must be a member of this family");
    }
    let lead = command.lead_professional.unwrap_or(actor.user_id);
    let lead_user = match users::find(conn, lead) {
        Ok(user) if user.active => Some(user),
        Ok(_) | Err(DbError::NotFound) => {
            checks.fail("lead_professional_id", "must be an active user");
            None
        }
        Err(other) => return Err(other.into()),
    };
    for (field, ids) in [
        (
            "share_with_organisation_ids",
            &command.share_with_organisation_ids,
        ),
        (
            "excluded_organisation_ids",
            &command.excluded_organisation_ids,
        ),
    ] {
        for (index, id) in ids.iter().enumerate() {
            if matches!(organisations::find(conn, *id), Err(DbError::NotFound)) {
                checks.fail(&format!("{field}[{index}]"), "no such organisation");
            }
        }
    }
    let lead_user = checks.finish(|| lead_user)?;
    let organisation = command.organisation.unwrap_or(lead_user.organisation_id);
    let new = NewConsent {
        id: ConsentId::generate(),
        family_id: family,
        given_by_person_id: command.given_by,
        lead_professional_id: lead,
        organisation_id: organisation,
        for_assessment: command.for_assessment,
        share_with_organisation_ids: command.share_with_organisation_ids,
        excluded_organisation_ids: command.excluded_organisation_ids,
        excluded_note: command.excluded_note,
        method: command.method,
        given_on: command.given_on,
        recorded_by: actor.user_id,
    };
    transaction(conn, audit, |conn, trail| {
        let consent = consents::create(conn, &new).map_err(|error| match error {
            DbError::MissingReference { .. } => {
                Refusal::invalid("organisation_id", "no such organisation").into()
            }
            other => Failure::from(other),
        })?;
        trail.record(AuditEvent::success(
            AuditAction::RecordConsent,
            EntityType::Consent,
            consent.id,
        ));
        // The family no longer wants these agencies involved: their staff leave its teams.
        let lead = families::find(conn, family)?.lead_professional_id;
        let excluded = &consent.excluded_organisation_ids;
        for ended in tafs::end_members_of(conn, family, excluded, lead, actor.user_id)? {
            trail.record(
                AuditEvent::success(AuditAction::EndTafMember, EntityType::Taf, ended.taf_id)
                    .with_detail(json!({ "member_id": ended.id, "kind": ended.kind, "reason": "excluded by consent" })),
            );
            chronology::record(
                conn,
                &Happening {
                    family,
                    kind: ChronologyKind::TafMemberEnded,
                    actor: actor.user_id,
                    summary: "A professional member left the Team Around the Family: the family's consent excludes their organisation",
                    entity_type: EntityType::Taf,
                    entity_id: ended.taf_id,
                },
            )?;
        }
        let purpose = if consent.for_assessment {
            "an early help assessment"
        } else {
            "sharing only"
        };
        let summary = format!(
            "{} consent given for {purpose}",
            capitalised(&consent.method)
        );
        chronology::record(
            conn,
            &Happening {
                family,
                kind: ChronologyKind::ConsentGiven,
                actor: actor.user_id,
                summary: &summary,
                entity_type: EntityType::Consent,
                entity_id: consent.id.into(),
            },
        )?;
        remember_key(conn, actor, key, consent.id)?;
        Ok(consent)
    })
}

/// Withdraws a consent. Withdrawing the last consent to assessment stops sharing: the open
/// episode closes with reason "consent withdrawn", in the same transaction.
pub fn withdraw(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: WithdrawConsent,
) -> Result<Consent> {
    let id = command.consent;
    let existing = consents::find(conn, id)?;
    let family = existing.family_id;
    authorize_family(conn, audit, actor, Permission::WriteCase, family)?;
    if existing.withdrawn_at.is_some() {
        return Err(Refusal::AlreadyWithdrawn.into());
    }
    transaction(conn, audit, |conn, trail| {
        // Withdraws only a consent that still stands, so two withdrawals at once record one.
        let (consent, withdrew) = consents::withdraw(conn, id, actor.user_id, command.reason)?;
        if !withdrew {
            return Err(Refusal::AlreadyWithdrawn.into());
        }
        trail.record(AuditEvent::success(
            AuditAction::WithdrawConsent,
            EntityType::Consent,
            consent.id,
        ));
        chronology::record(
            conn,
            &Happening {
                family,
                kind: ChronologyKind::ConsentWithdrawn,
                actor: actor.user_id,
                summary: "Consent withdrawn",
                entity_type: EntityType::Consent,
                entity_id: consent.id.into(),
            },
        )?;
        if !consents::has_active_assessment_consent(conn, family)? {
            if let Some(open) = episodes::open_for_family(conn, family)? {
                let episode = open.id;
                let locked = episodes::find_for_update(conn, episode)?;
                // Closed by someone else since it was found: nothing left to close.
                if locked.state == EpisodeState::Open {
                    close_locked(
                        conn,
                        trail,
                        actor,
                        episode,
                        ClosureReason::ConsentWithdrawn,
                        None,
                    )?;
                }
            }
        }
        Ok(consent)
    })
}
