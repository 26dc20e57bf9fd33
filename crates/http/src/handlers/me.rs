//! Who am I: the signed-in user with their organisation and locality.

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::state::State;
use actix_web::HttpResponse;
use earlyhelp_domain::{LocalityId, OrganisationId};
use earlyhelp_persistence::{localities, organisations};
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
    let user = auth.user;
    let (organisation_id, locality_id) = (user.organisation_id, user.locality_id);
    let (organisation, locality) = state
        .db(move |conn| {
            let organisation =
                organisations::find(conn, OrganisationId::from_uuid(organisation_id))?;
            let locality = locality_id
                .map(|id| localities::find(conn, LocalityId::from_uuid(id)))
                .transpose()?;
            Ok((organisation, locality))
        })
        .await?;
    Ok(HttpResponse::Ok().json(MeResponse {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        roles: user.roles,
        organisation: OrganisationSummary {
            id: organisation.id,
            name: organisation.name,
            kind: organisation.kind,
        },
        locality: locality.map(|l| LocalitySummary {
            id: l.id,
            name: l.name,
        }),
    }))
}
