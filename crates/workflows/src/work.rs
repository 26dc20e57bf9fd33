//! The work list: what needs the signed-in user now, soonest due first, within their scope.

use crate::clock::today;
use crate::step::audited_list;
use crate::Result;
use chrono::{NaiveDate, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::consultation::FOLLOW_UP_NOTICE_DAYS;
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::step_down::StepDownState;
use earlyhelp_domain::step_up::StepUpState;
use earlyhelp_domain::work::WorkKind;
use earlyhelp_domain::FamilyId;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::pagination::{Cursor, Page, PageRequest};
use earlyhelp_persistence::scope::visible_family_ids;
use earlyhelp_persistence::step_downs::{self, StepDown};
use earlyhelp_persistence::step_ups::{self, StepUp};
use earlyhelp_persistence::work::{self, WorkRow};
use earlyhelp_persistence::PgConnection;
use earlyhelp_persistence::{consultation_requests, consultations};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct WorkItem {
    pub kind: WorkKind,
    pub id: Uuid,
    /// `None` for a No Names Consultation (and a request for one), which names no family.
    pub family_id: Option<FamilyId>,
    pub family_reference: Option<String>,
    pub due_on: Option<NaiveDate>,
}

/// Items without a due date sort after every dated one.
const UNDATED: &str = "9999-12-31";

fn sort_key(row: &WorkRow) -> String {
    row.due_on
        .map_or_else(|| UNDATED.to_owned(), |due| due.to_string())
}

/// The caller's work list: as a professional (forms, transfers, teams they lead, actions they
/// own) and, for LCSS, as a reviewer (reviews, minutes received in their locality); soonest
/// due first, then undated items, keyset-paginated.
pub fn list(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<WorkItem>> {
    let event = AuditEvent::new(
        AuditAction::ListWork,
        EntityType::User,
        Some(actor.user_id.into()),
        Outcome::Success,
    );
    let read = |conn: &mut PgConnection| {
        let mut rows = Vec::new();
        if !policy::scopes(actor, Permission::ReadCase).is_empty() {
            rows.extend(work::for_professional(
                conn,
                actor.user_id,
                today(),
                Utc::now(),
            )?);
        }
        let reviewable = policy::case_filter(actor, Permission::ReviewAssessments);
        if !reviewable.sees_nothing() {
            rows.extend(work::for_lcss(conn, actor.user_id, &reviewable)?);
        }
        rows.extend(step_down_rows(conn, actor)?);
        rows.extend(consultation_rows(conn, actor)?);
        rows.extend(step_up_rows(conn, actor)?);
        rows.extend(crate::role_grants::work_rows(conn, actor)?);
        rows.extend(crate::access_requests::work_rows(conn, actor)?);
        rows.sort_by_key(|row| (sort_key(row), row.id));
        rows.dedup_by_key(|row| row.id);
        if let Some(after) = &page.after {
            rows.retain(|row| (sort_key(row), row.id) > (after.key.clone(), after.id));
        }
        rows.truncate(usize::try_from(page.fetch_limit()).unwrap_or(usize::MAX));
        let mut families: Vec<FamilyId> = rows.iter().filter_map(|row| row.family_id).collect();
        families.sort();
        families.dedup();
        let references = work::references(conn, &families)?;
        let items: Vec<WorkItem> = rows
            .into_iter()
            .map(|row| WorkItem {
                family_reference: references
                    .iter()
                    .find(|(id, _)| Some(*id) == row.family_id)
                    .map(|(_, reference)| reference.clone()),
                kind: row.kind,
                id: row.id,
                family_id: row.family_id,
                due_on: row.due_on,
            })
            .collect();
        Ok(Page::from_rows(items, &page, |item| Cursor {
            key: item
                .due_on
                .map_or_else(|| UNDATED.to_owned(), |due| due.to_string()),
            id: item.id,
        }))
    };
    audited_list(conn, audit, event, read, |item| item.family_id)
}

/// How long a step-up decision stays on the referrer's list.
const DECIDED_SHOWN_DAYS: i64 = 30;

/// Step-ups to decide (social care), and decisions of the last 30 days on step-ups the actor
/// raised or whose family they lead, or (LCSS) of their locality.
fn step_up_rows(conn: &mut PgConnection, actor: &Actor) -> Result<Vec<WorkRow>> {
    let mut rows = Vec::new();
    let row = |kind: WorkKind, step_up: StepUp| WorkRow {
        kind,
        id: step_up.id,
        family_id: Some(step_up.family_id),
        due_on: None,
    };
    let deciding = policy::case_filter(actor, Permission::DecideStepUps);
    if !deciding.sees_nothing() {
        let waiting = step_ups::for_work(
            conn,
            visible_family_ids(&deciding),
            Some(StepUpState::Requested),
            None,
            None,
            work::PER_KIND,
        )?;
        rows.extend(
            waiting
                .into_iter()
                .map(|s| row(WorkKind::StepUpToDecide, s)),
        );
    }
    let since = Utc::now() - chrono::Duration::days(DECIDED_SHOWN_DAYS);
    let reading = policy::case_filter(actor, Permission::ReadCase);
    if !reading.sees_nothing() {
        let mine = step_ups::for_work(
            conn,
            visible_family_ids(&reading),
            None,
            Some(since),
            Some(actor.user_id),
            work::PER_KIND,
        )?;
        rows.extend(mine.into_iter().map(|s| row(WorkKind::StepUpDecided, s)));
    }
    let reviewing = policy::case_filter(actor, Permission::ReviewAssessments);
    if !reviewing.sees_nothing() {
        let locality = step_ups::for_work(
            conn,
            visible_family_ids(&reviewing),
            None,
            Some(since),
            None,
            work::PER_KIND,
        )?;
        rows.extend(
            locality
                .into_iter()
                .map(|s| row(WorkKind::StepUpDecided, s)),
        );
    }
    Ok(rows)
}

/// Step-downs overdue (LCSS of the locality, and social care), to allocate (LCSS) and to
/// accept (the lead allocated); overdue first, so an item both overdue and waiting shows as
/// overdue.
fn step_down_rows(conn: &mut PgConnection, actor: &Actor) -> Result<Vec<WorkRow>> {
    let row = |kind: WorkKind, step_down: StepDown| WorkRow {
        kind,
        id: step_down.id,
        family_id: Some(step_down.family_id),
        due_on: Some(step_down.snf_due_on),
    };
    let mut rows = Vec::new();
    let allocating = policy::case_filter(actor, Permission::AllocateStepDowns);
    let recording = policy::case_filter(actor, Permission::RecordStepDowns);
    for watching in [&allocating, &recording] {
        if watching.sees_nothing() {
            continue;
        }
        let visible = Some(visible_family_ids(watching));
        let overdue =
            step_downs::for_work(conn, visible, None, None, Some(today()), work::PER_KIND)?;
        rows.extend(
            overdue
                .into_iter()
                .map(|s| row(WorkKind::StepDownOverdue, s)),
        );
    }
    if !allocating.sees_nothing() {
        let visible = Some(visible_family_ids(&allocating));
        let waiting = step_downs::for_work(
            conn,
            visible,
            Some(StepDownState::AwaitingAllocation),
            None,
            None,
            work::PER_KIND,
        )?;
        rows.extend(
            waiting
                .into_iter()
                .map(|s| row(WorkKind::StepDownToAllocate, s)),
        );
    }
    let mine = step_downs::for_work(
        conn,
        None,
        Some(StepDownState::Allocated),
        Some(actor.user_id),
        None,
        work::PER_KIND,
    )?;
    rows.extend(mine.into_iter().map(|s| row(WorkKind::StepDownToAccept, s)));
    Ok(rows)
}

/// How long an answered request stays on its professional's list.
const ANSWERED_SHOWN_DAYS: i64 = 30;

/// Requests for a No Names Consultation to answer and follow-ups due (LCSS), and requests
/// answered (the professional who asked). None of them names a family.
fn consultation_rows(conn: &mut PgConnection, actor: &Actor) -> Result<Vec<WorkRow>> {
    let row = |kind: WorkKind, id: Uuid, due_on: Option<NaiveDate>| WorkRow {
        kind,
        id,
        family_id: None,
        due_on,
    };
    let mut rows = Vec::new();
    let localities = crate::consultations::localities(actor).unwrap_or_default();
    if !localities.is_empty() {
        let waiting = consultation_requests::open_for(conn, &localities, work::PER_KIND)?;
        rows.extend(
            waiting
                .into_iter()
                .map(|request| row(WorkKind::ConsultationRequested, request.id, None)),
        );
        let until = today() + chrono::Duration::days(FOLLOW_UP_NOTICE_DAYS);
        let due = consultations::follow_ups_due(conn, actor.user_id, until, work::PER_KIND)?;
        rows.extend(due.into_iter().map(|consultation| {
            row(
                WorkKind::ConsultationFollowUp,
                consultation.id,
                consultation.follow_up_on,
            )
        }));
    }
    let since = Utc::now() - chrono::Duration::days(ANSWERED_SHOWN_DAYS);
    let answered = consultation_requests::answered_for(conn, actor.user_id, since, work::PER_KIND)?;
    rows.extend(
        answered
            .into_iter()
            .map(|request| row(WorkKind::ConsultationAnswered, request.id, None)),
    );
    Ok(rows)
}
