//! `/api/v1/directory/*` and `/api/v1/localities/{id}/contacts`: the professional directory
//! and the locality contacts every case user reads. The steps are in
//! [`earlyhelp_workflows::directory::search`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{page_request, IdPath, List, OrganisationResponse};
use crate::openapi::responses::{
    Forbidden, InternalError, NotFound, ServiceUnavailable, Unauthorized, UnprocessableEntity,
};
use crate::openapi::values;
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::directory::OrganisationKind;
use earlyhelp_domain::{LocalityId, OrganisationId, Role};
use earlyhelp_persistence::localities::Locality;
use earlyhelp_persistence::users::Professional;
use earlyhelp_workflows::directory::search::{self, SearchOrganisations, SearchProfessionals};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Search text: 1 to 100 characters, matched anywhere in a name, in any case. The document's
/// pattern: [`crate::openapi::patterns::search_text`].
pub(crate) fn search_text(raw: Option<String>, field: &str) -> Result<Option<String>, ApiError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let text = raw.trim();
    if text.is_empty() || text.chars().count() > 100 || text.chars().any(char::is_control) {
        return Err(ApiError::validation(
            field,
            "must be 1 to 100 characters on one line",
        ));
    }
    Ok(Some(text.to_owned()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganisationSearch {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// Only organisations whose name contains this text (any case).
    #[param(value_type = Option<values::SearchText>)]
    name: Option<String>,
    /// Only organisations of this kind.
    #[param(value_type = Option<values::OrganisationKind>)]
    kind: Option<String>,
    /// Only organisations serving this locality.
    locality_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProfessionalSearch {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// Only professionals whose name, or whose organisation's name, contains this text (any
    /// case).
    #[param(value_type = Option<values::SearchText>)]
    q: Option<String>,
    /// Only professionals of this organisation.
    organisation_id: Option<Uuid>,
}

/// The organisation a professional works for.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ProfessionalOrganisation)]
pub struct ProfessionalOrganisationResponse {
    id: Uuid,
    name: String,
}

/// A professional: work details only.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Professional)]
pub struct ProfessionalResponse {
    /// The user id, to invite them (e.g. into a Team Around the Family).
    id: Uuid,
    display_name: String,
    /// Work email.
    email: String,
    #[schema(value_type = Vec<values::Role>)]
    roles: Vec<String>,
    organisation: ProfessionalOrganisationResponse,
    /// The locality an LCSS professional serves; `null` for others.
    #[schema(required = true)]
    locality_id: Option<Uuid>,
}
impl From<Professional> for ProfessionalResponse {
    fn from(found: Professional) -> Self {
        Self {
            id: found.id.into(),
            display_name: found.display_name,
            email: found.email,
            roles: found.roles.iter().map(Role::to_string).collect(),
            organisation: ProfessionalOrganisationResponse {
                id: found.organisation_id.into(),
                name: found.organisation_name,
            },
            locality_id: found.locality_id.map(Uuid::from),
        }
    }
}

/// Who to contact in a locality: its LCSS team, and the MASH for immediate safeguarding
/// concerns.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LocalityContacts)]
pub struct LocalityContactsResponse {
    locality_id: Uuid,
    #[schema(examples("North"))]
    name: String,
    lcss: LcssContacts,
    /// The MASH serving the locality: phone it at once about a child at immediate risk.
    #[schema(required = true)]
    mash_phone: Option<String>,
}
/// The LCSS team's contact details, as the authority keeps them.
#[derive(Debug, Serialize, ToSchema)]
pub struct LcssContacts {
    #[schema(required = true)]
    phone: Option<String>,
    #[schema(required = true)]
    email: Option<String>,
    #[schema(required = true)]
    address: Option<String>,
    #[schema(required = true)]
    opening_hours: Option<String>,
}
impl From<Locality> for LocalityContactsResponse {
    fn from(locality: Locality) -> Self {
        Self {
            locality_id: locality.id.into(),
            name: locality.name,
            lcss: LcssContacts {
                phone: locality.phone,
                email: locality.email,
                address: locality.address,
                opening_hours: locality.opening_hours,
            },
            mash_phone: locality.mash_phone,
        }
    }
}

/// Search organisations
///
/// Active organisations, by name: to find the agencies a consent names or whose staff to
/// invite. Every case user may search (403 for administrators, who have the admin directory).
#[utoipa::path(
    get,
    path = "/api/v1/directory/organisations",
    tag = "directory",
    params(OrganisationSearch),
    responses(
        (status = 200, description = "A page of organisations.", body = List<OrganisationResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn search_organisations(
    state: State,
    auth: Authenticated,
    query: Query<OrganisationSearch>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let kind = query
        .kind
        .map(|kind| {
            kind.parse::<OrganisationKind>()
                .map_err(|error| ApiError::validation("kind", error))
        })
        .transpose()?;
    let command = SearchOrganisations {
        name: search_text(query.name, "name")?,
        kind,
        locality: query.locality_id.map(LocalityId::from),
        page: page_request(query.cursor.as_deref(), query.limit)?,
    };
    let page = auth
        .run(&state, |conn, audit, actor| {
            search::organisations(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, OrganisationResponse::from)))
}

/// Search professionals
///
/// Active professionals with a case role, by name, with their organisation, roles and work
/// email: to find the people to invite into a Team Around the Family. Administrators without
/// a case role are not listed. Every case user may search (403 for administrators).
#[utoipa::path(
    get,
    path = "/api/v1/directory/professionals",
    tag = "directory",
    params(ProfessionalSearch),
    responses(
        (status = 200, description = "A page of professionals.", body = List<ProfessionalResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn search_professionals(
    state: State,
    auth: Authenticated,
    query: Query<ProfessionalSearch>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let command = SearchProfessionals {
        text: search_text(query.q, "q")?,
        organisation: query.organisation_id.map(OrganisationId::from),
        page: page_request(query.cursor.as_deref(), query.limit)?,
    };
    let page = auth
        .run(&state, |conn, audit, actor| {
            search::professionals(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, ProfessionalResponse::from)))
}

/// Get a locality's contacts
///
/// The locality's LCSS team (phone, email, address, opening hours) and the number of the MASH
/// that serves it, as the authority's administrators keep them. Every case user may read them
/// (403 for administrators); an unknown locality is a 404.
#[utoipa::path(
    get,
    path = "/api/v1/localities/{id}/contacts",
    tag = "directory",
    params(IdPath),
    responses(
        (status = 200, description = "The locality's contacts.", body = LocalityContactsResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, locality.id = %id))]
pub async fn get_locality_contacts(
    state: State,
    auth: Authenticated,
    id: Path<LocalityId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let locality = auth
        .run(&state, move |conn, audit, actor| {
            search::locality_contacts(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(LocalityContactsResponse::from(locality)))
}
