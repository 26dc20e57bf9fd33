//! Early-help episodes, the children they concern, threshold history and lead transfers.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{episode_children, episodes, lead_transfers, threshold_changes};
use crate::scope::VisibleFamilies;
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::episode::{ClosureReason, EpisodeOrigin, EpisodeState};
use earlyhelp_domain::{EpisodeId, FamilyId, LocalityId, OrganisationId, PersonId, UserId};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = episodes)]
pub struct Episode {
    pub id: EpisodeId,
    pub family_id: FamilyId,
    pub locality_id: LocalityId,
    pub lead_professional_id: UserId,
    pub lead_organisation_id: OrganisationId,
    pub threshold_level: i16,
    pub reason: String,
    pub state: EpisodeState,
    pub opened_at: DateTime<Utc>,
    pub opened_by: UserId,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<UserId>,
    pub closure_reason: Option<ClosureReason>,
    pub closure_note: Option<String>,
    pub transfer_to: Option<UserId>,
    pub transfer_proposed_by: Option<UserId>,
    pub transfer_proposed_at: Option<DateTime<Utc>>,
    pub origin: EpisodeOrigin,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = episodes)]
pub struct NewEpisode {
    pub id: EpisodeId,
    pub family_id: FamilyId,
    pub locality_id: LocalityId,
    pub lead_professional_id: UserId,
    pub lead_organisation_id: OrganisationId,
    pub threshold_level: i16,
    pub reason: String,
    pub state: EpisodeState,
    pub opened_by: UserId,
    pub origin: EpisodeOrigin,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = threshold_changes)]
pub struct ThresholdChange {
    pub id: Uuid,
    pub episode_id: EpisodeId,
    pub level: i16,
    pub rationale: String,
    pub changed_by: UserId,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lead_transfers)]
pub struct LeadTransfer {
    pub id: Uuid,
    pub episode_id: EpisodeId,
    pub from_user_id: UserId,
    pub to_user_id: UserId,
    pub proposed_by: UserId,
    pub proposed_at: DateTime<Utc>,
    pub accepted_at: DateTime<Utc>,
}

/// Opens the episode with its children and the opening threshold (with its rationale).
pub fn open(
    conn: &mut PgConnection,
    new: &NewEpisode,
    children: &[PersonId],
    rationale: &str,
) -> Result<Episode> {
    let episode = diesel::insert_into(episodes::table)
        .values(new)
        .returning(Episode::as_returning())
        .get_result(conn)?;
    let rows: Vec<_> = children
        .iter()
        .map(|child| {
            (
                episode_children::episode_id.eq(episode.id),
                episode_children::person_id.eq(*child),
            )
        })
        .collect();
    diesel::insert_into(episode_children::table)
        .values(&rows)
        .execute(conn)?;
    record_threshold(
        conn,
        episode.id,
        new.threshold_level,
        rationale,
        new.opened_by,
    )?;
    Ok(episode)
}

fn record_threshold(
    conn: &mut PgConnection,
    episode: EpisodeId,
    level: i16,
    rationale: &str,
    by: UserId,
) -> Result<()> {
    diesel::insert_into(threshold_changes::table)
        .values((
            threshold_changes::id.eq(Uuid::now_v7()),
            threshold_changes::episode_id.eq(episode),
            threshold_changes::level.eq(level),
            threshold_changes::rationale.eq(rationale),
            threshold_changes::changed_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Locks the episode row for a state change: concurrent transitions queue here.
pub fn find_for_update(conn: &mut PgConnection, id: EpisodeId) -> Result<Episode> {
    Ok(episodes::table
        .find(id)
        .select(Episode::as_select())
        .for_update()
        .first(conn)?)
}

pub fn find(conn: &mut PgConnection, id: EpisodeId) -> Result<Episode> {
    Ok(episodes::table
        .find(id)
        .select(Episode::as_select())
        .first(conn)?)
}

pub fn open_for_family(conn: &mut PgConnection, family: FamilyId) -> Result<Option<Episode>> {
    Ok(episodes::table
        .filter(episodes::family_id.eq(family))
        .filter(episodes::state.eq(EpisodeState::Open))
        .select(Episode::as_select())
        .first(conn)
        .optional()?)
}

pub fn children(conn: &mut PgConnection, id: EpisodeId) -> Result<Vec<PersonId>> {
    Ok(episode_children::table
        .filter(episode_children::episode_id.eq(id))
        .order(episode_children::person_id)
        .select(episode_children::person_id)
        .load(conn)?)
}

pub fn threshold_history(conn: &mut PgConnection, id: EpisodeId) -> Result<Vec<ThresholdChange>> {
    Ok(threshold_changes::table
        .filter(threshold_changes::episode_id.eq(id))
        .order((threshold_changes::changed_at, threshold_changes::id))
        .select(ThresholdChange::as_select())
        .load(conn)?)
}

pub fn transfers(conn: &mut PgConnection, id: EpisodeId) -> Result<Vec<LeadTransfer>> {
    Ok(lead_transfers::table
        .filter(lead_transfers::episode_id.eq(id))
        .order(lead_transfers::accepted_at)
        .select(LeadTransfer::as_select())
        .load(conn)?)
}

pub fn change_threshold(
    conn: &mut PgConnection,
    id: EpisodeId,
    level: i16,
    rationale: &str,
    by: UserId,
) -> Result<Episode> {
    let episode = diesel::update(episodes::table.find(id))
        .set(episodes::threshold_level.eq(level))
        .returning(Episode::as_returning())
        .get_result(conn)?;
    record_threshold(conn, id, level, rationale, by)?;
    Ok(episode)
}

pub fn propose_transfer(
    conn: &mut PgConnection,
    id: EpisodeId,
    to: UserId,
    by: UserId,
) -> Result<Episode> {
    Ok(diesel::update(episodes::table.find(id))
        .set((
            episodes::transfer_to.eq(to),
            episodes::transfer_proposed_by.eq(by),
            episodes::transfer_proposed_at.eq(diesel::dsl::now),
        ))
        .returning(Episode::as_returning())
        .get_result(conn)?)
}

/// Completes a pending transfer: the new lead and their organisation take the episode.
pub fn accept_transfer(
    conn: &mut PgConnection,
    episode: &Episode,
    new_organisation: OrganisationId,
) -> Result<Episode> {
    let (Some(to), Some(by), Some(at)) = (
        episode.transfer_to,
        episode.transfer_proposed_by,
        episode.transfer_proposed_at,
    ) else {
        return Err(crate::Error::NotFound);
    };
    diesel::insert_into(lead_transfers::table)
        .values((
            lead_transfers::id.eq(Uuid::now_v7()),
            lead_transfers::episode_id.eq(episode.id),
            lead_transfers::from_user_id.eq(episode.lead_professional_id),
            lead_transfers::to_user_id.eq(to),
            lead_transfers::proposed_by.eq(by),
            lead_transfers::proposed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(diesel::update(episodes::table.find(episode.id))
        .set((
            episodes::lead_professional_id.eq(to),
            episodes::lead_organisation_id.eq(new_organisation),
            episodes::transfer_to.eq(None::<UserId>),
            episodes::transfer_proposed_by.eq(None::<UserId>),
            episodes::transfer_proposed_at.eq(None::<DateTime<Utc>>),
        ))
        .returning(Episode::as_returning())
        .get_result(conn)?)
}

pub fn close(
    conn: &mut PgConnection,
    id: EpisodeId,
    reason: ClosureReason,
    note: Option<&str>,
    by: UserId,
) -> Result<Episode> {
    Ok(diesel::update(episodes::table.find(id))
        .set((
            episodes::state.eq(EpisodeState::Closed),
            episodes::closed_at.eq(diesel::dsl::now),
            episodes::closed_by.eq(by),
            episodes::closure_reason.eq(reason),
            episodes::closure_note.eq(note),
            episodes::transfer_to.eq(None::<UserId>),
            episodes::transfer_proposed_by.eq(None::<UserId>),
            episodes::transfer_proposed_at.eq(None::<DateTime<Utc>>),
        ))
        .returning(Episode::as_returning())
        .get_result(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct EpisodeFilter {
    pub state: Option<EpisodeState>,
    pub family_id: Option<FamilyId>,
    pub lead_professional_id: Option<UserId>,
}

/// Episodes of visible families, newest first.
pub fn list(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    filter: &EpisodeFilter,
    page: &PageRequest,
) -> Result<Page<Episode>> {
    let mut query = episodes::table
        .filter(episodes::family_id.eq_any(visible))
        .select(Episode::as_select())
        .into_boxed();
    if let Some(state) = &filter.state {
        query = query.filter(episodes::state.eq(*state));
    }
    if let Some(family) = filter.family_id {
        query = query.filter(episodes::family_id.eq(family));
    }
    if let Some(lead) = filter.lead_professional_id {
        query = query.filter(episodes::lead_professional_id.eq(lead));
    }
    if let Some(after) = &page.after {
        query = query.filter(episodes::id.lt(after.id));
    }
    let rows = query
        .order(episodes::id.desc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: String::new(),
        id: row.id.into(),
    }))
}
