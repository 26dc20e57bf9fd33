//! Typed configuration, loaded once by the CLI (from flags and environment) and passed down.

use earlyhelp_persistence::PoolSettings;
use std::fmt;
use std::time::Duration;

/// The HS256 signing secret. Never printed.
#[derive(Clone)]
pub struct SigningSecret(Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakSecret {
    #[error("EARLYHELP_JWT_SECRET is not set")]
    Missing,
    #[error("EARLYHELP_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")]
    TooShort,
    #[error("EARLYHELP_JWT_SECRET has too little variety (use `openssl rand -hex 32`)")]
    LowVariety,
}

pub const MIN_SECRET_BYTES: usize = 32;

impl SigningSecret {
    pub fn new(secret: &str) -> Result<Self, WeakSecret> {
        let bytes = secret.as_bytes();
        if bytes.is_empty() {
            return Err(WeakSecret::Missing);
        }
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(WeakSecret::TooShort);
        }
        let mut distinct: Vec<u8> = bytes.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 8 {
            return Err(WeakSecret::LowVariety);
        }
        Ok(Self(bytes.to_vec()))
    }

    /// A throwaway secret for development: tokens die with the process.
    pub fn generate() -> Self {
        Self(rand::random::<[u8; 64]>().to_vec())
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(<redacted>)")
    }
}

#[derive(Debug, Clone)]
pub struct TokenSettings {
    pub secret: SigningSecret,
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    /// How long a sign-in lasts before the user must sign in again, however often they refresh.
    pub session_ttl: Duration,
}

#[derive(Debug, Clone, Copy)]
pub struct LoginRateLimit {
    /// Attempts a client address may make at once.
    pub burst: u32,
    /// Attempts a client address regains per second after its burst.
    pub per_second: u32,
}

impl Default for LoginRateLimit {
    fn default() -> Self {
        Self {
            burst: 20,
            per_second: 1,
        }
    }
}

/// How LCSS review deadlines are counted.
#[derive(Debug, Clone)]
pub struct ReviewSettings {
    /// Working days LCSS has to review a submitted form.
    pub working_days: u32,
    /// Closure days on top of England and Wales bank holidays (a council's own closures).
    pub extra_holidays: Vec<chrono::NaiveDate>,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            working_days: 10,
            extra_holidays: Vec::new(),
        }
    }
}

#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub tokens: TokenSettings,
    pub pool: PoolSettings,
    pub login_rate_limit: LoginRateLimit,
    pub review: ReviewSettings,
    pub workers: usize,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The database URL may carry a password.
        f.debug_struct("Settings")
            .field("database_url", &"<redacted>")
            .field("tokens", &self.tokens)
            .field("pool", &self.pool)
            .field("login_rate_limit", &self.login_rate_limit)
            .field("review", &self.review)
            .field("workers", &self.workers)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_secret_is_refused() {
        assert_eq!(
            SigningSecret::new("short").err(),
            Some(WeakSecret::TooShort)
        );
    }

    #[test]
    fn a_missing_secret_is_refused() {
        assert_eq!(SigningSecret::new("").err(), Some(WeakSecret::Missing));
    }

    #[test]
    fn a_repetitive_secret_is_refused() {
        assert_eq!(
            SigningSecret::new(&"ab".repeat(20)).err(),
            Some(WeakSecret::LowVariety)
        );
    }

    #[test]
    fn a_random_hex_secret_is_accepted() {
        assert!(SigningSecret::new(
            "3f9a1c0be47d28e5a6b9c3d0f1e2a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5"
        )
        .is_ok());
    }

    #[test]
    fn the_secret_never_prints() {
        let secret = SigningSecret::generate();
        assert_eq!(format!("{secret:?}"), "SigningSecret(<redacted>)");
    }
}
