//! Sign-in, token refresh and sign-out. The steps are in [`earlyhelp_workflows::sessions`];
//! the per-address rate limit and the tokens themselves (the signed access token, the opaque
//! refresh token) are made here.

use crate::actor::{self, Authenticated};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::State;
use crate::tokens::{self, ClaimsFor};
use actix_web::{HttpRequest, HttpResponse};
use chrono::Utc;
use earlyhelp_domain::Email;
use earlyhelp_workflows::sessions::{self, Grant, Refresh, RefreshOutcome, SignIn, SignInOutcome};
use earlyhelp_workflows::AuditContext;
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

/// Issues the access token for the grant's user in its session, with the refresh token
/// already minted.
fn token_response(
    state: &State,
    grant: &Grant,
    refresh_token: String,
) -> Result<TokenResponse, ApiError> {
    let Grant { user, session } = grant;
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
    let lookup = email.clone();
    let credentials = state
        .db(move |conn| Ok(sessions::credentials(conn, &lookup)?))
        .await?;
    // The hash is always verified, known email or not, so timing reveals nothing; on the
    // blocking pool, holding no database connection.
    let dummy_hash = state.dummy_password_hash.clone();
    let (credentials, password_matches) = actix_web::web::block(move || {
        let matches = sessions::check_password(credentials.as_ref(), &password, &dummy_hash);
        (credentials, matches)
    })
    .await?;
    let (refresh_token, refresh_hash) = tokens::new_refresh_token();
    let command = SignIn {
        credentials,
        password_matches,
        refresh_hash,
        session_ttl: state.tokens.session_ttl(),
    };
    let outcome = state
        .db(move |conn| Ok(sessions::sign_in(conn, &context, command)?))
        .await?;
    match outcome {
        SignInOutcome::SignedIn(grant) => {
            tracing::info!(user.id = %grant.user.id, session.id = %grant.session.id, "signed in");
            Ok(HttpResponse::Ok().json(token_response(&state, &grant, refresh_token)?))
        }
        SignInOutcome::Refused { user, because } => {
            if let Some(user_id) = user {
                tracing::info!(user.id = %user_id, reason = because.as_str(), "sign-in refused");
            }
            Err(ApiError::Unauthenticated(INVALID_CREDENTIALS))
        }
    }
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
    let (refresh_token, next_hash) = tokens::new_refresh_token();
    let command = Refresh {
        presented_hash: tokens::hash_refresh_token(&presented),
        next_hash,
    };
    let context = AuditContext {
        actor: None,
        request_id: actor::request_id(&req),
    };
    let outcome = state
        .db(move |conn| Ok(sessions::refresh(conn, &context, command)?))
        .await?;
    match outcome {
        RefreshOutcome::Refreshed(grant) => {
            Ok(HttpResponse::Ok().json(token_response(&state, &grant, refresh_token)?))
        }
        RefreshOutcome::Reused { session } => {
            tracing::warn!(session.id = %session, "spent refresh token presented; session revoked");
            Err(ApiError::Unauthenticated(
                "The refresh token is no longer valid; sign in again.",
            ))
        }
        RefreshOutcome::Refused => Err(ApiError::Unauthenticated(
            "The refresh token is no longer valid; sign in again.",
        )),
    }
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn logout(state: State, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    let session = auth.session;
    auth.run(&state, move |conn, audit, actor| {
        sessions::sign_out(conn, audit, actor, session)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
