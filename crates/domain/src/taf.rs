//! Team Around the Family meetings and their minutes: the meeting's life (scheduled, minutes
//! finalised and sent to the locality LCSS, acknowledged by LCSS) and what minutes hold.
//!
//! Minutes are one JSON object, saved in drafts by JSON merge patch like the Strengths and
//! Needs form and checked here: shape and lengths on every save, completeness when finalised.

use crate::validation::FieldError;
use chrono::NaiveDate;
use serde_json::{Map, Value};
use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum MeetingState {
    /// Planned, or held with its minutes being written.
    Scheduled,
    /// The minutes are final, immutable and with the locality LCSS.
    Finalised,
    /// LCSS has received and acknowledged the minutes.
    Acknowledged,
}

impl MeetingState {
    pub const ALL: [MeetingState; 3] = [
        MeetingState::Scheduled,
        MeetingState::Finalised,
        MeetingState::Acknowledged,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingEvent {
    /// Change the arrangements or the minutes.
    Edit,
    Finalise,
    Acknowledge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error("the minutes are finalised and cannot change")]
    Finalised,
    #[error("the minutes are finalised and acknowledged by LCSS")]
    Acknowledged,
    #[error("only finalised minutes can be acknowledged")]
    NotFinalised,
}

impl MeetingError {
    /// The state that refused the event.
    pub fn state(self) -> MeetingState {
        match self {
            MeetingError::Finalised => MeetingState::Finalised,
            MeetingError::Acknowledged => MeetingState::Acknowledged,
            MeetingError::NotFinalised => MeetingState::Scheduled,
        }
    }
}

/// The one state machine of a meeting.
pub fn transition(state: MeetingState, event: MeetingEvent) -> Result<MeetingState, MeetingError> {
    use MeetingEvent::*;
    use MeetingState::*;
    match (state, event) {
        (Scheduled, Edit) => Ok(Scheduled),
        (Scheduled, Finalise) => Ok(Finalised),
        (Finalised, Acknowledge) => Ok(Acknowledged),
        (Scheduled, Acknowledge) => Err(MeetingError::NotFinalised),
        (Finalised, Edit | Finalise) => Err(MeetingError::Finalised),
        (Acknowledged, _) => Err(MeetingError::Acknowledged),
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum ActionStatus {
    Open,
    Done,
    Dropped,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 3] = [
        ActionStatus::Open,
        ActionStatus::Done,
        ActionStatus::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error("the action is done")]
    Done,
    #[error("the action was dropped")]
    Dropped,
}

/// An action's life: open until done or dropped, both final. Progress notes are only added to
/// an open action.
pub fn action_transition(
    status: ActionStatus,
    to: ActionStatus,
) -> Result<ActionStatus, ActionError> {
    match (status, to) {
        (ActionStatus::Open, to) => Ok(to),
        (ActionStatus::Done, _) => Err(ActionError::Done),
        (ActionStatus::Dropped, _) => Err(ActionError::Dropped),
    }
}

/// A team's life: open while it works the plan, closed (for good) with its outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum TafState {
    Open,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TafEvent {
    /// Add or end a membership.
    ChangeTeam,
    /// Schedule a meeting.
    Meet,
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the Team Around the Family is closed")]
pub struct TafClosed;

/// The one state machine of a team: everything happens while it is open; closing is final.
pub fn team_transition(state: TafState, event: TafEvent) -> Result<TafState, TafClosed> {
    match (state, event) {
        (TafState::Open, TafEvent::Close) => Ok(TafState::Closed),
        (TafState::Open, TafEvent::ChangeTeam | TafEvent::Meet) => Ok(TafState::Open),
        (TafState::Closed, _) => Err(TafClosed),
    }
}

/// How far a planned outcome was achieved, recorded when the team closes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum Achievement {
    Achieved,
    PartlyAchieved,
    NotAchieved,
}

impl Achievement {
    pub const ALL: [Achievement; 3] = [
        Achievement::Achieved,
        Achievement::PartlyAchieved,
        Achievement::NotAchieved,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What follows the team.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum NextStep {
    /// Needs met: universal services carry on.
    UniversalServices,
    /// Another (targeted or specialist) service takes over.
    AnotherService,
    /// Stepped up to Children's Social Care.
    StepUp,
}

impl NextStep {
    pub const ALL: [NextStep; 3] = [
        NextStep::UniversalServices,
        NextStep::AnotherService,
        NextStep::StepUp,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A planned outcome of a Strengths and Needs form (`desired_outcomes.outcomes[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedOutcome {
    pub outcome: String,
    pub measure: Option<String>,
}

/// The planned outcomes a form's content holds, in order.
pub fn planned_outcomes(content: &Value) -> Vec<PlannedOutcome> {
    content
        .pointer("/desired_outcomes/outcomes")
        .and_then(Value::as_array)
        .map(|outcomes| {
            outcomes
                .iter()
                .filter_map(|entry| {
                    let outcome = entry.get("outcome")?.as_str()?.to_owned();
                    let measure = entry
                        .get("measure")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    Some(PlannedOutcome { outcome, measure })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// How complete minutes must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// Saving a draft: every field well-formed, any missing.
    Draft,
    /// Finalising: attendance, the views, decisions and the next review date are given.
    Final,
}

/// The longest free-text answer in minutes.
pub const TEXT_MAX: usize = 4000;
/// The most entries in one list of the minutes (attendees, apologies, actions).
pub const LIST_MAX: usize = 50;

const TEXTS: [&str; 5] = [
    "child_views",
    "family_views",
    "working_well",
    "worries",
    "decisions",
];
const PEOPLE: [&str; 2] = ["attendees", "apologies"];

/// One attendee or apology: a team member (`member_id`), or someone without a membership
/// (`name`, `organisation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Participant {
    Member(Uuid),
    Guest { name: String, organisation: String },
}

/// An action agreed at the meeting, to become part of the team's plan when the minutes are
/// finalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreedAction {
    pub description: String,
    pub owner_member_id: Uuid,
    pub due_on: NaiveDate,
}

/// What minutes say, read from their JSON once they check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Minutes {
    pub attendees: Vec<Participant>,
    pub apologies: Vec<Participant>,
    pub family_present: Vec<Uuid>,
    pub actions: Vec<AgreedAction>,
    pub next_review_on: Option<NaiveDate>,
}

/// Checks minutes (an object) and reads what the workflow needs of them: every problem at
/// once, each with its path under `minutes`.
pub fn check_minutes(
    minutes: &Value,
    completeness: Completeness,
) -> Result<Minutes, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |path: String, message: &str| errors.push(FieldError::new(path, message));
    let Some(object) = minutes.as_object() else {
        fail("minutes".into(), "must be an object");
        return Err(errors);
    };
    let known: Vec<&str> = TEXTS
        .iter()
        .chain(PEOPLE.iter())
        .copied()
        .chain(["family_present", "actions", "next_review_on"])
        .collect();
    for key in object.keys().filter(|key| !known.contains(&key.as_str())) {
        fail(format!("minutes.{key}"), "is not part of the minutes");
    }
    let mut read = Minutes::default();
    for key in TEXTS {
        match object.get(key) {
            None | Some(Value::Null) => {
                if completeness == Completeness::Final {
                    fail(
                        format!("minutes.{key}"),
                        "is required to finalise the minutes",
                    );
                }
            }
            Some(Value::String(text)) => {
                if let Some(message) = text_problem(text, TEXT_MAX) {
                    fail(format!("minutes.{key}"), message);
                } else if completeness == Completeness::Final && text.trim().is_empty() {
                    fail(
                        format!("minutes.{key}"),
                        "is required to finalise the minutes",
                    );
                }
            }
            Some(_) => fail(format!("minutes.{key}"), "must be text"),
        }
    }
    for key in PEOPLE {
        let path = format!("minutes.{key}");
        let Some(list) = list_at(object, key, &path, &mut fail) else {
            continue;
        };
        let mut people = Vec::new();
        for (index, entry) in list.iter().enumerate() {
            let path = format!("{path}[{index}]");
            if let Some(person) = participant(entry, &path, &mut fail) {
                people.push(person);
            }
        }
        if key == "attendees" {
            read.attendees = people;
        } else {
            read.apologies = people;
        }
    }
    if completeness == Completeness::Final && read.attendees.is_empty() {
        fail(
            "minutes.attendees".into(),
            "must name who attended to finalise the minutes",
        );
    }
    if let Some(list) = list_at(
        object,
        "family_present",
        "minutes.family_present",
        &mut fail,
    ) {
        for (index, entry) in list.iter().enumerate() {
            match entry.as_str().and_then(|id| Uuid::parse_str(id).ok()) {
                Some(id) => read.family_present.push(id),
                None => fail(
                    format!("minutes.family_present[{index}]"),
                    "must be a family member's id",
                ),
            }
        }
    }
    if let Some(list) = list_at(object, "actions", "minutes.actions", &mut fail) {
        for (index, entry) in list.iter().enumerate() {
            let path = format!("minutes.actions[{index}]");
            if let Some(action) = agreed_action(entry, &path, &mut fail) {
                read.actions.push(action);
            }
        }
    }
    match object.get("next_review_on") {
        None | Some(Value::Null) => {
            if completeness == Completeness::Final {
                fail(
                    "minutes.next_review_on".into(),
                    "is required to finalise the minutes",
                );
            }
        }
        Some(value) => match value.as_str().and_then(full_date) {
            Some(date) => read.next_review_on = Some(date),
            None => fail(
                "minutes.next_review_on".into(),
                "must be a date (YYYY-MM-DD)",
            ),
        },
    }
    if errors.is_empty() {
        Ok(read)
    } else {
        Err(errors)
    }
}

/// A date written in full, `YYYY-MM-DD`.
fn full_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

/// Text may hold line breaks but no other control characters or NUL, and is bounded.
fn text_problem(text: &str, max: usize) -> Option<&'static str> {
    if text.chars().count() > max {
        Some("is too long (at most 4000 characters)")
    } else if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        Some("must not hold control characters")
    } else {
        None
    }
}

/// A one-line name: not blank, at most `max` characters, no control characters.
fn line_problem(text: &str, max: usize) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        Some("must not be blank".into())
    } else if text.chars().count() > max {
        Some(format!("is too long (at most {max} characters)"))
    } else if text.chars().any(char::is_control) {
        Some("must be one line with no control characters".into())
    } else {
        None
    }
}

fn list_at<'v>(
    object: &'v Map<String, Value>,
    key: &str,
    path: &str,
    fail: &mut impl FnMut(String, &str),
) -> Option<&'v Vec<Value>> {
    match object.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) if list.len() > LIST_MAX => {
            fail(path.into(), "has too many entries (at most 50)");
            None
        }
        Some(Value::Array(list)) => Some(list),
        Some(_) => {
            fail(path.into(), "must be a list");
            None
        }
    }
}

fn participant(
    entry: &Value,
    path: &str,
    fail: &mut impl FnMut(String, &str),
) -> Option<Participant> {
    let Some(object) = entry.as_object() else {
        fail(path.into(), "must be an object");
        return None;
    };
    for key in object
        .keys()
        .filter(|key| !["member_id", "name", "organisation"].contains(&key.as_str()))
    {
        fail(format!("{path}.{key}"), "is not part of an attendee");
    }
    match (
        object.get("member_id"),
        object.get("name"),
        object.get("organisation"),
    ) {
        (Some(id), None, None) => match id.as_str().and_then(|id| Uuid::parse_str(id).ok()) {
            Some(id) => Some(Participant::Member(id)),
            None => {
                fail(format!("{path}.member_id"), "must be a team member's id");
                None
            }
        },
        (None, Some(Value::String(name)), Some(Value::String(organisation))) => {
            let mut ok = true;
            if let Some(message) = line_problem(name, 100) {
                fail(format!("{path}.name"), &message);
                ok = false;
            }
            if let Some(message) = line_problem(organisation, 200) {
                fail(format!("{path}.organisation"), &message);
                ok = false;
            }
            ok.then(|| Participant::Guest {
                name: name.trim().to_owned(),
                organisation: organisation.trim().to_owned(),
            })
        }
        _ => {
            fail(
                path.into(),
                "must be either a member_id, or a name and an organisation",
            );
            None
        }
    }
}

fn agreed_action(
    entry: &Value,
    path: &str,
    fail: &mut impl FnMut(String, &str),
) -> Option<AgreedAction> {
    let Some(object) = entry.as_object() else {
        fail(path.into(), "must be an object");
        return None;
    };
    for key in object
        .keys()
        .filter(|key| !["description", "owner_member_id", "due_on"].contains(&key.as_str()))
    {
        fail(format!("{path}.{key}"), "is not part of an action");
    }
    let description = match object.get("description") {
        Some(Value::String(text)) => match line_problem(text, 1000)
            .or_else(|| text_problem(text, TEXT_MAX).map(str::to_owned))
        {
            Some(message) => {
                fail(format!("{path}.description"), &message);
                None
            }
            None => Some(text.trim().to_owned()),
        },
        _ => {
            fail(
                format!("{path}.description"),
                "is required: what is to be done",
            );
            None
        }
    };
    let owner = match object
        .get("owner_member_id")
        .and_then(Value::as_str)
        .map(Uuid::parse_str)
    {
        Some(Ok(id)) => Some(id),
        _ => {
            fail(
                format!("{path}.owner_member_id"),
                "is required: the team member who owns the action",
            );
            None
        }
    };
    let due_on = match object
        .get("due_on")
        .and_then(Value::as_str)
        .and_then(full_date)
    {
        Some(date) => Some(date),
        None => {
            fail(format!("{path}.due_on"), "is required: a date (YYYY-MM-DD)");
            None
        }
    };
    Some(AgreedAction {
        description: description?,
        owner_member_id: owner?,
        due_on: due_on?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_meeting_transition_is_legal_or_refused_naming_the_state() {
        use MeetingEvent::*;
        use MeetingState::*;
        let legal = [
            (Scheduled, Edit, Scheduled),
            (Scheduled, Finalise, Finalised),
            (Finalised, Acknowledge, Acknowledged),
        ];
        for state in MeetingState::ALL {
            for event in [Edit, Finalise, Acknowledge] {
                let expected = legal
                    .iter()
                    .find(|(from, on, _)| *from == state && *on == event)
                    .map(|(_, _, to)| *to);
                match (transition(state, event), expected) {
                    (Ok(to), Some(expected)) => assert_eq!(to, expected),
                    (Err(error), None) => assert_eq!(error.state(), state, "{state} {event:?}"),
                    (got, expected) => panic!("{state} {event:?}: {got:?}, expected {expected:?}"),
                }
            }
        }
    }

    #[test]
    fn a_team_does_everything_while_open_and_nothing_once_closed() {
        for event in [TafEvent::ChangeTeam, TafEvent::Meet, TafEvent::Close] {
            let expected = if event == TafEvent::Close {
                TafState::Closed
            } else {
                TafState::Open
            };
            assert_eq!(team_transition(TafState::Open, event), Ok(expected));
            assert_eq!(team_transition(TafState::Closed, event), Err(TafClosed));
        }
    }

    #[test]
    fn planned_outcomes_are_read_from_the_form_in_order() {
        let content = json!({ "desired_outcomes": { "outcomes": [
            { "outcome": "Attends every day", "measure": "Above 95%", "by_when": "2027-01-01" },
            { "outcome": "Sleeps by nine" },
            { "measure": "no outcome text: skipped" }
        ] } });
        let planned = planned_outcomes(&content);
        assert_eq!(planned.len(), 2);
        assert_eq!(planned[0].measure.as_deref(), Some("Above 95%"));
        assert_eq!(planned[1].outcome, "Sleeps by nine");
        assert!(planned_outcomes(&json!({})).is_empty());
        for achievement in Achievement::ALL {
            assert_eq!(achievement.as_str().parse::<Achievement>(), Ok(achievement));
        }
        for step in NextStep::ALL {
            assert_eq!(step.as_str().parse::<NextStep>(), Ok(step));
        }
    }

    #[test]
    fn only_open_actions_change() {
        for from in ActionStatus::ALL {
            for to in ActionStatus::ALL {
                let result = action_transition(from, to);
                assert_eq!(result.is_ok(), from == ActionStatus::Open, "{from} -> {to}");
            }
        }
    }

    fn complete() -> Value {
        json!({
            "attendees": [
                { "member_id": "0190a2b4-0000-7000-8000-000000000001" },
                { "name": "Sam Demo-Nurse", "organisation": "School nursing" }
            ],
            "apologies": [],
            "family_present": ["0190a2b4-0000-7000-8000-000000000002"],
            "child_views": "Wants to see friends at school.",
            "family_views": "Mornings are hard.",
            "working_well": "Attendance is up.",
            "worries": "Sleep.",
            "decisions": "Keep the morning plan.",
            "actions": [{ "description": "Morning check-in", "owner_member_id": "0190a2b4-0000-7000-8000-000000000001", "due_on": "2027-01-15" }],
            "next_review_on": "2027-02-01"
        })
    }

    #[test]
    fn complete_minutes_read_their_people_actions_and_review_date() {
        let minutes = check_minutes(&complete(), Completeness::Final).unwrap();
        assert_eq!(minutes.attendees.len(), 2);
        assert_eq!(minutes.family_present.len(), 1);
        assert_eq!(minutes.actions[0].description, "Morning check-in");
        assert_eq!(minutes.next_review_on, NaiveDate::from_ymd_opt(2027, 2, 1));
    }

    #[test]
    fn a_draft_may_be_empty_but_final_minutes_name_every_missing_part() {
        assert!(check_minutes(&json!({}), Completeness::Draft).is_ok());
        let errors = check_minutes(&json!({ "worries": "  " }), Completeness::Final).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in [
            "minutes.child_views",
            "minutes.family_views",
            "minutes.working_well",
            "minutes.worries",
            "minutes.decisions",
            "minutes.attendees",
            "minutes.next_review_on",
        ] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
    }

    #[test]
    fn malformed_minutes_are_refused_with_every_path() {
        let minutes = json!({
            "agenda": "x",
            "child_views": 3,
            "worries": "a\u{0}b",
            "attendees": [{ "member_id": "nope" }, { "name": "Jo" }, "x"],
            "family_present": [7],
            "actions": [{ "description": "", "due_on": "2027-1-5" }],
            "next_review_on": "2027-13-01",
        });
        let errors = check_minutes(&minutes, Completeness::Draft).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in [
            "minutes.agenda",
            "minutes.child_views",
            "minutes.worries",
            "minutes.attendees[0].member_id",
            "minutes.attendees[1]",
            "minutes.attendees[2]",
            "minutes.family_present[0]",
            "minutes.actions[0].description",
            "minutes.actions[0].owner_member_id",
            "minutes.actions[0].due_on",
            "minutes.next_review_on",
        ] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
        let long = json!({ "decisions": "x".repeat(TEXT_MAX + 1), "apologies": vec![json!({"member_id": "0190a2b4-0000-7000-8000-000000000001"}); LIST_MAX + 1] });
        let errors = check_minutes(&long, Completeness::Draft).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(check_minutes(&json!([]), Completeness::Draft).is_err());
    }
}
