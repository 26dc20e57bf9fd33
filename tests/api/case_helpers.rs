//! Building blocks for case-record tests: a family, consent, an episode, a complete form.

use crate::helpers::{TestApp, TestResponse};
use awc::http::Method;
use serde_json::{json, Map, Value};

/// A valid NHS number built from nine digits and the modulus-11 check digit.
pub fn nhs_number(seed: u64) -> String {
    loop_digits(seed)
}

fn loop_digits(mut seed: u64) -> String {
    loop {
        let digits: Vec<u32> = format!("{:09}", 400_000_000 + seed % 500_000_000)
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * (10 - u32::try_from(i).unwrap()))
            .sum();
        let check = (11 - sum % 11) % 11;
        if check != 10 {
            return format!(
                "{}{}",
                digits.iter().map(|d| d.to_string()).collect::<String>(),
                check
            );
        }
        seed += 1;
    }
}

pub fn family_body(family_name: &str, child_dob: &str, nhs: Option<&str>) -> Value {
    json!({
        "address": "1 Example Row, Banbury",
        "postcode": "ox16 5au",
        "members": [
            { "kind": "adult", "given_name": "Robin", "family_name": family_name, "date_of_birth": "1988-04-02", "sex": "F", "ethnicity": "WBRI" },
            { "kind": "child", "given_name": "Jay", "family_name": family_name, "date_of_birth": child_dob, "sex": "M", "ethnicity": "WBRI", "disabilities": ["NONE"], "nhs_number": nhs }
        ],
        "relationships": [{ "person": 0, "related_person": 1, "kind": "parent" }]
    })
}

pub struct Case {
    pub family: String,
    pub adult: String,
    pub child: String,
    pub episode: String,
}

impl TestApp {
    pub async fn create_family(&self, token: &str, body: &Value) -> TestResponse {
        self.post("/api/v1/families").token(token).json(body).await
    }

    pub async fn consent(&self, token: &str, family: &str, person: &str) -> TestResponse {
        self.post(&format!("/api/v1/families/{family}/consents"))
            .token(token)
            .json(&json!({ "given_by_person_id": person, "for_assessment": true, "method": "written", "given_on": "2026-01-05" }))
            .await
    }

    /// A family with consent and an open level-2 episode, led by the token's user.
    pub async fn open_case(&self, token: &str, family_name: &str) -> Case {
        let family = self
            .create_family(token, &family_body(family_name, "2016-05-17", None))
            .await;
        family.assert_status(201);
        let family = family.json();
        let (adult, child) = (
            family["members"][0]["id"].as_str().unwrap().to_owned(),
            family["members"][1]["id"].as_str().unwrap().to_owned(),
        );
        let family_id = family["id"].as_str().unwrap().to_owned();
        self.consent(token, &family_id, &adult)
            .await
            .assert_status(201);
        let episode = self
            .post("/api/v1/episodes")
            .token(token)
            .json(&json!({ "family_id": family_id, "children": [child], "threshold_level": 2, "threshold_rationale": "Needs met by a TAF", "reason": "Attendance has fallen" }))
            .await;
        episode.assert_status(201);
        Case {
            family: family_id,
            adult,
            child,
            episode: episode.json()["id"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn patch_assessment(
        &self,
        token: &str,
        id: &str,
        etag: Option<&str>,
        content: &Value,
    ) -> TestResponse {
        let mut request = self
            .request(Method::PATCH, &format!("/api/v1/assessments/{id}"))
            .token(token);
        if let Some(etag) = etag {
            request = request.header("if-match", etag);
        }
        request.json(&json!({ "content": content })).await
    }
}

/// A Strengths and Needs form (v1) that passes submission checks. Synthetic content only.
pub fn complete_snf() -> Value {
    let triangle = |areas: &[&str]| {
        let mut side = Map::new();
        for area in areas {
            side.insert((*area).into(), json!(format!("About {area}.")));
        }
        side.insert("strengths".into(), json!("Warm, loving home."));
        side.insert("needs".into(), json!("Routines at bedtime."));
        Value::Object(side)
    };
    json!({
        "consent": { "involved_in_completing": "Parent, child and school family worker.", "family_agrees_to_store_and_share": true },
        "family_and_household": { "assessment_start_date": "2026-01-05" },
        "reason": { "reason_for_assessment": "Attendance has fallen to 82% this term." },
        "childs_views": { "views": "I like football club; mornings are hard." },
        "parents_views": { "views": "Feels on their own since a separation." },
        "childs_development": triangle(&["health", "learning", "emotional_behavioural_development", "identity", "relationships", "self_care"]),
        "parenting_capacity": triangle(&["basic_care", "safety", "emotional_warmth", "stimulation", "guidance_and_boundaries", "stability"]),
        "family_and_environment": triangle(&["family_history_and_functioning", "wider_family", "housing", "employment_and_income", "community_resources"]),
        "summary": { "working_well": "Close relationship.", "worries": "Missed school.", "needs_to_happen": "A morning routine." },
        "analysis": { "analysis": "Attendance fell after the separation; routines broke down." },
        "desired_outcomes": { "outcomes": [{ "outcome": "Attends school every day", "measure": "Attendance above 95%", "by_when": "2026-07-17" }] },
        "plan": { "actions": [{ "action": "Morning routine chart", "who": "Parent and family worker", "by_when": "2026-02-01" }] },
        "threshold": { "level": "2", "rationale": "Needs can be met with a TAF." }
    })
}

pub fn all_ratings(rating: &str) -> Value {
    let mut ratings = Map::new();
    for criterion in [
        "childs_voice_heard",
        "parents_views_recorded",
        "strengths_evidenced",
        "needs_evidenced",
        "outcomes_specific_and_measurable",
        "threshold_appropriate",
        "consent_recorded",
    ] {
        ratings.insert(criterion.into(), json!({ "rating": rating }));
    }
    Value::Object(ratings)
}
