//! `/api/v1/reports/performance`: Strengths and Needs forms completed against the year's
//! targets, per month, per kind of lead organisation or in all, as JSON, CSV or an SVG chart;
//! and `/api/v1/reports/settings`, the populations and targets it compares against. The steps
//! are in [`earlyhelp_workflows::performance`].

use crate::actor::Authenticated;
use crate::charts;
use crate::error::ApiError;
use crate::handlers::reports::{accepts, period_of, respond, Format, ReportResponse};
use crate::json::ApiJson;
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::web::Query;
use actix_web::{HttpRequest, HttpResponse};
use earlyhelp_domain::directory::OrganisationKind;
use earlyhelp_domain::report::{Cell, Table};
use earlyhelp_domain::validation::Checks;
use earlyhelp_persistence::report_settings::{Population, Target};
use earlyhelp_persistence::reports::Split;
use earlyhelp_workflows::performance::{self, PerformanceReport, ReportSettings, ALL_KINDS};
use earlyhelp_workflows::reports::PeriodReport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PerformanceQuery {
    /// The first day counted (default: 1 April of `to`'s financial year).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// The last day counted (default: today); its financial year's targets apply.
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// A whole financial year instead: `2025` is 1 April 2025 to 31 March 2026.
    #[param(minimum = 2000, maximum = 2100)]
    financial_year: Option<i32>,
    /// `monthly`: one row per calendar month, with the running total.
    #[param(value_type = Option<String>, pattern = "^monthly$")]
    series: Option<String>,
    /// `organisation_kind`: one row per kind of lead organisation, against its own target.
    #[param(value_type = Option<String>, pattern = "^organisation_kind$")]
    by: Option<String>,
    /// `true`: prepared for publication, every count from 1 to 4 shown as `<5`.
    publish: Option<bool>,
}

/// A number a chart can draw from a cell: a suppressed count draws as nothing.
fn plotted(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Count(count) => Some(*count as f64),
        Cell::Measure(value) => Some(*value),
        Cell::Suppressed => Some(0.0),
        _ => None,
    }
}

fn column(table: &Table, key: &str) -> usize {
    table
        .columns
        .iter()
        .position(|column| column.key == key)
        .unwrap_or(0)
}

/// The report as a chart: the running total per month against the annual target, or each
/// kind's (or the total's) completions against its target.
fn chart(table: &Table, split: Split) -> Result<String, charts::ChartError> {
    let completed = if table.published {
        "SNFs completed (counts under 5 not shown)"
    } else {
        "SNFs completed"
    };
    let target_at = column(table, "annual_target");
    if split == Split::Monthly {
        let cumulative = column(table, "cumulative");
        let labels: Vec<String> = table
            .rows
            .iter()
            .map(|row| match &row[0] {
                Cell::Date(month) => month.format("%b %Y").to_string(),
                _ => String::new(),
            })
            .collect();
        let values: Vec<f64> = table
            .rows
            .iter()
            .map(|row| plotted(&row[cumulative]).unwrap_or(0.0))
            .collect();
        let target = table.rows.first().and_then(|row| plotted(&row[target_at]));
        return charts::line_chart(
            "Strengths and Needs forms completed, running total",
            "SNFs",
            &labels,
            &[(completed, values)],
            target.map(|value| ("Annual target", value)),
            None,
        );
    }
    let kind_at = (split == Split::OrganisationKind).then(|| column(table, "organisation_kind"));
    let snfs = column(table, "snfs_completed");
    let categories: Vec<String> = table
        .rows
        .iter()
        .map(|row| match kind_at.map(|at| &row[at]) {
            Some(Cell::Text(kind)) => kind.replace('_', " "),
            _ => "all".to_owned(),
        })
        .collect();
    let values: Vec<f64> = table
        .rows
        .iter()
        .map(|row| plotted(&row[snfs]).unwrap_or(0.0))
        .collect();
    let targets: Vec<Option<f64>> = table
        .rows
        .iter()
        .map(|row| plotted(&row[target_at]))
        .collect();
    charts::bar_chart(
        "Strengths and Needs forms completed against target",
        "SNFs",
        &categories,
        completed,
        &values,
        &targets,
    )
}

/// Performance report
///
/// Strengths and Needs forms completed (accepted by LCSS) in the period (default: this
/// financial year to date) against the target of the financial year the period ends in, with
/// the rate per 10,000 children of the caller's area (the county's or their locality's
/// under-18 population, from `/api/v1/reports/settings`). `series=monthly` gives one row per
/// month with the running total; `by=organisation_kind` one row per kind of lead organisation
/// against its own target. JSON, CSV with `Accept: text/csv`, or an SVG chart with `Accept:
/// image/svg+xml` (a line of the running total against the target line for a monthly series, a
/// bar chart otherwise). `?publish=true` suppresses counts from 1 to 4. Audited.
#[utoipa::path(
    get,
    path = "/api/v1/reports/performance",
    tag = "reports",
    params(PerformanceQuery),
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
pub async fn performance_report(
    state: State,
    auth: Authenticated,
    query: Query<PerformanceQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut checks = Checks::default();
    let period = period_of(
        &mut checks,
        query.from.as_deref(),
        query.to.as_deref(),
        query.financial_year,
    );
    let split = match (query.series.as_deref(), query.by.as_deref()) {
        (None, None) => Some(Split::Total),
        (Some("monthly"), None) => Some(Split::Monthly),
        (None, Some("organisation_kind")) => Some(Split::OrganisationKind),
        (Some(_), Some(_)) => {
            checks.fail("series", "give series or by, not both");
            None
        }
        (Some(_), None) => {
            checks.fail("series", "must be monthly");
            None
        }
        (None, Some(_)) => {
            checks.fail("by", "must be organisation_kind");
            None
        }
    };
    let split = checks.finish(|| split)?;
    let svg = accepts(&req, "image/svg+xml");
    let format = Format::of(&req, Format::Json);
    let command = PerformanceReport {
        report: PeriodReport {
            period,
            publish: query.publish.unwrap_or(false),
            format: if svg { "svg" } else { format.name() },
        },
        split,
    };
    let table = auth
        .run(&state, move |conn, audit, actor| {
            performance::performance(conn, audit, actor, command)
        })
        .await?;
    if svg {
        let drawn = chart(&table, split).map_err(|error| ApiError::Internal(error.into()))?;
        return Ok(HttpResponse::Ok().content_type("image/svg+xml").body(drawn));
    }
    Ok(respond(format, "performance", "performance", table))
}

/// The under-18 population of one locality.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LocalityPopulation)]
pub struct LocalityPopulation {
    locality_id: Uuid,
    #[schema(minimum = 1)]
    under_18_population: i32,
}

/// Strengths and Needs forms to complete in a financial year.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SnfTarget)]
pub struct SnfTarget {
    /// The year the financial year starts in: `2024` is April 2024 to March 2025.
    #[schema(minimum = 2000, maximum = 2100)]
    financial_year: i16,
    /// `all`, or the kind of lead organisation the target is for.
    #[schema(value_type = crate::openapi::values::TargetKind)]
    organisation_kind: String,
    #[schema(minimum = 1)]
    target: i32,
}

/// What performance reports compare against. `PUT` replaces all of it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReportSettings)]
pub struct SettingsBody {
    /// The county's under-18 population; `null` when not set.
    #[schema(required, minimum = 1)]
    county_under_18_population: Option<i32>,
    /// Each locality's, at most once each.
    locality_under_18_populations: Vec<LocalityPopulation>,
    /// At most one per financial year and kind.
    #[schema(max_items = 500)]
    snf_targets: Vec<SnfTarget>,
}

impl From<ReportSettings> for SettingsBody {
    fn from(settings: ReportSettings) -> Self {
        Self {
            county_under_18_population: settings
                .populations
                .iter()
                .find(|population| population.locality_id.is_none())
                .map(|population| population.under_18),
            locality_under_18_populations: settings
                .populations
                .iter()
                .filter_map(|population| {
                    population.locality_id.map(|locality| LocalityPopulation {
                        locality_id: locality.into(),
                        under_18_population: population.under_18,
                    })
                })
                .collect(),
            snf_targets: settings
                .targets
                .into_iter()
                .map(|target| SnfTarget {
                    financial_year: target.financial_year,
                    organisation_kind: target.organisation_kind,
                    target: target.target,
                })
                .collect(),
        }
    }
}

impl SettingsBody {
    fn into_settings(self) -> Result<ReportSettings, ApiError> {
        let mut checks = Checks::default();
        let mut populations = Vec::new();
        if let Some(county) = self.county_under_18_population {
            if county < 1 {
                checks.fail("county_under_18_population", "must be at least 1");
            }
            populations.push(Population {
                locality_id: None,
                under_18: county,
            });
        }
        for (index, area) in self.locality_under_18_populations.iter().enumerate() {
            let field = format!("locality_under_18_populations[{index}]");
            if area.under_18_population < 1 {
                checks.fail(
                    &format!("{field}.under_18_population"),
                    "must be at least 1",
                );
            }
            let locality = Some(area.locality_id.into());
            if populations
                .iter()
                .any(|p: &Population| p.locality_id == locality)
            {
                checks.fail(&format!("{field}.locality_id"), "is listed twice");
            }
            populations.push(Population {
                locality_id: locality,
                under_18: area.under_18_population,
            });
        }
        let mut targets: Vec<Target> = Vec::new();
        if self.snf_targets.len() > 500 {
            checks.fail("snf_targets", "at most 500 targets");
        }
        for (index, target) in self.snf_targets.into_iter().enumerate() {
            let field = format!("snf_targets[{index}]");
            if !(2000..=2100).contains(&target.financial_year) {
                checks.fail(
                    &format!("{field}.financial_year"),
                    "must be from 2000 to 2100",
                );
            }
            if target.target < 1 {
                checks.fail(&format!("{field}.target"), "must be at least 1");
            }
            if target.organisation_kind != ALL_KINDS
                && target
                    .organisation_kind
                    .parse::<OrganisationKind>()
                    .is_err()
            {
                checks.fail(
                    &format!("{field}.organisation_kind"),
                    "must be all or a kind of organisation",
                );
            }
            if targets.iter().any(|t| {
                t.financial_year == target.financial_year
                    && t.organisation_kind == target.organisation_kind
            }) {
                checks.fail(&field, "the year and kind are listed twice");
            }
            targets.push(Target {
                financial_year: target.financial_year,
                organisation_kind: target.organisation_kind,
                target: target.target,
            });
        }
        checks.finish(|| Some(()))?;
        Ok(ReportSettings {
            populations,
            targets,
        })
    }
}

/// Report settings
///
/// The under-18 populations (the county's and each locality's) and the yearly targets for
/// Strengths and Needs forms (in all and per kind of lead organisation) that performance
/// reports compare against. For whoever may read reports.
#[utoipa::path(
    get,
    path = "/api/v1/reports/settings",
    tag = "reports",
    responses(
        (status = 200, description = "The settings.", body = SettingsBody),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn get_report_settings(
    state: State,
    auth: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let settings = auth
        .run(&state, |conn, audit, actor| {
            performance::settings(conn, audit, actor)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SettingsBody::from(settings)))
}

/// Set the report settings
///
/// Replaces the populations and targets as a whole (managers). A locality that does not
/// exist, a year and kind listed twice, or a figure below 1 is a 422. Audited.
#[utoipa::path(
    put,
    path = "/api/v1/reports/settings",
    tag = "reports",
    request_body = SettingsBody,
    responses(
        (status = 200, description = "The settings as stored.", body = SettingsBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn set_report_settings(
    state: State,
    auth: Authenticated,
    body: ApiJson<SettingsBody>,
) -> Result<HttpResponse, ApiError> {
    let settings = body.0.into_settings()?;
    let stored = auth
        .run(&state, move |conn, audit, actor| {
            performance::set_settings(conn, audit, actor, settings)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SettingsBody::from(stored)))
}
