//! No Names Consultations: LCSS records advice with nothing that identifies the child or
//! family, for its own locality only.

use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use serde_json::{json, Value};

pub(crate) fn consultation(app: &TestApp) -> Value {
    json!({
        "held_on": "2026-11-20",
        "consulting_user_id": app.persona("practitioner").id,
        "themes": ["attendance", "parenting"],
        "threshold_view": 2,
        "advice": "Seek consent for an EHA; a TAF with school and health visiting within 6 weeks.",
        "outcome": "seek_consent",
        "follow_up_on": "2026-12-04"
    })
}

#[actix_web::test]
async fn lcss_records_a_no_names_consultation_seen_only_in_its_locality() {
    let app = TestApp::spawn().await;
    let lcss = app.token("lcss_worker").await;
    let recorded = app
        .post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&consultation(&app))
        .await;
    recorded.assert_status(201);
    let nnc = recorded.json();
    let id = id_of(&nnc);
    assert_eq!(
        recorded.header("location").unwrap(),
        format!("/api/v1/no-names-consultations/{id}")
    );
    assert_eq!(nnc["locality_id"], app.directory.north.to_string().as_str());
    assert!(nnc["consulting_organisation"].as_str().unwrap().len() > 1);
    assert_eq!(nnc["themes"], json!(["attendance", "parenting"]));
    let path = format!("/api/v1/no-names-consultations/{id}");
    app.get(&path).token(&lcss).send().await.assert_status(200);
    let manager = app.token("lcss_manager").await;
    app.get(&path)
        .token(&manager)
        .send()
        .await
        .assert_status(200);
    let elsewhere = app.token("lcss_worker2").await;
    app.get(&path)
        .token(&elsewhere)
        .send()
        .await
        .assert_problem(404, "not_found");
    let theirs = app
        .get("/api/v1/no-names-consultations")
        .token(&elsewhere)
        .send()
        .await
        .json();
    assert!(theirs["items"].as_array().unwrap().is_empty());
    for role in [
        "practitioner",
        "practitioner2",
        "social_care",
        "manager",
        "admin",
    ] {
        let token = app.token(role).await;
        app.get(&path)
            .token(&token)
            .send()
            .await
            .assert_problem(403, "forbidden");
        app.post("/api/v1/no-names-consultations")
            .token(&token)
            .json(&consultation(&app))
            .await
            .assert_problem(403, "forbidden");
    }
    // LCSS records for its own locality only; lists filter by the day held.
    let mut south = consultation(&app);
    south["locality_id"] = json!(app.directory.south);
    let refused = app
        .post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&south)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "locality_id");
    for (query, listed) in [
        ("", true),
        ("?from=2026-11-20&to=2026-11-20", true),
        ("?from=2026-11-21", false),
    ] {
        let page = app
            .get(&format!("/api/v1/no-names-consultations{query}"))
            .token(&lcss)
            .send()
            .await
            .json();
        let found = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["id"] == id.as_str());
        assert_eq!(found, listed, "{query}");
    }
    let audited: Vec<String> = app
        .audit_rows()
        .into_iter()
        .map(|row| row.action)
        .filter(|action| action.starts_with("consultation."))
        .collect();
    for action in [
        "consultation.record",
        "consultation.read",
        "consultation.list",
    ] {
        assert!(
            audited.iter().any(|a| a == action),
            "{action} in {audited:?}"
        );
    }
}

#[actix_web::test]
async fn a_no_names_consultation_refuses_every_kind_of_identifier_and_any_family_field() {
    let app = TestApp::spawn().await;
    let lcss = app.token("lcss_worker").await;
    for (advice, kind) in [
        (
            "Child's NHS number 943 476 5919 was mentioned.",
            "an NHS number",
        ),
        ("Pupil A123456789012 in year 6.", "a Unique Pupil Number"),
        ("Born 03/04/2016, now in year 5.", "a date"),
        ("The family lives at OX16 5AU.", "a postcode"),
        ("Mum can be reached on 07700 900123.", "a phone number"),
        ("Dad's email is dad@example.org.", "an email address"),
    ] {
        let mut body = consultation(&app);
        body["advice"] = json!(advice);
        let problem = app
            .post("/api/v1/no-names-consultations")
            .token(&lcss)
            .json(&body)
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "advice", "{advice}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(kind), "{advice}: {message}");
        assert!(message.contains("at character"), "{message}");
    }
    let mut signposted = consultation(&app);
    signposted["outcome"] = json!("signpost");
    signposted["signposted_to"] = json!("Parenting course, OX16 5AU");
    let problem = app
        .post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&signposted)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "signposted_to");

    for field in ["family_id", "child_name", "date_of_birth"] {
        let mut body = consultation(&app);
        body[field] = json!("x");
        let refused = app
            .post("/api/v1/no-names-consultations")
            .token(&lcss)
            .json(&body)
            .await;
        assert!(
            [400, 422].contains(&refused.status),
            "{field}: {}",
            refused.text()
        );
        assert!(
            refused.text().contains(field),
            "{field}: {}",
            refused.text()
        );
    }

    // A professional without an account; the rules between fields.
    let mut external = consultation(&app);
    external
        .as_object_mut()
        .unwrap()
        .remove("consulting_user_id");
    external["consulting_name"] = json!("Sam Demo-Nurse");
    external["consulting_organisation"] = json!("School nursing");
    external["outcome"] = json!("signpost");
    external["signposted_to"] = json!("Family hub parenting course");
    app.post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&external)
        .await
        .assert_status(201);
    let mut wrong = consultation(&app);
    wrong["themes"] = json!(["attendance", "attendance"]);
    wrong["outcome"] = json!("signpost");
    wrong["follow_up_on"] = json!("2026-11-01");
    wrong["threshold_view"] = json!(5);
    let problem = app
        .post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&wrong)
        .await
        .assert_problem(422, "validation_failed");
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        vec![
            "follow_up_on",
            "signposted_to",
            "themes[1]",
            "threshold_view"
        ]
    );
}

#[actix_web::test]
async fn a_consultation_is_linked_to_the_family_once_it_consents_and_stays_anonymous() {
    let app = TestApp::spawn().await;
    let lcss = app.token("lcss_worker").await;
    let lead = app.token("practitioner").await;
    let recorded = app
        .post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&consultation(&app))
        .await;
    recorded.assert_status(201);
    let id = id_of(&recorded.json());
    let link = format!("/api/v1/no-names-consultations/{id}/link");
    let case = app.open_case(&lead, "Demo-Linkwell").await;
    let body = json!({ "episode_id": case.episode });

    app.post(&link)
        .token(&lead)
        .json(&body)
        .await
        .assert_problem(403, "forbidden");
    let elsewhere = app.token("lcss_worker2").await;
    app.post(&link)
        .token(&elsewhere)
        .json(&body)
        .await
        .assert_problem(404, "not_found");
    let problem = app
        .post(&link)
        .token(&lcss)
        .json(&json!({ "episode_id": "0190a2b4-0000-7000-8000-000000000000" }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "episode_id");

    // Without the family's consent to an assessment there is nothing to link to.
    let withdrawn = app.open_case(&lead, "Demo-Unlinked").await;
    let consents = app
        .get(&format!("/api/v1/families/{}/consents", withdrawn.family))
        .token(&lead)
        .send()
        .await
        .json();
    app.post(&format!(
        "/api/v1/consents/{}/withdraw",
        id_of(&consents["items"][0])
    ))
    .token(&lead)
    .json(&json!({}))
    .await
    .assert_status(200);
    app.post(&link)
        .token(&lcss)
        .json(&json!({ "episode_id": withdrawn.episode }))
        .await
        .assert_problem(422, "consent_required");

    let linked = app.post(&link).token(&lcss).json(&body).await;
    linked.assert_status(201);
    assert_eq!(linked.json()["episode_id"], case.episode.as_str());
    app.post(&link)
        .token(&lcss)
        .json(&body)
        .await
        .assert_problem(409, "conflict");
    let chronology = app
        .get(&format!("/api/v1/families/{}/chronology", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    let entry = chronology["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["kind"] == "consultation.linked")
        .expect("a consultation.linked entry");
    assert_eq!(entry["entity_id"], id.as_str());
    // The consultation itself never names the family.
    let nnc = app
        .get(&format!("/api/v1/no-names-consultations/{id}"))
        .token(&lcss)
        .send()
        .await
        .text();
    for identifying in [
        case.family.as_str(),
        case.episode.as_str(),
        "family_id",
        "episode_id",
    ] {
        assert!(!nnc.contains(identifying), "{identifying} in {nnc}");
    }
}

#[actix_web::test]
async fn an_advice_consultation_is_on_the_familys_record_for_whoever_reads_it() {
    let app = TestApp::spawn().await;
    let lcss = app.token("lcss_worker").await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Advised").await;
    let path = format!("/api/v1/families/{}/consultations", case.family);
    let mut body = consultation(&app);
    // Identified by design: the family knows, so its details may be in the advice.
    body["advice"] = json!("Visit at the OX16 5AU address with school; seek consent for an EHA.");

    app.post(&path)
        .token(&lead)
        .json(&body)
        .await
        .assert_problem(403, "forbidden");
    let elsewhere = app.token("lcss_worker2").await;
    app.post(&path)
        .token(&elsewhere)
        .json(&body)
        .await
        .assert_problem(404, "not_found");
    let mut misplaced = body.clone();
    misplaced["locality_id"] = json!(app.directory.north);
    app.post(&path)
        .token(&lcss)
        .json(&misplaced)
        .await
        .assert_problem(422, "validation_failed");
    let recorded = app.post(&path).token(&lcss).json(&body).await;
    recorded.assert_status(201);
    let recorded = recorded.json();
    assert_eq!(recorded["family_id"], case.family.as_str());
    assert_eq!(
        recorded["locality_id"],
        app.directory.north.to_string().as_str()
    );

    let listed = app.get(&path).token(&lead).send().await;
    listed.assert_status(200);
    assert_eq!(listed.json()["items"][0]["id"], recorded["id"]);
    let other = app.token("practitioner2").await;
    app.get(&path)
        .token(&other)
        .send()
        .await
        .assert_problem(404, "not_found");
    let chronology = app
        .get(&format!("/api/v1/families/{}/chronology", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    assert!(chronology["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(
            |entry| entry["kind"] == "consultation.advice" && entry["entity_id"] == recorded["id"]
        ));
}
