//! Who am I: the signed-in user with their organisation and locality
//! ([`earlyhelp_workflows::directory::placement`]).

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::openapi::responses::{InternalError, ServiceUnavailable, Unauthorized};
use crate::openapi::values;
use crate::state::State;
use actix_web::HttpResponse;
use earlyhelp_workflows::directory::{self, Placement};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationSummary {
    id: Uuid,
    name: String,
    #[schema(value_type = values::OrganisationKind)]
    kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocalitySummary {
    id: Uuid,
    name: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Me)]
pub struct MeResponse {
    id: Uuid,
    /// The sign-in email, lower-case.
    email: String,
    display_name: String,
    #[schema(value_type = Vec<values::Role>, min_items = 1)]
    roles: Vec<String>,
    organisation: OrganisationSummary,
    /// The locality whose records locality-scoped roles reach, if any.
    #[schema(required = true)]
    locality: Option<LocalitySummary>,
}

/// The signed-in user
///
/// Who am I, with my roles, organisation and locality. Open to every role.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "get_me",
    tag = "me",
    responses(
        (status = 200, description = "The signed-in user.", body = MeResponse),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn get_me(state: State, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    let user = auth.user.clone();
    let Placement {
        organisation,
        locality,
    } = auth
        .run(&state, |conn, _, actor| directory::placement(conn, actor))
        .await?;
    Ok(HttpResponse::Ok().json(MeResponse {
        id: user.id.into(),
        email: user.email,
        display_name: user.display_name,
        roles: user.roles,
        organisation: OrganisationSummary {
            id: organisation.id.into(),
            name: organisation.name,
            kind: organisation.kind.to_string(),
        },
        locality: locality.map(|l| LocalitySummary {
            id: l.id.into(),
            name: l.name,
        }),
    }))
}
