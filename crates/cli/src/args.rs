//! The command line: every command, subcommand and flag, with its help. What each does is in
//! `main.rs` and the modules it calls.

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "earlyhelp",
    version,
    about = "Early Help case management: server and operator commands"
)]
pub(crate) struct Cli {
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub(crate) database_url: Option<String>,
    /// PostgreSQL connection URL of the tables' owner, for `migrate` only (default: the
    /// DATABASE_URL). The server itself connects as a role that owns nothing.
    #[arg(
        long,
        env = "EARLYHELP_MIGRATION_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub(crate) migration_database_url: Option<String>,
    /// Log format: human-readable lines or JSON objects.
    #[arg(long, env = "EARLYHELP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub(crate) log_format: LogFormat,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum LogFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
    /// Print a shell completion script (e.g. `earlyhelp completions bash >
    /// /etc/bash_completion.d/earlyhelp`). Needs no database.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the OpenAPI document (YAML) the server serves; `openapi/openapi.yaml` is this
    /// output. Needs no database.
    Openapi,
}

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
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
pub(crate) enum SarCommand {
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
pub(crate) enum UserCommand {
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
pub(crate) enum LocalityCommand {
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
pub(crate) enum OrganisationCommand {
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
pub(crate) struct ServeArgs {
    /// Development mode: allows a missing signing secret by generating a throwaway one.
    #[arg(long)]
    pub(crate) dev: bool,
    /// Address to listen on.
    #[arg(long, env = "EARLYHELP_BIND", default_value = "127.0.0.1:8080")]
    pub(crate) bind: String,
    /// HS256 signing secret for access tokens, at least 32 bytes.
    #[arg(long, env = "EARLYHELP_JWT_SECRET", hide_env_values = true)]
    pub(crate) jwt_secret: Option<String>,
    /// The issuer (`iss`) access tokens carry and must carry.
    #[arg(long, env = "EARLYHELP_JWT_ISSUER", default_value = "earlyhelp")]
    pub(crate) jwt_issuer: String,
    /// The audience (`aud`) access tokens carry and must carry.
    #[arg(long, env = "EARLYHELP_JWT_AUDIENCE", default_value = "earlyhelp-api")]
    pub(crate) jwt_audience: String,
    /// Seconds an access token lasts (refresh for another).
    #[arg(
        long,
        env = "EARLYHELP_ACCESS_TOKEN_TTL_SECONDS",
        default_value_t = 900
    )]
    pub(crate) access_token_ttl_seconds: u64,
    /// How long a sign-in lasts, however often its tokens are refreshed.
    #[arg(
        long,
        env = "EARLYHELP_REFRESH_TOKEN_TTL_SECONDS",
        default_value_t = 43_200
    )]
    pub(crate) refresh_token_ttl_seconds: u64,
    /// Database connections in the pool.
    #[arg(long, env = "EARLYHELP_DB_POOL_SIZE", default_value_t = 4)]
    pub(crate) db_pool_size: u32,
    /// How long a request waits for a database connection before it gets 503.
    #[arg(long, env = "EARLYHELP_DB_POOL_TIMEOUT_MS", default_value_t = 2_000)]
    pub(crate) db_pool_timeout_ms: u64,
    /// Sign-in attempts a client address may make at once.
    #[arg(long, env = "EARLYHELP_LOGIN_BURST", default_value_t = 20)]
    pub(crate) login_burst: u32,
    /// Sign-in attempts a client address regains per second.
    #[arg(long, env = "EARLYHELP_LOGIN_PER_SECOND", default_value_t = 1)]
    pub(crate) login_per_second: u32,
    /// Working days LCSS has to review a submitted Strengths and Needs form.
    #[arg(long, env = "EARLYHELP_REVIEW_WORKING_DAYS", default_value_t = 10)]
    pub(crate) review_working_days: u32,
    /// Weeks from forming a Team Around the Family to its first review (later reviews are set
    /// by each meeting's minutes).
    #[arg(long, env = "EARLYHELP_TAF_REVIEW_WEEKS", default_value_t = 6)]
    pub(crate) taf_review_weeks: u32,
    /// Extra non-working days (comma-separated YYYY-MM-DD) on top of England and Wales bank holidays.
    #[arg(long, env = "EARLYHELP_EXTRA_HOLIDAYS", default_value = "")]
    pub(crate) extra_holidays: String,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "EARLYHELP_WORKERS")]
    pub(crate) workers: Option<usize>,
    /// Reverse proxies and load balancers whose X-Forwarded-For names the client: addresses
    /// or CIDR networks, comma-separated (e.g. 10.0.0.0/8,192.168.1.10). Empty: none, the
    /// TCP peer is the client.
    #[arg(long, env = "EARLYHELP_TRUSTED_PROXIES", default_value = "")]
    pub(crate) trusted_proxies: String,
    /// Bearer token /metrics asks for on the main listener, at least 32 characters.
    #[arg(long, env = "EARLYHELP_METRICS_TOKEN", hide_env_values = true)]
    pub(crate) metrics_token: Option<String>,
    /// Serve /metrics on this address instead (e.g. 127.0.0.1:9464), without a token.
    #[arg(long, env = "EARLYHELP_METRICS_BIND")]
    pub(crate) metrics_bind: Option<String>,
    /// Seconds a client has to send a request's head (line and headers) after connecting.
    #[arg(
        long,
        env = "EARLYHELP_REQUEST_HEAD_TIMEOUT_SECONDS",
        default_value_t = 5
    )]
    pub(crate) request_head_timeout_seconds: u64,
    /// Seconds an idle connection is kept open between requests.
    #[arg(long, env = "EARLYHELP_KEEP_ALIVE_SECONDS", default_value_t = 5)]
    pub(crate) keep_alive_seconds: u64,
    /// Seconds a client has to send a request's whole body after its head; then 408.
    #[arg(long, env = "EARLYHELP_BODY_TIMEOUT_SECONDS", default_value_t = 10)]
    pub(crate) body_timeout_seconds: u64,
    /// Milliseconds between runs of the background sealer that chains committed audit entries
    /// (0: this server does not seal; another instance or `earlyhelp audit seal` must).
    #[arg(
        long,
        env = "EARLYHELP_AUDIT_SEAL_INTERVAL_MS",
        default_value_t = 1_000
    )]
    pub(crate) audit_seal_interval_ms: u64,
    /// Hours that access to a family outside one's scope (break glass) lasts, 1 to 168.
    #[arg(
        long,
        env = "EARLYHELP_ACCESS_REQUEST_HOURS",
        default_value_t = 24,
        value_parser = clap::value_parser!(u32).range(1..=168)
    )]
    pub(crate) access_request_hours: u32,
    /// Origins whose browser pages may call the API, comma-separated and exact
    /// (https://portal.example.gov.uk). Empty: none, and browsers on other origins get no
    /// CORS headers.
    #[arg(long, env = "EARLYHELP_CORS_ORIGINS", default_value = "")]
    pub(crate) cors_origins: String,
}
