//! Typed configuration, loaded once by the CLI (from flags and environment) and passed down.

use earlyhelp_persistence::PoolSettings;
use std::fmt;
use std::net::SocketAddr;
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
    /// Weeks from forming a Team Around the Family to its first review.
    pub taf_review_weeks: u32,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            working_days: 10,
            extra_holidays: Vec::new(),
            taf_review_weeks: 6,
        }
    }
}

/// The bearer token `/metrics` asks for on the main listener. Never printed; compared in
/// constant time.
#[derive(Clone)]
pub struct MetricsToken(Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakMetricsToken {
    #[error("EARLYHELP_METRICS_TOKEN is set but empty")]
    Empty,
    #[error("EARLYHELP_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_BYTES} characters")]
    TooShort,
    #[error(
        "EARLYHELP_METRICS_TOKEN may hold only letters, digits and - . _ ~ + / (then = padding), \
         as a bearer token can (use `openssl rand -hex 32`)"
    )]
    NotAToken,
}

/// 32 characters: 128 bits as hex, out of reach of guessing at any scrape rate.
pub const MIN_METRICS_TOKEN_BYTES: usize = 32;

impl MetricsToken {
    pub fn new(token: &str) -> Result<Self, WeakMetricsToken> {
        if token.is_empty() {
            return Err(WeakMetricsToken::Empty);
        }
        if token.len() < MIN_METRICS_TOKEN_BYTES {
            return Err(WeakMetricsToken::TooShort);
        }
        // RFC 6750's b64token: what a client can put after `Bearer ` as it is.
        let body = token.trim_end_matches('=');
        let token_char =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/');
        if body.is_empty() || !body.chars().all(token_char) {
            return Err(WeakMetricsToken::NotAToken);
        }
        Ok(Self(token.as_bytes().to_vec()))
    }

    /// Whether `presented` is the token. Both sides are hashed first and the digests compared
    /// byte for byte without an early exit, so neither the time taken nor the length of the
    /// token tells a caller how close a guess came.
    pub fn matches(&self, presented: &[u8]) -> bool {
        use sha2::{Digest, Sha256};
        let expected = Sha256::digest(&self.0);
        let presented = Sha256::digest(presented);
        let difference = expected
            .iter()
            .zip(presented.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(difference) == 0
    }
}

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(<redacted>)")
    }
}

/// Who may read the Prometheus metrics, and where. The metrics describe every route's traffic,
/// so they are not for anyone who can reach the API.
#[derive(Debug, Clone, Default)]
pub enum MetricsAccess {
    /// Not served: `/metrics` on the main listener is a 404 like any unknown path.
    #[default]
    Hidden,
    /// Open to anyone on the main listener: `serve --dev` without other metrics settings.
    Open,
    /// On the main listener, to requests carrying `Authorization: Bearer <token>` only.
    Bearer(MetricsToken),
    /// On a listener of their own at this address (a private interface or port), without a
    /// token; not on the main listener.
    Separate(SocketAddr),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsSettingsError {
    #[error(transparent)]
    WeakToken(#[from] WeakMetricsToken),
    #[error(
        "EARLYHELP_METRICS_TOKEN and EARLYHELP_METRICS_BIND are both set; set one: the token \
         guards /metrics on the main listener, the bind address serves it on a listener of its \
         own without a token"
    )]
    Both,
}

impl MetricsAccess {
    /// The access the settings ask for: a token guards the main listener's `/metrics`, a bind
    /// address moves it to a listener of its own, and with neither it is served only in
    /// development.
    pub fn choose(
        token: Option<&str>,
        bind: Option<SocketAddr>,
        dev: bool,
    ) -> Result<Self, MetricsSettingsError> {
        match (token, bind) {
            (Some(_), Some(_)) => Err(MetricsSettingsError::Both),
            (Some(token), None) => Ok(MetricsAccess::Bearer(MetricsToken::new(token)?)),
            (None, Some(address)) => Ok(MetricsAccess::Separate(address)),
            (None, None) if dev => Ok(MetricsAccess::Open),
            (None, None) => Ok(MetricsAccess::Hidden),
        }
    }

    /// Whether the main listener answers `/metrics` at all.
    pub fn on_main_listener(&self) -> bool {
        matches!(self, MetricsAccess::Open | MetricsAccess::Bearer(_))
    }
}

/// How long a client may take over each part of a request. Without limits a client sending a
/// byte at a time holds a connection (and its memory) as long as it likes.
#[derive(Debug, Clone, Copy)]
pub struct HttpTimeouts {
    /// From connecting to the end of the request head (line and headers) of the first request
    /// on a connection. actix answers a slower head with a bare 408 and closes.
    pub request_head: Duration,
    /// How long an idle connection stays open between requests.
    pub keep_alive: Duration,
    /// From the end of the head to the last byte of the body; a slower body is answered 408
    /// problem+json and the connection closed.
    pub body: Duration,
}

impl Default for HttpTimeouts {
    fn default() -> Self {
        Self {
            request_head: Duration::from_secs(5),
            keep_alive: Duration::from_secs(5),
            body: Duration::from_secs(10),
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
    pub metrics: MetricsAccess,
    pub timeouts: HttpTimeouts,
    /// Proxies whose `X-Forwarded-For` names the client (`EARLYHELP_TRUSTED_PROXIES`).
    pub trusted_proxies: crate::client::TrustedProxies,
    /// How often the background sealer chains newly committed audit entries
    /// (`EARLYHELP_AUDIT_SEAL_INTERVAL_MS`); `None`: this server does not seal.
    pub audit_seal_interval: Option<Duration>,
    /// Origins whose browser pages may call the API (`EARLYHELP_CORS_ORIGINS`); none by default.
    pub cors_origins: crate::cors::CorsOrigins,
    /// How long access outside one's scope lasts (`EARLYHELP_ACCESS_REQUEST_HOURS`).
    pub access_window: earlyhelp_workflows::access_requests::AccessWindow,
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
            .field("metrics", &self.metrics)
            .field("timeouts", &self.timeouts)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("audit_seal_interval", &self.audit_seal_interval)
            .field("access_window", &self.access_window)
            .field("cors_origins", &self.cors_origins)
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
    fn an_empty_short_or_unsendable_metrics_token_is_refused() {
        assert_eq!(MetricsToken::new("").err(), Some(WeakMetricsToken::Empty));
        assert_eq!(
            MetricsToken::new("0123456789abcdef").err(),
            Some(WeakMetricsToken::TooShort)
        );
        assert_eq!(
            MetricsToken::new("0123456789abcdef 0123456789abcdef").err(),
            Some(WeakMetricsToken::NotAToken)
        );
        assert_eq!(
            MetricsToken::new(&"=".repeat(40)).err(),
            Some(WeakMetricsToken::NotAToken)
        );
        assert!(MetricsToken::new("c2NyYXBlLW1lLWlmLXlvdS1jYW4tMTIzNDU2Nzg=").is_ok());
    }

    #[test]
    fn metrics_are_hidden_unless_a_setting_or_dev_mode_opens_them() {
        let token = "3f9a1c0be47d28e5a6b9c3d0f1e2a4b5";
        let address: SocketAddr = "127.0.0.1:9464".parse().unwrap();
        assert!(matches!(
            MetricsAccess::choose(None, None, false),
            Ok(MetricsAccess::Hidden)
        ));
        assert!(matches!(
            MetricsAccess::choose(None, None, true),
            Ok(MetricsAccess::Open)
        ));
        assert!(matches!(
            MetricsAccess::choose(Some(token), None, true),
            Ok(MetricsAccess::Bearer(_))
        ));
        assert!(matches!(
            MetricsAccess::choose(None, Some(address), true),
            Ok(MetricsAccess::Separate(a)) if a == address
        ));
        assert_eq!(
            MetricsAccess::choose(Some(token), Some(address), false).err(),
            Some(MetricsSettingsError::Both)
        );
        assert_eq!(
            MetricsAccess::choose(Some(""), None, true).err(),
            Some(MetricsSettingsError::WeakToken(WeakMetricsToken::Empty))
        );
    }

    #[test]
    fn the_metrics_token_matches_itself_only_and_never_prints() {
        let token = MetricsToken::new("3f9a1c0be47d28e5a6b9c3d0f1e2a4b5").unwrap();
        assert!(token.matches(b"3f9a1c0be47d28e5a6b9c3d0f1e2a4b5"));
        assert!(!token.matches(b"3f9a1c0be47d28e5a6b9c3d0f1e2a4b"));
        assert!(!token.matches(b"3f9a1c0be47d28e5a6b9c3d0f1e2a4b5 "));
        assert!(!token.matches(b""));
        assert_eq!(format!("{token:?}"), "MetricsToken(<redacted>)");
    }

    #[test]
    fn the_secret_never_prints() {
        let secret = SigningSecret::generate();
        assert_eq!(format!("{secret:?}"), "SigningSecret(<redacted>)");
    }
}
