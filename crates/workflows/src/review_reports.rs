//! Reports about LCSS reviews: turnaround in working days, and feedback quality over time per
//! criterion. Each is one SQL aggregate in the actor's report scope, audited as an export.

use crate::reports::{export, period_columns, period_or_this_year, PeriodReport};
use crate::Result;
use chrono::NaiveDate;
use earlyhelp_domain::policy::Actor;
use earlyhelp_domain::report::{CaseloadBy, Cell, Column, ColumnKind, Table};
use earlyhelp_domain::review::Criterion;
use earlyhelp_persistence::audit::AuditContext;
use earlyhelp_persistence::reports::Grouping;
use earlyhelp_persistence::review_reports;
use earlyhelp_persistence::PgConnection;
use serde_json::json;

/// Review turnaround per locality: `holidays` are the non-working days of the period (bank
/// holidays and any configured closures), beside weekends.
pub fn turnaround(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: PeriodReport,
    holidays: Vec<NaiveDate>,
) -> Result<Table> {
    let period = period_or_this_year(command.period);
    let detail = command.detail("review_turnaround", period);
    export(
        conn,
        audit,
        actor,
        detail,
        command.publish,
        |conn, scope| {
            let found = review_reports::turnaround(conn, scope, period, &holidays)?;
            let mut columns = period_columns();
            columns.extend([
                Column::new("locality", ColumnKind::Text),
                Column::new("decided", ColumnKind::Count),
                Column::new("median_working_days", ColumnKind::Measure),
                Column::new("p90_working_days", ColumnKind::Measure),
                Column::new("within_due_date", ColumnKind::Count),
                Column::new("share_within_due_date", ColumnKind::Share),
            ]);
            let mut table = Table::new(columns);
            let days = |value: Option<f64>| {
                value.map_or(Cell::Empty, |days| {
                    Cell::Measure((days * 10.0).round() / 10.0)
                })
            };
            for row in found {
                table.push(vec![
                    Cell::Date(period.from),
                    Cell::Date(period.to),
                    Cell::text(row.locality),
                    Cell::Count(row.decided),
                    days(row.median_working_days),
                    days(row.p90_working_days),
                    Cell::Count(row.within_due_date),
                    Cell::Share {
                        part: row.within_due_date,
                        whole: row.decided,
                    },
                ]);
            }
            Ok(table)
        },
    )
}

/// How the feedback quality report groups: per organisation, kind of organisation, locality or
/// the county.
pub fn quality_grouping(by: CaseloadBy) -> Option<Grouping> {
    match by {
        CaseloadBy::Organisation => Some(Grouping::Organisation),
        CaseloadBy::OrganisationKind => Some(Grouping::OrganisationKind),
        CaseloadBy::Locality => Some(Grouping::Locality),
        CaseloadBy::County => Some(Grouping::County),
        CaseloadBy::LeadProfessional | CaseloadBy::Reviewer => None,
    }
}

/// Per month, group and quality criterion: how many reviews rated it met, partly met and not
/// met, and each as a share of those rated.
pub fn feedback_quality(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: PeriodReport,
    grouping: Grouping,
) -> Result<Table> {
    let period = period_or_this_year(command.period);
    let mut detail = command.detail("feedback_quality", period);
    detail["by"] = json!(format!("{grouping:?}").to_lowercase());
    export(
        conn,
        audit,
        actor,
        detail,
        command.publish,
        |conn, scope| {
            let found = review_reports::feedback_quality(conn, grouping, scope, period)?;
            let mut table = Table::new(vec![
                Column::new("month", ColumnKind::Date),
                Column::new("key", ColumnKind::Text),
                Column::new("name", ColumnKind::Text),
                Column::new("criterion", ColumnKind::Text),
                Column::new("rated", ColumnKind::Count),
                Column::new("met", ColumnKind::Count),
                Column::new("partly_met", ColumnKind::Count),
                Column::new("not_met", ColumnKind::Count),
                Column::new("share_met", ColumnKind::Share),
                Column::new("share_partly_met", ColumnKind::Share),
                Column::new("share_not_met", ColumnKind::Share),
            ]);
            // The criteria in the order reviews list them, within each month and group.
            let order = |criterion: &str| {
                Criterion::ALL
                    .iter()
                    .position(|known| known.as_str() == criterion)
                    .unwrap_or(Criterion::ALL.len())
            };
            let mut found = found;
            found.sort_by(|a, b| {
                (a.month, &a.label, &a.key, order(&a.criterion)).cmp(&(
                    b.month,
                    &b.label,
                    &b.key,
                    order(&b.criterion),
                ))
            });
            for row in found {
                let rated = row.met + row.partly_met + row.not_met;
                table.push(vec![
                    Cell::Date(row.month),
                    Cell::text(row.key),
                    Cell::text(row.label),
                    Cell::text(row.criterion),
                    Cell::Count(rated),
                    Cell::Count(row.met),
                    Cell::Count(row.partly_met),
                    Cell::Count(row.not_met),
                    Cell::Share {
                        part: row.met,
                        whole: rated,
                    },
                    Cell::Share {
                        part: row.partly_met,
                        whole: rated,
                    },
                    Cell::Share {
                        part: row.not_met,
                        whole: rated,
                    },
                ]);
            }
            Ok(table)
        },
    )
}
