//! `/api/v1/families/{id}/access-requests` and `/api/v1/access-requests/{id}`: access outside
//! the normal scope ("break glass"). The steps are in [`earlyhelp_workflows::access_requests`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::IdPath;
use crate::json::ApiJson;
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::Path;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::{AccessRequestId, FamilyId};
use earlyhelp_persistence::access_requests::AccessRequest;
use earlyhelp_workflows::access_requests::{self, RequestAccess};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequestBody {
    /// Why you need this family's record although your roles do not reach it (for example:
    /// covering the locality's LCSS this week, or checking a family before a strategy
    /// discussion). Kept in the audit trail: 10 to 2,000 characters, naming no one (no NHS
    /// number, date, postcode, phone number or email).
    #[schema(min_length = 10, max_length = 2000)]
    reason: String,
}

/// Read access to one family outside the holder's scope, and why.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AccessRequest)]
pub struct AccessRequestResponse {
    id: Uuid,
    family_id: Uuid,
    /// Who holds (or held) the access.
    user_id: Uuid,
    reason: String,
    granted_at: DateTime<Utc>,
    /// When the access ends by itself.
    expires_at: DateTime<Utc>,
    /// When it was ended early, and by whom; `null` otherwise.
    #[schema(required = true)]
    ended_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    ended_by: Option<Uuid>,
    /// Whether it gives access now.
    live: bool,
}

impl From<AccessRequest> for AccessRequestResponse {
    fn from(request: AccessRequest) -> Self {
        Self {
            live: request.is_live(Utc::now()),
            id: request.id.into(),
            family_id: request.family_id.into(),
            user_id: request.user_id.into(),
            reason: request.reason,
            granted_at: request.granted_at,
            expires_at: request.expires_at,
            ended_at: request.ended_at,
            ended_by: request.ended_by.map(Uuid::from),
        }
    }
}

/// The requests for access to a family.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessRequestList {
    items: Vec<AccessRequestResponse>,
}

/// Ask for access outside your scope
///
/// Read access to one family your roles do not reach, for a legitimate need ("break glass"):
/// granted at once, for `EARLYHELP_ACCESS_REQUEST_HOURS` (24 by default), read only. The
/// reason is kept in the audit trail as an entry about the family, so it shows in the access
/// log of everyone in it; the family's lead professional and its locality's LCSS manager see
/// the access in their work lists (`access_granted`) until it ends. For anyone who works cases.
/// A family that does not exist is not found; one you can read already is a 409
/// `already_in_scope`.
#[utoipa::path(
    post,
    path = "/api/v1/families/{id}/access-requests",
    operation_id = "request_family_access",
    tag = "families",
    params(IdPath),
    request_body = AccessRequestBody,
    responses(
        (status = 201, description = "Access granted until `expires_at`.", body = AccessRequestResponse,
            headers(("Location" = String, description = "The access request."))),
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
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn request_family_access(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    body: ApiJson<AccessRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let command = RequestAccess {
        family: id.into_inner(),
        reason: body.0.reason,
    };
    let window = state.access_window;
    let request = auth
        .run(&state, move |conn, audit, actor| {
            access_requests::request(conn, audit, actor, command, window)
        })
        .await?;
    tracing::info!(access_request.id = %request.id, "access outside scope granted");
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/access-requests/{}", request.id),
        ))
        .json(AccessRequestResponse::from(request)))
}

/// Access requests for a family
///
/// Everyone who asked for access to the family outside their scope, newest first, live or
/// not: for whoever may read the family's record.
#[utoipa::path(
    get,
    path = "/api/v1/families/{id}/access-requests",
    operation_id = "list_family_access_requests",
    tag = "families",
    params(IdPath),
    responses(
        (status = 200, description = "The requests.", body = AccessRequestList),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn list_family_access_requests(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
) -> Result<HttpResponse, ApiError> {
    let family = id.into_inner();
    let requests = auth
        .run(&state, move |conn, audit, actor| {
            access_requests::list(conn, audit, actor, family)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AccessRequestList {
        items: requests
            .into_iter()
            .map(AccessRequestResponse::from)
            .collect(),
    }))
}

/// An access request
///
/// For whoever may read the family's record.
#[utoipa::path(
    get,
    path = "/api/v1/access-requests/{id}",
    operation_id = "get_access_request",
    tag = "families",
    params(IdPath),
    responses(
        (status = 200, description = "The request.", body = AccessRequestResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, access_request.id = %id))]
pub async fn get_access_request(
    state: State,
    auth: Authenticated,
    id: Path<AccessRequestId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let request = auth
        .run(&state, move |conn, audit, actor| {
            access_requests::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AccessRequestResponse::from(request)))
}

/// End access outside scope early
///
/// For an LCSS manager of the family's locality, or the professional holding the access.
/// Access that has ended or expired already is a 409 `access_ended`.
#[utoipa::path(
    post,
    path = "/api/v1/access-requests/{id}/end",
    operation_id = "end_access_request",
    tag = "families",
    params(IdPath),
    responses(
        (status = 200, description = "The ended request.", body = AccessRequestResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, access_request.id = %id))]
pub async fn end_access_request(
    state: State,
    auth: Authenticated,
    id: Path<AccessRequestId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let request = auth
        .run(&state, move |conn, audit, actor| {
            access_requests::end(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AccessRequestResponse::from(request)))
}
