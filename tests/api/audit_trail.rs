//! Information governance reads the audit trail: by record, actor, action, outcome and period,
//! newest first and paginated, as JSON or CSV; and who accessed one person's record, across
//! everything that concerns them. Only the auditor may, and every query is itself audited.

use crate::helpers::{TestApp, PERSONAS};
use serde_json::Value;

fn entries(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

impl TestApp {
    async fn audit(&self, token: &str, query: &str) -> Value {
        let reply = self
            .get(&format!("/api/v1/audit{query}"))
            .token(token)
            .send()
            .await;
        reply.assert_status(200);
        reply.json()
    }
}

#[actix_web::test]
async fn the_auditor_finds_who_did_what_to_a_record_by_any_filter_and_page() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Audited").await;
    let family = &case.family;
    app.get(&format!("/api/v1/families/{family}"))
        .token(&lead)
        .send()
        .await
        .assert_status(200);
    // Someone outside the family's scope tries, and is refused (and audited as denied).
    let outsider = app.token("practitioner2").await;
    app.get(&format!("/api/v1/families/{family}"))
        .token(&outsider)
        .send()
        .await
        .assert_status(404);

    let auditor = app.token("auditor").await;
    let about = app
        .audit(&auditor, &format!("?entity_type=family&entity_id={family}"))
        .await;
    let actions: Vec<&str> = entries(&about)
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"family.read"), "{actions:?}");
    assert!(actions.contains(&"family.create"), "{actions:?}");
    // Newest first.
    let times: Vec<&str> = entries(&about)
        .iter()
        .map(|e| e["occurred_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);

    let denied = app
        .audit(&auditor, &format!("?entity_id={family}&outcome=denied"))
        .await;
    assert_eq!(entries(&denied).len(), 1);
    assert_eq!(
        entries(&denied)[0]["actor_id"],
        app.persona("practitioner2").id.to_string()
    );
    assert_eq!(entries(&denied)[0]["detail"]["status"], 404);

    let reads = app
        .audit(
            &auditor,
            &format!(
                "?actor_id={}&action=family.read",
                app.persona("practitioner").id
            ),
        )
        .await;
    assert!(entries(&reads)
        .iter()
        .all(|e| e["action"] == "family.read" && e["entity_id"] == family.as_str()));
    assert!(!entries(&reads).is_empty());

    // Pages of two, each newest first, none repeated, until the cursor runs out.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .audit(&auditor, &format!("?entity_id={family}&limit=2{cursor}"))
            .await;
        assert!(entries(&page).len() <= 2);
        seen.extend(entries(&page).iter().map(|e| e["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let all = app
        .audit(&auditor, &format!("?entity_id={family}&limit=100"))
        .await;
    let every: Vec<Value> = entries(&all).iter().map(|e| e["id"].clone()).collect();
    assert_eq!(seen, every);

    // A period before anything happened holds nothing.
    let before = app.audit(&auditor, "?from=2020-01-01&to=2020-12-31").await;
    assert!(entries(&before).is_empty());

    // The same as CSV, the next page's cursor in a header.
    let csv = app
        .get(&format!("/api/v1/audit?entity_id={family}&limit=2"))
        .token(&auditor)
        .header("accept", "text/csv")
        .send()
        .await;
    csv.assert_status(200);
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert!(csv.header("next-cursor").is_some());
    let text = csv.text();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,occurred_at,actor_id,action,entity_type,entity_id,outcome,request_id,client_address,detail"
    );
    assert_eq!(lines.len(), 3);

    // Each query is itself on the trail, with its filters.
    let queries = app.audit(&auditor, "?action=audit.query&limit=100").await;
    assert!(entries(&queries)
        .iter()
        .any(|e| e["detail"]["outcome"] == "denied" && e["detail"]["format"] == "json"));
    assert!(entries(&queries)
        .iter()
        .any(|e| e["detail"]["format"] == "csv"));
}

#[actix_web::test]
async fn a_bad_filter_is_a_field_error_and_only_the_auditor_may_query() {
    let app = TestApp::spawn().await;
    let auditor = app.token("auditor").await;
    for (query, field) in [
        ("?entity_type=planet", "entity_type"),
        ("?action=family.steal", "action"),
        ("?outcome=maybe", "outcome"),
        ("?from=2026-02-30", "from"),
        ("?from=2026-03-02&to=2026-03-01", "from"),
        ("?cursor=forged", "cursor"),
        ("?limit=0", "limit"),
    ] {
        let problem = app
            .get(&format!("/api/v1/audit{query}"))
            .token(&auditor)
            .send()
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
    }
    let someone = app.persona("practitioner").id;
    for persona in PERSONAS.iter().filter(|p| **p != "auditor") {
        let token = app.token(persona).await;
        app.get("/api/v1/audit")
            .token(&token)
            .send()
            .await
            .assert_problem(403, "forbidden");
        app.get(&format!("/api/v1/people/{someone}/access-log"))
            .token(&token)
            .send()
            .await
            .assert_problem(403, "forbidden");
    }
    // And the auditor reads no case: a family is not found to them.
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Sealed").await;
    app.get(&format!("/api/v1/families/{}", case.family))
        .token(&auditor)
        .send()
        .await
        .assert_status(404);
}

#[actix_web::test]
async fn a_persons_access_log_gathers_every_record_that_concerns_them() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Subject").await;
    let other = app.open_case(&lead, "Demo-Bystander").await;
    app.get(&format!("/api/v1/episodes/{}", case.episode))
        .token(&lead)
        .send()
        .await
        .assert_status(200);
    app.get(&format!("/api/v1/families/{}/chronology", case.family))
        .token(&lead)
        .send()
        .await
        .assert_status(200);
    let lcss = app.token("lcss_worker").await;
    app.get(&format!("/api/v1/families/{}", case.family))
        .token(&lcss)
        .send()
        .await
        .assert_status(200);
    app.get(&format!("/api/v1/families/{}", other.family))
        .token(&lcss)
        .send()
        .await
        .assert_status(200);

    let auditor = app.token("auditor").await;
    let path = format!("/api/v1/people/{}/access-log?limit=100", case.child);
    let log = app.get(&path).token(&auditor).send().await;
    log.assert_status(200);
    let log = log.json();
    let about: Vec<(&str, &str)> = entries(&log)
        .iter()
        .map(|e| {
            (
                e["entity_type"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
            )
        })
        .collect();
    for expected in [
        ("episode", "episode.read"),
        ("family", "chronology.read"),
        ("family", "family.read"),
        ("episode", "episode.open"),
    ] {
        assert!(about.contains(&expected), "{expected:?} in {about:?}");
    }
    let lcss_id = app.persona("lcss_worker").id.to_string();
    assert!(entries(&log)
        .iter()
        .any(|e| e["actor_id"] == lcss_id.as_str() && e["action"] == "family.read"));
    // Nothing about the other family.
    assert!(entries(&log).iter().all(
        |e| e["entity_id"] != other.family.as_str() && e["entity_id"] != other.episode.as_str()
    ));
    // The auditor's own look is on the person's log from then on.
    let again = app.get(&path).token(&auditor).send().await.json();
    assert_eq!(entries(&again)[0]["action"], "audit.access_log");
    assert_eq!(entries(&again)[0]["entity_id"], case.child.as_str());

    app.get(&format!(
        "/api/v1/people/{}/access-log",
        uuid::Uuid::now_v7()
    ))
    .token(&auditor)
    .send()
    .await
    .assert_problem(404, "not_found");
}
