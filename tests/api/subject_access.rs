//! Subject access: the auditor exports everything held about a person as a ZIP of JSON
//! documents with a readable summary; every export is audited.

use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use serde_json::Value;
use std::io::Read;

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut files = std::collections::BTreeMap::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        files.insert(file.name().to_owned(), text);
    }
    files
}

#[actix_web::test]
async fn the_auditor_exports_everything_held_about_a_child_and_the_export_is_audited() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Export").await;
    let form = id_of(&app.start_form(&lead, &case.episode).await);
    app.submit(&lead, &form).send().await.assert_status(200);
    let plan = app.taf_with_plan(&lead, &case.episode).await;
    app.get(&format!("/api/v1/families/{}", case.family))
        .token(&app.token("lcss_worker").await)
        .send()
        .await
        .assert_status(200);

    let path = format!("/api/v1/people/{}/subject-access-export", case.child);
    app.get(&path)
        .token(&lead)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let auditor = app.token("auditor").await;
    app.get("/api/v1/people/0190a2b4-0000-7000-8000-000000000000/subject-access-export")
        .token(&auditor)
        .send()
        .await
        .assert_problem(404, "not_found");
    let reply = app.get(&path).token(&auditor).send().await;
    reply.assert_status(200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/zip")
    );
    assert!(reply
        .header("content-disposition")
        .unwrap()
        .contains(&format!("subject-access-{}.zip", case.child)));
    let files = unzip(&reply.body);
    let json = |name: &str| -> Vec<Value> {
        serde_json::from_str::<Value>(&files[name])
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    assert_eq!(json("person.json")[0]["id"], case.child.as_str());
    assert_eq!(json("person.json")[0]["family_name"], "Demo-Export");
    assert_eq!(json("family.json")[0]["id"], case.family.as_str());
    assert_eq!(json("episodes.json")[0]["id"], case.episode.as_str());
    assert_eq!(json("snf_revisions.json").len(), 1);
    assert!(json("snf_revisions.json")[0]["content"].is_object());
    assert_eq!(json("taf_minutes.json")[0]["id"], plan.meeting.as_str());
    assert_eq!(json("taf_actions.json")[0]["id"], plan.action.as_str());
    assert!(!json("consents.json").is_empty());
    assert!(!json("chronology.json").is_empty());
    // Another household member's own record is theirs, not the child's.
    assert!(!files["person.json"].contains(&case.adult));
    // Who accessed the record: the LCSS worker's read is there.
    let log = json("access-log.json");
    assert!(log.iter().any(|entry| entry["action"] == "family.read"
        && entry["actor_id"] == app.persona("lcss_worker").id.to_string()));
    let summary = &files["summary.html"];
    assert!(summary.starts_with("<!DOCTYPE html>"));
    assert!(summary.contains("Demo-Export"));
    assert!(summary.contains("snf_revisions.json</td><td>1</td>"));

    // The export itself is on the trail, as an entry about the child.
    assert!(app
        .audit_rows()
        .iter()
        .any(|row| row.action == "person.subject_access_export"
            && row.actor == Some(app.persona("auditor").id)
            && row.entity.map(|id| id.to_string()) == Some(case.child.clone())));
}

#[actix_web::test]
async fn correcting_a_person_keeps_what_their_record_said_and_who_changed_it() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Misspelt").await;
    let person = format!("/api/v1/people/{}", case.child);
    app.patch(&person)
        .token(&lead)
        .json(&serde_json::json!({ "family_name": "Demo-Corrected", "postcode": "OX16 5AU" }))
        .await
        .assert_status(200);
    app.patch(&person)
        .token(&lead)
        .json(&serde_json::json!({ "postcode": null }))
        .await
        .assert_status(200);
    let history = app
        .get(&format!("{person}/history"))
        .token(&lead)
        .send()
        .await;
    history.assert_status(200);
    let items = history.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    // Newest first: before the second correction, then as first recorded.
    assert_eq!(items[0]["previous"]["family_name"], "Demo-Corrected");
    assert_eq!(items[0]["previous"]["postcode"], "OX16 5AU");
    assert_eq!(items[1]["previous"]["family_name"], "Demo-Misspelt");
    assert_eq!(
        items[1]["recorded_by"],
        app.persona("practitioner").id.to_string()
    );
    assert!(items[1]["previous"].get("family_name_key").is_none());
    // Someone who may not read the family may not read its history either.
    app.get(&format!("{person}/history"))
        .token(&app.token("practitioner2").await)
        .send()
        .await
        .assert_problem(404, "not_found");
    // The subject access export holds the history too.
    let export = app
        .get(&format!("{person}/subject-access-export"))
        .token(&app.token("auditor").await)
        .send()
        .await;
    let files = unzip(&export.body);
    assert!(files["person_history.json"].contains("Demo-Misspelt"));
}
