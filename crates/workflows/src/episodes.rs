//! Early-help episodes: opening, reading, threshold changes, lead-professional transfer and
//! closure. Every transition locks the episode row, asks the domain state machine, changes,
//! and writes its chronology and audit entries in one transaction.

use crate::access::{self, authorize_family, can_lead, readable};
use crate::step::{
    audited_list, audited_read, created_before, keyed, remember_key, replayed, transaction,
    IdempotencyKey,
};
use crate::{Failure, Refusal, Result};
use earlyhelp_domain::audit::{AuditAction, ChronologyKind, EntityType, Outcome};
use earlyhelp_domain::episode::{
    self as rules, ClosureReason, EpisodeEvent, EpisodeOrigin, EpisodeState, ThresholdLevel,
};
use earlyhelp_domain::person::MemberKind;
use earlyhelp_domain::policy::{self, Actor, CaseFacts, Permission};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::{EpisodeId, FamilyId, LocalityId, PersonId, UserId};
use earlyhelp_persistence::assessments::{self, Assessment};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent, AuditTrail};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::episodes::{
    self, Episode, EpisodeFilter, LeadTransfer, NewEpisode, ThresholdChange,
};
use earlyhelp_persistence::pagination::{Page, PageRequest};
use earlyhelp_persistence::users::{self, User};
use earlyhelp_persistence::{consents, families, Error as DbError, PgConnection};
use serde_json::json;

/// An episode as a single read shows it: with its children, histories and forms.
#[derive(Debug, Clone)]
pub struct EpisodeRecord {
    pub episode: Episode,
    pub children: Vec<PersonId>,
    pub threshold_history: Vec<ThresholdChange>,
    pub transfers: Vec<LeadTransfer>,
    pub assessments: Vec<Assessment>,
}

#[derive(Debug, Clone)]
pub struct ListEpisodes {
    pub filter: EpisodeFilter,
    pub page: PageRequest,
}

#[derive(Debug, Clone)]
pub struct OpenEpisode {
    pub family: FamilyId,
    /// Someone other than the opener, named by LCSS: the episode opens led by the opener,
    /// with a transfer proposed to them.
    pub lead_professional: Option<UserId>,
    /// The family's locality (the default, and the only one allowed).
    pub locality: Option<LocalityId>,
    /// At least one; each must be a child of the family.
    pub children: Vec<PersonId>,
    pub threshold: ThresholdLevel,
    pub threshold_rationale: String,
    pub reason: String,
    pub idempotency: Option<IdempotencyKey>,
}

#[derive(Debug, Clone)]
pub struct ChangeThreshold {
    pub episode: EpisodeId,
    pub level: ThresholdLevel,
    pub rationale: String,
}

#[derive(Debug, Clone)]
pub struct ProposeTransfer {
    pub episode: EpisodeId,
    pub to: UserId,
}

#[derive(Debug, Clone)]
pub struct CloseEpisode {
    pub episode: EpisodeId,
    pub reason: ClosureReason,
    /// Required when the reason is `other` (checked when the command is built).
    pub note: Option<String>,
}

/// Episodes of the families the actor may read, newest first.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ListEpisodes,
) -> Result<Page<Episode>> {
    let event = AuditEvent::new(
        AuditAction::ListEpisodes,
        EntityType::Episode,
        None,
        Outcome::Success,
    );
    let read = |conn: &mut PgConnection| {
        Ok(episodes::list(
            conn,
            readable(actor),
            &command.filter,
            &command.page,
        )?)
    };
    audited_list(conn, audit, event, read, |episode| episode.family_id)
}

/// One episode, for whoever may read its family's record or is asked to take it over.
pub fn get(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: EpisodeId,
) -> Result<EpisodeRecord> {
    let (episode, facts) = load(conn, id)?;
    let decision = policy::authorize_episode_read(actor, &facts);
    access::refused_if_denied(
        conn,
        audit,
        episode.family_id,
        Permission::ReadCase,
        decision,
    )?;
    let event = AuditEvent::success(AuditAction::ReadEpisode, EntityType::Episode, id);
    audited_read(conn, audit, event, |conn| record(conn, episode))
}

/// Opens an episode of early help for some of a family's children, with consent to assessment
/// in place; the family follows the episode's lead professional and locality.
pub fn open(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: OpenEpisode,
) -> Result<EpisodeRecord> {
    let key = command.idempotency.clone();
    keyed(conn, actor, key.as_ref(), |conn| {
        open_keyed(conn, audit, actor, command)
    })
}

fn open_keyed(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: OpenEpisode,
) -> Result<EpisodeRecord> {
    let key = command.idempotency.as_ref();
    if let Some(id) = created_before(conn, actor, key)? {
        let (episode, facts) = load(conn, EpisodeId::from(id))?;
        let decision = policy::authorize_episode_read(actor, &facts);
        access::refused_if_denied(
            conn,
            audit,
            episode.family_id,
            Permission::ReadCase,
            decision,
        )?;
        let event = replayed(AuditAction::OpenEpisode, EntityType::Episode, id);
        return audited_read(conn, audit, event, |conn| record(conn, episode));
    }
    let family = command.family;
    authorize_family(conn, audit, actor, Permission::WriteCase, family)?;
    let facts = access::family_facts(conn, family)?;
    // The episode opens where the family lives: moving a family between localities is not
    // something opening an episode may do on the side.
    let locality = command.locality.unwrap_or(facts.locality_id);
    if locality != facts.locality_id {
        return Err(Refusal::invalid(
            "locality_id",
            "must be the family's locality: an episode opens where the family is recorded",
        )
        .into());
    }
    // Whoever opens the episode leads it. LCSS may name someone else, who takes it over only
    // by accepting the transfer proposed to them; nobody is made lead without accepting.
    let handover = command
        .lead_professional
        .filter(|named| *named != actor.user_id);
    if let Some(named) = handover {
        if !policy::may_name_another_lead(actor, &facts) {
            return Err(Refusal::invalid(
                "lead_professional_id",
                "you lead the episodes you open: leave it out, and propose a transfer \
                 (POST /api/v1/episodes/{id}/transfer) to hand the episode on",
            )
            .into());
        }
        eligible_lead(conn, named, "lead_professional_id")?;
    }
    // The opener leads: the signed-in actor, read afresh this request, so only the policy's
    // question remains.
    if !policy::may_lead(actor) {
        return Err(Refusal::invalid(
            "lead_professional_id",
            "must be an active practitioner or LCSS worker",
        )
        .into());
    }
    let members = families::members(conn, &[family])?;
    let mut checks = Checks::default();
    for (index, child) in command.children.iter().enumerate() {
        if !members
            .iter()
            .any(|m| m.id == *child && m.kind == MemberKind::Child)
        {
            checks.fail(
                &format!("children[{index}]"),
                "must be a child in this family",
            );
        }
    }
    checks.finish(|| Some(()))?;
    if let Err(missing) =
        rules::require_assessment_consent(consents::has_active_assessment_consent(conn, family)?)
    {
        return Err(Refusal::ConsentRequired(format!(
            "{}: POST /api/v1/families/{{id}}/consents with for_assessment true.",
            capitalised(&missing.to_string())
        ))
        .into());
    }
    if episodes::open_for_family(conn, family)?.is_some() {
        return Err(Refusal::EpisodeAlreadyOpen.into());
    }
    let mut children = command.children;
    children.sort();
    children.dedup();
    let new = NewEpisode {
        id: EpisodeId::generate(),
        family_id: family,
        locality_id: locality,
        lead_professional_id: actor.user_id,
        lead_organisation_id: actor.organisation_id,
        threshold_level: command.threshold.level(),
        reason: command.reason,
        state: EpisodeState::Open,
        opened_by: actor.user_id,
        origin: EpisodeOrigin::EarlyHelp,
    };
    let episode = transaction(conn, audit, |conn, trail| {
        let episode = episodes::open(conn, &new, &children, &command.threshold_rationale).map_err(
            |error| match error {
                DbError::Conflict { .. } => Refusal::EpisodeAlreadyOpen.into(),
                DbError::MissingReference { .. } => {
                    Refusal::invalid("locality_id", "no such locality").into()
                }
                other => Failure::from(other),
            },
        )?;
        families::set_lead_professional(conn, family, actor.user_id)?;
        let summary = format!(
            "Early help episode opened at threshold level {} for {} child(ren)",
            command.threshold.level(),
            children.len()
        );
        note(
            conn,
            trail,
            actor,
            &episode,
            AuditAction::OpenEpisode,
            ChronologyKind::EpisodeOpened,
            &summary,
        )?;
        remember_key(conn, actor, key, episode.id)?;
        let Some(named) = handover else {
            return Ok(episode);
        };
        let episode = episodes::propose_transfer(conn, episode.id, named, actor.user_id)?;
        note(
            conn,
            trail,
            actor,
            &episode,
            AuditAction::ProposeTransfer,
            ChronologyKind::TransferProposed,
            "Transfer of lead professional proposed",
        )?;
        Ok(episode)
    })?;
    record(conn, episode)
}

/// Moves the episode to another threshold level, with the rationale kept in its history.
pub fn change_threshold(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ChangeThreshold,
) -> Result<EpisodeRecord> {
    authorised(conn, audit, actor, Permission::WriteCase, command.episode)?;
    let episode = transaction(conn, audit, |conn, trail| {
        let current = episodes::find_for_update(conn, command.episode)?;
        step(current.state, EpisodeEvent::ChangeThreshold)?;
        let episode = episodes::change_threshold(
            conn,
            command.episode,
            command.level.level(),
            &command.rationale,
            actor.user_id,
        )?;
        let summary = format!(
            "Threshold level changed from {} to {}",
            current.threshold_level,
            command.level.level()
        );
        note(
            conn,
            trail,
            actor,
            &episode,
            AuditAction::ChangeThreshold,
            ChronologyKind::ThresholdChanged,
            &summary,
        )?;
        Ok(episode)
    })?;
    record(conn, episode)
}

/// Proposes another professional as lead; nothing changes until they accept.
pub fn propose_transfer(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: ProposeTransfer,
) -> Result<EpisodeRecord> {
    authorised(conn, audit, actor, Permission::WriteCase, command.episode)?;
    let to = eligible_lead(conn, command.to, "to_user_id")?.id;
    let episode = transaction(conn, audit, |conn, trail| {
        let current = episodes::find_for_update(conn, command.episode)?;
        step(current.state, EpisodeEvent::ProposeTransfer)?;
        if current.lead_professional_id == to {
            return Err(Refusal::invalid("to_user_id", "is already the lead professional").into());
        }
        let episode = episodes::propose_transfer(conn, command.episode, to, actor.user_id)?;
        note(
            conn,
            trail,
            actor,
            &episode,
            AuditAction::ProposeTransfer,
            ChronologyKind::TransferProposed,
            "Transfer of lead professional proposed",
        )?;
        Ok(episode)
    })?;
    record(conn, episode)
}

/// The proposed lead takes the episode over; the family follows its new lead.
pub fn accept_transfer(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    id: EpisodeId,
) -> Result<EpisodeRecord> {
    let (episode, facts) = load(conn, id)?;
    let waiting_for_me = match policy::authorize_transfer_acceptance(actor, &facts) {
        Ok(mine) => mine,
        Err(denial) => {
            let permission = Permission::TakeOverEpisode;
            access::refused_if_denied(conn, audit, episode.family_id, permission, Err(denial))?;
            false
        }
    };
    if !waiting_for_me {
        return Err(Refusal::NoTransferForYou(
            "There is no transfer of this episode waiting for you to accept.",
        )
        .into());
    }
    let me = actor.user_id;
    let organisation = actor.organisation_id;
    let episode = transaction(conn, audit, |conn, trail| {
        let current = episodes::find_for_update(conn, id)?;
        step(current.state, EpisodeEvent::AcceptTransfer)?;
        if current.transfer_to != Some(me) {
            return Err(Refusal::NoTransferForYou("The transfer was withdrawn or changed.").into());
        }
        let episode = episodes::accept_transfer(conn, &current, organisation)?;
        families::set_lead_professional(conn, episode.family_id, me)?;
        note(
            conn,
            trail,
            actor,
            &episode,
            AuditAction::AcceptTransfer,
            ChronologyKind::Transferred,
            "Lead professional transferred",
        )?;
        Ok(episode)
    })?;
    record(conn, episode)
}

/// Closes the episode with its reason; closing is final.
pub fn close(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: CloseEpisode,
) -> Result<EpisodeRecord> {
    authorised(conn, audit, actor, Permission::WriteCase, command.episode)?;
    let episode = transaction(conn, audit, |conn, trail| {
        let current = episodes::find_for_update(conn, command.episode)?;
        step(current.state, EpisodeEvent::Close)?;
        Ok(close_locked(
            conn,
            trail,
            actor,
            command.episode,
            command.reason,
            command.note.as_deref(),
        )?)
    })?;
    record(conn, episode)
}

/// Closes an episode whose row the caller has locked, with its audit and chronology entries:
/// shared by closing on request and closing because consent was withdrawn.
pub(crate) fn close_locked(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    actor: &Actor,
    id: EpisodeId,
    reason: ClosureReason,
    note: Option<&str>,
) -> Result<Episode, DbError> {
    let episode = episodes::close(conn, id, reason, note, actor.user_id)?;
    trail.record(
        AuditEvent::success(AuditAction::CloseEpisode, EntityType::Episode, episode.id)
            .with_detail(json!({ "reason": reason.as_str() })),
    );
    chronology::record(
        conn,
        &Happening {
            family: episode.family_id,
            kind: ChronologyKind::EpisodeClosed,
            actor: actor.user_id,
            summary: &format!("Episode closed: {}", reason.as_str().replace('_', " ")),
            entity_type: EntityType::Episode,
            entity_id: episode.id.into(),
        },
    )?;
    Ok(episode)
}

/// The episode with the policy's facts about it: its family's place and lead, and who a
/// pending transfer is proposed to.
fn load(conn: &mut PgConnection, id: EpisodeId) -> Result<(Episode, CaseFacts)> {
    let episode = episodes::find(conn, id)?;
    let mut facts = access::family_facts(conn, episode.family_id)?;
    facts.proposed_lead = episode.transfer_to;
    Ok((episode, facts))
}

/// Loads the episode and checks the actor may act on its family.
pub(crate) fn authorised(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    permission: Permission,
    id: EpisodeId,
) -> Result<Episode> {
    let episode = episodes::find(conn, id)?;
    authorize_family(conn, audit, actor, permission, episode.family_id)?;
    Ok(episode)
}

fn record(conn: &mut PgConnection, episode: Episode) -> Result<EpisodeRecord> {
    let id = episode.id;
    Ok(EpisodeRecord {
        children: episodes::children(conn, id)?,
        threshold_history: episodes::threshold_history(conn, id)?,
        transfers: episodes::transfers(conn, id)?,
        assessments: assessments::for_episode(conn, id)?,
        episode,
    })
}

/// An active user who can lead early help (a practitioner or an LCSS worker or manager).
pub(crate) fn eligible_lead(conn: &mut PgConnection, id: UserId, field: &str) -> Result<User> {
    match users::find(conn, id) {
        Ok(user) if can_lead(&user) => Ok(user),
        Ok(_) | Err(DbError::NotFound) => {
            Err(Refusal::invalid(field, "must be an active practitioner or LCSS worker").into())
        }
        Err(other) => Err(other.into()),
    }
}

/// The state machine's answer for the stored state.
pub(crate) fn step(state: EpisodeState, event: EpisodeEvent) -> Result<()> {
    rules::transition(state, event)
        .map(|_| ())
        .map_err(|error| {
            Refusal::EpisodeClosed(format!("{}.", capitalised(&error.to_string()))).into()
        })
}

pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub(crate) fn note(
    conn: &mut PgConnection,
    trail: &mut AuditTrail,
    actor: &Actor,
    episode: &Episode,
    action: AuditAction,
    kind: ChronologyKind,
    summary: &str,
) -> Result<(), DbError> {
    trail.record(AuditEvent::success(action, EntityType::Episode, episode.id));
    chronology::record(
        conn,
        &Happening {
            family: episode.family_id,
            kind,
            actor: actor.user_id,
            summary,
            entity_type: EntityType::Episode,
            entity_id: episode.id.into(),
        },
    )
}
