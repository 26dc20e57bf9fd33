//! The work list: each role's items, linked to the records to act on, in due order, within
//! scope, page by page.

use crate::case_helpers::{complete_minutes, id_of};
use crate::helpers::TestApp;
use serde_json::{json, Value};

impl TestApp {
    /// Every item of `token`'s work list, following `next_cursor` `limit` at a time.
    async fn work(&self, token: &str, limit: u32) -> Vec<Value> {
        let mut items = Vec::new();
        let mut path = format!("/api/v1/me/work?limit={limit}");
        loop {
            let page = self.get(&path).token(token).send().await;
            page.assert_status(200);
            let page = page.json();
            items.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/me/work?limit={limit}&cursor={cursor}"),
                None => return items,
            }
        }
    }
}

fn kinds_for(items: &[Value], id: &str) -> Vec<String> {
    items
        .iter()
        .filter(|item| item["id"] == id)
        .map(|item| item["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn each_role_sees_what_needs_it_now_linked_in_due_order_and_page_by_page() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let lcss = app.token("lcss_worker").await;

    // A draft form, and a form submitted for review.
    let drafting = app.open_case(&lead, "Demo-Workday").await;
    let draft = id_of(&app.start_form(&lead, &drafting.episode).await);
    let submitting = app.open_case(&lead, "Demo-Worksop").await;
    let submitted = id_of(&app.start_form(&lead, &submitting.episode).await);
    let review = id_of(&app.submit(&lead, &submitted).send().await.json()["review"]);

    // A transfer proposed to practitioner2.
    let moving = app.open_case(&lead, "Demo-Moveby").await;
    app.post(&format!("/api/v1/episodes/{}/transfer", moving.episode))
        .token(&lead)
        .json(&json!({ "to_user_id": app.persona("practitioner2").id }))
        .await
        .assert_status(200);

    // A team whose October meeting set a November review, with an action now overdue, and a
    // later meeting held but not minuted.
    let teamed = app.open_case(&lead, "Demo-Teamwork").await;
    let plan = app.taf_with_plan(&lead, &teamed.episode).await;
    let late = app
        .post(&format!("/api/v1/tafs/{}/meetings", plan.taf))
        .token(&lead)
        .json(&json!({ "starts_at": "2026-10-01T10:00:00Z", "virtual": true }))
        .await
        .json();
    let late = id_of(&late);
    let mut minutes = complete_minutes(&plan.lead_member, "2026-10-15");
    minutes["next_review_on"] = json!("2026-11-12");
    app.patch(&format!("/api/v1/meetings/{late}"))
        .token(&lead)
        .header("if-match", "\"1\"")
        .json(&json!({ "minutes": minutes }))
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/meetings/{late}/finalise"))
        .token(&lead)
        .send()
        .await
        .assert_status(200);
    let held = app
        .post(&format!("/api/v1/tafs/{}/meetings", plan.taf))
        .token(&lead)
        .json(&json!({ "starts_at": "2026-11-30T10:00:00Z", "venue": "Family hub" }))
        .await
        .json();
    let held = id_of(&held);

    // A team whose episode closed before its outcomes were recorded.
    let ended = app.open_case(&lead, "Demo-Endwell").await;
    let ended_taf = app
        .post(&format!("/api/v1/episodes/{}/taf", ended.episode))
        .token(&lead)
        .send()
        .await
        .json();
    let ended_taf = id_of(&ended_taf);
    app.post(&format!("/api/v1/episodes/{}/close", ended.episode))
        .token(&lead)
        .json(&json!({ "reason": "outcomes_met" }))
        .await
        .assert_status(200);

    let mine = app.work(&lead, 3).await;
    assert_eq!(app.work(&lead, 100).await, mine, "pages join up");
    assert_eq!(kinds_for(&mine, &draft), vec!["assessment_draft"]);
    assert_eq!(
        mine.iter().find(|item| item["id"] == draft).unwrap()["link"],
        format!("/api/v1/assessments/{draft}")
    );
    assert_eq!(kinds_for(&mine, &plan.taf), vec!["taf_review_overdue"]);
    assert_eq!(kinds_for(&mine, &held), vec!["minutes_to_finalise"]);
    assert_eq!(kinds_for(&mine, &ended_taf), vec!["taf_to_close"]);
    assert!(kinds_for(&mine, &submitted).is_empty());
    let actions: Vec<&Value> = mine
        .iter()
        .filter(|item| item["kind"].as_str().unwrap().starts_with("action_"))
        .collect();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0]["kind"], "action_overdue");
    assert_eq!(actions[0]["overdue"], true);
    assert_eq!(actions[1]["kind"], "action_open");
    // Soonest due first, undated last.
    let dues: Vec<&str> = mine
        .iter()
        .map(|item| item["due_on"].as_str().unwrap_or("9999-12-31"))
        .collect();
    let mut sorted = dues.clone();
    sorted.sort_unstable();
    assert_eq!(dues, sorted);
    assert!(mine.iter().all(|item| item["family_reference"]
        .as_str()
        .unwrap()
        .starts_with("FAM-")));

    let other = app.token("practitioner2").await;
    let theirs = app.work(&other, 50).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["kind"], "transfer_to_accept");
    assert_eq!(
        theirs[0]["link"],
        format!("/api/v1/episodes/{}", moving.episode)
    );

    // LCSS: the unclaimed review, then assigned; the minutes waiting for acknowledgement.
    let queue = app.work(&lcss, 50).await;
    assert_eq!(kinds_for(&queue, &review), vec!["review_unassigned"]);
    assert_eq!(kinds_for(&queue, &plan.meeting), vec!["minutes_received"]);
    assert_eq!(kinds_for(&queue, &late), vec!["minutes_received"]);
    app.assign_review(&lcss, &review, &json!({}))
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/meetings/{late}/acknowledge"))
        .token(&lcss)
        .json(&json!({}))
        .await
        .assert_status(200);
    let queue = app.work(&lcss, 50).await;
    assert_eq!(kinds_for(&queue, &review), vec!["review_assigned"]);
    assert!(kinds_for(&queue, &late).is_empty());
    let manager = app.token("lcss_manager").await;
    assert!(kinds_for(&app.work(&manager, 50).await, &review).is_empty());

    for role in ["lcss_worker2", "social_care", "manager", "admin"] {
        let token = app.token(role).await;
        assert!(app.work(&token, 50).await.is_empty(), "{role}");
    }
    app.get("/api/v1/me/work?cursor=nonsense")
        .token(&lead)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let listed = app
        .audit_rows()
        .into_iter()
        .filter(|row| row.action == "work.list")
        .count();
    assert!(listed >= 10);
}
