//! Access tokens (JWT, HS256 pinned) and opaque refresh tokens.

use crate::settings::TokenSettings;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use earlyhelp_domain::{LocalityId, OrganisationId, SessionId, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The claims of an access token. `roles`, `organisation` and `locality` tell clients who
/// they are; the server re-reads them from the database on every request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// The session (refresh-token family) this token belongs to; revoking it ends the token.
    pub sid: Uuid,
    pub roles: Vec<String>,
    pub organisation: Uuid,
    pub locality: Option<Uuid>,
    pub jti: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    access_ttl: chrono::Duration,
    session_ttl: chrono::Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the access token is invalid or expired")]
pub struct InvalidToken;

impl TokenService {
    pub fn new(settings: &TokenSettings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // Pinned: a token whose header names any other algorithm (or `none`) is refused.
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[settings.issuer.as_str()]);
        validation.set_audience(&[settings.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Issuer and verifier share one clock.
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(settings.secret.expose()),
            decoding: DecodingKey::from_secret(settings.secret.expose()),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            access_ttl: chrono::Duration::from_std(settings.access_ttl)
                .unwrap_or(chrono::Duration::minutes(15)),
            session_ttl: chrono::Duration::from_std(settings.session_ttl)
                .unwrap_or(chrono::Duration::hours(12)),
        }
    }

    pub fn access_ttl(&self) -> chrono::Duration {
        self.access_ttl
    }

    pub fn session_ttl(&self) -> chrono::Duration {
        self.session_ttl
    }

    pub fn issue(
        &self,
        claims: ClaimsFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: claims.user.into(),
            sid: claims.session.into(),
            roles: claims.roles.to_vec(),
            organisation: claims.organisation.into(),
            locality: claims.locality.map(Uuid::from),
            jti: Uuid::now_v7(),
            iat: now.timestamp(),
            exp: (now + self.access_ttl).timestamp(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, InvalidToken> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| InvalidToken)
    }
}

/// What an access token is issued for.
pub struct ClaimsFor<'a> {
    pub user: UserId,
    pub session: SessionId,
    pub roles: &'a [String],
    pub organisation: OrganisationId,
    pub locality: Option<LocalityId>,
}

/// A fresh refresh token (256 random bits, base64url) and the SHA-256 stored in its place.
pub fn new_refresh_token() -> (String, [u8; 32]) {
    let token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let hash = hash_refresh_token(&token);
    (token, hash)
}

/// A random 256-bit token needs no slow hash: SHA-256 is enough to make the stored value useless.
pub fn hash_refresh_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}
