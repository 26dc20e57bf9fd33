//! Synthetic Strengths and Needs form content for the demo families: one story per kind of
//! concern, told with the family's own (synthetic) names and dates relative to today.

use serde_json::{json, Map, Value};

/// What brought the family to early help; decides the story the form tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concern {
    /// A primary-age child's attendance has fallen after a separation.
    SchoolAttendance,
    /// A toddler's speech is delayed, a baby is on the way and the flat is overcrowded.
    EarlyYears,
    /// A teenager's anxiety, sleep and arguments at home.
    Adolescent,
}

impl Concern {
    /// The Threshold of Needs level the story is told at.
    pub const fn threshold(self) -> i64 {
        match self {
            Concern::SchoolAttendance | Concern::EarlyYears => 2,
            Concern::Adolescent => 3,
        }
    }
}

/// How far the form has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Work in progress: the first sections only.
    Draft,
    /// Complete enough to submit, but with the child's voice summarised by adults and vague
    /// outcomes: what LCSS returns for amendment.
    FirstAttempt,
    /// The amended form: the child's own words and measurable outcomes.
    Final,
}

/// The family's details the form mentions, and the dates it uses (YYYY-MM-DD).
#[derive(Debug, Clone)]
pub struct Story {
    pub concern: Concern,
    /// The born children, eldest first.
    pub children: Vec<&'static str>,
    /// The adults, the one who gave consent first.
    pub parents: Vec<&'static str>,
    pub town: &'static str,
    pub started_on: String,
    /// About two weeks ahead: the first actions.
    pub soon: String,
    /// About six weeks ahead: the first TAF review.
    pub later: String,
    /// About three months ahead: the outcomes.
    pub outcomes_by: String,
}

impl Story {
    fn child(&self) -> &'static str {
        self.children.first().copied().unwrap_or("the child")
    }

    fn parent(&self) -> &'static str {
        self.parents.first().copied().unwrap_or("the parent")
    }

    fn household(&self) -> String {
        let mut people: Vec<String> = self.parents.iter().map(|p| (*p).to_owned()).collect();
        people.extend(self.children.iter().map(|c| (*c).to_owned()));
        if self.concern == Concern::EarlyYears {
            people.push("a baby due soon".to_owned());
        }
        people.join(", ")
    }
}

/// The episode's reason and its threshold rationale, as the practitioner would write them.
pub fn episode_reason(story: &Story) -> (String, String) {
    let child = story.child();
    match story.concern {
        Concern::SchoolAttendance => (
            format!("{child}'s school attendance has fallen this term and home is under strain since a separation."),
            "Needs across school and home can be met by a Team Around the Family; no safeguarding concerns.".to_owned(),
        ),
        Concern::EarlyYears => (
            format!("{child}'s speech is delayed, the family is expecting a baby and the flat is overcrowded."),
            "Several emerging needs that universal services alone are not meeting; a TAF with the health visitor is appropriate.".to_owned(),
        ),
        Concern::Adolescent => (
            format!("{child} is anxious, sleeping badly and there are frequent arguments at home."),
            "Complex needs: emotional wellbeing with a CAMHS wait and family conflict; LCSS consulted, no statutory threshold met.".to_owned(),
        ),
    }
}

/// One side of the assessment triangle: an answer for each area, then the two summaries.
fn side(areas: &[(&str, String)], strengths: String, needs: String) -> Value {
    let mut answers = Map::new();
    for (key, text) in areas {
        answers.insert((*key).to_owned(), json!(text));
    }
    answers.insert("strengths".to_owned(), json!(strengths));
    answers.insert("needs".to_owned(), json!(needs));
    Value::Object(answers)
}

/// The form's content at `version`.
pub fn content(story: &Story, version: Version) -> Value {
    let child = story.child();
    let parent = story.parent();
    let town = story.town;
    let texts = texts(story);

    let consent = json!({
        "involved_in_completing": format!("{}, {} and the lead professional; the school and GP contributed.", parent, story.children.join(" and ")),
        "family_agrees_to_store_and_share": true,
        "copy_recipients": format!("{parent}; the school; the GP practice"),
        "not_to_be_shared_with": null,
    });
    let household = json!({
        "assessment_start_date": story.started_on,
        "household": format!("{} live together in {town}.", story.household()),
        "first_language_child": "English",
        "first_language_parents": "English",
        "interpreter_needed": false,
        "connected_people": [
            {"name": "Maternal grandmother", "relationship": format!("{child}'s grandmother"),
             "lives_in_household": false, "views": "Wants to help more and can do two school runs a week."}
        ],
        "professionals_involved": texts.professionals,
    });
    let reason = json!({
        "reason_for_assessment": texts.reason,
        "family_hopes": texts.hopes,
    });

    if version == Version::Draft {
        return json!({
            "consent": consent,
            "family_and_household": household,
            "reason": reason,
            "childs_views": {"views": null, "how_gathered": texts.how_gathered},
        });
    }

    let (childs_views, outcomes) = match version {
        Version::FirstAttempt => (
            format!("{child} seems to be finding things hard at the moment, according to {parent} and school."),
            json!([
                {"outcome": "Things get better at home and school", "measure": null, "by_when": null}
            ]),
        ),
        Version::Draft | Version::Final => (texts.childs_views.clone(), texts.outcomes(story)),
    };

    json!({
        "consent": consent,
        "family_and_household": household,
        "reason": reason,
        "childs_views": {"views": childs_views, "how_gathered": texts.how_gathered},
        "parents_views": {"views": texts.parents_views},
        "childs_development": texts.development,
        "parenting_capacity": texts.parenting,
        "family_and_environment": texts.environment,
        "summary": {
            "working_well": texts.working_well,
            "worries": texts.worries,
            "needs_to_happen": texts.needs_to_happen,
        },
        "analysis": {"analysis": texts.analysis},
        "desired_outcomes": {"outcomes": outcomes},
        "plan": {"actions": texts.actions(story)},
        "threshold": {
            "level": story.concern.threshold().to_string(),
            "rationale": episode_reason(story).1,
        },
    })
}

struct Texts {
    reason: String,
    hopes: String,
    professionals: Value,
    childs_views: String,
    how_gathered: String,
    parents_views: String,
    development: Value,
    parenting: Value,
    environment: Value,
    working_well: String,
    worries: String,
    needs_to_happen: String,
    analysis: String,
    outcome_lines: [(String, String); 2],
    action_lines: [(String, String); 3],
}

impl Texts {
    fn outcomes(&self, story: &Story) -> Value {
        Value::Array(
            self.outcome_lines
                .iter()
                .map(|(outcome, measure)| {
                    json!({"outcome": outcome, "measure": measure, "by_when": story.outcomes_by})
                })
                .collect(),
        )
    }

    fn actions(&self, story: &Story) -> Value {
        let dates = [&story.soon, &story.soon, &story.later];
        Value::Array(
            self.action_lines
                .iter()
                .zip(dates)
                .map(|((action, who), by_when)| {
                    json!({"action": action, "who": who, "by_when": by_when})
                })
                .collect(),
        )
    }
}

fn texts(story: &Story) -> Texts {
    let child = story.child();
    let parent = story.parent();
    let town = story.town;
    match story.concern {
        Concern::SchoolAttendance => Texts {
            reason: format!("{child}'s attendance has fallen to 84% this term, mostly missed mornings, since {child}'s parents separated in the summer."),
            hopes: "Calmer mornings and getting to school on time.".to_owned(),
            professionals: json!([
                {"role": "School", "name_or_service": format!("{town} Primary School, class teacher and family worker")},
                {"role": "GP", "name_or_service": format!("{town} Medical Practice")}
            ]),
            childs_views: format!("\"Mornings are rubbish because everyone shouts. I like school when I get there, especially football club. I miss Dad on school days.\" ({child})"),
            how_gathered: format!("Talking with {child} at school while drawing a 'three houses' picture."),
            parents_views: format!("{parent} says mornings have become a battle since the separation and feels on their own with it; they want help with a routine and would like {child}'s other parent involved."),
            development: side(
                &[
                    ("health", format!("{child} is healthy and up to date with checks.")),
                    ("learning", format!("{child} is working at the expected level but falling behind in maths after missed mornings.")),
                    ("emotional_behavioural_development", format!("{child} is tearful on arrival some days and settles within half an hour.")),
                    ("relationships", format!("{child} has good friends at football club.")),
                ],
                format!("{child} enjoys school once there, has friends and a strong bond with both parents."),
                "Missed learning in the mornings; worry about the separation shows as tearfulness.".to_owned(),
            ),
            parenting: side(
                &[
                    ("basic_care", "Basic care is good; the home is warm and there is food.".to_owned()),
                    ("guidance_and_boundaries", "Bedtimes have slipped since the summer.".to_owned()),
                ],
                format!("{parent} is warm and attentive and asked for help early."),
                "Consistent bedtimes and a morning routine that works for a single parent.".to_owned(),
            ),
            environment: side(
                &[
                    ("housing", "Stable housing association tenancy.".to_owned()),
                    ("employment_and_income", format!("{parent} works early shifts two days a week.")),
                ],
                "Stable home, grandmother nearby and willing to help.".to_owned(),
                "Early shifts clash with the school run on two days.".to_owned(),
            ),
            working_well: format!("{child} and {parent} are close; school is supportive; grandmother can help."),
            worries: format!("{child} is missing learning and is unsettled by the separation; {parent} is stretched."),
            needs_to_happen: "A morning routine, help with the school run on shift days, and space for the child to talk about the separation.".to_owned(),
            analysis: format!("The fall in attendance began with the separation and the change to {parent}'s shifts: the lateness is practical as much as emotional. With help on shift days and a routine {child} helped design, attendance is likely to recover; if nothing changes, missed mornings are likely to widen the gap in maths and {child}'s worry to grow."),
            outcome_lines: [
                (format!("{child} gets to school on time every day"), "Attendance above 95% over the next half term".to_owned()),
                (format!("{child} can talk about the separation with someone they trust"), "Six sessions with the school's emotional literacy support assistant".to_owned()),
            ],
            action_lines: [
                (format!("Make a morning routine chart with {child}"), format!("{parent} and the family worker")),
                ("Grandmother to do the school run on shift days".to_owned(), "Grandmother".to_owned()),
                ("Start emotional literacy support sessions".to_owned(), "School".to_owned()),
            ],
        },
        Concern::EarlyYears => Texts {
            reason: format!("{child}'s speech is behind what is expected at the two-year check, {parent} is expecting a baby and the family lives in a one-bedroom flat."),
            hopes: format!("{child} talking more, and a bigger home before the baby arrives."),
            professionals: json!([
                {"role": "Health visitor", "name_or_service": format!("{town} Health Visiting Team")},
                {"role": "Nursery", "name_or_service": format!("{town} Day Nursery")},
                {"role": "GP", "name_or_service": format!("{town} Medical Practice")}
            ]),
            childs_views: format!("{child} uses about 20 words, points to ask for things and was happiest playing with the cars and the water tray; {child} became frustrated and cried when not understood."),
            how_gathered: format!("Observation at home and at nursery; {child} is too young to give views in words."),
            parents_views: format!("{parent} is worried {child} is not talking like cousins of the same age and that the flat will be too small for a baby. {parent} wants speech and language help and support with a housing application."),
            development: side(
                &[
                    ("health", "Healthy; hearing test booked.".to_owned()),
                    ("learning", format!("{child} attends nursery three mornings a week and enjoys it.")),
                    ("emotional_behavioural_development", "Frustration when not understood, otherwise settled.".to_owned()),
                ],
                format!("{child} is sociable, playful and well attached to {parent}."),
                "Expressive language is delayed; hearing not yet checked.".to_owned(),
            ),
            parenting: side(
                &[
                    ("basic_care", "Good basic care; attends all health appointments.".to_owned()),
                    ("stimulation", "Limited space for play at home; few books.".to_owned()),
                ],
                format!("{parent} is loving and responsive and keeps every appointment."),
                "More talking and reading time; preparing for a new baby.".to_owned(),
            ),
            environment: side(
                &[
                    ("housing", "One-bedroom privately rented flat; damp in the bedroom.".to_owned()),
                    ("community_resources", "Lives near a children's centre but has not used it.".to_owned()),
                ],
                "Supportive extended family nearby.".to_owned(),
                "Overcrowding and damp; low income.".to_owned(),
            ),
            working_well: format!("{parent} is a warm, engaged parent; nursery reports {child} is settled."),
            worries: format!("{child}'s speech; the family's housing before the baby arrives."),
            needs_to_happen: "Hearing test and speech and language referral; a housing application; a local stay-and-play group.".to_owned(),
            analysis: format!("{child}'s delay is most likely linked to limited play and talk in a cramped, damp home rather than a hearing or developmental condition, though the hearing test will rule that out. The baby's arrival is likely to add pressure; acting now on housing and language gives the best chance of {child} catching up before school."),
            outcome_lines: [
                (format!("{child} uses more words and short phrases"), "50 words and some two-word phrases at the next health visitor review".to_owned()),
                ("The family is on the housing register before the baby arrives".to_owned(), "Housing application accepted".to_owned()),
            ],
            action_lines: [
                ("Book the hearing test and refer to speech and language therapy".to_owned(), "Health visitor".to_owned()),
                ("Complete the housing register application together".to_owned(), format!("{parent} and the lead professional")),
                ("Go to the weekly stay-and-play at the children's centre".to_owned(), parent.to_owned()),
            ],
        },
        Concern::Adolescent => Texts {
            reason: format!("{child} has been anxious for several months, is sleeping badly and arguments at home have become frequent; {child} has been referred to CAMHS and is on the waiting list."),
            hopes: "Fewer arguments and the young person feeling calmer.".to_owned(),
            professionals: json!([
                {"role": "School", "name_or_service": "Secondary school pastoral lead"},
                {"role": "Mental health service", "name_or_service": format!("{town} CAMHS Team (waiting list)")},
                {"role": "School nurse", "name_or_service": format!("{town} School Health Nursing Team")}
            ]),
            childs_views: format!("\"I can't switch my brain off at night so I stay on my phone. Then I'm tired and everything annoys me. I don't want to fight with {parent}, I just want to be left alone sometimes.\" ({child})"),
            how_gathered: format!("A walk and talk with {child}, and a scaling exercise on worries."),
            parents_views: format!("{parent} feels they are walking on eggshells and does not know whether to push or give space; worried about how much time {child} spends online at night."),
            development: side(
                &[
                    ("health", "Sleeping four to five hours on school nights.".to_owned()),
                    ("learning", "Grades holding but homework often missed.".to_owned()),
                    ("emotional_behavioural_development", format!("{child} describes constant worry and low mood; no self-harm reported.")),
                    ("identity", format!("{child} is creative and proud of their art.")),
                ],
                format!("{child} is articulate about their feelings, creative and still engaged with school."),
                "Anxiety and poor sleep; withdrawal from family.".to_owned(),
            ),
            parenting: side(
                &[
                    ("emotional_warmth", format!("{parent} is caring but conversations often become arguments.")),
                    ("guidance_and_boundaries", "No agreed rules on phones at night.".to_owned()),
                ],
                format!("{parent} is committed and asked for help."),
                "Agreed boundaries on screens and sleep; ways to talk without arguing.".to_owned(),
            ),
            environment: side(
                &[
                    ("family_history_and_functioning", "The family moved a year ago; friendships were lost.".to_owned()),
                    ("community_resources", "A youth art group meets nearby.".to_owned()),
                ],
                "Stable home and income.".to_owned(),
                "Isolation since the move.".to_owned(),
            ),
            working_well: format!("{child} still talks to the school pastoral lead and enjoys art; {parent} wants to help."),
            worries: format!("{child}'s anxiety, sleep and withdrawal; conflict at home while waiting for CAMHS."),
            needs_to_happen: "Support for anxiety while on the CAMHS waiting list, a sleep and screens plan, and somewhere to belong.".to_owned(),
            analysis: format!("{child}'s anxiety and late-night phone use feed each other: poor sleep lowers tolerance and arguments about the phone increase the worry. The move cut {child} off from friends. Without support before CAMHS can see {child}, the risk is further withdrawal from school and family."),
            outcome_lines: [
                (format!("{child} sleeps better on school nights"), "Seven hours a night on a sleep diary, four nights out of five".to_owned()),
                (format!("{child} and {parent} argue less"), format!("{child}'s and {parent}'s own scores on a weekly 0-10 scale rise from 3 to 6")),
            ],
            action_lines: [
                ("Agree a family screens and sleep plan".to_owned(), format!("{child}, {parent} and the lead professional")),
                ("Weekly check-ins with the school nurse on anxiety".to_owned(), "School nurse".to_owned()),
                ("Try the youth art group".to_owned(), child.to_owned()),
            ],
        },
    }
}
