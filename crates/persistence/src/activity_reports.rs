//! Report figures about what happened in a period: step-ups and step-downs, consultations,
//! Teams Around the Family, and how long closed episodes lasted. Each one SQL aggregate over
//! the records in the report's scope (see [`crate::reports`] for the scope and period).

use crate::reports::{episode_scope, in_period, Period, ReportScope};
use crate::Result;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

#[derive(Debug, Clone, QueryableByName)]
pub struct StepTransitions {
    #[diesel(sql_type = BigInt)]
    pub step_ups: i64,
    #[diesel(sql_type = BigInt)]
    pub decided: i64,
    #[diesel(sql_type = BigInt)]
    pub accepted: i64,
    #[diesel(sql_type = Nullable<diesel::sql_types::Double>)]
    pub median_days_to_decision: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub children_stepped_up: i64,
    #[diesel(sql_type = BigInt)]
    pub children_with_snf_before: i64,
    #[diesel(sql_type = BigInt)]
    pub step_downs: i64,
    #[diesel(sql_type = BigInt)]
    pub picked_up_by_due_date: i64,
}

/// Step-ups raised and step-downs recorded in the period: how many, how step-ups were decided
/// and how fast, how many of the children stepped up had a completed form before, and how
/// many step-downs a lead accepted by their due date.
pub fn step_transitions(
    conn: &mut PgConnection,
    scope: ReportScope,
    period: Period,
) -> Result<StepTransitions> {
    let sql = format!(
        "WITH ups AS ( \
           SELECT s.* FROM step_ups s LEFT JOIN episodes e ON e.id = s.episode_id \
           WHERE (s.raised_at >= $1 AND s.raised_at < $2 + 1) AND {up_scope}), \
         children AS ( \
           SELECT c.person_id, min(s.raised_at) AS raised_at FROM ups s \
           JOIN episode_children c ON c.episode_id = s.episode_id GROUP BY c.person_id), \
         downs AS ( \
           SELECT d.* FROM step_downs d LEFT JOIN episodes e ON e.id = d.episode_id \
           WHERE (d.recorded_at >= $1 AND d.recorded_at < $2 + 1) \
             AND ($3::uuid IS NULL OR d.locality_id = $3) \
             AND ($4::uuid IS NULL OR e.lead_professional_id = $4) \
             AND ($5::uuid IS NULL OR e.lead_organisation_id = $5)) \
         SELECT \
           (SELECT count(*) FROM ups) AS step_ups, \
           (SELECT count(*) FROM ups WHERE state <> 'requested') AS decided, \
           (SELECT count(*) FROM ups WHERE state = 'accepted') AS accepted, \
           (SELECT percentile_cont(0.5) WITHIN GROUP \
              (ORDER BY extract(epoch FROM decided_at - raised_at) / 86400.0) \
            FROM ups WHERE decided_at IS NOT NULL) AS median_days_to_decision, \
           (SELECT count(*) FROM children) AS children_stepped_up, \
           (SELECT count(*) FROM children ch WHERE EXISTS ( \
              SELECT 1 FROM episode_children c JOIN assessments a ON a.episode_id = c.episode_id \
              WHERE c.person_id = ch.person_id AND a.completed_at < ch.raised_at)) \
             AS children_with_snf_before, \
           (SELECT count(*) FROM downs) AS step_downs, \
           (SELECT count(*) FROM downs WHERE accepted_at::date <= snf_due_on) \
             AS picked_up_by_due_date",
        up_scope = episode_scope(3),
    );
    Ok(in_period(sql, period, scope).get_result(conn)?)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ConsultationCount {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub outcome: String,
    /// A theme, or the empty text for the count of consultations.
    #[diesel(sql_type = Text)]
    pub theme: String,
    #[diesel(sql_type = BigInt)]
    pub consultations: i64,
}

/// No Names and advice consultations held in the period, per kind and outcome (theme `""`),
/// and per kind, outcome and theme. A lead's scope is the consultations they sought.
pub fn consultations(
    conn: &mut PgConnection,
    scope: ReportScope,
    period: Period,
) -> Result<Vec<ConsultationCount>> {
    let sql = "WITH held AS ( \
           SELECT 'no_names' AS kind, outcome, themes, locality_id, consulting_user_id, held_on \
             FROM no_names_consultations \
           UNION ALL \
           SELECT 'advice', outcome, themes, locality_id, consulting_user_id, held_on \
             FROM advice_consultations), \
         scoped AS ( \
           SELECT * FROM held WHERE held_on BETWEEN $1 AND $2 \
             AND ($3::uuid IS NULL OR locality_id = $3) \
             AND ($4::uuid IS NULL OR consulting_user_id = $4) \
             AND ($5::uuid IS NULL OR consulting_user_id IN ( \
                  SELECT id FROM users WHERE organisation_id = $5))) \
         SELECT kind, outcome, '' AS theme, count(*) AS consultations FROM scoped \
           GROUP BY kind, outcome \
         UNION ALL \
         SELECT kind, outcome, theme, count(*) FROM scoped, unnest(themes) AS theme \
           GROUP BY kind, outcome, theme \
         ORDER BY 1, 2, 3";
    Ok(in_period(sql, period, scope).load(conn)?)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct TafFigures {
    #[diesel(sql_type = BigInt)]
    pub teams_formed: i64,
    #[diesel(sql_type = BigInt)]
    pub meetings_held: i64,
    #[diesel(sql_type = BigInt)]
    pub meetings_with_lcss: i64,
    #[diesel(sql_type = BigInt)]
    pub reviews_overdue: i64,
    #[diesel(sql_type = BigInt)]
    pub teams_closed: i64,
    #[diesel(sql_type = BigInt)]
    pub outcomes_achieved: i64,
    #[diesel(sql_type = BigInt)]
    pub outcomes_partly_achieved: i64,
    #[diesel(sql_type = BigInt)]
    pub outcomes_not_achieved: i64,
}

/// Teams Around the Family: formed, meetings held (minutes finalised) and LCSS's attendance at
/// them, and teams closed, in the period; the outcomes rated at those closures; and teams past
/// their review date now.
pub fn taf(conn: &mut PgConnection, scope: ReportScope, period: Period) -> Result<TafFigures> {
    let sql = format!(
        "WITH held AS ( \
           SELECT count(*) AS meetings, count(*) FILTER (WHERE m.lcss_attended) AS with_lcss \
           FROM taf_meetings m LEFT JOIN tafs t ON t.id = m.taf_id \
           LEFT JOIN episodes e ON e.id = t.episode_id \
           WHERE m.finalised_at IS NOT NULL AND m.starts_at >= $1 AND m.starts_at < $2 + 1 \
             AND {scope}), \
         closed AS ( \
           SELECT t.outcomes FROM tafs t LEFT JOIN episodes e ON e.id = t.episode_id \
           WHERE t.closed_at >= $1 AND t.closed_at < $2 + 1 AND {scope}), \
         rated AS ( \
           SELECT outcome ->> 'achievement' AS achievement \
           FROM closed, jsonb_array_elements(closed.outcomes) AS outcome) \
         SELECT \
           (SELECT count(*) FROM tafs t LEFT JOIN episodes e ON e.id = t.episode_id \
            WHERE t.created_at >= $1 AND t.created_at < $2 + 1 AND {scope}) AS teams_formed, \
           (SELECT meetings FROM held) AS meetings_held, \
           (SELECT with_lcss FROM held) AS meetings_with_lcss, \
           (SELECT count(*) FROM tafs t LEFT JOIN episodes e ON e.id = t.episode_id \
            WHERE t.closed_at IS NULL AND t.review_due_on < current_date AND {scope}) \
             AS reviews_overdue, \
           (SELECT count(*) FROM closed) AS teams_closed, \
           (SELECT count(*) FROM rated WHERE achievement = 'achieved') AS outcomes_achieved, \
           (SELECT count(*) FROM rated WHERE achievement = 'partly_achieved') \
             AS outcomes_partly_achieved, \
           (SELECT count(*) FROM rated WHERE achievement = 'not_achieved') \
             AS outcomes_not_achieved",
        scope = episode_scope(3),
    );
    Ok(in_period(sql, period, scope).get_result(conn)?)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Durations {
    /// The closure reason, or `all` for every episode closed.
    #[diesel(sql_type = Text)]
    pub reason: String,
    #[diesel(sql_type = BigInt)]
    pub closed: i64,
    #[diesel(sql_type = Nullable<diesel::sql_types::Double>)]
    pub median_days: Option<f64>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Double>)]
    pub p90_days: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub under_3_months: i64,
    #[diesel(sql_type = BigInt)]
    pub from_3_to_6_months: i64,
    #[diesel(sql_type = BigInt)]
    pub from_6_to_12_months: i64,
    #[diesel(sql_type = BigInt)]
    pub over_12_months: i64,
}

/// Episodes closed in the period: how long they were open (median, 90th percentile and in
/// bands of under 91 days, 91 to 182, 183 to 365 and over 365), per closure reason and in all.
pub fn episode_durations(
    conn: &mut PgConnection,
    scope: ReportScope,
    period: Period,
) -> Result<Vec<Durations>> {
    let sql = format!(
        "WITH closed AS ( \
           SELECT e.closure_reason AS closure, (e.closed_at::date - e.opened_at::date) AS days \
           FROM episodes e WHERE (e.closed_at >= $1 AND e.closed_at < $2 + 1) AND {scope}) \
         SELECT coalesce(closure, 'all') AS reason, count(*) AS closed, \
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days, \
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90_days, \
           count(*) FILTER (WHERE days < 91) AS under_3_months, \
           count(*) FILTER (WHERE days BETWEEN 91 AND 182) AS from_3_to_6_months, \
           count(*) FILTER (WHERE days BETWEEN 183 AND 365) AS from_6_to_12_months, \
           count(*) FILTER (WHERE days > 365) AS over_12_months \
         FROM closed GROUP BY ROLLUP (closure) ORDER BY closure NULLS LAST",
        scope = episode_scope(3),
    );
    Ok(in_period(sql, period, scope).load(conn)?)
}
