//! Step-down: Children's Social Care hands a family to early help. The receiving locality's
//! LCSS allocates a lead professional, who accepts (a new episode opens, with origin step-down)
//! or declines with a reason (LCSS allocates again).

use crate::person::CscClosureReason;
use chrono::NaiveDate;

/// Where the step-down comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum StepDownSource {
    /// A social care case leaving statutory involvement, closed with reason RC9.
    CaseClosure,
    /// A MASH contact whose outcome is that an Early Help Assessment is needed instead.
    MashContact,
}

impl StepDownSource {
    pub const ALL: [StepDownSource; 2] = [StepDownSource::CaseClosure, StepDownSource::MashContact];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The census reason for closure of the social care case, for a step-down at closure.
    pub fn csc_closure_reason(self) -> Option<CscClosureReason> {
        match self {
            StepDownSource::CaseClosure => Some(CscClosureReason::Rc9),
            StepDownSource::MashContact => None,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum StepDownState {
    /// With the receiving locality's LCSS, to allocate a lead professional.
    AwaitingAllocation,
    /// Allocated: waiting for the lead professional to accept or decline.
    Allocated,
    /// Accepted: an early help episode is open.
    Accepted,
}

impl StepDownState {
    pub const ALL: [StepDownState; 3] = [
        StepDownState::AwaitingAllocation,
        StepDownState::Allocated,
        StepDownState::Accepted,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What happens to a step-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepDownEvent {
    /// LCSS allocates a lead professional (again, while one has not answered: the earlier
    /// allocation is withdrawn).
    Allocate,
    /// The allocated lead takes the family on.
    Accept,
    /// The allocated lead declines, with a reason: back to LCSS.
    Decline,
}

impl StepDownEvent {
    pub const ALL: [StepDownEvent; 3] = [
        StepDownEvent::Allocate,
        StepDownEvent::Accept,
        StepDownEvent::Decline,
    ];
}

/// An allocation's answer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum AllocationAnswer {
    Accepted,
    Declined,
    /// LCSS allocated someone else before this lead answered.
    Withdrawn,
}

impl AllocationAnswer {
    pub const ALL: [AllocationAnswer; 3] = [
        AllocationAnswer::Accepted,
        AllocationAnswer::Declined,
        AllocationAnswer::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a step-down that is {} cannot be {}", .state.as_str().replace('_', " "), event_name(*.event))]
pub struct IllegalStepDown {
    pub state: StepDownState,
    pub event: StepDownEvent,
}

fn event_name(event: StepDownEvent) -> &'static str {
    match event {
        StepDownEvent::Allocate => "allocated",
        StepDownEvent::Accept => "accepted",
        StepDownEvent::Decline => "declined",
    }
}

/// The one state machine of a step-down.
pub fn step(state: StepDownState, event: StepDownEvent) -> Result<StepDownState, IllegalStepDown> {
    use StepDownEvent as E;
    use StepDownState as S;
    match (state, event) {
        (S::AwaitingAllocation | S::Allocated, E::Allocate) => Ok(S::Allocated),
        (S::Allocated, E::Accept) => Ok(S::Accepted),
        (S::Allocated, E::Decline) => Ok(S::AwaitingAllocation),
        (state, event) => Err(IllegalStepDown { state, event }),
    }
}

/// Is the step-down overdue on `today`? Past its due date with no accepted lead, or accepted
/// but with no Strengths and Needs form submitted.
pub fn overdue(
    state: StepDownState,
    snf_due_on: NaiveDate,
    form_submitted: bool,
    today: NaiveDate,
) -> bool {
    today > snf_due_on && (state != StepDownState::Accepted || !form_submitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_event_is_legal_or_a_named_refusal() {
        use StepDownEvent as E;
        use StepDownState as S;
        for state in StepDownState::ALL {
            for event in StepDownEvent::ALL {
                let expected = match (state, event) {
                    (S::AwaitingAllocation, E::Allocate) | (S::Allocated, E::Allocate) => {
                        Some(S::Allocated)
                    }
                    (S::Allocated, E::Accept) => Some(S::Accepted),
                    (S::Allocated, E::Decline) => Some(S::AwaitingAllocation),
                    _ => None,
                };
                match expected {
                    Some(next) => assert_eq!(step(state, event), Ok(next), "{state} {event:?}"),
                    None => assert_eq!(
                        step(state, event),
                        Err(IllegalStepDown { state, event }),
                        "{state} {event:?}"
                    ),
                }
            }
        }
        let refusal = step(S::AwaitingAllocation, E::Accept).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "a step-down that is awaiting allocation cannot be accepted"
        );
    }

    #[test]
    fn a_step_down_is_overdue_after_its_due_date_until_accepted_with_a_form_submitted() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let after = due.succ_opt().unwrap();
        for state in StepDownState::ALL {
            for submitted in [false, true] {
                assert!(!overdue(state, due, submitted, due), "due day is not late");
                let late = state != StepDownState::Accepted || !submitted;
                assert_eq!(overdue(state, due, submitted, after), late, "{state}");
            }
        }
    }

    #[test]
    fn a_closure_step_down_carries_census_reason_rc9() {
        assert_eq!(
            StepDownSource::CaseClosure.csc_closure_reason(),
            Some(CscClosureReason::Rc9)
        );
        assert_eq!(StepDownSource::MashContact.csc_closure_reason(), None);
    }
}
