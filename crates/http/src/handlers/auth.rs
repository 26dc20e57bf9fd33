//! Sign-in, token refresh and sign-out.

use crate::actor::{self, Authenticated};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::State;
use crate::tokens::{self, ClaimsFor};
use actix_web::{HttpRequest, HttpResponse};
use chrono::Utc;
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::{signin, Email, UserId};
use earlyhelp_persistence::audit::{self, AuditContext, AuditEvent};
use earlyhelp_persistence::sessions::{self, RevokeReason, Rotation};
use earlyhelp_persistence::users::{self, User};
use governor::clock::Clock as _;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    refresh_token: String,
}

#[derive(Debug, Serialize)]
pub struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    refresh_token: String,
    refresh_expires_in: i64,
}

const INVALID_CREDENTIALS: &str =
    "The email or password is wrong, or the account is locked for a while after repeated failures.";

fn client_address(req: &HttpRequest) -> IpAddr {
    req.peer_addr()
        .map(|addr| addr.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// Issues the access token for `user` in `session`, with the refresh token already minted.
fn token_response(
    state: &State,
    user: &User,
    session: &sessions::Session,
    refresh_token: String,
) -> Result<TokenResponse, ApiError> {
    let now = Utc::now();
    let access_token = state
        .tokens
        .issue(
            ClaimsFor {
                user: user.id,
                session: session.id,
                roles: &user.roles,
                organisation: user.organisation_id,
                locality: user.locality_id,
            },
            now,
        )
        .map_err(|error| ApiError::Internal(error.into()))?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: state.tokens.access_ttl().num_seconds(),
        refresh_token,
        refresh_expires_in: (session.expires_at - now).num_seconds().max(0),
    })
}

#[tracing::instrument(skip_all)]
pub async fn login(
    state: State,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Err(not_until) = state.login_limiter.check_key(&client_address(&req)) {
        let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
        return Err(ApiError::TooManyRequests {
            retry_after_seconds: wait.as_secs().max(1),
        });
    }
    let LoginRequest { email, password } = body.0;
    let email = Email::parse(&email).map_err(|error| ApiError::validation("email", error))?;
    if password.is_empty() || password.chars().count() > earlyhelp_domain::password::MAX_LENGTH {
        return Err(ApiError::validation(
            "password",
            "must be between 1 and 256 characters",
        ));
    }
    let context = AuditContext {
        actor: None,
        request_id: actor::request_id(&req),
    };

    let lookup_email = email.as_str().to_owned();
    let credentials = state
        .db(move |conn| Ok(users::credentials_by_email(conn, &lookup_email)?))
        .await?;
    let hash = credentials
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| state.dummy_password_hash.clone());
    // The hash is always verified, known email or not, so timing reveals nothing.
    let matches = actix_web::web::block(move || earlyhelp_workflows::passwords::verify(&password, &hash)).await?;

    let now = Utc::now();
    let Some(credentials) = credentials else {
        state
            .db(move |conn| {
                let event =
                    AuditEvent::new(AuditAction::Login, EntityType::User, None, Outcome::Failure)
                        .with_detail(serde_json::json!({ "reason": "unknown_email" }));
                Ok(audit::record(conn, &context, event)?)
            })
            .await?;
        return Err(ApiError::Unauthenticated(INVALID_CREDENTIALS));
    };
    let user_id = UserId::from_uuid(credentials.id);
    let locked = credentials.locked_until.is_some_and(|until| until > now);
    if !matches || locked || !credentials.active {
        let reason = if !credentials.active {
            "inactive"
        } else if locked {
            "locked"
        } else {
            "wrong_password"
        };
        state
            .db(move |conn| {
                if reason == "wrong_password" {
                    users::record_failed_login(conn, user_id, |failures| {
                        signin::lock_duration(failures).map(|lock| now + lock)
                    })?;
                }
                let event = AuditEvent::new(
                    AuditAction::Login,
                    EntityType::User,
                    Some(user_id.into_uuid()),
                    Outcome::Failure,
                )
                .with_detail(serde_json::json!({ "reason": reason }));
                Ok(audit::record(conn, &context, event)?)
            })
            .await?;
        tracing::info!(user.id = %user_id, reason, "sign-in refused");
        return Err(ApiError::Unauthenticated(INVALID_CREDENTIALS));
    }

    let (refresh_token, refresh_hash) = tokens::new_refresh_token();
    let expires_at = now + state.tokens.session_ttl();
    let context = AuditContext {
        actor: Some(user_id),
        request_id: context.request_id,
    };
    let (user, session) = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                users::record_successful_login(conn, user_id, now)?;
                let session = sessions::start(conn, user_id, &refresh_hash, now, expires_at)?;
                trail.record(
                    AuditEvent::success(AuditAction::Login, EntityType::User, user_id)
                        .with_detail(serde_json::json!({ "session_id": session.id })),
                );
                Ok((users::find(conn, user_id)?, session))
            })?)
        })
        .await?;
    tracing::info!(user.id = %user_id, session.id = %session.id, "signed in");
    Ok(HttpResponse::Ok().json(token_response(&state, &user, &session, refresh_token)?))
}

#[tracing::instrument(skip_all)]
pub async fn refresh(
    state: State,
    req: HttpRequest,
    body: ApiJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let presented = body.0.refresh_token;
    if presented.is_empty() || presented.len() > 256 {
        return Err(ApiError::validation(
            "refresh_token",
            "must be a refresh token issued by sign-in",
        ));
    }
    let old_hash = tokens::hash_refresh_token(&presented);
    let (refresh_token, new_hash) = tokens::new_refresh_token();
    let request_id = actor::request_id(&req);
    let now = Utc::now();
    let outcome = state
        .db(move |conn| {
            let rotation = sessions::rotate(conn, &old_hash, &new_hash, now)?;
            let (user_id, outcome, reason, session_id) = match &rotation {
                Rotation::Rotated(session) => (
                    Some(session.user_id),
                    Outcome::Success,
                    None,
                    Some(session.id),
                ),
                Rotation::Reused {
                    session_id,
                    user_id,
                } => (
                    Some(*user_id),
                    Outcome::Failure,
                    Some("reused"),
                    Some(*session_id),
                ),
                Rotation::Expired {
                    session_id,
                    user_id,
                } => (
                    Some(*user_id),
                    Outcome::Failure,
                    Some("expired"),
                    Some(*session_id),
                ),
                Rotation::Unknown => (None, Outcome::Failure, Some("unknown"), None),
            };
            let context = AuditContext {
                actor: user_id.map(UserId::from_uuid),
                request_id,
            };
            let event = AuditEvent::new(
                AuditAction::RefreshToken,
                EntityType::Session,
                session_id,
                outcome,
            )
            .with_detail(reason.map_or_else(
                || serde_json::json!({}),
                |r| serde_json::json!({ "reason": r }),
            ));
            audit::record(conn, &context, event)?;
            let user = match &rotation {
                Rotation::Rotated(session) => users::principal(
                    conn,
                    UserId::from_uuid(session.user_id),
                    earlyhelp_domain::SessionId::from_uuid(session.id),
                    now,
                )?,
                _ => None,
            };
            Ok((rotation, user))
        })
        .await?;
    match outcome {
        (Rotation::Rotated(session), Some(user)) => {
            Ok(HttpResponse::Ok().json(token_response(&state, &user, &session, refresh_token)?))
        }
        (Rotation::Reused { session_id, .. }, _) => {
            tracing::warn!(session.id = %session_id, "spent refresh token presented; session revoked");
            Err(ApiError::Unauthenticated(
                "The refresh token is no longer valid; sign in again.",
            ))
        }
        _ => Err(ApiError::Unauthenticated(
            "The refresh token is no longer valid; sign in again.",
        )),
    }
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn logout(state: State, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    let context = auth.audit_context();
    let session = auth.session;
    state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                sessions::revoke(conn, session, RevokeReason::Logout, Utc::now())?;
                trail.record(AuditEvent::success(
                    AuditAction::Logout,
                    EntityType::Session,
                    session,
                ));
                Ok(())
            })?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
