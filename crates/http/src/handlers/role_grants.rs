//! `/api/v1/role-grants`: the second person of separation of duties confirms or declines roles
//! an administrator granted. The steps are in [`earlyhelp_workflows::role_grants`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{page_request, IdPath, List};
use crate::openapi::responses::{
    Conflict, Forbidden, InternalError, NotFound, ServiceUnavailable, Unauthorized,
    UnprocessableEntity,
};
use crate::openapi::values;
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::role_grant::GrantState;
use earlyhelp_domain::RoleGrantId;
use earlyhelp_persistence::role_grants::GrantListing;
use earlyhelp_workflows::role_grants::{self, ListGrants};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The account a grant is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantAccount {
    id: Uuid,
    email: String,
    display_name: String,
    organisation_id: Uuid,
    #[schema(required = true)]
    locality_id: Option<Uuid>,
}

/// Roles an administrator granted that read case records, and where their confirmation stands.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RoleGrant)]
pub struct RoleGrantResponse {
    id: Uuid,
    user: GrantAccount,
    /// The account's whole role set once confirmed.
    #[schema(value_type = Vec<values::Role>, min_items = 1)]
    roles: Vec<String>,
    #[schema(value_type = values::ReportReach)]
    report_reach: String,
    #[schema(value_type = values::GrantReason)]
    reason: String,
    #[schema(value_type = values::GrantState)]
    state: String,
    /// The administrator who asked.
    requested_by: Uuid,
    requested_at: DateTime<Utc>,
    #[schema(required = true)]
    decided_by: Option<Uuid>,
    #[schema(required = true)]
    decided_at: Option<DateTime<Utc>>,
}

impl From<GrantListing> for RoleGrantResponse {
    fn from(listing: GrantListing) -> Self {
        let grant = listing.grant;
        Self {
            id: grant.id.into(),
            user: GrantAccount {
                id: grant.user_id.into(),
                email: listing.email,
                display_name: listing.display_name,
                organisation_id: listing.organisation_id.into(),
                locality_id: listing.locality_id.map(Uuid::from),
            },
            roles: grant.roles,
            report_reach: grant.report_reach.as_str().to_owned(),
            reason: grant.reason.as_str().to_owned(),
            state: grant.state.as_str().to_owned(),
            requested_by: grant.requested_by.into(),
            requested_at: grant.requested_at,
            decided_by: grant.decided_by.map(Uuid::from),
            decided_at: grant.decided_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GrantQuery {
    /// Which grants: `pending` (the default), `confirmed`, `declined` or `withdrawn`.
    #[param(value_type = Option<values::GrantState>)]
    state: Option<String>,
    /// The `next_cursor` of the previous page; omit it for the first page.
    #[param(value_type = Option<values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
}

/// Role grants to decide
///
/// Roles an administrator granted that read case records, for the accounts the caller may
/// decide: an LCSS manager sees those of their locality, a manager those of their
/// organisation (a manager with a county reach, all). Oldest request first.
#[utoipa::path(
    get,
    path = "/api/v1/role-grants",
    operation_id = "list_role_grants",
    tag = "directory",
    params(GrantQuery),
    responses(
        (status = 200, description = "A page of grants.", body = List<RoleGrantResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_role_grants(
    state: State,
    auth: Authenticated,
    query: Query<GrantQuery>,
) -> Result<HttpResponse, ApiError> {
    let grant_state = match query.state.as_deref() {
        None => GrantState::Pending,
        Some(raw) => raw.parse().map_err(|_| {
            ApiError::validation(
                "state",
                "must be one of pending, confirmed, declined, withdrawn",
            )
        })?,
    };
    let command = ListGrants {
        state: grant_state,
        page: page_request(query.cursor.as_deref(), query.limit)?,
    };
    let page = auth
        .run(&state, move |conn, audit, actor| {
            role_grants::list(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, RoleGrantResponse::from)))
}

/// A role grant
///
/// One grant, for those who may decide it; anyone else is told it is not found.
#[utoipa::path(
    get,
    path = "/api/v1/role-grants/{id}",
    operation_id = "get_role_grant",
    tag = "directory",
    params(IdPath),
    responses(
        (status = 200, description = "The grant.", body = RoleGrantResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, role_grant.id = %id))]
pub async fn get_role_grant(
    state: State,
    auth: Authenticated,
    id: Path<RoleGrantId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let grant = auth
        .run(&state, move |conn, audit, actor| {
            role_grants::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RoleGrantResponse::from(grant)))
}

/// Confirm a role grant
///
/// The account's roles become the granted set and its sessions end, so its next sign-in
/// carries them. For an LCSS manager of the account's locality or a manager of its organisation
/// (or the county); never the administrator who asked, nor the account itself (403). A grant
/// out of the caller's reach is not found; one decided or withdrawn already is a 409
/// `role_grant_state`.
#[utoipa::path(
    post,
    path = "/api/v1/role-grants/{id}/confirm",
    operation_id = "confirm_role_grant",
    tag = "directory",
    params(IdPath),
    responses(
        (status = 200, description = "The confirmed grant.", body = RoleGrantResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, role_grant.id = %id))]
pub async fn confirm_role_grant(
    state: State,
    auth: Authenticated,
    id: Path<RoleGrantId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let grant = auth
        .run(&state, move |conn, audit, actor| {
            role_grants::confirm(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RoleGrantResponse::from(grant)))
}

/// Decline a role grant
///
/// The account keeps the roles it holds. Who may, and the answers, as for confirming.
#[utoipa::path(
    post,
    path = "/api/v1/role-grants/{id}/decline",
    operation_id = "decline_role_grant",
    tag = "directory",
    params(IdPath),
    responses(
        (status = 200, description = "The declined grant.", body = RoleGrantResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, role_grant.id = %id))]
pub async fn decline_role_grant(
    state: State,
    auth: Authenticated,
    id: Path<RoleGrantId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let grant = auth
        .run(&state, move |conn, audit, actor| {
            role_grants::decline(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RoleGrantResponse::from(grant)))
}
