//! Every error is RFC 9457 problem+json, and bad input loses nothing.

use crate::helpers::TestApp;
use awc::http::Method;
use serde_json::json;

#[actix_web::test]
async fn an_unknown_route_is_404_problem() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/nothing-here")
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_wrong_method_is_405_problem_with_allow() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::DELETE, "/api/v1/admin/users")
        .send()
        .await;
    response.assert_problem(405, "method_not_allowed");
    assert_eq!(response.header("allow").as_deref(), Some("GET, HEAD, POST"));
}

#[actix_web::test]
async fn a_body_over_one_mebibyte_is_413_problem() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    let huge = format!("{{\"name\":\"{}\"}}", "x".repeat(1024 * 1024 + 10));
    app.post("/api/v1/admin/localities")
        .token(&token)
        .raw("application/json", huge)
        .await
        .assert_problem(413, "payload_too_large");
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_415_problem() {
    let app = TestApp::spawn().await;
    app.post("/api/v1/auth/login")
        .raw("text/plain", "email=a")
        .await
        .assert_problem(415, "unsupported_media_type");
    app.post("/api/v1/auth/login")
        .send()
        .await
        .assert_problem(415, "unsupported_media_type");
}

#[actix_web::test]
async fn malformed_json_is_400_problem_with_its_position() {
    let app = TestApp::spawn().await;
    let body = app
        .post("/api/v1/auth/login")
        .raw(
            "application/json",
            "{\n  \"email\": \"a@b.org\",\n  \"password\": }",
        )
        .await
        .assert_problem(400, "malformed_json");
    assert_eq!(body["line"], 3);
    assert_eq!(body["column"], 15);
    assert!(body["detail"].as_str().unwrap().contains("line 3"));
}

#[actix_web::test]
async fn unknown_fields_and_wrong_types_are_422_with_the_field_path() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    let unknown = app
        .post("/api/v1/auth/login")
        .json(&json!({ "email": "a@b.org", "password": "x", "remember_me": true }))
        .await;
    let body = unknown.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "remember_me");

    let typed = app
        .request(
            Method::PUT,
            &format!("/api/v1/admin/users/{}/roles", app.persona("manager").id),
        )
        .token(&token)
        .json(&json!({ "roles": ["manager", 7] }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(typed["errors"][0]["field"], "roles[1]");
}

#[actix_web::test]
async fn no_error_carries_sql_or_internal_detail() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    let responses = vec![
        app.post("/api/v1/admin/organisations").token(&token).json(&json!({ "name": "LCSS North", "kind": "lcss" })).await,
        app.post("/api/v1/admin/organisations").token(&token).json(&json!({ "name": "Elsewhere", "kind": "lcss", "locality_id": uuid::Uuid::now_v7() })).await,
        app.get("/api/v1/admin/users/00000000-0000-0000-0000-000000000000").token(&token).send().await,
    ];
    for response in responses {
        let text = response.text().to_lowercase();
        for leak in [
            "constraint",
            "violates",
            "sql",
            "diesel",
            "pg_",
            "fkey",
            "panicked",
            "backtrace",
        ] {
            assert!(!text.contains(leak), "{leak} leaked: {text}");
        }
    }
}

#[actix_web::test]
async fn input_the_database_cannot_store_is_refused_with_422_not_500() {
    use crate::case_helpers::{all_ratings, id_of};
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Kestrel").await;

    // NUL cannot be stored in PostgreSQL text: refused wherever it appears.
    let nul = app.post(&format!("/api/v1/families/{}/members", case.family)).token(&lead).raw("application/json", r#"{"kind":"child","given_name":"A\u0000","family_name":"B","date_of_birth":"2019-01-01","sex":"F"}"#).await;
    nul.assert_problem(422, "validation_failed");
    // A consent dated before any real one is refused, not passed to the database.
    let ancient = app
        .post(&format!("/api/v1/families/{}/consents", case.family))
        .token(&lead)
        .json(&json!({ "given_by_person_id": case.adult, "for_assessment": true, "method": "written", "given_on": "0001-01-01" }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(ancient["errors"][0]["field"], "given_on");
    // A setting that does not exist is blamed on the right field; so is a wrong type.
    let missing = app
        .post(&format!("/api/v1/families/{}/members", case.family))
        .token(&lead)
        .json(&json!({ "kind": "child", "given_name": "Ana", "family_name": "Demo-Kestrel", "date_of_birth": "2019-01-01", "sex": "F", "setting_organisation_id": uuid::Uuid::now_v7(), "confirm_new": true }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(missing["errors"][0]["field"], "setting_organisation_id");
    let typed = app
        .post(&format!("/api/v1/families/{}/members", case.family))
        .token(&lead)
        .json(&json!({ "kind": "child", "given_name": "Ana", "family_name": "Demo-Kestrel", "date_of_birth": "2019-01-01", "sex": "F", "disabilities": null }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(typed["errors"][0]["field"], "disabilities");

    // A reused Idempotency-Key on another form is refused before anything is recorded.
    let form = id_of(&app.start_form(&lead, &case.episode).await);
    let submitted = app
        .submit(&lead, &form)
        .header("idempotency-key", "k-1")
        .send()
        .await
        .json();
    let other = app
        .open_case(&app.token("practitioner").await, "Demo-Lapwing")
        .await;
    let second = id_of(&app.start_form(&lead, &other.episode).await);
    app.submit(&lead, &second)
        .header("idempotency-key", "k-1")
        .send()
        .await
        .assert_problem(422, "idempotency_key_reused");

    // Review free text with a control character is a field error.
    let review = id_of(&submitted["review"]);
    let lcss = app.token("lcss_worker").await;
    app.assign_review(&lcss, &review, &json!({}))
        .await
        .assert_status(200);
    let bell = app
        .decide_review(
            &lcss,
            &review,
            &json!({ "decision": "return", "ratings": all_ratings("met"), "feedback": "Please add\u{7} detail" }),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(bell["errors"][0]["field"], "feedback");
}

#[actix_web::test]
async fn a_key_written_twice_anywhere_in_a_body_is_refused_at_its_path() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Twicefield").await;
    let form = crate::case_helpers::id_of(
        &app.post(&format!("/api/v1/episodes/{}/assessments", case.episode))
            .token(&lead)
            .json(&serde_json::json!({}))
            .await
            .json(),
    );
    let body = r#"{"content": {"reason": {"reason_for_assessment": "Kept?", "reason_for_assessment": "Or this?"}}}"#;
    let refused = app
        .request(Method::PATCH, &format!("/api/v1/assessments/{form}"))
        .token(&lead)
        .header("if-match", "\"1\"")
        .raw("application/json", body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        refused["errors"][0]["field"],
        "content.reason.reason_for_assessment"
    );
    let stored = app
        .get(&format!("/api/v1/assessments/{form}"))
        .token(&lead)
        .send()
        .await;
    assert_eq!(
        stored.header("etag").as_deref(),
        Some("\"1\""),
        "nothing saved"
    );
    // At the top level too, with the same answer.
    let refused = app
        .request(Method::POST, "/api/v1/auth/login")
        .raw(
            "application/json",
            r#"{"email": "a@example.org", "email": "b@example.org", "password": "x"}"#,
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "email");
}

/// Dates are RFC 3339 full-dates, `YYYY-MM-DD` and nothing else: chrono alone would read
/// `2026-1-1` too, so one day could be sent in several spellings.
#[actix_web::test]
async fn a_date_not_written_yyyy_mm_dd_is_422_at_its_field_path() {
    use crate::case_helpers::{family_body, id_of};
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Plover").await;
    let members = format!("/api/v1/families/{}/members", case.family);
    let consents = format!("/api/v1/families/{}/consents", case.family);
    let person = format!("/api/v1/people/{}", case.child);
    let refused = |reply: earlyhelp_tests::http::Reply, field: &str, spelling: &str| {
        let problem = reply.assert_problem(422, "validation_failed");
        assert_eq!(
            problem["errors"][0]["field"], field,
            "{spelling}: {problem}"
        );
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("YYYY-MM-DD"), "{spelling}: {message}");
    };
    for spelling in ["2026-1-1", "2026-01-1", "20260101", "+2026-01-01"] {
        let mut family = family_body("Demo-Plover", spelling, None);
        family["confirm_new"] = json!(true);
        refused(
            app.create_family(&lead, &family).await,
            "members[1].date_of_birth",
            spelling,
        );
        let member = json!({ "kind": "child", "given_name": "Kit", "family_name": "Demo-Plover", "date_of_birth": spelling, "sex": "F", "confirm_new": true });
        refused(
            app.post(&members).token(&lead).json(&member).await,
            "date_of_birth",
            spelling,
        );
        let unborn = json!({ "kind": "child", "given_name": "Baby", "family_name": "Demo-Plover", "expected_date_of_birth": spelling, "sex": "U", "confirm_new": true });
        refused(
            app.post(&members).token(&lead).json(&unborn).await,
            "expected_date_of_birth",
            spelling,
        );
        let consent = json!({ "given_by_person_id": case.adult, "for_assessment": false, "method": "written", "given_on": spelling });
        refused(
            app.post(&consents).token(&lead).json(&consent).await,
            "given_on",
            spelling,
        );
        for field in ["date_of_birth", "expected_date_of_birth"] {
            refused(
                app.patch(&person)
                    .token(&lead)
                    .json(&json!({ field: spelling }))
                    .await,
                field,
                spelling,
            );
        }
    }

    // The one spelling is accepted wherever a date goes.
    let member = json!({ "kind": "child", "given_name": "Kit", "family_name": "Demo-Plover", "date_of_birth": "2019-01-01", "sex": "F", "confirm_new": true });
    let added = app.post(&members).token(&lead).json(&member).await;
    added.assert_status(201);
    assert_eq!(added.json()["date_of_birth"], "2019-01-01");
    let consent = json!({ "given_by_person_id": case.adult, "for_assessment": false, "method": "written", "given_on": "2026-01-01" });
    let recorded = app.post(&consents).token(&lead).json(&consent).await;
    recorded.assert_status(201);
    assert_eq!(recorded.json()["given_on"], "2026-01-01");
    let patched = app
        .patch(&format!("/api/v1/people/{}", id_of(&added.json())))
        .token(&lead)
        .json(&json!({ "date_of_birth": "2019-01-02" }))
        .await;
    patched.assert_status(200);
    assert_eq!(patched.json()["date_of_birth"], "2019-01-02");
}
