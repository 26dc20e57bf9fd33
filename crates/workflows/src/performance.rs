//! Performance against what the authority aims for: Strengths and Needs forms completed (LCSS
//! accepted them) against the financial year's targets, in all and per kind of lead
//! organisation, and per 10,000 children; and the populations and targets themselves.

use crate::reports::{export, period_columns, period_or_this_year, PeriodReport};
use crate::step::{audited_read, transaction};
use crate::{Failure, Refusal, Result};
use chrono::{Datelike, Months, NaiveDate};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::policy::{self, Actor, Permission, Scope};
use earlyhelp_domain::report::{financial_year_start, Cell, Column, ColumnKind, Table};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::report_settings::{self, Population, Target};
use earlyhelp_persistence::reports::{self, Period, ReportScope, Split};
use earlyhelp_persistence::{Error as DbError, PgConnection};
use serde_json::json;

/// The populations and targets reports compare against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSettings {
    pub populations: Vec<Population>,
    pub targets: Vec<Target>,
}

/// The target of every kind of lead organisation together.
pub const ALL_KINDS: &str = "all";

pub fn settings(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
) -> Result<ReportSettings> {
    policy::authorize(actor, Permission::ReadReports)?;
    let event = AuditEvent::new(
        AuditAction::ReadReportSettings,
        EntityType::Report,
        None,
        Outcome::Success,
    );
    audited_read(conn, audit, event, |conn| {
        Ok(ReportSettings {
            populations: report_settings::populations(conn)?,
            targets: report_settings::targets(conn)?,
        })
    })
}

/// Replaces the populations and targets (each area and each year and kind once: checked when
/// the command is built).
pub fn set_settings(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    settings: ReportSettings,
) -> Result<ReportSettings> {
    // The targets and populations are the authority's: only a manager whose reports reach the
    // whole authority sets them.
    if !policy::authorize(actor, Permission::SetReportTargets)?.contains(&Scope::County) {
        return Err(Refusal::Forbidden.into());
    }
    transaction(conn, audit, |conn, trail| {
        report_settings::replace(
            conn,
            &settings.populations,
            &settings.targets,
            actor.user_id,
        )
        .map_err(|error| match error {
            DbError::MissingReference { .. } => Failure::from(Refusal::invalid(
                "locality_under_18_populations",
                "names a locality that does not exist",
            )),
            other => Failure::from(other),
        })?;
        trail.record(
            AuditEvent::new(
                AuditAction::UpdateReportSettings,
                EntityType::Report,
                None,
                Outcome::Success,
            )
            .with_detail(json!({
                "populations": settings.populations.len(),
                "targets": settings.targets.len(),
            })),
        );
        Ok(ReportSettings {
            populations: report_settings::populations(conn)?,
            targets: report_settings::targets(conn)?,
        })
    })
}

#[derive(Debug, Clone)]
pub struct PerformanceReport {
    pub report: PeriodReport,
    pub split: Split,
}

/// Forms completed in the period against the target of the financial year it ends in, split
/// as asked, with the rate per 10,000 children of the scope's area.
pub fn performance(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: PerformanceReport,
) -> Result<Table> {
    let period = period_or_this_year(command.report.period);
    let mut detail = command.report.detail("performance", period);
    detail["split"] = json!(format!("{:?}", command.split).to_lowercase());
    let publish = command.report.publish;
    export(conn, audit, actor, detail, publish, |conn, scope| {
        let found = reports::completions(conn, scope, period, command.split)?;
        let year = financial_year_start(period.to).year();
        // The targets are the authority's aims: a narrower scope is not measured against them.
        let targets = match scope {
            ReportScope::County => report_settings::targets(conn)?,
            _ => Vec::new(),
        };
        let target_for = |kind: &str| {
            targets
                .iter()
                .find(|t| i32::from(t.financial_year) == year && t.organisation_kind == kind)
                .map(|t| i64::from(t.target))
        };
        let population = population_of(conn, scope)?;
        let completed = |key: &str| {
            found
                .iter()
                .find(|row| row.key == key)
                .map_or(0, |row| row.completed)
        };
        Ok(match command.split {
            Split::Total => total(
                period,
                year,
                completed(ALL_KINDS),
                target_for(ALL_KINDS),
                population,
            ),
            Split::Monthly => monthly(period, year, &completed, target_for(ALL_KINDS), population),
            Split::OrganisationKind => by_kind(period, year, &found, &target_for),
        })
    })
}

/// The under-18 population of the scope's area: the county's, a locality's, none for one
/// organisation's or one lead's own caseload.
fn population_of(conn: &mut PgConnection, scope: ReportScope) -> Result<Option<i64>> {
    let area = match scope {
        ReportScope::County => None,
        ReportScope::Locality(locality) => Some(locality),
        ReportScope::Organisation(_) | ReportScope::Lead(_) => return Ok(None),
    };
    Ok(report_settings::populations(conn)?
        .into_iter()
        .find(|population| population.locality_id == area)
        .map(|population| i64::from(population.under_18)))
}

fn per_10k(completed: i64, population: Option<i64>) -> Cell {
    population.map_or(Cell::Empty, |children| {
        Cell::Measure((completed as f64 * 100_000.0 / children as f64).round() / 10.0)
    })
}

fn share(completed: i64, target: Option<i64>) -> Cell {
    target.map_or(Cell::Empty, |target| Cell::Share {
        part: completed,
        whole: target,
    })
}

fn target_cell(target: Option<i64>) -> Cell {
    target.map_or(Cell::Empty, |target| Cell::Measure(target as f64))
}

fn total(
    period: Period,
    year: i32,
    completed: i64,
    target: Option<i64>,
    population: Option<i64>,
) -> Table {
    let mut columns = period_columns();
    columns.extend([
        Column::new("snfs_completed", ColumnKind::Count),
        Column::new("financial_year", ColumnKind::Measure),
        Column::new("annual_target", ColumnKind::Measure),
        Column::new("share_of_annual_target", ColumnKind::Share),
        Column::new("under_18_population", ColumnKind::Measure),
        Column::new("snfs_per_10k_under_18", ColumnKind::Measure),
    ]);
    let mut table = Table::new(columns);
    table.push(vec![
        Cell::Date(period.from),
        Cell::Date(period.to),
        Cell::Count(completed),
        Cell::Measure(f64::from(year)),
        target_cell(target),
        share(completed, target),
        population.map_or(Cell::Empty, |children| Cell::Measure(children as f64)),
        per_10k(completed, population),
    ]);
    table
}

/// One row per calendar month of the period, with the running total against the year's
/// target.
fn monthly(
    period: Period,
    year: i32,
    completed: &dyn Fn(&str) -> i64,
    target: Option<i64>,
    population: Option<i64>,
) -> Table {
    let mut table = Table::new(vec![
        Column::new("month", ColumnKind::Date),
        Column::new("snfs_completed", ColumnKind::Count),
        Column::new("cumulative", ColumnKind::Count),
        Column::new("financial_year", ColumnKind::Measure),
        Column::new("annual_target", ColumnKind::Measure),
        Column::new("share_of_annual_target", ColumnKind::Share),
        Column::new("snfs_per_10k_under_18", ColumnKind::Measure),
    ]);
    let mut month =
        NaiveDate::from_ymd_opt(period.from.year(), period.from.month(), 1).unwrap_or(period.from);
    let mut cumulative = 0;
    while month <= period.to {
        let count = completed(&month.to_string());
        cumulative += count;
        table.push(vec![
            Cell::Date(month),
            Cell::Count(count),
            Cell::Count(cumulative),
            Cell::Measure(f64::from(year)),
            target_cell(target),
            share(cumulative, target),
            per_10k(cumulative, population),
        ]);
        match month.checked_add_months(Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    table
}

/// One row per kind of lead organisation with a completion or a target.
fn by_kind(
    period: Period,
    year: i32,
    found: &[reports::Completions],
    target_for: &dyn Fn(&str) -> Option<i64>,
) -> Table {
    let mut columns = period_columns();
    columns.extend([
        Column::new("organisation_kind", ColumnKind::Text),
        Column::new("snfs_completed", ColumnKind::Count),
        Column::new("financial_year", ColumnKind::Measure),
        Column::new("annual_target", ColumnKind::Measure),
        Column::new("share_of_annual_target", ColumnKind::Share),
    ]);
    let mut table = Table::new(columns);
    for kind in earlyhelp_domain::directory::OrganisationKind::ALL {
        let kind = kind.as_str();
        let completed = found
            .iter()
            .find(|row| row.key == kind)
            .map_or(0, |row| row.completed);
        let target = target_for(kind);
        if completed == 0 && target.is_none() {
            continue;
        }
        table.push(vec![
            Cell::Date(period.from),
            Cell::Date(period.to),
            Cell::text(kind),
            Cell::Count(completed),
            Cell::Measure(f64::from(year)),
            target_cell(target),
            share(completed, target),
        ]);
    }
    table
}
