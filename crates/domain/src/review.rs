//! LCSS review of a submitted Strengths and Needs form: assignment, quality ratings, decision.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum ReviewState {
    Unassigned,
    Assigned,
    Decided,
}

impl ReviewState {
    pub const ALL: [ReviewState; 3] = [
        ReviewState::Unassigned,
        ReviewState::Assigned,
        ReviewState::Decided,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewEvent {
    /// An LCSS worker takes an unassigned review for themselves.
    Claim,
    /// An LCSS manager gives the review to a worker (or moves it to another).
    Assign,
    Decide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("the review is already assigned; an LCSS manager can reassign it")]
    AlreadyAssigned,
    #[error("the review has been decided")]
    AlreadyDecided,
    #[error("assign the review to a reviewer before deciding it")]
    NotAssigned,
}

/// The one state machine of a review.
pub fn transition(state: ReviewState, event: ReviewEvent) -> Result<ReviewState, ReviewError> {
    use ReviewEvent::*;
    use ReviewState::*;
    match (state, event) {
        (Unassigned, Claim | Assign) => Ok(Assigned),
        (Assigned, Assign) => Ok(Assigned),
        (Assigned, Claim) => Err(ReviewError::AlreadyAssigned),
        (Assigned, Decide) => Ok(Decided),
        (Unassigned, Decide) => Err(ReviewError::NotAssigned),
        (Decided, _) => Err(ReviewError::AlreadyDecided),
    }
}

/// The quality criteria every review rates: what LCSS looks for in a good assessment.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Criterion {
    ChildsVoiceHeard,
    ParentsViewsRecorded,
    StrengthsEvidenced,
    NeedsEvidenced,
    OutcomesSpecificAndMeasurable,
    ThresholdAppropriate,
    ConsentRecorded,
}

impl Criterion {
    pub const ALL: [Criterion; 7] = [
        Criterion::ChildsVoiceHeard,
        Criterion::ParentsViewsRecorded,
        Criterion::StrengthsEvidenced,
        Criterion::NeedsEvidenced,
        Criterion::OutcomesSpecificAndMeasurable,
        Criterion::ThresholdAppropriate,
        Criterion::ConsentRecorded,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Met,
    PartlyMet,
    NotMet,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionRating {
    pub rating: Rating,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    Return,
}

impl Decision {
    /// The word stored and reported for the outcome.
    pub const fn outcome(self) -> &'static str {
        match self {
            Decision::Accept => "accepted",
            Decision::Return => "returned",
        }
    }
}

/// A complete, checked decision: every criterion rated, feedback written when returning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDecision {
    pub decision: Decision,
    pub ratings: BTreeMap<Criterion, CriterionRating>,
    pub feedback: String,
}

pub const FEEDBACK_MAX: usize = 20_000;
pub const COMMENT_MAX: usize = 2_000;

/// Problems with a decision, by field path.
pub fn check_decision(
    decision: Decision,
    ratings: BTreeMap<Criterion, CriterionRating>,
    feedback: &str,
) -> Result<ReviewDecision, Vec<(String, String)>> {
    let mut problems = Vec::new();
    for criterion in Criterion::ALL {
        match ratings.get(&criterion) {
            None => problems.push((
                format!("ratings.{}", criterion.as_str()),
                "every quality criterion must be rated".to_owned(),
            )),
            Some(rating)
                if rating
                    .comment
                    .as_ref()
                    .is_some_and(|c| c.chars().count() > COMMENT_MAX) =>
            {
                problems.push((
                    format!("ratings.{}.comment", criterion.as_str()),
                    format!("must be at most {COMMENT_MAX} characters"),
                ))
            }
            Some(_) => {}
        }
    }
    let control = |text: &str| {
        text.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    };
    for criterion in Criterion::ALL {
        if ratings
            .get(&criterion)
            .and_then(|r| r.comment.as_deref())
            .is_some_and(control)
        {
            problems.push((
                format!("ratings.{}.comment", criterion.as_str()),
                "must not contain control characters".to_owned(),
            ));
        }
    }
    if control(feedback) {
        problems.push((
            "feedback".to_owned(),
            "must not contain control characters".to_owned(),
        ));
    }
    let feedback = feedback.trim();
    if decision == Decision::Return && feedback.is_empty() {
        problems.push((
            "feedback".to_owned(),
            "say what needs amending when returning a form".to_owned(),
        ));
    }
    if feedback.chars().count() > FEEDBACK_MAX {
        problems.push((
            "feedback".to_owned(),
            format!("must be at most {FEEDBACK_MAX} characters"),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let ratings = ratings
        .into_iter()
        .map(|(criterion, rating)| {
            let comment = rating
                .comment
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty());
            (
                criterion,
                CriterionRating {
                    rating: rating.rating,
                    comment,
                },
            )
        })
        .collect();
    Ok(ReviewDecision {
        decision,
        ratings,
        feedback: feedback.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_met() -> BTreeMap<Criterion, CriterionRating> {
        Criterion::ALL
            .into_iter()
            .map(|c| {
                (
                    c,
                    CriterionRating {
                        rating: Rating::Met,
                        comment: None,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn every_review_transition_is_decided() {
        use ReviewEvent::*;
        use ReviewState::*;
        let table = [
            (Unassigned, Claim, Ok(Assigned)),
            (Unassigned, Assign, Ok(Assigned)),
            (Unassigned, Decide, Err(ReviewError::NotAssigned)),
            (Assigned, Claim, Err(ReviewError::AlreadyAssigned)),
            (Assigned, Assign, Ok(Assigned)),
            (Assigned, Decide, Ok(Decided)),
            (Decided, Claim, Err(ReviewError::AlreadyDecided)),
            (Decided, Assign, Err(ReviewError::AlreadyDecided)),
            (Decided, Decide, Err(ReviewError::AlreadyDecided)),
        ];
        for (state, event, expected) in table {
            assert_eq!(transition(state, event), expected, "{state:?} + {event:?}");
        }
    }

    #[test]
    fn a_decision_must_rate_every_criterion() {
        let mut ratings = all_met();
        ratings.remove(&Criterion::ChildsVoiceHeard);
        let problems = check_decision(Decision::Accept, ratings, "").unwrap_err();
        assert_eq!(problems[0].0, "ratings.childs_voice_heard");
    }

    #[test]
    fn returning_a_form_needs_feedback() {
        let problems = check_decision(Decision::Return, all_met(), "   ").unwrap_err();
        assert_eq!(problems[0].0, "feedback");
    }

    #[test]
    fn accepting_without_feedback_is_fine_and_blank_comments_are_dropped() {
        let mut ratings = all_met();
        ratings.insert(
            Criterion::ConsentRecorded,
            CriterionRating {
                rating: Rating::PartlyMet,
                comment: Some("  ".into()),
            },
        );
        let decision = check_decision(Decision::Accept, ratings, "").unwrap();
        assert_eq!(decision.ratings[&Criterion::ConsentRecorded].comment, None);
    }
}
