//! Step-down from Children's Social Care to early help: recorded by social care for a new or an
//! existing family, allocated by the receiving locality's LCSS, declined or accepted by the
//! lead professional it is allocated to (a new episode with origin step-down), and overdue when
//! nobody has taken it on, or no form is in, by its due date.

use crate::case_helpers::{error_fields, family_body, id_of};
use crate::helpers::TestApp;
use crate::idempotency::twice;
use chrono::{Duration, Utc};
use diesel::RunQueryDsl;
use earlyhelp_tests::http::Reply;
use serde_json::{json, Value};

fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

/// A step-down of a new North family of a parent and a child; the parent consented.
fn new_family_step_down(app: &TestApp, family_name: &str) -> Value {
    let mut family = family_body(family_name, "2015-03-01", None);
    family["confirm_new"] = Value::Bool(true);
    json!({
        "source": "case_closure",
        "family": family,
        "locality_id": app.directory.north,
        "reason": "Statutory involvement ends; the family agreed to early help support.",
        "needs_summary": "Routines at home and school attendance need support.",
        "threshold_level": 3,
        "suggested_organisation_id": app.directory.north_school,
        "snf_due_on": (today() + Duration::days(20)).to_string(),
        "consent": { "given_by_member": 0, "method": "written", "given_on": today().to_string() }
    })
}

impl TestApp {
    async fn step_down(&self, token: &str, body: &Value) -> Reply {
        self.post("/api/v1/step-downs")
            .token(token)
            .json(body)
            .await
    }

    async fn step_down_action(&self, token: &str, id: &str, action: &str, body: &Value) -> Reply {
        self.post(&format!("/api/v1/step-downs/{id}/{action}"))
            .token(token)
            .json(body)
            .await
    }

    async fn work_kinds(&self, token: &str, id: &str) -> Vec<String> {
        let work = self.get("/api/v1/me/work").token(token).send().await;
        work.assert_status(200);
        work.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["id"] == id)
            .map(|item| item["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn listed_step_downs(&self, token: &str, query: &str) -> Vec<String> {
        let page = self
            .get(&format!("/api/v1/step-downs{query}"))
            .token(token)
            .send()
            .await;
        page.assert_status(200);
        page.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect()
    }
}

#[actix_web::test]
async fn a_new_family_stepped_down_is_declined_then_accepted_into_an_episode_of_origin_step_down() {
    let app = TestApp::spawn().await;
    let social = app.token("social_care").await;
    let lcss = app.token("lcss_worker").await;
    let south_lcss = app.token("lcss_worker2").await;
    let lead = app.token("practitioner").await;
    let other = app.token("practitioner2").await;
    let body = new_family_step_down(&app, "Demo-Downing");

    // Only social care steps down, and a request names one family and a level below 4.
    app.step_down(&lead, &body)
        .await
        .assert_problem(403, "forbidden");
    let mut both = body.clone();
    both["family_id"] = json!(app.directory.north);
    both["threshold_level"] = json!(4);
    both["snf_due_on"] = json!((today() - Duration::days(1)).to_string());
    let problem = app
        .step_down(&social, &both)
        .await
        .assert_problem(422, "validation_failed");
    let fields = error_fields(&problem);
    for field in ["family_id", "threshold_level", "snf_due_on"] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    let recorded = app.step_down(&social, &body).await;
    recorded.assert_status(201);
    let step_down = recorded.json();
    let id = id_of(&step_down);
    assert_eq!(
        recorded.header("location").unwrap(),
        format!("/api/v1/step-downs/{id}")
    );
    assert_eq!(step_down["state"], "awaiting_allocation");
    assert_eq!(step_down["source"], "case_closure");
    assert_eq!(step_down["csc_closure_reason"], "RC9");
    assert_eq!(step_down["overdue"], false);
    assert_eq!(step_down["allocations"], json!([]));
    assert!(step_down["family_reference"]
        .as_str()
        .unwrap()
        .starts_with("FAM-"));
    let family = step_down["family_id"].as_str().unwrap().to_owned();

    // The same family again is a possible duplicate social care can now see.
    let mut again = body.clone();
    again["family"]["confirm_new"] = Value::Bool(false);
    app.step_down(&social, &again)
        .await
        .assert_problem(409, "possible_duplicate");

    // The receiving locality's LCSS sees it to allocate; another locality and professionals
    // do not.
    assert!(app
        .listed_step_downs(&lcss, "?state=awaiting_allocation")
        .await
        .contains(&id));
    assert_eq!(
        app.work_kinds(&lcss, &id).await,
        vec!["step_down_to_allocate"]
    );
    for token in [&south_lcss, &lead, &other] {
        app.get(&format!("/api/v1/step-downs/{id}"))
            .token(token)
            .send()
            .await
            .assert_problem(404, "not_found");
        assert!(!app.listed_step_downs(token, "").await.contains(&id));
    }
    app.step_down_action(
        &lead,
        &id,
        "allocate",
        &json!({ "lead_professional_id": app.persona("practitioner").id }),
    )
    .await
    .assert_problem(404, "not_found");
    app.step_down_action(
        &social,
        &id,
        "allocate",
        &json!({ "lead_professional_id": app.persona("practitioner").id }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.step_down_action(
        &lcss,
        &id,
        "allocate",
        &json!({ "lead_professional_id": app.persona("manager").id }),
    )
    .await
    .assert_problem(422, "validation_failed");

    // Allocated: the lead reads the step-down, not yet the family, and declines with a reason.
    let allocated = app
        .step_down_action(
            &lcss,
            &id,
            "allocate",
            &json!({ "lead_professional_id": app.persona("practitioner2").id }),
        )
        .await;
    allocated.assert_status(200);
    assert_eq!(allocated.json()["state"], "allocated");
    app.get(&format!("/api/v1/step-downs/{id}"))
        .token(&other)
        .send()
        .await
        .assert_status(200);
    app.get(&format!("/api/v1/families/{family}"))
        .token(&other)
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.work_kinds(&other, &id).await,
        vec!["step_down_to_accept"]
    );
    assert!(app.listed_step_downs(&other, "").await.contains(&id));
    app.step_down_action(&lead, &id, "accept", &json!({}))
        .await
        .assert_problem(404, "not_found");
    app.step_down_action(&lcss, &id, "accept", &json!({}))
        .await
        .assert_problem(409, "not_allocated_to_you");
    app.step_down_action(&other, &id, "decline", &json!({ "reason": " " }))
        .await
        .assert_problem(422, "validation_failed");
    let declined = app
        .step_down_action(
            &other,
            &id,
            "decline",
            &json!({ "reason": "My caseload is full this month." }),
        )
        .await;
    declined.assert_status(200);
    let declined = declined.json();
    assert_eq!(declined["state"], "awaiting_allocation");
    assert_eq!(declined["allocations"][0]["answer"], "declined");
    assert_eq!(
        declined["allocations"][0]["decline_reason"],
        "My caseload is full this month."
    );
    app.get(&format!("/api/v1/step-downs/{id}"))
        .token(&other)
        .send()
        .await
        .assert_problem(404, "not_found");

    // Allocated again and accepted: an episode of origin step-down opens, led by the lead,
    // with the family's consent on its record.
    app.step_down_action(
        &lcss,
        &id,
        "allocate",
        &json!({ "lead_professional_id": app.persona("practitioner").id }),
    )
    .await
    .assert_status(200);
    let accepted = app.step_down_action(&lead, &id, "accept", &json!({})).await;
    accepted.assert_status(200);
    let accepted = accepted.json();
    assert_eq!(accepted["state"], "accepted");
    assert_eq!(accepted["allocations"][1]["answer"], "accepted");
    let episode_id = accepted["episode_id"].as_str().unwrap();
    let episode = app
        .get(&format!("/api/v1/episodes/{episode_id}"))
        .token(&lead)
        .send()
        .await;
    episode.assert_status(200);
    let episode = episode.json();
    assert_eq!(episode["origin"], "step_down");
    assert_eq!(episode["state"], "open");
    assert_eq!(episode["threshold_level"], 3);
    assert_eq!(
        episode["lead_professional_id"],
        json!(app.persona("practitioner").id)
    );
    assert_eq!(episode["children"].as_array().unwrap().len(), 1);
    let consents = app
        .get(&format!("/api/v1/families/{family}/consents"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(consents["items"][0]["for_assessment"], true);
    assert_eq!(
        consents["items"][0]["given_by_person_id"],
        step_down["consent"]["given_by_person_id"]
    );
    for action in ["accept", "decline"] {
        app.step_down_action(&lead, &id, action, &json!({ "reason": "x" }))
            .await
            .assert_problem(409, "step_down_state");
    }
    app.step_down_action(
        &lcss,
        &id,
        "allocate",
        &json!({ "lead_professional_id": app.persona("practitioner").id }),
    )
    .await
    .assert_problem(409, "step_down_state");
    assert!(app.work_kinds(&lcss, &id).await.is_empty());

    let chronology = app
        .get(&format!("/api/v1/families/{family}/chronology"))
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
    for kind in [
        "step_down.recorded",
        "step_down.allocated",
        "step_down.declined",
        "step_down.accepted",
        "episode.opened",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let audited: Vec<String> = app
        .audit_rows()
        .into_iter()
        .map(|row| row.action)
        .filter(|action| action.starts_with("step_down."))
        .collect();
    for action in [
        "step_down.record",
        "step_down.list",
        "step_down.read",
        "step_down.allocate",
        "step_down.decline",
        "step_down.accept",
    ] {
        assert!(
            audited.iter().any(|a| a == action),
            "{action} in {audited:?}"
        );
    }
}

#[actix_web::test]
async fn social_care_steps_down_only_a_family_it_can_see_and_early_help_is_not_already_with() {
    let app = TestApp::spawn().await;
    let social = app.token("social_care").await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Upanddown").await;
    let mut body = new_family_step_down(&app, "unused");
    body.as_object_mut().unwrap().remove("family");
    body["source"] = json!("mash_contact");
    body["family_id"] = json!(case.family);
    body["consent"] = json!({ "given_by_person_id": case.adult, "method": "verbal", "given_on": today().to_string() });

    // Never referred: social care cannot see the family at all.
    app.step_down(&social, &body)
        .await
        .assert_problem(404, "not_found");

    // Stepped up and not accepted: visible, but early help is still working with it.
    let raised = app
        .post(&format!("/api/v1/episodes/{}/step-ups", case.episode))
        .token(&lead)
        .json(&json!({ "threshold_level": 3, "reason": "Escalating", "tried": "TAF", "risks": "Neglect" }))
        .await;
    raised.assert_status(201);
    let step_up = id_of(&raised.json());
    app.step_down(&social, &body)
        .await
        .assert_problem(409, "episode_already_open");

    // Accepted by social care, the episode closes; social care later steps the family down.
    app.post(&format!("/api/v1/step-ups/{step_up}/decision"))
        .token(&social)
        .json(&json!({ "decision": "accepted" }))
        .await
        .assert_status(200);
    let mut wrong = body.clone();
    wrong["locality_id"] = json!(app.directory.south);
    wrong["consent"]["given_by_person_id"] = json!(app.directory.north);
    let problem = app
        .step_down(&social, &wrong)
        .await
        .assert_problem(422, "validation_failed");
    let fields = error_fields(&problem);
    assert!(fields.iter().any(|f| f == "locality_id"), "{fields:?}");
    assert!(
        fields.iter().any(|f| f == "consent.given_by_person_id"),
        "{fields:?}"
    );
    let recorded = app.step_down(&social, &body).await;
    recorded.assert_status(201);
    let recorded = recorded.json();
    assert_eq!(recorded["family_id"], json!(case.family));
    assert_eq!(recorded["csc_closure_reason"], Value::Null);
    assert_eq!(recorded["known_elsewhere"], json!([]));
    app.step_down(&social, &body)
        .await
        .assert_problem(409, "conflict");
    let id = id_of(&recorded);
    assert!(app.listed_step_downs(&social, "").await.contains(&id));
}

#[actix_web::test]
async fn a_step_down_past_its_due_date_is_overdue_until_its_lead_submits_the_form() {
    let app = TestApp::spawn().await;
    let social = app.token("social_care").await;
    let lcss = app.token("lcss_worker").await;
    let lead = app.token("practitioner").await;
    let mut body = new_family_step_down(&app, "Demo-Latedown");
    body["snf_due_on"] = json!(today().to_string());
    // Sent twice with its key (an answer lost on the way): one step-down, one family.
    let recorded = twice(
        &app,
        &social,
        "/api/v1/step-downs",
        "down-1",
        &body,
        "step_downs",
    )
    .await;
    let id = id_of(&recorded);
    assert!(app
        .listed_step_downs(&lcss, "?overdue=true")
        .await
        .is_empty());

    // The due date passes with nobody allocated.
    diesel::sql_query(format!(
        "UPDATE step_downs SET snf_due_on = current_date - 1 WHERE id = '{id}'"
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    for token in [&lcss, &social] {
        assert!(app
            .listed_step_downs(token, "?overdue=true")
            .await
            .contains(&id));
        assert_eq!(app.work_kinds(token, &id).await, vec!["step_down_overdue"]);
    }

    // Accepted, but no form yet: still overdue. Submitted: no longer.
    app.step_down_action(
        &lcss,
        &id,
        "allocate",
        &json!({ "lead_professional_id": app.persona("practitioner").id }),
    )
    .await
    .assert_status(200);
    let accepted = app.step_down_action(&lead, &id, "accept", &json!({})).await;
    accepted.assert_status(200);
    assert_eq!(accepted.json()["overdue"], true);
    let episode = accepted.json()["episode_id"].as_str().unwrap().to_owned();
    let form = id_of(&app.start_form(&lead, &episode).await);
    app.submit(&lead, &form).send().await.assert_status(200);
    let after = app
        .get(&format!("/api/v1/step-downs/{id}"))
        .token(&social)
        .send()
        .await;
    after.assert_status(200);
    assert_eq!(after.json()["overdue"], false);
    assert!(!app
        .listed_step_downs(&lcss, "?overdue=true")
        .await
        .contains(&id));
    assert!(app.work_kinds(&social, &id).await.is_empty());
}
