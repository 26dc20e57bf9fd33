//! Each family's chronology: what happened, when, by whom, in a short summary without form
//! content. Written in the same transaction as the change it records.

use crate::pagination::{time_cursor, Page, PageRequest};
use crate::schema::{chronology_entries, users};
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::audit::{ChronologyKind, EntityType};
use earlyhelp_domain::{ChronologyEntryId, FamilyId, UserId};
use uuid::Uuid;

/// One thing that happened, as the writer describes it.
#[derive(Debug, Clone)]
pub struct Happening<'a> {
    pub family: FamilyId,
    pub kind: ChronologyKind,
    pub actor: UserId,
    pub summary: &'a str,
    pub entity_type: EntityType,
    pub entity_id: Uuid,
}

pub fn record(conn: &mut PgConnection, happening: &Happening<'_>) -> Result<()> {
    let summary: String = happening.summary.chars().take(500).collect();
    diesel::insert_into(chronology_entries::table)
        .values((
            chronology_entries::id.eq(ChronologyEntryId::generate()),
            chronology_entries::family_id.eq(happening.family),
            chronology_entries::kind.eq(happening.kind),
            chronology_entries::actor_id.eq(happening.actor),
            chronology_entries::summary.eq(summary),
            chronology_entries::entity_type.eq(happening.entity_type),
            chronology_entries::entity_id.eq(happening.entity_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// An entry as read back. Its kind and entity type stay text: the column admits any dotted
/// name, and an entry written by a newer build must still read, not fail the family's
/// chronology.
#[derive(Debug, Clone, Queryable)]
pub struct Entry {
    pub id: ChronologyEntryId,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: UserId,
    pub actor_name: String,
    pub summary: String,
    pub entity_type: String,
    pub entity_id: Uuid,
}

/// Newest first. The cursor carries the last entry's time and id.
pub fn list(conn: &mut PgConnection, family: FamilyId, page: &PageRequest) -> Result<Page<Entry>> {
    let mut query = chronology_entries::table
        .inner_join(users::table)
        .filter(chronology_entries::family_id.eq(family))
        .select((
            chronology_entries::id,
            chronology_entries::kind,
            chronology_entries::occurred_at,
            chronology_entries::actor_id,
            users::display_name,
            chronology_entries::summary,
            chronology_entries::entity_type,
            chronology_entries::entity_id,
        ))
        .into_boxed();
    if let Some(after) = &page.after {
        let (at, after_id) = after.time_position();
        query = query.filter(
            chronology_entries::occurred_at
                .lt(at)
                .or(chronology_entries::occurred_at
                    .eq(at)
                    .and(chronology_entries::id.lt(after_id))),
        );
    }
    let rows = query
        .order((
            chronology_entries::occurred_at.desc(),
            chronology_entries::id.desc(),
        ))
        .limit(page.fetch_limit())
        .load::<Entry>(conn)?;
    Ok(Page::from_rows(rows, page, |entry| {
        time_cursor(entry.occurred_at, entry.id.into())
    }))
}
