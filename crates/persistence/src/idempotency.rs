//! Idempotency keys: a retried request with the same key gets the first answer again.

use crate::schema::idempotency_keys;
use crate::Result;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::UserId;

/// The stored answer to a keyed request.
#[derive(Debug, Clone, Queryable)]
pub struct Stored {
    pub request_hash: Vec<u8>,
    pub status: i16,
    pub response: serde_json::Value,
}

pub fn find(conn: &mut PgConnection, user: UserId, key: &str) -> Result<Option<Stored>> {
    Ok(idempotency_keys::table
        .find((user, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status,
            idempotency_keys::response,
        ))
        .first(conn)
        .optional()?)
}

pub fn store(
    conn: &mut PgConnection,
    user: UserId,
    key: &str,
    request_hash: &[u8],
    status: i16,
    response: &serde_json::Value,
) -> Result<()> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::status.eq(status),
            idempotency_keys::response.eq(response),
        ))
        .execute(conn)?;
    Ok(())
}

/// Holds the key for this session until [`release`]: a concurrent request with the same key
/// waits here, then finds the first one's answer stored. (A session lock, not a transaction
/// lock: a keyed create is several steps, some of which commit on their own.)
pub fn hold(conn: &mut PgConnection, user: UserId, key: &str) -> Result<()> {
    diesel::sql_query("SELECT pg_advisory_lock(hashtextextended($1 || ' ' || $2, 0))")
        .bind::<diesel::sql_types::Text, _>(user.to_string())
        .bind::<diesel::sql_types::Text, _>(key)
        .execute(conn)?;
    Ok(())
}

/// Lets the next request with the key go on.
pub fn release(conn: &mut PgConnection, user: UserId, key: &str) -> Result<()> {
    diesel::sql_query("SELECT pg_advisory_unlock(hashtextextended($1 || ' ' || $2, 0))")
        .bind::<diesel::sql_types::Text, _>(user.to_string())
        .bind::<diesel::sql_types::Text, _>(key)
        .execute(conn)?;
    Ok(())
}
