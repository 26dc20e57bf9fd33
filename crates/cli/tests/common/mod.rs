//! What every command-line test uses: scratch databases and running the binary.

// Not every test file uses every helper.
#![allow(dead_code)]

use diesel::{Connection, PgConnection, RunQueryDsl};
use std::io::Write;
use std::process::{Command, Output, Stdio};

pub fn admin_url() -> String {
    std::env::var("EARLYHELP_TEST_DATABASE_URL").unwrap_or_else(|_| {
        "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".to_owned()
    })
}

pub fn url_for(database: &str) -> String {
    let admin = admin_url();
    let (base, query) = admin
        .split_once('?')
        .map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    query.map_or_else(
        || format!("{server}/{database}"),
        |q| format!("{server}/{database}?{q}"),
    )
}

/// A scratch database, dropped afterwards.
pub struct Scratch(pub String);

impl Scratch {
    pub fn new() -> Self {
        let name = format!("earlyhelp_cli_{}", uuid_like());
        let mut conn = PgConnection::establish(&admin_url()).expect("connect");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create");
        Self(name)
    }

    pub fn url(&self) -> String {
        url_for(&self.0)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&admin_url()) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0))
                .execute(&mut conn);
        }
    }
}

pub fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{}_{nanos}", std::process::id())
}

pub fn earlyhelp(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_earlyhelp"));
    command
        .args(args)
        .env_remove("EARLYHELP_JWT_SECRET")
        .env_remove("DATABASE_URL")
        .env_remove("EARLYHELP_MIGRATION_DATABASE_URL")
        .env("RUST_LOG", "warn");
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn earlyhelp");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
