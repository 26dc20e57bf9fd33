//! Early-help episodes: threshold levels, closure reasons and the episode state machine.

use serde::{Deserialize, Serialize};

/// The Threshold of Needs level an early-help episode works at. Level 1 (universal) needs no
/// episode and level 4 (critical) belongs to statutory services, so neither can be held here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ThresholdLevel {
    /// Level 2: vulnerable; early help assessment and Team Around the Family.
    Vulnerable,
    /// Level 3: complex; LCSS consultation, a social care referral may be needed.
    Complex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    #[error("level 1 is universal: schools, GPs and other universal services meet these needs without an early help episode")]
    Universal,
    #[error("level 4 is critical: contact the MASH now (your locality's contacts, GET /api/v1/localities/{{id}}/contacts, give its number) or request a step-up to Children's Social Care; early help cannot hold a level 4 case")]
    Statutory,
    #[error("the threshold level must be 2 (vulnerable) or 3 (complex)")]
    OutOfRange,
}

/// The level-4 refusal's advice: the MASH number of the professional's locality when the
/// authority has recorded one (`(locality, number)`), else where to find it.
pub fn statutory_advice(mash: Option<(&str, &str)>) -> String {
    match mash {
        Some((locality, number)) => format!(
            "level 4 is critical: contact the MASH now on {number} ({locality}) or request a \
             step-up to Children's Social Care; early help cannot hold a level 4 case"
        ),
        None => ThresholdError::Statutory.to_string(),
    }
}

impl ThresholdLevel {
    pub fn from_level(level: i64) -> Result<Self, ThresholdError> {
        match level {
            1 => Err(ThresholdError::Universal),
            2 => Ok(ThresholdLevel::Vulnerable),
            3 => Ok(ThresholdLevel::Complex),
            4 => Err(ThresholdError::Statutory),
            _ => Err(ThresholdError::OutOfRange),
        }
    }

    pub const fn level(self) -> i16 {
        match self {
            ThresholdLevel::Vulnerable => 2,
            ThresholdLevel::Complex => 3,
        }
    }
}

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
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum ClosureReason {
    OutcomesMet,
    SteppedUp,
    MovedOutOfArea,
    ConsentWithdrawn,
    FamilyDisengaged,
    Other,
}

impl ClosureReason {
    pub const ALL: [ClosureReason; 6] = [
        ClosureReason::OutcomesMet,
        ClosureReason::SteppedUp,
        ClosureReason::MovedOutOfArea,
        ClosureReason::ConsentWithdrawn,
        ClosureReason::FamilyDisengaged,
        ClosureReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The reason named `raw`, or the message a client sees for a name that is none.
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.parse().map_err(|_| {
            let names: Vec<&str> = ClosureReason::ALL.map(ClosureReason::as_str).to_vec();
            format!("must be one of {}", names.join(", "))
        })
    }

    /// "Other" must say what.
    pub fn needs_note(self) -> bool {
        self == ClosureReason::Other
    }
}

/// How an episode began.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum EpisodeOrigin {
    /// Opened by a professional who worried about the family.
    EarlyHelp,
    /// Accepted from Children's Social Care (a step-down).
    StepDown,
}

impl EpisodeOrigin {
    pub const ALL: [EpisodeOrigin; 2] = [EpisodeOrigin::EarlyHelp, EpisodeOrigin::StepDown];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum EpisodeState {
    Open,
    Closed,
}

impl EpisodeState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }
}

/// What can happen to an episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpisodeEvent {
    ChangeThreshold,
    ProposeTransfer,
    AcceptTransfer,
    StartAssessment,
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EpisodeError {
    #[error("the episode is closed")]
    Closed,
}

/// The one state machine of an episode: open episodes take every event and closing is final.
pub fn transition(state: EpisodeState, event: EpisodeEvent) -> Result<EpisodeState, EpisodeError> {
    match (state, event) {
        (EpisodeState::Closed, _) => Err(EpisodeError::Closed),
        (EpisodeState::Open, EpisodeEvent::Close) => Ok(EpisodeState::Closed),
        (
            EpisodeState::Open,
            EpisodeEvent::ChangeThreshold
            | EpisodeEvent::ProposeTransfer
            | EpisodeEvent::AcceptTransfer
            | EpisodeEvent::StartAssessment,
        ) => Ok(EpisodeState::Open),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENTS: [EpisodeEvent; 5] = [
        EpisodeEvent::ChangeThreshold,
        EpisodeEvent::ProposeTransfer,
        EpisodeEvent::AcceptTransfer,
        EpisodeEvent::StartAssessment,
        EpisodeEvent::Close,
    ];

    #[test]
    fn a_level_four_threshold_cannot_open_an_episode() {
        let error = ThresholdLevel::from_level(4).unwrap_err();
        assert_eq!(error, ThresholdError::Statutory);
        assert!(error.to_string().contains("MASH"));
    }

    #[test]
    fn a_level_one_threshold_needs_no_episode() {
        assert_eq!(
            ThresholdLevel::from_level(1),
            Err(ThresholdError::Universal)
        );
    }

    #[test]
    fn levels_two_and_three_are_early_help() {
        assert_eq!(
            ThresholdLevel::from_level(2).map(ThresholdLevel::level),
            Ok(2)
        );
        assert_eq!(
            ThresholdLevel::from_level(3).map(ThresholdLevel::level),
            Ok(3)
        );
        assert_eq!(
            ThresholdLevel::from_level(7),
            Err(ThresholdError::OutOfRange)
        );
    }

    #[test]
    fn an_open_episode_takes_every_event_and_only_closing_closes_it() {
        for event in EVENTS {
            let expected = if event == EpisodeEvent::Close {
                EpisodeState::Closed
            } else {
                EpisodeState::Open
            };
            assert_eq!(
                transition(EpisodeState::Open, event),
                Ok(expected),
                "{event:?}"
            );
        }
    }

    #[test]
    fn a_closed_episode_refuses_every_event() {
        for event in EVENTS {
            assert_eq!(
                transition(EpisodeState::Closed, event),
                Err(EpisodeError::Closed),
                "{event:?}"
            );
        }
    }

    #[test]
    fn closure_reasons_round_trip_and_other_needs_a_note() {
        for reason in ClosureReason::ALL {
            assert_eq!(ClosureReason::parse(reason.as_str()), Ok(reason));
            assert_eq!(reason.needs_note(), reason == ClosureReason::Other);
        }
        assert!(ClosureReason::parse("bored").is_err());
    }
}

/// Consent is the legal basis of early help: no episode opens and no assessment is submitted
/// without a family member's standing consent to an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the family's consent to an early help assessment is missing or withdrawn; record it first"
)]
pub struct AssessmentConsentMissing;

pub fn require_assessment_consent(active_consent: bool) -> Result<(), AssessmentConsentMissing> {
    if active_consent {
        Ok(())
    } else {
        Err(AssessmentConsentMissing)
    }
}

#[cfg(test)]
mod consent_tests {
    use super::*;

    #[test]
    fn nothing_proceeds_without_assessment_consent() {
        assert_eq!(
            require_assessment_consent(false),
            Err(AssessmentConsentMissing)
        );
        assert_eq!(require_assessment_consent(true), Ok(()));
    }
}
