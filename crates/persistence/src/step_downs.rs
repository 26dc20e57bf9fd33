//! Step-downs from Children's Social Care to early help, and their allocations to receiving
//! lead professionals.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{step_down_allocations, step_downs};
use crate::scope::VisibleFamilies;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use earlyhelp_domain::step_down::{AllocationAnswer, StepDownSource, StepDownState};
use earlyhelp_domain::{EpisodeId, FamilyId, LocalityId, OrganisationId, PersonId, UserId};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = step_downs)]
pub struct StepDown {
    pub id: Uuid,
    pub family_id: FamilyId,
    pub locality_id: LocalityId,
    pub source: StepDownSource,
    pub state: StepDownState,
    pub reason: String,
    pub needs_summary: String,
    pub threshold_level: i16,
    pub suggested_organisation_id: Option<OrganisationId>,
    pub snf_due_on: NaiveDate,
    pub consent_given_by: PersonId,
    pub consent_method: String,
    pub consent_given_on: NaiveDate,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
    pub allocated_to: Option<UserId>,
    pub episode_id: Option<EpisodeId>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// A step-down with whether its episode has a submitted Strengths and Needs form.
#[derive(Debug, Clone, Queryable)]
pub struct TrackedStepDown {
    pub step_down: StepDown,
    pub form_submitted: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = step_downs)]
pub struct NewStepDown {
    pub id: Uuid,
    pub family_id: FamilyId,
    pub locality_id: LocalityId,
    pub source: StepDownSource,
    pub reason: String,
    pub needs_summary: String,
    pub threshold_level: i16,
    pub suggested_organisation_id: Option<OrganisationId>,
    pub snf_due_on: NaiveDate,
    pub consent_given_by: PersonId,
    pub consent_method: String,
    pub consent_given_on: NaiveDate,
    pub recorded_by: UserId,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = step_down_allocations)]
pub struct Allocation {
    pub id: Uuid,
    pub step_down_id: Uuid,
    pub lead_id: UserId,
    pub allocated_by: UserId,
    pub allocated_at: DateTime<Utc>,
    pub answer: Option<AllocationAnswer>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
}

/// `step_downs.episode_id` has a submitted Strengths and Needs form revision.
macro_rules! form_submitted_sql {
    () => {
        "EXISTS (SELECT 1 FROM assessment_revisions r JOIN assessments a \
         ON a.id = r.assessment_id WHERE a.episode_id = step_downs.episode_id)"
    };
}

fn form_submitted() -> diesel::expression::SqlLiteral<Bool> {
    sql::<Bool>(form_submitted_sql!())
}

/// Overdue on `today`, as [`earlyhelp_domain::step_down::overdue`] says: past the due date
/// and not accepted, or accepted with no form submitted.
fn overdue(today: NaiveDate) -> Box<dyn BoxableExpression<step_downs::table, Pg, SqlType = Bool>> {
    Box::new(
        step_downs::snf_due_on.lt(today).and(
            step_downs::state
                .ne(StepDownState::Accepted)
                .or(sql::<Bool>(concat!("NOT ", form_submitted_sql!()))),
        ),
    )
}

pub fn create(conn: &mut PgConnection, new: &NewStepDown) -> Result<StepDown> {
    Ok(diesel::insert_into(step_downs::table)
        .values(new)
        .returning(StepDown::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<TrackedStepDown> {
    Ok(step_downs::table
        .find(id)
        .select((StepDown::as_select(), form_submitted()))
        .first(conn)?)
}

pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<StepDown> {
    Ok(step_downs::table
        .find(id)
        .select(StepDown::as_select())
        .for_update()
        .first(conn)?)
}

/// The allocations of the step-downs `ids`, oldest first.
pub fn allocations_of(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<Allocation>> {
    Ok(step_down_allocations::table
        .filter(step_down_allocations::step_down_id.eq_any(ids))
        .order((
            step_down_allocations::allocated_at,
            step_down_allocations::id,
        ))
        .select(Allocation::as_select())
        .load(conn)?)
}

/// Allocates the step-down to `lead`, withdrawing an allocation not yet answered.
pub fn allocate(conn: &mut PgConnection, id: Uuid, lead: UserId, by: UserId) -> Result<StepDown> {
    answer_open(conn, id, AllocationAnswer::Withdrawn, None)?;
    diesel::insert_into(step_down_allocations::table)
        .values((
            step_down_allocations::id.eq(Uuid::now_v7()),
            step_down_allocations::step_down_id.eq(id),
            step_down_allocations::lead_id.eq(lead),
            step_down_allocations::allocated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(diesel::update(step_downs::table.find(id))
        .set((
            step_downs::state.eq(StepDownState::Allocated),
            step_downs::allocated_to.eq(Some(lead)),
        ))
        .returning(StepDown::as_returning())
        .get_result(conn)?)
}

/// The allocated lead declined: back to LCSS.
pub fn decline(conn: &mut PgConnection, id: Uuid, reason: &str) -> Result<StepDown> {
    answer_open(conn, id, AllocationAnswer::Declined, Some(reason))?;
    Ok(diesel::update(step_downs::table.find(id))
        .set((
            step_downs::state.eq(StepDownState::AwaitingAllocation),
            step_downs::allocated_to.eq(None::<UserId>),
        ))
        .returning(StepDown::as_returning())
        .get_result(conn)?)
}

/// The allocated lead accepted: the step-down is linked to the episode it opened.
pub fn accept(conn: &mut PgConnection, id: Uuid, episode: EpisodeId) -> Result<StepDown> {
    answer_open(conn, id, AllocationAnswer::Accepted, None)?;
    Ok(diesel::update(step_downs::table.find(id))
        .set((
            step_downs::state.eq(StepDownState::Accepted),
            step_downs::episode_id.eq(Some(episode)),
            step_downs::accepted_at.eq(diesel::dsl::now),
        ))
        .returning(StepDown::as_returning())
        .get_result(conn)?)
}

fn answer_open(
    conn: &mut PgConnection,
    id: Uuid,
    answer: AllocationAnswer,
    reason: Option<&str>,
) -> Result<()> {
    diesel::update(
        step_down_allocations::table
            .filter(step_down_allocations::step_down_id.eq(id))
            .filter(step_down_allocations::answer.is_null()),
    )
    .set((
        step_down_allocations::answer.eq(Some(answer)),
        step_down_allocations::answered_at.eq(diesel::dsl::now),
        step_down_allocations::decline_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(())
}

/// A step-down of the family not yet accepted, if any.
pub fn pending_for_family(conn: &mut PgConnection, family: FamilyId) -> Result<Option<Uuid>> {
    Ok(step_downs::table
        .filter(step_downs::family_id.eq(family))
        .filter(step_downs::state.ne(StepDownState::Accepted))
        .select(step_downs::id)
        .first(conn)
        .optional()?)
}

/// Which step-downs a list shows.
#[derive(Debug, Clone, Default)]
pub struct StepDownFilter {
    pub state: Option<StepDownState>,
    /// Only those overdue on this day.
    pub overdue_on: Option<NaiveDate>,
    pub locality: Option<LocalityId>,
}

/// The step-downs of the families `visible` reaches, and those allocated to `allocated_to`,
/// oldest first.
pub fn list(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    allocated_to: UserId,
    filter: &StepDownFilter,
    page: &PageRequest,
) -> Result<Page<TrackedStepDown>> {
    let mut query = step_downs::table
        .filter(
            step_downs::family_id
                .eq_any(visible)
                .or(step_downs::allocated_to.eq(allocated_to)),
        )
        .select((StepDown::as_select(), form_submitted()))
        .into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(step_downs::state.eq(state));
    }
    if let Some(locality) = filter.locality {
        query = query.filter(step_downs::locality_id.eq(locality));
    }
    if let Some(today) = filter.overdue_on {
        query = query.filter(overdue(today));
    }
    if let Some(after) = &page.after {
        query = query.filter(step_downs::id.gt(after.id));
    }
    let rows = query
        .order(step_downs::id)
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row: &TrackedStepDown| {
        Cursor {
            key: String::new(),
            id: row.step_down.id,
        }
    }))
}

/// For the work list: step-downs in `state` of the families `visible` reaches (with
/// `overdue_on`, only those overdue that day), or allocated to `allocated_to`.
pub fn for_work(
    conn: &mut PgConnection,
    visible: Option<VisibleFamilies>,
    state: Option<StepDownState>,
    allocated_to: Option<UserId>,
    overdue_on: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<StepDown>> {
    let mut query = step_downs::table.select(StepDown::as_select()).into_boxed();
    if let Some(visible) = visible {
        query = query.filter(step_downs::family_id.eq_any(visible));
    }
    if let Some(state) = state {
        query = query.filter(step_downs::state.eq(state));
    }
    if let Some(user) = allocated_to {
        query = query.filter(step_downs::allocated_to.eq(user));
    }
    if let Some(today) = overdue_on {
        query = query.filter(overdue(today));
    }
    Ok(query
        .order(step_downs::snf_due_on)
        .limit(limit)
        .load(conn)?)
}

/// How many step-downs are recorded.
pub fn count(conn: &mut PgConnection) -> Result<i64> {
    Ok(step_downs::table.count().get_result(conn)?)
}
