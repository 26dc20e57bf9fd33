//! The directory from the command line: what a new installation needs before anyone can sign
//! in (a locality, an organisation, the first administrator), and looking after accounts.
//! These are the operator's steps: whoever holds the database URL can already do anything, so
//! they ask no policy, and their audit entries name no actor.

use crate::seed::context;
use anyhow::{anyhow, bail, Context};
use earlyhelp_domain::directory::{Name, OrganisationKind};
use earlyhelp_domain::password::NewPassword;
use earlyhelp_domain::role::{ReportReach, RoleSet};
use earlyhelp_domain::{Email, Role};
use earlyhelp_persistence::localities;
use earlyhelp_persistence::organisations;
use earlyhelp_persistence::pagination::PageRequest;
use earlyhelp_persistence::users::{self, UserFilter};
use earlyhelp_persistence::PgConnection;
use earlyhelp_workflows::directory::localities::CreateLocality;
use earlyhelp_workflows::directory::organisations::CreateOrganisation;
use earlyhelp_workflows::directory::users::{self as accounts, CreateUser};
use uuid::Uuid;

/// A locality's contacts as given on the command line.
pub struct NewLocality {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
    pub mash_phone: Option<String>,
}

pub fn create_locality(conn: &mut PgConnection, new: NewLocality) -> anyhow::Result<Uuid> {
    let command = CreateLocality {
        name: Name::parse(&new.name).map_err(|e| anyhow!("--name {e}"))?,
        phone: new.phone,
        email: new.email,
        address: new.address,
        opening_hours: new.opening_hours,
        mash_phone: new.mash_phone,
    };
    let locality =
        earlyhelp_workflows::directory::localities::create_by_operator(conn, &context(), command)?;
    Ok(locality.id.into())
}

/// A locality by id or exact name.
fn locality(conn: &mut PgConnection, given: &str) -> anyhow::Result<earlyhelp_domain::LocalityId> {
    let found = match Uuid::parse_str(given) {
        Ok(id) => localities::find(conn, id.into()).ok(),
        Err(_) => localities::find_by_name(conn, given)?,
    };
    found
        .map(|locality| locality.id)
        .with_context(|| format!("--locality: no locality with id or name '{given}'"))
}

pub fn create_organisation(
    conn: &mut PgConnection,
    name: &str,
    kind: &str,
    in_locality: Option<&str>,
) -> anyhow::Result<Uuid> {
    let kind: OrganisationKind = kind
        .parse()
        .map_err(|_| anyhow!("--kind {kind}: unknown"))?;
    let locality = in_locality.map(|given| locality(conn, given)).transpose()?;
    let command = CreateOrganisation {
        name: Name::parse(name).map_err(|e| anyhow!("--name {e}"))?,
        kind,
        locality,
    };
    let organisation = earlyhelp_workflows::directory::organisations::create_by_operator(
        conn,
        &context(),
        command,
    )?;
    Ok(organisation.id.into())
}

/// An account as given on the command line.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub roles: &'a [String],
    pub org: &'a str,
    pub locality: Option<&'a str>,
    pub name: &'a str,
    pub report_reach: ReportReach,
    pub password: String,
}

/// `earlyhelp user create`: validates exactly as the admin API does, and creates the account
/// with the same step (its roles and password hold at once: the operator is trusted).
pub fn create_user(conn: &mut PgConnection, new: NewAccount<'_>) -> anyhow::Result<Uuid> {
    let email = Email::parse(new.email).map_err(|e| anyhow!("--email {e}"))?;
    let roles = new
        .roles
        .iter()
        .map(|role| role.parse::<Role>().map_err(|e| anyhow!("--role {e}")))
        .collect::<anyhow::Result<Vec<Role>>>()?;
    let roles = RoleSet::new(roles).map_err(|e| anyhow!("{e}"))?;
    let name = Name::parse(new.name).map_err(|e| anyhow!("--name {e}"))?;
    let password = NewPassword::parse(new.password, &email).map_err(|e| anyhow!("password {e}"))?;
    let organisation = match Uuid::parse_str(new.org) {
        Ok(id) => organisations::find(conn, id.into()).ok(),
        Err(_) => organisations::find_by_name(conn, new.org)?,
    };
    let Some(organisation) = organisation else {
        bail!("--org: no organisation with id or name '{}'", new.org);
    };
    let locality = new
        .locality
        .map(|given| locality(conn, given))
        .transpose()?;
    let command = CreateUser {
        email,
        display_name: name,
        roles,
        organisation: organisation.id,
        locality,
        report_reach: new.report_reach,
        password,
    };
    let user = accounts::create_by_operator(conn, &context(), command)?;
    Ok(user.id.into())
}

/// Every account, by email: id, email, roles, active.
pub fn list_users(conn: &mut PgConnection) -> anyhow::Result<()> {
    let mut page = PageRequest::new(None, Some(100)).map_err(|e| anyhow!("{e}"))?;
    loop {
        let found = users::list(conn, &UserFilter::default(), &page)?;
        for user in &found.items {
            println!(
                "{}  {:<40} {:<30} {}",
                user.id,
                user.email,
                user.roles.join(","),
                if user.active { "active" } else { "inactive" }
            );
        }
        match found.next {
            Some(next) => page.after = Some(next),
            None => return Ok(()),
        }
    }
}

fn account(conn: &mut PgConnection, email: &str) -> anyhow::Result<users::User> {
    let email = Email::parse(email).map_err(|e| anyhow!("--email {e}"))?;
    users::find_by_email(conn, email.as_str())?
        .with_context(|| format!("--email: no account {}", email.as_str()))
}

pub fn deactivate_user(conn: &mut PgConnection, email: &str) -> anyhow::Result<()> {
    let user = account(conn, email)?;
    accounts::deactivate_by_operator(conn, &context(), user.id)?;
    println!("deactivated {}; their sessions have ended", user.email);
    Ok(())
}

/// Sets the account's password (read from standard input): the operator's, so it is not
/// one-time; lockouts are lifted and sessions end.
pub fn reset_password(
    conn: &mut PgConnection,
    email: &str,
    password: String,
) -> anyhow::Result<()> {
    let user = account(conn, email)?;
    let parsed = Email::parse(&user.email).map_err(|e| anyhow!("{e}"))?;
    let password = NewPassword::parse(password, &parsed).map_err(|e| anyhow!("password {e}"))?;
    accounts::reset_password_by_operator(conn, &context(), user.id, &password)?;
    println!(
        "set the password of {}; their sessions have ended",
        user.email
    );
    Ok(())
}
