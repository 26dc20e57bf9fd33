//! The demo step-downs from Children's Social Care, one at each stage: waiting for LCSS to
//! allocate a lead, overdue with nobody allocated, allocated and waiting for the lead's answer,
//! declined and back with LCSS, and accepted into an episode of origin step-down; and the
//! populations and targets reports compare against. Written once, through the workflows, as the
//! demo social worker, LCSS workers, leads and manager would.

use super::families::{date, day, members};
use super::roster::{adult, child, Member};
use super::story::Player;
use anyhow::anyhow;
use chrono::Datelike;
use earlyhelp_domain::person::{Ethnicity, Sex};
use earlyhelp_domain::report::financial_year_start;
use earlyhelp_domain::step_down::StepDownSource;
use earlyhelp_domain::FamilyId;
use earlyhelp_persistence::report_settings::{Population, Target};
use earlyhelp_persistence::{localities, organisations, PgConnection};
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::families::CreateFamily;
use earlyhelp_workflows::performance::{self, ReportSettings, ALL_KINDS};
use earlyhelp_workflows::step_downs::{self, ConsentGiver, RecordStepDown, SteppedDownFamily};

/// How far a demo step-down has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Awaiting,
    Overdue,
    Allocated,
    Declined,
    Accepted,
}

struct DemoStepDown {
    family_name: &'static str,
    locality: &'static str,
    town: &'static str,
    address: &'static str,
    postcode: &'static str,
    members: [Member; 2],
    source: StepDownSource,
    /// Days from today to the form's due date.
    due_in: i32,
    stage: Stage,
    /// The LCSS worker who allocates and the lead they allocate to (local parts).
    lcss: &'static str,
    lead: &'static str,
}

const STEP_DOWNS: [DemoStepDown; 5] = [
    DemoStepDown {
        family_name: "Demo-Kestrel",
        locality: "North",
        town: "Banbury",
        address: "5 Example Mews, Banbury (demo)",
        postcode: "OX16 5AU",
        members: [
            adult("Avery", Sex::F, 31, Ethnicity::Wbri),
            child("Rowan", Sex::M, 7, 40, Ethnicity::Wbri),
        ],
        source: StepDownSource::MashContact,
        due_in: 20,
        stage: Stage::Awaiting,
        lcss: "lcss_worker",
        lead: "practitioner",
    },
    DemoStepDown {
        family_name: "Demo-Larchmont",
        locality: "North",
        town: "Bicester",
        address: "9 Example Yard, Bicester (demo)",
        postcode: "OX26 6HY",
        members: [
            adult("Morgan", Sex::M, 38, Ethnicity::Wirt),
            child("Ellis", Sex::F, 12, 100, Ethnicity::Wirt),
        ],
        source: StepDownSource::CaseClosure,
        due_in: -5,
        stage: Stage::Overdue,
        lcss: "lcss_worker",
        lead: "practitioner",
    },
    DemoStepDown {
        family_name: "Demo-Millbrook",
        locality: "North",
        town: "Banbury",
        address: "14 Example Walk, Banbury (demo)",
        postcode: "OX16 5AU",
        members: [
            adult("Jordan", Sex::F, 27, Ethnicity::Mwbc),
            child("Sky", Sex::F, 4, 200, Ethnicity::Mwbc),
        ],
        source: StepDownSource::CaseClosure,
        due_in: 14,
        stage: Stage::Allocated,
        lcss: "lcss_worker",
        lead: "practitioner",
    },
    DemoStepDown {
        family_name: "Demo-Northcote",
        locality: "South",
        town: "Abingdon",
        address: "3 Example Green, Abingdon (demo)",
        postcode: "OX14 3JD",
        members: [
            adult("Charlie", Sex::M, 44, Ethnicity::Aind),
            child("Remy", Sex::M, 9, 10, Ethnicity::Aind),
        ],
        source: StepDownSource::MashContact,
        due_in: 10,
        stage: Stage::Declined,
        lcss: "lcss_worker2",
        lead: "practitioner2",
    },
    DemoStepDown {
        family_name: "Demo-Oakridge",
        locality: "North",
        town: "Banbury",
        address: "21 Example Rise, Banbury (demo)",
        postcode: "OX16 5AU",
        members: [
            adult("Hayden", Sex::F, 35, Ethnicity::Bcrb),
            child("Quinn", Sex::M, 10, 300, Ethnicity::Bcrb),
        ],
        source: StepDownSource::CaseClosure,
        due_in: 25,
        stage: Stage::Accepted,
        lcss: "lcss_worker",
        lead: "practitioner",
    },
];

/// Where the demo step-downs' NHS numbers start among the demo families' positions.
const FIRST_POSITION: usize = 100;

/// The demo step-downs (once: none are written when any step-down is recorded).
pub(super) fn write_step_downs(conn: &mut PgConnection) -> anyhow::Result<()> {
    if earlyhelp_persistence::step_downs::count(conn)? > 0 {
        return Ok(());
    }
    let social = Player::load(conn, "social_care")?;
    for (index, spec) in STEP_DOWNS.iter().enumerate() {
        let locality = localities::find_by_name(conn, spec.locality)?
            .ok_or_else(|| anyhow!("the demo locality {} is missing", spec.locality))?
            .id;
        let school = organisations::find_by_name(conn, &format!("{} Primary School", spec.town))?
            .map(|organisation| organisation.id);
        let id = FamilyId::generate();
        let mut people = members(
            conn,
            spec.family_name,
            spec.town,
            &spec.members,
            FIRST_POSITION + index,
        )?;
        for person in &mut people {
            person.family_id = id;
        }
        let household = CreateFamily {
            id,
            locality: Some(locality),
            address: Some(spec.address.to_owned()),
            postcode: Some(spec.postcode.to_owned()),
            members: people,
            relationships: vec![(0, 1, earlyhelp_domain::person::RelationshipKind::Parent)],
            confirm_new: true,
            idempotency: None,
        };
        let command = RecordStepDown {
            source: spec.source,
            family: SteppedDownFamily::New(household),
            locality,
            reason: "Social care's involvement has ended; the family asked for early help with \
                routines and school attendance."
                .into(),
            needs_summary: "Attendance below 90% this term; mornings are hard; the parent wants \
                support with routines and the child's worries."
                .into(),
            threshold_level: 2,
            suggested_organisation: school,
            snf_due_on: date(&day(spec.due_in)?)?,
            consent_given_by: ConsentGiver::Member(0),
            consent_method: "written".into(),
            consent_given_on: date(&day(-2)?)?,
            idempotency: None,
        };
        let recorded = step_downs::record(conn, &social.request(), &social.actor, command)?;
        let id = recorded.record.step_down.id;
        if matches!(spec.stage, Stage::Awaiting | Stage::Overdue) {
            continue;
        }
        let lcss = Player::load(conn, spec.lcss)?;
        let lead = Player::load(conn, spec.lead)?;
        step_downs::allocate(conn, &lcss.request(), &lcss.actor, id, lead.user.id)?;
        match spec.stage {
            Stage::Declined => {
                let reason = "My caseload is full until next month; please allocate someone \
                    who can start now.";
                step_downs::decline(conn, &lead.request(), &lead.actor, id, reason.into())?;
            }
            Stage::Accepted => {
                step_downs::accept(conn, &lead.request(), &lead.actor, id)?;
            }
            Stage::Awaiting | Stage::Overdue | Stage::Allocated => {}
        }
    }
    Ok(())
}

/// The demo authority's under-18 populations and SNF targets (once: left alone when any are
/// set). The targets follow the seeds' authority: 5,000 SNFs in 2022/23 and 10,000 a year from
/// 2024/25, with a share for schools; the populations are round synthetic figures.
pub(super) fn write_report_settings(conn: &mut PgConnection) -> anyhow::Result<()> {
    if !earlyhelp_persistence::report_settings::targets(conn)?.is_empty() {
        return Ok(());
    }
    let manager = Player::load(conn, "manager")?;
    let mut populations = vec![Population {
        locality_id: None,
        under_18: 150_000,
    }];
    for name in ["North", "Central", "South"] {
        if let Some(locality) = localities::find_by_name(conn, name)? {
            populations.push(Population {
                locality_id: Some(locality.id),
                under_18: 50_000,
            });
        }
    }
    let this_year = financial_year_start(today()).year();
    let mut targets = vec![Target {
        financial_year: 2022,
        organisation_kind: ALL_KINDS.to_owned(),
        target: 5_000,
    }];
    for year in 2024..=this_year {
        let year = i16::try_from(year)?;
        targets.push(Target {
            financial_year: year,
            organisation_kind: ALL_KINDS.to_owned(),
            target: 10_000,
        });
        targets.push(Target {
            financial_year: year,
            organisation_kind: "school".to_owned(),
            target: 4_000,
        });
    }
    let settings = ReportSettings {
        populations,
        targets,
    };
    performance::set_settings(conn, &manager.request(), &manager.actor, settings)?;
    Ok(())
}
