//! Reading the audit trail: entries by entity, actor, action, outcome and period, and every
//! entry about the records that concern one person. Newest first, keyset-paginated on
//! `(occurred_at, id)`.

use crate::audit::StoredAuditEvent;
use crate::pagination::{time_cursor, Cursor, Page, PageRequest};
use crate::schema::audit_events;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Uuid as SqlUuid};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::{PersonId, UserId};
use uuid::Uuid;

/// Which entries: every field narrows; none lists the whole trail.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_type: Option<EntityType>,
    pub entity_id: Option<Uuid>,
    pub actor: Option<UserId>,
    pub action: Option<AuditAction>,
    pub outcome: Option<Outcome>,
    /// First and last day, both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The entries `filter` selects, newest first.
pub fn query(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    page: &PageRequest,
) -> Result<Page<StoredAuditEvent>> {
    let mut query = audit_events::table
        .select(StoredAuditEvent::as_select())
        .into_boxed();
    if let Some(entity_type) = filter.entity_type {
        query = query.filter(audit_events::entity_type.eq(entity_type.as_str()));
    }
    if let Some(entity_id) = filter.entity_id {
        query = query.filter(audit_events::entity_id.eq(entity_id));
    }
    if let Some(actor) = filter.actor {
        query = query.filter(audit_events::actor_id.eq(Uuid::from(actor)));
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_events::action.eq(action.as_str()));
    }
    if let Some(outcome) = filter.outcome {
        query = query.filter(audit_events::outcome.eq(outcome));
    }
    if let Some(from) = filter.from {
        query =
            query.filter(sql::<Bool>("occurred_at >= ").bind::<diesel::sql_types::Date, _>(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(
            sql::<Bool>("occurred_at < ")
                .bind::<diesel::sql_types::Date, _>(to)
                .sql(" + 1"),
        );
    }
    if let Some(after) = &page.after {
        let (at, id) = after.time_position();
        query = query.filter(
            audit_events::occurred_at
                .lt(at)
                .or(audit_events::occurred_at
                    .eq(at)
                    .and(audit_events::id.lt(id))),
        );
    }
    let rows = query
        .order((audit_events::occurred_at.desc(), audit_events::id.desc()))
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, cursor_of))
}

/// The records that concern one person: the person, their family and its chronology, the
/// family's consents, episodes, forms with their revisions and reviews, teams with their
/// meetings and actions, step-ups and step-downs, and the consultations about the family or
/// linked to its episodes. As `(entity type, id)` pairs, bound to `$1` (the person).
const CONCERNED: &str = "WITH subject AS (SELECT id, family_id FROM people WHERE id = $1), \
     episodes_of AS (SELECT e.id FROM episodes e JOIN subject s ON e.family_id = s.family_id), \
     forms_of AS (SELECT a.id FROM assessments a JOIN episodes_of e ON e.id = a.episode_id), \
     tafs_of AS (SELECT t.id FROM tafs t JOIN subject s ON t.family_id = s.family_id), \
     concerned (entity_type, entity_id) AS ( \
       SELECT 'person', id FROM subject \
       UNION ALL SELECT 'family', family_id FROM subject \
       UNION ALL SELECT 'episode', id FROM episodes_of \
       UNION ALL SELECT 'assessment', id FROM forms_of \
       UNION ALL SELECT 'revision', r.id FROM assessment_revisions r \
                 JOIN forms_of f ON f.id = r.assessment_id \
       UNION ALL SELECT 'review', r.id FROM reviews r JOIN forms_of f ON f.id = r.assessment_id \
       UNION ALL SELECT 'consent', c.id FROM consents c JOIN subject s ON c.family_id = s.family_id \
       UNION ALL SELECT 'taf', id FROM tafs_of \
       UNION ALL SELECT 'meeting', m.id FROM taf_meetings m JOIN tafs_of t ON t.id = m.taf_id \
       UNION ALL SELECT 'action', x.id FROM taf_actions x JOIN tafs_of t ON t.id = x.taf_id \
       UNION ALL SELECT 'step_up', u.id FROM step_ups u JOIN subject s ON u.family_id = s.family_id \
       UNION ALL SELECT 'step_down', d.id FROM step_downs d \
                 JOIN subject s ON d.family_id = s.family_id \
       UNION ALL SELECT 'consultation', c.id FROM advice_consultations c \
                 JOIN subject s ON c.family_id = s.family_id \
       UNION ALL SELECT 'consultation', l.consultation_id FROM no_names_consultation_links l \
                 JOIN subject s ON l.family_id = s.family_id) ";

/// Every entry about a record that concerns `person`, newest first.
pub fn access_log(
    conn: &mut PgConnection,
    person: PersonId,
    page: &PageRequest,
) -> Result<Page<StoredAuditEvent>> {
    let (at, id) = page.after.as_ref().map(Cursor::time_position).unzip();
    let sql = format!(
        "{CONCERNED} \
         SELECT a.id, a.occurred_at, a.actor_id, a.action, a.entity_type, a.entity_id, \
                a.request_id, a.outcome, a.detail, a.client_address \
         FROM audit_events a \
         JOIN concerned c ON a.entity_type = c.entity_type AND a.entity_id = c.entity_id \
         WHERE $2::timestamptz IS NULL OR (a.occurred_at, a.id) < ($2, $3) \
         ORDER BY a.occurred_at DESC, a.id DESC LIMIT $4"
    );
    let rows: Vec<AccessRow> = diesel::sql_query(sql)
        .bind::<SqlUuid, _>(Uuid::from(person))
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>, _>(at)
        .bind::<diesel::sql_types::Nullable<SqlUuid>, _>(id)
        .bind::<diesel::sql_types::BigInt, _>(page.fetch_limit())
        .load(conn)?;
    let rows = rows.into_iter().map(StoredAuditEvent::from).collect();
    Ok(Page::from_rows(rows, page, cursor_of))
}

fn cursor_of(entry: &StoredAuditEvent) -> Cursor {
    time_cursor(entry.occurred_at, entry.id.into())
}

#[derive(QueryableByName)]
struct AccessRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    occurred_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Nullable<SqlUuid>)]
    actor_id: Option<Uuid>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    entity_type: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<SqlUuid>)]
    entity_id: Option<Uuid>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    request_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    outcome: Outcome,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    detail: serde_json::Value,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    client_address: Option<String>,
}

impl From<AccessRow> for StoredAuditEvent {
    fn from(row: AccessRow) -> Self {
        Self {
            id: row.id.into(),
            occurred_at: row.occurred_at,
            actor_id: row.actor_id.map(UserId::from),
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            request_id: row.request_id,
            outcome: row.outcome,
            detail: row.detail,
            client_address: row.client_address,
        }
    }
}

/// Whether the person exists (their access log is asked for by id).
pub fn person_exists(conn: &mut PgConnection, person: PersonId) -> Result<bool> {
    use crate::schema::people;
    Ok(diesel::select(diesel::dsl::exists(
        people::table.filter(people::id.eq(Uuid::from(person))),
    ))
    .get_result(conn)?)
}
