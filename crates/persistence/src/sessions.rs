//! Sessions and their single-use refresh tokens.
//!
//! A session is one sign-in; each refresh spends its token and issues the next in the same
//! session. Presenting a spent token means it was stolen or replayed, so the whole session is
//! revoked: the thief's and the owner's tokens both stop working.

use crate::schema::{refresh_tokens, sessions};
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::{SessionId, UserId};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    Logout,
    RefreshTokenReuse,
    PasswordReset,
    UserDeactivated,
    RolesChanged,
}

impl RevokeReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Logout => "logout",
            RevokeReason::RefreshTokenReuse => "refresh_token_reuse",
            RevokeReason::PasswordReset => "password_reset",
            RevokeReason::UserDeactivated => "user_deactivated",
            RevokeReason::RolesChanged => "roles_changed",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
struct RefreshToken {
    id: Uuid,
    session_id: SessionId,
    used_at: Option<DateTime<Utc>>,
}

/// Starts a session for `user` lasting until `expires_at`, with its first refresh token.
pub fn start(
    conn: &mut PgConnection,
    user: UserId,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Session> {
    conn.transaction(|conn| {
        let session = diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(SessionId::generate()),
                sessions::user_id.eq(user),
                sessions::created_at.eq(now),
                sessions::expires_at.eq(expires_at),
            ))
            .returning(Session::as_returning())
            .get_result(conn)?;
        insert_token(conn, session.id, token_hash, now, expires_at)?;
        Ok(session)
    })
}

fn insert_token(
    conn: &mut PgConnection,
    session: SessionId,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(Uuid::now_v7()),
            refresh_tokens::session_id.eq(session),
            refresh_tokens::token_hash.eq(token_hash.as_slice()),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone)]
pub enum Rotation {
    /// The token was live: it is spent and `new_hash` now stands in its place.
    Rotated(Session),
    /// The token was spent before, or its session revoked: the session is now revoked.
    Reused {
        session_id: SessionId,
        user_id: UserId,
    },
    /// The token or its session has expired.
    Expired {
        session_id: SessionId,
        user_id: UserId,
    },
    /// No such token was ever issued.
    Unknown,
}

/// Spends the refresh token with `old_hash` and issues `new_hash` in its session, in one
/// transaction that locks the token row, so two concurrent refreshes of one token cannot both
/// succeed: the second sees a spent token and revokes the session.
pub fn rotate(
    conn: &mut PgConnection,
    old_hash: &[u8; 32],
    new_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Rotation> {
    conn.transaction(|conn| {
        let Some(token) = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(old_hash.as_slice()))
            .select(RefreshToken::as_select())
            .for_update()
            .first(conn)
            .optional()?
        else {
            return Ok(Rotation::Unknown);
        };
        let session: Session = sessions::table
            .find(token.session_id)
            .select(Session::as_select())
            .for_update()
            .first(conn)?;
        let (session_id, user_id) = (session.id, session.user_id);
        if token.used_at.is_some() || session.revoked_at.is_some() {
            revoke(conn, session.id, RevokeReason::RefreshTokenReuse, now)?;
            return Ok(Rotation::Reused {
                session_id,
                user_id,
            });
        }
        if session.expires_at <= now {
            return Ok(Rotation::Expired {
                session_id,
                user_id,
            });
        }
        diesel::update(refresh_tokens::table.find(token.id))
            .set(refresh_tokens::used_at.eq(now))
            .execute(conn)?;
        insert_token(conn, session.id, new_hash, now, session.expires_at)?;
        Ok(Rotation::Rotated(session))
    })
}

/// Revokes one session unless it already is; the first reason given is kept.
pub fn revoke(
    conn: &mut PgConnection,
    session: SessionId,
    reason: RevokeReason,
    now: DateTime<Utc>,
) -> Result<bool> {
    let revoked = diesel::update(
        sessions::table
            .find(session)
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason.as_str()),
    ))
    .execute(conn)?;
    Ok(revoked == 1)
}

/// Revokes every live session of a user.
pub fn revoke_all_for_user(
    conn: &mut PgConnection,
    user: UserId,
    reason: RevokeReason,
) -> Result<usize> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(diesel::dsl::now),
        sessions::revoked_reason.eq(reason.as_str()),
    ))
    .execute(conn)?)
}

pub fn find(conn: &mut PgConnection, session: SessionId) -> Result<Session> {
    Ok(sessions::table
        .find(session)
        .select(Session::as_select())
        .first(conn)?)
}
