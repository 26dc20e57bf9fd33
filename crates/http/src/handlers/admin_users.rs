//! `/api/v1/admin/users`: accounts, their roles, deactivation and password resets.
//! Administrators manage accounts; they never see password hashes or case content. The steps
//! are in [`earlyhelp_workflows::directory::users`]; a handler that checks fields asks
//! [`directory::authorize`] first, so anyone but an administrator gets 403 whatever they sent
//! (the step asks again).

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, Flag, IdPath, List, UserResponse};
use crate::json::ApiJson;
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::openapi::values;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::directory::Name;
use earlyhelp_domain::password::NewPassword;
use earlyhelp_domain::role::{ReportReach, RoleSet};
use earlyhelp_domain::{Email, LocalityId, OrganisationId, Role, UserId};
use earlyhelp_persistence::users::UserFilter;
use earlyhelp_workflows::directory;
use earlyhelp_workflows::directory::users::{self, CreateUser, ListUsers, ResetPassword, SetRoles};
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
    /// Only users holding this role.
    #[param(value_type = Option<values::Role>)]
    role: Option<String>,
    /// Only users of this organisation.
    organisation_id: Option<Uuid>,
    /// Only users in this locality.
    locality_id: Option<Uuid>,
    /// Only active (`true`) or only inactive (`false`) records. Spelt exactly `true` or
    /// `false`.
    #[param(value_type = Option<bool>)]
    active: Option<Flag>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateUser)]
pub struct CreateUserRequest {
    /// The sign-in email: trimmed and lower-cased, at most 254 characters, of the form
    /// `name@domain.tld`; must not belong to another user (409 `email_taken`).
    #[schema(value_type = values::Email)]
    email: String,
    #[schema(value_type = values::Name)]
    display_name: String,
    /// At least one role; duplicates are ignored.
    #[schema(value_type = Vec<values::Role>, min_items = 1)]
    roles: Vec<String>,
    /// An existing organisation (otherwise 422).
    organisation_id: Uuid,
    /// An existing locality; `null` or absent takes the organisation's locality.
    locality_id: Option<Uuid>,
    /// How far their reports reach if they are a manager; `null` or absent: `organisation`.
    #[schema(value_type = Option<values::ReportReach>)]
    report_reach: Option<String>,
    #[schema(value_type = values::NewPassword)]
    password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SetRoles)]
pub struct SetRolesRequest {
    /// The user's new roles, at least one; duplicates are ignored.
    #[schema(value_type = Vec<values::Role>, min_items = 1)]
    roles: Vec<String>,
    /// How far their reports reach if they are a manager; `null` or absent keeps it.
    #[schema(value_type = Option<values::ReportReach>)]
    report_reach: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ResetPassword)]
pub struct ResetPasswordRequest {
    #[schema(value_type = values::NewPassword)]
    password: String,
}

/// Parses role names, noting each unknown one at its index.
pub fn parse_roles(checks: &mut Checks, raw: &[String]) -> Option<RoleSet> {
    let mut roles = Vec::with_capacity(raw.len());
    for (index, name) in raw.iter().enumerate() {
        if let Some(role) = checks.check(&format!("roles[{index}]"), name.parse::<Role>()) {
            roles.push(role);
        }
    }
    if roles.len() < raw.len() {
        return None;
    }
    checks.check("roles", RoleSet::new(roles))
}

/// Parses an optional report reach: `Some(None)` when absent, `None` (noted) when unknown.
fn parse_reach(checks: &mut Checks, raw: Option<&str>) -> Option<Option<ReportReach>> {
    match raw {
        None => Some(None),
        Some(name) => checks
            .check(
                "report_reach",
                name.parse::<ReportReach>()
                    .map_err(|_| "expected one of organisation, locality, county"),
            )
            .map(Some),
    }
}

/// List users
///
/// Users ordered by email, optionally filtered. Never includes password hashes.
#[utoipa::path(
    get,
    path = "/api/v1/admin/users",
    operation_id = "list_users",
    tag = "admin",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of users.", body = List<UserResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_users(
    state: State,
    auth: Authenticated,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    directory::authorize(&auth.actor)?;
    let query = query.into_inner();
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let role = query
        .role
        .map(|role| {
            role.parse::<Role>()
                .map_err(|error| ApiError::validation("role", error))
        })
        .transpose()?;
    let command = ListUsers {
        filter: UserFilter {
            role,
            organisation_id: query.organisation_id.map(OrganisationId::from),
            locality_id: query.locality_id.map(LocalityId::from),
            active: query.active.map(bool::from),
        },
        page,
    };
    let page = auth
        .run(&state, |conn, audit, actor| {
            users::list(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, UserResponse::from)))
}

/// Create a user
///
/// Creates an account with an initial password. The email is stored trimmed and lower-cased
/// and must be unused (409 `email_taken`). An `organisation_id` or `locality_id` that names no
/// record is a 422. Without a `locality_id` the user takes the organisation's locality.
#[utoipa::path(
    post,
    path = "/api/v1/admin/users",
    operation_id = "create_user",
    tag = "admin",
    request_body = CreateUserRequest,
    responses(
        (
            status = 201,
            description = "Created.",
            body = UserResponse,
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
pub async fn create_user(
    state: State,
    auth: Authenticated,
    body: ApiJson<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    directory::authorize(&auth.actor)?;
    let body = body.0;
    let mut checks = Checks::default();
    let email = checks.check("email", Email::parse(&body.email));
    let display_name = checks.check("display_name", Name::parse(&body.display_name));
    let roles = parse_roles(&mut checks, &body.roles);
    let report_reach = parse_reach(&mut checks, body.report_reach.as_deref());
    let password = match &email {
        Some(email) => checks.check("password", NewPassword::parse(body.password, email)),
        None => None,
    };
    let command = checks.finish(|| {
        Some(CreateUser {
            email: email?,
            display_name: display_name?,
            roles: roles?,
            organisation: body.organisation_id.into(),
            locality: body.locality_id.map(LocalityId::from),
            report_reach: report_reach?.unwrap_or_default(),
            password: password?,
        })
    })?;
    let user = auth
        .run(&state, |conn, audit, actor| {
            users::create(conn, audit, actor, command)
        })
        .await?;
    tracing::info!(created.user.id = %user.user.id, "user created");
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/users/{}", user.user.id),
        ))
        .json(UserResponse::from(user)))
}

/// Get a user
#[utoipa::path(
    get,
    path = "/api/v1/admin/users/{id}",
    operation_id = "get_user",
    tag = "admin",
    params(IdPath),
    responses(
        (status = 200, description = "The user.", body = UserResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn get_user(
    state: State,
    auth: Authenticated,
    id: Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = auth
        .run(&state, move |conn, audit, actor| {
            users::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(user)))
}

/// Deactivate a user
///
/// The user can no longer sign in, and every session they hold ends at once. Users are never
/// deleted, so the audit trail keeps its actors. Administrators cannot deactivate themselves
/// (409 `cannot_deactivate_self`). Takes no request body.
#[utoipa::path(
    post,
    path = "/api/v1/admin/users/{id}/deactivate",
    operation_id = "deactivate_user",
    tag = "admin",
    params(IdPath),
    responses(
        (status = 200, description = "The deactivated user.", body = UserResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn deactivate_user(
    state: State,
    auth: Authenticated,
    id: Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = auth
        .run(&state, move |conn, audit, actor| {
            users::deactivate(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(user)))
}

/// Reactivate a user
///
/// The user may sign in again. Takes no request body.
#[utoipa::path(
    post,
    path = "/api/v1/admin/users/{id}/reactivate",
    operation_id = "reactivate_user",
    tag = "admin",
    params(IdPath),
    responses(
        (status = 200, description = "The reactivated user.", body = UserResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn reactivate_user(
    state: State,
    auth: Authenticated,
    id: Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = auth
        .run(&state, move |conn, audit, actor| {
            users::reactivate(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(user)))
}

/// Set a user's roles
///
/// Replaces the user's roles (duplicates are ignored) and ends their sessions, so their next
/// tokens carry the new roles. Administrators cannot remove their own `admin` role
/// (409 `cannot_remove_own_admin`).
#[utoipa::path(
    put,
    path = "/api/v1/admin/users/{id}/roles",
    operation_id = "set_user_roles",
    tag = "admin",
    params(IdPath),
    request_body = SetRolesRequest,
    responses(
        (status = 200, description = "The user with their new roles.", body = UserResponse),
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn set_user_roles(
    state: State,
    auth: Authenticated,
    id: Path<UserId>,
    body: ApiJson<SetRolesRequest>,
) -> Result<HttpResponse, ApiError> {
    directory::authorize(&auth.actor)?;
    let mut checks = Checks::default();
    let roles = parse_roles(&mut checks, &body.0.roles);
    let report_reach = parse_reach(&mut checks, body.0.report_reach.as_deref());
    let command = checks.finish(|| {
        Some(SetRoles {
            user: id.into_inner(),
            roles: roles?,
            report_reach: report_reach?,
        })
    })?;
    let user = auth
        .run(&state, |conn, audit, actor| {
            users::set_roles(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(user)))
}

/// Reset a user's password
///
/// Sets a new password, clears any sign-in lockout and ends every session the user holds.
#[utoipa::path(
    post,
    path = "/api/v1/admin/users/{id}/password",
    operation_id = "reset_user_password",
    tag = "admin",
    params(IdPath),
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "The password is reset."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn reset_user_password(
    state: State,
    auth: Authenticated,
    id: Path<UserId>,
    body: ApiJson<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    // The password is judged in the step, which needs the account's email: an unknown
    // account is 404 before a weak password is 422.
    let command = ResetPassword {
        user: id.into_inner(),
        password: body.0.password,
    };
    auth.run(&state, |conn, audit, actor| {
        users::reset_password(conn, audit, actor, command)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
