//! `/api/v1/admin/users`: accounts, their roles, deactivation and password resets.
//! Administrators manage accounts; they never see password hashes or case content. The steps
//! are in [`earlyhelp_workflows::directory::users`]; a handler that checks fields asks
//! [`directory::authorize`] first, so anyone but an administrator gets 403 whatever they sent
//! (the step asks again).

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, Flag, List, UserResponse};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::directory::Name;
use earlyhelp_domain::password::NewPassword;
use earlyhelp_domain::role::RoleSet;
use earlyhelp_domain::{Email, LocalityId, OrganisationId, Role, UserId};
use earlyhelp_persistence::users::UserFilter;
use earlyhelp_workflows::directory;
use earlyhelp_workflows::directory::users::{self, CreateUser, ListUsers, ResetPassword, SetRoles};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    cursor: Option<String>,
    limit: Option<i64>,
    role: Option<String>,
    organisation_id: Option<Uuid>,
    locality_id: Option<Uuid>,
    active: Option<Flag>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    email: String,
    display_name: String,
    roles: Vec<String>,
    organisation_id: Uuid,
    /// Defaults to the organisation's locality.
    locality_id: Option<Uuid>,
    password: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetRolesRequest {
    roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
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
            password: password?,
        })
    })?;
    let user = auth
        .run(&state, |conn, audit, actor| {
            users::create(conn, audit, actor, command)
        })
        .await?;
    tracing::info!(created.user.id = %user.id, "user created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/admin/users/{}", user.id)))
        .json(UserResponse::from(user)))
}

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
    let command = SetRoles {
        user: id.into_inner(),
        roles: checks.finish(|| roles)?,
    };
    let user = auth
        .run(&state, |conn, audit, actor| {
            users::set_roles(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(user)))
}

/// The password is judged in the step, which needs the account's email: an unknown account is
/// 404 before a weak password is 422.
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn reset_user_password(
    state: State,
    auth: Authenticated,
    id: Path<UserId>,
    body: ApiJson<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
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
