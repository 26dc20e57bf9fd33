//! Databases of each test's own, on the PostgreSQL server named by the admin URL.
//!
//! scripts/test exports `EARLYHELP_TEST_DATABASE_URL`: a URL to the `postgres` maintenance
//! database whose role may `CREATE DATABASE`. Every test database lives on that server, is
//! named `<prefix>_<uuid>` so concurrent runs never collide, and is dropped `WITH (FORCE)` when
//! the test ends, however it ends.

use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use uuid::Uuid;

/// The admin URL: `EARLYHELP_TEST_DATABASE_URL`, or the local trust-auth server.
pub fn admin_url() -> String {
    std::env::var("EARLYHELP_TEST_DATABASE_URL").unwrap_or_else(|_| {
        "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".to_owned()
    })
}

/// The URL of database `name` on the server of the admin URL, with the same query string.
pub fn database_url(name: &str) -> String {
    with_database(&admin_url(), name)
}

fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = admin
        .split_once('?')
        .map_or((admin, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

fn with_user(url: &str, user: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let rest = match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    format!("{scheme}://{user}:{password}@{rest}")
}

/// Host and port of the admin URL (`postgres://user[:pw]@host[:port]/db?...`).
pub fn admin_host_port() -> (String, u16) {
    host_port(&admin_url())
}

fn host_port(url: &str) -> (String, u16) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']').unwrap_or((bracketed, ""));
            (host, after.strip_prefix(':'))
        }
        None => match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    (
        host.to_owned(),
        port.and_then(|port| port.parse().ok()).unwrap_or(5432),
    )
}

/// A connection to the maintenance database, for creating and dropping databases.
pub fn admin_connection() -> PgConnection {
    PgConnection::establish(&admin_url())
        .expect("connect to the test PostgreSQL (set EARLYHELP_TEST_DATABASE_URL)")
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Runs a `SELECT count(*) AS n ...` with one text parameter.
pub fn count(conn: &mut PgConnection, sql: &str, param: &str) -> i64 {
    diesel::sql_query(sql)
        .bind::<Text, _>(param)
        .get_result::<Count>(conn)
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
        .n
}

/// Whether the server has a database called `name`.
pub fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    count(
        conn,
        "SELECT count(*) AS n FROM pg_database WHERE datname = $1",
        name,
    ) > 0
}

/// A database of the test's own, dropped (`WITH (FORCE)`) when this value is.
#[derive(Debug)]
pub struct Database {
    pub name: String,
    pub url: String,
}

impl Database {
    /// An empty database called `<prefix>_<uuid>`.
    pub fn create(prefix: &str) -> Self {
        Self::run_create(prefix, None)
    }

    /// A copy of database `template` (`CREATE DATABASE ... TEMPLATE`), called `<prefix>_<uuid>`.
    pub fn clone_of(template: &str, prefix: &str) -> Self {
        Self::run_create(prefix, Some(&format!("TEMPLATE {template}")))
    }

    /// An empty database with the C locale (byte order, ASCII-only character classes), as
    /// some servers are initialised: what depends on the database's locale shows up there.
    pub fn create_c_locale(prefix: &str) -> Self {
        Self::run_create(
            prefix,
            Some("TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"),
        )
    }

    fn run_create(prefix: &str, options: Option<&str>) -> Self {
        let name = format!("{prefix}_{}", Uuid::now_v7().simple());
        let sql = match options {
            Some(options) => format!("CREATE DATABASE {name} {options}"),
            None => format!("CREATE DATABASE {name}"),
        };
        diesel::sql_query(&sql)
            .execute(&mut admin_connection())
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
        Self {
            url: database_url(&name),
            name,
        }
    }

    /// The URL of this database for another login role, on the same server and query string.
    pub fn url_as(&self, user: &str, password: &str) -> String {
        with_user(&self.url, user, password)
    }

    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url)
            .unwrap_or_else(|error| panic!("connect to the test database {}: {error}", self.name))
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&admin_url()) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{host_port, with_database, with_user};

    #[test]
    fn a_url_for_another_role_replaces_the_user_and_password_only() {
        assert_eq!(
            with_user(
                "postgres://postgres@127.0.0.1:5432/t_1?sslmode=disable",
                "app",
                "pw"
            ),
            "postgres://app:pw@127.0.0.1:5432/t_1?sslmode=disable"
        );
        assert_eq!(
            with_user("postgres://u:secret@db/t_1", "app", "pw"),
            "postgres://app:pw@db/t_1"
        );
        assert_eq!(
            with_user("postgres://127.0.0.1/t_1", "app", "pw"),
            "postgres://app:pw@127.0.0.1/t_1"
        );
    }

    #[test]
    fn a_database_url_keeps_the_server_and_the_query_of_the_admin_url() {
        assert_eq!(
            with_database(
                "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
                "t_1"
            ),
            "postgres://postgres@127.0.0.1:5432/t_1?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://u:pw@db/postgres", "t_1"),
            "postgres://u:pw@db/t_1"
        );
    }

    #[test]
    fn host_and_port_come_from_the_authority_with_5432_by_default() {
        assert_eq!(
            host_port("postgres://postgres@127.0.0.1:5433/postgres?sslmode=disable"),
            ("127.0.0.1".to_owned(), 5433)
        );
        assert_eq!(
            host_port("postgres://u:p@localhost/postgres"),
            ("localhost".to_owned(), 5432)
        );
        assert_eq!(
            host_port("postgres://u@[::1]:6543/postgres"),
            ("::1".to_owned(), 6543)
        );
    }
}
