//! The connection pool. Blocking diesel connections in an r2d2 pool; the HTTP crate runs every
//! use of one on actix's blocking thread pool, never on an async worker.

use crate::{Error, Result};
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use std::time::Duration;

pub type DbConnection = PooledConnection<ConnectionManager<PgConnection>>;

#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Connections kept open at most. A handful per core: more only queue inside PostgreSQL.
    pub max_size: u32,
    /// How long a request waits for a free connection before it is told the service is busy.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_size: 4,
            acquire_timeout: Duration::from_secs(2),
        }
    }
}

#[derive(Debug)]
struct QuietErrors;

impl diesel::r2d2::HandleError<diesel::r2d2::Error> for QuietErrors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        tracing::debug!(%error, "database connection attempt failed");
    }
}

/// Settings every new connection gets. JIT compilation off: PostgreSQL compiles a plan whose
/// estimated cost passes `jit_above_cost`, which the report aggregates do at 100,000 episodes,
/// and the compiling cost 300 ms or more per request (bench/report_plans: a three-row scan of
/// localities "took" 318 ms, the compile time), many times what it saved on queries of this
/// size.
#[derive(Debug)]
struct SessionSettings;

impl diesel::r2d2::CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut PgConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SET jit = off")
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<PgConnection>>,
    /// For [`Db::dedicated`]; never printed.
    url: std::sync::Arc<str>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.pool.state();
        f.debug_struct("Db")
            .field("connections", &state.connections)
            .field("idle", &state.idle_connections)
            .finish()
    }
}

impl Db {
    /// Builds the pool without connecting, so the server can start (and report not-ready)
    /// while the database is still down.
    pub fn new(database_url: &str, settings: &PoolSettings) -> Self {
        let manager = ConnectionManager::<PgConnection>::new(database_url);
        let pool = Pool::builder()
            .max_size(settings.max_size)
            .min_idle(Some(0))
            .connection_timeout(settings.acquire_timeout)
            // A connection broken by a database restart is found and replaced at checkout
            // rather than failing the request that drew it.
            .test_on_check_out(true)
            .idle_timeout(Some(Duration::from_secs(300)))
            // Each failed connection attempt while the database is down would otherwise be an
            // ERROR line, several a second; requests that fail log one warning each instead.
            .error_handler(Box::new(QuietErrors))
            .connection_customizer(Box::new(SessionSettings))
            .build_unchecked(manager);
        Self {
            pool,
            url: database_url.into(),
        }
    }

    /// A connection from the pool, or [`Error::Unavailable`] after the acquire timeout.
    pub fn connection(&self) -> Result<DbConnection> {
        self.pool.get().map_err(Error::from)
    }

    /// A connection of its own, outside the pool, for background work that must never take a
    /// request's place in the pool (the audit sealer).
    pub fn dedicated(&self) -> Result<PgConnection> {
        use diesel::Connection;
        PgConnection::establish(&self.url)
            .map_err(|error| Error::Unavailable(format!("cannot connect: {error}")))
    }

    /// The pool now: connections held, idle ones, and the most it opens.
    pub fn state(&self) -> (u32, u32, u32) {
        let state = self.pool.state();
        (
            state.connections,
            state.idle_connections,
            self.pool.max_size(),
        )
    }

    /// Answers whether the database is reachable right now.
    pub fn ping(&self) -> Result<()> {
        use diesel::RunQueryDsl;
        let mut conn = self.connection()?;
        diesel::sql_query("SELECT 1").execute(&mut conn)?;
        Ok(())
    }
}

/// Why a database URL is refused before anything connects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("{0} is empty")]
    Empty(&'static str),
    #[error("{0} is not a PostgreSQL URL: expected postgres://user[:password]@host[:port]/database[?sslmode=...]")]
    NotPostgres(&'static str),
    #[error("{0} names no database: expected postgres://user[:password]@host[:port]/database")]
    NoDatabase(&'static str),
}

/// Refuses an empty or malformed URL (`name` is the setting it came from), rather than letting
/// libpq's defaults pick some other database.
pub fn check_url(name: &'static str, url: &str) -> std::result::Result<(), UrlProblem> {
    let url = url.trim();
    if url.is_empty() {
        return Err(UrlProblem::Empty(name));
    }
    let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    else {
        return Err(UrlProblem::NotPostgres(name));
    };
    let path = rest.split('?').next().unwrap_or_default();
    match path.split_once('/') {
        Some((_, database)) if !database.is_empty() => Ok(()),
        _ => Err(UrlProblem::NoDatabase(name)),
    }
}

/// What one connection attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Ready,
    /// The server answered and refused: no such database or role, a wrong password, no
    /// `pg_hba.conf` entry. Configuration to fix; waiting will not help.
    Refused(String),
    /// No answer (down, or not yet up): waiting may help.
    Unreachable(String),
}

/// Connects once, outside any pool, and says what happened in the server's own words.
pub fn probe(url: &str) -> Probe {
    use diesel::Connection;
    match PgConnection::establish(url) {
        Ok(_) => Probe::Ready,
        Err(error) => {
            let message = error.to_string().trim().to_owned();
            let refused = [
                "does not exist",
                "authentication failed",
                "pg_hba.conf",
                "permission denied",
                "password",
                "invalid",
            ]
            .iter()
            .any(|sign| message.contains(sign));
            if refused {
                Probe::Refused(message)
            } else {
                Probe::Unreachable(message)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{check_url, UrlProblem};

    #[test]
    fn an_empty_or_malformed_url_is_refused_by_name() {
        assert_eq!(
            check_url("DATABASE_URL", " "),
            Err(UrlProblem::Empty("DATABASE_URL"))
        );
        assert_eq!(
            check_url("DATABASE_URL", "host=db dbname=earlyhelp"),
            Err(UrlProblem::NotPostgres("DATABASE_URL"))
        );
        assert_eq!(
            check_url("DATABASE_URL", "postgres://u@db:5432"),
            Err(UrlProblem::NoDatabase("DATABASE_URL"))
        );
        assert_eq!(
            check_url("DATABASE_URL", "postgres://u@db:5432/?sslmode=disable"),
            Err(UrlProblem::NoDatabase("DATABASE_URL"))
        );
        assert!(check_url(
            "DATABASE_URL",
            "postgresql://u:p@db/earlyhelp?sslmode=disable"
        )
        .is_ok());
    }
}
