//! The core loop over HTTP: family, consent, episode, draft, stale update, idempotent submit,
//! LCSS review returned with ratings, amendment, resubmission, acceptance, chronology, audit.

use crate::case_helpers::{all_ratings, complete_snf, family_body, nhs_number};
use crate::helpers::TestApp;
use awc::http::Method;
use serde_json::json;

#[actix_web::test]
async fn the_whole_assessment_loop_works_end_to_end() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let lcss = app.token("lcss_worker").await;
    let manager = app.token("lcss_manager").await;

    // A family with a parent and a child; the postcode is normalised.
    let family = app
        .create_family(
            &lead,
            &family_body("Demo-Ashdown", "2016-05-17", Some(&nhs_number(1))),
        )
        .await;
    family.assert_status(201);
    let family = family.json();
    assert!(family["reference"].as_str().unwrap().starts_with("FAM-"));
    assert_eq!(family["postcode"], "OX16 5AU");
    assert_eq!(
        family["lead_professional_id"],
        app.persona("practitioner").id.to_string()
    );
    assert_eq!(family["relationships"][0]["kind"], "parent");
    let family_id = family["id"].as_str().unwrap().to_owned();
    let (adult, child) = (
        family["members"][0]["id"].as_str().unwrap().to_owned(),
        family["members"][1]["id"].as_str().unwrap().to_owned(),
    );

    // No episode without consent; the problem names what is missing.
    let open = json!({ "family_id": family_id, "children": [child], "threshold_level": 2, "threshold_rationale": "Needs met by a TAF", "reason": "Attendance has fallen" });
    app.post("/api/v1/episodes")
        .token(&lead)
        .json(&open)
        .await
        .assert_problem(422, "consent_required");
    app.consent(&lead, &family_id, &adult)
        .await
        .assert_status(201);

    // Level 4 is refused with a pointer to the MASH.
    let mut critical = open.clone();
    critical["threshold_level"] = json!(4);
    let refused = app
        .post("/api/v1/episodes")
        .token(&lead)
        .json(&critical)
        .await
        .assert_problem(422, "statutory_threshold");
    assert!(refused["detail"].as_str().unwrap().contains("MASH"));
    let episode = app.post("/api/v1/episodes").token(&lead).json(&open).await;
    episode.assert_status(201);
    let episode = episode.json();
    assert_eq!(episode["threshold_level"], 2);
    assert_eq!(episode["children"], json!([child]));
    assert_eq!(
        episode["threshold_history"][0]["rationale"],
        "Needs met by a TAF"
    );
    let episode_id = episode["id"].as_str().unwrap().to_owned();
    app.post("/api/v1/episodes")
        .token(&lead)
        .json(&open)
        .await
        .assert_problem(409, "episode_already_open");

    // A draft SNF with ETag / If-Match.
    let draft = app
        .post(&format!("/api/v1/episodes/{episode_id}/assessments"))
        .token(&lead)
        .json(&json!({}))
        .await;
    draft.assert_status(201);
    assert_eq!(draft.header("etag").as_deref(), Some("\"1\""));
    let draft = draft.json();
    assert_eq!(draft["template"]["name"], "strengths_and_needs");
    assert_eq!(draft["state"], "draft");
    let form = draft["id"].as_str().unwrap().to_owned();

    let first = app
        .patch_assessment(
            &lead,
            &form,
            Some("\"1\""),
            &json!({ "reason": { "reason_for_assessment": "Attendance" } }),
        )
        .await;
    first.assert_status(200);
    assert_eq!(first.header("etag").as_deref(), Some("\"2\""));
    // A second editor still holding version 1 loses the race and nothing of theirs is saved.
    let stale = app
        .patch_assessment(
            &lead,
            &form,
            Some("\"1\""),
            &json!({ "reason": { "reason_for_assessment": "Overwritten" } }),
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    app.patch_assessment(&lead, &form, None, &json!({}))
        .await
        .assert_problem(428, "precondition_required");
    let current = app
        .get(&format!("/api/v1/assessments/{form}"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(
        current["content"]["reason"]["reason_for_assessment"],
        "Attendance"
    );
    // Autosave of a typed mistake is refused with the field path, and loses nothing.
    let wrong = app
        .patch_assessment(
            &lead,
            &form,
            Some("\"2\""),
            &json!({ "threshold": { "level": "4" } }),
        )
        .await;
    let wrong = wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong["errors"][0]["field"], "content.threshold.level");

    // Submitting an incomplete form lists every missing answer.
    let incomplete = app
        .post(&format!("/api/v1/assessments/{form}/submit"))
        .token(&lead)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let fields: Vec<&str> = incomplete["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"content.childs_views.views"), "{fields:?}");

    let full = app
        .patch_assessment(&lead, &form, Some("\"2\""), &complete_snf())
        .await;
    full.assert_status(200);

    // Submit twice with one Idempotency-Key: one revision, the same answer.
    let submit = || {
        app.post(&format!("/api/v1/assessments/{form}/submit"))
            .token(&lead)
            .header("idempotency-key", "submit-1")
    };
    let once = submit().send().await;
    once.assert_status(200);
    let twice = submit().send().await;
    twice.assert_status(200);
    assert_eq!(once.json(), twice.json());
    let submitted = once.json();
    assert_eq!(submitted["assessment"]["state"], "submitted");
    assert_eq!(submitted["revision"]["number"], 1);
    let review = submitted["review"]["id"].as_str().unwrap().to_owned();
    let revisions = app
        .get(&format!("/api/v1/assessments/{form}/revisions"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(revisions["items"].as_array().unwrap().len(), 1);
    // Submitted revisions are frozen: the draft cannot change while LCSS reviews it.
    app.patch_assessment(&lead, &form, Some("\"4\""), &json!({}))
        .await
        .assert_problem(409, "assessment_state");

    // LCSS North sees it in the queue, oldest first, with a due date ten working days on.
    let queue = app
        .get("/api/v1/reviews?state=unassigned")
        .token(&lcss)
        .send()
        .await
        .json();
    assert_eq!(queue["items"][0]["id"], review.as_str());
    assert_eq!(queue["items"][0]["family_reference"], family["reference"]);
    assert!(
        queue["items"][0]["due_on"].as_str().unwrap()
            > queue["items"][0]["received_on"].as_str().unwrap()
    );
    let south = app.token("lcss_worker2").await;
    assert_eq!(
        app.get("/api/v1/reviews").token(&south).send().await.json()["items"],
        json!([])
    );

    // Claim, then return for amendment with ratings and feedback.
    app.post(&format!("/api/v1/reviews/{review}/assign"))
        .token(&lcss)
        .json(&json!({}))
        .await
        .assert_status(200);
    let mut ratings = all_ratings("met");
    ratings["childs_voice_heard"] =
        json!({ "rating": "partly_met", "comment": "Use the child's own words." });
    app.post(&format!("/api/v1/reviews/{review}/decision"))
        .token(&lcss)
        .json(&json!({ "decision": "return", "ratings": ratings }))
        .await
        .assert_problem(422, "validation_failed");
    let returned = app
        .post(&format!("/api/v1/reviews/{review}/decision"))
        .token(&lcss)
        .json(&json!({ "decision": "return", "ratings": ratings, "feedback": "Please add the child's own words about school." }))
        .await;
    returned.assert_status(200);
    assert_eq!(returned.json()["decision"], "returned");
    let form_now = app
        .get(&format!("/api/v1/assessments/{form}"))
        .token(&lead)
        .send()
        .await;
    assert_eq!(form_now.json()["state"], "returned");
    let etag = form_now.header("etag").unwrap();

    // Amend and resubmit as a new revision.
    app.patch_assessment(
        &lead,
        &form,
        Some(&etag),
        &json!({ "childs_views": { "views": "\"School is OK when I get there on time.\"" } }),
    )
    .await
    .assert_status(200);
    let resubmitted = app
        .post(&format!("/api/v1/assessments/{form}/submit"))
        .token(&lead)
        .header("idempotency-key", "submit-2")
        .send()
        .await;
    resubmitted.assert_status(200);
    let resubmitted = resubmitted.json();
    assert_eq!(resubmitted["revision"]["number"], 2);
    let second_review = resubmitted["review"]["id"].as_str().unwrap().to_owned();

    // The manager assigns it; the worker accepts: the assessment is complete.
    let assigned = app
        .post(&format!("/api/v1/reviews/{second_review}/assign"))
        .token(&manager)
        .json(&json!({ "reviewer_id": app.persona("lcss_worker").id }))
        .await;
    assigned.assert_status(200);
    assert_eq!(
        assigned.json()["reviewer_id"],
        app.persona("lcss_worker").id.to_string()
    );
    app.post(&format!("/api/v1/reviews/{second_review}/decision"))
        .token(&lcss)
        .json(&json!({ "decision": "accept", "ratings": all_ratings("met"), "feedback": "A clear, child-centred assessment." }))
        .await
        .assert_status(200);
    let episode_now = app
        .get(&format!("/api/v1/episodes/{episode_id}"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(
        episode_now["assessments"][0]["id"],
        form.as_str(),
        "the episode links to its form"
    );
    let accepted = app
        .get(&format!("/api/v1/assessments/{form}"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(accepted["state"], "accepted");
    assert!(accepted["completed_at"].is_string());
    let history = app
        .get(&format!("/api/v1/assessments/{form}/revisions"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(history["items"][0]["review"]["decision"], "returned");
    assert_eq!(history["items"][1]["review"]["decision"], "accepted");

    // The chronology tells the story, newest first, without form content.
    let chronology = app
        .get(&format!(
            "/api/v1/families/{family_id}/chronology?limit=100"
        ))
        .token(&lead)
        .send()
        .await
        .json();
    let kinds: Vec<&str> = chronology["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "assessment.accepted",
            "assessment.submitted",
            "assessment.returned",
            "assessment.submitted",
            "assessment.started",
            "episode.opened",
            "consent.given",
            "family.created"
        ]
    );
    assert!(
        !chronology.to_string().contains("football"),
        "no form content in the chronology"
    );
    let first_page = app
        .get(&format!("/api/v1/families/{family_id}/chronology?limit=3"))
        .token(&lead)
        .send()
        .await
        .json();
    let cursor = first_page["next_cursor"].as_str().unwrap();
    let second_page = app
        .get(&format!(
            "/api/v1/families/{family_id}/chronology?limit=3&cursor={cursor}"
        ))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(second_page["items"][0]["kind"], "assessment.submitted");

    // Feedback history: the professional sees their own ratings.
    let feedback = app
        .get(&format!(
            "/api/v1/professionals/{}/feedback",
            app.persona("practitioner").id
        ))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(feedback["summary"]["decided"], 2);
    assert_eq!(feedback["summary"]["returned"], 1);
    assert_eq!(
        feedback["summary"]["criteria"]["childs_voice_heard"]["partly_met"],
        1
    );
    let organisation = app
        .get(&format!(
            "/api/v1/organisations/{}/feedback",
            app.directory.north_school
        ))
        .token(&lcss)
        .send()
        .await
        .json();
    assert_eq!(organisation["summary"]["accepted"], 1);

    // Every read and write left an audit entry.
    let actions: Vec<String> = app.audit_rows().into_iter().map(|row| row.action).collect();
    for expected in [
        "family.create",
        "person.create",
        "consent.create",
        "episode.open",
        "assessment.create",
        "assessment.update",
        "assessment.submit",
        "review.claim",
        "review.assign",
        "review.decide",
        "assessment.read",
        "chronology.read",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "missing audit action {expected}"
        );
    }
}

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
    let form = form["id"].as_str().unwrap().to_owned();
    let (a, b) = futures_join(
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
    let form = app.start_form(&lead, &case.episode).await;
    let form = form["id"].as_str().unwrap().to_owned();
    let submit = || {
        app.post(&format!("/api/v1/assessments/{form}/submit"))
            .token(&lead)
            .header("idempotency-key", "same-key")
            .send()
    };
    let (a, b) = futures_join(submit(), submit()).await;
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.json()["revision"]["id"], b.json()["revision"]["id"]);
    let revisions = app
        .get(&format!("/api/v1/assessments/{form}/revisions"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(revisions["items"].as_array().unwrap().len(), 1);

    let review = a.json()["review"]["id"].as_str().unwrap().to_owned();
    let worker = app.token("lcss_worker").await;
    let manager = app.token("lcss_manager").await;
    let claim = |token: String| {
        let path = format!("/api/v1/reviews/{review}/assign");
        let app = &app;
        async move { app.post(&path).token(&token).json(&json!({})).await }
    };
    let (x, y) = futures_join(claim(worker), claim(manager)).await;
    let mut statuses = [x.status, y.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
}

async fn futures_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    futures_util::future::join(a, b).await
}

#[actix_web::test]
async fn a_possible_duplicate_is_flagged_only_within_the_actors_view() {
    let app = TestApp::spawn().await;
    let north = app.token("practitioner").await;
    let south = app.token("practitioner2").await;
    let nhs = nhs_number(42);
    app.create_family(
        &north,
        &family_body("Demo-Dunmore", "2015-03-09", Some(&nhs)),
    )
    .await
    .assert_status(201);

    // The same practitioner entering the same child again is warned, with candidates.
    let again = app
        .create_family(&north, &family_body("Demo-Dunmore", "2015-03-09", None))
        .await;
    let problem = again.assert_problem(409, "possible_duplicate");
    assert_eq!(
        problem["candidates"][0]["matched_on"],
        "date_of_birth_and_name"
    );
    let mut confirmed = family_body("Demo-Dunmore", "2015-03-09", None);
    confirmed["confirm_new"] = json!(true);
    app.create_family(&north, &confirmed)
        .await
        .assert_status(201);

    // Someone who cannot see the first family is not told it exists.
    app.create_family(
        &south,
        &family_body("Demo-Dunmore", "2015-03-09", Some(&nhs)),
    )
    .await
    .assert_status(201);
}

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
    let consent = consents["items"][0]["id"].as_str().unwrap().to_owned();
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
    let form = form["id"].as_str().unwrap();
    let refused = app
        .post(&format!("/api/v1/assessments/{form}/submit"))
        .token(&lead)
        .send()
        .await;
    assert!(matches!(refused.status, 409 | 422), "{}", refused.text());
}

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
    app.post(&format!(
        "/api/v1/episodes/{}/transfer/accept",
        case.episode
    ))
    .token(&lead)
    .send()
    .await
    .assert_problem(409, "no_transfer_for_you");
    let worker = app.token("lcss_worker").await;
    let accepted = app
        .post(&format!(
            "/api/v1/episodes/{}/transfer/accept",
            case.episode
        ))
        .token(&worker)
        .send()
        .await;
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
    let changed = app
        .post(&format!("/api/v1/episodes/{}/threshold", case.episode))
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
    app.post(&format!("/api/v1/episodes/{}/threshold", case.episode))
        .token(&lead)
        .json(&json!({ "level": 4, "rationale": "Serious harm" }))
        .await
        .assert_problem(422, "statutory_threshold");
    let person = app
        .request(Method::PATCH, &format!("/api/v1/people/{}", case.child))
        .token(&lead)
        .json(&json!({ "nhs_number": "1234567890" }))
        .await;
    assert_eq!(
        person.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "nhs_number"
    );
}
