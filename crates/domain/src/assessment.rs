//! The Strengths and Needs form's life: drafted, submitted, returned for amendment or accepted.

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum AssessmentState {
    /// Being written with the family; not yet seen by LCSS.
    Draft,
    /// A revision is with LCSS for review.
    Submitted,
    /// LCSS returned it with feedback; the lead professional amends and resubmits.
    Returned,
    /// LCSS accepted it: the assessment is complete.
    Accepted,
}

impl AssessmentState {
    pub const ALL: [AssessmentState; 4] = [
        AssessmentState::Draft,
        AssessmentState::Submitted,
        AssessmentState::Returned,
        AssessmentState::Accepted,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }

    /// Still in progress: a new assessment cannot start beside it.
    pub fn is_active(self) -> bool {
        self != AssessmentState::Accepted
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentEvent {
    Edit,
    Submit,
    Return,
    Accept,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    #[error("the form is with LCSS for review and cannot change until they decide")]
    UnderReview,
    #[error("the form has been accepted and is complete")]
    Complete,
    #[error("only a submitted form can be reviewed")]
    NotSubmitted,
}

/// The one state machine of an assessment.
pub fn transition(
    state: AssessmentState,
    event: AssessmentEvent,
) -> Result<AssessmentState, AssessmentError> {
    use AssessmentEvent::*;
    use AssessmentState::*;
    match (state, event) {
        (Draft, Edit) => Ok(Draft),
        (Returned, Edit) => Ok(Returned),
        (Draft | Returned, Submit) => Ok(Submitted),
        (Submitted, Return) => Ok(Returned),
        (Submitted, Accept) => Ok(Accepted),
        (Submitted, Edit | Submit) => Err(AssessmentError::UnderReview),
        (Draft | Returned, Return | Accept) => Err(AssessmentError::NotSubmitted),
        (Accepted, _) => Err(AssessmentError::Complete),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssessmentEvent::*;
    use AssessmentState::*;

    /// Every (state, event) pair, with its expected outcome.
    #[test]
    fn every_transition_is_decided() {
        let table: [(
            AssessmentState,
            AssessmentEvent,
            Result<AssessmentState, AssessmentError>,
        ); 16] = [
            (Draft, Edit, Ok(Draft)),
            (Draft, Submit, Ok(Submitted)),
            (Draft, Return, Err(AssessmentError::NotSubmitted)),
            (Draft, Accept, Err(AssessmentError::NotSubmitted)),
            (Submitted, Edit, Err(AssessmentError::UnderReview)),
            (Submitted, Submit, Err(AssessmentError::UnderReview)),
            (Submitted, Return, Ok(Returned)),
            (Submitted, Accept, Ok(Accepted)),
            (Returned, Edit, Ok(Returned)),
            (Returned, Submit, Ok(Submitted)),
            (Returned, Return, Err(AssessmentError::NotSubmitted)),
            (Returned, Accept, Err(AssessmentError::NotSubmitted)),
            (Accepted, Edit, Err(AssessmentError::Complete)),
            (Accepted, Submit, Err(AssessmentError::Complete)),
            (Accepted, Return, Err(AssessmentError::Complete)),
            (Accepted, Accept, Err(AssessmentError::Complete)),
        ];
        for (state, event, expected) in table {
            assert_eq!(transition(state, event), expected, "{state:?} + {event:?}");
        }
    }

    #[test]
    fn a_returned_form_is_amended_and_resubmitted() {
        let returned = transition(Submitted, Return).unwrap();
        let amended = transition(returned, Edit).unwrap();
        assert_eq!(transition(amended, Submit), Ok(Submitted));
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for state in AssessmentState::ALL {
            assert_eq!(AssessmentState::parse(state.as_str()), Some(state));
        }
    }
}
