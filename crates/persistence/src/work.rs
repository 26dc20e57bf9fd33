//! The queries behind the work list: each kind of item is one bounded query.

use crate::schema::{
    assessments, episodes, families, reviews, taf_actions, taf_meetings, taf_members, tafs,
};
use crate::scope::visible_family_ids;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::assessment::AssessmentState;
use earlyhelp_domain::episode::EpisodeState;
use earlyhelp_domain::policy::CaseFilter;
use earlyhelp_domain::review::ReviewState;
use earlyhelp_domain::taf::{ActionStatus, MeetingState};
use earlyhelp_domain::work::WorkKind;
use earlyhelp_domain::{FamilyId, UserId};
use uuid::Uuid;

/// At most this many items of each kind are gathered.
pub const PER_KIND: i64 = 200;

#[derive(Debug, Clone)]
pub struct WorkRow {
    pub kind: WorkKind,
    /// The record the item is about.
    pub id: Uuid,
    /// The family it concerns; `None` for a No Names Consultation, which names none.
    pub family_id: Option<FamilyId>,
    pub due_on: Option<NaiveDate>,
}

fn rows(kind: WorkKind, found: Vec<(Uuid, FamilyId, Option<NaiveDate>)>) -> Vec<WorkRow> {
    found
        .into_iter()
        .map(|(id, family_id, due_on)| WorkRow {
            kind,
            id,
            family_id: Some(family_id),
            due_on,
        })
        .collect()
}

/// A lead professional's and an action owner's items: forms to finish, transfers to accept,
/// team reviews due, meetings to minute, teams to close and actions to do.
pub fn for_professional(
    conn: &mut PgConnection,
    me: UserId,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<WorkRow>> {
    let mut items = Vec::new();
    for (state, kind) in [
        (AssessmentState::Draft, WorkKind::AssessmentDraft),
        (AssessmentState::Returned, WorkKind::AssessmentReturned),
    ] {
        let found: Vec<(Uuid, FamilyId)> = assessments::table
            .inner_join(episodes::table)
            .filter(episodes::lead_professional_id.eq(me))
            .filter(episodes::state.eq(EpisodeState::Open))
            .filter(assessments::state.eq(state))
            .select((assessments::id, episodes::family_id))
            .order(assessments::id)
            .limit(PER_KIND)
            .load(conn)?;
        items.extend(rows(
            kind,
            found.into_iter().map(|(id, f)| (id, f, None)).collect(),
        ));
    }
    let transfers: Vec<(Uuid, FamilyId)> = episodes::table
        .filter(episodes::transfer_to.eq(me))
        .filter(episodes::state.eq(EpisodeState::Open))
        .select((episodes::id, episodes::family_id))
        .order(episodes::id)
        .limit(PER_KIND)
        .load(conn)?;
    items.extend(rows(
        WorkKind::TransferToAccept,
        transfers.into_iter().map(|(id, f)| (id, f, None)).collect(),
    ));

    let soon = today + chrono::Days::new(14);
    let reviews_due: Vec<(Uuid, FamilyId, NaiveDate)> = tafs::table
        .inner_join(episodes::table)
        .filter(episodes::lead_professional_id.eq(me))
        .filter(episodes::state.eq(EpisodeState::Open))
        .filter(tafs::closed_at.is_null())
        .filter(tafs::review_due_on.le(soon))
        .select((tafs::id, tafs::family_id, tafs::review_due_on))
        .order(tafs::review_due_on)
        .limit(PER_KIND)
        .load(conn)?;
    for (id, family_id, due) in reviews_due {
        let kind = if due < today {
            WorkKind::TafReviewOverdue
        } else {
            WorkKind::TafReviewDue
        };
        items.push(WorkRow {
            kind,
            id,
            family_id: Some(family_id),
            due_on: Some(due),
        });
    }
    let to_close: Vec<(Uuid, FamilyId)> = tafs::table
        .inner_join(episodes::table)
        .filter(episodes::lead_professional_id.eq(me))
        .filter(episodes::state.eq(EpisodeState::Closed))
        .filter(tafs::closed_at.is_null())
        .select((tafs::id, tafs::family_id))
        .order(tafs::id)
        .limit(PER_KIND)
        .load(conn)?;
    items.extend(rows(
        WorkKind::TafToClose,
        to_close.into_iter().map(|(id, f)| (id, f, None)).collect(),
    ));
    let held: Vec<(Uuid, FamilyId, DateTime<Utc>)> = taf_meetings::table
        .inner_join(tafs::table.inner_join(episodes::table))
        .filter(episodes::lead_professional_id.eq(me))
        .filter(taf_meetings::state.eq(MeetingState::Scheduled))
        .filter(taf_meetings::starts_at.lt(now))
        .select((
            taf_meetings::id,
            taf_meetings::family_id,
            taf_meetings::starts_at,
        ))
        .order(taf_meetings::starts_at)
        .limit(PER_KIND)
        .load(conn)?;
    items.extend(rows(
        WorkKind::MinutesToFinalise,
        held.into_iter()
            .map(|(id, f, at)| (id, f, Some(at.date_naive())))
            .collect(),
    ));
    let actions: Vec<(Uuid, FamilyId, NaiveDate)> = taf_actions::table
        .inner_join(taf_members::table)
        .inner_join(tafs::table)
        .filter(taf_members::user_id.eq(me))
        .filter(taf_members::ended_at.is_null())
        .filter(tafs::closed_at.is_null())
        .filter(taf_actions::status.eq(ActionStatus::Open))
        .select((taf_actions::id, tafs::family_id, taf_actions::due_on))
        .order(taf_actions::due_on)
        .limit(PER_KIND)
        .load(conn)?;
    for (id, family_id, due) in actions {
        let kind = if due < today {
            WorkKind::ActionOverdue
        } else {
            WorkKind::ActionOpen
        };
        items.push(WorkRow {
            kind,
            id,
            family_id: Some(family_id),
            due_on: Some(due),
        });
    }
    Ok(items)
}

/// An LCSS worker's items: reviews assigned to them, unclaimed reviews and minutes waiting for
/// acknowledgement, within `reviewable` (their locality).
pub fn for_lcss(
    conn: &mut PgConnection,
    me: UserId,
    reviewable: &CaseFilter,
) -> Result<Vec<WorkRow>> {
    let mut items = Vec::new();
    let assigned: Vec<(Uuid, FamilyId, NaiveDate)> = reviews::table
        .inner_join(assessments::table.inner_join(episodes::table))
        .filter(reviews::reviewer_id.eq(me))
        .filter(reviews::state.eq(ReviewState::Assigned))
        .filter(episodes::family_id.eq_any(visible_family_ids(reviewable)))
        .select((reviews::id, episodes::family_id, reviews::due_on))
        .order(reviews::due_on)
        .limit(PER_KIND)
        .load(conn)?;
    items.extend(rows(
        WorkKind::ReviewAssigned,
        assigned
            .into_iter()
            .map(|(id, f, d)| (id, f, Some(d)))
            .collect(),
    ));
    let unassigned: Vec<(Uuid, FamilyId, NaiveDate)> = reviews::table
        .inner_join(assessments::table.inner_join(episodes::table))
        .filter(reviews::state.eq(ReviewState::Unassigned))
        .filter(episodes::family_id.eq_any(visible_family_ids(reviewable)))
        .select((reviews::id, episodes::family_id, reviews::due_on))
        .order(reviews::due_on)
        .limit(PER_KIND)
        .load(conn)?;
    items.extend(rows(
        WorkKind::ReviewUnassigned,
        unassigned
            .into_iter()
            .map(|(id, f, d)| (id, f, Some(d)))
            .collect(),
    ));
    let received: Vec<(Uuid, FamilyId)> = taf_meetings::table
        .filter(taf_meetings::state.eq(MeetingState::Finalised))
        .filter(taf_meetings::family_id.eq_any(visible_family_ids(reviewable)))
        .select((taf_meetings::id, taf_meetings::family_id))
        .order(taf_meetings::id)
        .limit(PER_KIND)
        .load(conn)?;
    items.extend(rows(
        WorkKind::MinutesReceived,
        received.into_iter().map(|(id, f)| (id, f, None)).collect(),
    ));
    Ok(items)
}

/// The references of `families`, to show beside each item.
pub fn references(conn: &mut PgConnection, ids: &[FamilyId]) -> Result<Vec<(FamilyId, String)>> {
    Ok(families::table
        .filter(families::id.eq_any(ids))
        .select((families::id, families::reference))
        .load(conn)?)
}
