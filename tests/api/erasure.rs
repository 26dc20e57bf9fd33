//! Erasure: an administrator erases a family recorded in error, unseen, leaving a tombstone;
//! the append-only records are erased too, and nothing under a legal hold is touched.

use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use diesel::RunQueryDsl;
use serde_json::json;

const REASON: &str = "Recorded twice by mistake; the other record is the family's";

#[actix_web::test]
async fn an_admin_erases_a_family_recorded_in_error_leaving_only_its_skeleton_and_tombstone() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Twice").await;
    let form = id_of(&app.start_form(&lead, &case.episode).await);
    app.submit(&lead, &form).send().await.assert_status(200);
    let plan = app.taf_with_plan(&lead, &case.episode).await;
    let admin = app.token("admin").await;
    let path = format!("/api/v1/families/{}/erasure", case.family);

    app.post(&path)
        .token(&lead)
        .json(&json!({ "reason": REASON }))
        .await
        .assert_problem(403, "forbidden");
    app.post(&path)
        .token(&admin)
        .json(&json!({ "reason": "mistake" }))
        .await
        .assert_problem(422, "validation_failed");
    app.post("/api/v1/families/0190a2b4-0000-7000-8000-000000000000/erasure")
        .token(&admin)
        .json(&json!({ "reason": REASON }))
        .await
        .assert_problem(404, "not_found");

    let erased = app
        .post(&path)
        .token(&admin)
        .json(&json!({ "reason": REASON }))
        .await;
    erased.assert_status(200);
    let tombstone = erased.json();
    assert_eq!(tombstone["record_type"], "family");
    assert_eq!(tombstone["record_id"], case.family.as_str());
    assert_eq!(tombstone["reason"], "created_in_error");
    assert_eq!(tombstone["note"], REASON);
    assert_eq!(tombstone["erased_by"], app.persona("admin").id.to_string());
    assert!(tombstone["reference"].as_str().unwrap().starts_with("FAM-"));
    // The admin's answer names no one.
    assert!(!erased.text().contains("Demo-Twice"));

    // The skeleton stays, the content is gone: names, forms, minutes, actions.
    let child = app
        .get(&format!("/api/v1/people/{}", case.child))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(child["given_name"], "[erased]");
    assert_eq!(child["family_name"], "[erased]");
    assert_eq!(child["date_of_birth"], "2016-01-01");
    let revisions = app.revisions(&lead, &form).await;
    assert_eq!(revisions["items"][0]["content"], json!({}));
    let minutes = app
        .get(&format!("/api/v1/meetings/{}", plan.meeting))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(minutes["minutes"], json!({}));
    assert_eq!(minutes["state"], "finalised");
    let family = app
        .get(&format!("/api/v1/families/{}", case.family))
        .token(&lead)
        .send()
        .await;
    assert!(!family.text().contains("Demo-Twice"), "{}", family.text());

    app.post(&path)
        .token(&admin)
        .json(&json!({ "reason": REASON }))
        .await
        .assert_problem(409, "already_erased");
    assert!(app
        .audit_rows()
        .iter()
        .any(|row| row.action == "record.erase"
            && row.actor == Some(app.persona("admin").id)
            && row.entity.map(|id| id.to_string()) == Some(case.family.clone())));
}

#[actix_web::test]
async fn a_family_under_a_legal_hold_is_never_erased() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Held").await;
    diesel::sql_query(format!(
        "UPDATE families SET legal_hold_at = now(), legal_hold_reason = 'Court proceedings' \
         WHERE id = '{}'",
        case.family
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    app.post(&format!("/api/v1/families/{}/erasure", case.family))
        .token(&app.token("admin").await)
        .json(&json!({ "reason": REASON }))
        .await
        .assert_problem(409, "legal_hold");
    // Nor by the database function, whoever calls it.
    let error = diesel::sql_query(format!(
        "SELECT erase_family('{}', 'created_in_error', NULL, NULL, 'Recorded in error twice', NULL)",
        case.family
    ))
    .execute(&mut app.db.connect())
    .unwrap_err();
    assert!(error.to_string().contains("legal hold"), "{error}");
    let child = app
        .get(&format!("/api/v1/people/{}", case.child))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(child["family_name"], "Demo-Held");
}
