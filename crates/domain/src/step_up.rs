//! Step-up: early help asks Children's Social Care to take a family on. Social care accepts it
//! for statutory assessment or not; either decision is final.

use serde_json::Value;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum StepUpState {
    /// With social care, waiting for its decision.
    Requested,
    /// Accepted for statutory assessment: the early help episode closed as stepped up.
    Accepted,
    /// Not accepted: early help continues, with social care's advice.
    NotAccepted,
}

impl StepUpState {
    pub const ALL: [StepUpState; 3] = [
        StepUpState::Requested,
        StepUpState::Accepted,
        StepUpState::NotAccepted,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Social care's decision on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepUpDecision {
    Accept,
    NotAccept,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the step-up has been decided already ({0})")]
pub struct AlreadyDecided(pub StepUpState);

/// The one state machine of a step-up.
pub fn decide(state: StepUpState, decision: StepUpDecision) -> Result<StepUpState, AlreadyDecided> {
    match (state, decision) {
        (StepUpState::Requested, StepUpDecision::Accept) => Ok(StepUpState::Accepted),
        (StepUpState::Requested, StepUpDecision::NotAccept) => Ok(StepUpState::NotAccepted),
        (decided, _) => Err(AlreadyDecided(decided)),
    }
}

/// What a request takes from the episode's latest Strengths and Needs form revision where the
/// referrer leaves it out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefill {
    /// The reason for the assessment.
    pub reason: Option<String>,
    /// The plan's actions: what early help has tried.
    pub tried: Option<String>,
    /// The worries the form summarised.
    pub risks: Option<String>,
    /// The form's threshold level, when it is 3 or 4.
    pub threshold_level: Option<i16>,
}

/// Reads the pre-fill from a Strengths and Needs form's content (v1 keys).
pub fn prefill(content: &Value) -> Prefill {
    let text = |pointer: &str| {
        content
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let actions: Vec<String> = content
        .pointer("/plan/actions")
        .and_then(Value::as_array)
        .map(|actions| {
            actions
                .iter()
                .filter_map(|action| action.get("action")?.as_str())
                .map(str::trim)
                .filter(|action| !action.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let level = content
        .pointer("/threshold/level")
        .and_then(|level| match level {
            Value::String(text) => text.trim().parse::<i16>().ok(),
            Value::Number(number) => number.as_i64().and_then(|n| i16::try_from(n).ok()),
            _ => None,
        });
    Prefill {
        reason: text("/reason/reason_for_assessment"),
        tried: (!actions.is_empty()).then(|| actions.join("; ")),
        risks: text("/summary/worries"),
        threshold_level: level.filter(|level| matches!(level, 3 | 4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_request_is_decided_once_either_way() {
        for decision in [StepUpDecision::Accept, StepUpDecision::NotAccept] {
            for state in StepUpState::ALL {
                let result = decide(state, decision);
                match state {
                    StepUpState::Requested => assert!(result.is_ok()),
                    decided => assert_eq!(result, Err(AlreadyDecided(decided))),
                }
            }
        }
        assert_eq!(
            decide(StepUpState::Requested, StepUpDecision::NotAccept),
            Ok(StepUpState::NotAccepted)
        );
    }

    #[test]
    fn the_form_prefills_reason_what_was_tried_risks_and_a_level_of_three_or_four() {
        let content = json!({
            "reason": { "reason_for_assessment": " Attendance has fallen. " },
            "plan": { "actions": [{ "action": "Routine chart" }, { "action": "Breakfast club" }, { "who": "x" }] },
            "summary": { "worries": "Missed school." },
            "threshold": { "level": "3" }
        });
        let filled = prefill(&content);
        assert_eq!(filled.reason.as_deref(), Some("Attendance has fallen."));
        assert_eq!(
            filled.tried.as_deref(),
            Some("Routine chart; Breakfast club")
        );
        assert_eq!(filled.risks.as_deref(), Some("Missed school."));
        assert_eq!(filled.threshold_level, Some(3));
        let level_two = json!({ "threshold": { "level": "2" } });
        assert_eq!(prefill(&level_two), Prefill::default());
        assert_eq!(
            prefill(&json!({ "threshold": { "level": 4 } })).threshold_level,
            Some(4)
        );
    }
}
