//! `/api/v1/admin/users`: accounts, their roles, deactivation and password resets.
//! Administrators manage accounts; they never see password hashes or case content.

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{page_request, Flag, List, UserResponse};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::directory::Name;
use earlyhelp_domain::password::NewPassword;
use earlyhelp_domain::policy::{self, Permission};
use earlyhelp_domain::role::RoleSet;
use earlyhelp_domain::{Email, LocalityId, OrganisationId, Role, UserId};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::users::{self, NewUser, UserFilter};
use earlyhelp_persistence::{organisations, Error as DbError};
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
pub struct CreateUser {
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
pub struct SetRoles {
    roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
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

fn role_names(roles: &RoleSet) -> Vec<String> {
    roles.iter().map(|role| role.as_str().to_owned()).collect()
}

fn email_taken(error: DbError) -> ApiError {
    match error {
        DbError::Conflict { constraint } if constraint == "users_email_key" => ApiError::Conflict {
            code: "email_taken",
            detail: "A user with this email already exists.".into(),
        },
        other => other.into(),
    }
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_users(
    state: State,
    auth: Authenticated,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let query = query.into_inner();
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let role = query
        .role
        .map(|role| {
            role.parse::<Role>()
                .map_err(|error| ApiError::validation("role", error))
        })
        .transpose()?;
    let filter = UserFilter {
        role: role.map(|role| role.as_str().to_owned()),
        organisation_id: query.organisation_id.map(OrganisationId::from_uuid),
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
                    AuditAction::ListUsers,
                    EntityType::User,
                    None,
                    Outcome::Success,
                ),
                |conn| users::list(conn, &filter, &page),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, UserResponse::from)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn create_user(
    state: State,
    auth: Authenticated,
    body: ApiJson<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let body = body.0;
    let mut checks = Checks::default();
    let email = checks.check("email", Email::parse(&body.email));
    let display_name = checks.check("display_name", Name::parse(&body.display_name));
    let roles = parse_roles(&mut checks, &body.roles);
    let password = match &email {
        Some(email) => checks.check("password", NewPassword::parse(body.password, email)),
        None => None,
    };
    let (email, display_name, roles, password) =
        checks.finish(|| Some((email?, display_name?, roles?, password?)))?;

    let password_hash = actix_web::web::block(move || earlyhelp_workflows::passwords::hash(password.expose()))
        .await?
        .map_err(|error| ApiError::Internal(error.into()))?;
    let organisation_id = OrganisationId::from_uuid(body.organisation_id);
    let requested_locality = body.locality_id;
    let context = auth.audit_context();
    let user = state
        .db(move |conn| {
            let organisation = match organisations::find(conn, organisation_id) {
                Err(DbError::NotFound) => {
                    return Err(ApiError::validation(
                        "organisation_id",
                        "no such organisation",
                    ))
                }
                other => other?,
            };
            let new = NewUser {
                id: UserId::generate().into_uuid(),
                email: email.as_str().to_owned(),
                display_name: display_name.into_string(),
                password_hash,
                roles: role_names(&roles),
                organisation_id: organisation.id,
                locality_id: requested_locality.or(organisation.locality_id),
            };
            audit::audited(conn, &context, |conn, trail| {
                users::create(conn, trail, &new)
            })
            .map_err(email_taken)
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
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let id = UserId::from_uuid(id.into_inner());
    let context = auth.audit_context();
    let user = state
        .db(move |conn| {
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::success(AuditAction::ReadUser, EntityType::User, id),
                |conn| users::find(conn, id),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(user)))
}

async fn set_active(
    state: State,
    auth: Authenticated,
    id: Uuid,
    active: bool,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let id = UserId::from_uuid(id);
    if !active && id == auth.actor.user_id {
        return Err(ApiError::Conflict {
            code: "cannot_deactivate_self",
            detail: "You cannot deactivate your own account; ask another administrator.".into(),
        });
    }
    let context = auth.audit_context();
    let user = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                users::set_active(conn, trail, id, active)
            })?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(user)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn deactivate_user(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_active(state, auth, id.into_inner(), false).await
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn reactivate_user(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_active(state, auth, id.into_inner(), true).await
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn set_user_roles(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<SetRoles>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let id = UserId::from_uuid(id.into_inner());
    let mut checks = Checks::default();
    let roles = parse_roles(&mut checks, &body.0.roles);
    let roles = checks.finish(|| roles)?;
    if id == auth.actor.user_id && !roles.contains(Role::Admin) {
        return Err(ApiError::Conflict {
            code: "cannot_remove_own_admin",
            detail: "You cannot remove your own admin role; ask another administrator.".into(),
        });
    }
    let context = auth.audit_context();
    let user = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                users::set_roles(conn, trail, id, role_names(&roles))
            })?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(user)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, target.user.id = %id))]
pub async fn reset_user_password(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<ResetPassword>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let id = UserId::from_uuid(id.into_inner());
    let user = state.db(move |conn| Ok(users::find(conn, id)?)).await?;
    let email = Email::parse(&user.email)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("stored email invalid: {error}")))?;
    let password = NewPassword::parse(body.0.password, &email)
        .map_err(|error| ApiError::validation("password", error))?;
    let password_hash = actix_web::web::block(move || earlyhelp_workflows::passwords::hash(password.expose()))
        .await?
        .map_err(|error| ApiError::Internal(error.into()))?;
    let context = auth.audit_context();
    state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                users::set_password(conn, trail, id, password_hash)
            })?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
