//! The harness of the fault tests: the real `earlyhelp` binary as a child process, a database
//! of each test's own that the binary migrates and seeds, raw HTTP exchanges, and control of
//! the local PostgreSQL cluster. Databases and HTTP replies come from the shared
//! `earlyhelp_tests` support library.

use diesel::{PgConnection, RunQueryDsl};
use earlyhelp_tests::db::{admin_connection, admin_host_port, count, Database};
use earlyhelp_tests::http::send;
use serde_json::{json, Value};
use std::future::Future;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The demo users' password, set for `seed-demo`.
pub const DEMO_PASSWORD: &str = "fault tests demo passphrase";
pub const ADMIN: &str = "admin@demo.earlyhelp.test";

/// Fault tests kill servers and restart PostgreSQL, so they never run alongside each other.
static LOCK: Mutex<()> = Mutex::new(());

/// Taken first by every test; a test that failed (and so poisoned the lock) does not stop
/// the others.
pub fn serial() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs the async part of a test on an actix system of its own (what `#[actix_web::test]`
/// does), so the serialising guard is never held across an `.await`.
pub fn block_on<F: Future>(future: F) -> F::Output {
    actix_web::rt::System::new().block_on(future)
}

/// Polls `check` every `every` until it gives `Some`, or `within` has passed.
pub fn poll_until<T>(
    within: Duration,
    every: Duration,
    mut check: impl FnMut() -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(every);
    }
}

// ---------------------------------------------------------------------------------------------
// The binary and its databases
// ---------------------------------------------------------------------------------------------

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => workspace().join(dir),
        None => workspace().join("target"),
    }
}

/// `<target>/debug/earlyhelp`, built beforehand by `cargo build -p earlyhelp`.
pub fn binary() -> PathBuf {
    let path = target_dir().join("debug").join("earlyhelp");
    assert!(
        path.is_file(),
        "the earlyhelp binary is missing at {}: the fault tests run the real binary, so run \
         `cargo build -p earlyhelp` first (scripts/test does)",
        path.display()
    );
    path
}

/// Runs the binary's `args` against `database_url` and returns its stdout.
fn run_cli(database_url: &str, args: &[&str]) -> String {
    let output = Command::new(binary())
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("EARLYHELP_DEMO_PASSWORD", DEMO_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run the earlyhelp binary");
    assert!(
        output.status.success(),
        "`earlyhelp {}` failed ({}):\n{}\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A database of the test's own, migrated and seeded by the binary, dropped (WITH (FORCE))
/// when the test ends, however it ends.
pub struct FaultDb {
    database: Database,
}

impl FaultDb {
    pub fn create() -> Self {
        let database = Database::create("earlyhelp_fault");
        run_cli(&database.url, &["migrate"]);
        run_cli(&database.url, &["seed-demo"]);
        Self { database }
    }

    pub fn url(&self) -> &str {
        &self.database.url
    }

    pub fn connect(&self) -> PgConnection {
        self.database.connect()
    }

    /// How many of this database's sessions wait on a lock (requests stuck behind a LOCK).
    pub fn waiting_on_locks(&self) -> i64 {
        count(
            &mut admin_connection(),
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = $1 AND wait_event_type = 'Lock'",
            &self.database.name,
        )
    }

    /// Ends (`pg_terminate_backend`) this database's sessions that wait on a lock, as a
    /// PostgreSQL shutdown ends them: SQLSTATE 57P01, then the connection closes.
    pub fn terminate_waiting(&self) -> i64 {
        count(
            &mut admin_connection(),
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
             WHERE datname = $1 AND wait_event_type = 'Lock'",
            &self.database.name,
        )
    }
}

/// A transaction on another connection holding `LOCK TABLE <table> IN ACCESS EXCLUSIVE MODE`,
/// so the server's queries on that table wait; released by [`TableLock::release`] or drop.
pub struct TableLock {
    conn: Option<PgConnection>,
}

impl TableLock {
    pub fn take(db: &FaultDb, table: &str) -> Self {
        let mut conn = db.connect();
        diesel::sql_query("BEGIN")
            .execute(&mut conn)
            .expect("begin");
        diesel::sql_query(format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
            .execute(&mut conn)
            .expect("lock table");
        Self { conn: Some(conn) }
    }

    pub fn release(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            let _ = diesel::sql_query("ROLLBACK").execute(&mut conn);
        }
    }
}

impl Drop for TableLock {
    fn drop(&mut self) {
        self.release();
    }
}

// ---------------------------------------------------------------------------------------------
// The server process
// ---------------------------------------------------------------------------------------------

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// `earlyhelp serve --dev` as a child process on a free loopback port, its stdout and stderr
/// in a log file. Killed on drop if still running; on a failing test its log is printed.
pub struct Server {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
    exited: Option<ExitStatus>,
}

impl Server {
    /// Starts the server with a pool of `pool_size` connections that waits `pool_timeout_ms`
    /// for one. Call [`Server::wait_ready`] before sending traffic.
    pub fn start(db: &FaultDb, label: &str, pool_size: u32, pool_timeout_ms: u64) -> Self {
        let port = free_port();
        let logs = target_dir().join("fault-logs");
        std::fs::create_dir_all(&logs).expect("create the fault log directory");
        let log = logs.join(format!("{label}-{}.log", Uuid::now_v7().simple()));
        let file = std::fs::File::create(&log).expect("create the server log");
        let stderr = file.try_clone().expect("clone the log handle");
        let child = Command::new(binary())
            .args(["serve", "--dev", "--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", db.url())
            .env_remove("EARLYHELP_BIND")
            .env("EARLYHELP_LOGIN_BURST", "1000")
            .env("EARLYHELP_DB_POOL_SIZE", pool_size.to_string())
            .env("EARLYHELP_DB_POOL_TIMEOUT_MS", pool_timeout_ms.to_string())
            .env("EARLYHELP_LOG_FORMAT", "human")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(stderr)
            .spawn()
            .expect("start `earlyhelp serve`");
        Self {
            child,
            port,
            log,
            exited: None,
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status, if the process has ended.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        if self.exited.is_none() {
            self.exited = self.child.try_wait().expect("poll the server process");
        }
        self.exited
    }

    pub fn is_running(&mut self) -> bool {
        self.exit_status().is_none()
    }

    /// SIGKILL, and reap it.
    pub fn kill(&mut self) -> ExitStatus {
        if let Some(status) = self.exit_status() {
            return status;
        }
        let _ = self.child.kill();
        let status = self.child.wait().expect("reap the killed server");
        self.exited = Some(status);
        status
    }

    /// SIGTERM: the server's graceful shutdown.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill -TERM");
        assert!(status.success(), "kill -TERM {} failed", self.pid());
    }

    /// Waits (bounded) for the process to exit.
    pub fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        poll_until(within, Duration::from_millis(20), || self.exit_status())
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits (at most 20 s) for `/readyz` to answer 200.
    pub async fn wait_ready(&mut self, client: &awc::Client) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.exit_status() {
                panic!(
                    "the server exited ({status}) before it was ready; its log:\n{}",
                    self.log_text()
                );
            }
            if let Ok(response) = send(client.get(self.url("/readyz")), None).await {
                if response.status == 200 {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the server was not ready within 20 s; its log ({}):\n{}",
                self.log.display(),
                self.log_text()
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let text = self.log_text();
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(60)..];
            eprintln!(
                "--- server log {} (last {} lines) ---\n{}\n--- end of server log ---",
                self.log.display(),
                tail.len(),
                tail.join("\n")
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/// Signs in and returns the access token.
pub async fn login(client: &awc::Client, server: &Server, email: &str) -> String {
    let reply = send(
        client.post(server.url("/api/v1/auth/login")),
        Some(&json!({ "email": email, "password": DEMO_PASSWORD })),
    )
    .await
    .expect("send the login");
    assert_eq!(reply.status, 200, "login failed: {}", reply.text());
    reply.json()["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// A raw HTTP/1.1 exchange on its own connection (`Connection: close`), for when the test
/// must control exactly when the request is on the wire and when its answer is read.
pub struct RawExchange {
    stream: TcpStream,
}

pub struct RawReply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl RawExchange {
    /// Connects and writes the whole request; the reply is read later.
    pub fn send(
        port: u16,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Self {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\n\
             content-length: {}\r\n",
            body.len()
        );
        if !body.is_empty() {
            request.push_str("content-type: application/json\r\n");
        }
        if let Some(token) = token {
            request.push_str(&format!("authorization: Bearer {token}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        stream
            .write_all(request.as_bytes())
            .expect("write the request");
        Self { stream }
    }

    /// Reads the reply to the end of the connection, waiting at most `within`.
    pub fn receive(mut self, within: Duration) -> Result<RawReply, String> {
        self.stream
            .set_read_timeout(Some(within))
            .map_err(|error| error.to_string())?;
        let mut raw = Vec::new();
        self.stream
            .read_to_end(&mut raw)
            .map_err(|error| format!("reading the reply: {error}"))?;
        let _ = self.stream.shutdown(Shutdown::Both);
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text
            .split_once("\r\n\r\n")
            .ok_or_else(|| format!("no complete reply: {text:?}"))?;
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| format!("no status line: {head:?}"))?;
        Ok(RawReply {
            status,
            head: head.to_owned(),
            body: body.to_owned(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The PostgreSQL cluster
// ---------------------------------------------------------------------------------------------

/// The local Debian cluster (`pg_ctlcluster`) that serves the admin URL.
#[derive(Debug, Clone)]
pub struct Cluster {
    version: String,
    name: String,
    host: String,
    port: u16,
}

impl Cluster {
    /// The cluster, if this process may control it: we are root, `pg_ctlcluster` exists and
    /// a local online cluster listens on the admin URL's port.
    pub fn find() -> Option<Self> {
        let uid = Command::new("id").arg("-u").output().ok()?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return None;
        }
        let (host, port) = admin_host_port();
        if !matches!(host.as_str(), "127.0.0.1" | "localhost" | "::1") {
            return None;
        }
        Command::new("pg_ctlcluster")
            .arg("--help")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        let clusters = Command::new("pg_lsclusters").arg("-h").output().ok()?;
        if !clusters.status.success() {
            return None;
        }
        String::from_utf8_lossy(&clusters.stdout)
            .lines()
            .find_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                match fields.as_slice() {
                    [version, name, cluster_port, status, ..]
                        if cluster_port.parse() == Ok(port) && status.starts_with("online") =>
                    {
                        Some(Self {
                            version: (*version).to_owned(),
                            name: (*name).to_owned(),
                            host: host.clone(),
                            port,
                        })
                    }
                    _ => None,
                }
            })
    }

    pub fn describe(&self) -> String {
        format!("{} {} on port {}", self.version, self.name, self.port)
    }

    fn ctl(&self, action: &[&str]) -> std::process::Output {
        Command::new("pg_ctlcluster")
            .arg("--skip-systemctl-redirect")
            .args([self.version.as_str(), self.name.as_str()])
            .args(action)
            .stdin(Stdio::null())
            .output()
            .expect("run pg_ctlcluster")
    }

    /// `pg_ctlcluster ... stop -m fast`; returns once PostgreSQL is down.
    pub fn stop(&self) {
        let output = self.ctl(&["stop", "-m", "fast"]);
        assert!(
            output.status.success(),
            "pg_ctlcluster stop failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `pg_ctlcluster ... start` (a no-op if it runs already).
    pub fn start(&self) -> Result<(), String> {
        let output = self.ctl(&["start"]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.success() || stderr.contains("already running") {
            Ok(())
        } else {
            Err(stderr)
        }
    }

    /// `pg_isready`: the server accepts connections.
    pub fn accepting(&self) -> bool {
        Command::new("pg_isready")
            .args(["-h", &self.host, "-p", &self.port.to_string(), "-t", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }

    /// A guard that starts the cluster again, if it is down, when dropped: a failing test
    /// never leaves PostgreSQL stopped.
    pub fn keep_running(&self) -> KeepRunning {
        KeepRunning(self.clone())
    }
}

pub struct KeepRunning(Cluster);

impl Drop for KeepRunning {
    fn drop(&mut self) {
        let cluster = &self.0;
        if cluster.accepting() {
            return;
        }
        if let Err(error) = cluster.start() {
            eprintln!(
                "could not start PostgreSQL {} again: {error}",
                cluster.describe()
            );
        }
        let up = poll_until(Duration::from_secs(30), Duration::from_millis(100), || {
            cluster.accepting().then_some(())
        });
        if up.is_none() {
            eprintln!(
                "PostgreSQL {} is still not accepting connections",
                cluster.describe()
            );
        }
    }
}
