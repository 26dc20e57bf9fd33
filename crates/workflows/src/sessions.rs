//! Signing in, refreshing a session's tokens and signing out.
//!
//! The HTTP layer mints the tokens (the signed access token and the opaque refresh token);
//! these steps decide whether to grant them, keep the lockout count, store the refresh token's
//! hash and write the audit trail. A refused sign-in or refresh is an outcome, not a
//! [`Refusal`](crate::Refusal): the caller is told only that it failed, while the audit entry,
//! committed all the same, records why.

use crate::step::transaction;
use crate::{passwords, Result};
use chrono::{Duration, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::policy::Actor;
use earlyhelp_domain::{signin, Email, SessionId, UserId};
use earlyhelp_persistence::audit::{AuditContext, AuditEvent};
use earlyhelp_persistence::sessions::{self, RevokeReason, Rotation, Session};
use earlyhelp_persistence::users::{self, Credentials, User};
use earlyhelp_persistence::PgConnection;
use serde_json::json;
use uuid::Uuid;

/// A sign-in attempt whose password has been checked: by [`check_password`], off the
/// database connection, against what [`credentials`] found for the email.
pub struct SignIn {
    /// What the email's account held when the attempt began (`None`: no such email).
    pub credentials: Option<Credentials>,
    /// Whether the password matched the stored hash (always false for an unknown email).
    pub password_matches: bool,
    /// The SHA-256 of the refresh token the new session starts with.
    pub refresh_hash: [u8; 32],
    /// How long the session lasts, however often its tokens are refreshed.
    pub session_ttl: Duration,
    /// The client's address: failures count, and lock out, per account and client.
    pub client: String,
}

/// The stored credentials of the account with this email, if there is one.
pub fn credentials(conn: &mut PgConnection, email: &Email) -> Result<Option<Credentials>> {
    Ok(users::credentials_by_email(conn, email.as_str())?)
}

/// Verifies `password` against the account's hash, or against `dummy_hash` (a hash of a
/// random password) when there is no account, so an unknown email takes as long to refuse as
/// a wrong password. Argon2 takes tens of milliseconds of CPU: run it on the blocking pool,
/// holding no database connection.
pub fn check_password(credentials: Option<&Credentials>, password: &str, dummy_hash: &str) -> bool {
    let hash = credentials.map_or(dummy_hash, |c| c.password_hash.as_str());
    passwords::verify(password, hash)
}

/// Why a sign-in was refused, as the audit entry's `reason` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    UnknownEmail,
    Inactive,
    Locked,
    WrongPassword,
    /// The right password, but a one-time one an administrator set: it may only set a new one.
    PasswordChangeRequired,
}

impl SignInRefusal {
    pub const fn as_str(self) -> &'static str {
        match self {
            SignInRefusal::UnknownEmail => "unknown_email",
            SignInRefusal::Inactive => "inactive",
            SignInRefusal::Locked => "locked",
            SignInRefusal::WrongPassword => "wrong_password",
            SignInRefusal::PasswordChangeRequired => "password_change_required",
        }
    }
}

/// A live session and its user, for whom the HTTP layer issues the access token.
#[derive(Debug, Clone)]
pub struct Grant {
    pub user: User,
    pub session: Session,
}

#[derive(Debug, Clone)]
pub enum SignInOutcome {
    /// A new session.
    SignedIn(Box<Grant>),
    /// `user` is the account the email named, if any.
    Refused {
        user: Option<UserId>,
        because: SignInRefusal,
    },
}

pub struct Refresh {
    /// The SHA-256 of the refresh token presented, which is spent by this refresh.
    pub presented_hash: [u8; 32],
    /// The SHA-256 of the refresh token that takes its place.
    pub next_hash: [u8; 32],
}

#[derive(Debug, Clone)]
pub enum RefreshOutcome {
    /// The token was spent and the next one stored in its session.
    Refreshed(Box<Grant>),
    /// A spent token was presented again, so it was stolen or replayed: `session` is revoked.
    Reused { session: SessionId },
    /// Unknown or expired token, or a session whose user may no longer sign in.
    Refused,
}

/// Decides a checked attempt: counts failures towards a lockout of this client (per account
/// and client address, for a minute after five and doubling to a day), and starts a session on
/// success. `audit` is the anonymous request's; a refusal is recorded under it, a success as
/// the user who signed in.
pub fn sign_in(
    conn: &mut PgConnection,
    audit: &AuditContext,
    command: SignIn,
) -> Result<SignInOutcome> {
    let matches = command.password_matches;
    let now = Utc::now();
    let Some(credentials) = command.credentials else {
        let because = SignInRefusal::UnknownEmail;
        transaction(conn, audit, |_, trail| {
            trail.record(refusal_entry(None, because));
            Ok(())
        })?;
        return Ok(SignInOutcome::Refused {
            user: None,
            because,
        });
    };
    let user_id = credentials.id;
    let client = command.client;
    let refusal = match refused(conn, &credentials, matches, &client)? {
        None if credentials.password_change_required => Some(SignInRefusal::PasswordChangeRequired),
        refusal => refusal,
    };
    if let Some(because) = refusal {
        record_refusal(
            conn,
            audit,
            &client,
            refusal_entry(Some(user_id), because),
            because,
            user_id,
        )?;
        return Ok(SignInOutcome::Refused {
            user: Some(user_id),
            because,
        });
    }

    let expires_at = now + command.session_ttl;
    let signed_in = AuditContext {
        actor: Some(user_id),
        ..audit.clone()
    };
    transaction(conn, &signed_in, |conn, trail| {
        users::record_successful_login(conn, user_id, &client, now)?;
        let session = sessions::start(conn, user_id, &command.refresh_hash, now, expires_at)?;
        trail.record(
            AuditEvent::success(AuditAction::Login, EntityType::User, user_id)
                .with_detail(json!({ "session_id": session.id })),
        );
        let user = users::find(conn, user_id)?;
        Ok(SignInOutcome::SignedIn(Box::new(Grant { user, session })))
    })
}

/// Why an attempt with these credentials is refused, if it is: an inactive account, this
/// client locked out, or a wrong password. Only the client that failed is held off: someone
/// guessing at an account from one place never locks its owner out everywhere else.
fn refused(
    conn: &mut PgConnection,
    credentials: &Credentials,
    password_matches: bool,
    client: &str,
) -> Result<Option<SignInRefusal>> {
    let locked = users::client_locked_until(conn, credentials.id, client)?
        .is_some_and(|until| until > Utc::now());
    Ok(if !credentials.active {
        Some(SignInRefusal::Inactive)
    } else if locked {
        Some(SignInRefusal::Locked)
    } else if !password_matches {
        Some(SignInRefusal::WrongPassword)
    } else {
        None
    })
}

/// Records a refused attempt: its audit entry and, for a wrong password, a failure towards
/// this client's lockout (a minute after five, doubling to a day).
fn record_refusal(
    conn: &mut PgConnection,
    audit: &AuditContext,
    client: &str,
    entry: AuditEvent,
    because: SignInRefusal,
    user: UserId,
) -> Result<()> {
    let now = Utc::now();
    transaction(conn, audit, |conn, trail| {
        if because == SignInRefusal::WrongPassword {
            users::record_failed_login(conn, user, client, |failures| {
                signin::lock_duration(failures).map(|lock| now + lock)
            })?;
        }
        trail.record(entry);
        Ok(())
    })
}

/// The entry of a refused sign-in.
fn refusal_entry(user: Option<UserId>, because: SignInRefusal) -> AuditEvent {
    AuditEvent::new(
        AuditAction::Login,
        EntityType::User,
        user.map(Uuid::from),
        Outcome::Failure,
    )
    .with_detail(json!({ "reason": because.as_str() }))
}

/// A user setting their own password, having proved they know the current one (checked off
/// the connection, as for sign-in). The new password has passed the policy and is hashed.
pub struct ChangePassword {
    pub credentials: Option<Credentials>,
    pub password_matches: bool,
    pub new_hash: String,
    pub client: String,
}

/// Sets the user's own password: the way out of a one-time password an administrator set,
/// and how anyone changes theirs. Refused exactly as a sign-in would be (a wrong password
/// counts towards the lockout); on success every session of the account ends.
pub fn change_password(
    conn: &mut PgConnection,
    audit: &AuditContext,
    command: ChangePassword,
) -> Result<Option<SignInRefusal>> {
    let Some(credentials) = command.credentials else {
        let because = SignInRefusal::UnknownEmail;
        transaction(conn, audit, |_, trail| {
            trail.record(password_refusal(None, because));
            Ok(())
        })?;
        return Ok(Some(because));
    };
    let user_id = credentials.id;
    let client = command.client;
    if let Some(because) = refused(conn, &credentials, command.password_matches, &client)? {
        let entry = password_refusal(Some(user_id), because);
        record_refusal(conn, audit, &client, entry, because, user_id)?;
        return Ok(Some(because));
    }
    let as_user = AuditContext {
        actor: Some(user_id),
        ..audit.clone()
    };
    transaction(conn, &as_user, |conn, trail| {
        users::set_password(
            conn,
            trail,
            user_id,
            command.new_hash,
            users::PasswordSetter::Owner,
        )?;
        Ok(None)
    })
}

fn password_refusal(user: Option<UserId>, because: SignInRefusal) -> AuditEvent {
    AuditEvent::new(
        AuditAction::ChangeOwnPassword,
        EntityType::User,
        user.map(Uuid::from),
        Outcome::Failure,
    )
    .with_detail(json!({ "reason": because.as_str() }))
}

/// Spends the presented refresh token and stores the next one in its session. A spent token
/// presented again revokes the whole session. Every attempt is audited, as the session's
/// user when the token names one.
pub fn refresh(
    conn: &mut PgConnection,
    audit: &AuditContext,
    command: Refresh,
) -> Result<RefreshOutcome> {
    let now = Utc::now();
    let rotation = sessions::rotate(conn, &command.presented_hash, &command.next_hash, now)?;
    let (user_id, session_id, reason) = match &rotation {
        Rotation::Rotated(session) => (Some(session.user_id), Some(session.id), None),
        Rotation::Reused {
            session_id,
            user_id,
        } => (Some(*user_id), Some(*session_id), Some("reused")),
        Rotation::Expired {
            session_id,
            user_id,
        } => (Some(*user_id), Some(*session_id), Some("expired")),
        Rotation::Unknown => (None, None, Some("unknown")),
    };
    let context = AuditContext {
        actor: user_id,
        ..audit.clone()
    };
    let outcome = if reason.is_none() {
        Outcome::Success
    } else {
        Outcome::Failure
    };
    let event = AuditEvent::new(
        AuditAction::RefreshToken,
        EntityType::Session,
        session_id.map(Uuid::from),
        outcome,
    )
    .with_detail(reason.map_or_else(|| json!({}), |reason| json!({ "reason": reason })));
    transaction(conn, &context, |conn, trail| {
        trail.record(event);
        Ok(match rotation {
            Rotation::Rotated(session) => {
                match users::principal(conn, session.user_id, session.id, now)? {
                    Some(user) => RefreshOutcome::Refreshed(Box::new(Grant { user, session })),
                    None => RefreshOutcome::Refused,
                }
            }
            Rotation::Reused { session_id, .. } => RefreshOutcome::Reused {
                session: session_id,
            },
            Rotation::Expired { .. } | Rotation::Unknown => RefreshOutcome::Refused,
        })
    })
}

/// Ends the session the actor's access token names: its access and refresh tokens stop
/// working at once.
pub fn sign_out(
    conn: &mut PgConnection,
    audit: &AuditContext,
    _actor: &Actor,
    session: SessionId,
) -> Result<()> {
    transaction(conn, audit, |conn, trail| {
        sessions::revoke(conn, session, RevokeReason::Logout, Utc::now())?;
        trail.record(AuditEvent::success(
            AuditAction::Logout,
            EntityType::Session,
            session,
        ));
        Ok(())
    })
}

/// The user a token names, if their session is still live and the account active: read
/// again on every request, so sign-out, deactivation and role changes apply at once.
pub fn principal(
    conn: &mut PgConnection,
    user: UserId,
    session: SessionId,
) -> Result<Option<User>> {
    Ok(users::principal(conn, user, session, Utc::now())?)
}
