//! Team Around the Family meetings, their minutes, and the actions finalised minutes agree.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{taf_actions, taf_meetings};
use crate::scope::VisibleFamilies;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::taf::{ActionStatus, MeetingState};
use earlyhelp_domain::{FamilyId, LocalityId, UserId};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = taf_meetings)]
pub struct Meeting {
    pub id: Uuid,
    pub taf_id: Uuid,
    pub family_id: FamilyId,
    pub state: MeetingState,
    pub starts_at: DateTime<Utc>,
    pub venue: Option<String>,
    pub is_virtual: bool,
    pub invitee_member_ids: Vec<Uuid>,
    pub minutes: Value,
    pub version: i32,
    pub next_review_on: Option<NaiveDate>,
    pub scheduled_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub locality_id: Option<LocalityId>,
    pub lcss_attended: Option<bool>,
    pub finalised_at: Option<DateTime<Utc>>,
    pub finalised_by: Option<UserId>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<UserId>,
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = taf_meetings)]
pub struct NewMeeting {
    pub id: Uuid,
    pub taf_id: Uuid,
    pub family_id: FamilyId,
    pub starts_at: DateTime<Utc>,
    pub venue: Option<String>,
    pub is_virtual: bool,
    pub invitee_member_ids: Vec<Uuid>,
    pub scheduled_by: UserId,
}

/// A scheduled meeting's arrangements and minutes, as a save leaves them.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = taf_meetings)]
pub struct MeetingChanges {
    pub starts_at: DateTime<Utc>,
    pub venue: Option<String>,
    pub is_virtual: bool,
    pub invitee_member_ids: Vec<Uuid>,
    pub minutes: Value,
    pub next_review_on: Option<NaiveDate>,
}

pub fn create(conn: &mut PgConnection, new: &NewMeeting) -> Result<Meeting> {
    Ok(diesel::insert_into(taf_meetings::table)
        .values(new)
        .returning(Meeting::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Meeting> {
    Ok(taf_meetings::table
        .find(id)
        .select(Meeting::as_select())
        .first(conn)?)
}

pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<Meeting> {
    Ok(taf_meetings::table
        .find(id)
        .select(Meeting::as_select())
        .for_update()
        .first(conn)?)
}

/// The team's meetings, earliest first.
pub fn for_taf(conn: &mut PgConnection, taf: Uuid) -> Result<Vec<Meeting>> {
    Ok(taf_meetings::table
        .filter(taf_meetings::taf_id.eq(taf))
        .order((taf_meetings::starts_at, taf_meetings::id))
        .select(Meeting::as_select())
        .load(conn)?)
}

/// Saves a scheduled meeting's changes made against `expected`; `None` when another save won.
pub fn save(
    conn: &mut PgConnection,
    id: Uuid,
    expected: i32,
    changes: &MeetingChanges,
) -> Result<Option<Meeting>> {
    Ok(diesel::update(
        taf_meetings::table
            .find(id)
            .filter(taf_meetings::version.eq(expected))
            .filter(taf_meetings::state.eq(MeetingState::Scheduled)),
    )
    .set((
        changes,
        taf_meetings::version.eq(taf_meetings::version + 1),
        taf_meetings::updated_at.eq(diesel::dsl::now),
    ))
    .returning(Meeting::as_returning())
    .get_result(conn)
    .optional()?)
}

/// Finalises the minutes: from now they are immutable and with `locality`'s LCSS.
pub fn finalise(
    conn: &mut PgConnection,
    id: Uuid,
    by: UserId,
    locality: LocalityId,
    lcss_attended: bool,
) -> Result<Meeting> {
    Ok(diesel::update(taf_meetings::table.find(id))
        .set((
            taf_meetings::state.eq(MeetingState::Finalised),
            taf_meetings::finalised_at.eq(diesel::dsl::now),
            taf_meetings::finalised_by.eq(by),
            taf_meetings::locality_id.eq(locality),
            taf_meetings::lcss_attended.eq(lcss_attended),
            taf_meetings::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Meeting::as_returning())
        .get_result(conn)?)
}

pub fn acknowledge(
    conn: &mut PgConnection,
    id: Uuid,
    by: UserId,
    feedback: Option<&str>,
) -> Result<Meeting> {
    Ok(diesel::update(taf_meetings::table.find(id))
        .set((
            taf_meetings::state.eq(MeetingState::Acknowledged),
            taf_meetings::acknowledged_at.eq(diesel::dsl::now),
            taf_meetings::acknowledged_by.eq(by),
            taf_meetings::feedback.eq(feedback),
            taf_meetings::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Meeting::as_returning())
        .get_result(conn)?)
}

/// What the LCSS "minutes received" list shows.
#[derive(Debug, Clone, Default)]
pub struct ReceivedFilter {
    pub locality: Option<LocalityId>,
    /// Finalised on or after.
    pub from: Option<DateTime<Utc>>,
    /// Finalised before.
    pub to: Option<DateTime<Utc>>,
    pub acknowledged: Option<bool>,
}

/// Finalised minutes of the families `visible` reaches, oldest first.
pub fn received(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    filter: &ReceivedFilter,
    page: &PageRequest,
) -> Result<Page<Meeting>> {
    let mut query = taf_meetings::table
        .filter(taf_meetings::finalised_at.is_not_null())
        .filter(taf_meetings::family_id.eq_any(visible))
        .select(Meeting::as_select())
        .into_boxed();
    if let Some(locality) = filter.locality {
        query = query.filter(taf_meetings::locality_id.eq(locality));
    }
    if let Some(from) = filter.from {
        query = query.filter(taf_meetings::finalised_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(taf_meetings::finalised_at.lt(to));
    }
    match filter.acknowledged {
        Some(true) => query = query.filter(taf_meetings::acknowledged_at.is_not_null()),
        Some(false) => query = query.filter(taf_meetings::acknowledged_at.is_null()),
        None => {}
    }
    if let Some(after) = &page.after {
        query = query.filter(taf_meetings::id.gt(after.id));
    }
    let rows = query
        .order(taf_meetings::id)
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row: &Meeting| Cursor {
        key: String::new(),
        id: row.id,
    }))
}

// ---------------------------------------------------------------------------------------------
// Actions

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = taf_actions)]
pub struct Action {
    pub id: Uuid,
    pub taf_id: Uuid,
    pub meeting_id: Uuid,
    pub description: String,
    pub owner_member_id: Uuid,
    pub due_on: NaiveDate,
    pub status: ActionStatus,
    pub progress: Value,
    pub completion_note: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = taf_actions)]
pub struct NewAction {
    pub id: Uuid,
    pub taf_id: Uuid,
    pub meeting_id: Uuid,
    pub description: String,
    pub owner_member_id: Uuid,
    pub due_on: NaiveDate,
}

pub fn add_actions(conn: &mut PgConnection, actions: &[NewAction]) -> Result<usize> {
    Ok(diesel::insert_into(taf_actions::table)
        .values(actions)
        .execute(conn)?)
}

/// The team's whole plan, by due date.
pub fn actions(conn: &mut PgConnection, taf: Uuid) -> Result<Vec<Action>> {
    Ok(taf_actions::table
        .filter(taf_actions::taf_id.eq(taf))
        .order((taf_actions::due_on, taf_actions::id))
        .select(Action::as_select())
        .load(conn)?)
}

pub fn find_action_for_update(conn: &mut PgConnection, id: Uuid) -> Result<Action> {
    Ok(taf_actions::table
        .find(id)
        .select(Action::as_select())
        .for_update()
        .first(conn)?)
}

pub fn find_action(conn: &mut PgConnection, id: Uuid) -> Result<Action> {
    Ok(taf_actions::table
        .find(id)
        .select(Action::as_select())
        .first(conn)?)
}

/// Saves an action's progress notes and, when it closes, its status and completion note.
pub fn save_action(
    conn: &mut PgConnection,
    id: Uuid,
    progress: &Value,
    status: ActionStatus,
    completion_note: Option<&str>,
    by: UserId,
) -> Result<Action> {
    let closing = status != ActionStatus::Open;
    Ok(diesel::update(taf_actions::table.find(id))
        .set((
            taf_actions::progress.eq(progress),
            taf_actions::status.eq(status),
            taf_actions::completion_note.eq(completion_note),
            taf_actions::closed_at.eq(closing.then(Utc::now)),
            taf_actions::closed_by.eq(closing.then_some(by)),
            taf_actions::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Action::as_returning())
        .get_result(conn)?)
}
