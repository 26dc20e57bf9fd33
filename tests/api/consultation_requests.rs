//! A professional asks LCSS for a No Names Consultation and reads the answer; LCSS answers by
//! recording the consultation, and records when it followed one up.

use crate::case_helpers::{error_fields, id_of};
use crate::helpers::TestApp;
use chrono::{Duration, Utc};
use serde_json::{json, Value};

pub(crate) fn ask() -> Value {
    json!({
        "themes": ["behaviour", "send"],
        "threshold_view": 2,
        "question": "A pupil's behaviour has changed since the summer; how do we start the conversation?"
    })
}

impl TestApp {
    async fn work_kinds_of(&self, token: &str, id: &str) -> Vec<String> {
        let work = self.get("/api/v1/me/work").token(token).send().await;
        work.assert_status(200);
        work.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["id"] == id)
            .map(|item| {
                assert_eq!(item["family_id"], Value::Null, "no family: {item}");
                item["kind"].as_str().unwrap().to_owned()
            })
            .collect()
    }
}

#[actix_web::test]
async fn a_practitioner_asks_for_a_no_names_consultation_and_reads_lcss_answer() {
    let app = TestApp::spawn().await;
    let asking = app.token("practitioner").await;
    let lcss = app.token("lcss_worker").await;

    for role in ["social_care", "manager", "lcss_worker"] {
        let token = app.token(role).await;
        app.post("/api/v1/consultation-requests")
            .token(&token)
            .json(&ask())
            .await
            .assert_problem(403, "forbidden");
    }
    let mut identifying = ask();
    identifying["question"] = json!("Child at OX16 5AU, born 02/03/2016: what next?");
    let problem = app
        .post("/api/v1/consultation-requests")
        .token(&asking)
        .json(&identifying)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(error_fields(&problem), vec!["question", "question"]);
    let asked = app
        .post("/api/v1/consultation-requests")
        .token(&asking)
        .json(&ask())
        .await;
    asked.assert_status(201);
    let request = asked.json();
    let id = id_of(&request);
    assert_eq!(request["state"], "requested");
    assert_eq!(request["locality_id"], json!(app.directory.north));
    assert_eq!(request["consultation"], Value::Null);

    // LCSS of the locality sees it to answer; nobody else but the professional sees it.
    assert_eq!(
        app.work_kinds_of(&lcss, &id).await,
        vec!["consultation_requested"]
    );
    let open = app
        .get("/api/v1/consultation-requests?open=true")
        .token(&lcss)
        .send()
        .await
        .json();
    assert!(open["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == id.as_str()));
    let path = format!("/api/v1/consultation-requests/{id}");
    for role in ["lcss_worker2", "practitioner2", "social_care"] {
        let token = app.token(role).await;
        app.get(&path)
            .token(&token)
            .send()
            .await
            .assert_problem(404, "not_found");
    }

    // Another locality cannot answer it, nor can an advice consultation.
    let answer = json!({
        "request_id": id,
        "held_on": Utc::now().date_naive().to_string(),
        "themes": ["behaviour"],
        "threshold_view": 2,
        "advice": "Talk to the family about what has changed; offer an Early Help Assessment.",
        "outcome": "seek_consent"
    });
    let elsewhere = app.token("lcss_worker2").await;
    let problem = app
        .post("/api/v1/no-names-consultations")
        .token(&elsewhere)
        .json(&answer)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(error_fields(&problem), vec!["request_id"]);
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Asking").await;
    app.post(&format!("/api/v1/families/{}/consultations", case.family))
        .token(&lcss)
        .json(&answer)
        .await
        .assert_problem(422, "validation_failed");

    // LCSS answers: the consultation names the professional who asked.
    let answered = app
        .post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&answer)
        .await;
    answered.assert_status(201);
    let consultation = answered.json();
    assert_eq!(
        consultation["consulting_user_id"],
        json!(app.persona("practitioner").id)
    );
    app.post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&answer)
        .await
        .assert_problem(409, "consultation_state");
    let read = app.get(&path).token(&asking).send().await;
    read.assert_status(200);
    let read = read.json();
    assert_eq!(read["state"], "completed");
    assert_eq!(read["consultation"]["id"], consultation["id"]);
    assert_eq!(read["consultation"]["outcome"], "seek_consent");
    assert_eq!(
        app.work_kinds_of(&asking, &id).await,
        vec!["consultation_answered"]
    );
    assert!(app.work_kinds_of(&lcss, &id).await.is_empty());
    let audited: Vec<String> = app
        .audit_rows()
        .into_iter()
        .map(|row| row.action)
        .filter(|action| action.starts_with("consultation_request."))
        .collect();
    for action in [
        "consultation_request.create",
        "consultation_request.read",
        "consultation_request.list",
    ] {
        assert!(
            audited.iter().any(|a| a == action),
            "{action} in {audited:?}"
        );
    }
}

#[actix_web::test]
async fn a_follow_up_due_is_on_the_recorders_work_list_until_lcss_records_it() {
    let app = TestApp::spawn().await;
    let lcss = app.token("lcss_worker").await;
    let today = Utc::now().date_naive();
    let recorded = app
        .post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&json!({
            "held_on": today.to_string(),
            "consulting_name": "Sam Demo-Teacher",
            "consulting_organisation": "Banbury Primary School",
            "themes": ["attendance"],
            "threshold_view": 2,
            "advice": "Meet the family with the attendance lead; seek consent for an EHA.",
            "outcome": "seek_consent",
            "follow_up_on": (today + Duration::days(3)).to_string()
        }))
        .await;
    recorded.assert_status(201);
    let id = id_of(&recorded.json());
    assert_eq!(
        app.work_kinds_of(&lcss, &id).await,
        vec!["consultation_follow_up"]
    );
    let path = format!("/api/v1/no-names-consultations/{id}/follow-up");
    let elsewhere = app.token("lcss_worker2").await;
    app.post(&path)
        .token(&elsewhere)
        .json(&json!({}))
        .await
        .assert_problem(404, "not_found");
    let practitioner = app.token("practitioner").await;
    app.post(&path)
        .token(&practitioner)
        .json(&json!({}))
        .await
        .assert_problem(403, "forbidden");
    app.post(&path)
        .token(&lcss)
        .json(&json!({ "note": "Called back on 07700 900123." }))
        .await
        .assert_problem(422, "validation_failed");
    let followed = app
        .post(&path)
        .token(&lcss)
        .json(&json!({ "note": "The school has consent; an EHA has started." }))
        .await;
    followed.assert_status(200);
    let followed = followed.json();
    assert!(followed["followed_up_at"].is_string());
    assert_eq!(
        followed["followed_up_by"],
        json!(app.persona("lcss_worker").id)
    );
    app.post(&path)
        .token(&lcss)
        .json(&json!({}))
        .await
        .assert_problem(409, "consultation_state");
    assert!(app.work_kinds_of(&lcss, &id).await.is_empty());
}
