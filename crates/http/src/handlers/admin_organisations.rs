//! `/api/v1/admin/organisations`: schools, GP practices, LCSS teams and the other agencies.
//! The steps are in [`earlyhelp_workflows::directory::organisations`]; a handler that checks
//! fields asks [`directory::authorize`] first, so anyone but an administrator gets 403
//! whatever they sent (the step asks again).

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, Flag, IdPath, List, OrganisationResponse};
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
use earlyhelp_domain::directory::{Name, OrganisationKind};
use earlyhelp_domain::{LocalityId, OrganisationId};
use earlyhelp_persistence::organisations::OrganisationFilter;
use earlyhelp_workflows::directory;
use earlyhelp_workflows::directory::organisations::{
    self, CreateOrganisation, ListOrganisations, UpdateOrganisation,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// Only organisations of this kind.
    #[param(value_type = Option<values::OrganisationKind>)]
    kind: Option<String>,
    /// Only organisations serving this locality.
    locality_id: Option<Uuid>,
    /// Only active (`true`) or only inactive (`false`) records. Spelt exactly `true` or
    /// `false`.
    #[param(value_type = Option<bool>)]
    active: Option<Flag>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateOrganisation)]
pub struct CreateOrganisationRequest {
    #[schema(value_type = values::Name)]
    name: String,
    #[schema(value_type = values::OrganisationKind)]
    kind: String,
    /// The locality served; `null` or absent for an authority-wide service.
    locality_id: Option<Uuid>,
}

/// Only the fields sent change. `"locality_id": null` clears the locality; `null` for `name`,
/// `kind` or `active` is the same as leaving the field out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateOrganisation)]
pub struct UpdateOrganisationRequest {
    #[schema(value_type = Option<values::Name>)]
    name: Option<String>,
    #[schema(value_type = Option<values::OrganisationKind>)]
    kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    locality_id: Option<Option<Uuid>>,
    active: Option<bool>,
}

/// List organisations
///
/// Organisations ordered by name, optionally filtered.
#[utoipa::path(
    get,
    path = "/api/v1/admin/organisations",
    operation_id = "list_organisations",
    tag = "admin",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of organisations.", body = List<OrganisationResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_organisations(
    state: State,
    auth: Authenticated,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    directory::authorize(&auth.actor)?;
    let query = query.into_inner();
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let kind = query
        .kind
        .map(|kind| {
            kind.parse::<OrganisationKind>()
                .map_err(|error| ApiError::validation("kind", error))
        })
        .transpose()?;
    let command = ListOrganisations {
        filter: OrganisationFilter {
            kind,
            locality_id: query.locality_id.map(LocalityId::from),
            active: query.active.map(bool::from),
            name_contains: None,
        },
        page,
    };
    let page = auth
        .run(&state, |conn, audit, actor| {
            organisations::list(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, OrganisationResponse::from)))
}

/// Create an organisation
///
/// Names are unique, ignoring case (409 `conflict`). A `locality_id` that names no locality
/// is a 422.
#[utoipa::path(
    post,
    path = "/api/v1/admin/organisations",
    operation_id = "create_organisation",
    tag = "admin",
    request_body = CreateOrganisationRequest,
    responses(
        (
            status = 201,
            description = "Created.",
            body = OrganisationResponse,
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
pub async fn create_organisation(
    state: State,
    auth: Authenticated,
    body: ApiJson<CreateOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    directory::authorize(&auth.actor)?;
    let body = body.0;
    let mut checks = Checks::default();
    let name = checks.check("name", Name::parse(&body.name));
    let kind = checks.check("kind", body.kind.parse::<OrganisationKind>());
    let command = checks.finish(|| {
        Some(CreateOrganisation {
            name: name?,
            kind: kind?,
            locality: body.locality_id.map(LocalityId::from),
        })
    })?;
    let organisation = auth
        .run(&state, |conn, audit, actor| {
            organisations::create(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/organisations/{}", organisation.id),
        ))
        .json(OrganisationResponse::from(organisation)))
}

/// Get an organisation
#[utoipa::path(
    get,
    path = "/api/v1/admin/organisations/{id}",
    operation_id = "get_organisation",
    tag = "admin",
    params(IdPath),
    responses(
        (status = 200, description = "The organisation.", body = OrganisationResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, organisation.id = %id))]
pub async fn get_organisation(
    state: State,
    auth: Authenticated,
    id: Path<OrganisationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let organisation = auth
        .run(&state, move |conn, audit, actor| {
            organisations::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(OrganisationResponse::from(organisation)))
}

/// Update an organisation
///
/// Changes only the fields sent; `"locality_id": null` makes the organisation
/// authority-wide. Names are unique, ignoring case (409 `conflict`). A `locality_id` that
/// names no locality is a 422.
#[utoipa::path(
    patch,
    path = "/api/v1/admin/organisations/{id}",
    operation_id = "update_organisation",
    tag = "admin",
    params(IdPath),
    request_body = UpdateOrganisationRequest,
    responses(
        (status = 200, description = "The updated organisation.", body = OrganisationResponse),
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, organisation.id = %id))]
pub async fn update_organisation(
    state: State,
    auth: Authenticated,
    id: Path<OrganisationId>,
    body: ApiJson<UpdateOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    directory::authorize(&auth.actor)?;
    let id = id.into_inner();
    let body = body.0;
    let mut checks = Checks::default();
    let name = body
        .name
        .map(|name| checks.check("name", Name::parse(&name)));
    let kind = body
        .kind
        .map(|kind| checks.check("kind", kind.parse::<OrganisationKind>()));
    let command = checks.finish(|| {
        Some(UpdateOrganisation {
            id,
            name: name.flatten(),
            kind: kind.flatten(),
            locality: body
                .locality_id
                .map(|locality| locality.map(LocalityId::from)),
            active: body.active,
        })
    })?;
    let organisation = auth
        .run(&state, |conn, audit, actor| {
            organisations::update(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(OrganisationResponse::from(organisation)))
}
