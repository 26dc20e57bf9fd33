//! Consent: withdrawing it ends the work it allowed.

use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use serde_json::json;

#[actix_web::test]
async fn withdrawing_consent_closes_the_episode_and_blocks_submission() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Elmstead").await;
    let form = app.start_form(&lead, &case.episode).await;
    let consents = app
        .get(&format!("/api/v1/families/{}/consents", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    let consent = id_of(&consents["items"][0]);
    let withdrawn = app
        .post(&format!("/api/v1/consents/{consent}/withdraw"))
        .token(&lead)
        .json(&json!({ "reason": "Family asked to stop" }))
        .await;
    withdrawn.assert_status(200);
    assert_eq!(withdrawn.json()["active"], false);
    app.post(&format!("/api/v1/consents/{consent}/withdraw"))
        .token(&lead)
        .json(&json!({}))
        .await
        .assert_problem(409, "already_withdrawn");
    let episode = app
        .get(&format!("/api/v1/episodes/{}", case.episode))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(episode["state"], "closed");
    assert_eq!(episode["closure_reason"], "consent_withdrawn");
    let refused = app.submit(&lead, &id_of(&form)).send().await;
    assert!(matches!(refused.status, 409 | 422), "{}", refused.text());
}
