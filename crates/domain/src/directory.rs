//! The directory: localities, organisations and the names they carry.

use serde::{Deserialize, Serialize};

/// The kinds of agency that take part in early help.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownOrganisationKind,
    parse_err_fn = UnknownOrganisationKind::named
)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum OrganisationKind {
    School,
    EarlyYearsSetting,
    GpPractice,
    HealthVisiting,
    SchoolHealthNursing,
    Police,
    Camhs,
    VoluntaryCommunity,
    Lcss,
    ChildrenSocialCare,
    TargetedEarlyHelp,
    Other,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 12] = [
        OrganisationKind::School,
        OrganisationKind::EarlyYearsSetting,
        OrganisationKind::GpPractice,
        OrganisationKind::HealthVisiting,
        OrganisationKind::SchoolHealthNursing,
        OrganisationKind::Police,
        OrganisationKind::Camhs,
        OrganisationKind::VoluntaryCommunity,
        OrganisationKind::Lcss,
        OrganisationKind::ChildrenSocialCare,
        OrganisationKind::TargetedEarlyHelp,
        OrganisationKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown organisation kind '{0}'")]
pub struct UnknownOrganisationKind(pub String);

impl UnknownOrganisationKind {
    fn named(name: &str) -> Self {
        Self(name.to_owned())
    }
}

/// A trimmed, non-empty, single-line name of bounded length: organisation, locality and
/// display names all follow this rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidName {
    #[error("must not be blank")]
    Blank,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must be a single line without control characters")]
    ControlCharacters,
    #[error(
        "must not contain invisible characters (U+{0:04X}): zero-width spaces and joiners, \
             bidirectional overrides and the like make two names look alike"
    )]
    Invisible(u32),
}

/// The rule every name follows: trimmed, not blank, at most `max` characters, one line, nothing
/// invisible; stored in Unicode NFC, so a name typed composed or decomposed is stored the same.
pub fn single_line(raw: &str, max: usize) -> Result<String, InvalidName> {
    if let Some(c) = raw.chars().find(|&c| crate::text::is_invisible(c)) {
        return Err(InvalidName::Invisible(u32::from(c)));
    }
    let name = crate::text::nfc(raw.trim());
    let name = name.as_str();
    if name.is_empty() {
        return Err(InvalidName::Blank);
    }
    if name.chars().count() > max {
        return Err(InvalidName::TooLong(max));
    }
    if name.chars().any(char::is_control) {
        return Err(InvalidName::ControlCharacters);
    }
    Ok(name.to_owned())
}

impl Name {
    pub const MAX_LENGTH: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, InvalidName> {
        single_line(raw, Self::MAX_LENGTH).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An optional one-line text (a work contact, a role): empty or blank is none, anything else
/// follows [`single_line`].
pub fn optional_line(raw: Option<&str>, max: usize) -> Result<Option<String>, InvalidName> {
    match raw {
        Some(text) if !text.trim().is_empty() => single_line(text, max).map(Some),
        _ => Ok(None),
    }
}

/// Optional free text for contact details (phone, address): trimmed, bounded, empty is none.
pub fn optional_text(raw: Option<&str>, max: usize) -> Result<Option<String>, InvalidName> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) if text.chars().count() > max => Err(InvalidName::TooLong(max)),
        Some(text) if text.chars().any(|c| c.is_control() && c != '\n') => {
            Err(InvalidName::ControlCharacters)
        }
        Some(text) => Ok(Some(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_organisation_kind_round_trips_through_its_name() {
        for kind in OrganisationKind::ALL {
            assert_eq!(kind.as_str().parse::<OrganisationKind>(), Ok(kind));
        }
    }

    #[test]
    fn a_name_is_trimmed() {
        assert_eq!(
            Name::parse("  Cherwell Primary School ").unwrap().as_str(),
            "Cherwell Primary School"
        );
    }

    #[test]
    fn a_blank_or_multiline_name_is_refused() {
        assert_eq!(Name::parse("   "), Err(InvalidName::Blank));
        assert_eq!(
            Name::parse("two\nlines"),
            Err(InvalidName::ControlCharacters)
        );
        assert_eq!(
            Name::parse(&"n".repeat(201)),
            Err(InvalidName::TooLong(200))
        );
    }

    #[test]
    fn empty_optional_text_is_none() {
        assert_eq!(optional_text(Some("  "), 10), Ok(None));
        assert_eq!(optional_text(Some(" 0345 "), 10), Ok(Some("0345".into())));
        assert!(optional_text(Some("01234567890"), 10).is_err());
    }
}
