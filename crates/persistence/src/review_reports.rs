//! Report figures about LCSS reviews: how fast they are decided, and how forms rate against
//! the quality criteria. SQL aggregates only.

use crate::reports::{episode_scope, in_period, Grouping, Period, ReportScope};
use crate::Result;
use chrono::NaiveDate;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Double, Nullable, Text};

#[derive(Debug, Clone, QueryableByName)]
pub struct Turnaround {
    #[diesel(sql_type = Text)]
    pub locality: String,
    #[diesel(sql_type = BigInt)]
    pub decided: i64,
    #[diesel(sql_type = Nullable<Double>)]
    pub median_working_days: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub p90_working_days: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub within_due_date: i64,
}

/// Reviews decided in the period, per locality: the median and 90th percentile of the working
/// days from receipt to decision (weekends and `holidays` not counted), and how many were
/// decided by their due date. The working days come from a calendar of the period with a
/// running count of working days: a review's is the count on its decision day less the count
/// on its day of receipt (one join, not a series generated per review).
pub fn turnaround(
    conn: &mut PgConnection,
    scope: ReportScope,
    period: Period,
    holidays: &[NaiveDate],
) -> Result<Vec<Turnaround>> {
    let sql = format!(
        "WITH decided AS ( \
           SELECT l.name AS locality, r.received_on, r.due_on, r.decided_at::date AS decided_on \
           FROM reviews r \
           JOIN localities l ON l.id = r.locality_id \
           LEFT JOIN assessments a ON a.id = r.assessment_id \
           LEFT JOIN episodes e ON e.id = a.episode_id \
           WHERE (r.decided_at >= $1 AND r.decided_at < $2 + 1) AND {scope}), \
         calendar AS ( \
           SELECT day::date AS day, \
                  sum((extract(isodow FROM day) < 6 AND day::date <> ALL($6))::integer) \
                    OVER (ORDER BY day) AS worked \
           FROM generate_series((SELECT min(received_on) FROM decided)::timestamp, \
                                (SELECT max(decided_on) FROM decided)::timestamp, \
                                interval '1 day') AS day), \
         timed AS ( \
           SELECT d.*, done.worked - received.worked AS working_days \
           FROM decided d \
           JOIN calendar received ON received.day = d.received_on \
           JOIN calendar done ON done.day = d.decided_on) \
         SELECT locality, count(*) AS decided, \
           percentile_cont(0.5) WITHIN GROUP (ORDER BY working_days) AS median_working_days, \
           percentile_cont(0.9) WITHIN GROUP (ORDER BY working_days) AS p90_working_days, \
           count(*) FILTER (WHERE decided_on <= due_on) AS within_due_date \
         FROM timed GROUP BY locality ORDER BY locality",
        scope = episode_scope(3),
    );
    Ok(in_period(sql, period, scope)
        .bind::<Array<Date>, _>(holidays)
        .load(conn)?)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct CriterionCounts {
    /// The first day of the month the reviews were decided in.
    #[diesel(sql_type = Date)]
    pub month: NaiveDate,
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = Text)]
    pub criterion: String,
    #[diesel(sql_type = BigInt)]
    pub met: i64,
    #[diesel(sql_type = BigInt)]
    pub partly_met: i64,
    #[diesel(sql_type = BigInt)]
    pub not_met: i64,
}

/// How reviews decided in the period rated each quality criterion, per month and group.
/// The joins are left joins to unique keys (every review has its form, episode, organisation
/// and locality), so those a grouping and scope do not read are dropped from the plan.
pub fn feedback_quality(
    conn: &mut PgConnection,
    grouping: Grouping,
    scope: ReportScope,
    period: Period,
) -> Result<Vec<CriterionCounts>> {
    let sql = format!(
        "SELECT month, key, label, criterion, met, partly_met, not_met FROM ( \
           SELECT date_trunc('month', r.decided_at)::date, {group_columns}, rating.key, \
             count(*) FILTER (WHERE rating.value ->> 'rating' = 'met'), \
             count(*) FILTER (WHERE rating.value ->> 'rating' = 'partly_met'), \
             count(*) FILTER (WHERE rating.value ->> 'rating' = 'not_met') \
           FROM reviews r \
           LEFT JOIN assessments a ON a.id = r.assessment_id \
           LEFT JOIN episodes e ON e.id = a.episode_id \
           LEFT JOIN organisations o ON o.id = e.lead_organisation_id \
           LEFT JOIN localities l ON l.id = e.locality_id \
           CROSS JOIN LATERAL jsonb_each(r.ratings) AS rating \
           WHERE r.ratings IS NOT NULL AND (r.decided_at >= $1 AND r.decided_at < $2 + 1) AND {scope} \
           GROUP BY 1, 2, 3, 4) AS rated (month, key, label, criterion, met, partly_met, not_met) \
         ORDER BY month, label, key, criterion",
        group_columns = grouping.columns(),
        scope = episode_scope(3),
    );
    Ok(in_period(sql, period, scope).load(conn)?)
}
