//! `/api/v1/admin/organisations`: schools, GP practices, LCSS teams and the other agencies.

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, Flag, List, OrganisationResponse};
use crate::json::{nullable, ApiJson};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::directory::{Name, OrganisationKind};
use earlyhelp_domain::policy::{self, Permission};
use earlyhelp_domain::{LocalityId, OrganisationId};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::organisations::{
    self, NewOrganisation, OrganisationChanges, OrganisationFilter,
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
pub struct CreateOrganisation {
    name: String,
    kind: String,
    locality_id: Option<Uuid>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisation {
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
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let query = query.into_inner();
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let kind = query
        .kind
        .map(|kind| {
            kind.parse::<OrganisationKind>()
                .map_err(|error| ApiError::validation("kind", error))
        })
        .transpose()?;
    let filter = OrganisationFilter {
        kind: kind.map(|kind| kind.as_str().to_owned()),
        locality_id: query.locality_id.map(LocalityId::from_uuid),
        active: query.active.map(bool::from),
    };
    let context = auth.audit_context();
    let page = state
        .db(move |conn| {
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::new(
                    AuditAction::ListOrganisations,
                    EntityType::Organisation,
                    None,
                    Outcome::Success,
                ),
                |conn| organisations::list(conn, &filter, &page),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, OrganisationResponse::from)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn create_organisation(
    state: State,
    auth: Authenticated,
    body: ApiJson<CreateOrganisation>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let body = body.0;
    let mut checks = Checks::default();
    let name = checks.check("name", Name::parse(&body.name));
    let kind = checks.check("kind", body.kind.parse::<OrganisationKind>());
    let new = checks.finish(|| {
        Some(NewOrganisation {
            id: OrganisationId::generate().into_uuid(),
            name: name?.into_string(),
            kind: kind?.as_str().to_owned(),
            locality_id: body.locality_id,
        })
    })?;
    let context = auth.audit_context();
    let organisation = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                organisations::create(conn, trail, &new)
            })?)
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
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let id = OrganisationId::from_uuid(id.into_inner());
    let context = auth.audit_context();
    let organisation = state
        .db(move |conn| {
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::success(AuditAction::ReadOrganisation, EntityType::Organisation, id),
                |conn| organisations::find(conn, id),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(OrganisationResponse::from(organisation)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, organisation.id = %id))]
pub async fn update_organisation(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<UpdateOrganisation>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let id = OrganisationId::from_uuid(id.into_inner());
    let body = body.0;
    let mut checks = Checks::default();
    let name = body
        .name
        .map(|name| checks.check("name", Name::parse(&name)));
    let kind = body
        .kind
        .map(|kind| checks.check("kind", kind.parse::<OrganisationKind>()));
    let changes = checks.finish(|| {
        Some(OrganisationChanges {
            name: name.flatten().map(Name::into_string),
            kind: kind.flatten().map(|kind| kind.as_str().to_owned()),
            locality_id: body.locality_id,
            active: body.active,
        })
    })?;
    let context = auth.audit_context();
    let organisation = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                organisations::update(conn, trail, id, &changes)
            })?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(OrganisationResponse::from(organisation)))
}
