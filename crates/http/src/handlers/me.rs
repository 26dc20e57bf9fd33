//! Who am I: the signed-in user with their organisation and locality
//! ([`earlyhelp_workflows::directory::placement`]).

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::state::State;
use actix_web::HttpResponse;
use earlyhelp_workflows::directory::{self, Placement};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Serialize)]
struct OrganisationSummary {
    id: Uuid,
    name: String,
    kind: String,
}

#[derive(Debug, Serialize)]
struct LocalitySummary {
    id: Uuid,
    name: String,
}

#[derive(Debug, Serialize)]
struct MeResponse {
    id: Uuid,
    email: String,
    display_name: String,
    roles: Vec<String>,
    organisation: OrganisationSummary,
    locality: Option<LocalitySummary>,
}

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
