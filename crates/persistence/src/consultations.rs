//! No Names Consultations.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::no_names_consultations as nnc;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::{EpisodeId, FamilyId, LocalityId, UserId};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = nnc)]
pub struct NoNamesConsultation {
    pub id: Uuid,
    pub locality_id: LocalityId,
    pub held_on: NaiveDate,
    pub consulting_user_id: Option<UserId>,
    pub consulting_name: Option<String>,
    pub consulting_organisation: String,
    pub themes: Vec<String>,
    pub threshold_view: i16,
    pub advice: String,
    pub outcome: String,
    pub signposted_to: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
    pub followed_up_at: Option<DateTime<Utc>>,
    pub followed_up_by: Option<UserId>,
    pub follow_up_note: Option<String>,
}

pub fn create(conn: &mut PgConnection, new: &NoNamesConsultation) -> Result<NoNamesConsultation> {
    Ok(diesel::insert_into(nnc::table)
        .values(new)
        .returning(NoNamesConsultation::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<NoNamesConsultation> {
    Ok(nnc::table
        .find(id)
        .select(NoNamesConsultation::as_select())
        .first(conn)?)
}

/// The consultations `ids`, in no particular order.
pub fn find_many(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<NoNamesConsultation>> {
    Ok(nnc::table
        .filter(nnc::id.eq_any(ids))
        .select(NoNamesConsultation::as_select())
        .load(conn)?)
}

pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<NoNamesConsultation> {
    Ok(nnc::table
        .find(id)
        .select(NoNamesConsultation::as_select())
        .for_update()
        .first(conn)?)
}

/// Records that LCSS followed the consultation up.
pub fn follow_up(
    conn: &mut PgConnection,
    id: Uuid,
    by: UserId,
    note: Option<&str>,
) -> Result<NoNamesConsultation> {
    Ok(diesel::update(nnc::table.find(id))
        .set((
            nnc::followed_up_at.eq(diesel::dsl::now),
            nnc::followed_up_by.eq(by),
            nnc::follow_up_note.eq(note),
        ))
        .returning(NoNamesConsultation::as_returning())
        .get_result(conn)?)
}

/// The consultations `recorder` recorded whose follow-up falls on or before `until` and is
/// not yet recorded, soonest first.
pub fn follow_ups_due(
    conn: &mut PgConnection,
    recorder: UserId,
    until: NaiveDate,
    limit: i64,
) -> Result<Vec<NoNamesConsultation>> {
    Ok(nnc::table
        .filter(nnc::recorded_by.eq(recorder))
        .filter(nnc::follow_up_on.le(until))
        .filter(nnc::followed_up_at.is_null())
        .order((nnc::follow_up_on, nnc::id))
        .limit(limit)
        .select(NoNamesConsultation::as_select())
        .load(conn)?)
}

/// The consultations of `localities` held in `[from, to]`, oldest first.
pub fn list(
    conn: &mut PgConnection,
    localities: &[LocalityId],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    page: &PageRequest,
) -> Result<Page<NoNamesConsultation>> {
    let mut query = nnc::table
        .filter(nnc::locality_id.eq_any(localities))
        .select(NoNamesConsultation::as_select())
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(nnc::held_on.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(nnc::held_on.le(to));
    }
    if let Some(after) = &page.after {
        query = query.filter(nnc::id.gt(after.id));
    }
    let rows = query.order(nnc::id).limit(page.fetch_limit()).load(conn)?;
    Ok(Page::from_rows(rows, page, |row: &NoNamesConsultation| {
        Cursor {
            key: String::new(),
            id: row.id,
        }
    }))
}

/// How many consultations are recorded.
pub fn count(conn: &mut PgConnection) -> Result<i64> {
    Ok(nnc::table.count().get_result(conn)?)
}

/// Links a consultation to the episode it was about; `false` when it was linked already.
pub fn link(
    conn: &mut PgConnection,
    consultation: Uuid,
    episode: EpisodeId,
    family: FamilyId,
    by: UserId,
) -> Result<bool> {
    use crate::schema::no_names_consultation_links as links;
    let inserted = diesel::insert_into(links::table)
        .values((
            links::consultation_id.eq(consultation),
            links::episode_id.eq(episode),
            links::family_id.eq(family),
            links::linked_by.eq(by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(inserted == 1)
}

/// An advice consultation: the same record about a named family.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::schema::advice_consultations)]
pub struct AdviceConsultation {
    pub id: Uuid,
    pub family_id: FamilyId,
    pub locality_id: LocalityId,
    pub held_on: NaiveDate,
    pub consulting_user_id: Option<UserId>,
    pub consulting_name: Option<String>,
    pub consulting_organisation: String,
    pub themes: Vec<String>,
    pub threshold_view: i16,
    pub advice: String,
    pub outcome: String,
    pub signposted_to: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

pub fn create_advice(
    conn: &mut PgConnection,
    new: &AdviceConsultation,
) -> Result<AdviceConsultation> {
    use crate::schema::advice_consultations as advice;
    Ok(diesel::insert_into(advice::table)
        .values(new)
        .returning(AdviceConsultation::as_returning())
        .get_result(conn)?)
}

/// A family's advice consultations, by the day they were held.
pub fn advice_for_family(
    conn: &mut PgConnection,
    family: FamilyId,
) -> Result<Vec<AdviceConsultation>> {
    use crate::schema::advice_consultations as advice;
    Ok(advice::table
        .filter(advice::family_id.eq(family))
        .order((advice::held_on, advice::id))
        .select(AdviceConsultation::as_select())
        .load(conn)?)
}
