//! Caseload and performance reports: each read is the scope of the actor's report grant (the
//! county for a manager, their locality for an LCSS manager, their own caseload for a
//! practitioner), one or a few SQL aggregates, shaped into a [`Table`] and audited as an export.

use crate::clock::today;
use crate::step::audited_read;
use crate::{Refusal, Result};
use chrono::NaiveDate;
use earlyhelp_domain::annex_a as annex;
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::consultation::ConcernTheme;
use earlyhelp_domain::episode::ClosureReason;
use earlyhelp_domain::person::Sex;
use earlyhelp_domain::policy::{self, Actor, Permission, Scope};
use earlyhelp_domain::report::{financial_year_start, CaseloadBy, Cell, Column, ColumnKind, Table};
use earlyhelp_persistence::activity_reports;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::reports::{self, Grouping, Period, ReportScope};
use earlyhelp_persistence::PgConnection;
use serde_json::json;

#[derive(Debug, Clone)]
pub struct CaseloadReport {
    pub by: CaseloadBy,
    /// The period new and closed episodes are counted in; `None`: this financial year to
    /// date.
    pub period: Option<Period>,
    /// Prepared for publication: small numbers suppressed.
    pub publish: bool,
    /// How the report leaves (`json`, `csv`), for the audit trail.
    pub format: &'static str,
}

/// The scope of the actor's report grant, the widest they hold; 403 without one.
pub(crate) fn scope_of(actor: &Actor) -> Result<ReportScope> {
    let scopes = policy::authorize(actor, Permission::ReadReports)?;
    let widest = scopes
        .iter()
        .map(|scope| match scope {
            Scope::County => (0, ReportScope::County),
            Scope::Locality(locality) => (1, ReportScope::Locality(*locality)),
            Scope::Organisation(organisation) => (2, ReportScope::Organisation(*organisation)),
            Scope::Own(user)
            | Scope::Team(user)
            | Scope::ProposedLead(user)
            | Scope::Requested(user) => (3, ReportScope::Lead(*user)),
            Scope::Referred => (4, ReportScope::Lead(actor.user_id)),
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, scope)| scope);
    widest.ok_or_else(|| Refusal::Forbidden.into())
}

/// Reads a report in the actor's scope as one audited export (the detail says which, how and
/// for when), prepared for publication if asked.
pub(crate) fn export(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    detail: serde_json::Value,
    publish: bool,
    build: impl FnOnce(&mut PgConnection, ReportScope) -> Result<Table>,
) -> Result<Table> {
    let scope = scope_of(actor)?;
    let event = AuditEvent::new(
        AuditAction::ExportReport,
        EntityType::Report,
        None,
        Outcome::Success,
    )
    .with_detail(detail);
    let table = audited_read(conn, audit, event, |conn| build(conn, scope))?;
    Ok(if publish { table.publish() } else { table })
}

/// The period asked for, or this financial year to date.
pub(crate) fn period_or_this_year(period: Option<Period>) -> Period {
    period.unwrap_or_else(|| {
        let today = today();
        Period {
            from: financial_year_start(today),
            to: today,
        }
    })
}

/// The caseload report, grouped as asked, within the actor's scope.
pub fn caseload(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: CaseloadReport,
) -> Result<Table> {
    let period = period_or_this_year(command.period);
    let detail = json!({
        "report": "caseload",
        "by": command.by.as_str(),
        "from": period.from,
        "to": period.to,
        "format": command.format,
        "publish": command.publish,
    });
    export(
        conn,
        audit,
        actor,
        detail,
        command.publish,
        |conn, scope| {
            match command.by {
                CaseloadBy::LeadProfessional => lead_caseloads(conn, scope),
                // The review queues are LCSS's work, not a lead's own caseload.
                CaseloadBy::Reviewer if matches!(scope, ReportScope::Lead(_)) => {
                    Err(Refusal::Forbidden.into())
                }
                CaseloadBy::Reviewer => review_queues(conn, scope),
                CaseloadBy::Organisation => groups(conn, Grouping::Organisation, scope, period),
                CaseloadBy::OrganisationKind => {
                    groups(conn, Grouping::OrganisationKind, scope, period)
                }
                CaseloadBy::Locality => groups(conn, Grouping::Locality, scope, period),
                CaseloadBy::County => groups(conn, Grouping::County, scope, period),
            }
        },
    )
}

/// A report over a period (default: this financial year to date).
#[derive(Debug, Clone)]
pub struct PeriodReport {
    pub period: Option<Period>,
    pub publish: bool,
    /// How the report leaves (`json`, `csv`), for the audit trail.
    pub format: &'static str,
}

impl PeriodReport {
    pub(crate) fn detail(&self, report: &str, period: Period) -> serde_json::Value {
        json!({
            "report": report,
            "from": period.from,
            "to": period.to,
            "format": self.format,
            "publish": self.publish,
        })
    }
}

/// The period's columns, which every period report starts with.
pub(crate) fn period_columns() -> Vec<Column> {
    vec![
        Column::new("from", ColumnKind::Date),
        Column::new("to", ColumnKind::Date),
    ]
}

/// Step-ups and step-downs in the period.
pub fn step_transitions(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: PeriodReport,
) -> Result<Table> {
    let period = period_or_this_year(command.period);
    let detail = command.detail("step_transitions", period);
    export(
        conn,
        audit,
        actor,
        detail,
        command.publish,
        |conn, scope| {
            let found = activity_reports::step_transitions(conn, scope, period)?;
            let mut columns = period_columns();
            for (key, kind) in [
                ("step_ups", ColumnKind::Count),
                ("decided", ColumnKind::Count),
                ("accepted", ColumnKind::Count),
                ("accepted_share", ColumnKind::Share),
                ("median_days_to_decision", ColumnKind::Measure),
                ("children_stepped_up", ColumnKind::Count),
                ("children_with_completed_snf_before", ColumnKind::Count),
                ("share_with_completed_snf_before", ColumnKind::Share),
                ("step_downs", ColumnKind::Count),
                ("step_downs_picked_up_by_due_date", ColumnKind::Count),
                ("share_picked_up_by_due_date", ColumnKind::Share),
            ] {
                columns.push(Column::new(key, kind));
            }
            let mut table = Table::new(columns);
            table.push(vec![
                Cell::Date(period.from),
                Cell::Date(period.to),
                Cell::Count(found.step_ups),
                Cell::Count(found.decided),
                Cell::Count(found.accepted),
                Cell::Share {
                    part: found.accepted,
                    whole: found.decided,
                },
                found.median_days_to_decision.map_or(Cell::Empty, |days| {
                    Cell::Measure((days * 10.0).round() / 10.0)
                }),
                Cell::Count(found.children_stepped_up),
                Cell::Count(found.children_with_snf_before),
                Cell::Share {
                    part: found.children_with_snf_before,
                    whole: found.children_stepped_up,
                },
                Cell::Count(found.step_downs),
                Cell::Count(found.picked_up_by_due_date),
                Cell::Share {
                    part: found.picked_up_by_due_date,
                    whole: found.step_downs,
                },
            ]);
            Ok(table)
        },
    )
}

/// No Names and advice consultations held in the period, by kind and outcome, with how many
/// raised each concern theme.
pub fn consultations(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: PeriodReport,
) -> Result<Table> {
    let period = period_or_this_year(command.period);
    let detail = command.detail("consultations", period);
    export(
        conn,
        audit,
        actor,
        detail,
        command.publish,
        |conn, scope| {
            let counts = activity_reports::consultations(conn, scope, period)?;
            let mut columns = period_columns();
            columns.push(Column::new("kind", ColumnKind::Text));
            columns.push(Column::new("outcome", ColumnKind::Text));
            columns.push(Column::new("consultations", ColumnKind::Count));
            columns.extend(
                ConcernTheme::ALL.iter().map(|theme| {
                    Column::new(format!("theme_{}", theme.as_str()), ColumnKind::Count)
                }),
            );
            let mut table = Table::new(columns);
            for total in counts.iter().filter(|count| count.theme.is_empty()) {
                let mut row = vec![
                    Cell::Date(period.from),
                    Cell::Date(period.to),
                    Cell::text(total.kind.clone()),
                    Cell::text(total.outcome.clone()),
                    Cell::Count(total.consultations),
                ];
                row.extend(ConcernTheme::ALL.iter().map(|theme| {
                    let raised = counts
                        .iter()
                        .find(|count| {
                            count.kind == total.kind
                                && count.outcome == total.outcome
                                && count.theme == theme.as_str()
                        })
                        .map_or(0, |count| count.consultations);
                    Cell::Count(raised)
                }));
                table.push(row);
            }
            Ok(table)
        },
    )
}

/// How long the episodes closed in the period were open, per closure reason and in all.
pub fn episode_durations(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: PeriodReport,
) -> Result<Table> {
    let period = period_or_this_year(command.period);
    let detail = command.detail("episode_durations", period);
    export(
        conn,
        audit,
        actor,
        detail,
        command.publish,
        |conn, scope| {
            let found = activity_reports::episode_durations(conn, scope, period)?;
            let mut columns = period_columns();
            columns.push(Column::new("closure_reason", ColumnKind::Text));
            for (key, kind) in [
                ("closed", ColumnKind::Count),
                ("median_days_open", ColumnKind::Measure),
                ("p90_days_open", ColumnKind::Measure),
                ("under_3_months", ColumnKind::Count),
                ("from_3_to_6_months", ColumnKind::Count),
                ("from_6_to_12_months", ColumnKind::Count),
                ("over_12_months", ColumnKind::Count),
            ] {
                columns.push(Column::new(key, kind));
            }
            let mut table = Table::new(columns);
            let days = |value: Option<f64>| value.map_or(Cell::Empty, Cell::Measure);
            for row in found {
                table.push(vec![
                    Cell::Date(period.from),
                    Cell::Date(period.to),
                    Cell::text(row.reason),
                    Cell::Count(row.closed),
                    days(row.median_days),
                    days(row.p90_days),
                    Cell::Count(row.under_3_months),
                    Cell::Count(row.from_3_to_6_months),
                    Cell::Count(row.from_6_to_12_months),
                    Cell::Count(row.over_12_months),
                ]);
            }
            Ok(table)
        },
    )
}

/// Teams Around the Family in the period: formed, meetings held and LCSS attendance, closed
/// and their outcomes; and teams past their review date now.
pub fn taf(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    command: PeriodReport,
) -> Result<Table> {
    let period = period_or_this_year(command.period);
    let detail = command.detail("taf", period);
    export(
        conn,
        audit,
        actor,
        detail,
        command.publish,
        |conn, scope| {
            let found = activity_reports::taf(conn, scope, period)?;
            let mut columns = period_columns();
            for (key, kind) in [
                ("teams_formed", ColumnKind::Count),
                ("meetings_held", ColumnKind::Count),
                ("meetings_with_lcss", ColumnKind::Count),
                ("lcss_attendance_share", ColumnKind::Share),
                ("reviews_overdue", ColumnKind::Count),
                ("teams_closed", ColumnKind::Count),
                ("outcomes_achieved", ColumnKind::Count),
                ("outcomes_partly_achieved", ColumnKind::Count),
                ("outcomes_not_achieved", ColumnKind::Count),
            ] {
                columns.push(Column::new(key, kind));
            }
            let mut table = Table::new(columns);
            table.push(vec![
                Cell::Date(period.from),
                Cell::Date(period.to),
                Cell::Count(found.teams_formed),
                Cell::Count(found.meetings_held),
                Cell::Count(found.meetings_with_lcss),
                Cell::Share {
                    part: found.meetings_with_lcss,
                    whole: found.meetings_held,
                },
                Cell::Count(found.reviews_overdue),
                Cell::Count(found.teams_closed),
                Cell::Count(found.outcomes_achieved),
                Cell::Count(found.outcomes_partly_achieved),
                Cell::Count(found.outcomes_not_achieved),
            ]);
            Ok(table)
        },
    )
}

fn groups(
    conn: &mut PgConnection,
    grouping: Grouping,
    scope: ReportScope,
    period: Period,
) -> Result<Table> {
    let found = reports::caseload_groups(conn, grouping, scope, period)?;
    let closures = reports::closure_reasons(conn, grouping, scope, period)?;
    let mut columns = vec![
        Column::new("key", ColumnKind::Text),
        Column::new("name", ColumnKind::Text),
        Column::new("from", ColumnKind::Date),
        Column::new("to", ColumnKind::Date),
        Column::new("open", ColumnKind::Count),
        Column::new("open_level_2", ColumnKind::Count),
        Column::new("open_level_3", ColumnKind::Count),
        Column::new("open_led_by_lcss", ColumnKind::Count),
        Column::new("open_led_by_partners", ColumnKind::Count),
        Column::new("opened", ColumnKind::Count),
        Column::new("closed", ColumnKind::Count),
    ];
    columns.extend(
        ClosureReason::ALL
            .iter()
            .map(|reason| Column::new(format!("closed_{}", reason.as_str()), ColumnKind::Count)),
    );
    let mut table = Table::new(columns);
    for group in found {
        let mut row = vec![
            Cell::text(group.key.clone()),
            Cell::text(group.label),
            Cell::Date(period.from),
            Cell::Date(period.to),
            Cell::Count(group.open_total),
            Cell::Count(group.open_level_2),
            Cell::Count(group.open_level_3),
            Cell::Count(group.open_led_by_lcss),
            Cell::Count(group.open_led_by_partners),
            Cell::Count(group.opened),
            Cell::Count(group.closed),
        ];
        row.extend(ClosureReason::ALL.iter().map(|reason| {
            let closed = closures
                .iter()
                .find(|count| count.key == group.key && count.reason == reason.as_str())
                .map_or(0, |count| count.closed);
            Cell::Count(closed)
        }));
        table.push(row);
    }
    Ok(table)
}

fn lead_caseloads(conn: &mut PgConnection, scope: ReportScope) -> Result<Table> {
    let mut table = Table::new(vec![
        Column::new("lead_professional_id", ColumnKind::Text),
        Column::new("lead_professional", ColumnKind::Text),
        Column::new("organisation", ColumnKind::Text),
        Column::new("episode_id", ColumnKind::Text),
        Column::new("family_reference", ColumnKind::Text),
        Column::new("threshold_level", ColumnKind::Measure),
        Column::new("days_open", ColumnKind::Measure),
        Column::new("snf_state", ColumnKind::Text),
        Column::new("last_taf_meeting_on", ColumnKind::Date),
        Column::new("next_taf_meeting_on", ColumnKind::Date),
        Column::new("overdue_actions", ColumnKind::Measure),
    ]);
    for case in reports::lead_caseloads(conn, scope)? {
        table.push(vec![
            Cell::text(case.lead_id.to_string()),
            Cell::text(case.lead_name),
            Cell::text(case.organisation),
            Cell::text(case.episode_id.to_string()),
            Cell::text(case.family_reference),
            Cell::Measure(f64::from(case.threshold_level)),
            Cell::Measure(f64::from(case.days_open)),
            Cell::text(case.snf_state.unwrap_or_else(|| "none".to_owned())),
            Cell::optional_date(case.last_meeting_on),
            Cell::optional_date(case.next_meeting_on),
            Cell::Measure(case.overdue_actions as f64),
        ]);
    }
    Ok(table)
}

fn review_queues(conn: &mut PgConnection, scope: ReportScope) -> Result<Table> {
    let mut table = Table::new(vec![
        Column::new("locality", ColumnKind::Text),
        Column::new("reviewer_id", ColumnKind::Text),
        Column::new("reviewer", ColumnKind::Text),
        Column::new("pending", ColumnKind::Count),
        Column::new("overdue", ColumnKind::Count),
        Column::new("oldest_age_days", ColumnKind::Measure),
    ]);
    for queue in reports::review_queues(conn, scope)? {
        table.push(vec![
            Cell::text(queue.locality),
            Cell::optional_text(queue.reviewer_id.map(|id| id.to_string())),
            Cell::optional_text(queue.reviewer_name),
            Cell::Count(queue.pending),
            Cell::Count(queue.overdue),
            Cell::Measure(f64::from(queue.oldest_age_days)),
        ]);
    }
    Ok(table)
}

/// Ofsted's Annex A, List 2 (early help) for an inspection on `inspection`, within the actor's
/// scope: identifiable rows, audited as an export.
pub fn annex_a(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: &Actor,
    inspection: NaiveDate,
    format: &'static str,
) -> Result<Table> {
    let start = annex::window_start(inspection);
    let detail = json!({
        "report": "annex_a",
        "inspection_date": inspection,
        "format": format,
    });
    export(conn, audit, actor, detail, false, |conn, scope| {
        let rows = reports::annex_a(conn, scope, start, inspection)?;
        annex_table(rows)
    })
}

fn annex_table(rows: Vec<reports::AnnexARow>) -> Result<Table> {
    let columns = annex::COLUMNS
        .iter()
        .map(|title| Column::new(*title, ColumnKind::Text))
        .collect();
    let mut table = Table::new(columns);
    for row in rows {
        let sex = row.sex.parse::<Sex>().unwrap_or(Sex::U);
        let ethnicity = row.ethnicity.as_deref().and_then(|code| code.parse().ok());
        table.push(vec![
            Cell::text(row.child_id.to_string()),
            Cell::text(annex::gender(sex)),
            Cell::text(annex::ethnicity(ethnicity)),
            Cell::optional_text(row.date_of_birth.map(annex::date)),
            Cell::optional_text(
                row.date_of_birth
                    .map(|born| annex::age_in_years(born, row.started_on).to_string()),
            ),
            Cell::text(annex::date(row.started_on)),
            Cell::optional_text(row.completed_on.map(annex::date)),
            Cell::text(row.organisation),
        ]);
    }
    Ok(table)
}
