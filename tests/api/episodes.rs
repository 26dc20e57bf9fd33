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

/// A family with consent and no episode yet, recorded by `token`'s user: (family, child).
async fn family_with_consent(app: &TestApp, token: &str, name: &str) -> (String, String) {
    let mut body = crate::case_helpers::family_body(name, "2017-03-09", None);
    body["confirm_new"] = json!(true);
    let family = app.create_family(token, &body).await;
    family.assert_status(201);
    let family = family.json();
    let (adult, child) = (
        crate::case_helpers::id_of(&family["members"][0]),
        crate::case_helpers::id_of(&family["members"][1]),
    );
    let family = crate::case_helpers::id_of(&family);
    app.consent(token, &family, &adult).await.assert_status(201);
    (family, child)
}

#[actix_web::test]
async fn a_practitioner_cannot_hand_a_family_to_someone_else_or_move_it_by_opening_an_episode() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let (family, child) = family_with_consent(&app, &lead, "Demo-Ashdown").await;
    let elsewhere = app.persona("practitioner2").id;
    let mut handover = crate::case_helpers::episode_body(&family, &child);
    handover["lead_professional_id"] = json!(elsewhere);
    let refused = app
        .open_episode(&lead, &handover)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "lead_professional_id");
    let mut moved = crate::case_helpers::episode_body(&family, &child);
    moved["locality_id"] = json!(app.directory.south);
    let refused = app
        .open_episode(&lead, &moved)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "locality_id");

    // Nothing moved: the family is still the lead's, in North, with no episode.
    let stored = app
        .get(&format!("/api/v1/families/{family}"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(
        stored["lead_professional_id"],
        app.persona("practitioner").id.to_string()
    );
    assert_eq!(stored["locality_id"], app.directory.north.to_string());
    let other = app.token("practitioner2").await;
    app.get(&format!("/api/v1/families/{family}"))
        .token(&other)
        .send()
        .await
        .assert_problem(404, "not_found");
    let episodes = app
        .get(&format!("/api/v1/episodes?family_id={family}"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(episodes["items"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn lcss_naming_a_lead_opens_the_episode_with_a_transfer_the_named_lead_must_accept() {
    let app = TestApp::spawn().await;
    let worker = app.token("lcss_worker").await;
    let (family, child) = family_with_consent(&app, &worker, "Demo-Brampton").await;
    let named = app.persona("practitioner").id;
    let mut body = crate::case_helpers::episode_body(&family, &child);
    body["lead_professional_id"] = json!(named);
    let opened = app.open_episode(&worker, &body).await;
    opened.assert_status(201);
    let opened = opened.json();
    // The opener leads until the named professional accepts.
    assert_eq!(
        opened["lead_professional_id"],
        app.persona("lcss_worker").id.to_string()
    );
    assert_eq!(opened["pending_transfer"]["to_user_id"], named.to_string());
    let episode = crate::case_helpers::id_of(&opened);
    let practitioner = app.token("practitioner").await;
    app.get(&format!("/api/v1/families/{family}"))
        .token(&practitioner)
        .send()
        .await
        .assert_problem(404, "not_found");
    let accepted = app
        .post(&format!("/api/v1/episodes/{episode}/transfer/accept"))
        .token(&practitioner)
        .send()
        .await;
    accepted.assert_status(200);
    assert_eq!(accepted.json()["lead_professional_id"], named.to_string());
    // The trail shows the opening, the proposal and the acceptance.
    let episode_id: uuid::Uuid = episode.parse().unwrap();
    let actions: Vec<String> = app
        .audit_rows()
        .into_iter()
        .filter(|row| row.entity == Some(episode_id))
        .map(|row| row.action)
        .collect();
    assert_eq!(
        actions,
        [
            "episode.open",
            "episode.propose_transfer",
            "episode.accept_transfer"
        ]
    );
}
