//! The connection itself, spoken over a raw socket to 127.0.0.1: slow clients are cut off in
//! time, and oversize request targets and header sections get problem+json, not an empty body.

use crate::helpers::TestApp;
use serde_json::Value;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// An answer read off the socket.
#[derive(Debug)]
struct RawReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// When the server closed the connection, if it did before the reader gave up.
    closed_after: Option<Duration>,
}

impl RawReply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    #[track_caller]
    fn assert_problem(&self, status: u16, code: &str) -> Value {
        let text = String::from_utf8_lossy(&self.body);
        assert_eq!(self.status, status, "{:?} {text}", self.headers);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let body: Value = serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("{text}"));
        assert_eq!(body["status"], status);
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["type"], format!("urn:earlyhelp:problem:{code}"));
        assert!(
            body["title"].is_string() && body["detail"].is_string(),
            "{body}"
        );
        body
    }
}

fn socket_address(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// Reads what the server sends on `stream` until it closes the connection or `limit` passes,
/// and parses the first answer in it.
fn read_reply(mut stream: TcpStream, started: Instant, limit: Duration) -> RawReply {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut received = Vec::new();
    let mut closed_after = None;
    let mut chunk = [0u8; 16 * 1024];
    while started.elapsed() < limit {
        match stream.read(&mut chunk) {
            Ok(0) => {
                closed_after = Some(started.elapsed());
                break;
            }
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            // A reset after the answer (the client was still sending) is a close too.
            Err(_) => {
                closed_after = Some(started.elapsed());
                break;
            }
        }
    }
    parse(&received, closed_after)
}

fn parse(received: &[u8], closed_after: Option<Duration>) -> RawReply {
    let text = String::from_utf8_lossy(received);
    let end = received
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete answer head in {text:?}"));
    let head = String::from_utf8_lossy(&received[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let body = received[end + 4..]
        .iter()
        .copied()
        .take(length)
        .collect::<Vec<u8>>();
    assert_eq!(
        body.len(),
        length,
        "the answer's body is cut short: {text:?}"
    );
    RawReply {
        status,
        headers,
        body,
        closed_after,
    }
}

/// Sends `request` whole (it should ask for `Connection: close`) and reads the answer.
async fn exchange(app: &TestApp, request: Vec<u8>) -> RawReply {
    let address = socket_address(app);
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(&request).unwrap();
        read_reply(stream, started, Duration::from_secs(10))
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn a_body_sent_a_byte_a_second_is_cut_off_with_408_problem_and_the_connection_closed() {
    let app = TestApp::spawn_with(|settings| settings.timeouts.body = Duration::from_secs(2)).await;
    let address = socket_address(&app);
    let body = br#"{"email":"slow@example.org","password":"one byte at a time"}"#;
    let reply = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut stream = TcpStream::connect(address).unwrap();
        let head = format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        let mut writer = stream.try_clone().unwrap();
        // The whole body would take a minute; the writer stops when the server hangs up.
        std::thread::spawn(move || {
            for byte in body {
                if writer.write_all(&[*byte]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        });
        read_reply(stream, started, Duration::from_secs(20))
    })
    .await
    .unwrap();
    let problem = reply.assert_problem(408, "request_timeout");
    assert!(
        problem["detail"].as_str().unwrap().contains("2 s"),
        "{problem}"
    );
    assert_eq!(reply.header("connection"), Some("close"));
    let closed = reply
        .closed_after
        .expect("the server closes the connection");
    assert!(
        closed < Duration::from_secs(8),
        "closed only after {closed:?}, with the body {} s from complete",
        body.len()
    );
}

#[actix_web::test]
async fn a_request_head_not_sent_in_time_ends_the_connection() {
    let app = TestApp::spawn_with(|settings| {
        settings.timeouts.request_head = Duration::from_secs(1);
    })
    .await;
    let address = socket_address(&app);
    let closed = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: 12")
            .unwrap();
        read_reply(stream, started, Duration::from_secs(10))
    })
    .await
    .unwrap();
    // actix's own bare 408: the head never arrived, so no request reached the app.
    assert_eq!(closed.status, 408);
    let after = closed.closed_after.expect("closed");
    assert!(
        after < Duration::from_secs(4),
        "closed only after {after:?}"
    );
}

#[actix_web::test]
async fn an_idle_connection_is_closed_after_the_keep_alive_timeout() {
    let app = TestApp::spawn_with(|settings| {
        settings.timeouts.keep_alive = Duration::from_secs(1);
    })
    .await;
    let address = socket_address(&app);
    let reply = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        read_reply(stream, started, Duration::from_secs(10))
    })
    .await
    .unwrap();
    assert_eq!(reply.status, 200);
    let after = reply.closed_after.expect("the idle connection is closed");
    assert!(
        after < Duration::from_secs(4),
        "closed only after {after:?}"
    );
}

fn get_with(target: &str, headers: &[(String, String)]) -> Vec<u8> {
    let mut request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.into_bytes()
}

#[actix_web::test]
async fn a_request_target_over_8_kib_is_414_problem() {
    let app = TestApp::spawn().await;
    let padded = |length: usize| {
        let stem = "/healthz?pad=";
        format!("{stem}{}", "a".repeat(length - stem.len()))
    };
    exchange(&app, get_with(&padded(8 * 1024), &[]))
        .await
        .assert_status(200);
    let reply = exchange(&app, get_with(&padded(8 * 1024 + 1), &[])).await;
    reply.assert_problem(414, "uri_too_long");
    assert!(reply.header("x-request-id").is_some());
    // Far over the limit but under what actix's parser holds (about 64 KiB): still ours.
    exchange(&app, get_with(&padded(60 * 1024), &[]))
        .await
        .assert_problem(414, "uri_too_long");
    exchange(
        &app,
        get_with(&format!("/api/v1/families/{}", "x".repeat(9000)), &[]),
    )
    .await
    .assert_problem(414, "uri_too_long");
}

#[actix_web::test]
async fn more_than_64_header_fields_or_32_kib_of_them_is_431_problem() {
    let app = TestApp::spawn().await;
    // `Host` and `Connection` are two of the fields.
    let fields = |count: usize| -> Vec<(String, String)> {
        (0..count)
            .map(|n| (format!("x-field-{n}"), "value".to_owned()))
            .collect()
    };
    exchange(&app, get_with("/healthz", &fields(62)))
        .await
        .assert_status(200);
    exchange(&app, get_with("/healthz", &fields(63)))
        .await
        .assert_problem(431, "request_header_fields_too_large");
    exchange(&app, get_with("/healthz", &fields(90)))
        .await
        .assert_problem(431, "request_header_fields_too_large");
    let bulky: Vec<(String, String)> = (0..5)
        .map(|n| (format!("x-bulk-{n}"), "b".repeat(7 * 1024)))
        .collect();
    exchange(&app, get_with("/healthz", &bulky))
        .await
        .assert_problem(431, "request_header_fields_too_large");
    let token = app.token("admin").await;
    // A realistic request with a bearer token and a few headers is well inside the limits.
    exchange(
        &app,
        get_with(
            "/api/v1/me",
            &[("authorization".to_owned(), format!("Bearer {token}"))],
        ),
    )
    .await
    .assert_status(200);
}

impl RawReply {
    #[track_caller]
    fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }
}

#[actix_web::test]
async fn browsers_on_the_listed_origins_may_call_the_api_and_no_others() {
    use awc::http::Method;
    let portal = "https://portal.example.gov.uk";
    fn preflight<'a>(
        app: &'a crate::helpers::TestApp,
        origin: &str,
    ) -> crate::helpers::Request<'a> {
        app.request(Method::OPTIONS, "/api/v1/families")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type, idempotency-key",
            )
    }
    // None listed (the default): no CORS at all; a preflight is any other OPTIONS.
    let closed = crate::helpers::TestApp::spawn().await;
    let refused = preflight(&closed, portal).send().await;
    assert_eq!(refused.status, 405);
    assert!(refused.header("access-control-allow-origin").is_none());

    let open = crate::helpers::TestApp::spawn_with(|settings| {
        settings.cors_origins = earlyhelp_http::cors::CorsOrigins::parse(portal).unwrap();
    })
    .await;
    let allowed = preflight(&open, portal).send().await;
    assert_eq!(allowed.status, 200, "{}", allowed.text());
    assert_eq!(
        allowed.header("access-control-allow-origin").as_deref(),
        Some(portal)
    );
    assert!(allowed
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    let read = open.get("/healthz").header("origin", portal).send().await;
    assert_eq!(
        read.header("access-control-allow-origin").as_deref(),
        Some(portal)
    );
    assert!(read
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase()
        .contains("x-request-id"));
    let elsewhere = preflight(&open, "https://elsewhere.example").send().await;
    assert!(elsewhere.header("access-control-allow-origin").is_none());
    let other = open
        .get("/healthz")
        .header("origin", "https://elsewhere.example")
        .send()
        .await;
    assert!(other.header("access-control-allow-origin").is_none());
}
