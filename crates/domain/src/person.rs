//! The people in a family: their identifiers, names, postcodes and the coded characteristics
//! the Children in Need (CIN) census asks for.
//!
//! The code lists follow the DfE CIN census so that figures can be returned to the DfE without a
//! translation table, and so that a practitioner sees the categories they already know.

use chrono::{Months, NaiveDate};
use std::fmt;

use crate::directory::InvalidName;

mod codes;

pub use codes::*;

// ---------------------------------------------------------------------------------------------
// NHS number

/// A 10-digit NHS number whose modulus-11 check digit is right.
///
/// The check digit catches almost every single mistyped digit and transposition, which is what
/// matters when a practitioner copies the number from a letter: a wrong number would link a
/// child to someone else's health record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhsNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidNhsNumber {
    #[error("must be 10 digits, optionally grouped with spaces or hyphens (e.g. 943 476 5919)")]
    Malformed,
    #[error("is not a valid NHS number: the check digit does not match")]
    CheckDigit,
    #[error("is a placeholder, not an NHS number: all ten digits are the same")]
    Placeholder,
}

impl NhsNumber {
    /// Accepts the usual written forms ("943 476 5919", "943-476-5919", "9434765919") and stores
    /// the bare digits.
    pub fn parse(raw: &str) -> Result<Self, InvalidNhsNumber> {
        let mut digits = String::with_capacity(10);
        for c in raw.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' => {}
                _ => return Err(InvalidNhsNumber::Malformed),
            }
        }
        let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        if values.len() != 10 {
            return Err(InvalidNhsNumber::Malformed);
        }
        // 0000000000 and 1111111111 pass the modulus check but are what people type when
        // they do not know the number; accepting them would merge unrelated children.
        if values.iter().all(|d| *d == values[0]) {
            return Err(InvalidNhsNumber::Placeholder);
        }
        let sum: u32 = values[..9]
            .iter()
            .zip((2..=10).rev())
            .map(|(digit, weight)| digit * weight)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return Err(InvalidNhsNumber::CheckDigit),
            check => check,
        };
        if check != values[9] {
            return Err(InvalidNhsNumber::CheckDigit);
        }
        Ok(Self(digits))
    }

    /// The ten digits, without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Unique Pupil Number

/// The 23 letters a UPN check letter (and a temporary UPN's last character) can be: I, O and S
/// are left out because they are mistaken for 1, 0 and 5.
const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A Unique Pupil Number (DfE): a check letter, then 11 digits (LA number, establishment
/// number, year and serial), then a digit, or a letter for a temporary UPN.
///
/// Like the NHS number, it links a child to records held elsewhere, so a mistyped one is
/// refused rather than stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Upn(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidUpn {
    #[error("must be 13 characters: a check letter, 11 digits, then a digit or letter")]
    Malformed,
    #[error("is not a valid UPN: the check letter does not match")]
    CheckLetter,
}

impl Upn {
    /// Trims and upper-cases, then checks the shape and the check letter.
    pub fn parse(raw: &str) -> Result<Self, InvalidUpn> {
        let upn = raw.trim().to_ascii_uppercase();
        let bytes = upn.as_bytes();
        if bytes.len() != 13 || !bytes[1..12].iter().all(u8::is_ascii_digit) {
            return Err(InvalidUpn::Malformed);
        }
        let letter_value = |b: u8| UPN_LETTERS.iter().position(|l| *l == b);
        if letter_value(bytes[0]).is_none() {
            return Err(InvalidUpn::Malformed);
        }
        let last = if bytes[12].is_ascii_digit() {
            usize::from(bytes[12] - b'0')
        } else {
            letter_value(bytes[12]).ok_or(InvalidUpn::Malformed)?
        };
        let sum: usize = bytes[1..12]
            .iter()
            .map(|b| usize::from(b - b'0'))
            .chain(std::iter::once(last))
            .zip(2..)
            .map(|(value, weight)| value * weight)
            .sum();
        if UPN_LETTERS[sum % 23] != bytes[0] {
            return Err(InvalidUpn::CheckLetter);
        }
        Ok(Self(upn))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A given name or a family name. Deliberately permissive about content (apostrophes,
/// hyphens, accents, single-word names all occur); only blank, overlong and control characters
/// are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_LENGTH: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, InvalidName> {
        crate::directory::single_line(raw, Self::MAX_LENGTH).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// What the duplicate check compares: see [`crate::text::name_key`].
    pub fn key(&self) -> String {
        crate::text::name_key(&self.0)
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Postcode

/// A UK postcode in its canonical form: upper case, one space before the inward code.
///
/// Stored canonically so that searching for a family by postcode, and counting families per
/// area, does not depend on how each practitioner typed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a UK postcode such as OX16 5AU")]
pub struct InvalidPostcode;

impl Postcode {
    pub fn parse(raw: &str) -> Result<Self, InvalidPostcode> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !compact.is_ascii() || !(5..=7).contains(&compact.len()) {
            return Err(InvalidPostcode);
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let valid = compact == "GIR0AA" || (outward_is_valid(outward) && inward_is_valid(inward));
        if !valid {
            return Err(InvalidPostcode);
        }
        Ok(Self(format!("{outward} {inward}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The outward code: one or two letters (area), a digit, then optionally a letter or digit
/// (A9, A99, A9A, AA9, AA99, AA9A).
fn outward_is_valid(outward: &str) -> bool {
    let b = outward.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    match &b[letters..] {
        [d] => d.is_ascii_digit(),
        [d, x] => d.is_ascii_digit() && x.is_ascii_alphanumeric(),
        _ => false,
    }
}

/// The inward code: a digit and two letters (9AA).
fn inward_is_valid(inward: &str) -> bool {
    matches!(inward.as_bytes(), [d, a, b]
        if d.is_ascii_digit() && a.is_ascii_uppercase() && b.is_ascii_uppercase())
}

// ---------------------------------------------------------------------------------------------
// Birth

/// How far ahead an expected date of birth may be: a pregnancy lasts about nine months, so ten
/// leaves room for an early-known pregnancy without letting a typo of the year through.
const EXPECTED_WITHIN_MONTHS: u32 = 10;
/// Older than this is taken to be a mistyped year.
const MAX_AGE_YEARS: u32 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BirthError {
    #[error("a date of birth, or an expected date of birth for an unborn child, is required")]
    Missing,
    #[error("give either a date of birth or an expected date of birth, not both")]
    Both,
    #[error("only an unborn child can have an expected date of birth")]
    ExpectedForAdult,
    #[error("an expected date of birth cannot be in the past; record the date of birth")]
    ExpectedInPast,
    #[error("an expected date of birth must be within {EXPECTED_WITHIN_MONTHS} months")]
    ExpectedTooFar,
    #[error("the sex of an unborn child must be U (unknown)")]
    UnbornSexKnown,
    #[error("a date of birth cannot be in the future")]
    BornInFuture,
    #[error("a date of birth cannot be more than {MAX_AGE_YEARS} years ago")]
    TooOld,
}

impl BirthError {
    /// The request field to attach the error to.
    pub const fn field(self) -> &'static str {
        match self {
            BirthError::Missing | BirthError::BornInFuture | BirthError::TooOld => "date_of_birth",
            BirthError::Both
            | BirthError::ExpectedForAdult
            | BirthError::ExpectedInPast
            | BirthError::ExpectedTooFar => "expected_date_of_birth",
            BirthError::UnbornSexKnown => "sex",
        }
    }
}

/// Checks a family member's date of birth, or expected date of birth for an unborn child.
///
/// Early help starts before birth (a health visitor's antenatal concern), so an unborn child is
/// a family member with an expected date instead of a date of birth. Their sex is recorded as
/// U, as the CIN census requires for unborn children.
pub fn check_birth(
    kind: MemberKind,
    sex: Sex,
    date_of_birth: Option<NaiveDate>,
    expected_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), BirthError> {
    match (date_of_birth, expected_date) {
        (None, None) => Err(BirthError::Missing),
        (Some(_), Some(_)) => Err(BirthError::Both),
        (None, Some(expected)) => {
            if kind != MemberKind::Child {
                return Err(BirthError::ExpectedForAdult);
            }
            if expected < today {
                return Err(BirthError::ExpectedInPast);
            }
            let latest = today
                .checked_add_months(Months::new(EXPECTED_WITHIN_MONTHS))
                .unwrap_or(NaiveDate::MAX);
            if expected > latest {
                return Err(BirthError::ExpectedTooFar);
            }
            if sex != Sex::U {
                return Err(BirthError::UnbornSexKnown);
            }
            Ok(())
        }
        (Some(born), None) => {
            if born > today {
                return Err(BirthError::BornInFuture);
            }
            let earliest = today
                .checked_sub_months(Months::new(12 * MAX_AGE_YEARS))
                .unwrap_or(NaiveDate::MIN);
            if born < earliest {
                return Err(BirthError::TooOld);
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_nhs_number_is_stored_as_bare_digits() {
        for raw in [
            "9434765919",
            "943 476 5919",
            "943-476-5919",
            " 943 476-5919 ",
        ] {
            assert_eq!(NhsNumber::parse(raw).unwrap().as_str(), "9434765919");
        }
    }

    #[test]
    fn nhs_numbers_with_a_right_check_digit_are_accepted() {
        // 9876543210 has a computed check digit of 11, which is written as 0.
        for raw in ["4010232137", "9876543210"] {
            assert!(NhsNumber::parse(raw).is_ok(), "{raw} should be accepted");
        }
    }

    #[test]
    fn a_mistyped_nhs_number_fails_its_check_digit() {
        assert_eq!(
            NhsNumber::parse("9434765918"),
            Err(InvalidNhsNumber::CheckDigit)
        );
        // Two digits transposed.
        assert_eq!(
            NhsNumber::parse("9434765199"),
            Err(InvalidNhsNumber::CheckDigit)
        );
    }

    #[test]
    fn an_nhs_number_whose_check_digit_would_be_ten_is_invalid() {
        // 123456789: the weighted sum is 210, 11 - 210 % 11 = 10, so no tenth digit fits.
        for last in 0..=9 {
            assert_eq!(
                NhsNumber::parse(&format!("123456789{last}")),
                Err(InvalidNhsNumber::CheckDigit)
            );
        }
    }

    #[test]
    fn a_malformed_nhs_number_is_refused() {
        for raw in ["", "943476591", "94347659190", "943.476.5919", "94347659l9"] {
            assert_eq!(
                NhsNumber::parse(raw),
                Err(InvalidNhsNumber::Malformed),
                "{raw}"
            );
        }
    }

    #[test]
    fn a_placeholder_nhs_number_is_refused_although_its_check_digit_fits() {
        assert_eq!(
            NhsNumber::parse("0000000000"),
            Err(InvalidNhsNumber::Placeholder)
        );
        assert_eq!(
            NhsNumber::parse("111 111 1111"),
            Err(InvalidNhsNumber::Placeholder)
        );
    }

    #[test]
    fn a_upn_with_the_right_check_letter_is_accepted_and_upper_cased() {
        // B801200005001 is the example in python-stdnum's documentation of the DfE rule.
        assert_eq!(
            Upn::parse(" b801200005001 ").unwrap().as_str(),
            "B801200005001"
        );
        for raw in ["T931200100001", "X201220000001", "U825190123456"] {
            assert_eq!(Upn::parse(raw).unwrap().as_str(), raw);
        }
    }

    #[test]
    fn a_temporary_upn_ending_in_a_letter_is_accepted() {
        // The final letter counts as its position in the check alphabet (A = 0, Z = 22).
        assert!(Upn::parse("D93120010000A").is_ok());
        assert!(Upn::parse("P93120010000Z").is_ok());
    }

    #[test]
    fn a_upn_with_the_wrong_check_letter_is_refused() {
        assert_eq!(Upn::parse("A801200005001"), Err(InvalidUpn::CheckLetter));
        assert_eq!(Upn::parse("T931200100002"), Err(InvalidUpn::CheckLetter));
    }

    #[test]
    fn a_malformed_upn_is_refused() {
        for raw in [
            "",
            "B80120000500",
            "B8012000050011",
            "1801200005001",
            "I801200005001",
            "X80120000A001",
            "D93120010000I",
            "D93120010000-",
        ] {
            assert_eq!(Upn::parse(raw), Err(InvalidUpn::Malformed), "{raw}");
        }
    }

    #[test]
    fn sex_codes_round_trip_through_text_and_json() {
        for sex in Sex::ALL {
            assert_eq!(sex.as_str().parse::<Sex>(), Ok(sex));
        }
        assert_eq!(serde_json::to_string(&Sex::U).unwrap(), "\"U\"");
        assert_eq!(serde_json::from_str::<Sex>("\"F\"").unwrap(), Sex::F);
        assert!("m".parse::<Sex>().is_err());
    }

    #[test]
    fn there_are_twenty_ethnicity_codes_and_each_round_trips() {
        assert_eq!(Ethnicity::ALL.len(), 20);
        for ethnicity in Ethnicity::ALL {
            assert_eq!(ethnicity.as_str().parse::<Ethnicity>(), Ok(ethnicity));
            let json = serde_json::to_string(&ethnicity).unwrap();
            assert_eq!(json, format!("\"{}\"", ethnicity.as_str()));
            assert!(!ethnicity.description().is_empty());
        }
        assert_eq!(Ethnicity::Wbri.description(), "White British");
        assert_eq!(Ethnicity::Refu.description(), "Information refused");
        assert_eq!(
            Ethnicity::Nobt.description(),
            "Information not yet obtained"
        );
    }

    #[test]
    fn an_unknown_ethnicity_code_lists_the_valid_ones() {
        let message = "XXXX".parse::<Ethnicity>().unwrap_err().to_string();
        assert!(
            message.contains("unknown ethnicity code 'XXXX'"),
            "{message}"
        );
        assert!(message.contains("WBRI, WIRI"), "{message}");
        assert!(message.ends_with("REFU, NOBT"), "{message}");
    }

    #[test]
    fn every_disability_code_round_trips() {
        assert_eq!(Disability::ALL.len(), 13);
        for disability in Disability::ALL {
            assert_eq!(disability.as_str().parse::<Disability>(), Ok(disability));
            let json = serde_json::to_string(&disability).unwrap();
            assert_eq!(json, format!("\"{}\"", disability.as_str()));
        }
    }

    #[test]
    fn disabilities_are_sorted_and_free_of_duplicates() {
        let raw = ["VIS", "AUT", "VIS", "MOB"].map(String::from);
        assert_eq!(
            parse_disabilities(&raw),
            Ok(vec![Disability::Mob, Disability::Vis, Disability::Aut])
        );
        assert_eq!(parse_disabilities(&[]), Ok(vec![]));
        let none = ["NONE", "NONE"].map(String::from);
        assert_eq!(parse_disabilities(&none), Ok(vec![Disability::None]));
    }

    #[test]
    fn an_unknown_disability_is_reported_with_its_index() {
        let raw = ["VIS", "BLIND"].map(String::from);
        let (index, error) = parse_disabilities(&raw).unwrap_err();
        assert_eq!(index, 1);
        assert!(matches!(error, InvalidDisability::Unknown(ref e) if e.code == "BLIND"));
    }

    #[test]
    fn no_disability_cannot_be_combined_with_a_disability() {
        let raw = ["HEAR", "NONE"].map(String::from);
        assert_eq!(
            parse_disabilities(&raw),
            Err((1, InvalidDisability::NoneWithOthers))
        );
    }

    #[test]
    fn member_and_relationship_kinds_use_snake_case_names() {
        for kind in MemberKind::ALL {
            assert_eq!(kind.as_str().parse::<MemberKind>(), Ok(kind));
        }
        for kind in RelationshipKind::ALL {
            assert_eq!(kind.as_str().parse::<RelationshipKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(RelationshipKind::StepParent.as_str(), "step_parent");
    }

    #[test]
    fn a_person_name_is_trimmed_and_may_carry_punctuation_and_accents() {
        assert_eq!(
            PersonName::parse("  O'Brien-Nwosu ").unwrap().as_str(),
            "O'Brien-Nwosu"
        );
        assert_eq!(PersonName::parse("Zoë").unwrap().into_string(), "Zoë");
    }

    #[test]
    fn a_blank_overlong_or_multiline_person_name_is_refused() {
        assert_eq!(PersonName::parse(" "), Err(InvalidName::Blank));
        assert_eq!(
            PersonName::parse(&"a".repeat(101)),
            Err(InvalidName::TooLong(100))
        );
        assert!(PersonName::parse(&"a".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse("Ann\nSmith"),
            Err(InvalidName::ControlCharacters)
        );
    }

    #[test]
    fn a_postcode_is_upper_cased_with_one_space_before_the_inward_code() {
        for (raw, canonical) in [
            ("ox16 5au", "OX16 5AU"),
            ("OX43LX", "OX4 3LX"),
            (" ox14  3jd ", "OX14 3JD"),
            ("sw1a1aa", "SW1A 1AA"),
            ("M1 1AE", "M1 1AE"),
            ("W1A 0AX", "W1A 0AX"),
            ("B33 8TH", "B33 8TH"),
            ("gir 0aa", "GIR 0AA"),
        ] {
            assert_eq!(Postcode::parse(raw).unwrap().as_str(), canonical, "{raw}");
        }
    }

    #[test]
    fn a_malformed_postcode_is_refused() {
        for raw in [
            "",
            "OX16",
            "12345",
            "OX16 5A",
            "OXX16 5AU",
            "OX16 55U",
            "OX1655 5AU",
            "1X16 5AU",
            "ÖX16 5AU",
        ] {
            assert_eq!(Postcode::parse(raw), Err(InvalidPostcode), "{raw}");
        }
    }

    fn today() -> NaiveDate {
        date(2025, 6, 15)
    }

    #[test]
    fn a_child_or_adult_with_a_past_date_of_birth_is_fine() {
        for kind in MemberKind::ALL {
            for sex in Sex::ALL {
                assert_eq!(
                    check_birth(kind, sex, Some(date(2015, 3, 1)), None, today()),
                    Ok(())
                );
            }
        }
        assert_eq!(
            check_birth(MemberKind::Child, Sex::F, Some(today()), None, today()),
            Ok(())
        );
    }

    #[test]
    fn an_unborn_child_has_an_expected_date_and_unknown_sex() {
        assert_eq!(
            check_birth(
                MemberKind::Child,
                Sex::U,
                None,
                Some(date(2025, 11, 1)),
                today()
            ),
            Ok(())
        );
        assert_eq!(
            check_birth(MemberKind::Child, Sex::U, None, Some(today()), today()),
            Ok(())
        );
    }

    #[test]
    fn an_unborn_child_cannot_have_a_known_sex() {
        let error = check_birth(
            MemberKind::Child,
            Sex::F,
            None,
            Some(date(2025, 11, 1)),
            today(),
        )
        .unwrap_err();
        assert_eq!(error, BirthError::UnbornSexKnown);
        assert_eq!(error.field(), "sex");
    }

    #[test]
    fn one_of_the_two_dates_is_required_but_not_both() {
        let missing = check_birth(MemberKind::Child, Sex::U, None, None, today()).unwrap_err();
        assert_eq!(missing, BirthError::Missing);
        assert_eq!(missing.field(), "date_of_birth");
        let both = check_birth(
            MemberKind::Child,
            Sex::U,
            Some(date(2020, 1, 1)),
            Some(date(2025, 9, 1)),
            today(),
        )
        .unwrap_err();
        assert_eq!(both, BirthError::Both);
        assert_eq!(both.field(), "expected_date_of_birth");
    }

    #[test]
    fn an_adult_cannot_be_unborn() {
        let error = check_birth(
            MemberKind::Adult,
            Sex::U,
            None,
            Some(date(2025, 9, 1)),
            today(),
        )
        .unwrap_err();
        assert_eq!(error, BirthError::ExpectedForAdult);
        assert_eq!(error.field(), "expected_date_of_birth");
    }

    #[test]
    fn an_expected_date_must_lie_in_the_next_ten_months() {
        let check =
            |expected| check_birth(MemberKind::Child, Sex::U, None, Some(expected), today());
        assert_eq!(check(date(2025, 6, 14)), Err(BirthError::ExpectedInPast));
        assert_eq!(check(date(2026, 4, 15)), Ok(()));
        assert_eq!(check(date(2026, 4, 16)), Err(BirthError::ExpectedTooFar));
        assert_eq!(BirthError::ExpectedTooFar.field(), "expected_date_of_birth");
    }

    #[test]
    fn a_date_of_birth_cannot_be_in_the_future_or_over_120_years_ago() {
        let check = |born| check_birth(MemberKind::Adult, Sex::M, Some(born), None, today());
        assert_eq!(check(date(2025, 6, 16)), Err(BirthError::BornInFuture));
        assert_eq!(check(date(1905, 6, 15)), Ok(()));
        assert_eq!(check(date(1905, 6, 14)), Err(BirthError::TooOld));
        assert_eq!(BirthError::TooOld.field(), "date_of_birth");
    }

    #[test]
    fn a_leap_day_today_does_not_break_the_age_limit() {
        // 1900 was not a leap year, so 120 years before 29 February 2020 is 28 February 1900.
        let check = |born| {
            check_birth(
                MemberKind::Adult,
                Sex::F,
                Some(born),
                None,
                date(2020, 2, 29),
            )
        };
        assert_eq!(check(date(1900, 2, 28)), Ok(()));
        assert_eq!(check(date(1900, 2, 27)), Err(BirthError::TooOld));
    }
}
