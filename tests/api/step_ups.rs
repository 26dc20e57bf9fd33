//! Step-up to Children's Social Care: raised from an open episode, pre-filled from the form,
//! seen by social care only once referred, decided once either way.

use crate::case_helpers::{id_of, Case};
use crate::helpers::TestApp;
use earlyhelp_tests::http::Reply;
use serde_json::{json, Value};

impl TestApp {
    async fn step_up(&self, token: &str, episode: &str, body: &Value) -> Reply {
        self.post(&format!("/api/v1/episodes/{episode}/step-ups"))
            .token(token)
            .json(body)
            .await
    }

    async fn decide_step_up(&self, token: &str, id: &str, body: &Value) -> Reply {
        self.post(&format!("/api/v1/step-ups/{id}/decision"))
            .token(token)
            .json(body)
            .await
    }

    async fn statuses(&self, token: &str, case: &Case) -> Vec<u16> {
        let mut statuses = Vec::new();
        for path in [
            format!("/api/v1/families/{}", case.family),
            format!("/api/v1/episodes/{}", case.episode),
            format!("/api/v1/families/{}/chronology", case.family),
            format!("/api/v1/people/{}", case.child),
        ] {
            statuses.push(self.get(&path).token(token).send().await.status);
        }
        statuses
    }
}

fn listed(page: &Value, id: &str) -> bool {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|item| item["id"] == id)
}

#[actix_web::test]
async fn a_step_up_prefilled_from_the_form_is_accepted_and_the_episode_closes_as_stepped_up() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let social = app.token("social_care").await;
    let lcss = app.token("lcss_worker").await;
    let case = app.open_case(&lead, "Demo-Stepton").await;
    let form = id_of(&app.start_form(&lead, &case.episode).await);
    app.submit(&lead, &form).send().await.assert_status(200);
    assert_eq!(app.statuses(&social, &case).await, vec![404; 4]);

    // The form's level is 2: the request must say 3 or 4; the rest comes from the form.
    let problem = app
        .step_up(&lead, &case.episode, &json!({}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "threshold_level");
    app.step_up(
        &lead,
        &case.episode,
        &json!({ "threshold_level": 2, "reason": "  " }),
    )
    .await
    .assert_problem(422, "validation_failed");
    let other = app.token("practitioner2").await;
    app.step_up(&other, &case.episode, &json!({ "threshold_level": 3 }))
        .await
        .assert_problem(404, "not_found");
    let raised = app
        .step_up(&lead, &case.episode, &json!({ "threshold_level": 3 }))
        .await;
    raised.assert_status(201);
    let step_up = raised.json();
    let id = id_of(&step_up);
    assert_eq!(
        raised.header("location").unwrap(),
        format!("/api/v1/step-ups/{id}")
    );
    assert_eq!(step_up["referral_source"], "5D");
    assert_eq!(step_up["state"], "requested");
    assert_eq!(step_up["reason"], "Attendance has fallen to 82% this term.");
    assert_eq!(step_up["tried"], "Morning routine chart");
    assert_eq!(step_up["risks"], "Missed school.");
    assert!(step_up["revision_id"].is_string());
    assert_eq!(step_up["phone_mash_now"], Value::Null);
    app.step_up(&lead, &case.episode, &json!({ "threshold_level": 4 }))
        .await
        .assert_problem(409, "conflict");

    // Referred: social care reads the family, sees the request and decides it; nobody else does.
    assert_eq!(app.statuses(&social, &case).await, vec![200; 4]);
    let waiting = app
        .get("/api/v1/step-ups?state=requested")
        .token(&social)
        .send()
        .await;
    waiting.assert_status(200);
    assert!(listed(&waiting.json(), &id));
    let work = app
        .get("/api/v1/me/work")
        .token(&social)
        .send()
        .await
        .json();
    assert!(work["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|item| item["kind"] == "step_up_to_decide" && item["id"] == id.as_str()));
    app.patch(&format!("/api/v1/families/{}", case.family))
        .token(&social)
        .json(&json!({ "postcode": "OX16 5AU" }))
        .await
        .assert_problem(403, "forbidden");
    for token in [&lead, &lcss] {
        app.decide_step_up(token, &id, &json!({ "decision": "accepted" }))
            .await
            .assert_problem(403, "forbidden");
    }
    app.decide_step_up(&social, &id, &json!({ "decision": "maybe" }))
        .await
        .assert_problem(422, "validation_failed");
    let decided = app
        .decide_step_up(&social, &id, &json!({ "decision": "accepted" }))
        .await;
    decided.assert_status(200);
    assert_eq!(decided.json()["state"], "accepted");
    assert!(decided.json()["decided_at"].is_string());
    app.decide_step_up(
        &social,
        &id,
        &json!({ "decision": "not_accepted", "advice": "x" }),
    )
    .await
    .assert_problem(409, "step_up_decided");

    let episode = app
        .get(&format!("/api/v1/episodes/{}", case.episode))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(episode["state"], "closed");
    assert_eq!(episode["closure_reason"], "stepped_up");
    let family = app
        .get(&format!("/api/v1/families/{}", case.family))
        .token(&social)
        .send()
        .await
        .json();
    assert_eq!(
        family["known_to_social_care_on"],
        chrono::Utc::now().date_naive().to_string()
    );
    // The decision goes back to the referrer and the locality LCSS.
    for token in [&lead, &lcss] {
        let work = app.get("/api/v1/me/work").token(token).send().await.json();
        assert!(work["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["kind"] == "step_up_decided" && item["id"] == id.as_str()));
    }
    let chronology = app
        .get(&format!("/api/v1/families/{}/chronology", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    let kinds: Vec<&str> = chronology["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["kind"].as_str())
        .collect();
    for kind in ["step_up.requested", "step_up.accepted", "episode.closed"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let audited: Vec<String> = app
        .audit_rows()
        .into_iter()
        .map(|row| row.action)
        .filter(|action| action.starts_with("step_up."))
        .collect();
    for action in ["step_up.raise", "step_up.list", "step_up.decide"] {
        assert!(
            audited.iter().any(|a| a == action),
            "{action} in {audited:?}"
        );
    }
    // Social care still reads what was referred; other families stay out of its reach.
    let unrelated = app.open_case(&lead, "Demo-Elsewhere").await;
    assert_eq!(app.statuses(&social, &unrelated).await, vec![404; 4]);
}

#[actix_web::test]
async fn an_immediate_concern_gets_the_mash_number_and_a_refusal_needs_advice() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let lcss = app.token("lcss_worker").await;
    let social = app.token("social_care").await;
    let case = app.open_case(&lead, "Demo-Urgently").await;
    let body = json!({ "threshold_level": 4, "reason": "Disclosure at school today.", "tried": "TAF since September.", "risks": "Unsafe at home tonight.", "immediate": true });

    // No MASH number configured yet: the answer says so, and the request is kept.
    let raised = app.step_up(&lcss, &case.episode, &body).await;
    raised.assert_status(201);
    let raised = raised.json();
    assert_eq!(raised["immediate"], true);
    assert_eq!(raised["phone_mash_now"]["phone"], Value::Null);
    assert!(raised["phone_mash_now"]["message"]
        .as_str()
        .unwrap()
        .contains("phone the MASH now"));
    let id = id_of(&raised);

    // Not accepted: advice is required, and early help carries on.
    app.decide_step_up(&social, &id, &json!({ "decision": "not_accepted" }))
        .await
        .assert_problem(422, "validation_failed");
    let decided = app
        .decide_step_up(
            &social,
            &id,
            &json!({ "decision": "not_accepted", "advice": "Continue the TAF; add a DA service." }),
        )
        .await;
    decided.assert_status(200);
    assert_eq!(decided.json()["state"], "not_accepted");
    assert_eq!(
        decided.json()["advice"],
        "Continue the TAF; add a DA service."
    );
    let episode = app
        .get(&format!("/api/v1/episodes/{}", case.episode))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(episode["state"], "open");

    // With the locality's MASH number configured, the answer gives it.
    let admin = app.token("admin").await;
    app.patch(&format!("/api/v1/admin/localities/{}", app.directory.north))
        .token(&admin)
        .json(&json!({ "mash_phone": "0300 000 0001" }))
        .await
        .assert_status(200);
    let again = app.step_up(&lead, &case.episode, &body).await;
    again.assert_status(201);
    assert_eq!(again.json()["phone_mash_now"]["phone"], "0300 000 0001");
    assert!(again.json()["phone_mash_now"]["message"]
        .as_str()
        .unwrap()
        .contains("0300 000 0001"));

    // A closed episode steps up no more.
    app.post(&format!("/api/v1/episodes/{}/close", case.episode))
        .token(&lead)
        .json(&json!({ "reason": "outcomes_met" }))
        .await
        .assert_status(200);
    app.step_up(&lead, &case.episode, &body)
        .await
        .assert_problem(409, "episode_closed");
}
