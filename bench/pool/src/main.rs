//! `pool-bench`: the same per-request auth lookup served two ways, to compare
//!
//! * `GET /blocking/{n}` — blocking diesel `PgConnection` from an r2d2 pool, checked out and
//!   used inside `actix_web::web::block`, exactly like `AppState::db` in crates/http/src/state.rs
//!   (pool settings copied from crates/persistence/src/pool.rs);
//! * `GET /async/{n}` — `diesel_async::AsyncPgConnection` (tokio-postgres) from a deadpool pool,
//!   awaited directly on the actix worker.
//!
//! Both pools have `POOL_SIZE` connections at most (default 4), open lazily, a 2 s acquire
//! timeout and verify a connection with `SELECT 1` on checkout (r2d2 `test_on_check_out`, as in
//! the app; diesel-async's default `RecyclingMethod::Verified`), so they do the same round trips.
//! Only the pool a run hits ever opens connections. The tables mirror the app's `users` and
//! `sessions` (migrations/2026-11-23-000001_foundation), minus foreign keys to other tables.

use actix_web::{get, web, App, HttpResponse, HttpServer};
use chrono::{DateTime, Utc};
use diesel::dsl::now;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool as R2d2Pool};
use diesel_async::pooled_connection::deadpool::Pool as DeadPool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;
use uuid::Uuid;

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        roles -> Array<Text>,
        organisation_id -> Uuid,
        locality_id -> Nullable<Uuid>,
        active -> Bool,
        failed_login_count -> Int4,
        locked_until -> Nullable<Timestamptz>,
        last_login_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        revoked_at -> Nullable<Timestamptz>,
        expires_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions);

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::pg::Pg))]
#[allow(dead_code)]
struct User {
    id: Uuid,
    email: String,
    display_name: String,
    password_hash: String,
    roles: Vec<String>,
    organisation_id: Uuid,
    locality_id: Option<Uuid>,
    active: bool,
    failed_login_count: i32,
    locked_until: Option<DateTime<Utc>>,
    last_login_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct Actor<'a> {
    id: Uuid,
    email: &'a str,
    roles: &'a [String],
    active: bool,
    via: &'static str,
}

/// `SELECT users.* FROM users JOIN sessions ON sessions.user_id = users.id
///  WHERE users.id = $1 AND sessions.id = $2 AND sessions.revoked_at IS NULL
///    AND sessions.expires_at > now()` — built once, run by both variants.
macro_rules! auth_lookup {
    ($user_id:expr, $session_id:expr) => {
        users::table
            .inner_join(sessions::table)
            .filter(users::id.eq($user_id))
            .filter(sessions::id.eq($session_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(now))
            .select(User::as_select())
    };
}

type Blocking = R2d2Pool<ConnectionManager<PgConnection>>;
type Async = DeadPool<AsyncPgConnection>;

struct Bench {
    /// (user id, session id) pairs, loaded once at startup.
    pairs: Vec<(Uuid, Uuid)>,
    blocking: Blocking,
    asynch: Async,
}

fn respond(user: Option<User>, via: &'static str) -> HttpResponse {
    match user {
        Some(u) => HttpResponse::Ok().json(Actor { id: u.id, email: &u.email, roles: &u.roles, active: u.active, via }),
        None => HttpResponse::Unauthorized().finish(),
    }
}

#[get("/blocking/{n}")]
async fn blocking_route(state: web::Data<Bench>, n: web::Path<usize>) -> HttpResponse {
    let (user_id, session_id) = state.pairs[n.into_inner() % state.pairs.len()];
    let pool = state.blocking.clone();
    let result = web::block(move || -> Result<Option<User>, String> {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        auth_lookup!(user_id, session_id)
            .first(&mut conn)
            .optional()
            .map_err(|e| e.to_string())
    })
    .await;
    match result {
        Ok(Ok(user)) => respond(user, "blocking"),
        Ok(Err(e)) => HttpResponse::ServiceUnavailable().body(e),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

#[get("/async/{n}")]
async fn async_route(state: web::Data<Bench>, n: web::Path<usize>) -> HttpResponse {
    let (user_id, session_id) = state.pairs[n.into_inner() % state.pairs.len()];
    let mut conn = match state.asynch.get().await {
        Ok(conn) => conn,
        Err(e) => return HttpResponse::ServiceUnavailable().body(e.to_string()),
    };
    let query = auth_lookup!(user_id, session_id);
    // Fully qualified: diesel's prelude also brings the blocking RunQueryDsl into scope.
    match diesel_async::RunQueryDsl::first(query, &mut conn).await.optional() {
        Ok(user) => respond(user, "async"),
        Err(e) => HttpResponse::ServiceUnavailable().body(e.to_string()),
    }
}

fn main() -> std::io::Result<()> {
    let database_url = std::env::var("DATABASE_URL").expect("DATABASE_URL is required");
    assert!(database_url.contains("sslmode=disable"), "DATABASE_URL must include sslmode=disable");
    let pool_size: u32 = std::env::var("POOL_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(4);
    let workers: usize = std::env::var("WORKERS").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    let bind: SocketAddr = std::env::var("BIND")
        .unwrap_or_else(|_| "127.0.0.1:18181".into())
        .parse()
        .expect("BIND must be ip:port");
    assert!(bind.ip().is_loopback(), "pool-bench only listens on loopback");

    // The pairs, read once over a throwaway blocking connection.
    let pairs: Vec<(Uuid, Uuid)> = {
        let mut conn = PgConnection::establish(&database_url).expect("connect to DATABASE_URL");
        sessions::table
            .select((sessions::user_id, sessions::id))
            .order(sessions::created_at)
            .then_order_by(sessions::id)
            .load(&mut conn)
            .expect("load session pairs")
    };
    assert!(!pairs.is_empty(), "no sessions in the bench database");

    // (A) as crates/persistence/src/pool.rs builds it.
    let blocking = R2d2Pool::builder()
        .max_size(pool_size)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(2))
        .test_on_check_out(true)
        .idle_timeout(Some(Duration::from_secs(300)))
        .build_unchecked(ConnectionManager::<PgConnection>::new(&database_url));

    // (B) diesel-async + deadpool, same size and acquire timeout; recycling = Verified (SELECT 1).
    let asynch = DeadPool::builder(AsyncDieselConnectionManager::<AsyncPgConnection>::new(&database_url))
        .max_size(pool_size as usize)
        .wait_timeout(Some(Duration::from_secs(2)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .expect("build deadpool");

    let state = web::Data::new(Bench { pairs, blocking, asynch });
    eprintln!(
        "pool-bench on http://{bind} pool_size={pool_size} workers={workers} pairs={}",
        state.pairs.len()
    );
    actix_web::rt::System::new().block_on(
        HttpServer::new(move || App::new().app_data(state.clone()).service(blocking_route).service(async_route))
            .workers(workers)
            .backlog(1024)
            .shutdown_timeout(1)
            .bind(bind)?
            .run(),
    )
}
