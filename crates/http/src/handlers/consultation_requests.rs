//! `/api/v1/consultation-requests`: a professional asks LCSS for a No Names Consultation, which
//! LCSS answers by recording it (`POST /api/v1/no-names-consultations` with `request_id`); and
//! `/api/v1/no-names-consultations/{id}/follow-up`, LCSS recording its follow-up. The steps are
//! in [`earlyhelp_workflows::consultation_requests`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::consultations::{anonymous, concern_themes, ConsultationResponse};
use crate::handlers::episodes::required_text;
use crate::handlers::wire::{page_request, IdPath, List};
use crate::json::ApiJson;
use crate::openapi::case::{
    ConcernTheme as ConcernThemeSchema, OptionalText4000, RequiredText4000,
};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::validation::Checks;
use earlyhelp_workflows::consultation_requests::{
    self, state_of, RequestConsultation, RequestRecord,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A professional's request to LCSS for a No Names Consultation, with LCSS's answer once it
/// has recorded the consultation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ConsultationRequest)]
pub struct RequestResponse {
    id: Uuid,
    /// The locality whose LCSS is asked.
    locality_id: Uuid,
    requested_by: Uuid,
    requested_at: DateTime<Utc>,
    #[schema(value_type = Vec<ConcernThemeSchema>)]
    themes: Vec<String>,
    /// The professional's own view of the level, 1 to 4.
    #[schema(required, minimum = 1, maximum = 4)]
    threshold_view: Option<i16>,
    question: String,
    /// `requested` (with LCSS) or `completed` (answered: see `consultation`).
    #[schema(value_type = crate::openapi::case::ConsultationRequestState)]
    state: &'static str,
    #[schema(required)]
    completed_at: Option<DateTime<Utc>>,
    /// LCSS's answer: the consultation it recorded.
    #[schema(required)]
    consultation: Option<ConsultationResponse>,
}

impl From<RequestRecord> for RequestResponse {
    fn from(record: RequestRecord) -> Self {
        let row = record.request;
        Self {
            state: state_of(&row).as_str(),
            id: row.id,
            locality_id: row.locality_id.into(),
            requested_by: row.requested_by.into(),
            requested_at: row.requested_at,
            themes: row.themes,
            threshold_view: row.threshold_view,
            question: row.question,
            completed_at: row.completed_at,
            consultation: record.consultation.map(Into::into),
        }
    }
}

/// A request for a No Names Consultation: there is no field for the child or family, unknown
/// fields are refused, and the question is refused if it holds an identifier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RequestConsultation)]
pub struct RequestConsultationRequest {
    /// The locality whose LCSS to ask; default: your organisation's (or your own).
    locality_id: Option<Uuid>,
    /// One or more concern themes, each once.
    #[schema(value_type = Vec<ConcernThemeSchema>, min_items = 1, max_items = 12)]
    themes: Vec<String>,
    /// Your view of the Threshold of Needs level, 1 to 4, if you have one.
    #[schema(minimum = 1, maximum = 4)]
    threshold_view: Option<i16>,
    /// What you would like advice on, with no identifying details.
    #[schema(value_type = RequiredText4000)]
    question: String,
}

impl RequestConsultationRequest {
    fn into_command(self) -> Result<RequestConsultation, ApiError> {
        let mut checks = Checks::default();
        let themes = concern_themes(&mut checks, &self.themes);
        if self
            .threshold_view
            .is_some_and(|level| !(1..=4).contains(&level))
        {
            checks.fail("threshold_view", "must be a level from 1 to 4");
        }
        anonymous(&mut checks, "question", &self.question);
        let question = checks.check("question", required_text(&self.question, 4000));
        let question = checks.finish(|| question)?;
        Ok(RequestConsultation {
            locality: self.locality_id.map(Into::into),
            themes,
            threshold_view: self.threshold_view,
            question,
        })
    }
}

/// Ask LCSS for a No Names Consultation
///
/// A professional asks the LCSS of a locality for advice about a child or family they do not
/// identify (there is no consent to share who they are). The question is searched for NHS
/// numbers, UPNs, dates (of birth), UK postcodes, phone numbers and email addresses, and any
/// found is a 422 saying what and where. LCSS sees the request in its work list and answers it
/// by recording the consultation with this `request_id`; the answer then shows here and in the
/// professional's work list.
#[utoipa::path(
    post,
    path = "/api/v1/consultation-requests",
    tag = "consultations",
    request_body = RequestConsultationRequest,
    responses(
        (
            status = 201,
            description = "Requested.",
            body = RequestResponse,
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
pub async fn request_consultation(
    state: State,
    auth: Authenticated,
    body: ApiJson<RequestConsultationRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command()?;
    let saved = auth
        .run(&state, move |conn, audit, actor| {
            consultation_requests::request(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/consultation-requests/{}", saved.request.id),
        ))
        .json(RequestResponse::from(saved)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// `true`: only those waiting for LCSS; `false`: only those answered.
    open: Option<bool>,
}

/// List requests for No Names Consultations
///
/// The requests the caller made and, for LCSS, those to its locality; oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/consultation-requests",
    tag = "consultations",
    params(RequestQuery),
    responses(
        (status = 200, description = "A page of requests.", body = List<RequestResponse>),
        (status = 401, response = Unauthorized),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_consultation_requests(
    state: State,
    auth: Authenticated,
    query: Query<RequestQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let open = query.open;
    let found = auth
        .run(&state, move |conn, audit, actor| {
            consultation_requests::list(conn, audit, actor, open, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(found, RequestResponse::from)))
}

/// Get a request for a No Names Consultation
///
/// For the professional who made it and LCSS of its locality; 404 for everyone else.
#[utoipa::path(
    get,
    path = "/api/v1/consultation-requests/{id}",
    tag = "consultations",
    params(IdPath),
    responses(
        (status = 200, description = "The request.", body = RequestResponse),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, request.id = %id))]
pub async fn get_consultation_request(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = auth
        .run(&state, move |conn, audit, actor| {
            consultation_requests::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RequestResponse::from(found)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FollowUpConsultation)]
pub struct FollowUpRequest {
    /// What came of it, with no identifying details.
    #[schema(value_type = Option<OptionalText4000>)]
    note: Option<String>,
}

/// Record a consultation's follow-up
///
/// LCSS of the consultation's locality records that it followed the consultation up (called
/// the professional back), which takes it off the recorder's work list. Once: again is a 409
/// `consultation_state`. The note is refused if it holds an identifier.
#[utoipa::path(
    post,
    path = "/api/v1/no-names-consultations/{id}/follow-up",
    tag = "consultations",
    params(IdPath),
    request_body = FollowUpRequest,
    responses(
        (status = 200, description = "Followed up.", body = ConsultationResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, consultation.id = %id))]
pub async fn follow_up_consultation(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<FollowUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mut checks = Checks::default();
    if let Some(note) = &body.0.note {
        anonymous(&mut checks, "note", note);
    }
    let note = checks.check("note", optional_text(body.0.note.as_deref(), 4000));
    let note = checks.finish(|| note)?;
    let saved = auth
        .run(&state, move |conn, audit, actor| {
            consultation_requests::follow_up(conn, audit, actor, id, note)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ConsultationResponse::from(saved)))
}
