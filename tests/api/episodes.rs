//! Episodes: a transfer to a new lead, closing, and threshold changes with their history.

use crate::helpers::TestApp;
use serde_json::json;

#[actix_web::test]
async fn an_episode_transfers_to_a_new_lead_who_accepts_it() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Foxley").await;
    let new_lead = app.persona("lcss_worker").id;
    let proposed = app
        .post(&format!("/api/v1/episodes/{}/transfer", case.episode))
        .token(&lead)
        .json(&json!({ "to_user_id": new_lead }))
        .await;
    proposed.assert_status(200);
    assert_eq!(
        proposed.json()["pending_transfer"]["to_user_id"],
        new_lead.to_string()
    );
    // Only the proposed lead can accept.
    let accept = format!("/api/v1/episodes/{}/transfer/accept", case.episode);
    app.post(&accept)
        .token(&lead)
        .send()
        .await
        .assert_problem(409, "no_transfer_for_you");
    let worker = app.token("lcss_worker").await;
    let accepted = app.post(&accept).token(&worker).send().await;
    accepted.assert_status(200);
    let accepted = accepted.json();
    assert_eq!(accepted["lead_professional_id"], new_lead.to_string());
    assert_eq!(
        accepted["transfers"][0]["from_user_id"],
        app.persona("practitioner").id.to_string()
    );
    assert!(accepted["pending_transfer"].is_null());
    // The former lead no longer sees the family.
    app.get(&format!("/api/v1/families/{}", case.family))
        .token(&lead)
        .send()
        .await
        .assert_problem(404, "not_found");

    // Closing: "other" needs a note; a closed episode takes no more changes.
    let close = format!("/api/v1/episodes/{}/close", case.episode);
    app.post(&close)
        .token(&worker)
        .json(&json!({ "reason": "other" }))
        .await
        .assert_problem(422, "validation_failed");
    app.post(&close)
        .token(&worker)
        .json(&json!({ "reason": "outcomes_met" }))
        .await
        .assert_status(200);
    app.post(&close)
        .token(&worker)
        .json(&json!({ "reason": "outcomes_met" }))
        .await
        .assert_problem(409, "episode_closed");
    app.post(&format!("/api/v1/episodes/{}/threshold", case.episode))
        .token(&worker)
        .json(&json!({ "level": 3, "rationale": "Escalating" }))
        .await
        .assert_problem(409, "episode_closed");
}

#[actix_web::test]
async fn threshold_changes_keep_their_history() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Garth").await;
    let threshold = format!("/api/v1/episodes/{}/threshold", case.episode);
    let changed = app
        .post(&threshold)
        .token(&lead)
        .json(&json!({ "level": 3, "rationale": "New concerns about school refusal" }))
        .await;
    changed.assert_status(200);
    let changed = changed.json();
    assert_eq!(changed["threshold_level"], 3);
    let levels: Vec<i64> = changed["threshold_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["level"].as_i64().unwrap())
        .collect();
    assert_eq!(levels, [2, 3]);
    // Level 4 is statutory: the MASH's, not Early Help's.
    app.post(&threshold)
        .token(&lead)
        .json(&json!({ "level": 4, "rationale": "Serious harm" }))
        .await
        .assert_problem(422, "statutory_threshold");
}
