//! `earlyhelp`: the one binary operators and scripts use. Every command but `openapi` reads
//! DATABASE_URL.

mod audit;
mod directory;
mod retention;
mod seed;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};
use earlyhelp_http::client::TrustedProxies;
use earlyhelp_http::settings::{
    HttpTimeouts, LoginRateLimit, MetricsAccess, ReviewSettings, SigningSecret, TokenSettings,
};
use earlyhelp_http::Settings;
use earlyhelp_persistence::{Db, PoolSettings};
use std::io::{IsTerminal, Read};
use std::net::{TcpListener, ToSocketAddrs};
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "earlyhelp",
    version,
    about = "Early Help case management: server and operator commands"
)]
struct Cli {
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,
    /// PostgreSQL connection URL of the tables' owner, for `migrate` only (default: the
    /// DATABASE_URL). The server itself connects as a role that owns nothing.
    #[arg(
        long,
        env = "EARLYHELP_MIGRATION_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    migration_database_url: Option<String>,
    /// Log format: human-readable lines or JSON objects.
    #[arg(long, env = "EARLYHELP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve(ServeArgs),
    /// Apply pending database migrations.
    Migrate,
    /// Create the demo localities, organisations, users and families at every stage of the
    /// assessment loop (idempotent).
    SeedDemo {
        /// Set every demo user's password again (from EARLYHELP_DEMO_PASSWORD, or a new one).
        #[arg(long)]
        reset_passwords: bool,
    },
    /// Load deterministic synthetic families of realistic shape (children, forms, reviews,
    /// teams, meetings, actions, step-ups and step-downs, consultations) for benchmarks and
    /// query plans. Never on a database with real records. Resumes where a cut-off load stopped.
    SeedSynthetic {
        /// How many families (one episode each) the database should hold when done.
        #[arg(long)]
        families: u64,
        /// The seed every value is drawn from.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Years of history before --as-of.
        #[arg(long, default_value_t = 5)]
        years: u32,
        /// The day the data is as of (default today); the same day and seed give the same data.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Families per transaction.
        #[arg(long, default_value_t = 2000)]
        batch: u64,
        /// Loaders running side by side, each on its own connection (default: one per CPU).
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// The audit trail's hash chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// List the records past their retention date (early help records until the family's
    /// youngest child turns 25, No Names Consultations for 6 years); with --apply, erase their
    /// personal content a batch per transaction, leaving tombstones. Safe to interrupt and run
    /// again; never touches a record under a legal hold.
    Retention {
        /// Erase what is due.
        #[arg(long, conflicts_with = "dry_run")]
        apply: bool,
        /// Only list what is due (the default).
        #[arg(long)]
        dry_run: bool,
        /// The day to judge by (default today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Records per transaction.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        batch: i64,
        /// Stop after this many batches; the next run carries on.
        #[arg(long)]
        max_batches: Option<u64>,
        /// A family's records are kept until its youngest child reaches this age.
        #[arg(long, env = "EARLYHELP_RETENTION_CHILD_AGE", default_value_t = 25)]
        child_age: u32,
        /// A No Names Consultation is kept this many years.
        #[arg(
            long,
            env = "EARLYHELP_RETENTION_CONSULTATION_YEARS",
            default_value_t = 6
        )]
        consultation_years: u32,
    },
    /// Place (with --reason) or lift (--release) a legal hold on a family or a consultation:
    /// retention and erasure never touch a held record.
    LegalHold {
        /// The family's id.
        #[arg(
            long,
            conflicts_with = "consultation",
            required_unless_present = "consultation"
        )]
        family: Option<uuid::Uuid>,
        /// The No Names Consultation's id.
        #[arg(long)]
        consultation: Option<uuid::Uuid>,
        /// Why it is held (for example, care proceedings): places the hold.
        #[arg(long, conflicts_with = "release", required_unless_present = "release")]
        reason: Option<String>,
        /// Lifts the hold.
        #[arg(long)]
        release: bool,
    },
    /// Subject access requests.
    Sar {
        #[command(subcommand)]
        command: SarCommand,
    },
    /// Manage localities.
    Locality {
        #[command(subcommand)]
        command: LocalityCommand,
    },
    /// Manage organisations.
    Organisation {
        #[command(subcommand)]
        command: OrganisationCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document (YAML) the server serves; `openapi/openapi.yaml` is this
    /// output. Needs no database.
    Openapi,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain over the audit trail and report the first broken or missing
    /// link (exit status 1), or that it is intact.
    Verify,
    /// Seal every committed entry now (a running server does this every second by itself).
    Seal {
        /// Seconds to wait for entries of transactions still in flight.
        #[arg(long, default_value_t = 10)]
        wait_seconds: u64,
    },
}

#[derive(Subcommand)]
enum SarCommand {
    /// Write everything held about one person to a ZIP of JSON documents with an HTML summary
    /// (audited).
    Export {
        /// The person's id.
        #[arg(long)]
        person: uuid::Uuid,
        /// Where to write the ZIP (default: subject-access-<id>.zip here).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input, or prompted for on a terminal.
    /// The first administrator of a new installation is made this way.
    Create {
        /// The sign-in email.
        #[arg(long)]
        email: String,
        /// A role; repeat for several.
        #[arg(long = "role", required = true, value_parser = clap::builder::PossibleValuesParser::new(earlyhelp_domain::Role::ALL.map(earlyhelp_domain::Role::as_str)))]
        roles: Vec<String>,
        /// The organisation: its id or its exact name.
        #[arg(long)]
        org: String,
        /// The locality whose records an LCSS role reaches: its id or exact name (default: the
        /// organisation's).
        #[arg(long)]
        locality: Option<String>,
        /// The name shown to colleagues.
        #[arg(long)]
        name: String,
        /// How far a manager's reports reach: their organisation, their locality, or the
        /// whole authority (county). Other roles ignore it.
        #[arg(long, default_value = "organisation", value_parser = ["organisation", "locality", "county"])]
        report_reach: String,
    },
    /// List every account: id, email, roles, and whether it is active.
    List,
    /// Deactivate an account; its sessions end at once.
    Deactivate {
        /// The account's sign-in email.
        #[arg(long)]
        email: String,
    },
    /// Set an account's password, read from standard input (or prompted for on a terminal);
    /// lifts lockouts and ends its sessions.
    ResetPassword {
        /// The account's sign-in email.
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum LocalityCommand {
    /// Create a locality (an area served by one LCSS team) with its public contacts.
    Create {
        /// The locality's name, e.g. North.
        #[arg(long)]
        name: String,
        /// The LCSS team's phone number.
        #[arg(long)]
        phone: Option<String>,
        /// The LCSS team's mailbox.
        #[arg(long)]
        email: Option<String>,
        /// The LCSS team's postal address.
        #[arg(long)]
        address: Option<String>,
        /// When the LCSS team can be reached, e.g. "Monday to Friday, 9am to 5pm".
        #[arg(long)]
        opening_hours: Option<String>,
        /// The MASH number quoted when a concern is critical (threshold level 4).
        #[arg(long)]
        mash_phone: Option<String>,
    },
}

#[derive(Subcommand)]
enum OrganisationCommand {
    /// Create an organisation (a school, a GP practice, an LCSS team...).
    Create {
        /// Its name, as staff know it.
        #[arg(long)]
        name: String,
        /// What kind of agency it is.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(earlyhelp_domain::directory::OrganisationKind::ALL.map(earlyhelp_domain::directory::OrganisationKind::as_str)))]
        kind: String,
        /// The locality it serves: id or exact name (omit for one serving the whole authority).
        #[arg(long)]
        locality: Option<String>,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Development mode: allows a missing signing secret by generating a throwaway one.
    #[arg(long)]
    dev: bool,
    /// Address to listen on.
    #[arg(long, env = "EARLYHELP_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// HS256 signing secret for access tokens, at least 32 bytes.
    #[arg(long, env = "EARLYHELP_JWT_SECRET", hide_env_values = true)]
    jwt_secret: Option<String>,
    /// The issuer (`iss`) access tokens carry and must carry.
    #[arg(long, env = "EARLYHELP_JWT_ISSUER", default_value = "earlyhelp")]
    jwt_issuer: String,
    /// The audience (`aud`) access tokens carry and must carry.
    #[arg(long, env = "EARLYHELP_JWT_AUDIENCE", default_value = "earlyhelp-api")]
    jwt_audience: String,
    /// Seconds an access token lasts (refresh for another).
    #[arg(
        long,
        env = "EARLYHELP_ACCESS_TOKEN_TTL_SECONDS",
        default_value_t = 900
    )]
    access_token_ttl_seconds: u64,
    /// How long a sign-in lasts, however often its tokens are refreshed.
    #[arg(
        long,
        env = "EARLYHELP_REFRESH_TOKEN_TTL_SECONDS",
        default_value_t = 43_200
    )]
    refresh_token_ttl_seconds: u64,
    /// Database connections in the pool.
    #[arg(long, env = "EARLYHELP_DB_POOL_SIZE", default_value_t = 4)]
    db_pool_size: u32,
    /// How long a request waits for a database connection before it gets 503.
    #[arg(long, env = "EARLYHELP_DB_POOL_TIMEOUT_MS", default_value_t = 2_000)]
    db_pool_timeout_ms: u64,
    /// Sign-in attempts a client address may make at once.
    #[arg(long, env = "EARLYHELP_LOGIN_BURST", default_value_t = 20)]
    login_burst: u32,
    /// Sign-in attempts a client address regains per second.
    #[arg(long, env = "EARLYHELP_LOGIN_PER_SECOND", default_value_t = 1)]
    login_per_second: u32,
    /// Working days LCSS has to review a submitted Strengths and Needs form.
    #[arg(long, env = "EARLYHELP_REVIEW_WORKING_DAYS", default_value_t = 10)]
    review_working_days: u32,
    /// Weeks from forming a Team Around the Family to its first review (later reviews are set
    /// by each meeting's minutes).
    #[arg(long, env = "EARLYHELP_TAF_REVIEW_WEEKS", default_value_t = 6)]
    taf_review_weeks: u32,
    /// Extra non-working days (comma-separated YYYY-MM-DD) on top of England and Wales bank holidays.
    #[arg(long, env = "EARLYHELP_EXTRA_HOLIDAYS", default_value = "")]
    extra_holidays: String,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "EARLYHELP_WORKERS")]
    workers: Option<usize>,
    /// Reverse proxies and load balancers whose X-Forwarded-For names the client: addresses
    /// or CIDR networks, comma-separated (e.g. 10.0.0.0/8,192.168.1.10). Empty: none, the
    /// TCP peer is the client.
    #[arg(long, env = "EARLYHELP_TRUSTED_PROXIES", default_value = "")]
    trusted_proxies: String,
    /// Bearer token /metrics asks for on the main listener, at least 32 characters.
    #[arg(long, env = "EARLYHELP_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Serve /metrics on this address instead (e.g. 127.0.0.1:9464), without a token.
    #[arg(long, env = "EARLYHELP_METRICS_BIND")]
    metrics_bind: Option<String>,
    /// Seconds a client has to send a request's head (line and headers) after connecting.
    #[arg(
        long,
        env = "EARLYHELP_REQUEST_HEAD_TIMEOUT_SECONDS",
        default_value_t = 5
    )]
    request_head_timeout_seconds: u64,
    /// Seconds an idle connection is kept open between requests.
    #[arg(long, env = "EARLYHELP_KEEP_ALIVE_SECONDS", default_value_t = 5)]
    keep_alive_seconds: u64,
    /// Seconds a client has to send a request's whole body after its head; then 408.
    #[arg(long, env = "EARLYHELP_BODY_TIMEOUT_SECONDS", default_value_t = 10)]
    body_timeout_seconds: u64,
    /// Milliseconds between runs of the background sealer that chains committed audit entries
    /// (0: this server does not seal; another instance or `earlyhelp audit seal` must).
    #[arg(
        long,
        env = "EARLYHELP_AUDIT_SEAL_INTERVAL_MS",
        default_value_t = 1_000
    )]
    audit_seal_interval_ms: u64,
    /// Hours that access to a family outside one's scope (break glass) lasts, 1 to 168.
    #[arg(
        long,
        env = "EARLYHELP_ACCESS_REQUEST_HOURS",
        default_value_t = 24,
        value_parser = clap::value_parser!(u32).range(1..=168)
    )]
    access_request_hours: u32,
    /// Origins whose browser pages may call the API, comma-separated and exact
    /// (https://portal.example.gov.uk). Empty: none, and browsers on other origins get no
    /// CORS headers.
    #[arg(long, env = "EARLYHELP_CORS_ORIGINS", default_value = "")]
    cors_origins: String,
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour only for a person at a terminal: a log file or collector gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Human => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
    }
}

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // One line, on standard error; the log is not written to twice.
            eprintln!("earlyhelp: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The URL of setting `name`: set, well formed, and (unless `serving`) a database that
/// answers. A refusal (no such database, a wrong password) is reported at once, in the
/// server's words; a server that does not answer stops a command but not `serve`, which
/// starts and reports not ready until it does.
fn usable_url(url: Option<&String>, name: &'static str, serving: bool) -> anyhow::Result<String> {
    let url = url.with_context(|| format!("{name} is not set"))?.clone();
    earlyhelp_persistence::check_url(name, &url)?;
    match earlyhelp_persistence::probe(&url) {
        earlyhelp_persistence::Probe::Ready => {}
        earlyhelp_persistence::Probe::Refused(message) => {
            bail!("the database of {name} refused the connection: {message}")
        }
        earlyhelp_persistence::Probe::Unreachable(message) if serving => {
            tracing::warn!(%message, "the database does not answer yet; serving, not ready until it does");
        }
        earlyhelp_persistence::Probe::Unreachable(message) => {
            bail!("cannot reach the database of {name}: {message}")
        }
    }
    Ok(url)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let database_url = || usable_url(cli.database_url.as_ref(), "DATABASE_URL", false);
    match cli.command {
        Command::Openapi => {
            print!("{}", earlyhelp_http::openapi::yaml()?);
            Ok(())
        }
        Command::Serve(args) => {
            let url = usable_url(cli.database_url.as_ref(), "DATABASE_URL", true)?;
            serve(url, args).await
        }
        Command::Migrate => {
            let url = match cli.migration_database_url.as_ref() {
                Some(url) => usable_url(Some(url), "EARLYHELP_MIGRATION_DATABASE_URL", false)?,
                None => database_url()?,
            };
            let db = Db::new(
                &url,
                &PoolSettings {
                    max_size: 1,
                    acquire_timeout: Duration::from_secs(10),
                },
            );
            let mut conn = db.connection().context("cannot connect to the database")?;
            let applied = earlyhelp_persistence::migrations::prepare(&mut conn)?;
            tracing::info!(applied = applied.len(), "migrations applied");
            println!(
                "applied {} migration(s){}",
                applied.len(),
                if applied.is_empty() {
                    "; the database is current"
                } else {
                    ""
                }
            );
            Ok(())
        }
        Command::SeedDemo { reset_passwords } => seed::seed_demo(&database_url()?, reset_passwords),
        Command::SeedSynthetic {
            families,
            seed,
            years,
            as_of,
            batch,
            jobs,
        } => {
            let request = seed::synthetic::Request {
                families,
                seed,
                years: years.max(1),
                as_of: as_of.unwrap_or_else(|| chrono::Utc::now().date_naive()),
                batch: batch.max(1),
                jobs: jobs
                    .unwrap_or_else(|| {
                        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
                    })
                    .max(1),
            };
            seed::synthetic::seed_synthetic(&database_url()?, &request)
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => audit::verify(&database_url()?),
        Command::Audit {
            command: AuditCommand::Seal { wait_seconds },
        } => audit::seal(&database_url()?, Duration::from_secs(wait_seconds)),
        Command::Retention {
            apply,
            dry_run: _,
            as_of,
            batch,
            max_batches,
            child_age,
            consultation_years,
        } => retention::run(
            &database_url()?,
            &retention::Run {
                rules: earlyhelp_domain::retention::RetentionRules {
                    child_age_years: child_age,
                    consultation_years,
                },
                as_of: as_of.unwrap_or_else(|| chrono::Utc::now().date_naive()),
                apply,
                batch,
                max_batches,
            },
        ),
        Command::LegalHold {
            family,
            consultation,
            reason,
            release: _,
        } => {
            use earlyhelp_domain::retention::ErasedRecord;
            let (record, id) = match (family, consultation) {
                (Some(family), _) => (ErasedRecord::Family, family),
                (None, Some(consultation)) => (ErasedRecord::NoNamesConsultation, consultation),
                (None, None) => bail!("name a --family or a --consultation"),
            };
            retention::hold(&database_url()?, record, id, reason.as_deref())
        }
        Command::Sar {
            command: SarCommand::Export { person, out },
        } => audit::subject_access_export(&database_url()?, person, out),
        Command::Locality {
            command:
                LocalityCommand::Create {
                    name,
                    phone,
                    email,
                    address,
                    opening_hours,
                    mash_phone,
                },
        } => {
            let mut conn = seed::connect(&database_url()?)?;
            let new = directory::NewLocality {
                name,
                phone,
                email,
                address,
                opening_hours,
                mash_phone,
            };
            println!(
                "created locality {}",
                directory::create_locality(&mut conn, new)?
            );
            Ok(())
        }
        Command::Organisation {
            command:
                OrganisationCommand::Create {
                    name,
                    kind,
                    locality,
                },
        } => {
            let mut conn = seed::connect(&database_url()?)?;
            let id = directory::create_organisation(&mut conn, &name, &kind, locality.as_deref())?;
            println!("created organisation {id}");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    roles,
                    org,
                    locality,
                    name,
                    report_reach,
                },
        } => {
            let reach = report_reach
                .parse()
                .map_err(|_| anyhow::anyhow!("--report-reach {report_reach}: unknown reach"))?;
            let password = read_password()?;
            let mut conn = seed::connect(&database_url()?)?;
            let new = directory::NewAccount {
                email: &email,
                roles: &roles,
                org: &org,
                locality: locality.as_deref(),
                name: &name,
                report_reach: reach,
                password,
            };
            println!("created user {}", directory::create_user(&mut conn, new)?);
            Ok(())
        }
        Command::User {
            command: UserCommand::List,
        } => {
            let mut conn = seed::connect(&database_url()?)?;
            directory::list_users(&mut conn)
        }
        Command::User {
            command: UserCommand::Deactivate { email },
        } => {
            let mut conn = seed::connect(&database_url()?)?;
            directory::deactivate_user(&mut conn, &email)
        }
        Command::User {
            command: UserCommand::ResetPassword { email },
        } => {
            let password = read_password()?;
            let mut conn = seed::connect(&database_url()?)?;
            directory::reset_password(&mut conn, &email, password)
        }
    }
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Repeat password: ")?;
        if first != second {
            bail!("the passwords differ");
        }
        Ok(first)
    } else {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input)?;
        Ok(input.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn serve(database_url: String, args: ServeArgs) -> anyhow::Result<()> {
    let secret = match args.jwt_secret.as_deref().map(SigningSecret::new).unwrap_or(Err(earlyhelp_http::settings::WeakSecret::Missing)) {
        Ok(secret) => secret,
        Err(weakness) if args.dev => {
            tracing::warn!(reason = %weakness, "DEV MODE: using a generated signing secret; tokens end when the server stops. Never use --dev in production.");
            SigningSecret::generate()
        }
        Err(weakness) => bail!("{weakness}; refusing to start (set a strong EARLYHELP_JWT_SECRET, or pass --dev for local development)"),
    };
    let metrics_bind = match args.metrics_bind.as_deref() {
        Some(bind) => Some(
            bind.to_socket_addrs()
                .ok()
                .and_then(|mut addresses| addresses.next())
                .with_context(|| {
                    format!(
                        "EARLYHELP_METRICS_BIND: '{bind}' is not an address such as 127.0.0.1:9464"
                    )
                })?,
        ),
        None => None,
    };
    let metrics = MetricsAccess::choose(args.metrics_token.as_deref(), metrics_bind, args.dev)
        .map_err(|error| anyhow::anyhow!("{error}; refusing to start"))?;
    if matches!(metrics, MetricsAccess::Open) {
        tracing::warn!("DEV MODE: /metrics is open to anyone on the main listener");
    }
    let settings = Settings {
        database_url,
        tokens: TokenSettings {
            secret,
            issuer: args.jwt_issuer,
            audience: args.jwt_audience,
            access_ttl: Duration::from_secs(args.access_token_ttl_seconds.max(1)),
            session_ttl: Duration::from_secs(args.refresh_token_ttl_seconds.max(1)),
        },
        pool: PoolSettings {
            max_size: args.db_pool_size.max(1),
            acquire_timeout: Duration::from_millis(args.db_pool_timeout_ms.max(1)),
        },
        login_rate_limit: LoginRateLimit {
            burst: args.login_burst,
            per_second: args.login_per_second,
        },
        review: ReviewSettings {
            working_days: args.review_working_days.max(1),
            taf_review_weeks: args.taf_review_weeks.clamp(1, 52),
            extra_holidays: earlyhelp_domain::calendar::parse_holiday_list(&args.extra_holidays)
                .map_err(|error| anyhow::anyhow!("EARLYHELP_EXTRA_HOLIDAYS: {error}"))?,
        },
        workers: args
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)),
        metrics,
        timeouts: HttpTimeouts {
            request_head: Duration::from_secs(args.request_head_timeout_seconds.max(1)),
            keep_alive: Duration::from_secs(args.keep_alive_seconds.max(1)),
            body: Duration::from_secs(args.body_timeout_seconds.max(1)),
        },
        trusted_proxies: TrustedProxies::parse(&args.trusted_proxies)
            .map_err(|error| anyhow::anyhow!("EARLYHELP_TRUSTED_PROXIES: {error}"))?,
        audit_seal_interval: (args.audit_seal_interval_ms > 0)
            .then(|| Duration::from_millis(args.audit_seal_interval_ms)),
        access_window: earlyhelp_workflows::access_requests::AccessWindow {
            hours: args.access_request_hours,
        },
        cors_origins: earlyhelp_http::cors::CorsOrigins::parse(&args.cors_origins)
            .map_err(|error| anyhow::anyhow!("EARLYHELP_CORS_ORIGINS: {error}"))?,
    };
    let listener =
        TcpListener::bind(&args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    let server = earlyhelp_http::server(listener, &settings)?;
    tracing::info!(%address, dev = args.dev, workers = settings.workers, "earlyhelp listening");
    server.await?;
    tracing::info!("earlyhelp stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    fn undocumented(command: &clap::Command, path: &str, found: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            if ["help", "version"].contains(&id) {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                found.push(format!("{path} --{id}"));
            }
        }
        for sub in command.get_subcommands() {
            if sub.get_about().is_none() {
                found.push(format!("{path} {}", sub.get_name()));
            }
            undocumented(sub, &format!("{path} {}", sub.get_name()), found);
        }
    }

    #[test]
    fn every_command_and_flag_has_help() {
        let mut found = Vec::new();
        undocumented(&Cli::command(), "earlyhelp", &mut found);
        assert!(found.is_empty(), "no help text: {found:?}");
    }
}
