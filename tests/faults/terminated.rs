//! A connection PostgreSQL ends in the middle of a query (what a restart, a failover or an
//! operator's `pg_terminate_backend` does): the request answers 503, not 500, and the pool
//! replaces the connection for the next one.

use crate::harness::{block_on, login, serial, FaultDb, Server, TableLock, ADMIN};
use actix_web::rt::time::sleep;
use awc::http::Method;
use earlyhelp_tests::http::{bearer, client, send, Reply};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Sends `path` while `table` is locked, so its query waits inside PostgreSQL; ends that
/// session; returns the reply; then checks the server serves `path` normally again.
fn terminated_mid_query(
    label: &str,
    table: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
    authenticated: bool,
) -> Reply {
    let db = FaultDb::create();
    let mut server = Server::start(&db, label, 2, 1_000);
    block_on(async {
        let http = client(Duration::from_secs(10));
        server.wait_ready(&http).await;
        let token = login(&http, &server, ADMIN).await;
        let request = |token: &str| {
            let request = http.request(method.clone(), server.url(path));
            if authenticated {
                bearer(request, token)
            } else {
                request
            }
        };

        let mut lock = TableLock::take(&db, table);
        let in_flight = {
            let (request, body) = (request(&token), body.clone());
            actix_web::rt::spawn(async move { send(request, body.as_ref()).await })
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while db.waiting_on_locks() < 1 {
            assert!(
                Instant::now() < deadline,
                "{path} never reached the database"
            );
            sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(db.terminate_waiting(), 1, "end the waiting session");
        let reply = in_flight
            .await
            .expect("the request task")
            .unwrap_or_else(|error| panic!("{path} went unanswered: {error}"));
        lock.release();

        let again = send(request(&token), body.as_ref())
            .await
            .unwrap_or_else(|error| panic!("{path} afterwards: {error}"));
        assert!(
            (200..300).contains(&again.status),
            "{path} afterwards: {} {}",
            again.status,
            again.text()
        );
        assert!(server.is_running(), "the server died");
        reply
    })
}

#[test]
fn me_answers_503_when_its_connection_is_terminated() {
    let _serial = serial();
    let reply = terminated_mid_query(
        "terminated-me",
        "users",
        Method::GET,
        "/api/v1/me",
        None,
        true,
    );
    reply.assert_unavailable("GET /api/v1/me whose connection was terminated");
}

#[test]
fn readyz_answers_503_when_its_connection_is_terminated() {
    let _serial = serial();
    let reply = terminated_mid_query(
        "terminated-readyz",
        "__diesel_schema_migrations",
        Method::GET,
        "/readyz",
        None,
        false,
    );
    reply.assert_unavailable("GET /readyz whose connection was terminated");
}

#[test]
fn login_answers_503_when_its_connection_is_terminated() {
    let _serial = serial();
    let reply = terminated_mid_query(
        "terminated-login",
        "users",
        Method::POST,
        "/api/v1/auth/login",
        Some(json!({ "email": ADMIN, "password": crate::harness::DEMO_PASSWORD })),
        false,
    );
    reply.assert_unavailable("POST /api/v1/auth/login whose connection was terminated");
}

#[test]
fn audited_write_answers_503_when_its_connection_is_terminated() {
    let _serial = serial();
    let reply = terminated_mid_query(
        "terminated-write",
        "localities",
        Method::POST,
        "/api/v1/admin/localities",
        Some(json!({ "name": format!("Terminated {}", uuid::Uuid::now_v7().simple()) })),
        true,
    );
    reply.assert_unavailable("POST /api/v1/admin/localities whose connection was terminated");
}
