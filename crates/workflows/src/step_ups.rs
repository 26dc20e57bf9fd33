//! Step-up to Children's Social Care: the lead professional or LCSS for the locality asks social
//! care to take on a family of an open episode (referral source 5D), pre-filled from the
//! episode's latest Strengths and Needs form; social care (the Referred reach) accepts it for
//! statutory assessment, closing the episode as stepped up, or does not, with advice. An
//! immediate concern is answered with the locality's MASH number to phone now.

use crate::access::{authorize_family, readable};
use crate::clock::today;
use crate::episodes::close_locked;
use crate::step::{audited_list, audited_read, transaction};
use crate::{Failure, Refusal, Result};
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::episode::{ClosureReason, EpisodeState};
use earlyhelp_domain::policy::{Actor, Permission};
use earlyhelp_domain::step_up::{self as rules, StepUpDecision, StepUpState};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::EpisodeId;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::step_ups::{self, NewStepUp, StepUp};
use earlyhelp_persistence::{episodes, localities, Error as DbError, PgConnection};
use serde_json::json;
use uuid::Uuid;

/// A request as the referrer sends it: what they leave out comes from the latest form.
#[derive(Debug, Clone)]
pub struct RaiseStepUp {
    pub episode: EpisodeId,
    pub reason: Option<String>,
    pub threshold_level: Option<i16>,
    pub tried: Option<String>,
    pub risks: Option<String>,
    pub immediate: bool,
}

/// What to tell a referrer whose concern is immediate.
#[derive(Debug, Clone)]
pub struct PhoneMash {
    pub locality: String,
    /// The locality's MASH number, when configured.
    pub phone: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RaisedStepUp {
    pub step_up: StepUp,
    pub phone_mash: Option<PhoneMash>,
}

#[derive(Debug, Clone)]
pub struct DecideStepUp {
    pub step_up: Uuid,
    pub decision: StepUpDecision,
    /// Required when not accepted: what early help should do instead.
    pub advice: Option<String>,
}

/// Raises a step-up from an open episode.
pub fn raise(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: RaiseStepUp,
) -> Result<RaisedStepUp> {
    let episode = match episodes::find(conn, command.episode) {
        Err(DbError::NotFound) => return Err(Refusal::NotFound.into()),
        other => other?,
    };
    authorize_family(conn, audit, actor, Permission::WriteCase, episode.family_id)?;
    if episode.state != EpisodeState::Open {
        return Err(Refusal::EpisodeClosed("The episode is closed.".into()).into());
    }
    let revision = step_ups::latest_revision(conn, episode.id)?;
    let filled = revision
        .as_ref()
        .map(|(_, content)| rules::prefill(content))
        .unwrap_or_default();
    let mut checks = Checks::default();
    let mut required = |field: &str, given: Option<String>, filled: Option<String>| {
        let value = given.or(filled);
        if value.is_none() {
            checks.fail(
                field,
                "is required: give it, or record it in the episode's Strengths and Needs form",
            );
        }
        value
    };
    let reason = required("reason", command.reason, filled.reason);
    let tried = required("tried", command.tried, filled.tried);
    let risks = required("risks", command.risks, filled.risks);
    let level = command.threshold_level.or(filled.threshold_level);
    match level {
        Some(3 | 4) => {}
        Some(_) => checks.fail("threshold_level", "must be 3 (complex) or 4 (critical)"),
        None => checks.fail(
            "threshold_level",
            "is required: 3 (complex) or 4 (critical); the form's level is below 3",
        ),
    }
    let (reason, tried, risks, threshold_level) =
        checks.finish(|| Some((reason?, tried?, risks?, level?)))?;
    let new = NewStepUp {
        id: Uuid::now_v7(),
        episode_id: episode.id,
        family_id: episode.family_id,
        locality_id: episode.locality_id,
        reason,
        threshold_level,
        tried,
        risks,
        immediate: command.immediate,
        revision_id: revision.map(|(id, _)| id),
        raised_by: actor.user_id,
    };
    let step_up = transaction(conn, audit, |conn, trail| {
        let step_up = step_ups::create(conn, &new).map_err(|error| match error {
            DbError::Conflict { .. } => Failure::from(Refusal::Duplicate(
                "a step-up of this episode is already with social care",
            )),
            other => Failure::from(other),
        })?;
        trail.record(
            AuditEvent::success(AuditAction::RaiseStepUp, EntityType::StepUp, step_up.id)
                .with_detail(json!({ "immediate": step_up.immediate, "threshold_level": step_up.threshold_level })),
        );
        let summary = if step_up.immediate {
            "Step-up to Children's Social Care requested (referral source 5D); immediate concern, MASH to be phoned"
        } else {
            "Step-up to Children's Social Care requested (referral source 5D)"
        };
        note(
            conn,
            actor,
            &step_up,
            ChronologyKind::StepUpRequested,
            summary,
        )?;
        Ok(step_up)
    })?;
    let phone_mash = if step_up.immediate {
        let locality = localities::find(conn, step_up.locality_id)?;
        Some(PhoneMash {
            locality: locality.name,
            phone: locality.mash_phone,
        })
    } else {
        None
    };
    Ok(RaisedStepUp {
        step_up,
        phone_mash,
    })
}

pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: Uuid,
) -> Result<StepUp> {
    let step_up = find(conn, id)?;
    authorize_family(conn, audit, actor, Permission::ReadCase, step_up.family_id)?;
    let event = AuditEvent::success(AuditAction::ReadStepUp, EntityType::StepUp, id);
    audited_read(conn, audit, event, |_| Ok(step_up))
}

/// The step-ups of the families the actor may read, oldest first.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    state: Option<StepUpState>,
    page: PageRequest,
) -> Result<Page<StepUp>> {
    let event = AuditEvent::new(
        AuditAction::ListStepUps,
        EntityType::StepUp,
        None,
        Outcome::Success,
    );
    let read = |conn: &mut PgConnection| Ok(step_ups::list(conn, readable(actor), state, &page)?);
    audited_list(conn, audit, event, read, |step_up| step_up.family_id)
}

/// Social care decides. Accepted: the episode closes as stepped up (its team reaches nothing
/// more) and the family is marked known to social care from today. Not accepted: early help
/// continues, with social care's advice.
pub fn decide(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: DecideStepUp,
) -> Result<StepUp> {
    let step_up = find(conn, command.step_up)?;
    authorize_family(
        conn,
        audit,
        actor,
        Permission::DecideStepUps,
        step_up.family_id,
    )?;
    transaction(conn, audit, |conn, trail| {
        let step_up = step_ups::find_for_update(conn, command.step_up)?;
        let state = rules::decide(step_up.state, command.decision).map_err(|error| {
            Refusal::StepUpDecided(format!(
                "The step-up has been decided already: {}.",
                error.0.as_str().replace('_', " ")
            ))
        })?;
        let decided = step_ups::decide(
            conn,
            step_up.id,
            state,
            actor.user_id,
            command.advice.as_deref(),
        )?;
        trail.record(
            AuditEvent::success(AuditAction::DecideStepUp, EntityType::StepUp, step_up.id)
                .with_detail(json!({ "decision": state.as_str() })),
        );
        let (kind, summary) = match state {
            StepUpState::Accepted => (
                ChronologyKind::StepUpAccepted,
                "Children's Social Care accepted the step-up for statutory assessment",
            ),
            _ => (
                ChronologyKind::StepUpNotAccepted,
                "Children's Social Care did not accept the step-up; early help continues with its advice",
            ),
        };
        note(conn, actor, &decided, kind, summary)?;
        if state == StepUpState::Accepted {
            step_ups::mark_known(conn, decided.family_id, today())?;
            let episode = episodes::find_for_update(conn, decided.episode_id)?;
            if episode.state == EpisodeState::Open {
                close_locked(
                    conn,
                    trail,
                    actor,
                    episode.id,
                    ClosureReason::SteppedUp,
                    Some("Accepted by Children's Social Care for statutory assessment"),
                )?;
            }
        }
        Ok(decided)
    })
}

fn find(conn: &mut PgConnection, id: Uuid) -> Result<StepUp> {
    match step_ups::find(conn, id) {
        Err(DbError::NotFound) => Err(Refusal::NotFound.into()),
        other => Ok(other?),
    }
}

fn note(
    conn: &mut PgConnection,
    actor: &Actor,
    step_up: &StepUp,
    kind: ChronologyKind,
    summary: &str,
) -> Result<(), DbError> {
    chronology::record(
        conn,
        &Happening {
            family: step_up.family_id,
            kind,
            actor: actor.user_id,
            summary,
            entity_type: EntityType::StepUp,
            entity_id: step_up.id,
        },
    )
}
