//! Strengths and Needs forms: drafts with optimistic concurrency, and immutable revisions.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{assessment_revisions, assessments};
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::assessment::AssessmentState;
use earlyhelp_domain::{AssessmentId, EpisodeId, RevisionId, TemplateId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessments)]
pub struct Assessment {
    pub id: AssessmentId,
    pub episode_id: EpisodeId,
    pub template_id: TemplateId,
    pub state: AssessmentState,
    pub content: serde_json::Value,
    pub version: i32,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessment_revisions)]
pub struct Revision {
    pub id: RevisionId,
    pub assessment_id: AssessmentId,
    pub number: i32,
    pub template_id: TemplateId,
    pub content: serde_json::Value,
    pub submitted_by: UserId,
    pub submitted_at: DateTime<Utc>,
}

pub fn create(
    conn: &mut PgConnection,
    episode: EpisodeId,
    template: TemplateId,
    content: &serde_json::Value,
    by: UserId,
) -> Result<Assessment> {
    Ok(diesel::insert_into(assessments::table)
        .values((
            assessments::id.eq(AssessmentId::generate()),
            assessments::episode_id.eq(episode),
            assessments::template_id.eq(template),
            assessments::state.eq(AssessmentState::Draft),
            assessments::content.eq(content),
            assessments::created_by.eq(by),
        ))
        .returning(Assessment::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: AssessmentId) -> Result<Assessment> {
    Ok(assessments::table
        .find(id)
        .select(Assessment::as_select())
        .first(conn)?)
}

/// Locks the row: concurrent edits and submits of one form queue here.
pub fn find_for_update(conn: &mut PgConnection, id: AssessmentId) -> Result<Assessment> {
    Ok(assessments::table
        .find(id)
        .select(Assessment::as_select())
        .for_update()
        .first(conn)?)
}

/// The episode's assessment still in progress, if any.
pub fn active_for_episode(
    conn: &mut PgConnection,
    episode: EpisodeId,
) -> Result<Option<Assessment>> {
    Ok(assessments::table
        .filter(assessments::episode_id.eq(episode))
        .filter(assessments::state.ne(AssessmentState::Accepted))
        .select(Assessment::as_select())
        .first(conn)
        .optional()?)
}

pub fn for_episode(conn: &mut PgConnection, episode: EpisodeId) -> Result<Vec<Assessment>> {
    Ok(assessments::table
        .filter(assessments::episode_id.eq(episode))
        .order(assessments::id)
        .select(Assessment::as_select())
        .load(conn)?)
}

/// Saves new content only if the stored version is still `expected_version`: the write that
/// lost the race updates nothing and the caller answers 412. Returns None on a stale version.
pub fn save_content(
    conn: &mut PgConnection,
    id: AssessmentId,
    expected_version: i32,
    content: &serde_json::Value,
) -> Result<Option<Assessment>> {
    Ok(diesel::update(
        assessments::table
            .find(id)
            .filter(assessments::version.eq(expected_version)),
    )
    .set((
        assessments::content.eq(content),
        assessments::version.eq(assessments::version + 1),
        assessments::updated_at.eq(diesel::dsl::now),
    ))
    .returning(Assessment::as_returning())
    .get_result(conn)
    .optional()?)
}

pub fn set_state(
    conn: &mut PgConnection,
    id: AssessmentId,
    state: AssessmentState,
) -> Result<Assessment> {
    let completed = (state == AssessmentState::Accepted).then(Utc::now);
    Ok(diesel::update(assessments::table.find(id))
        .set((
            assessments::state.eq(state),
            assessments::completed_at.eq(completed),
            assessments::version.eq(assessments::version + 1),
            assessments::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Assessment::as_returning())
        .get_result(conn)?)
}

/// Freezes the current content as the next revision.
pub fn freeze_revision(
    conn: &mut PgConnection,
    assessment: &Assessment,
    by: UserId,
) -> Result<Revision> {
    let previous: Option<i32> = assessment_revisions::table
        .filter(assessment_revisions::assessment_id.eq(assessment.id))
        .select(diesel::dsl::max(assessment_revisions::number))
        .first(conn)?;
    Ok(diesel::insert_into(assessment_revisions::table)
        .values((
            assessment_revisions::id.eq(RevisionId::generate()),
            assessment_revisions::assessment_id.eq(assessment.id),
            assessment_revisions::number.eq(previous.unwrap_or(0) + 1),
            assessment_revisions::template_id.eq(assessment.template_id),
            assessment_revisions::content.eq(&assessment.content),
            assessment_revisions::submitted_by.eq(by),
        ))
        .returning(Revision::as_returning())
        .get_result(conn)?)
}

/// Revisions in submission order; the cursor carries the last revision number seen.
pub fn revisions(
    conn: &mut PgConnection,
    id: AssessmentId,
    page: &PageRequest,
) -> Result<Page<Revision>> {
    let mut query = assessment_revisions::table
        .filter(assessment_revisions::assessment_id.eq(id))
        .select(Revision::as_select())
        .into_boxed();
    if let Some(after) = &page.after {
        let number: i32 = after.key.parse().unwrap_or(i32::MAX);
        query = query.filter(assessment_revisions::number.gt(number));
    }
    let rows = query
        .order(assessment_revisions::number)
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: row.number.to_string(),
        id: row.id.into(),
    }))
}

pub fn find_revision(conn: &mut PgConnection, id: RevisionId) -> Result<Revision> {
    Ok(assessment_revisions::table
        .find(id)
        .select(Revision::as_select())
        .first(conn)?)
}
