//! `/api/v1/reports/...`: caseload and performance reports, as JSON by default or CSV with
//! `Accept: text/csv`. The figures are in [`earlyhelp_workflows::reports`]; the table shape,
//! suppression and CSV rules in [`earlyhelp_domain::report`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::json::full_date;
use crate::openapi::responses::{
    Conflict, Forbidden, InternalError, ServiceUnavailable, Unauthorized, UnprocessableEntity,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::Query;
use actix_web::{HttpRequest, HttpResponse};
use earlyhelp_domain::report::{CaseloadBy, ColumnKind, Table};
use earlyhelp_domain::validation::Checks;
use earlyhelp_persistence::reports::Period;
use earlyhelp_workflows::reports::{self, CaseloadReport};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// What a report column holds: `text`, `count` (shown as `"<5"` from 1 to 4 in a published
/// report), `share` (a fraction from 0 to 1, `null` when withheld), `measure` (days, a level)
/// or `date`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ReportColumn)]
pub struct ColumnResponse {
    key: String,
    #[schema(value_type = crate::openapi::case::ReportColumnKind)]
    kind: &'static str,
}

/// A report as a table: its columns in order, and one object per row keyed by column.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Report)]
pub(crate) struct ReportResponse {
    /// Which report.
    report: &'static str,
    /// Prepared for publication (`?publish=true`): every count from 1 to 4 is `"<5"` and
    /// shares derived from one are `null`.
    published: bool,
    columns: Vec<ColumnResponse>,
    #[schema(value_type = Vec<Object>)]
    rows: Vec<Value>,
}

fn kind_name(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Text => "text",
        ColumnKind::Count => "count",
        ColumnKind::Share => "share",
        ColumnKind::Measure => "measure",
        ColumnKind::Date => "date",
    }
}

/// Does `Accept` name `media` (anywhere in its list, not refused with `q=0`)?
pub(crate) fn accepts(req: &HttpRequest, media: &str) -> bool {
    req.headers()
        .get_all(header::ACCEPT)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let ty = parts.next().unwrap_or_default();
            let refused = parts.any(|param| param.replace(' ', "") == "q=0");
            ty.eq_ignore_ascii_case(media) && !refused
        })
}

/// The format a report leaves in: CSV when asked for (`Accept: text/csv`), or by default for
/// a report that is a CSV export unless JSON is asked for; JSON otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Csv,
}

impl Format {
    pub(crate) fn of(req: &HttpRequest, default: Format) -> Self {
        match default {
            Format::Json if accepts(req, "text/csv") => Format::Csv,
            Format::Csv if accepts(req, "application/json") => Format::Json,
            other => other,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// The report in the format asked for.
pub(crate) fn respond(
    format: Format,
    report: &'static str,
    name: &str,
    table: Table,
) -> HttpResponse {
    if format == Format::Csv {
        return HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(table.to_csv());
    }
    HttpResponse::Ok().json(ReportResponse {
        report,
        published: table.published,
        columns: table
            .columns
            .iter()
            .map(|column| ColumnResponse {
                key: column.key.clone(),
                kind: kind_name(column.kind),
            })
            .collect(),
        rows: table.json_rows(),
    })
}

/// The period a report covers: `from` and `to` (either may be left out: `to` defaults to
/// today, `from` to the start of `to`'s financial year), or a financial year (`2025`: 1 April
/// 2025 to 31 March 2026), not both; `None` for the report's default.
pub(crate) fn period_of(
    checks: &mut Checks,
    from: Option<&str>,
    to: Option<&str>,
    financial_year: Option<i32>,
) -> Option<Period> {
    let from = full_date::query(checks, "from", from);
    let to = full_date::query(checks, "to", to);
    if let Some(year) = financial_year {
        if from.is_some() || to.is_some() {
            checks.fail(
                "financial_year",
                "give financial_year or from and to, not both",
            );
            return None;
        }
        let start = chrono::NaiveDate::from_ymd_opt(year, 4, 1);
        let end = chrono::NaiveDate::from_ymd_opt(year + 1, 3, 31);
        return match (start, end) {
            (Some(from), Some(to)) if (2000..=2100).contains(&year) => Some(Period { from, to }),
            _ => {
                checks.fail("financial_year", "must be a year from 2000 to 2100");
                None
            }
        };
    }
    match (from, to) {
        (None, None) => None,
        (from, to) => {
            let to = to.unwrap_or_else(earlyhelp_workflows::clock::today);
            let from = from.unwrap_or_else(|| earlyhelp_domain::report::financial_year_start(to));
            if from > to {
                checks.fail("from", "must be on or before to");
            }
            Some(Period { from, to })
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseloadQuery {
    /// How to group (default `county`): `lead_professional` (each lead's open episodes, one
    /// row each), `organisation`, `organisation_kind`, `locality`, `county`, or `reviewer` (the
    /// LCSS review queues, per locality and reviewer).
    #[param(value_type = Option<crate::openapi::case::CaseloadBy>)]
    by: Option<String>,
    /// The first day new and closed episodes are counted from (default: 1 April of this
    /// financial year).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// The last day they are counted to (default: today).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// `true`: prepared for publication, every count from 1 to 4 shown as `<5`.
    publish: Option<bool>,
}

/// Caseload report
///
/// Open episodes by threshold level and by who leads them (LCSS or community partners), new
/// and closed in a period and the closure reasons, per organisation, organisation kind,
/// locality or the county; each lead professional's open episodes with their form's state,
/// last and next team meetings and overdue actions; or the LCSS review queues. A manager
/// reports on the county, an LCSS manager on their locality, a practitioner on their own
/// caseload (not the review queues); anyone else is a 403. JSON by default, CSV (RFC 4180, a
/// header row, ISO dates, formula-like cells prefixed with `'`) with `Accept: text/csv`. Every
/// export is audited.
#[utoipa::path(
    get,
    path = "/api/v1/reports/caseload",
    tag = "reports",
    params(CaseloadQuery),
    responses(
        (
            status = 200,
            description = "The report.",
            content(
                (ReportResponse = "application/json"),
                (String = "text/csv"),
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
pub async fn caseload_report(
    state: State,
    auth: Authenticated,
    query: Query<CaseloadQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut checks = Checks::default();
    let by = match query.by.as_deref() {
        None => Some(CaseloadBy::County),
        Some(raw) => checks.check(
            "by",
            raw.parse::<CaseloadBy>().map_err(|_| {
                "must be lead_professional, organisation, organisation_kind, locality, county \
                 or reviewer"
            }),
        ),
    };
    let period = period_of(
        &mut checks,
        query.from.as_deref(),
        query.to.as_deref(),
        None,
    );
    let by = checks.finish(|| by)?;
    let format = Format::of(&req, Format::Json);
    let command = CaseloadReport {
        by,
        period,
        publish: query.publish.unwrap_or(false),
        format: format.name(),
    };
    let table = auth
        .run(&state, move |conn, audit, actor| {
            reports::caseload(conn, audit, actor, command)
        })
        .await?;
    Ok(respond(
        format,
        "caseload",
        &format!("caseload-{}", by.as_str()),
        table,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AnnexAQuery {
    /// The first day of the inspection: forms started in the six months up to it are listed,
    /// with every form of an episode open on it.
    #[param(value_type = String, format = Date)]
    inspection_date: Option<String>,
}

/// Ofsted Annex A, List 2 (early help)
///
/// One row per child per Strengths and Needs form (deduplicated on the child and the form's
/// start date): every form started in the six months before the inspection date, and the forms
/// of every episode open on it. The columns, exactly and in order: `Child Unique ID` (the
/// child's id here), `Gender` (`a) Male`, `b) Female`, `c) Not stated/recorded` for unknown and
/// unborn, `d) Neither`), `Ethnicity` (`a) WBRI` to `s) REFU`, then `t) NOBT`, also for none
/// recorded), `Date of Birth` (blank for an unborn child), `Age of Child (Years)` (on the
/// form's start date), `Assessment start date` (the form's), `Assessment completion date`
/// (the day LCSS accepted it; blank until then), `Organisation completing assessment` (the
/// episode's lead organisation). Dates as dd/mm/yyyy. CSV by default; JSON with `Accept:
/// application/json`. Within the caller's report scope; audited.
#[utoipa::path(
    get,
    path = "/api/v1/reports/annex-a",
    tag = "reports",
    params(AnnexAQuery),
    responses(
        (
            status = 200,
            description = "The list.",
            content(
                (String = "text/csv"),
                (ReportResponse = "application/json"),
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
pub async fn annex_a_report(
    state: State,
    auth: Authenticated,
    query: Query<AnnexAQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut checks = Checks::default();
    let inspection = full_date::query(
        &mut checks,
        "inspection_date",
        query.inspection_date.as_deref(),
    );
    if query.inspection_date.is_none() {
        checks.fail(
            "inspection_date",
            "is required: the first day of the inspection",
        );
    }
    let inspection = checks.finish(|| inspection)?;
    let format = Format::of(&req, Format::Csv);
    let name = format.name();
    let table = auth
        .run(&state, move |conn, audit, actor| {
            reports::annex_a(conn, audit, actor, inspection, name)
        })
        .await?;
    Ok(respond(
        format,
        "annex_a",
        &format!("annex-a-list-2-{inspection}"),
        table,
    ))
}
