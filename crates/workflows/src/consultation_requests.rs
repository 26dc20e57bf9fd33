//! The conversation around a No Names Consultation: a professional asks LCSS for one (with no
//! identifying details; the caller has checked the question for identifiers), LCSS answers by
//! recording the consultation ([`crate::consultations::record`] with the request), and LCSS
//! records when it followed a consultation up.

use crate::consultations::localities;
use crate::step::{audited_list, audited_read, transaction};
use crate::{Refusal, Result};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::consultation::{self as rules, FollowUp, RequestState};
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::LocalityId;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::consultation_requests::{self, ConsultationRequest, RequestFilter};
use earlyhelp_persistence::consultations::{self, NoNamesConsultation};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::{localities as places, organisations, Error as DbError, PgConnection};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct RequestConsultation {
    /// `None`: the locality of the actor's organisation, else their own.
    pub locality: Option<LocalityId>,
    /// Concern theme names, checked and each once.
    pub themes: Vec<String>,
    pub threshold_view: Option<i16>,
    pub question: String,
}

/// A request with the consultation that answered it, once answered.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub request: ConsultationRequest,
    pub consultation: Option<NoNamesConsultation>,
}

/// A professional asks the LCSS of a locality for a No Names Consultation.
pub fn request(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: RequestConsultation,
) -> Result<RequestRecord> {
    policy::authorize(actor, Permission::RequestConsultations)?;
    let home = organisations::find(conn, actor.organisation_id)?
        .locality_id
        .or(actor.locality_id);
    let Some(locality) = command.locality.or(home) else {
        return Err(Refusal::invalid(
            "locality_id",
            "your organisation serves the whole authority: say which locality's LCSS to ask",
        )
        .into());
    };
    match places::find(conn, locality) {
        Err(DbError::NotFound) => {
            return Err(Refusal::invalid("locality_id", "no such locality").into())
        }
        other => drop(other?),
    }
    let new = ConsultationRequest {
        id: Uuid::now_v7(),
        locality_id: locality,
        requested_by: actor.user_id,
        requested_at: chrono::Utc::now(),
        themes: command.themes,
        threshold_view: command.threshold_view,
        question: command.question,
        consultation_id: None,
        completed_at: None,
    };
    let request = transaction(conn, audit, |conn, trail| {
        let saved = consultation_requests::create(conn, &new)?;
        trail.record(AuditEvent::success(
            AuditAction::RequestConsultation,
            EntityType::ConsultationRequest,
            saved.id,
        ));
        Ok(saved)
    })?;
    Ok(RequestRecord {
        request,
        consultation: None,
    })
}

/// One request, for whoever made it and LCSS of its locality (404 for everyone else).
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
) -> Result<RequestRecord> {
    let request = match consultation_requests::find(conn, id) {
        Ok(found) if may_see(actor, &found) => found,
        Ok(_) | Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
        Err(other) => return Err(other.into()),
    };
    let event = AuditEvent::success(
        AuditAction::ReadConsultationRequest,
        EntityType::ConsultationRequest,
        id,
    );
    audited_read(conn, audit, event, |conn| answered(conn, request))
}

/// The requests the actor made and, for LCSS, those to its locality; oldest first.
/// `open`: only those waiting (`true`) or answered (`false`).
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    open: Option<bool>,
    page: PageRequest,
) -> Result<Page<RequestRecord>> {
    let filter = RequestFilter {
        localities: own_localities(actor),
        requester: actor.user_id,
        open,
    };
    let event = AuditEvent::new(
        AuditAction::ListConsultationRequests,
        EntityType::ConsultationRequest,
        None,
        Outcome::Success,
    );
    let read = |conn: &mut PgConnection| {
        let page = consultation_requests::list(conn, &filter, &page)?;
        Ok(Page {
            items: answered_all(conn, page.items)?,
            next: page.next,
        })
    };
    // Nothing in a request names a family.
    audited_list(conn, audit, event, read, |_| None)
}

/// LCSS records that it followed a consultation of its locality up (once).
pub fn follow_up(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
    note: Option<String>,
) -> Result<NoNamesConsultation> {
    let mine = localities(actor)?;
    transaction(conn, audit, |conn, trail| {
        let current = match consultations::find_for_update(conn, id) {
            Ok(found) if mine.contains(&found.locality_id) => found,
            Ok(_) | Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
            Err(other) => return Err(other.into()),
        };
        let state = if current.followed_up_at.is_some() {
            FollowUp::Done
        } else {
            FollowUp::Open
        };
        rules::follow_up(state).map_err(|_| {
            Refusal::ConsultationState("This consultation has been followed up already.")
        })?;
        let saved = consultations::follow_up(conn, id, actor.user_id, note.as_deref())?;
        trail.record(AuditEvent::success(
            AuditAction::FollowUpConsultation,
            EntityType::Consultation,
            id,
        ));
        Ok(saved)
    })
}

/// The open request `id`, locked, for LCSS of its locality to answer: 404 elsewhere, 409 when
/// answered already.
pub(crate) fn open_request(
    conn: &mut PgConnection,
    mine: &[LocalityId],
    id: Uuid,
) -> Result<ConsultationRequest> {
    let request = match consultation_requests::find_for_update(conn, id) {
        Ok(found) if mine.contains(&found.locality_id) => found,
        Ok(_) | Err(DbError::NotFound) => {
            return Err(Refusal::invalid("request_id", "no such request to your locality").into())
        }
        Err(other) => return Err(other.into()),
    };
    rules::complete(state_of(&request))
        .map_err(|_| Refusal::ConsultationState("This request has been answered already."))?;
    Ok(request)
}

pub fn state_of(request: &ConsultationRequest) -> RequestState {
    if request.consultation_id.is_some() {
        RequestState::Completed
    } else {
        RequestState::Requested
    }
}

fn may_see(actor: &Actor, request: &ConsultationRequest) -> bool {
    request.requested_by == actor.user_id || own_localities(actor).contains(&request.locality_id)
}

/// The localities whose consultations the actor records (none for anyone but LCSS).
fn own_localities(actor: &Actor) -> Vec<LocalityId> {
    localities(actor).unwrap_or_default()
}

fn answered(conn: &mut PgConnection, request: ConsultationRequest) -> Result<RequestRecord> {
    let mut records = answered_all(conn, vec![request])?;
    records.pop().ok_or_else(|| Refusal::NotFound.into())
}

/// The requests with the consultations that answered them: one query for any number.
fn answered_all(
    conn: &mut PgConnection,
    requests: Vec<ConsultationRequest>,
) -> Result<Vec<RequestRecord>> {
    let ids: Vec<uuid::Uuid> = requests.iter().filter_map(|r| r.consultation_id).collect();
    let answers = consultations::find_many(conn, &ids)?;
    Ok(requests
        .into_iter()
        .map(|request| RequestRecord {
            consultation: answers
                .iter()
                .find(|answer| Some(answer.id) == request.consultation_id)
                .cloned(),
            request,
        })
        .collect())
}
