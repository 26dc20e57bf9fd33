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
    ] {
        let error = diesel::sql_query(statement)
            .execute(&mut conn)
            .expect_err(statement);
        assert!(
            error.to_string().contains("append-only"),
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
