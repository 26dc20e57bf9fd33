//! `Idempotency-Key`: a client's key for one create, so that a retry after a lost answer
//! (a timeout, a 503 during a database restart) gets the first answer instead of a second
//! record.

use crate::error::ApiError;
use actix_web::{HttpMessage, HttpRequest};
use earlyhelp_workflows::step::IdempotencyKey;
use sha2::{Digest, Sha256};

/// SHA-256 of the request body, left in the request's extensions by
/// [`ApiJson`](crate::json::ApiJson) so a key can be bound to the exact request it was sent
/// with.
#[derive(Debug, Clone, Copy)]
pub struct BodyDigest([u8; 32]);

impl BodyDigest {
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }
}

/// The request's `Idempotency-Key`, when sent: 1 to 200 visible ASCII characters (else 422),
/// bound to `operation` (e.g. `POST /api/v1/families`) and the body read so far. The same key
/// sent with another operation or another body is then refused, not answered with the wrong
/// replay.
pub fn idempotency_key(
    req: &HttpRequest,
    operation: &str,
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::validation(
                "Idempotency-Key",
                "must be 1 to 200 visible ASCII characters",
            )
        })?;
    let mut hash = Sha256::new();
    hash.update(operation.as_bytes());
    if let Some(BodyDigest(body)) = req.extensions().get::<BodyDigest>() {
        hash.update(b"\n");
        hash.update(body);
    }
    Ok(Some(IdempotencyKey {
        key: key.to_owned(),
        request_hash: hash.finalize().to_vec(),
    }))
}

/// The `Idempotency-Key` header of a create, for `params(IdempotencyKeyHeader)`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // A schema only.
pub struct IdempotencyKeyHeader {
    /// A key the client makes up for this request (a UUID will do): 1 to 200 visible ASCII
    /// characters (otherwise 422). Sending the same request again with the same key (after a
    /// timeout or a 503, say) answers with what the first request made instead of making it
    /// twice. Keys are the actor's own; the same key with a different request or body is a
    /// 422 `idempotency_key_reused`.
    #[param(
        rename = "Idempotency-Key",
        pattern = "^[!-~]{1,200}$",
        example = "0b6f5b3e-8c9a-4f6e-9d2a-3c1e7f4a5b6c"
    )]
    idempotency_key: Option<String>,
}
