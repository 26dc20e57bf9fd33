//! SIGTERM is a graceful shutdown: the listener closes at once, requests in flight finish
//! with their normal answers, and the process exits 0.

use crate::harness::{
    block_on, poll_until, serial, FaultDb, RawExchange, Server, TableLock, ADMIN, DEMO_PASSWORD,
};
use earlyhelp_tests::http::client;
use serde_json::json;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[test]
fn sigterm_finishes_requests_in_flight_refuses_new_connections_and_exits_0() {
    let _serial = serial();
    let started = Instant::now();
    let db = FaultDb::create();
    // A connection for each request held in flight, and a generous wait for one, so nothing
    // here is about pool limits.
    let mut server = Server::start(&db, "sigterm", 4, 15_000);
    block_on(async { server.wait_ready(&client(Duration::from_secs(5))).await });
    let port = server.port;
    let credentials = json!({ "email": ADMIN, "password": DEMO_PASSWORD });
    let login = RawExchange::send(port, "POST", "/api/v1/auth/login", None, Some(&credentials))
        .receive(Duration::from_secs(10))
        .expect("sign in");
    assert_eq!(login.status, 200, "{}", login.body);
    let token = serde_json::from_str::<serde_json::Value>(&login.body).expect("login JSON")
        ["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned();

    // Hold the requests in flight deterministically: they all read `users`, which another
    // transaction locks until we let go.
    let mut lock = TableLock::take(&db, "users");
    let in_flight = vec![
        (
            "POST /api/v1/auth/login",
            RawExchange::send(port, "POST", "/api/v1/auth/login", None, Some(&credentials)),
        ),
        (
            "POST /api/v1/auth/login",
            RawExchange::send(port, "POST", "/api/v1/auth/login", None, Some(&credentials)),
        ),
        (
            "GET /api/v1/me",
            RawExchange::send(port, "GET", "/api/v1/me", Some(&token), None),
        ),
        (
            "GET /api/v1/me",
            RawExchange::send(port, "GET", "/api/v1/me", Some(&token), None),
        ),
    ];
    let waiting = poll_until(Duration::from_secs(10), Duration::from_millis(20), || {
        let waiting = db.waiting_on_locks();
        (waiting >= 4).then_some(waiting)
    });
    assert!(
        waiting.is_some(),
        "the requests never reached the database (waiting on the lock: {})",
        db.waiting_on_locks()
    );

    server.terminate();
    let terminated_at = Instant::now();

    // The listener closes while the requests are still in flight.
    let refused =
        poll_until(
            Duration::from_secs(3),
            Duration::from_millis(10),
            || match TcpStream::connect(("127.0.0.1", port)) {
                Err(error) if error.kind() == ErrorKind::ConnectionRefused => Some(()),
                _ => None,
            },
        );
    assert!(
        refused.is_some(),
        "new connections were still accepted 3 s after SIGTERM"
    );
    let refused_after = terminated_at.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.is_running(),
        "the server exited with requests still in flight: {:?}",
        server.exit_status()
    );
    assert!(
        matches!(
            TcpStream::connect(("127.0.0.1", port)),
            Err(error) if error.kind() == ErrorKind::ConnectionRefused
        ),
        "a new connection was accepted during the graceful shutdown"
    );

    // Let them go: each finishes with its normal answer.
    lock.release();
    for (what, exchange) in in_flight {
        let reply = exchange
            .receive(Duration::from_secs(15))
            .unwrap_or_else(|error| panic!("{what} in flight at SIGTERM got no answer: {error}"));
        assert_eq!(
            reply.status, 200,
            "{what} in flight at SIGTERM: {}\n{}",
            reply.head, reply.body
        );
        let body: serde_json::Value = serde_json::from_str(&reply.body)
            .unwrap_or_else(|_| panic!("{what}: not JSON: {}", reply.body));
        if what.contains("login") {
            assert!(body["access_token"].is_string(), "{what}: {body}");
        } else {
            assert_eq!(body["email"], ADMIN, "{what}: {body}");
        }
    }

    // shutdown_timeout is 30 s; with nothing left in flight it should be much quicker.
    let status = server
        .wait_exit(Duration::from_secs(35))
        .expect("the server did not exit within 35 s of SIGTERM");
    assert!(
        status.success(),
        "the server exited with {status} after SIGTERM; its log:\n{}",
        server.log_text()
    );
    println!(
        "SIGTERM: listener closed after {refused_after:.1?}, exited 0 after {:.1?}; test took {:.1?}",
        terminated_at.elapsed(),
        started.elapsed()
    );
}
