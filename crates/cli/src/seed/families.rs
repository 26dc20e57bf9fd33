//! Synthetic demo families at every stage of the assessment loop, so that each demo role signs
//! in to a living system: consent only, a draft form, a form waiting in the LCSS queue, one
//! returned with feedback and one accepted after an earlier return.
//!
//! Every change is a workflow step (`earlyhelp_workflows`), the same function the HTTP handler
//! calls, run as a request by the demo user who would have taken it: the same rules, states,
//! audit and chronology entries and review dates. Each family is written in one transaction
//! (each step's own transaction nests inside it as a savepoint), so a failure leaves nothing
//! half made. A family already present (found by its first child's NHS number) is left alone,
//! so running the seed again duplicates nothing.
//!
//! The CLI crate has no direct chrono dependency: dates are computed from the workflows'
//! `today()` with chrono's own arithmetic, carried as YYYY-MM-DD text and parsed back where a
//! typed date is needed.

use super::roster::{Birth, Member, Stage, FAMILIES};
use super::story::write_family;
use super::DEMO_DOMAIN;
use anyhow::{anyhow, bail, Context};
use earlyhelp_domain::assessment::{self, AssessmentEvent, AssessmentState};
use earlyhelp_domain::forms::{snf_v1, Strictness, TemplateDefinition, SNF_TEMPLATE_NAME};
use earlyhelp_domain::person::{
    check_birth, parse_disabilities, MemberKind, NhsNumber, PersonName,
};
use earlyhelp_domain::review::{self, ReviewEvent, ReviewState};
use earlyhelp_domain::PersonId;
use earlyhelp_persistence::families::{self, Candidate, NewPerson};
use earlyhelp_persistence::templates::{self, FormTemplate};
use earlyhelp_persistence::users::User;
use earlyhelp_persistence::{organisations, users, PgConnection};
use earlyhelp_workflows::clock::today;
use serde_json::Value;
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// What a run did: families created per stage (in `Stage::ALL` order), and those already there.
#[derive(Debug, Default)]
pub struct Report {
    created: [usize; Stage::ALL.len()],
    present: usize,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total: usize = self.created.iter().sum();
        write!(f, "{total} created")?;
        if total > 0 {
            let stages: Vec<String> = Stage::ALL
                .iter()
                .zip(self.created)
                .filter(|(_, count)| *count > 0)
                .map(|(stage, count)| format!("{count} {}", stage.label()))
                .collect();
            write!(f, " ({})", stages.join(", "))?;
        }
        write!(f, ", {} already present", self.present)
    }
}

/// Creates the demo families that are missing.
pub fn seed(conn: &mut PgConnection) -> anyhow::Result<Report> {
    check_lifecycle()?;
    let mut report = Report::default();
    let mut template = None;
    for (index, spec) in FAMILIES.iter().enumerate() {
        let people = members(conn, spec.family_name, spec.town, spec.members, index)?;
        if already_seeded(conn, &people)? {
            report.present += 1;
            continue;
        }
        let template = match &template {
            Some(template) => template,
            None => template.insert(snf_template(conn)?),
        };
        write_family(conn, spec, people, template)
            .with_context(|| format!("cannot seed demo family {}", index + 1))?;
        if let Some(count) = Stage::ALL
            .iter()
            .position(|stage| *stage == spec.stage)
            .and_then(|index| report.created.get_mut(index))
        {
            *count += 1;
        }
    }
    super::teams::write_consultations(conn).context("cannot seed the demo consultations")?;
    super::step_downs::write_step_downs(conn).context("cannot seed the demo step-downs")?;
    super::step_downs::write_report_settings(conn)
        .context("cannot seed the demo report settings")?;
    super::access::write_access_request(conn).context("cannot seed the demo access request")?;
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// Preparation: everything that can be checked before writing

/// The loop the seed walks must be one the domain's state machines allow.
fn check_lifecycle() -> anyhow::Result<()> {
    use AssessmentEvent::*;
    let mut form = AssessmentState::Draft;
    for event in [Edit, Submit, Return, Edit, Submit, Accept] {
        form = assessment::transition(form, event)
            .map_err(|e| anyhow!("demo assessment loop: {e}"))?;
    }
    for first in [ReviewEvent::Claim, ReviewEvent::Assign] {
        let assigned = review::transition(ReviewState::Unassigned, first)
            .map_err(|e| anyhow!("demo review loop: {e}"))?;
        review::transition(assigned, ReviewEvent::Decide)
            .map_err(|e| anyhow!("demo review loop: {e}"))?;
    }
    Ok(())
}

/// Today moved by `days` (negative: earlier), as YYYY-MM-DD.
pub(super) fn day(days: i32) -> anyhow::Result<String> {
    let today = today();
    let one_day = today.succ_opt().context("date out of range")? - today;
    today
        .checked_add_signed(one_day * days)
        .map(|date| date.to_string())
        .context("date out of range")
}

/// A YYYY-MM-DD date as whatever date type the receiving field has.
pub(super) fn date<T>(raw: &str) -> anyhow::Result<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    raw.parse().map_err(|e| anyhow!("demo date {raw}: {e}"))
}

/// A valid NHS number in the 999 range set aside for test data, different for each person:
/// a stem spread out from the person's position, and its modulus-11 check digit.
fn nhs_number(family: usize, member: usize) -> anyhow::Result<String> {
    let position = u32::try_from(family * 10 + member).context("too many demo people")?;
    let first = 999_000_000 + (position * 7_919 + 1_031) % 1_000_000;
    // A stem whose check digit would be 10 has no valid number; the next one will.
    for stem in first..first + 10 {
        let text = stem.to_string();
        let sum: u32 = text
            .chars()
            .filter_map(|c| c.to_digit(10))
            .zip((2..=10).rev())
            .map(|(digit, weight)| digit * weight)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue,
            check => check,
        };
        return NhsNumber::parse(&format!("{stem}{check}"))
            .map(|number| number.as_str().to_owned())
            .map_err(|e| anyhow!("demo NHS number {e}"));
    }
    bail!("no valid demo NHS number near {first}")
}

/// A family's members as rows (their family id is set when the family is written), checked as
/// the API checks a new member; `family` (its position among the demo families) keeps their
/// NHS numbers apart.
pub(super) fn members(
    conn: &mut PgConnection,
    family_name: &str,
    town: &str,
    people: &[Member],
    family: usize,
) -> anyhow::Result<Vec<NewPerson>> {
    let today = today();
    let family_name = PersonName::parse(family_name)
        .map_err(|e| anyhow!("demo family name {e}"))?
        .into_string();
    let mut rows = Vec::new();
    for (index, member) in people.iter().enumerate() {
        let (born, expected) = match member.birth {
            Birth::Age { years, days } => (Some(day(-(years * 365 + years / 4 + days))?), None),
            Birth::Expected { in_days } => (None, Some(day(in_days)?)),
        };
        let date_of_birth = born.as_deref().map(date).transpose()?;
        let expected_date_of_birth = expected.as_deref().map(date).transpose()?;
        check_birth(
            member.kind,
            member.sex,
            date_of_birth,
            expected_date_of_birth,
            today,
        )
        .map_err(|e| anyhow!("demo member {}: {e}", index + 1))?;
        let disabilities: Vec<String> = member
            .disabilities
            .iter()
            .map(|code| (*code).to_owned())
            .collect();
        let disabilities = parse_disabilities(&disabilities)
            .map_err(|(_, e)| anyhow!("demo disability {e}"))?
            .into_iter()
            .map(|d| d.as_str().to_owned())
            .collect();
        // An under-five's nursery or a primary-age child's school, in the family's town.
        let setting = match (member.kind, member.birth) {
            (MemberKind::Child, Birth::Age { years: 2..=4, .. }) => Some("Day Nursery"),
            (MemberKind::Child, Birth::Age { years: 5..=10, .. }) => Some("Primary School"),
            _ => None,
        };
        let setting_organisation_id = match setting {
            Some(kind) => organisations::find_by_name(conn, &format!("{town} {kind}"))?
                .map(|organisation| organisation.id),
            None => None,
        };
        rows.push(NewPerson {
            id: PersonId::generate(),
            family_id: Uuid::nil().into(),
            kind: member.kind,
            given_name: PersonName::parse(member.given_name)
                .map_err(|e| anyhow!("demo given name {e}"))?
                .into_string(),
            family_name: family_name.clone(),
            date_of_birth,
            expected_date_of_birth,
            sex: member.sex,
            ethnicity: Some(member.ethnicity.as_str().to_owned()),
            disabilities,
            address: None,
            postcode: None,
            nhs_number: match member.birth {
                Birth::Age { .. } => Some(nhs_number(family, index)?),
                Birth::Expected { .. } => None,
            },
            upn: None,
            setting_organisation_id,
        });
    }
    Ok(rows)
}

/// True when the family's first child is already recorded (by NHS number, anywhere).
fn already_seeded(conn: &mut PgConnection, people: &[NewPerson]) -> anyhow::Result<bool> {
    let Some(key) = people
        .iter()
        .find(|p| p.kind == MemberKind::Child && p.nhs_number.is_some())
    else {
        bail!("every demo family needs a child with an NHS number");
    };
    let candidate = Candidate {
        given_name: &key.given_name,
        family_name: &key.family_name,
        date_of_birth: None,
        nhs_number: key.nhs_number.as_deref(),
    };
    let found = families::possible_duplicates(conn, &[candidate], None)?;
    Ok(found.iter().any(|f| f.nhs_number == key.nhs_number))
}

/// The latest Strengths and Needs template, which `earlyhelp migrate` publishes.
fn snf_template(conn: &mut PgConnection) -> anyhow::Result<FormTemplate> {
    templates::latest(conn, SNF_TEMPLATE_NAME)?.ok_or_else(|| {
        anyhow!("no Strengths and Needs template is published: run `earlyhelp migrate` first")
    })
}

pub(super) fn demo_user(conn: &mut PgConnection, local_part: &str) -> anyhow::Result<User> {
    users::find_by_email(conn, &format!("{local_part}@{DEMO_DOMAIN}"))?
        .filter(|user| user.active)
        .ok_or_else(|| anyhow!("the demo user {local_part}@{DEMO_DOMAIN} is missing or inactive"))
}

/// Every problem with `content` against the stored template and the built-in v1.
pub(super) fn check_content(
    definition: &TemplateDefinition,
    content: &Value,
    strictness: Strictness,
) -> anyhow::Result<()> {
    let mut problems = definition.validate(content, strictness);
    problems.extend(snf_v1().validate(content, strictness));
    if problems.is_empty() {
        return Ok(());
    }
    let paths: Vec<String> = problems.iter().map(ToString::to_string).collect();
    bail!(
        "demo Strengths and Needs content is not valid for {:?}: {}",
        strictness,
        paths.join("; ")
    )
}
