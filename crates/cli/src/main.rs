//! `earlyhelp`: the one binary operators and scripts use. Every command but `openapi` reads
//! DATABASE_URL.

mod args;
mod audit;
mod directory;
mod retention;
mod seed;

use anyhow::{bail, Context};
use args::{
    AuditCommand, Cli, Command, LocalityCommand, LogFormat, OrganisationCommand, SarCommand,
    ServeArgs, UserCommand,
};
use clap::Parser;
use earlyhelp_http::client::TrustedProxies;
use earlyhelp_http::settings::{
    HttpTimeouts, LoginRateLimit, MetricsAccess, ReviewSettings, SigningSecret, TokenSettings,
};
use earlyhelp_http::Settings;
use earlyhelp_persistence::PoolSettings;
use std::io::{IsTerminal, Read};
use std::net::{TcpListener, ToSocketAddrs};
use std::time::Duration;

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
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "earlyhelp",
                &mut std::io::stdout(),
            );
            Ok(())
        }
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
            let mut conn = seed::connect(&url)?;
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
