//! `/api/v1/reports/step-transitions`, `/consultations` and `/taf`: what happened over a
//! period, in the caller's report scope, as JSON or CSV. The figures are in
//! [`earlyhelp_workflows::reports`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::reports::{period_of, respond, Format, ReportResponse};
use crate::openapi::responses::{
    Conflict, Forbidden, InternalError, ServiceUnavailable, Unauthorized, UnprocessableEntity,
};
use crate::state::State;
use actix_web::web::Query;
use actix_web::{HttpRequest, HttpResponse};
use earlyhelp_domain::policy::Actor;
use earlyhelp_domain::report::Table;
use earlyhelp_domain::validation::Checks;
use earlyhelp_persistence::audit::AuditContext;
use earlyhelp_persistence::PgConnection;
use earlyhelp_workflows::reports::{self, PeriodReport};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The first day counted (default: 1 April of `to`'s financial year).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// The last day counted (default: today).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// A whole financial year instead: `2025` is 1 April 2025 to 31 March 2026.
    #[param(minimum = 2000, maximum = 2100)]
    financial_year: Option<i32>,
    /// `true`: prepared for publication, every count from 1 to 4 shown as `<5`.
    publish: Option<bool>,
}

type Build = fn(
    &mut PgConnection,
    &AuditContext,
    &Actor,
    PeriodReport,
) -> earlyhelp_workflows::Result<Table>;

async fn period_report(
    state: State,
    auth: Authenticated,
    query: PeriodQuery,
    req: &HttpRequest,
    report: &'static str,
    build: Build,
) -> Result<HttpResponse, ApiError> {
    let mut checks = Checks::default();
    let period = period_of(
        &mut checks,
        query.from.as_deref(),
        query.to.as_deref(),
        query.financial_year,
    );
    checks.finish(|| Some(()))?;
    let format = Format::of(req, Format::Json);
    let command = PeriodReport {
        period,
        publish: query.publish.unwrap_or(false),
        format: format.name(),
    };
    let table = auth
        .run(&state, move |conn, audit, actor| {
            build(conn, audit, actor, command)
        })
        .await?;
    Ok(respond(format, report, &report.replace('_', "-"), table))
}

/// Step-ups and step-downs report
///
/// Over the period (default: this financial year to date): step-ups raised, decided and
/// accepted, the accepted share, the median days to a decision, the children stepped up and
/// the share of them who had a completed Strengths and Needs form before; step-downs recorded
/// and the share a lead accepted by their due date. In the caller's report scope; JSON, or
/// CSV with `Accept: text/csv`; `?publish=true` suppresses counts from 1 to 4. Audited.
#[utoipa::path(
    get,
    path = "/api/v1/reports/step-transitions",
    tag = "reports",
    params(PeriodQuery),
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
pub async fn step_transitions_report(
    state: State,
    auth: Authenticated,
    query: Query<PeriodQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let build: Build = reports::step_transitions;
    period_report(
        state,
        auth,
        query.into_inner(),
        &req,
        "step_transitions",
        build,
    )
    .await
}

/// Consultations report
///
/// No Names and advice consultations held in the period (default: this financial year to
/// date), one row per kind and outcome, with how many raised each concern theme. LCSS
/// managers see their locality's, managers the county's, a practitioner those they sought.
/// JSON, or CSV with `Accept: text/csv`; `?publish=true` suppresses counts from 1 to 4.
/// Audited.
#[utoipa::path(
    get,
    path = "/api/v1/reports/consultations",
    tag = "reports",
    params(PeriodQuery),
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
pub async fn consultations_report(
    state: State,
    auth: Authenticated,
    query: Query<PeriodQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let build: Build = reports::consultations;
    period_report(
        state,
        auth,
        query.into_inner(),
        &req,
        "consultations",
        build,
    )
    .await
}

/// Team Around the Family report
///
/// Over the period (default: this financial year to date): teams formed, meetings held
/// (minutes finalised) and the share LCSS attended, teams closed and how their planned
/// outcomes were rated; and the teams past their review date now. In the caller's report
/// scope; JSON, or CSV with `Accept: text/csv`; `?publish=true` suppresses counts from 1 to
/// 4. Audited.
#[utoipa::path(
    get,
    path = "/api/v1/reports/taf",
    tag = "reports",
    params(PeriodQuery),
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
pub async fn taf_report(
    state: State,
    auth: Authenticated,
    query: Query<PeriodQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let build: Build = reports::taf;
    period_report(state, auth, query.into_inner(), &req, "taf", build).await
}

/// Episode durations report
///
/// The episodes closed in the period (default: this financial year to date): per closure
/// reason and in all (`closure_reason` `all`), how many, the median and 90th percentile of the
/// days they were open, and how many were open under 3 months (under 91 days), 3 to 6 (91 to
/// 182), 6 to 12 (183 to 365) and over 12 months. In the caller's report scope; JSON, or CSV
/// with `Accept: text/csv`; `?publish=true` suppresses counts from 1 to 4. Audited.
#[utoipa::path(
    get,
    path = "/api/v1/reports/episode-durations",
    tag = "reports",
    params(PeriodQuery),
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
pub async fn episode_durations_report(
    state: State,
    auth: Authenticated,
    query: Query<PeriodQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let build: Build = reports::episode_durations;
    period_report(
        state,
        auth,
        query.into_inner(),
        &req,
        "episode_durations",
        build,
    )
    .await
}
