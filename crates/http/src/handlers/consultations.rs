//! `/api/v1/no-names-consultations`: LCSS's No Names Consultations. The steps are in
//! [`earlyhelp_workflows::consultations`]; the check for identifiers in free text is
//! [`earlyhelp_domain::consultation::find_identifiers`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{page_request, IdPath, List};
use crate::json::{full_date, ApiJson};
use crate::openapi::case::{
    ConcernTheme as ConcernThemeSchema, ConsultationOutcome as ConsultationOutcomeSchema,
    PersonName, RequiredText4000, SingleLine200,
};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use earlyhelp_domain::consultation::{find_identifiers, ConcernTheme, ConsultationOutcome};
use earlyhelp_domain::directory::{optional_text, single_line};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::{FamilyId, LocalityId, UserId};
use earlyhelp_persistence::consultations::{AdviceConsultation, NoNamesConsultation};
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::consultations::{self, ListNoNames, RecordNoNames};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A No Names Consultation: advice LCSS gave about a child or family it never identifies.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NoNamesConsultation)]
pub struct ConsultationResponse {
    id: Uuid,
    locality_id: Uuid,
    held_on: NaiveDate,
    /// The consulting professional's account, if they have one.
    #[schema(required)]
    consulting_user_id: Option<Uuid>,
    /// The consulting professional's name, when they have no account.
    #[schema(required)]
    consulting_name: Option<String>,
    consulting_organisation: String,
    #[schema(value_type = Vec<ConcernThemeSchema>)]
    themes: Vec<String>,
    /// LCSS's view of the Threshold of Needs level, 1 to 4.
    #[schema(minimum = 1, maximum = 4)]
    threshold_view: i16,
    advice: String,
    #[schema(value_type = ConsultationOutcomeSchema)]
    outcome: String,
    /// The service signposted to (outcome `signpost`).
    #[schema(required)]
    signposted_to: Option<String>,
    #[schema(required)]
    follow_up_on: Option<NaiveDate>,
    recorded_by: Uuid,
    recorded_at: DateTime<Utc>,
    /// When LCSS followed it up (`POST /api/v1/no-names-consultations/{id}/follow-up`).
    #[schema(required)]
    followed_up_at: Option<DateTime<Utc>>,
    #[schema(required)]
    followed_up_by: Option<Uuid>,
    #[schema(required)]
    follow_up_note: Option<String>,
}

impl From<NoNamesConsultation> for ConsultationResponse {
    fn from(row: NoNamesConsultation) -> Self {
        Self {
            id: row.id,
            locality_id: row.locality_id.into(),
            held_on: row.held_on,
            consulting_user_id: row.consulting_user_id.map(Uuid::from),
            consulting_name: row.consulting_name,
            consulting_organisation: row.consulting_organisation,
            themes: row.themes,
            threshold_view: row.threshold_view,
            advice: row.advice,
            outcome: row.outcome,
            signposted_to: row.signposted_to,
            follow_up_on: row.follow_up_on,
            recorded_by: row.recorded_by.into(),
            recorded_at: row.recorded_at,
            followed_up_at: row.followed_up_at,
            followed_up_by: row.followed_up_by.map(Uuid::from),
            follow_up_note: row.follow_up_note,
        }
    }
}

/// A No Names Consultation to record. There is no field for the child or the family, and
/// unknown fields are refused; the free texts are refused if they hold an identifier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RecordNoNamesConsultation)]
pub struct RecordConsultationRequest {
    /// Default: the recorder's locality (the only one they may record for).
    locality_id: Option<Uuid>,
    /// The day it was held: `YYYY-MM-DD`, from 2000, not in the future.
    #[serde(deserialize_with = "full_date::required")]
    held_on: NaiveDate,
    /// The consulting professional's account; or give `consulting_name` and
    /// `consulting_organisation`.
    consulting_user_id: Option<Uuid>,
    #[schema(value_type = Option<PersonName>)]
    consulting_name: Option<String>,
    /// Default for an account: its organisation.
    #[schema(value_type = Option<SingleLine200>)]
    consulting_organisation: Option<String>,
    /// One or more concern themes, each once.
    #[schema(value_type = Vec<ConcernThemeSchema>, min_items = 1, max_items = 12)]
    themes: Vec<String>,
    /// LCSS's view of the Threshold of Needs level, 1 to 4.
    #[schema(minimum = 1, maximum = 4)]
    threshold_view: i16,
    /// The advice given, with no identifying details.
    #[schema(value_type = RequiredText4000)]
    advice: String,
    #[schema(value_type = ConsultationOutcomeSchema)]
    outcome: String,
    /// The named service, for outcome `signpost` only.
    #[schema(value_type = Option<SingleLine200>)]
    signposted_to: Option<String>,
    /// When LCSS follows it up: on or after `held_on`.
    #[serde(default, deserialize_with = "full_date::optional")]
    #[schema(value_type = Option<String>, format = Date)]
    follow_up_on: Option<NaiveDate>,
    /// No Names Consultations only: the professional's request this answers
    /// (`GET /api/v1/consultation-requests`). Its locality is the consultation's and, when
    /// neither `consulting_user_id` nor `consulting_name` is given, so is its professional.
    request_id: Option<Uuid>,
}

/// The concern themes named, each once and at least one, by their stored names.
pub(crate) fn concern_themes(checks: &mut Checks, raw: &[String]) -> Vec<String> {
    let mut themes = Vec::new();
    if raw.is_empty() {
        checks.fail("themes", "name at least one theme");
    }
    for (index, theme) in raw.iter().enumerate() {
        match theme.parse::<ConcernTheme>() {
            Ok(theme) if themes.contains(&theme.as_str().to_owned()) => {
                checks.fail(&format!("themes[{index}]"), "is listed twice");
            }
            Ok(theme) => themes.push(theme.as_str().to_owned()),
            Err(_) => checks.fail(&format!("themes[{index}]"), "is not a concern theme"),
        }
    }
    themes
}

/// Refuses a free text that holds an identifier, saying what and where.
pub(crate) fn anonymous(checks: &mut Checks, field: &str, text: &str) {
    for found in find_identifiers(text) {
        checks.fail(
            field,
            format!(
                "holds {} at character {}: a No Names Consultation records no identifying \
                 details (take them out, or record an advice consultation with consent)",
                found.identifier.described(),
                found.at
            ),
        );
    }
}

impl RecordConsultationRequest {
    /// The command, its texts checked; `anonymous`: a No Names Consultation, whose texts must
    /// hold no identifier (an advice consultation is about a named family).
    fn into_command(self, anonymous: bool) -> Result<RecordNoNames, ApiError> {
        let mut checks = Checks::default();
        let scan = |checks: &mut Checks, field: &str, text: &str| {
            if anonymous {
                self::anonymous(checks, field, text);
            }
        };
        if self.held_on > today() || self.held_on.year() < 2000 {
            checks.fail("held_on", "must be a day from 2000 up to today");
        }
        if self.follow_up_on.is_some_and(|day| day < self.held_on) {
            checks.fail("follow_up_on", "must be on or after held_on");
        }
        if !anonymous && self.request_id.is_some() {
            checks.fail(
                "request_id",
                "answers a request for a No Names Consultation only",
            );
        }
        match (&self.consulting_user_id, &self.consulting_name) {
            (Some(_), Some(_)) => checks.fail(
                "consulting_name",
                "give consulting_user_id or consulting_name, not both",
            ),
            (None, None) if self.request_id.is_none() => checks.fail(
                "consulting_user_id",
                "give the consulting professional's account or their name",
            ),
            _ => {}
        }
        let name = self
            .consulting_name
            .as_deref()
            .and_then(|name| checks.check("consulting_name", single_line(name, 100)));
        let organisation = self.consulting_organisation.as_deref().and_then(|name| {
            scan(&mut checks, "consulting_organisation", name);
            checks.check("consulting_organisation", single_line(name, 200))
        });
        let themes = concern_themes(&mut checks, &self.themes);
        if !(1..=4).contains(&self.threshold_view) {
            checks.fail("threshold_view", "must be a level from 1 to 4");
        }
        scan(&mut checks, "advice", &self.advice);
        let advice = match optional_text(Some(&self.advice), 4000) {
            Ok(Some(advice)) => Some(advice),
            Ok(None) => {
                checks.fail("advice", "must not be blank");
                None
            }
            Err(error) => {
                checks.fail("advice", error);
                None
            }
        };
        let outcome = checks.check(
            "outcome",
            self.outcome
                .parse::<ConsultationOutcome>()
                .map_err(|_| "is not a consultation outcome"),
        );
        let signposted = self.signposted_to.as_deref().and_then(|service| {
            scan(&mut checks, "signposted_to", service);
            checks.check("signposted_to", single_line(service, 200))
        });
        match (outcome, &self.signposted_to) {
            (Some(ConsultationOutcome::Signpost), None) => {
                checks.fail("signposted_to", "is required for outcome signpost")
            }
            (Some(outcome), Some(_)) if outcome != ConsultationOutcome::Signpost => {
                checks.fail("signposted_to", "is only for outcome signpost")
            }
            _ => {}
        }
        let (advice, outcome) = checks.finish(|| Some((advice?, outcome?)))?;
        Ok(RecordNoNames {
            locality: self.locality_id.map(LocalityId::from),
            held_on: self.held_on,
            consulting_user: self.consulting_user_id.map(UserId::from),
            consulting_name: name,
            consulting_organisation: organisation,
            themes,
            threshold_view: self.threshold_view,
            advice,
            outcome: outcome.as_str().to_owned(),
            signposted_to: signposted,
            follow_up_on: self.follow_up_on,
            request: self.request_id,
        })
    }
}

/// Record a No Names Consultation
///
/// LCSS records advice it gave a professional about a child or family who is not identified
/// (there is no consent to share who they are). The record has no field for the child or
/// family and refuses unknown fields; the free texts are searched for NHS numbers, UPNs, dates
/// (of birth), UK postcodes, phone numbers and email addresses, and any found is a 422 saying
/// what and at which character. LCSS workers and managers record for their own locality.
#[utoipa::path(
    post,
    path = "/api/v1/no-names-consultations",
    tag = "consultations",
    request_body = RecordConsultationRequest,
    responses(
        (
            status = 201,
            description = "Recorded.",
            body = ConsultationResponse,
            headers(("Location" = String, description = "The path of the created record.")),
        ),
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
pub async fn record_no_names_consultation(
    state: State,
    auth: Authenticated,
    body: ApiJson<RecordConsultationRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command(true)?;
    let saved = auth
        .run(&state, move |conn, audit, actor| {
            consultations::record(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/no-names-consultations/{}", saved.id),
        ))
        .json(ConsultationResponse::from(saved)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConsultationQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// Only this locality's (it must be yours).
    locality_id: Option<Uuid>,
    /// Only those held on or after this day (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Only those held on or before this day (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
}

/// List No Names Consultations
///
/// The consultations of the caller's locality, oldest first, by the day they were held
/// (`from`, `to`).
#[utoipa::path(
    get,
    path = "/api/v1/no-names-consultations",
    tag = "consultations",
    params(ConsultationQuery),
    responses(
        (status = 200, description = "A page of consultations.", body = List<ConsultationResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_no_names_consultations(
    state: State,
    auth: Authenticated,
    query: Query<ConsultationQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut checks = Checks::default();
    let from = full_date::query(&mut checks, "from", query.from.as_deref());
    let to = full_date::query(&mut checks, "to", query.to.as_deref());
    checks.finish(|| Some(()))?;
    let command = ListNoNames {
        locality: query.locality_id.map(LocalityId::from),
        from,
        to,
        page: page_request(query.cursor.as_deref(), query.limit)?,
    };
    let found = auth
        .run(&state, move |conn, audit, actor| {
            consultations::list(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(found, ConsultationResponse::from)))
}

/// Get a No Names Consultation
///
/// For LCSS of its locality; not found for LCSS elsewhere.
#[utoipa::path(
    get,
    path = "/api/v1/no-names-consultations/{id}",
    tag = "consultations",
    params(IdPath),
    responses(
        (status = 200, description = "The consultation.", body = ConsultationResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, consultation.id = %id))]
pub async fn get_no_names_consultation(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = auth
        .run(&state, move |conn, audit, actor| {
            consultations::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ConsultationResponse::from(found)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LinkConsultation)]
pub struct LinkRequest {
    /// The episode of the family the consultation was about; the family must have consented
    /// to an assessment.
    episode_id: Uuid,
}

/// The link made.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ConsultationLink)]
pub struct LinkResponse {
    consultation_id: Uuid,
    episode_id: Uuid,
}

/// Link a No Names Consultation to an episode
///
/// Once the family has consented (422 `consent_required` before), LCSS of the consultation's
/// locality links it to the family's episode: the family's chronology records it. The
/// consultation itself stays anonymous (it never shows the link). Linked once (409
/// `conflict`).
#[utoipa::path(
    post,
    path = "/api/v1/no-names-consultations/{id}/link",
    tag = "consultations",
    params(IdPath),
    request_body = LinkRequest,
    responses(
        (status = 201, description = "Linked.", body = LinkResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = crate::openapi::responses::Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, consultation.id = %id))]
pub async fn link_no_names_consultation(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<LinkRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, episode) = (id.into_inner(), body.0.episode_id);
    auth.run(&state, move |conn, audit, actor| {
        consultations::link(conn, audit, actor, id, episode.into())
    })
    .await?;
    Ok(HttpResponse::Created().json(LinkResponse {
        consultation_id: id,
        episode_id: episode,
    }))
}

/// An advice consultation: LCSS advice about a named family, with its knowledge.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AdviceConsultation)]
pub struct AdviceResponse {
    id: Uuid,
    family_id: Uuid,
    locality_id: Uuid,
    held_on: NaiveDate,
    #[schema(required)]
    consulting_user_id: Option<Uuid>,
    #[schema(required)]
    consulting_name: Option<String>,
    consulting_organisation: String,
    #[schema(value_type = Vec<ConcernThemeSchema>)]
    themes: Vec<String>,
    #[schema(minimum = 1, maximum = 4)]
    threshold_view: i16,
    advice: String,
    #[schema(value_type = ConsultationOutcomeSchema)]
    outcome: String,
    #[schema(required)]
    signposted_to: Option<String>,
    #[schema(required)]
    follow_up_on: Option<NaiveDate>,
    recorded_by: Uuid,
    recorded_at: DateTime<Utc>,
}

impl From<AdviceConsultation> for AdviceResponse {
    fn from(row: AdviceConsultation) -> Self {
        Self {
            id: row.id,
            family_id: row.family_id.into(),
            locality_id: row.locality_id.into(),
            held_on: row.held_on,
            consulting_user_id: row.consulting_user_id.map(Uuid::from),
            consulting_name: row.consulting_name,
            consulting_organisation: row.consulting_organisation,
            themes: row.themes,
            threshold_view: row.threshold_view,
            advice: row.advice,
            outcome: row.outcome,
            signposted_to: row.signposted_to,
            follow_up_on: row.follow_up_on,
            recorded_by: row.recorded_by.into(),
            recorded_at: row.recorded_at,
        }
    }
}

/// Record an advice consultation
///
/// LCSS (for the family's locality) records advice it gave a professional about this family,
/// with the family's knowledge: the same fields as a No Names Consultation (but
/// `locality_id`, which is the family's), on the family's chronology.
#[utoipa::path(
    post,
    path = "/api/v1/families/{id}/consultations",
    tag = "consultations",
    params(IdPath),
    request_body = RecordConsultationRequest,
    responses(
        (status = 201, description = "Recorded.", body = AdviceResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn record_advice_consultation(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    body: ApiJson<RecordConsultationRequest>,
) -> Result<HttpResponse, ApiError> {
    if body.0.locality_id.is_some() {
        return Err(ApiError::validation(
            "locality_id",
            "is the family's for an advice consultation: leave it out",
        ));
    }
    let command = body.0.into_command(false)?;
    let family = id.into_inner();
    let saved = auth
        .run(&state, move |conn, audit, actor| {
            consultations::record_advice(conn, audit, actor, family, command)
        })
        .await?;
    Ok(HttpResponse::Created().json(AdviceResponse::from(saved)))
}

/// List a family's advice consultations
///
/// For whoever may read the family's record, by the day they were held.
#[utoipa::path(
    get,
    path = "/api/v1/families/{id}/consultations",
    tag = "consultations",
    params(IdPath),
    responses(
        (status = 200, description = "The family's advice consultations (one page).", body = List<AdviceResponse>),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn list_advice_consultations(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
) -> Result<HttpResponse, ApiError> {
    let family = id.into_inner();
    let found = auth
        .run(&state, move |conn, audit, actor| {
            consultations::advice_for_family(conn, audit, actor, family)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List {
        items: found.into_iter().map(AdviceResponse::from).collect(),
        next_cursor: None,
    }))
}
