//! The demo families: who they are, where they live, who works with them and how far through
//! the assessment loop they are. Every name is synthetic ("Demo-" family names, unisex given
//! names) and every address is marked "(demo)".

use super::snf::Concern;
use earlyhelp_domain::person::{Ethnicity, MemberKind, Sex};

/// How far through the assessment loop a demo family is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Family, members and an active consent; no episode yet.
    ConsentOnly,
    /// Episode open, form in draft with the first sections written.
    Draft,
    /// Revision 1 submitted; its review is unassigned in the LCSS queue.
    Submitted,
    /// Revision 1 returned with ratings and feedback; the form is back with the practitioner.
    Returned,
    /// Revision 1 returned, revision 2 accepted: the assessment is complete.
    Accepted,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::ConsentOnly,
        Stage::Draft,
        Stage::Submitted,
        Stage::Returned,
        Stage::Accepted,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Stage::ConsentOnly => "consent only",
            Stage::Draft => "draft",
            Stage::Submitted => "submitted",
            Stage::Returned => "returned",
            Stage::Accepted => "accepted",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Birth {
    /// Born this many years and days ago.
    Age { years: i32, days: i32 },
    /// Unborn, expected this many days from today.
    Expected { in_days: i32 },
}

#[derive(Debug, Clone, Copy)]
pub struct Member {
    pub kind: MemberKind,
    pub given_name: &'static str,
    pub sex: Sex,
    pub birth: Birth,
    pub ethnicity: Ethnicity,
    pub disabilities: &'static [&'static str],
}

pub(super) const fn adult(
    given_name: &'static str,
    sex: Sex,
    years: i32,
    ethnicity: Ethnicity,
) -> Member {
    Member {
        kind: MemberKind::Adult,
        given_name,
        sex,
        birth: Birth::Age {
            years,
            days: (years * 37) % 300 + 20,
        },
        ethnicity,
        disabilities: &[],
    }
}

pub(super) const fn child(
    given_name: &'static str,
    sex: Sex,
    years: i32,
    days: i32,
    ethnicity: Ethnicity,
) -> Member {
    Member {
        kind: MemberKind::Child,
        given_name,
        sex,
        birth: Birth::Age { years, days },
        ethnicity,
        disabilities: &[],
    }
}

pub struct DemoFamily {
    pub family_name: &'static str,
    pub locality: &'static str,
    /// Where the family lives: names the school, nursery and GP practice they use.
    pub town: &'static str,
    pub address: &'static str,
    pub postcode: &'static str,
    /// Email local parts of the demo users who play each part.
    pub lead: &'static str,
    pub reviewer: &'static str,
    /// Who gives the first review to the reviewer; None: the reviewer claims it.
    pub assigned_by: Option<&'static str>,
    pub stage: Stage,
    pub concern: Concern,
    pub consent_method: &'static str,
    pub consent_days_ago: i32,
    pub members: &'static [Member],
    /// The Team Around the Family of an accepted family's episode: the demo users who join the
    /// lead (email local parts), beside a school nurse without an account and the first adult.
    /// Empty: no team.
    pub team: &'static [&'static str],
    /// Whether LCSS has acknowledged the team's finalised minutes (with feedback); its next
    /// meeting is scheduled, with draft minutes, either way.
    pub minutes_acknowledged: bool,
    /// A step-up to Children's Social Care raised once the form is submitted (threshold level
    /// 3), and what social care made of it.
    pub step_up: Option<DemoStepUp>,
}

/// How a demo step-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoStepUp {
    /// Waiting for social care's decision.
    Requested,
    /// Accepted: the episode closed as stepped up.
    Accepted,
    /// Not accepted, with advice: early help continues.
    NotAccepted,
}

pub const FAMILIES: [DemoFamily; 11] = [
    DemoFamily {
        family_name: "Demo-Ashdown",
        locality: "North",
        town: "Banbury",
        address: "1 Example Close, Banbury (demo)",
        postcode: "OX16 5AU",
        lead: "practitioner",
        reviewer: "lcss_worker",
        assigned_by: None,
        stage: Stage::ConsentOnly,
        concern: Concern::SchoolAttendance,
        consent_method: "written",
        consent_days_ago: 2,
        members: &[
            adult("Jordan", Sex::F, 34, Ethnicity::Wbri),
            child("Alex", Sex::M, 8, 61, Ethnicity::Wbri),
            child("Riley", Sex::F, 5, 200, Ethnicity::Wbri),
        ],
        team: &[],
        minutes_acknowledged: false,
        step_up: None,
    },
    DemoFamily {
        family_name: "Demo-Birchwood",
        locality: "North",
        town: "Banbury",
        address: "2 Sample Street, Banbury (demo)",
        postcode: "OX16 2BT",
        lead: "practitioner",
        reviewer: "lcss_worker",
        assigned_by: None,
        stage: Stage::Draft,
        concern: Concern::EarlyYears,
        consent_method: "verbal",
        consent_days_ago: 6,
        members: &[
            adult("Sam", Sex::F, 27, Ethnicity::Mwas),
            adult("Casey", Sex::M, 29, Ethnicity::Aind),
            child("Jamie", Sex::M, 2, 150, Ethnicity::Mwas),
            Member {
                kind: MemberKind::Child,
                given_name: "Baby",
                sex: Sex::U,
                birth: Birth::Expected { in_days: 110 },
                ethnicity: Ethnicity::Nobt,
                disabilities: &[],
            },
        ],
        team: &[],
        minutes_acknowledged: false,
        step_up: None,
    },
    DemoFamily {
        family_name: "Demo-Cranford",
        locality: "North",
        town: "Bicester",
        address: "3 Placeholder Road, Bicester (demo)",
        postcode: "OX26 4HS",
        lead: "practitioner",
        reviewer: "lcss_worker",
        assigned_by: None,
        stage: Stage::Submitted,
        concern: Concern::SchoolAttendance,
        consent_method: "written",
        consent_days_ago: 12,
        members: &[
            adult("Morgan", Sex::F, 38, Ethnicity::Woth),
            child("Taylor", Sex::F, 10, 30, Ethnicity::Woth),
            child("Charlie", Sex::M, 7, 250, Ethnicity::Woth),
        ],
        team: &[],
        minutes_acknowledged: false,
        step_up: Some(DemoStepUp::Requested),
    },
    DemoFamily {
        family_name: "Demo-Dunmore",
        locality: "North",
        town: "Banbury",
        address: "4 Specimen Lane, Banbury (demo)",
        postcode: "OX16 9DL",
        lead: "practitioner",
        reviewer: "lcss_worker",
        assigned_by: Some("lcss_manager"),
        stage: Stage::Returned,
        concern: Concern::Adolescent,
        consent_method: "written",
        consent_days_ago: 20,
        members: &[
            adult("Robin", Sex::M, 45, Ethnicity::Bcrb),
            Member {
                disabilities: &["COMM"],
                ..child("Avery", Sex::F, 14, 90, Ethnicity::Bcrb)
            },
        ],
        team: &[],
        minutes_acknowledged: false,
        step_up: Some(DemoStepUp::NotAccepted),
    },
    DemoFamily {
        family_name: "Demo-Elmstead",
        locality: "North",
        town: "Bicester",
        address: "5 Mock Avenue, Bicester (demo)",
        postcode: "OX26 6PR",
        lead: "practitioner",
        reviewer: "lcss_worker",
        assigned_by: Some("lcss_manager"),
        stage: Stage::Accepted,
        concern: Concern::SchoolAttendance,
        consent_method: "written",
        consent_days_ago: 30,
        members: &[
            adult("Drew", Sex::F, 31, Ethnicity::Wbri),
            child("Quinn", Sex::M, 9, 12, Ethnicity::Wbri),
            child("Rowan", Sex::F, 4, 100, Ethnicity::Wbri),
        ],
        team: &["practitioner2", "social_care"],
        minutes_acknowledged: true,
        step_up: None,
    },
    DemoFamily {
        family_name: "Demo-Fairholme",
        locality: "South",
        town: "Abingdon",
        address: "6 Example Close, Abingdon (demo)",
        postcode: "OX14 1RW",
        lead: "practitioner2",
        reviewer: "lcss_worker2",
        assigned_by: None,
        stage: Stage::Draft,
        concern: Concern::Adolescent,
        consent_method: "written",
        consent_days_ago: 4,
        members: &[
            adult("Harper", Sex::F, 41, Ethnicity::Apkn),
            child("Ellis", Sex::M, 13, 40, Ethnicity::Apkn),
        ],
        team: &[],
        minutes_acknowledged: false,
        step_up: None,
    },
    DemoFamily {
        family_name: "Demo-Greystone",
        locality: "South",
        town: "Didcot",
        address: "7 Sample Street, Didcot (demo)",
        postcode: "OX11 7JE",
        lead: "practitioner2",
        reviewer: "lcss_worker2",
        assigned_by: None,
        stage: Stage::Submitted,
        concern: Concern::EarlyYears,
        consent_method: "verbal",
        consent_days_ago: 9,
        members: &[
            adult("Jesse", Sex::F, 30, Ethnicity::Bafr),
            child("Kai", Sex::M, 3, 20, Ethnicity::Bafr),
            child("Remi", Sex::F, 6, 180, Ethnicity::Bafr),
        ],
        team: &[],
        minutes_acknowledged: false,
        step_up: None,
    },
    DemoFamily {
        family_name: "Demo-Hartwell",
        locality: "South",
        town: "Abingdon",
        address: "8 Placeholder Road, Abingdon (demo)",
        postcode: "OX14 5NQ",
        lead: "practitioner2",
        reviewer: "lcss_worker2",
        assigned_by: None,
        stage: Stage::Returned,
        concern: Concern::SchoolAttendance,
        consent_method: "written",
        consent_days_ago: 18,
        members: &[
            adult("Frankie", Sex::M, 36, Ethnicity::Wiri),
            Member {
                disabilities: &["AUT"],
                ..child("Logan", Sex::M, 10, 300, Ethnicity::Wiri)
            },
        ],
        team: &[],
        minutes_acknowledged: false,
        step_up: Some(DemoStepUp::Accepted),
    },
    DemoFamily {
        family_name: "Demo-Ivybridge",
        locality: "South",
        town: "Didcot",
        address: "9 Specimen Lane, Didcot (demo)",
        postcode: "OX11 8TU",
        lead: "practitioner2",
        reviewer: "lcss_worker2",
        assigned_by: None,
        stage: Stage::Accepted,
        concern: Concern::Adolescent,
        consent_method: "written",
        consent_days_ago: 35,
        members: &[
            adult("Parker", Sex::F, 44, Ethnicity::Chne),
            child("Emery", Sex::F, 15, 100, Ethnicity::Chne),
            child("Reese", Sex::M, 11, 5, Ethnicity::Chne),
        ],
        team: &["practitioner"],
        minutes_acknowledged: false,
        step_up: None,
    },
    DemoFamily {
        family_name: "Demo-Juniper",
        locality: "North",
        town: "Bicester",
        address: "10 Mock Avenue, Bicester (demo)",
        postcode: "OX26 6AA",
        lead: "practitioner",
        reviewer: "lcss_worker",
        assigned_by: None,
        stage: Stage::Draft,
        concern: Concern::SchoolAttendance,
        consent_method: "verbal",
        consent_days_ago: 3,
        members: &[
            adult("Blake", Sex::M, 33, Ethnicity::Moth),
            child("Finley", Sex::M, 6, 75, Ethnicity::Moth),
        ],
        team: &[],
        minutes_acknowledged: false,
        step_up: None,
    },
    // A South school records a boy who, unknown to it, is Demo-Ashdown's Alex in North (the
    // same date of birth and given name): the practitioner is told to contact the North LCSS,
    // whose worker finds the match in GET /api/v1/known-elsewhere.
    DemoFamily {
        family_name: "Demo-Kestrel",
        locality: "South",
        town: "Abingdon",
        address: "11 Sample Lane, Abingdon (demo)",
        postcode: "OX14 3QT",
        lead: "practitioner2",
        reviewer: "lcss_worker2",
        assigned_by: None,
        stage: Stage::ConsentOnly,
        concern: Concern::SchoolAttendance,
        consent_method: "written",
        consent_days_ago: 1,
        members: &[
            adult("Morgan", Sex::F, 36, Ethnicity::Wbri),
            child("Alex", Sex::M, 8, 61, Ethnicity::Wbri),
        ],
        team: &[],
        minutes_acknowledged: false,
        step_up: None,
    },
];
