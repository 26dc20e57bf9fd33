//! Access outside the normal scope ("break glass"): asked for with a reason, read only, seen
//! by the family's lead professional and LCSS manager, ended early or by itself.

use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use diesel::RunQueryDsl;
use serde_json::{json, Value};

const REASON: &str = "Covering the North LCSS duty desk while the team is at training";

impl TestApp {
    async fn ask_access(
        &self,
        token: &str,
        family: &str,
        reason: &str,
    ) -> earlyhelp_tests::http::Reply {
        self.post(&format!("/api/v1/families/{family}/access-requests"))
            .token(token)
            .json(&json!({ "reason": reason }))
            .await
    }

    async fn family_status(&self, token: &str, family: &str) -> u16 {
        self.get(&format!("/api/v1/families/{family}"))
            .token(token)
            .send()
            .await
            .status
    }

    async fn work_ids(&self, token: &str, kind: &str) -> Vec<String> {
        self.get("/api/v1/me/work").token(token).send().await.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["kind"] == kind)
            .map(|item| item["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[actix_web::test]
async fn a_worker_from_another_locality_reads_a_family_for_a_day_and_the_locality_sees_it() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Glass").await;
    let south = app.token("lcss_worker2").await;
    assert_eq!(app.family_status(&south, &case.family).await, 404);

    // The reason is checked: long enough, and naming no one.
    let short = app.ask_access(&south, &case.family, "need it").await;
    assert_eq!(
        short.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "reason"
    );
    app.ask_access(
        &south,
        &case.family,
        "Checking on the child born 12/03/2015 today",
    )
    .await
    .assert_problem(422, "validation_failed");

    let granted = app.ask_access(&south, &case.family, REASON).await;
    granted.assert_status(201);
    let request: Value = granted.json();
    let id = id_of(&request);
    assert_eq!(
        granted.header("location").unwrap(),
        format!("/api/v1/access-requests/{id}")
    );
    let hours = (chrono::DateTime::parse_from_rfc3339(request["expires_at"].as_str().unwrap())
        .unwrap()
        - chrono::DateTime::parse_from_rfc3339(request["granted_at"].as_str().unwrap()).unwrap())
    .num_minutes();
    assert_eq!(hours, 24 * 60);
    assert_eq!(request["live"], true);

    // Read only, and only this family.
    assert_eq!(app.family_status(&south, &case.family).await, 200);
    app.get(&format!("/api/v1/episodes/{}", case.episode))
        .token(&south)
        .send()
        .await
        .assert_status(200);
    app.patch(&format!("/api/v1/families/{}", case.family))
        .token(&south)
        .json(&json!({ "postcode": "OX16 5AU" }))
        .await
        .assert_problem(403, "forbidden");
    app.ask_access(&south, &case.family, REASON)
        .await
        .assert_problem(409, "already_in_scope");

    // The lead and the locality's LCSS manager see it, with its reason.
    assert_eq!(
        app.work_ids(&lead, "access_granted").await,
        std::slice::from_ref(&id)
    );
    let manager = app.token("lcss_manager").await;
    assert_eq!(
        app.work_ids(&manager, "access_granted").await,
        std::slice::from_ref(&id)
    );
    let listed = app
        .get(&format!("/api/v1/families/{}/access-requests", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(listed["items"][0]["reason"], REASON);
    assert_eq!(
        listed["items"][0]["user_id"],
        app.persona("lcss_worker2").id.to_string()
    );
    // The trail holds it as an entry about the family, with its reason: in the child's access log.
    let log = app
        .get(&format!("/api/v1/people/{}/access-log", case.child))
        .token(&app.token("auditor").await)
        .send()
        .await
        .json();
    let entry = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "family.access_request")
        .cloned()
        .expect("the request in the child's access log");
    assert_eq!(entry["detail"]["reason"], REASON);
    assert_eq!(
        entry["actor_id"],
        app.persona("lcss_worker2").id.to_string()
    );

    // The lead may not end it; the LCSS manager does, and the access stops at once.
    let end = format!("/api/v1/access-requests/{id}/end");
    app.post(&end)
        .token(&lead)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let ended = app.post(&end).token(&manager).send().await;
    ended.assert_status(200);
    assert_eq!(ended.json()["live"], false);
    assert_eq!(
        ended.json()["ended_by"],
        app.persona("lcss_manager").id.to_string()
    );
    assert_eq!(app.family_status(&south, &case.family).await, 404);
    app.post(&end)
        .token(&manager)
        .send()
        .await
        .assert_problem(409, "access_ended");
    assert!(app.work_ids(&lead, "access_granted").await.is_empty());
}

#[actix_web::test]
async fn access_ends_by_itself_and_its_holder_can_end_it_sooner() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Expiring").await;
    let social_care = app.token("social_care").await;
    assert_eq!(app.family_status(&social_care, &case.family).await, 404);
    let first = app.ask_access(&social_care, &case.family, REASON).await;
    first.assert_status(201);
    assert_eq!(app.family_status(&social_care, &case.family).await, 200);

    // A day later it has ended by itself.
    diesel::sql_query(format!(
        "UPDATE access_requests SET granted_at = now() - interval '2 days', \
         expires_at = now() - interval '1 day' WHERE id = '{}'",
        id_of(&first.json())
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    assert_eq!(app.family_status(&social_care, &case.family).await, 404);
    assert!(app.work_ids(&lead, "access_granted").await.is_empty());

    // Asked again, and ended by its holder when done.
    let second = app.ask_access(&social_care, &case.family, REASON).await;
    second.assert_status(201);
    app.post(&format!(
        "/api/v1/access-requests/{}/end",
        id_of(&second.json())
    ))
    .token(&social_care)
    .send()
    .await
    .assert_status(200);
    assert_eq!(app.family_status(&social_care, &case.family).await, 404);
    let history = app
        .get(&format!("/api/v1/families/{}/access-requests", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(history["items"].as_array().unwrap().len(), 2);

    // Only those who work cases ask; a family that does not exist is not found.
    for role in ["admin", "auditor", "manager"] {
        app.ask_access(&app.token(role).await, &case.family, REASON)
            .await
            .assert_problem(403, "forbidden");
    }
    app.ask_access(&social_care, "0190a2b4-0000-7000-8000-000000000000", REASON)
        .await
        .assert_problem(404, "not_found");
}
