//! Running an installation from the command line: the first administrator and accounts, and
//! the request log of a live server.

// Test code: a failed step should stop the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{earlyhelp, text, Scratch};
use diesel::{Connection, PgConnection, RunQueryDsl};
use std::process::{Command, Stdio};

#[test]
fn a_new_installation_makes_its_first_admin_and_looks_after_accounts_from_the_command_line() {
    let db = Scratch::new();
    let url = db.url();
    let env = [("DATABASE_URL", url.as_str())];
    let run = |args: &[&str], stdin: Option<&str>| {
        let output = earlyhelp(args, &env, stdin);
        assert!(output.status.success(), "{args:?}: {}", text(&output));
        text(&output)
    };
    run(&["migrate"], None);
    run(
        &[
            "locality",
            "create",
            "--name",
            "North",
            "--phone",
            "0345 000 0001",
            "--mash-phone",
            "0345 000 0002",
        ],
        None,
    );
    run(
        &[
            "organisation",
            "create",
            "--name",
            "North LCSS Team",
            "--kind",
            "lcss",
            "--locality",
            "North",
        ],
        None,
    );
    run(
        &[
            "organisation",
            "create",
            "--name",
            "County Council",
            "--kind",
            "other",
        ],
        None,
    );
    let admin = run(
        &[
            "user",
            "create",
            "--email",
            "first.admin@council.example",
            "--role",
            "admin",
            "--org",
            "County Council",
            "--name",
            "First Admin",
        ],
        Some("the first admin passphrase\n"),
    );
    assert!(admin.starts_with("created user "), "{admin}");
    run(
        &[
            "user",
            "create",
            "--email",
            "duty.worker@council.example",
            "--role",
            "lcss_worker",
            "--org",
            "County Council",
            "--locality",
            "North",
            "--name",
            "Duty Worker",
        ],
        Some("a duty worker passphrase\n"),
    );
    let listed = run(&["user", "list"], None);
    assert!(listed.contains("first.admin@council.example") && listed.contains("admin"));
    assert!(listed.contains("duty.worker@council.example") && listed.contains("lcss_worker"));
    #[derive(diesel::QueryableByName)]
    struct Placed {
        #[diesel(sql_type = diesel::sql_types::Text)]
        locality: String,
    }
    let placed: Placed = diesel::sql_query(
        "SELECT l.name AS locality FROM users u JOIN localities l ON l.id = u.locality_id \
         WHERE u.email = 'duty.worker@council.example'",
    )
    .get_result(&mut PgConnection::establish(&url).expect("connect"))
    .expect("the worker's locality");
    assert_eq!(placed.locality, "North", "--locality places the account");

    run(
        &[
            "user",
            "reset-password",
            "--email",
            "duty.worker@council.example",
        ],
        Some("another duty passphrase\n"),
    );
    run(
        &[
            "user",
            "deactivate",
            "--email",
            "duty.worker@council.example",
        ],
        None,
    );
    let listed = run(&["user", "list"], None);
    let worker = listed
        .lines()
        .find(|line| line.contains("duty.worker@council.example"))
        .unwrap();
    assert!(worker.ends_with("inactive"), "{worker}");

    // A role that does not exist is refused with the ones that do; an error is one line.
    let wizard = earlyhelp(
        &[
            "user",
            "create",
            "--email",
            "w@council.example",
            "--role",
            "wizard",
            "--org",
            "County Council",
            "--name",
            "W",
        ],
        &env,
        Some("whatever passphrase here\n"),
    );
    assert!(!wizard.status.success());
    assert!(text(&wizard).contains("lcss_manager"), "{}", text(&wizard));
    let unknown = earlyhelp(
        &["user", "deactivate", "--email", "nobody@council.example"],
        &env,
        None,
    );
    assert!(!unknown.status.success());
    let said = String::from_utf8_lossy(&unknown.stderr).into_owned();
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.starts_with("earlyhelp: --email: no account"), "{said}");
    assert!(!said.contains('\u{1b}'), "no colour codes off a terminal");
}

#[test]
fn json_request_logs_carry_a_numeric_elapsed_time_and_the_callers_trace_id() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    let db = Scratch::new();
    let url = db.url();
    let migrated = earlyhelp(&["migrate"], &[("DATABASE_URL", url.as_str())], None);
    assert!(migrated.status.success(), "{}", text(&migrated));
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_earlyhelp"))
        .args(["serve", "--dev", "--bind", &address])
        .env("DATABASE_URL", &url)
        .env("EARLYHELP_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("EARLYHELP_AUDIT_SEAL_INTERVAL_MS", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn earlyhelp serve");
    let mut stream = None;
    for _ in 0..100 {
        if let Ok(connected) = TcpStream::connect(&address) {
            stream = Some(connected);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut stream = stream.expect("the server listens");
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {address}\r\n\
         traceparent: 00-{trace}-00f067aa0ba902b7-01\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    server.kill().expect("stop the server");
    let output = server.wait_with_output().expect("wait");
    let logs = String::from_utf8_lossy(&output.stderr);
    let line = logs
        .lines()
        .find(|line| line.contains("request served"))
        .unwrap_or_else(|| panic!("no request line in {logs}"));
    let entry: serde_json::Value = serde_json::from_str(line).expect("a JSON log line");
    assert!(entry["elapsed_ms"].is_number(), "{line}");
    assert!(line.contains(trace), "{line}");
}

#[test]
fn shell_completions_name_every_command_without_a_database() {
    for shell in ["bash", "zsh", "fish"] {
        let output = earlyhelp(&["completions", shell], &[], None);
        assert!(output.status.success(), "{shell}: {}", text(&output));
        let script = String::from_utf8_lossy(&output.stdout);
        for command in [
            "migrate",
            "retention",
            "legal-hold",
            "sar",
            "user",
            "locality",
        ] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
}
