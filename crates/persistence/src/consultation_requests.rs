//! Professionals' requests to LCSS for a No Names Consultation.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::consultation_requests as requests;
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::{LocalityId, UserId};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = requests)]
pub struct ConsultationRequest {
    pub id: Uuid,
    pub locality_id: LocalityId,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    pub themes: Vec<String>,
    pub threshold_view: Option<i16>,
    pub question: String,
    pub consultation_id: Option<Uuid>,
    pub completed_at: Option<DateTime<Utc>>,
}

pub fn create(conn: &mut PgConnection, new: &ConsultationRequest) -> Result<ConsultationRequest> {
    Ok(diesel::insert_into(requests::table)
        .values(new)
        .returning(ConsultationRequest::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<ConsultationRequest> {
    Ok(requests::table
        .find(id)
        .select(ConsultationRequest::as_select())
        .first(conn)?)
}

pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<ConsultationRequest> {
    Ok(requests::table
        .find(id)
        .select(ConsultationRequest::as_select())
        .for_update()
        .first(conn)?)
}

/// The request answered by the consultation `consultation`.
pub fn complete(conn: &mut PgConnection, id: Uuid, consultation: Uuid) -> Result<()> {
    diesel::update(requests::table.find(id))
        .set((
            requests::consultation_id.eq(consultation),
            requests::completed_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which requests a list shows: those of `localities`, and those `requester` made.
#[derive(Debug, Clone)]
pub struct RequestFilter {
    pub localities: Vec<LocalityId>,
    pub requester: UserId,
    /// `Some(true)`: only those still open; `Some(false)`: only those answered.
    pub open: Option<bool>,
}

/// Requests oldest first.
pub fn list(
    conn: &mut PgConnection,
    filter: &RequestFilter,
    page: &PageRequest,
) -> Result<Page<ConsultationRequest>> {
    let mut query = requests::table
        .filter(
            requests::locality_id
                .eq_any(filter.localities.clone())
                .or(requests::requested_by.eq(filter.requester)),
        )
        .select(ConsultationRequest::as_select())
        .into_boxed();
    match filter.open {
        Some(true) => query = query.filter(requests::consultation_id.is_null()),
        Some(false) => query = query.filter(requests::consultation_id.is_not_null()),
        None => {}
    }
    if let Some(after) = &page.after {
        query = query.filter(requests::id.gt(after.id));
    }
    let rows = query
        .order(requests::id)
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row: &ConsultationRequest| {
        Cursor {
            key: String::new(),
            id: row.id,
        }
    }))
}

/// For the work list: open requests to `localities`, oldest first.
pub fn open_for(
    conn: &mut PgConnection,
    localities: &[LocalityId],
    limit: i64,
) -> Result<Vec<ConsultationRequest>> {
    Ok(requests::table
        .filter(requests::locality_id.eq_any(localities))
        .filter(requests::consultation_id.is_null())
        .order(requests::requested_at)
        .limit(limit)
        .select(ConsultationRequest::as_select())
        .load(conn)?)
}

/// For the work list: `requester`'s requests answered since `since`.
pub fn answered_for(
    conn: &mut PgConnection,
    requester: UserId,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ConsultationRequest>> {
    Ok(requests::table
        .filter(requests::requested_by.eq(requester))
        .filter(requests::completed_at.ge(since))
        .order(requests::completed_at)
        .limit(limit)
        .select(ConsultationRequest::as_select())
        .load(conn)?)
}
