//! The audit trail is append-only and written with the change it describes.

use crate::helpers::{test_db, TestApp};
use diesel::prelude::*;
use serde_json::json;

#[actix_web::test]
async fn the_audit_trail_refuses_update_delete_and_truncate() {
    let app = TestApp::spawn().await;
    app.token("admin").await;
    let mut conn = app.db.connect();
    let before = app.audit_rows().len();
    assert!(before > 0);
    for statement in [
        "UPDATE audit_events SET outcome = 'denied'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "TRUNCATE audit_events, audit_seals",
    ] {
        let error = diesel::sql_query(statement)
            .execute(&mut conn)
            .expect_err(statement);
        // A plain TRUNCATE meets the seals' foreign key before the trigger.
        assert!(
            error.to_string().contains("append-only")
                || error.to_string().contains("referenced in a foreign key"),
            "{statement}: {error}"
        );
    }
    assert_eq!(app.audit_rows().len(), before);
}

#[actix_web::test]
async fn each_directory_change_is_audited_with_its_actor() {
    let app = TestApp::spawn().await;
    let admin_id = app.persona("admin").id;
    let admin = app.token("admin").await;
    let created = app
        .post("/api/v1/admin/organisations")
        .token(&admin)
        .json(&json!({ "name": "Westbrook Surgery", "kind": "gp_practice" }))
        .await
        .json();
    let id: uuid::Uuid = created["id"].as_str().unwrap().parse().unwrap();
    let rows = app.audit_rows();
    let entry = rows
        .iter()
        .find(|row| row.action == "organisation.create" && row.entity == Some(id))
        .expect("audited");
    assert_eq!(
        (entry.outcome.as_str(), entry.actor, entry.entity),
        ("success", Some(admin_id), Some(id))
    );

    app.get(&format!("/api/v1/admin/organisations/{id}"))
        .token(&admin)
        .send()
        .await
        .assert_status(200);
    assert!(app
        .audit_rows()
        .iter()
        .any(|row| row.action == "organisation.read" && row.entity == Some(id)));
}

#[actix_web::test]
async fn a_refused_change_leaves_no_audit_entry_behind() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let before = app.audit_rows().len();
    app.post("/api/v1/admin/organisations")
        .token(&admin)
        .json(&json!({ "name": "LCSS North", "kind": "lcss" }))
        .await
        .assert_problem(409, "conflict");
    assert_eq!(
        app.audit_rows().len(),
        before,
        "the failed insert and its entry rolled back together"
    );
}

#[test]
fn migrations_revert_and_reapply_cleanly() {
    let db = test_db();
    let mut conn = db.connect();
    let reverted = earlyhelp_persistence::migrations::revert_all(&mut conn).expect("revert");
    assert!(reverted >= 1);
    assert!(!earlyhelp_persistence::migrations::pending(&mut conn)
        .unwrap()
        .is_empty());
    let applied = earlyhelp_persistence::migrations::run_pending(&mut conn).expect("reapply");
    assert_eq!(applied.len(), reverted);
    assert!(earlyhelp_persistence::migrations::pending(&mut conn)
        .unwrap()
        .is_empty());
}

/// The `detail` of every entry with this action, oldest first.
fn details_of(app: &TestApp, wanted: &str) -> Vec<serde_json::Value> {
    use earlyhelp_persistence::schema::audit_events::dsl::*;
    audit_events
        .filter(action.eq(wanted))
        .order((occurred_at, id))
        .select(detail)
        .load(&mut app.db.connect())
        .expect("audit details")
}

#[actix_web::test]
async fn a_refused_attempt_on_an_existing_case_record_is_audited_as_denied() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Quarrybank").await;
    let form = crate::case_helpers::id_of(&app.start_form(&lead, &case.episode).await);
    let family: uuid::Uuid = case.family.parse().unwrap();

    // Outside the actor's scope: 404, and the trail records who tried.
    let stranger = app.token("practitioner2").await;
    app.get(&format!("/api/v1/families/{family}"))
        .token(&stranger)
        .send()
        .await
        .assert_problem(404, "not_found");
    // Visible, but not theirs to complete: 403, recorded too.
    let worker = app.token("lcss_worker").await;
    app.patch(&format!("/api/v1/assessments/{form}"))
        .token(&worker)
        .header("if-match", "\"1\"")
        .json(&json!({ "content": {} }))
        .await
        .assert_problem(403, "forbidden");
    // A record that does not exist is nobody's: nothing to record.
    app.get(&format!("/api/v1/families/{}", uuid::Uuid::now_v7()))
        .token(&stranger)
        .send()
        .await
        .assert_problem(404, "not_found");

    let denied: Vec<_> = app
        .audit_rows()
        .into_iter()
        .filter(|row| row.outcome == "denied")
        .collect();
    assert_eq!(
        denied.len(),
        2,
        "one entry per refusal of an existing record"
    );
    for (row, who) in denied.iter().zip(["practitioner2", "lcss_worker"]) {
        assert_eq!(row.action, "case.access_denied");
        assert_eq!(row.entity, Some(family));
        assert_eq!(row.actor, Some(app.persona(who).id));
    }
    let details = details_of(&app, "case.access_denied");
    assert_eq!(
        details[0],
        json!({ "permission": "ReadCase", "status": 404 })
    );
    assert_eq!(
        details[1],
        json!({ "permission": "CompleteAssessment", "status": 403 })
    );
}

#[actix_web::test]
async fn a_possible_duplicate_answer_records_whose_records_it_showed() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let body = crate::case_helpers::family_body("Demo-Whitlow", "2015-02-14", None);
    let first = app.create_family(&lead, &body).await;
    first.assert_status(201);
    let first = first.json();
    let again = app
        .create_family(&lead, &body)
        .await
        .assert_problem(409, "possible_duplicate");
    let shown: Vec<&str> = again["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person_id"].as_str().unwrap())
        .collect();
    assert!(!shown.is_empty());
    let checks = details_of(&app, "family.duplicate_check");
    assert_eq!(
        checks.len(),
        1,
        "the check that showed records is on the trail"
    );
    let recorded: Vec<&str> = checks[0]["shown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            assert_eq!(entry["family_id"], first["id"]);
            entry["person_id"].as_str().unwrap()
        })
        .collect();
    assert_eq!(recorded, shown);
    let row = app
        .audit_rows()
        .into_iter()
        .find(|row| row.action == "family.duplicate_check")
        .unwrap();
    assert_eq!(row.actor, Some(app.persona("practitioner").id));
}

#[actix_web::test]
async fn list_reads_record_the_families_each_page_showed() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Listerby").await;
    let form = crate::case_helpers::id_of(&app.start_form(&lead, &case.episode).await);
    app.submit(&lead, &form).send().await.assert_status(200);
    app.get("/api/v1/episodes")
        .token(&lead)
        .send()
        .await
        .assert_status(200);
    let worker = app.token("lcss_worker").await;
    app.get("/api/v1/reviews")
        .token(&worker)
        .send()
        .await
        .assert_status(200);
    let shown = json!({ "family_ids": [case.family] });
    assert_eq!(
        details_of(&app, "episode.list"),
        std::slice::from_ref(&shown)
    );
    assert_eq!(details_of(&app, "review.list"), [shown]);
}
