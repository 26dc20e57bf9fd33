//! The harness: per-test databases cloned from a migrated template, the app started in-process
//! against one, personas per role, and request helpers. Databases and replies come from the
//! shared `earlyhelp_tests` support library.

use awc::http::Method;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use diesel::prelude::*;
use diesel::{Connection, PgConnection, RunQueryDsl};
use earlyhelp_domain::role::ReportReach;
use earlyhelp_domain::{LocalityId, OrganisationId, Role, UserId};
use earlyhelp_http::settings::{
    HttpTimeouts, LoginRateLimit, MetricsAccess, ReviewSettings, SigningSecret, TokenSettings,
};
use earlyhelp_http::Settings;
use earlyhelp_persistence::audit::{self, AuditContext};
use earlyhelp_persistence::localities::{self, NewLocality};
use earlyhelp_persistence::organisations::{self, NewOrganisation};
use earlyhelp_persistence::users::{self, NewUser};
use earlyhelp_persistence::PoolSettings;
use earlyhelp_tests::db::{admin_connection, database_exists, database_url, Database};
use earlyhelp_tests::http::{self, bearer, Reply};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::TcpListener;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;
use uuid::Uuid;

/// Everything the servers under test log, at debug level for earlyhelp's own crates, so the
/// privacy test can scan it for personal data. With EARLYHELP_TEST_LOG set the same lines are
/// echoed to the test output as well.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

fn log_buffer() -> &'static std::sync::Mutex<Vec<u8>> {
    static BUFFER: OnceLock<std::sync::Mutex<Vec<u8>>> = OnceLock::new();
    BUFFER.get_or_init(|| std::sync::Mutex::new(Vec::new()))
}

struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut buffer = log_buffer().lock().unwrap_or_else(|e| e.into_inner());
        // Bounded: a runaway logger must not exhaust memory.
        if buffer.len() < 64 * 1024 * 1024 {
            buffer.extend_from_slice(bytes);
        }
        if std::env::var_os("EARLYHELP_TEST_LOG").is_some() {
            eprint!("{}", String::from_utf8_lossy(bytes));
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logging() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let filter = std::env::var("EARLYHELP_TEST_LOG").unwrap_or_else(|_| {
            "info,earlyhelp_http=debug,earlyhelp_persistence=debug,earlyhelp_workflows=debug"
                .to_owned()
        });
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_ansi(false)
            .with_writer(|| Capture)
            .try_init();
    });
}

pub const PASSWORD: &str = "correct horse battery staple";
pub const SECRET: &str = "test-secret-3f9a1c0be47d28e5a6b9c3d0f1e2a4b5c6d7e8f9";
pub const ISSUER: &str = "earlyhelp";
pub const AUDIENCE: &str = "earlyhelp-api";

/// The template's name carries a hash of the migrations, so a changed migration gets a fresh
/// template while unchanged runs reuse the one they built before.
fn template_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
        let mut files: Vec<_> = walk(&root);
        files.sort();
        let mut hasher = Sha256::new();
        // The template also holds what `prepare` publishes, so a changed built-in form rebuilds it.
        hasher
            .update(serde_json::to_vec(&earlyhelp_domain::forms::snf_v1()).expect("template json"));
        for file in files {
            hasher.update(file.to_string_lossy().as_bytes());
            hasher.update(std::fs::read(&file).expect("read migration"));
        }
        let digest = hasher.finalize();
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        let name = format!("earlyhelp_template_{hex}");
        build_template(&name);
        name
    })
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("migrations dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Builds the template once across concurrent test processes, under an advisory lock.
fn build_template(name: &str) {
    let mut conn = admin_connection();
    diesel::sql_query("SELECT pg_advisory_lock(727274)")
        .execute(&mut conn)
        .expect("lock");
    if !database_exists(&mut conn, name) {
        let building = format!("{name}_building");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {building}"))
            .execute(&mut conn)
            .expect("drop stale");
        diesel::sql_query(format!("CREATE DATABASE {building}"))
            .execute(&mut conn)
            .expect("create template");
        {
            let mut template =
                PgConnection::establish(&database_url(&building)).expect("connect template");
            earlyhelp_persistence::migrations::prepare(&mut template).expect("migrate template");
        }
        diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
            .execute(&mut conn)
            .expect("publish template");
    }
    diesel::sql_query("SELECT pg_advisory_unlock(727274)")
        .execute(&mut conn)
        .expect("unlock");
}

/// The login role every app under test connects as, as a production server does: it owns
/// nothing and holds only what the migrations grant `earlyhelp_app`.
pub const SERVING_ROLE: &str = "earlyhelp_test_server";
const SERVING_PASSWORD: &str = "earlyhelp-test-server";

/// Makes the serving login role once per server (roles are cluster-wide), after the template's
/// migrations have made `earlyhelp_app`.
fn ensure_serving_role() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let mut conn = admin_connection();
        diesel::sql_query(format!(
            "DO $$ BEGIN \
               IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SERVING_ROLE}') THEN \
                 CREATE ROLE {SERVING_ROLE} LOGIN PASSWORD '{SERVING_PASSWORD}' IN ROLE earlyhelp_app; \
               END IF; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; \
             END $$"
        ))
        .execute(&mut conn)
        .expect("create the serving role");
    });
}

/// The URL of `db` for the serving role.
pub fn serving_url(db: &Database) -> String {
    ensure_serving_role();
    db.url_as(SERVING_ROLE, SERVING_PASSWORD)
}

/// A database of the test's own, cloned from the migrated template and dropped afterwards.
pub fn test_db() -> Database {
    Database::clone_of(template_name(), "earlyhelp_test")
}

/// An empty database of the test's own, with no migrations applied.
fn unmigrated_db() -> Database {
    Database::create("earlyhelp_test")
}

/// A user of the test directory.
#[derive(Debug, Clone)]
pub struct Persona {
    pub id: Uuid,
    pub email: String,
    pub organisation_id: Uuid,
    pub locality_id: Option<Uuid>,
}

/// Every persona of the directory: a user per role, plus a second practitioner and LCSS worker
/// in the other locality.
pub const PERSONAS: [&str; 9] = [
    "practitioner",
    "practitioner2",
    "lcss_worker",
    "lcss_worker2",
    "lcss_manager",
    "social_care",
    "manager",
    "admin",
    "auditor",
];

/// The directory every test starts with: two localities, organisations in each, and the
/// [`PERSONAS`].
pub struct Directory {
    pub north: Uuid,
    pub south: Uuid,
    pub north_school: Uuid,
    pub personas: HashMap<&'static str, Persona>,
}

impl Directory {
    /// No one: for an app whose database cannot hold a directory.
    fn empty() -> Self {
        Self {
            north: Uuid::nil(),
            south: Uuid::nil(),
            north_school: Uuid::nil(),
            personas: HashMap::new(),
        }
    }
}

fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| earlyhelp_workflows::passwords::hash(PASSWORD).expect("hash"))
}

fn seed_directory(conn: &mut PgConnection) -> Directory {
    let context = AuditContext {
        actor: None,
        request_id: "test-seed".into(),
        client_address: None,
    };
    audit::audited(conn, &context, |conn, trail| {
        let mut locality = |name: &str| {
            localities::create(
                conn,
                trail,
                &NewLocality {
                    id: LocalityId::generate(),
                    name: name.into(),
                    phone: None,
                    email: None,
                    address: None,
                    opening_hours: None,
                    mash_phone: None,
                },
            )
            .map(|l| Uuid::from(l.id))
        };
        let north = locality("North")?;
        let south = locality("South")?;
        let mut organisation = |name: &str, kind: &str, locality: Option<Uuid>| {
            organisations::create(
                conn,
                trail,
                &NewOrganisation {
                    id: OrganisationId::generate(),
                    name: name.into(),
                    kind: kind.parse().expect("organisation kind"),
                    locality_id: locality.map(LocalityId::from),
                },
            )
            .map(|o| Uuid::from(o.id))
        };
        let north_school = organisation("Northgate Primary School", "school", Some(north))?;
        let south_school = organisation("Southfield Primary School", "school", Some(south))?;
        let north_lcss = organisation("LCSS North", "lcss", Some(north))?;
        let south_lcss = organisation("LCSS South", "lcss", Some(south))?;
        let csc = organisation("Children's Social Care", "children_social_care", None)?;
        let council = organisation("County Council", "other", None)?;
        let mut personas = HashMap::new();
        for key in PERSONAS {
            let (role, organisation_id, locality_id) = match key {
                "practitioner" => (Role::Practitioner, north_school, Some(north)),
                "practitioner2" => (Role::Practitioner, south_school, Some(south)),
                "lcss_worker" => (Role::LcssWorker, north_lcss, Some(north)),
                "lcss_worker2" => (Role::LcssWorker, south_lcss, Some(south)),
                "lcss_manager" => (Role::LcssManager, north_lcss, Some(north)),
                "social_care" => (Role::SocialCare, csc, None),
                "manager" => (Role::Manager, council, None),
                "admin" => (Role::Admin, council, None),
                "auditor" => (Role::Auditor, council, None),
                other => unreachable!("persona {other} has no place in the directory"),
            };
            let email = format!("{key}@test.earlyhelp.test");
            let user = users::create(
                conn,
                trail,
                &NewUser {
                    id: UserId::generate(),
                    email: email.clone(),
                    display_name: format!("Test {key}"),
                    password_hash: password_hash().to_owned(),
                    roles: vec![role],
                    organisation_id: organisation_id.into(),
                    locality_id: locality_id.map(LocalityId::from),
                    // The manager persona reads the whole authority's reports.
                    report_reach: ReportReach::County,
                },
            )?;
            personas.insert(
                key,
                Persona {
                    id: user.id.into(),
                    email,
                    organisation_id,
                    locality_id,
                },
            );
        }
        Ok(Directory {
            north,
            south,
            north_school,
            personas,
        })
    })
    .expect("seed test directory")
}

pub fn settings(database_url: &str) -> Settings {
    Settings {
        database_url: database_url.to_owned(),
        tokens: TokenSettings {
            secret: SigningSecret::new(SECRET).expect("test secret"),
            issuer: ISSUER.into(),
            audience: AUDIENCE.into(),
            access_ttl: Duration::from_secs(900),
            session_ttl: Duration::from_secs(43_200),
        },
        pool: PoolSettings {
            max_size: 2,
            acquire_timeout: Duration::from_millis(1_500),
        },
        login_rate_limit: LoginRateLimit::default(),
        review: ReviewSettings::default(),
        workers: 1,
        metrics: MetricsAccess::Hidden,
        timeouts: HttpTimeouts::default(),
        trusted_proxies: Default::default(),
        audit_seal_interval: Some(Duration::from_millis(100)),
        access_window: Default::default(),
        cors_origins: Default::default(),
    }
}

/// The claims of a signed token, read without checking the signature.
pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("claims")
}

#[derive(Debug, Clone)]
pub struct AuditRow {
    pub action: String,
    pub outcome: String,
    pub actor: Option<Uuid>,
    pub entity: Option<Uuid>,
    pub request_id: String,
    pub client_address: Option<String>,
}

pub struct TestApp {
    pub address: String,
    pub db: Database,
    pub directory: Directory,
    client: awc::Client,
}

/// A request to the app being built: a bearer token and headers, then sent with or without a
/// body. Sending panics if no reply comes; the reply is checked by the test.
pub struct Request<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    token: Option<String>,
    headers: Vec<(String, String)>,
}

impl Request<'_> {
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn build(&self) -> awc::ClientRequest {
        let mut request = self
            .app
            .client
            .request(self.method.clone(), self.app.url(&self.path));
        if let Some(token) = &self.token {
            request = bearer(request, token);
        }
        for (name, value) in &self.headers {
            request = request.insert_header((name.as_str(), value.as_str()));
        }
        request
    }

    fn answered(&self, reply: Result<Reply, String>) -> Reply {
        reply.unwrap_or_else(|error| panic!("{} {}: no reply: {error}", self.method, self.path))
    }

    pub async fn send(self) -> Reply {
        self.answered(http::send(self.build(), None).await)
    }

    pub async fn json(self, body: &Value) -> Reply {
        self.answered(http::send(self.build(), Some(body)).await)
    }

    pub async fn raw(self, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        self.answered(http::send_raw(self.build(), content_type, body.into()).await)
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let db = test_db();
        let directory = seed_directory(&mut db.connect());
        let mut settings = settings(&serving_url(&db));
        configure(&mut settings);
        Self::start(db, directory, &settings)
    }

    fn start(db: Database, directory: Directory, settings: &Settings) -> Self {
        init_logging();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let server = earlyhelp_http::server(listener, settings).expect("server");
        actix_web::rt::spawn(server);
        Self {
            address,
            db,
            directory,
            client: http::client(Duration::from_secs(30)),
        }
    }

    /// An app on a database created with the C locale, migrated from scratch.
    pub async fn spawn_on_c_locale() -> Self {
        let db = Database::create_c_locale("earlyhelp_test");
        earlyhelp_persistence::migrations::prepare(&mut db.connect()).expect("migrate");
        let directory = seed_directory(&mut db.connect());
        let settings = settings(&serving_url(&db));
        Self::start(db, directory, &settings)
    }

    /// An app whose database is unreachable (nothing listens on its port).
    pub async fn spawn_without_database() -> Self {
        let mut settings =
            settings("postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1");
        settings.pool.acquire_timeout = Duration::from_millis(500);
        Self::start(unmigrated_db(), Directory::empty(), &settings)
    }

    /// An app on a database with no migrations applied.
    pub async fn spawn_unmigrated() -> Self {
        let db = unmigrated_db();
        let settings = settings(&db.url);
        Self::start(db, Directory::empty(), &settings)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn request(&self, method: Method, path: &str) -> Request<'_> {
        Request {
            app: self,
            method,
            path: path.to_owned(),
            token: None,
            headers: Vec::new(),
        }
    }

    pub fn get(&self, path: &str) -> Request<'_> {
        self.request(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Request<'_> {
        self.request(Method::POST, path)
    }

    pub fn patch(&self, path: &str) -> Request<'_> {
        self.request(Method::PATCH, path)
    }

    pub fn put(&self, path: &str) -> Request<'_> {
        self.request(Method::PUT, path)
    }

    pub fn persona(&self, key: &str) -> &Persona {
        self.directory
            .personas
            .get(key)
            .unwrap_or_else(|| panic!("no persona {key}"))
    }

    pub async fn login_response(&self, email: &str, password: &str) -> Reply {
        self.post("/api/v1/auth/login")
            .json(&json!({ "email": email, "password": password }))
            .await
    }

    /// Signs in as a persona and returns `(access_token, refresh_token)`.
    pub async fn login(&self, key: &str) -> (String, String) {
        let email = self.persona(key).email.clone();
        let response = self.login_response(&email, PASSWORD).await;
        response.assert_status(200);
        let body = response.json();
        (
            body["access_token"].as_str().expect("access").to_owned(),
            body["refresh_token"].as_str().expect("refresh").to_owned(),
        )
    }

    pub async fn token(&self, key: &str) -> String {
        self.login(key).await.0
    }

    /// Audit entries, oldest first.
    pub fn audit_rows(&self) -> Vec<AuditRow> {
        use earlyhelp_persistence::schema::audit_events::dsl::*;
        audit_events
            .order((occurred_at, id))
            .select((
                action,
                outcome,
                actor_id,
                entity_id,
                request_id,
                client_address,
            ))
            .load::<(
                String,
                String,
                Option<Uuid>,
                Option<Uuid>,
                String,
                Option<String>,
            )>(&mut self.db.connect())
            .expect("audit rows")
            .into_iter()
            .map(
                |(action_, outcome_, actor, entity, request, client)| AuditRow {
                    action: action_,
                    outcome: outcome_,
                    actor,
                    entity,
                    request_id: request,
                    client_address: client,
                },
            )
            .collect()
    }
}
