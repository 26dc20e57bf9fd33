//! `/api/v1/admin/localities`: the authority's localities and their LCSS contact details. The
//! steps are in [`earlyhelp_workflows::directory::localities`]; a handler that checks fields
//! asks [`directory::authorize`] first, so anyone but an administrator gets 403 whatever they
//! sent (the step asks again).

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{IdPath, List, LocalityResponse, PageQuery};
use crate::json::{nullable, ApiJson};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::openapi::values;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::directory::{optional_text, Name};
use earlyhelp_domain::{Email, LocalityId};
use earlyhelp_workflows::directory;
use earlyhelp_workflows::directory::localities::{self, CreateLocality, UpdateLocality};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateLocality)]
pub struct CreateLocalityRequest {
    #[schema(value_type = values::Name)]
    name: String,
    #[schema(value_type = Option<values::Phone>)]
    phone: Option<String>,
    #[schema(value_type = Option<values::ContactEmail>)]
    email: Option<String>,
    #[schema(value_type = Option<values::Address>)]
    address: Option<String>,
    /// When the LCSS team answers, as written (e.g. "Monday to Friday, 9am to 5pm").
    #[schema(value_type = Option<values::Phone>)]
    opening_hours: Option<String>,
    /// The number of the MASH serving the locality: the threshold refusal at level 4 and the
    /// contacts every case user reads point to it.
    #[schema(value_type = Option<values::Phone>)]
    mash_phone: Option<String>,
}

/// Only the fields sent change. `null` clears `phone`, `email` or `address`; `"name": null` is
/// the same as leaving the name out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateLocality)]
pub struct UpdateLocalityRequest {
    #[schema(value_type = Option<values::Name>)]
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<values::Phone>)]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<values::ContactEmail>)]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<values::Address>)]
    address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<values::Phone>)]
    opening_hours: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<values::Phone>)]
    mash_phone: Option<Option<String>>,
}

const PHONE_MAX: usize = 200;
const ADDRESS_MAX: usize = 500;

/// A contact mailbox keeps its written case; it is only checked for shape.
pub(crate) fn contact_email(raw: Option<&str>) -> Result<Option<String>, String> {
    match optional_text(raw, 254).map_err(|e| e.to_string())? {
        Some(email) => Email::parse(&email)
            .map(|_| Some(email))
            .map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

/// List localities
///
/// The authority's localities, ordered by name.
#[utoipa::path(
    get,
    path = "/api/v1/admin/localities",
    operation_id = "list_localities",
    tag = "admin",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of localities.", body = List<LocalityResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_localities(
    state: State,
    auth: Authenticated,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    directory::authorize(&auth.actor)?;
    let page = query.page()?;
    let page = auth
        .run(&state, |conn, audit, actor| {
            localities::list(conn, audit, actor, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, LocalityResponse::from)))
}

/// Create a locality
///
/// Names are unique, ignoring case (409 `conflict`).
#[utoipa::path(
    post,
    path = "/api/v1/admin/localities",
    operation_id = "create_locality",
    tag = "admin",
    request_body = CreateLocalityRequest,
    responses(
        (
            status = 201,
            description = "Created.",
            body = LocalityResponse,
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
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn create_locality(
    state: State,
    auth: Authenticated,
    body: ApiJson<CreateLocalityRequest>,
) -> Result<HttpResponse, ApiError> {
    directory::authorize(&auth.actor)?;
    let body = body.0;
    let mut checks = Checks::default();
    let name = checks.check("name", Name::parse(&body.name));
    let phone = checks.check("phone", optional_text(body.phone.as_deref(), PHONE_MAX));
    let email = checks.check("email", contact_email(body.email.as_deref()));
    let address = checks.check(
        "address",
        optional_text(body.address.as_deref(), ADDRESS_MAX),
    );
    let hours = checks.check(
        "opening_hours",
        optional_text(body.opening_hours.as_deref(), PHONE_MAX),
    );
    let mash = checks.check(
        "mash_phone",
        optional_text(body.mash_phone.as_deref(), PHONE_MAX),
    );
    let command = checks.finish(|| {
        Some(CreateLocality {
            name: name?,
            phone: phone?,
            email: email?,
            address: address?,
            opening_hours: hours?,
            mash_phone: mash?,
        })
    })?;
    let locality = auth
        .run(&state, |conn, audit, actor| {
            localities::create(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/localities/{}", locality.id),
        ))
        .json(LocalityResponse::from(locality)))
}

/// Get a locality
#[utoipa::path(
    get,
    path = "/api/v1/admin/localities/{id}",
    operation_id = "get_locality",
    tag = "admin",
    params(IdPath),
    responses(
        (status = 200, description = "The locality.", body = LocalityResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, locality.id = %id))]
pub async fn get_locality(
    state: State,
    auth: Authenticated,
    id: Path<LocalityId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let locality = auth
        .run(&state, move |conn, audit, actor| {
            localities::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(LocalityResponse::from(locality)))
}

/// Update a locality
///
/// Changes only the fields sent; `null` clears an optional field. Names are unique, ignoring
/// case (409 `conflict`).
#[utoipa::path(
    patch,
    path = "/api/v1/admin/localities/{id}",
    operation_id = "update_locality",
    tag = "admin",
    params(IdPath),
    request_body = UpdateLocalityRequest,
    responses(
        (status = 200, description = "The updated locality.", body = LocalityResponse),
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, locality.id = %id))]
pub async fn update_locality(
    state: State,
    auth: Authenticated,
    id: Path<LocalityId>,
    body: ApiJson<UpdateLocalityRequest>,
) -> Result<HttpResponse, ApiError> {
    directory::authorize(&auth.actor)?;
    let id = id.into_inner();
    let body = body.0;
    let mut checks = Checks::default();
    let name = body
        .name
        .map(|name| checks.check("name", Name::parse(&name)));
    let phone = body
        .phone
        .map(|phone| checks.check("phone", optional_text(phone.as_deref(), PHONE_MAX)));
    let email = body
        .email
        .map(|email| checks.check("email", contact_email(email.as_deref())));
    let address = body
        .address
        .map(|address| checks.check("address", optional_text(address.as_deref(), ADDRESS_MAX)));
    let hours = body
        .opening_hours
        .map(|hours| checks.check("opening_hours", optional_text(hours.as_deref(), PHONE_MAX)));
    let mash = body
        .mash_phone
        .map(|mash| checks.check("mash_phone", optional_text(mash.as_deref(), PHONE_MAX)));
    let command = checks.finish(|| {
        Some(UpdateLocality {
            id,
            name: name.flatten(),
            phone: phone.flatten(),
            email: email.flatten(),
            address: address.flatten(),
            opening_hours: hours.flatten(),
            mash_phone: mash.flatten(),
        })
    })?;
    let locality = auth
        .run(&state, |conn, audit, actor| {
            localities::update(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(LocalityResponse::from(locality)))
}
