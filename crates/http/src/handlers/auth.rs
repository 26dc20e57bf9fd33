//! Sign-in, token refresh and sign-out. The steps are in [`earlyhelp_workflows::sessions`];
//! the per-address rate limit and the tokens themselves (the signed access token, the opaque
//! refresh token) are made here.

use crate::actor::{self, Authenticated};
use crate::client::ClientAddress;
use crate::error::ApiError;
use crate::error::FieldError;
use crate::json::ApiJson;
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, PayloadTooLarge, ServiceUnavailable, TooManyRequests,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use crate::tokens::{self, ClaimsFor};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use chrono::Utc;
use earlyhelp_domain::password::NewPassword;
use earlyhelp_domain::Email;
use earlyhelp_workflows::sessions::{
    self, ChangePassword, Grant, Refresh, RefreshOutcome, SignIn, SignInOutcome, SignInRefusal,
};
use governor::clock::Clock as _;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The sign-in email; matched ignoring case and surrounding white space.
    #[schema(value_type = crate::openapi::values::Email)]
    email: String,
    #[schema(value_type = crate::openapi::values::Password)]
    password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The sign-in email; matched ignoring case and surrounding white space.
    #[schema(value_type = crate::openapi::values::Email)]
    email: String,
    /// The current password: your own, or the one-time password an administrator set.
    #[schema(value_type = crate::openapi::values::Password)]
    password: String,
    /// The new password: at least 12 characters, not containing the email's name, and
    /// different from the current one.
    #[schema(value_type = crate::openapi::values::Password)]
    new_password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last sign-in or refresh: 43 base64url characters. Any other
    /// non-empty value of at most 256 bytes is not a valid token (401); an empty or longer
    /// value is a 422.
    #[schema(pattern = "^[A-Za-z0-9_-]{43}$")]
    refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
enum TokenType {
    Bearer,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT (HS256) to send as `Authorization: Bearer <token>`.
    access_token: String,
    #[schema(inline)]
    token_type: TokenType,
    /// Seconds until the access token expires (900 by default).
    #[schema(minimum = 1, examples(900))]
    expires_in: i64,
    /// A single-use opaque token for `POST /api/v1/auth/refresh`.
    #[schema(pattern = "^[A-Za-z0-9_-]{43}$")]
    refresh_token: String,
    /// Seconds until the session ends and the refresh token with it.
    #[schema(minimum = 0, examples(43200))]
    refresh_expires_in: i64,
}

const INVALID_CREDENTIALS: &str =
    "The email or password is wrong, or the account is locked for a while after repeated failures.";

/// The client as the request middleware resolved it (the peer, or whom a trusted proxy
/// forwarded for).
fn client_address(req: &HttpRequest) -> IpAddr {
    req.extensions()
        .get::<ClientAddress>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |client| client.0)
}

/// The per-client limit on attempts that present a password (sign-in and setting one's
/// password share it): 429 with how long to wait.
fn password_attempt_allowed(state: &State, req: &HttpRequest) -> Result<(), ApiError> {
    state
        .login_limiter
        .check_key(&client_address(req))
        .map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after_seconds: wait.as_secs().max(1),
            }
        })
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
        token_type: TokenType::Bearer,
        expires_in: state.tokens.access_ttl().num_seconds(),
        refresh_token,
        refresh_expires_in: (session.expires_at - now).num_seconds().max(0),
    })
}

/// Sign in
///
/// Exchanges an email and password for an access token and a refresh token. A wrong email, a
/// wrong password, a deactivated account and an account locked after repeated failures all
/// answer the same 401, so the answer reveals nothing about which accounts exist. Five
/// consecutive wrong passwords from one client address lock that client out of the account for
/// a minute, doubling with each further failure up to a day; the account's owner signing in
/// from anywhere else is not affected. Attempts are also rate-limited per client address
/// (429). Behind a reverse proxy the client address is the one it forwards, when the proxy is
/// listed in `EARLYHELP_TRUSTED_PROXIES`. The right password of an account whose password an
/// administrator set answers 403 `password_change_required`: set one of your own with
/// `POST /api/v1/auth/password` first.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    operation_id = "login",
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all)]
pub async fn login(
    state: State,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    password_attempt_allowed(&state, &req)?;
    let LoginRequest { email, password } = body.0;
    let email = Email::parse(&email).map_err(|error| ApiError::validation("email", error))?;
    if password.is_empty() || password.chars().count() > earlyhelp_domain::password::MAX_LENGTH {
        return Err(ApiError::validation(
            "password",
            "must be between 1 and 256 characters",
        ));
    }
    let context = actor::anonymous_context(&req);
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
        client: client_address(&req).to_string(),
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
            if because == SignInRefusal::PasswordChangeRequired {
                return Err(ApiError::PasswordChangeRequired);
            }
            Err(ApiError::Unauthenticated(INVALID_CREDENTIALS))
        }
    }
}

/// Set your password
///
/// Sets a new password for the account, given its current one: the way out of a one-time
/// password an administrator set (signing in with one answers 403
/// `password_change_required`), and how anyone changes their own. Refused like a sign-in (the
/// same 401 whatever was wrong; wrong passwords count towards the lockout; rate-limited per
/// client address). Every session of the account ends; sign in with the new password.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password",
    operation_id = "change_password",
    tag = "auth",
    security(()),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "The password is set; sign in with it."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: State,
    req: HttpRequest,
    body: ApiJson<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    password_attempt_allowed(&state, &req)?;
    let ChangePasswordRequest {
        email,
        password,
        new_password,
    } = body.0;
    let mut errors = Vec::new();
    let email = Email::parse(&email)
        .map_err(|error| errors.push(FieldError::new("email", error)))
        .ok();
    if password.is_empty() || password.chars().count() > earlyhelp_domain::password::MAX_LENGTH {
        errors.push(FieldError::new(
            "password",
            "must be between 1 and 256 characters",
        ));
    }
    let new_password = email.as_ref().and_then(|email| {
        if new_password == password {
            errors.push(FieldError::new(
                "new_password",
                "must differ from the current password",
            ));
            return None;
        }
        NewPassword::parse(new_password, email)
            .map_err(|error| errors.push(FieldError::new("new_password", error)))
            .ok()
    });
    let (Some(email), Some(new_password), true) = (email, new_password, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let context = actor::anonymous_context(&req);
    let credentials = state
        .db(move |conn| Ok(sessions::credentials(conn, &email)?))
        .await?;
    let dummy_hash = state.dummy_password_hash.clone();
    let (credentials, password_matches, new_hash) = actix_web::web::block(move || {
        let matches = sessions::check_password(credentials.as_ref(), &password, &dummy_hash);
        let new_hash = earlyhelp_workflows::passwords::hash(new_password.expose());
        (credentials, matches, new_hash)
    })
    .await?;
    let command = ChangePassword {
        credentials,
        password_matches,
        new_hash: new_hash.map_err(|error| ApiError::Internal(error.into()))?,
        client: client_address(&req).to_string(),
    };
    let refused = state
        .db(move |conn| Ok(sessions::change_password(conn, &context, command)?))
        .await?;
    match refused {
        None => Ok(HttpResponse::NoContent().finish()),
        Some(_) => Err(ApiError::Unauthenticated(INVALID_CREDENTIALS)),
    }
}

/// Refresh the tokens
///
/// Spends a refresh token and returns a new access token and a new refresh token in the same
/// session. A refresh token works once: presenting a spent one revokes the session, ending
/// the tokens of whoever holds them. An unknown, spent or expired refresh token, or a session
/// that has ended, is a 401.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    operation_id = "refresh",
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens.", body = TokenResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
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
    let context = actor::anonymous_context(&req);
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

/// Sign out
///
/// Ends the session of the access token presented: its access tokens stop working at once
/// and its refresh token can no longer be used. Takes no request body.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    operation_id = "logout",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out."),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn logout(state: State, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    let session = auth.session;
    auth.run(&state, move |conn, audit, actor| {
        sessions::sign_out(conn, audit, actor, session)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
