//! Authentication as an extractor: a handler that takes [`Authenticated`] cannot run for an
//! anonymous request, whatever scope its route is mounted in. Authorisation stays an explicit
//! policy call in the handler.

use crate::client::ClientAddress;
use crate::error::ApiError;
use crate::request_id::RequestId;
use crate::state::State;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use earlyhelp_domain::policy::Actor;
use earlyhelp_domain::{SessionId, UserId};
use earlyhelp_persistence::audit::AuditContext;
use earlyhelp_persistence::users::User;
use earlyhelp_persistence::PgConnection;
use earlyhelp_workflows::access::actor_of;
use earlyhelp_workflows::sessions;
use earlyhelp_workflows::Failure;
use futures_util::future::LocalBoxFuture;

/// The client's address as the request middleware resolved it, as text for the audit trail.
pub fn client_address(req: &HttpRequest) -> Option<String> {
    req.extensions()
        .get::<ClientAddress>()
        .map(ToString::to_string)
}

/// The audit context of an anonymous request (sign-in, refresh).
pub fn anonymous_context(req: &HttpRequest) -> AuditContext {
    AuditContext {
        actor: None,
        request_id: request_id(req),
        client_address: client_address(req),
    }
}

/// The request's id, for anonymous handlers that still audit (sign-in).
pub fn request_id(req: &HttpRequest) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

pub struct Authenticated {
    pub actor: Actor,
    pub session: SessionId,
    /// The user row as loaded for this request (no password hash).
    pub user: User,
    pub request_id: String,
    pub client_address: Option<String>,
}

impl Authenticated {
    pub fn audit_context(&self) -> AuditContext {
        AuditContext {
            actor: Some(self.actor.user_id),
            request_id: self.request_id.clone(),
            client_address: self.client_address.clone(),
        }
    }

    /// Runs one workflow step as this actor, on the blocking pool: the whole of a handler's
    /// work between reading the request and rendering the outcome.
    pub async fn run<T, F>(self, state: &State, workflow: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection, &AuditContext, &Actor) -> Result<T, Failure> + Send + 'static,
        T: Send + 'static,
    {
        let context = self.audit_context();
        let actor = self.actor;
        state
            .db(move |conn| Ok(workflow(conn, &context, &actor)?))
            .await
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<State>().cloned();
        let token = bearer(req);
        let request_id = request_id(req);
        let client_address = client_address(req);
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
            let token = token.ok_or(ApiError::Unauthenticated(
                "Send an access token as `Authorization: Bearer <token>`.",
            ))?;
            let claims = state.tokens.verify(&token).map_err(|_| {
                ApiError::Unauthenticated("The access token is invalid or expired.")
            })?;
            let (user_id, session) = (UserId::from(claims.sub), SessionId::from(claims.sid));
            let user = state
                .db(move |conn| Ok(sessions::principal(conn, user_id, session)?))
                .await?
                .ok_or(ApiError::Unauthenticated(
                    "The session has ended; sign in again.",
                ))?;
            let actor = actor_of(&user)
                .ok_or(ApiError::Unauthenticated("The account has no usable role."))?;
            Ok(Authenticated {
                actor,
                session,
                user,
                request_id,
                client_address,
            })
        })
    }
}
