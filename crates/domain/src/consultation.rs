//! LCSS consultations. A No Names Consultation is advice given with no identifying data: its
//! record has no field for the child or family, and every free text is searched for the
//! identifiers a professional might type in by habit (NHS number, UPN, date of birth,
//! postcode, phone number, email address), so a record that would identify someone is refused.

use regex::Regex;
use std::sync::LazyLock;

/// What a consultation is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum ConcernTheme {
    EmotionalWellbeing,
    Attendance,
    Behaviour,
    Parenting,
    DomesticAbuse,
    Neglect,
    SubstanceMisuse,
    Housing,
    Finances,
    Send,
    Exploitation,
    Other,
}

impl ConcernTheme {
    pub const ALL: [ConcernTheme; 12] = [
        ConcernTheme::EmotionalWellbeing,
        ConcernTheme::Attendance,
        ConcernTheme::Behaviour,
        ConcernTheme::Parenting,
        ConcernTheme::DomesticAbuse,
        ConcernTheme::Neglect,
        ConcernTheme::SubstanceMisuse,
        ConcernTheme::Housing,
        ConcernTheme::Finances,
        ConcernTheme::Send,
        ConcernTheme::Exploitation,
        ConcernTheme::Other,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What the consultation advised.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum ConsultationOutcome {
    /// Seek the family's consent for an Early Help Assessment.
    SeekConsent,
    /// Refer to the MASH.
    ReferToMash,
    /// Signpost to a named service.
    Signpost,
    /// Universal services only.
    UniversalServices,
    NoFurtherAction,
}

impl ConsultationOutcome {
    pub const ALL: [ConsultationOutcome; 5] = [
        ConsultationOutcome::SeekConsent,
        ConsultationOutcome::ReferToMash,
        ConsultationOutcome::Signpost,
        ConsultationOutcome::UniversalServices,
        ConsultationOutcome::NoFurtherAction,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A kind of identifier found in text meant to be anonymous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Identifier {
    NhsNumber,
    Upn,
    DateOfBirth,
    Postcode,
    PhoneNumber,
    Email,
}

impl Identifier {
    /// How a refusal names it.
    pub fn described(self) -> &'static str {
        match self {
            Identifier::NhsNumber => "an NHS number",
            Identifier::Upn => "a Unique Pupil Number",
            Identifier::DateOfBirth => "a date (a date of birth identifies a child)",
            Identifier::Postcode => "a postcode",
            Identifier::PhoneNumber => "a phone number",
            Identifier::Email => "an email address",
        }
    }
}

/// An identifier found: what it looks like, and where (the character offset it starts at).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub identifier: Identifier,
    pub at: usize,
}

fn pattern(text: &str) -> Regex {
    // The patterns are constants, tested below.
    Regex::new(text).unwrap_or_else(|error| unreachable!("identifier pattern: {error}"))
}

const MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

static PATTERNS: LazyLock<Vec<(Identifier, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Identifier::Email,
            pattern(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
        ),
        // Ten digits, alone or grouped 3-3-4 as NHS numbers are written.
        (
            Identifier::NhsNumber,
            pattern(r"\b[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}\b"),
        ),
        (
            Identifier::PhoneNumber,
            pattern(r"(?:\+44[ -]?(?:\(0\)[ -]?)?|\b0)[0-9](?:[ -]?[0-9]){8,9}\b"),
        ),
        (Identifier::Upn, pattern(r"(?i)\b[a-z][0-9]{11}[0-9a-z]\b")),
        (
            Identifier::DateOfBirth,
            pattern(&format!(
                r"(?i)\b(?:[0-9]{{1,2}}[/.-][0-9]{{1,2}}[/.-][0-9]{{2,4}}|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|[0-9]{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?,?\s+[0-9]{{4}}|(?:{MONTHS})\.?\s+[0-9]{{1,2}}(?:st|nd|rd|th)?,?\s+[0-9]{{4}})\b"
            )),
        ),
        (
            Identifier::Postcode,
            pattern(r"(?i)\b(?:[a-z]{1,2}[0-9][0-9a-z]?\s*[0-9][abd-hjlnp-uw-z]{2}|gir\s*0aa)\b"),
        ),
    ]
});

/// Every identifier in `text`, in order of where it starts; a stretch matched as one kind is
/// not matched again as another (a phone number is not also read as an NHS number).
pub fn find_identifiers(text: &str) -> Vec<Found> {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut found = Vec::new();
    for (identifier, regex) in PATTERNS.iter() {
        for hit in regex.find_iter(text) {
            let span = (hit.start(), hit.end());
            if taken
                .iter()
                .any(|(start, end)| span.0 < *end && *start < span.1)
            {
                continue;
            }
            taken.push(span);
            found.push(Found {
                identifier: *identifier,
                at: text[..hit.start()].chars().count(),
            });
        }
    }
    found.sort_by_key(|found| found.at);
    found
}

/// A professional's request for a No Names Consultation: with LCSS until it records the
/// consultation, which completes it once.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum RequestState {
    Requested,
    Completed,
}

impl RequestState {
    pub const ALL: [RequestState; 2] = [RequestState::Requested, RequestState::Completed];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the request has been answered already")]
pub struct AlreadyCompleted;

/// The one transition of a request.
pub fn complete(state: RequestState) -> Result<RequestState, AlreadyCompleted> {
    match state {
        RequestState::Requested => Ok(RequestState::Completed),
        RequestState::Completed => Err(AlreadyCompleted),
    }
}

/// How many days ahead of its date a follow-up shows on the work list.
pub const FOLLOW_UP_NOTICE_DAYS: i64 = 7;

/// A consultation's follow-up: whether LCSS has recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    Open,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the consultation has been followed up already")]
pub struct AlreadyFollowedUp;

/// Recording the follow-up: once.
pub fn follow_up(state: FollowUp) -> Result<FollowUp, AlreadyFollowedUp> {
    match state {
        FollowUp::Open => Ok(FollowUp::Done),
        FollowUp::Done => Err(AlreadyFollowedUp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_completed_once_and_a_follow_up_recorded_once() {
        for state in RequestState::ALL {
            match state {
                RequestState::Requested => assert_eq!(complete(state), Ok(RequestState::Completed)),
                RequestState::Completed => assert_eq!(complete(state), Err(AlreadyCompleted)),
            }
        }
        assert_eq!(follow_up(FollowUp::Open), Ok(FollowUp::Done));
        assert_eq!(follow_up(FollowUp::Done), Err(AlreadyFollowedUp));
    }

    fn kinds(text: &str) -> Vec<Identifier> {
        find_identifiers(text)
            .into_iter()
            .map(|found| found.identifier)
            .collect()
    }

    #[test]
    fn each_kind_of_identifier_is_found_where_it_is() {
        for (text, expected) in [
            ("NHS 943 476 5919 on file", Identifier::NhsNumber),
            ("nhs 9434765919", Identifier::NhsNumber),
            ("upn A123456789012 at school", Identifier::Upn),
            ("born 03/04/2016", Identifier::DateOfBirth),
            ("dob 2016-04-03", Identifier::DateOfBirth),
            ("born 3rd April 2016", Identifier::DateOfBirth),
            ("born April 3, 2016", Identifier::DateOfBirth),
            ("lives near OX16 5AU", Identifier::Postcode),
            ("lives near ox165au", Identifier::Postcode),
            ("mum on 07700 900123", Identifier::PhoneNumber),
            ("call +44 7700 900123", Identifier::PhoneNumber),
            ("landline 01295 252535", Identifier::PhoneNumber),
            ("email jo.bloggs@example.org", Identifier::Email),
        ] {
            assert_eq!(kinds(text), vec![expected], "{text}");
        }
        let found = find_identifiers("Zoë’s mum: 07700 900123");
        assert_eq!(found[0].at, 11, "offsets count characters");
    }

    #[test]
    fn ordinary_advice_is_left_alone() {
        for text in [
            "Year 6 pupil, attendance 82% this term; two older siblings.",
            "Mum works 3 days a week; advised a TAF within 6 weeks.",
            "Consider the 10 steps of the parenting course; review in 2027.",
            "Referred to CAMHS tier 2 in March.",
            "",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn code_lists_round_trip() {
        for theme in ConcernTheme::ALL {
            assert_eq!(theme.as_str().parse::<ConcernTheme>(), Ok(theme));
        }
        for outcome in ConsultationOutcome::ALL {
            assert_eq!(outcome.as_str().parse::<ConsultationOutcome>(), Ok(outcome));
        }
        assert_eq!(ConcernTheme::Send.as_str(), "send");
    }
}
