//! Who am I: the signed-in user with their organisation and locality
//! ([`earlyhelp_workflows::directory::placement`]).

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::PendingRoles;
use crate::openapi::responses::{InternalError, ServiceUnavailable, Unauthorized};
use crate::openapi::values;
use crate::state::State;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
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
    /// The roles held now: none while every role of a new account awaits confirmation.
    #[schema(value_type = Vec<values::Role>)]
    roles: Vec<String>,
    organisation: OrganisationSummary,
    /// The locality whose records locality-scoped roles reach, if any.
    #[schema(required = true)]
    locality: Option<LocalitySummary>,
    /// Roles an administrator granted you, waiting for a second person (your locality's LCSS
    /// manager, or a manager of your organisation) to confirm them.
    #[schema(required = true)]
    pending_roles: Option<PendingRoles>,
    /// When an administrator last set your password, and who: if you did not ask for it, tell
    /// your manager.
    #[schema(required = true)]
    password_reset: Option<PasswordReset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordReset {
    at: DateTime<Utc>,
    by: PersonSummary,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSummary {
    id: Uuid,
    display_name: String,
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
    let reset_by = user.password_reset_by;
    let Placement {
        organisation,
        locality,
        pending,
        password_reset_by,
    } = auth
        .run(&state, move |conn, _, actor| {
            directory::placement(conn, actor, reset_by)
        })
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
        pending_roles: pending.map(PendingRoles::from),
        password_reset: user.password_reset_at.zip(password_reset_by).map(
            |(at, (id, display_name))| PasswordReset {
                at,
                by: PersonSummary {
                    id: id.into(),
                    display_name,
                },
            },
        ),
    }))
}
