//! Demo data and operator-created users. All names are synthetic.

mod access;
mod families;
mod roster;
mod snf;
mod step_downs;
mod story;
pub mod synthetic;
mod teams;

use anyhow::{anyhow, Context};
use earlyhelp_domain::directory::{Name, OrganisationKind};
use earlyhelp_domain::password::NewPassword;
use earlyhelp_domain::role::{ReportReach, RoleSet};
use earlyhelp_domain::{Email, LocalityId, Role};
use earlyhelp_persistence::audit::AuditContext;
use earlyhelp_persistence::localities;
use earlyhelp_persistence::organisations::{self, Organisation};
use earlyhelp_persistence::pagination::PageRequest;
use earlyhelp_persistence::users;
use earlyhelp_persistence::{Db, PgConnection, PoolSettings};
use earlyhelp_workflows::directory;
use earlyhelp_workflows::directory::localities::CreateLocality;
use earlyhelp_workflows::directory::organisations::CreateOrganisation;
use earlyhelp_workflows::directory::users::{self as accounts, CreateUser};
use earlyhelp_workflows::step;
use std::time::Duration;
use uuid::Uuid;

pub const DEMO_DOMAIN: &str = "demo.earlyhelp.test";

/// The authority's localities: public LCSS contact details from the Oxfordshire guide.
/// The demo authority's LCSS opening hours and MASH number, as its published guidance gives
/// them: demo configuration, set per locality like any authority's own.
const DEMO_OPENING_HOURS: &str = "Monday to Friday, 9am to 5pm";
const DEMO_MASH_PHONE: &str = "0345 050 7666";

const LOCALITIES: [(&str, &str, &str, &str, [&str; 2]); 3] = [
    (
        "North",
        "0345 2412703",
        "LCSS.North@oxfordshire.gov.uk",
        "Samuelson House, Tramway Rd, Banbury OX16 5AU",
        ["Banbury", "Bicester"],
    ),
    (
        "Central",
        "0345 2412705",
        "LCSS.Central@oxfordshire.gov.uk",
        "Knights Court, Between Towns Road, Cowley, Oxford OX4 3LX",
        ["Cowley", "Kidlington"],
    ),
    (
        "South",
        "0345 2412608",
        "LCSS.South@oxfordshire.gov.uk",
        "Abbey House, Abbey Close, Abingdon OX14 3JD",
        ["Abingdon", "Didcot"],
    ),
];

const COUNTY_ORGANISATION: &str = "County Council Early Help Service";

fn label(kind: OrganisationKind) -> &'static str {
    match kind {
        OrganisationKind::School => "Primary School",
        OrganisationKind::EarlyYearsSetting => "Day Nursery",
        OrganisationKind::GpPractice => "Medical Practice",
        OrganisationKind::HealthVisiting => "Health Visiting Team",
        OrganisationKind::SchoolHealthNursing => "School Health Nursing Team",
        OrganisationKind::Police => "Neighbourhood Policing Team",
        OrganisationKind::Camhs => "CAMHS Team",
        OrganisationKind::VoluntaryCommunity => "Family Support Charity",
        OrganisationKind::Lcss => "LCSS Team",
        OrganisationKind::ChildrenSocialCare => "Children's Social Care Team",
        OrganisationKind::TargetedEarlyHelp => "Targeted Early Help Team",
        OrganisationKind::Other => "Community Centre",
    }
}

struct DemoUser {
    local_part: &'static str,
    display_name: &'static str,
    role: Role,
    /// The organisation's name, and the locality it belongs to (None: the county service).
    organisation: &'static str,
    /// How far a manager's reports reach (other roles ignore it).
    report_reach: ReportReach,
}

const DEMO_USERS: [DemoUser; 10] = [
    DemoUser {
        local_part: "practitioner",
        display_name: "Demo Practitioner",
        role: Role::Practitioner,
        organisation: "Banbury Primary School",
        report_reach: ReportReach::Organisation,
    },
    DemoUser {
        local_part: "practitioner2",
        display_name: "Demo Practitioner Two",
        role: Role::Practitioner,
        organisation: "Abingdon Primary School",
        report_reach: ReportReach::Organisation,
    },
    DemoUser {
        local_part: "lcss_worker",
        display_name: "Demo LCSS Worker",
        role: Role::LcssWorker,
        organisation: "Banbury LCSS Team",
        report_reach: ReportReach::Organisation,
    },
    DemoUser {
        local_part: "lcss_worker2",
        display_name: "Demo LCSS Worker Two",
        role: Role::LcssWorker,
        organisation: "Abingdon LCSS Team",
        report_reach: ReportReach::Organisation,
    },
    DemoUser {
        local_part: "lcss_manager",
        display_name: "Demo LCSS Manager",
        role: Role::LcssManager,
        organisation: "Banbury LCSS Team",
        report_reach: ReportReach::Organisation,
    },
    DemoUser {
        local_part: "social_care",
        display_name: "Demo Social Worker",
        role: Role::SocialCare,
        organisation: "Cowley Children's Social Care Team",
        report_reach: ReportReach::Organisation,
    },
    DemoUser {
        local_part: "manager",
        display_name: "Demo Service Manager",
        role: Role::Manager,
        organisation: COUNTY_ORGANISATION,
        report_reach: ReportReach::County,
    },
    DemoUser {
        local_part: "school_manager",
        display_name: "Demo School Manager",
        role: Role::Manager,
        organisation: "Banbury Primary School",
        report_reach: ReportReach::Organisation,
    },
    DemoUser {
        local_part: "admin",
        display_name: "Demo Administrator",
        role: Role::Admin,
        organisation: COUNTY_ORGANISATION,
        report_reach: ReportReach::Organisation,
    },
    DemoUser {
        local_part: "auditor",
        display_name: "Demo Information Governance Officer",
        role: Role::Auditor,
        organisation: COUNTY_ORGANISATION,
        report_reach: ReportReach::Organisation,
    },
];

/// A one-connection pool for a command.
pub(crate) fn db(database_url: &str) -> Db {
    Db::new(
        database_url,
        &PoolSettings {
            max_size: 1,
            acquire_timeout: Duration::from_secs(10),
        },
    )
}

pub(crate) fn connect(database_url: &str) -> anyhow::Result<earlyhelp_persistence::DbConnection> {
    db(database_url)
        .connection()
        .context("cannot connect to the database")
}

/// The operator's audit context: no actor, one request id per command run.
pub(crate) fn context() -> AuditContext {
    AuditContext {
        actor: None,
        request_id: format!("cli-{}", Uuid::now_v7()),
        client_address: None,
    }
}

pub(crate) fn generated_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..20)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The organisation of that name, created (through the directory workflow) if missing.
fn ensure_organisation(
    conn: &mut PgConnection,
    context: &AuditContext,
    name: &str,
    kind: OrganisationKind,
    locality: Option<LocalityId>,
) -> anyhow::Result<Organisation> {
    if let Some(existing) = organisations::find_by_name(conn, name)? {
        return Ok(existing);
    }
    let command = CreateOrganisation {
        name: Name::parse(name).map_err(|e| anyhow!("demo organisation name {e}"))?,
        kind,
        locality,
    };
    Ok(directory::organisations::create_by_operator(
        conn, context, command,
    )?)
}

/// Creates what is missing of the demo directory, users and families. Existing demo users keep
/// their passwords unless `reset_passwords` is set.
pub fn seed_demo(database_url: &str, reset_passwords: bool) -> anyhow::Result<()> {
    let mut conn = connect(database_url)?;
    let (password, generated) = match std::env::var("EARLYHELP_DEMO_PASSWORD") {
        Ok(password) if !password.is_empty() => (password, false),
        _ => (generated_password(), true),
    };
    let demo_email = Email::parse(&format!("admin@{DEMO_DOMAIN}")).map_err(|e| anyhow!("{e}"))?;
    // One password for every demo account, judged against the admin's email: a local part
    // such as `practitioner` must not refuse it for one account only.
    let demo_password = || {
        NewPassword::parse(password.clone(), &demo_email)
            .map_err(|e| anyhow!("EARLYHELP_DEMO_PASSWORD {e}"))
    };
    demo_password()?;

    // One request id for the whole run, as the audit trail records it.
    let context = context();
    step::all_or_nothing(&mut conn, |conn| -> anyhow::Result<()> {
        for (name, phone, email, address, towns) in LOCALITIES {
            let locality = match localities::find_by_name(conn, name)? {
                Some(existing) => existing,
                None => {
                    let command = CreateLocality {
                        name: Name::parse(name).map_err(|e| anyhow!("demo locality {e}"))?,
                        phone: Some(phone.to_owned()),
                        email: Some(email.to_owned()),
                        address: Some(address.to_owned()),
                        opening_hours: Some(DEMO_OPENING_HOURS.to_owned()),
                        mash_phone: Some(DEMO_MASH_PHONE.to_owned()),
                    };
                    directory::localities::create_by_operator(conn, &context, command)?
                }
            };
            for town in towns {
                for kind in OrganisationKind::ALL {
                    let name = format!("{town} {}", label(kind));
                    ensure_organisation(conn, &context, &name, kind, Some(locality.id))?;
                }
            }
        }
        let county = OrganisationKind::Other;
        ensure_organisation(conn, &context, COUNTY_ORGANISATION, county, None)?;
        Ok(())
    })?;

    let mut created = 0;
    for demo in &DEMO_USERS {
        let email = format!("{}@{DEMO_DOMAIN}", demo.local_part);
        match users::find_by_email(&mut conn, &email)? {
            Some(existing) if reset_passwords => {
                accounts::reset_password_by_operator(
                    &mut conn,
                    &context,
                    existing.id,
                    &demo_password()?,
                )?;
            }
            Some(_) => {}
            None => {
                let organisation = organisations::find_by_name(&mut conn, demo.organisation)?
                    .ok_or(earlyhelp_persistence::Error::NotFound)?;
                let command = CreateUser {
                    email: Email::parse(&email).map_err(|e| anyhow!("{e}"))?,
                    display_name: Name::parse(demo.display_name).map_err(|e| anyhow!("{e}"))?,
                    roles: RoleSet::new([demo.role]).map_err(|e| anyhow!("{e}"))?,
                    organisation: organisation.id,
                    locality: None,
                    report_reach: demo.report_reach,
                    password: demo_password()?,
                };
                accounts::create_by_operator(&mut conn, &context, command)?;
                created += 1;
            }
        }
    }

    let families = families::seed(&mut conn)?;
    let starter = new_starter(&mut conn, demo_password()?)?;

    let page = PageRequest::new(None, Some(100)).map_err(|e| anyhow!("{e}"))?;
    let total = organisations::list(&mut conn, &Default::default(), &page)?
        .items
        .len();
    println!(
        "Demo data ready: {} localities, {}{} organisations.",
        LOCALITIES.len(),
        total,
        if total == 100 { "+" } else { "" }
    );
    println!("Demo families: {families}.");
    println!("Demo logins (open http://127.0.0.1:8080/docs to try the API):");
    for demo in &DEMO_USERS {
        println!(
            "  {:<40} {}",
            format!("{}@{DEMO_DOMAIN}", demo.local_part),
            demo.role
        );
    }
    println!(
        "  {starter:<40} lcss_worker, created by the admin: its password (the demo password) is \
         one-time, and its role waits for lcss_manager@{DEMO_DOMAIN} to confirm it"
    );
    if created > 0 || reset_passwords {
        if generated {
            println!(
                "Password for these demo users (shown once; set EARLYHELP_DEMO_PASSWORD to \
                 choose it): {password}"
            );
        } else {
            println!("Password: the value of EARLYHELP_DEMO_PASSWORD.");
        }
    } else {
        println!(
            "The demo users already existed; their password is unchanged (`earlyhelp seed-demo \
             --reset-passwords` sets it again)."
        );
    }
    Ok(())
}

/// A new starter the demo admin created over the API's step: their role waits in the demo
/// LCSS manager's work list, and their password is one-time. Made once.
fn new_starter(conn: &mut PgConnection, password: NewPassword) -> anyhow::Result<String> {
    let email = format!("new.starter@{DEMO_DOMAIN}");
    if users::find_by_email(conn, &email)?.is_none() {
        let admin = story::Player::load(conn, "admin")?;
        let organisation = organisations::find_by_name(conn, "Banbury LCSS Team")?
            .ok_or(earlyhelp_persistence::Error::NotFound)?;
        let command = CreateUser {
            email: Email::parse(&email).map_err(|e| anyhow!("{e}"))?,
            display_name: Name::parse("Demo New Starter").map_err(|e| anyhow!("{e}"))?,
            roles: RoleSet::new([Role::LcssWorker]).map_err(|e| anyhow!("{e}"))?,
            organisation: organisation.id,
            locality: None,
            report_reach: ReportReach::Organisation,
            password,
        };
        accounts::create(conn, &admin.request(), &admin.actor, command)?;
    }
    Ok(email)
}
