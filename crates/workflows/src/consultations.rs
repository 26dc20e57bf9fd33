//! No Names Consultations: LCSS records the advice it gave a professional about a child or
//! family it never identifies. The record's fields are checked for identifiers before this
//! step (see [`earlyhelp_domain::consultation::find_identifiers`]); here, who may record and
//! read them: LCSS, for its own locality.

use crate::access::authorize_family;
use crate::consultation_requests::open_request;
use crate::step::{audited_read, transaction};
use crate::{Refusal, Result};
use chrono::NaiveDate;
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::policy::{self, Actor, Permission, Scope};
use earlyhelp_domain::{EpisodeId, FamilyId, LocalityId, UserId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::consultation_requests;
use earlyhelp_persistence::consultations::{self, AdviceConsultation, NoNamesConsultation};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::{
    consents, episodes, families, organisations, users, Error as DbError, PgConnection,
};
use serde_json::json;
use uuid::Uuid;

/// A consultation as checked by the caller (texts trimmed and free of identifiers).
#[derive(Debug, Clone)]
pub struct RecordNoNames {
    /// `None`: the recorder's own locality.
    pub locality: Option<LocalityId>,
    pub held_on: NaiveDate,
    /// The consulting professional: an account...
    pub consulting_user: Option<UserId>,
    /// ...or a name, with their organisation (for an account, its organisation by default).
    pub consulting_name: Option<String>,
    pub consulting_organisation: Option<String>,
    pub themes: Vec<String>,
    pub threshold_view: i16,
    pub advice: String,
    pub outcome: String,
    pub signposted_to: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    /// The professional's request this consultation answers: its locality, and (when the
    /// command names nobody) its professional, are the consultation's.
    pub request: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct ListNoNames {
    pub locality: Option<LocalityId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: PageRequest,
}

/// The localities the actor's consultation grant reaches.
pub(crate) fn localities(actor: &Actor) -> Result<Vec<LocalityId>> {
    let scopes = policy::authorize(actor, Permission::RecordConsultations)?;
    Ok(scopes
        .into_iter()
        .filter_map(|scope| match scope {
            Scope::Locality(locality) => Some(locality),
            _ => None,
        })
        .collect())
}

pub fn record(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: RecordNoNames,
) -> Result<NoNamesConsultation> {
    let mine = localities(actor)?;
    let mut command = command;
    let asked = match command.request {
        Some(id) => Some(open_request(conn, &mine, id)?),
        None => None,
    };
    if let Some(asked) = &asked {
        if command
            .locality
            .is_some_and(|locality| locality != asked.locality_id)
        {
            return Err(Refusal::invalid("locality_id", "must be the request's locality").into());
        }
        command.locality = Some(asked.locality_id);
        if command.consulting_user.is_none() && command.consulting_name.is_none() {
            command.consulting_user = Some(asked.requested_by);
        }
    }
    let locality = match command.locality.or_else(|| mine.first().copied()) {
        Some(locality) if mine.contains(&locality) => locality,
        _ => {
            return Err(Refusal::invalid("locality_id", "must be the locality you work in").into())
        }
    };
    let organisation = consulting_organisation(conn, &command)?;
    let new = NoNamesConsultation {
        id: Uuid::now_v7(),
        locality_id: locality,
        held_on: command.held_on,
        consulting_user_id: command.consulting_user,
        consulting_name: command.consulting_name,
        consulting_organisation: organisation,
        themes: command.themes,
        threshold_view: command.threshold_view,
        advice: command.advice,
        outcome: command.outcome,
        signposted_to: command.signposted_to,
        follow_up_on: command.follow_up_on,
        recorded_by: actor.user_id,
        recorded_at: chrono::Utc::now(),
        followed_up_at: None,
        followed_up_by: None,
        follow_up_note: None,
    };
    let request = command.request;
    transaction(conn, audit, |conn, trail| {
        // Checked again under its lock: one consultation answers a request.
        let answering = match request {
            Some(id) => Some(open_request(conn, &mine, id)?.id),
            None => None,
        };
        let saved = consultations::create(conn, &new)?;
        if let Some(asked) = answering {
            consultation_requests::complete(conn, asked, saved.id)?;
        }
        trail.record(
            AuditEvent::success(
                AuditAction::RecordConsultation,
                EntityType::Consultation,
                saved.id,
            )
            .with_detail(
                json!({ "kind": "no_names", "outcome": saved.outcome, "request_id": answering }),
            ),
        );
        Ok(saved)
    })
}

/// One consultation, for LCSS of its locality (404 elsewhere).
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
) -> Result<NoNamesConsultation> {
    let mine = localities(actor)?;
    let found = match consultations::find(conn, id) {
        Ok(found) if mine.contains(&found.locality_id) => found,
        Ok(_) | Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
        Err(other) => return Err(other.into()),
    };
    let event = AuditEvent::success(AuditAction::ReadConsultation, EntityType::Consultation, id);
    audited_read(conn, audit, event, |_| Ok(found))
}

/// The consultations of the actor's locality (or the one asked for, if theirs), oldest first.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListNoNames,
) -> Result<Page<NoNamesConsultation>> {
    let mut mine = localities(actor)?;
    if let Some(locality) = command.locality {
        mine.retain(|own| *own == locality);
    }
    let page = consultations::list(conn, &mine, command.from, command.to, &command.page)?;
    let ids: Vec<Uuid> = page.items.iter().map(|item| item.id).collect();
    let event = AuditEvent::new(
        AuditAction::ListConsultations,
        EntityType::Consultation,
        None,
        Outcome::Success,
    )
    .with_detail(json!({ "consultation_ids": ids }));
    audited_read(conn, audit, event, |_| Ok(page))
}

/// Links a consultation of the actor's locality to the episode of the family it was about,
/// once the family has consented to an assessment: the family's chronology records it; the
/// consultation itself stays anonymous. Linked once (409 after).
pub fn link(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
    episode: EpisodeId,
) -> Result<()> {
    let mine = localities(actor)?;
    let found = match consultations::find(conn, id) {
        Ok(found) if mine.contains(&found.locality_id) => found,
        Ok(_) | Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
        Err(other) => return Err(other.into()),
    };
    let episode = match episodes::find(conn, episode) {
        Ok(episode) => episode,
        Err(DbError::NotFound) => {
            return Err(Refusal::invalid("episode_id", "no such episode").into())
        }
        Err(other) => return Err(other.into()),
    };
    authorize_family(conn, audit, actor, Permission::WriteCase, episode.family_id)?;
    if !consents::has_active_assessment_consent(conn, episode.family_id)? {
        return Err(Refusal::ConsentRequired(
            "The family has not consented to an assessment: a No Names Consultation is linked \
             to them only with their consent."
                .into(),
        )
        .into());
    }
    transaction(conn, audit, |conn, trail| {
        if !consultations::link(conn, found.id, episode.id, episode.family_id, actor.user_id)? {
            return Err(Refusal::Duplicate("this consultation is linked already").into());
        }
        trail.record(
            AuditEvent::success(
                AuditAction::LinkConsultation,
                EntityType::Consultation,
                found.id,
            )
            .with_detail(json!({ "episode_id": episode.id })),
        );
        let summary = format!(
            "No Names Consultation of {} linked (advice: {})",
            found.held_on,
            found.outcome.replace('_', " ")
        );
        chronology::record(
            conn,
            &Happening {
                family: episode.family_id,
                kind: ChronologyKind::ConsultationLinked,
                actor: actor.user_id,
                summary: &summary,
                entity_type: EntityType::Consultation,
                entity_id: found.id,
            },
        )?;
        Ok(())
    })
}

/// The consulting professional's organisation: as given, or their account's; and the account,
/// when named, must be active.
fn consulting_organisation(conn: &mut PgConnection, command: &RecordNoNames) -> Result<String> {
    let account = match command.consulting_user {
        None => None,
        Some(user) => match users::find(conn, user) {
            Ok(user) if user.active => Some(user),
            Ok(_) | Err(DbError::NotFound) => {
                return Err(Refusal::invalid("consulting_user_id", "must be an active user").into())
            }
            Err(other) => return Err(other.into()),
        },
    };
    match (&command.consulting_organisation, account) {
        (Some(organisation), _) => Ok(organisation.clone()),
        (None, Some(user)) => Ok(organisations::find(conn, user.organisation_id)?.name),
        (None, None) => Err(Refusal::invalid(
            "consulting_organisation",
            "is required for a professional without an account",
        )
        .into()),
    }
}

/// Records an advice consultation about a family LCSS may change the record of (its
/// locality's): the same record as a No Names Consultation, on the family's chronology.
pub fn record_advice(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    family: FamilyId,
    command: RecordNoNames,
) -> Result<AdviceConsultation> {
    authorize_family(conn, audit, actor, Permission::RecordConsultations, family)?;
    let organisation = consulting_organisation(conn, &command)?;
    let locality = families::find(conn, family)?.locality_id;
    let new = AdviceConsultation {
        id: Uuid::now_v7(),
        family_id: family,
        locality_id: locality,
        held_on: command.held_on,
        consulting_user_id: command.consulting_user,
        consulting_name: command.consulting_name,
        consulting_organisation: organisation,
        themes: command.themes,
        threshold_view: command.threshold_view,
        advice: command.advice,
        outcome: command.outcome,
        signposted_to: command.signposted_to,
        follow_up_on: command.follow_up_on,
        recorded_by: actor.user_id,
        recorded_at: chrono::Utc::now(),
    };
    transaction(conn, audit, |conn, trail| {
        let saved = consultations::create_advice(conn, &new)?;
        trail.record(
            AuditEvent::success(
                AuditAction::RecordConsultation,
                EntityType::Consultation,
                saved.id,
            )
            .with_detail(
                json!({ "kind": "advice", "family_id": family, "outcome": saved.outcome }),
            ),
        );
        let summary = format!(
            "LCSS advice consultation held {} (advice: {})",
            saved.held_on,
            saved.outcome.replace('_', " ")
        );
        chronology::record(
            conn,
            &Happening {
                family,
                kind: ChronologyKind::AdviceConsultation,
                actor: actor.user_id,
                summary: &summary,
                entity_type: EntityType::Consultation,
                entity_id: saved.id,
            },
        )?;
        Ok(saved)
    })
}

/// A family's advice consultations, for whoever may read its record.
pub fn advice_for_family(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    family: FamilyId,
) -> Result<Vec<AdviceConsultation>> {
    authorize_family(conn, audit, actor, Permission::ReadCase, family)?;
    let found = consultations::advice_for_family(conn, family)?;
    let ids: Vec<Uuid> = found.iter().map(|item| item.id).collect();
    let event = AuditEvent::new(
        AuditAction::ListConsultations,
        EntityType::Family,
        Some(family.into()),
        Outcome::Success,
    )
    .with_detail(json!({ "consultation_ids": ids }));
    audited_read(conn, audit, event, |_| Ok(found))
}
