//! `/api/v1/admin/organisations`: schools, GP practices, LCSS teams and the other agencies.
//! The steps are in [`earlyhelp_workflows::directory::organisations`]; a handler that checks
//! fields asks [`directory::authorize`] first, so anyone but an administrator gets 403
//! whatever they sent (the step asks again).

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, Flag, List, OrganisationResponse};
use crate::json::{nullable, ApiJson};
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
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    cursor: Option<String>,
    limit: Option<i64>,
    kind: Option<String>,
    locality_id: Option<Uuid>,
    active: Option<Flag>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisationRequest {
    name: String,
    kind: String,
    locality_id: Option<Uuid>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisationRequest {
    name: Option<String>,
    kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    locality_id: Option<Option<Uuid>>,
    active: Option<bool>,
}

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
