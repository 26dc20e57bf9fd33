//! `/api/v1/reports/review-turnaround` and `/api/v1/reports/feedback-quality`: how fast LCSS
//! decides reviews, and how forms rate against the quality criteria month by month. The steps
//! are in [`earlyhelp_workflows::review_reports`].

use crate::actor::Authenticated;
use crate::charts;
use crate::error::ApiError;
use crate::handlers::reports::{accepts, period_of, respond, Format, ReportResponse};
use crate::openapi::responses::{
    Conflict, Forbidden, InternalError, ServiceUnavailable, Unauthorized, UnprocessableEntity,
};
use crate::state::State;
use actix_web::web::Query;
use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use earlyhelp_domain::report::{CaseloadBy, Cell, Table};
use earlyhelp_domain::review::Criterion;
use earlyhelp_domain::validation::Checks;
use earlyhelp_workflows::reports::PeriodReport;
use earlyhelp_workflows::review_reports::{self, quality_grouping};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReviewReportQuery {
    /// The first day counted (default: 1 April of `to`'s financial year).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// The last day counted (default: today).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// A whole financial year instead: `2025` is 1 April 2025 to 31 March 2026.
    #[param(minimum = 2000, maximum = 2100)]
    financial_year: Option<i32>,
    /// Feedback quality only: per `organisation`, `organisation_kind`, `locality` or `county`
    /// (the default).
    #[param(value_type = Option<String>, pattern = "^(organisation|organisation_kind|locality|county)$")]
    by: Option<String>,
    /// `true`: prepared for publication, every count from 1 to 4 shown as `<5`.
    publish: Option<bool>,
}

impl ReviewReportQuery {
    fn command(&self, checks: &mut Checks, format: Format) -> PeriodReport {
        PeriodReport {
            period: period_of(
                checks,
                self.from.as_deref(),
                self.to.as_deref(),
                self.financial_year,
            ),
            publish: self.publish.unwrap_or(false),
            format: format.name(),
        }
    }
}

/// Review turnaround report
///
/// Reviews LCSS decided in the period (default: this financial year to date), per locality:
/// the median and 90th percentile of the working days from receipt to decision (weekends,
/// bank holidays in England and Wales and configured closures not counted), and how many, and
/// what share, were decided by their due date. In the caller's report scope; JSON, or CSV with
/// `Accept: text/csv`; `?publish=true` suppresses counts from 1 to 4. Audited.
#[utoipa::path(
    get,
    path = "/api/v1/reports/review-turnaround",
    tag = "reports",
    params(ReviewReportQuery),
    responses(
        (status = 200, description = "The report.", content((ReportResponse = "application/json"), (String = "text/csv"))),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn review_turnaround_report(
    state: State,
    auth: Authenticated,
    query: Query<ReviewReportQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut checks = Checks::default();
    if query.by.is_some() {
        checks.fail("by", "is for the feedback quality report");
    }
    let format = Format::of(&req, Format::Json);
    let command = query.command(&mut checks, format);
    checks.finish(|| Some(()))?;
    let holidays = state.calendar.holidays().iter().copied().collect();
    let table = auth
        .run(&state, move |conn, audit, actor| {
            review_reports::turnaround(conn, audit, actor, command, holidays)
        })
        .await?;
    Ok(respond(
        format,
        "review_turnaround",
        "review-turnaround",
        table,
    ))
}

/// Feedback quality report
///
/// For reviews decided in the period (default: this financial year to date), per month, group
/// (`by`: organisation, organisation kind, locality or the county) and quality criterion: how
/// many rated it met, partly met and not met, and each as a share. Readable by managers (the
/// county), LCSS managers (their locality) and practitioners (their own forms). JSON, CSV with
/// `Accept: text/csv`, or with `Accept: image/svg+xml` an SVG line chart of the share met per
/// criterion month by month (across the groups); `?publish=true` suppresses counts from 1 to
/// 4. Audited.
#[utoipa::path(
    get,
    path = "/api/v1/reports/feedback-quality",
    tag = "reports",
    params(ReviewReportQuery),
    responses(
        (
            status = 200,
            description = "The report.",
            content(
                (ReportResponse = "application/json"),
                (String = "text/csv"),
                (String = "image/svg+xml"),
            ),
        ),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn feedback_quality_report(
    state: State,
    auth: Authenticated,
    query: Query<ReviewReportQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut checks = Checks::default();
    let grouping = match query.by.as_deref() {
        None => quality_grouping(CaseloadBy::County),
        Some(raw) => {
            let grouping = raw.parse::<CaseloadBy>().ok().and_then(quality_grouping);
            if grouping.is_none() {
                checks.fail(
                    "by",
                    "must be organisation, organisation_kind, locality or county",
                );
            }
            grouping
        }
    };
    let format = Format::of(&req, Format::Json);
    let svg = accepts(&req, "image/svg+xml");
    let mut command = query.command(&mut checks, format);
    if svg {
        command.format = "svg";
    }
    let grouping = checks.finish(|| grouping)?;
    let table = auth
        .run(&state, move |conn, audit, actor| {
            review_reports::feedback_quality(conn, audit, actor, command, grouping)
        })
        .await?;
    if svg {
        let drawn = quality_chart(&table).map_err(|error| ApiError::Internal(error.into()))?;
        return Ok(HttpResponse::Ok().content_type("image/svg+xml").body(drawn));
    }
    Ok(respond(
        format,
        "feedback_quality",
        "feedback-quality",
        table,
    ))
}

/// The share of ratings that met each criterion, month by month, across the report's groups:
/// one line per criterion. In a published report a count under 5 cannot be added up, so a
/// month whose figures include one draws as 0 (the title says so).
fn quality_chart(table: &Table) -> Result<String, charts::ChartError> {
    let at = |key: &str| {
        table
            .columns
            .iter()
            .position(|column| column.key == key)
            .unwrap_or(0)
    };
    let (month_at, criterion_at, rated_at, met_at) =
        (at("month"), at("criterion"), at("rated"), at("met"));
    let mut months: Vec<NaiveDate> = table
        .rows
        .iter()
        .filter_map(|row| match row[month_at] {
            Cell::Date(month) => Some(month),
            _ => None,
        })
        .collect();
    months.sort_unstable();
    months.dedup();
    let count = |cell: &Cell| match cell {
        Cell::Count(count) => Some(*count),
        _ => None,
    };
    let series: Vec<(&str, Vec<f64>)> = Criterion::ALL
        .iter()
        .map(|criterion| {
            let shares = months
                .iter()
                .map(|month| {
                    let mut rows = table.rows.iter().filter(|row| {
                        row[month_at] == Cell::Date(*month)
                            && row[criterion_at] == Cell::text(criterion.as_str())
                    });
                    let summed = rows.try_fold((0, 0), |(met, rated), row| {
                        Some((met + count(&row[met_at])?, rated + count(&row[rated_at])?))
                    });
                    match summed {
                        Some((met, rated)) if rated > 0 => met as f64 / rated as f64,
                        _ => 0.0,
                    }
                })
                .collect();
            (criterion.as_str(), shares)
        })
        .collect();
    let labels: Vec<String> = months
        .iter()
        .map(|month| month.format("%b %Y").to_string())
        .collect();
    let title = if table.published {
        "Share of reviews rating each criterion met (months with counts under 5 not shown)"
    } else {
        "Share of reviews rating each criterion met"
    };
    charts::line_chart(title, "Share met", &labels, &series, None, Some(1.0))
}
