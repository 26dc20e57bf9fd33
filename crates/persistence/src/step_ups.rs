//! Step-up requests to Children's Social Care and their decisions.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{assessment_revisions, assessments, families, step_ups};
use crate::scope::VisibleFamilies;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::step_up::StepUpState;
use earlyhelp_domain::{EpisodeId, FamilyId, LocalityId, RevisionId, UserId};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = step_ups)]
pub struct StepUp {
    pub id: Uuid,
    pub episode_id: EpisodeId,
    pub family_id: FamilyId,
    pub locality_id: LocalityId,
    pub referral_source: String,
    pub state: StepUpState,
    pub reason: String,
    pub threshold_level: i16,
    pub tried: String,
    pub risks: String,
    pub immediate: bool,
    pub revision_id: Option<RevisionId>,
    pub raised_by: UserId,
    pub raised_at: DateTime<Utc>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub advice: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = step_ups)]
pub struct NewStepUp {
    pub id: Uuid,
    pub episode_id: EpisodeId,
    pub family_id: FamilyId,
    pub locality_id: LocalityId,
    pub reason: String,
    pub threshold_level: i16,
    pub tried: String,
    pub risks: String,
    pub immediate: bool,
    pub revision_id: Option<RevisionId>,
    pub raised_by: UserId,
}

pub fn create(conn: &mut PgConnection, new: &NewStepUp) -> Result<StepUp> {
    Ok(diesel::insert_into(step_ups::table)
        .values(new)
        .returning(StepUp::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<StepUp> {
    Ok(step_ups::table
        .find(id)
        .select(StepUp::as_select())
        .first(conn)?)
}

pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<StepUp> {
    Ok(step_ups::table
        .find(id)
        .select(StepUp::as_select())
        .for_update()
        .first(conn)?)
}

/// Records social care's decision.
pub fn decide(
    conn: &mut PgConnection,
    id: Uuid,
    state: StepUpState,
    by: UserId,
    advice: Option<&str>,
) -> Result<StepUp> {
    Ok(diesel::update(step_ups::table.find(id))
        .set((
            step_ups::state.eq(state),
            step_ups::decided_by.eq(by),
            step_ups::decided_at.eq(diesel::dsl::now),
            step_ups::advice.eq(advice),
        ))
        .returning(StepUp::as_returning())
        .get_result(conn)?)
}

/// The step-ups of the families `visible` reaches, oldest first, optionally in one state.
pub fn list(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    state: Option<StepUpState>,
    page: &PageRequest,
) -> Result<Page<StepUp>> {
    let mut query = step_ups::table
        .filter(step_ups::family_id.eq_any(visible))
        .select(StepUp::as_select())
        .into_boxed();
    if let Some(state) = state {
        query = query.filter(step_ups::state.eq(state));
    }
    if let Some(after) = &page.after {
        query = query.filter(step_ups::id.gt(after.id));
    }
    let rows = query
        .order(step_ups::id)
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row: &StepUp| Cursor {
        key: String::new(),
        id: row.id,
    }))
}

/// The episode's latest submitted Strengths and Needs form revision, with its content.
pub fn latest_revision(
    conn: &mut PgConnection,
    episode: EpisodeId,
) -> Result<Option<(RevisionId, Value)>> {
    Ok(assessment_revisions::table
        .inner_join(assessments::table)
        .filter(assessments::episode_id.eq(episode))
        .order(assessment_revisions::submitted_at.desc())
        .select((assessment_revisions::id, assessment_revisions::content))
        .first(conn)
        .optional()?)
}

/// Marks the family as known to social care from `on` (a step-up accepted).
pub fn mark_known(conn: &mut PgConnection, family: FamilyId, on: NaiveDate) -> Result<()> {
    diesel::update(families::table.find(family))
        .set(families::known_to_social_care_on.eq(on))
        .execute(conn)?;
    Ok(())
}

/// Pending requests (social care's to decide), and those decided since `since` of episodes
/// `lead` leads or raised (`None`: of any visible family), for the work list.
pub fn for_work(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    state: Option<StepUpState>,
    decided_since: Option<DateTime<Utc>>,
    raised_or_led_by: Option<UserId>,
    limit: i64,
) -> Result<Vec<StepUp>> {
    let mut query = step_ups::table
        .filter(step_ups::family_id.eq_any(visible))
        .select(StepUp::as_select())
        .into_boxed();
    if let Some(state) = state {
        query = query.filter(step_ups::state.eq(state));
    }
    if let Some(since) = decided_since {
        query = query.filter(step_ups::decided_at.ge(since));
    }
    if let Some(user) = raised_or_led_by {
        let led = families::table
            .filter(families::lead_professional_id.eq(user))
            .select(families::id);
        query = query.filter(
            step_ups::raised_by
                .eq(user)
                .or(step_ups::family_id.eq_any(led)),
        );
    }
    Ok(query.order(step_ups::raised_at).limit(limit).load(conn)?)
}
