//! The LCSS review queue: one review per submitted revision, in its locality.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{assessment_revisions, assessments, episodes, families, reviews, users};
use crate::scope::VisibleFamilies;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::review::ReviewState;
use earlyhelp_domain::{
    AssessmentId, EpisodeId, FamilyId, LocalityId, OrganisationId, ReviewId, RevisionId, UserId,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reviews)]
pub struct Review {
    pub id: ReviewId,
    pub revision_id: RevisionId,
    pub assessment_id: AssessmentId,
    pub locality_id: LocalityId,
    pub state: ReviewState,
    pub reviewer_id: Option<UserId>,
    pub assigned_by: Option<UserId>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    pub decision: Option<String>,
    pub ratings: Option<serde_json::Value>,
    pub feedback: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// A review with what the queue shows beside it.
#[derive(Debug, Clone, Queryable)]
pub struct QueueItem {
    pub review: Review,
    pub family_id: FamilyId,
    pub family_reference: String,
    pub episode_id: EpisodeId,
    pub revision_number: i32,
    pub submitted_by: UserId,
    pub submitted_at: DateTime<Utc>,
}

pub fn create(
    conn: &mut PgConnection,
    revision: RevisionId,
    assessment: AssessmentId,
    locality: LocalityId,
    received_on: NaiveDate,
    due_on: NaiveDate,
) -> Result<Review> {
    Ok(diesel::insert_into(reviews::table)
        .values((
            reviews::id.eq(ReviewId::generate()),
            reviews::revision_id.eq(revision),
            reviews::assessment_id.eq(assessment),
            reviews::locality_id.eq(locality),
            reviews::state.eq(ReviewState::Unassigned),
            reviews::received_on.eq(received_on),
            reviews::due_on.eq(due_on),
        ))
        .returning(Review::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: ReviewId) -> Result<Review> {
    Ok(reviews::table
        .find(id)
        .select(Review::as_select())
        .first(conn)?)
}

pub fn find_for_update(conn: &mut PgConnection, id: ReviewId) -> Result<Review> {
    Ok(reviews::table
        .find(id)
        .select(Review::as_select())
        .for_update()
        .first(conn)?)
}

pub fn for_revision(conn: &mut PgConnection, revision: RevisionId) -> Result<Option<Review>> {
    Ok(reviews::table
        .filter(reviews::revision_id.eq(revision))
        .select(Review::as_select())
        .first(conn)
        .optional()?)
}

/// The form's most recently decided review (the feedback it was returned or accepted with).
pub fn latest_decided(
    conn: &mut PgConnection,
    assessment: earlyhelp_domain::AssessmentId,
) -> Result<Option<Review>> {
    Ok(reviews::table
        .filter(reviews::assessment_id.eq(assessment))
        .filter(reviews::decided_at.is_not_null())
        .order((reviews::decided_at.desc(), reviews::id.desc()))
        .select(Review::as_select())
        .first(conn)
        .optional()?)
}

/// The family a review belongs to, for the policy's point check.
pub fn family_of(conn: &mut PgConnection, id: ReviewId) -> Result<FamilyId> {
    Ok(reviews::table
        .inner_join(assessments::table.inner_join(episodes::table))
        .filter(reviews::id.eq(id))
        .select(episodes::family_id)
        .first(conn)?)
}

pub fn assign(
    conn: &mut PgConnection,
    id: ReviewId,
    reviewer: UserId,
    by: UserId,
) -> Result<Review> {
    Ok(diesel::update(reviews::table.find(id))
        .set((
            reviews::state.eq(ReviewState::Assigned),
            reviews::reviewer_id.eq(reviewer),
            reviews::assigned_by.eq(by),
            reviews::assigned_at.eq(diesel::dsl::now),
        ))
        .returning(Review::as_returning())
        .get_result(conn)?)
}

pub fn decide(
    conn: &mut PgConnection,
    id: ReviewId,
    decision: &str,
    ratings: &serde_json::Value,
    feedback: &str,
    by: UserId,
) -> Result<Review> {
    Ok(diesel::update(reviews::table.find(id))
        .set((
            reviews::state.eq(ReviewState::Decided),
            reviews::decision.eq(decision),
            reviews::ratings.eq(ratings),
            reviews::feedback.eq(feedback),
            reviews::decided_at.eq(diesel::dsl::now),
            reviews::decided_by.eq(by),
        ))
        .returning(Review::as_returning())
        .get_result(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub state: Option<ReviewState>,
    pub reviewer_id: Option<UserId>,
    /// Only reviews past their due date and not yet decided (as of `today`).
    pub overdue_on: Option<NaiveDate>,
    /// Only reviews of forms submitted by this professional.
    pub submitted_by: Option<UserId>,
    /// Only reviews of forms submitted by members of this organisation.
    pub submitter_organisation: Option<OrganisationId>,
    /// Only reviews of this family's forms.
    pub family_id: Option<earlyhelp_domain::FamilyId>,
    /// Only reviews of this form.
    pub assessment_id: Option<earlyhelp_domain::AssessmentId>,
}

/// Where a review's form belongs: its family (id and reference) and episode.
pub fn place(
    conn: &mut PgConnection,
    id: ReviewId,
) -> Result<(
    earlyhelp_domain::FamilyId,
    String,
    earlyhelp_domain::EpisodeId,
)> {
    Ok(reviews::table
        .inner_join(assessments::table.inner_join(episodes::table.inner_join(families::table)))
        .filter(reviews::id.eq(id))
        .select((families::id, families::reference, episodes::id))
        .first(conn)?)
}

/// The queue within the actor's visibility, oldest first.
pub fn queue(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    filter: &QueueFilter,
    page: &PageRequest,
) -> Result<Page<QueueItem>> {
    let mut query = reviews::table
        .inner_join(assessment_revisions::table.inner_join(users::table))
        .inner_join(assessments::table.inner_join(episodes::table.inner_join(families::table)))
        .filter(episodes::family_id.eq_any(visible))
        .select((
            Review::as_select(),
            families::id,
            families::reference,
            episodes::id,
            assessment_revisions::number,
            assessment_revisions::submitted_by,
            assessment_revisions::submitted_at,
        ))
        .into_boxed();
    if let Some(state) = &filter.state {
        query = query.filter(reviews::state.eq(*state));
    }
    if let Some(reviewer) = filter.reviewer_id {
        query = query.filter(reviews::reviewer_id.eq(reviewer));
    }
    if let Some(today) = filter.overdue_on {
        query = query
            .filter(reviews::due_on.lt(today))
            .filter(reviews::state.ne(ReviewState::Decided));
    }
    if let Some(professional) = filter.submitted_by {
        query = query.filter(assessment_revisions::submitted_by.eq(professional));
    }
    if let Some(organisation) = filter.submitter_organisation {
        query = query.filter(users::organisation_id.eq(organisation));
    }
    if let Some(family) = filter.family_id {
        query = query.filter(episodes::family_id.eq(family));
    }
    if let Some(assessment) = filter.assessment_id {
        query = query.filter(reviews::assessment_id.eq(assessment));
    }
    if let Some(after) = &page.after {
        query = query.filter(reviews::id.gt(after.id));
    }
    let rows = query
        .order(reviews::id)
        .limit(page.fetch_limit())
        .load::<QueueItem>(conn)?;
    Ok(Page::from_rows(rows, page, |item| Cursor {
        key: String::new(),
        id: item.review.id.into(),
    }))
}
