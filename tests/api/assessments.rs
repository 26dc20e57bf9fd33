//! Assessments under concurrency: one ETag lets exactly one edit through, one Idempotency-Key
//! makes exactly one revision, and of two claims on its review exactly one wins.

use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use futures_util::future::join;
use serde_json::json;

#[actix_web::test]
async fn concurrent_edits_with_one_etag_leave_exactly_one_winner() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Birchwood").await;
    let form = app
        .post(&format!("/api/v1/episodes/{}/assessments", case.episode))
        .token(&lead)
        .json(&json!({}))
        .await
        .json();
    let form = id_of(&form);
    let (a, b) = join(
        app.patch_assessment(
            &lead,
            &form,
            Some("\"1\""),
            &json!({ "reason": { "reason_for_assessment": "A" } }),
        ),
        app.patch_assessment(
            &lead,
            &form,
            Some("\"1\""),
            &json!({ "reason": { "reason_for_assessment": "B" } }),
        ),
    )
    .await;
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
}

#[actix_web::test]
async fn concurrent_submits_with_one_key_make_one_revision_and_concurrent_claims_one_reviewer() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Cedar").await;
    let form = id_of(&app.start_form(&lead, &case.episode).await);
    let submit = || {
        app.submit(&lead, &form)
            .header("idempotency-key", "same-key")
            .send()
    };
    let (a, b) = join(submit(), submit()).await;
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.json()["revision"]["id"], b.json()["revision"]["id"]);
    let revisions = app.revisions(&lead, &form).await;
    assert_eq!(revisions["items"].as_array().unwrap().len(), 1);

    let review = id_of(&a.json()["review"]);
    let worker = app.token("lcss_worker").await;
    let manager = app.token("lcss_manager").await;
    let (x, y) = join(
        app.assign_review(&worker, &review, &json!({})),
        app.assign_review(&manager, &review, &json!({})),
    )
    .await;
    let mut statuses = [x.status, y.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
}

#[actix_web::test]
async fn if_match_takes_a_star_or_a_list_of_versions_as_rfc_9110_says() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Starling").await;
    let form = app
        .post(&format!("/api/v1/episodes/{}/assessments", case.episode))
        .token(&lead)
        .json(&json!({}))
        .await;
    form.assert_status(201);
    assert_eq!(form.header("etag").as_deref(), Some("\"1\""));
    let form = id_of(&form.json());
    let save = |tag: &'static str, reason: &'static str| {
        let (app, lead, form) = (&app, &lead, &form);
        async move {
            let patch = json!({ "reason": { "reason_for_assessment": reason } });
            app.patch_assessment(lead, form, Some(tag), &patch).await
        }
    };
    // `*`: whatever version is current.
    let any = save("*", "Attendance").await;
    any.assert_status(200);
    assert_eq!(any.header("etag").as_deref(), Some("\"2\""));
    // A list: saved when one of them is current.
    let listed = save("\"1\", \"2\"", "Attendance and sleep").await;
    listed.assert_status(200);
    assert_eq!(listed.header("etag").as_deref(), Some("\"3\""));
    // None of them current: 412, nothing saved.
    save("\"1\", \"2\"", "Lost")
        .await
        .assert_problem(412, "precondition_failed");
    let stored = app
        .get(&format!("/api/v1/assessments/{form}"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(
        stored["content"]["reason"]["reason_for_assessment"],
        "Attendance and sleep"
    );
}
