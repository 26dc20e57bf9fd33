//! Report figures: each one SQL aggregate over the records in the report's scope, never rows
//! fetched to be counted in Rust.

use crate::Result;
use chrono::NaiveDate;
use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Date, Int2, Nullable, Text, Uuid as SqlUuid};
use earlyhelp_domain::{LocalityId, OrganisationId, UserId};
use uuid::Uuid;

/// Whose records a report counts: the whole authority, one locality, the records led from
/// one organisation, or one lead professional's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    County,
    Locality(LocalityId),
    Organisation(OrganisationId),
    Lead(UserId),
}

impl ReportScope {
    pub(crate) fn locality(self) -> Option<Uuid> {
        match self {
            ReportScope::Locality(locality) => Some(locality.into()),
            _ => None,
        }
    }

    pub(crate) fn lead(self) -> Option<Uuid> {
        match self {
            ReportScope::Lead(user) => Some(user.into()),
            _ => None,
        }
    }

    pub(crate) fn organisation(self) -> Option<Uuid> {
        match self {
            ReportScope::Organisation(organisation) => Some(organisation.into()),
            _ => None,
        }
    }

    /// Binds the scope's three parameters in the order [`episode_scope`] numbers them.
    pub(crate) fn bind(
        self,
        query: BoxedSqlQuery<'static, Pg, SqlQuery>,
    ) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        query
            .bind::<Nullable<SqlUuid>, _>(self.locality())
            .bind::<Nullable<SqlUuid>, _>(self.lead())
            .bind::<Nullable<SqlUuid>, _>(self.organisation())
    }
}

/// A period of whole days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// How episodes are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Organisation,
    OrganisationKind,
    Locality,
    County,
}

impl Grouping {
    /// The SQL of the group's key and label (constants: nothing from the request).
    pub(crate) fn columns(self) -> &'static str {
        match self {
            Grouping::Organisation => "o.id::text, o.name",
            Grouping::OrganisationKind => "o.kind, o.kind",
            Grouping::Locality => "l.id::text, l.name",
            Grouping::County => "'county', 'County'",
        }
    }
}

/// The episodes (`e`) of the scope bound at `$first` (a locality or NULL), the next parameter
/// (a lead professional or NULL) and the one after (the lead's organisation or NULL), as
/// [`ReportScope::bind`] binds them.
///
/// A query that joins `episodes` only for this scope joins it with `LEFT JOIN`: for a county
/// report every parameter is NULL, the conditions fold to true when PostgreSQL plans the
/// statement with its values, and a left join to a unique key that nothing reads is dropped,
/// so the report never reads the episodes table at all (bench/report_plans). For a narrower
/// scope the conditions refuse the unmatched rows, which makes it an inner join again.
pub(crate) fn episode_scope(first: usize) -> String {
    let lead = first + 1;
    let organisation = first + 2;
    format!(
        "(${first}::uuid IS NULL OR e.locality_id = ${first}) \
         AND (${lead}::uuid IS NULL OR e.lead_professional_id = ${lead}) \
         AND (${organisation}::uuid IS NULL OR e.lead_organisation_id = ${organisation})"
    )
}

/// A report query over `period` (`$1`, `$2`) in `scope` (`$3` to `$5`: see
/// [`episode_scope`]); the caller may bind more after them.
pub(crate) fn in_period(
    sql: impl Into<String>,
    period: Period,
    scope: ReportScope,
) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
    let query = diesel::sql_query(sql.into())
        .into_boxed()
        .bind::<Date, _>(period.from)
        .bind::<Date, _>(period.to);
    scope.bind(query)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct CaseloadGroup {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = BigInt)]
    pub open_total: i64,
    #[diesel(sql_type = BigInt)]
    pub open_level_2: i64,
    #[diesel(sql_type = BigInt)]
    pub open_level_3: i64,
    #[diesel(sql_type = BigInt)]
    pub opened: i64,
    #[diesel(sql_type = BigInt)]
    pub closed: i64,
    #[diesel(sql_type = BigInt)]
    pub open_led_by_lcss: i64,
    #[diesel(sql_type = BigInt)]
    pub open_led_by_partners: i64,
}

/// Open episodes by level and lead, and those opened and closed in the period, per group.
/// Every group with an episode open now or opened or closed in the period is listed.
pub fn caseload_groups(
    conn: &mut PgConnection,
    grouping: Grouping,
    scope: ReportScope,
    period: Period,
) -> Result<Vec<CaseloadGroup>> {
    let sql = format!(
        "SELECT key, label, open_total, open_level_2, open_level_3, opened, closed, \
                open_led_by_lcss, open_led_by_partners FROM ( \
           SELECT {group_columns}, \
             count(*) FILTER (WHERE e.state = 'open') AS open_total, \
             count(*) FILTER (WHERE e.state = 'open' AND e.threshold_level = 2) AS open_level_2, \
             count(*) FILTER (WHERE e.state = 'open' AND e.threshold_level = 3) AS open_level_3, \
             count(*) FILTER (WHERE (e.opened_at >= $1 AND e.opened_at < $2 + 1)) AS opened, \
             count(*) FILTER (WHERE (e.closed_at >= $1 AND e.closed_at < $2 + 1)) AS closed, \
             count(*) FILTER (WHERE e.state = 'open' AND o.kind = 'lcss') AS open_led_by_lcss, \
             count(*) FILTER (WHERE e.state = 'open' AND o.kind <> 'lcss') AS open_led_by_partners \
           FROM episodes e \
           JOIN organisations o ON o.id = e.lead_organisation_id \
           JOIN localities l ON l.id = e.locality_id \
           WHERE {scope} \
             AND (e.state = 'open' OR (e.opened_at >= $1 AND e.opened_at < $2 + 1) \
                  OR (e.closed_at >= $1 AND e.closed_at < $2 + 1)) \
           GROUP BY 1, 2) AS grouped (key, label, open_total, open_level_2, open_level_3, \
                                      opened, closed, open_led_by_lcss, open_led_by_partners) \
         ORDER BY label, key",
        group_columns = grouping.columns(),
        scope = episode_scope(3),
    );
    Ok(in_period(sql, period, scope).load(conn)?)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ClosureCount {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Text)]
    pub reason: String,
    #[diesel(sql_type = BigInt)]
    pub closed: i64,
}

/// Episodes closed in the period per group and closure reason.
pub fn closure_reasons(
    conn: &mut PgConnection,
    grouping: Grouping,
    scope: ReportScope,
    period: Period,
) -> Result<Vec<ClosureCount>> {
    let key = grouping.columns().split(", ").next().unwrap_or("'county'");
    let sql = format!(
        "SELECT {key} AS key, e.closure_reason AS reason, count(*) AS closed \
         FROM episodes e \
         JOIN organisations o ON o.id = e.lead_organisation_id \
         JOIN localities l ON l.id = e.locality_id \
         WHERE {scope} AND (e.closed_at >= $1 AND e.closed_at < $2 + 1) \
         GROUP BY 1, 2 ORDER BY 1, 2",
        scope = episode_scope(3),
    );
    Ok(in_period(sql, period, scope).load(conn)?)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct LeadCase {
    #[diesel(sql_type = SqlUuid)]
    pub lead_id: Uuid,
    #[diesel(sql_type = Text)]
    pub lead_name: String,
    #[diesel(sql_type = Text)]
    pub organisation: String,
    #[diesel(sql_type = SqlUuid)]
    pub episode_id: Uuid,
    #[diesel(sql_type = Text)]
    pub family_reference: String,
    #[diesel(sql_type = Int2)]
    pub threshold_level: i16,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub days_open: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub snf_state: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub last_meeting_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub next_meeting_on: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    pub overdue_actions: i64,
}

/// Each lead professional's open episodes, with their form's state, team meetings and overdue
/// actions: identifiable rows, for the scope's own caseloads only.
pub fn lead_caseloads(conn: &mut PgConnection, scope: ReportScope) -> Result<Vec<LeadCase>> {
    // Set-based: each figure is one aggregate over the open episodes in scope, joined back by
    // episode, rather than a subquery run once per episode.
    let sql = format!(
        "WITH open AS ( \
           SELECT e.id, e.lead_professional_id, e.lead_organisation_id, e.family_id, \
                  e.threshold_level, e.opened_at \
           FROM episodes e WHERE e.state = 'open' AND {scope}), \
         forms AS ( \
           SELECT DISTINCT ON (a.episode_id) a.episode_id, a.state \
           FROM assessments a JOIN open ON open.id = a.episode_id \
           ORDER BY a.episode_id, a.created_at DESC), \
         meetings AS ( \
           SELECT t.episode_id, \
                  max(m.starts_at) FILTER (WHERE m.starts_at < now())::date AS last_on, \
                  min(m.starts_at) FILTER (WHERE m.starts_at >= now())::date AS next_on \
           FROM open JOIN tafs t ON t.episode_id = open.id \
           JOIN taf_meetings m ON m.taf_id = t.id GROUP BY t.episode_id), \
         overdue AS ( \
           SELECT t.episode_id, count(*) AS actions \
           FROM open JOIN tafs t ON t.episode_id = open.id \
           JOIN taf_actions x ON x.taf_id = t.id \
           WHERE x.status = 'open' AND x.due_on < current_date GROUP BY t.episode_id) \
         SELECT e.lead_professional_id AS lead_id, u.display_name AS lead_name, \
                o.name AS organisation, e.id AS episode_id, f.reference AS family_reference, \
                e.threshold_level, (current_date - e.opened_at::date) AS days_open, \
                forms.state AS snf_state, meetings.last_on AS last_meeting_on, \
                meetings.next_on AS next_meeting_on, coalesce(overdue.actions, 0) AS overdue_actions \
         FROM open e \
         JOIN users u ON u.id = e.lead_professional_id \
         JOIN organisations o ON o.id = e.lead_organisation_id \
         JOIN families f ON f.id = e.family_id \
         LEFT JOIN forms ON forms.episode_id = e.id \
         LEFT JOIN meetings ON meetings.episode_id = e.id \
         LEFT JOIN overdue ON overdue.episode_id = e.id \
         ORDER BY u.display_name, e.lead_professional_id, e.opened_at, e.id",
        scope = episode_scope(1),
    );
    Ok(scope.bind(diesel::sql_query(sql).into_boxed()).load(conn)?)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ReviewQueue {
    #[diesel(sql_type = Text)]
    pub locality: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub reviewer_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub reviewer_name: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub pending: i64,
    #[diesel(sql_type = BigInt)]
    pub overdue: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub oldest_age_days: i32,
}

/// Undecided reviews per locality queue (unassigned) and per reviewer: how many, how many
/// past their due date, and the oldest one's age in days.
pub fn review_queues(conn: &mut PgConnection, scope: ReportScope) -> Result<Vec<ReviewQueue>> {
    let sql = "SELECT l.name AS locality, r.reviewer_id, u.display_name AS reviewer_name, \
                count(*) AS pending, \
                count(*) FILTER (WHERE r.due_on < current_date) AS overdue, \
                (current_date - min(r.received_on)) AS oldest_age_days \
         FROM reviews r \
         JOIN localities l ON l.id = r.locality_id \
         LEFT JOIN users u ON u.id = r.reviewer_id \
         WHERE r.state <> 'decided' \
           AND ($1::uuid IS NULL OR r.locality_id = $1) \
           AND ($2::uuid IS NULL OR r.reviewer_id = $2) \
           AND ($3::uuid IS NULL OR r.assessment_id IN ( \
                SELECT a.id FROM assessments a JOIN episodes e ON e.id = a.episode_id \
                WHERE e.lead_organisation_id = $3)) \
         GROUP BY l.name, r.reviewer_id, u.display_name \
         ORDER BY l.name, u.display_name NULLS FIRST, r.reviewer_id";
    Ok(scope.bind(diesel::sql_query(sql).into_boxed()).load(conn)?)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct AnnexARow {
    #[diesel(sql_type = SqlUuid)]
    pub child_id: Uuid,
    #[diesel(sql_type = Text)]
    pub sex: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub ethnicity: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub date_of_birth: Option<NaiveDate>,
    #[diesel(sql_type = Date)]
    pub started_on: NaiveDate,
    #[diesel(sql_type = Nullable<Date>)]
    pub completed_on: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    pub organisation: String,
}

/// Annex A, List 2: for each child of an episode, each Strengths and Needs form started from
/// `window_start` to `inspection` or belonging to an episode open on `inspection`; one row per
/// child and start date (the earliest form of the day), oldest first.
pub fn annex_a(
    conn: &mut PgConnection,
    scope: ReportScope,
    window_start: NaiveDate,
    inspection: NaiveDate,
) -> Result<Vec<AnnexARow>> {
    let sql = format!(
        "SELECT child_id, sex, ethnicity, date_of_birth, started_on, completed_on, organisation \
         FROM ( \
           SELECT DISTINCT ON (p.id, a.created_at::date) \
                  p.id AS child_id, p.sex, p.ethnicity, p.date_of_birth, \
                  a.created_at::date AS started_on, a.completed_at::date AS completed_on, \
                  o.name AS organisation \
           FROM assessments a \
           JOIN episodes e ON e.id = a.episode_id \
           JOIN episode_children c ON c.episode_id = e.id \
           JOIN people p ON p.id = c.person_id \
           JOIN organisations o ON o.id = e.lead_organisation_id \
           WHERE {scope} \
             AND a.created_at < $2 + 1 \
             AND (a.created_at >= $1 \
                  OR (e.opened_at < $2 + 1 \
                      AND (e.closed_at IS NULL OR e.closed_at::date > $2))) \
           ORDER BY p.id, a.created_at::date, a.created_at \
         ) AS listed \
         ORDER BY started_on, child_id",
        scope = episode_scope(3),
    );
    let window = Period {
        from: window_start,
        to: inspection,
    };
    Ok(in_period(sql, window, scope).load(conn)?)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Completions {
    /// The month (its first day), the kind of lead organisation, or `all`.
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = BigInt)]
    pub completed: i64,
}

/// How the performance report splits its completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// One figure for the period.
    Total,
    /// One per calendar month.
    Monthly,
    /// One per kind of lead organisation.
    OrganisationKind,
}

/// Strengths and Needs forms completed (accepted by LCSS) in the period, in the scope, split
/// as asked; a month or kind with none is absent.
pub fn completions(
    conn: &mut PgConnection,
    scope: ReportScope,
    period: Period,
    split: Split,
) -> Result<Vec<Completions>> {
    let key = match split {
        Split::Total => "'all'",
        Split::Monthly => "to_char(date_trunc('month', a.completed_at), 'YYYY-MM-DD')",
        Split::OrganisationKind => "o.kind",
    };
    let sql = format!(
        "SELECT {key} AS key, count(*) AS completed \
         FROM assessments a \
         JOIN episodes e ON e.id = a.episode_id \
         JOIN organisations o ON o.id = e.lead_organisation_id \
         WHERE (a.completed_at >= $1 AND a.completed_at < $2 + 1) AND {scope} \
         GROUP BY 1 ORDER BY 1",
        scope = episode_scope(3),
    );
    Ok(in_period(sql, period, scope).load(conn)?)
}
