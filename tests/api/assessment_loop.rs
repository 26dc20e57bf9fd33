//! The core loop over HTTP, end to end, as the people doing it see it. A practitioner records a
//! family, gets consent, opens an episode and drafts a Strengths and Needs form; LCSS returns
//! it with feedback; it is amended, resubmitted and accepted; then the chronology, the feedback
//! figures and the audit trail tell the story. Each step is a function below, in that order,
//! and checks what the person taking it would check, refusals included.

use crate::case_helpers::{
    all_ratings, complete_snf, episode_body, family_body, id_of, nhs_number,
};
use crate::helpers::TestApp;
use earlyhelp_tests::http::Reply;
use serde_json::json;

#[actix_web::test]
async fn the_whole_assessment_loop_works_end_to_end() {
    let team = Team::sign_in().await;

    let family = record_family(&team).await;
    give_consent(&team, &family).await;
    let episode = open_episode(&team, &family).await;
    let form = draft_snf(&team, &episode).await;
    complete_the_form(&team, &form).await;
    let review = submit_for_review(&team, &form).await;
    lcss_finds_it_in_the_queue(&team, &family, &review).await;
    let etag = lcss_returns_with_feedback(&team, &form, &review).await;
    let second_review = amend_and_resubmit(&team, &form, &etag).await;
    lcss_accepts(&team, &episode, &form, &second_review).await;
    chronology_tells_the_story(&team, &family).await;
    feedback_counts_the_ratings(&team).await;
    every_step_was_audited(&team);
}

/// The app and the people of the loop, signed in.
struct Team {
    app: TestApp,
    /// The practitioner (Northgate Primary School) who records the family and leads its case.
    lead: String,
    /// The LCSS North worker who reviews the form.
    lcss: String,
    /// The LCSS North manager who assigns reviews.
    manager: String,
}

impl Team {
    async fn sign_in() -> Self {
        let app = TestApp::spawn().await;
        let lead = app.token("practitioner").await;
        let lcss = app.token("lcss_worker").await;
        let manager = app.token("lcss_manager").await;
        Self {
            app,
            lead,
            lcss,
            manager,
        }
    }
}

struct Family {
    id: String,
    reference: String,
    adult: String,
    child: String,
}

/// A family with a parent and a child: it gets a reference, its postcode is normalised, the
/// practitioner who recorded it leads it, and the parent's relationship is kept.
async fn record_family(team: &Team) -> Family {
    let Team { app, lead, .. } = team;
    let family = app
        .create_family(
            lead,
            &family_body("Demo-Ashdown", "2016-05-17", Some(&nhs_number(1))),
        )
        .await;
    family.assert_status(201);
    let family = family.json();
    let reference = family["reference"].as_str().unwrap();
    assert!(reference.starts_with("FAM-"));
    assert_eq!(family["postcode"], "OX16 5AU");
    assert_eq!(
        family["lead_professional_id"],
        app.persona("practitioner").id.to_string()
    );
    assert_eq!(family["relationships"][0]["kind"], "parent");
    Family {
        id: id_of(&family),
        reference: reference.to_owned(),
        adult: id_of(&family["members"][0]),
        child: id_of(&family["members"][1]),
    }
}

/// No episode opens without consent, and the refusal says that is what is missing; then the
/// parent gives written consent.
async fn give_consent(team: &Team, family: &Family) {
    let Team { app, lead, .. } = team;
    app.open_episode(lead, &episode_body(&family.id, &family.child))
        .await
        .assert_problem(422, "consent_required");
    app.consent(lead, &family.id, &family.adult)
        .await
        .assert_status(201);
}

/// Level 4 is refused with a pointer to the MASH; level 2 opens for the child with its
/// rationale in the threshold history; a second open episode for the family is refused.
async fn open_episode(team: &Team, family: &Family) -> String {
    let Team { app, lead, .. } = team;
    let open = episode_body(&family.id, &family.child);
    let mut critical = open.clone();
    critical["threshold_level"] = json!(4);
    let refused = app
        .open_episode(lead, &critical)
        .await
        .assert_problem(422, "statutory_threshold");
    assert!(refused["detail"].as_str().unwrap().contains("MASH"));

    let episode = app.open_episode(lead, &open).await;
    episode.assert_status(201);
    let episode = episode.json();
    assert_eq!(episode["threshold_level"], 2);
    assert_eq!(episode["children"], json!([family.child]));
    assert_eq!(
        episode["threshold_history"][0]["rationale"],
        "Needs met by a TAF"
    );
    app.open_episode(lead, &open)
        .await
        .assert_problem(409, "episode_already_open");
    id_of(&episode)
}

/// A draft Strengths and Needs form, versioned by its ETag: an autosave naming the current
/// version goes through; a second editor still holding the old version loses and nothing of
/// theirs is saved; a save without If-Match is refused; a typed mistake is refused with its
/// field path.
async fn draft_snf(team: &Team, episode: &str) -> String {
    let Team { app, lead, .. } = team;
    let draft = app
        .post(&format!("/api/v1/episodes/{episode}/assessments"))
        .token(lead)
        .json(&json!({}))
        .await;
    draft.assert_status(201);
    assert_eq!(draft.header("etag").as_deref(), Some("\"1\""));
    let draft = draft.json();
    assert_eq!(draft["template"]["name"], "strengths_and_needs");
    assert_eq!(draft["state"], "draft");
    let form = id_of(&draft);

    let first = app
        .patch_assessment(
            lead,
            &form,
            Some("\"1\""),
            &json!({ "reason": { "reason_for_assessment": "Attendance" } }),
        )
        .await;
    first.assert_status(200);
    assert_eq!(first.header("etag").as_deref(), Some("\"2\""));
    app.patch_assessment(
        lead,
        &form,
        Some("\"1\""),
        &json!({ "reason": { "reason_for_assessment": "Overwritten" } }),
    )
    .await
    .assert_problem(412, "precondition_failed");
    app.patch_assessment(lead, &form, None, &json!({}))
        .await
        .assert_problem(428, "precondition_required");
    let current = read_form(team, &form).await.json();
    assert_eq!(
        current["content"]["reason"]["reason_for_assessment"],
        "Attendance"
    );

    let wrong = app
        .patch_assessment(
            lead,
            &form,
            Some("\"2\""),
            &json!({ "threshold": { "level": "4" } }),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(wrong["errors"][0]["field"], "content.threshold.level");
    form
}

/// Submitting the incomplete form lists every missing answer; then the practitioner completes
/// it (on version 2: the refused saves changed nothing).
async fn complete_the_form(team: &Team, form: &str) {
    let Team { app, lead, .. } = team;
    let incomplete = app
        .submit(lead, form)
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

    app.patch_assessment(lead, form, Some("\"2\""), &complete_snf())
        .await
        .assert_status(200);
}

/// Submitted twice with one Idempotency-Key (a double click, a retry): the same answer twice
/// and one revision, and a review opens. The submitted revision is frozen: the draft cannot
/// change while LCSS reviews it.
async fn submit_for_review(team: &Team, form: &str) -> String {
    let Team { app, lead, .. } = team;
    let submit = || app.submit(lead, form).header("idempotency-key", "submit-1");
    let once = submit().send().await;
    once.assert_status(200);
    let twice = submit().send().await;
    twice.assert_status(200);
    assert_eq!(once.json(), twice.json());
    let submitted = once.json();
    assert_eq!(submitted["assessment"]["state"], "submitted");
    assert_eq!(submitted["revision"]["number"], 1);
    let revisions = app.revisions(lead, form).await;
    assert_eq!(revisions["items"].as_array().unwrap().len(), 1);

    app.patch_assessment(lead, form, Some("\"4\""), &json!({}))
        .await
        .assert_problem(409, "assessment_state");
    id_of(&submitted["review"])
}

/// LCSS North finds it first in the unassigned queue, under the family's reference, due after
/// the day it was received; LCSS South sees nothing of North's.
async fn lcss_finds_it_in_the_queue(team: &Team, family: &Family, review: &str) {
    let Team { app, lcss, .. } = team;
    let queue = app
        .get("/api/v1/reviews?state=unassigned")
        .token(lcss)
        .send()
        .await
        .json();
    assert_eq!(queue["items"][0]["id"], review);
    assert_eq!(
        queue["items"][0]["family_reference"],
        family.reference.as_str()
    );
    assert!(
        queue["items"][0]["due_on"].as_str().unwrap()
            > queue["items"][0]["received_on"].as_str().unwrap()
    );

    let south = app.token("lcss_worker2").await;
    assert_eq!(
        app.get("/api/v1/reviews").token(&south).send().await.json()["items"],
        json!([])
    );
}

/// The LCSS worker claims the review and returns the form for amendment: ratings without
/// written feedback are refused, ratings with it return the form, and the practitioner finds
/// it returned. Gives the form's ETag for the amendment.
async fn lcss_returns_with_feedback(team: &Team, form: &str, review: &str) -> String {
    let Team { app, lcss, .. } = team;
    app.assign_review(lcss, review, &json!({}))
        .await
        .assert_status(200);
    let mut ratings = all_ratings("met");
    ratings["childs_voice_heard"] =
        json!({ "rating": "partly_met", "comment": "Use the child's own words." });
    app.decide_review(
        lcss,
        review,
        &json!({ "decision": "return", "ratings": ratings }),
    )
    .await
    .assert_problem(422, "validation_failed");
    let returned = app
        .decide_review(
            lcss,
            review,
            &json!({ "decision": "return", "ratings": ratings, "feedback": "Please add the child's own words about school." }),
        )
        .await;
    returned.assert_status(200);
    assert_eq!(returned.json()["decision"], "returned");

    let form_now = read_form(team, form).await;
    assert_eq!(form_now.json()["state"], "returned");
    // The form itself says what to amend.
    let returned_with = &form_now.json()["returned_with"];
    assert_eq!(returned_with["decision"], "returned");
    assert_eq!(
        returned_with["feedback"],
        "Please add the child's own words about school."
    );
    assert_eq!(
        returned_with["ratings"]["childs_voice_heard"]["rating"],
        "partly_met"
    );
    form_now.header("etag").unwrap()
}

/// The practitioner adds the child's own words and resubmits: a second revision, under review
/// again.
async fn amend_and_resubmit(team: &Team, form: &str, etag: &str) -> String {
    let Team { app, lead, .. } = team;
    app.patch_assessment(
        lead,
        form,
        Some(etag),
        &json!({ "childs_views": { "views": "\"School is OK when I get there on time.\"" } }),
    )
    .await
    .assert_status(200);
    let resubmitted = app
        .submit(lead, form)
        .header("idempotency-key", "submit-2")
        .send()
        .await;
    resubmitted.assert_status(200);
    let resubmitted = resubmitted.json();
    assert_eq!(resubmitted["revision"]["number"], 2);
    assert_eq!(
        read_form(team, form).await.json()["returned_with"],
        serde_json::Value::Null,
        "submitted again, the form is no longer returned"
    );
    id_of(&resubmitted["review"])
}

/// The LCSS manager assigns the new review to the worker, who accepts: the assessment is
/// complete, the episode links to it, and its revisions carry both decisions in order.
async fn lcss_accepts(team: &Team, episode: &str, form: &str, review: &str) {
    let Team {
        app,
        lead,
        lcss,
        manager,
    } = team;
    let worker = app.persona("lcss_worker").id;
    let assigned = app
        .assign_review(manager, review, &json!({ "reviewer_id": worker }))
        .await;
    assigned.assert_status(200);
    assert_eq!(assigned.json()["reviewer_id"], worker.to_string());
    app.decide_review(
        lcss,
        review,
        &json!({ "decision": "accept", "ratings": all_ratings("met"), "feedback": "A clear, child-centred assessment." }),
    )
    .await
    .assert_status(200);

    let episode_now = app
        .get(&format!("/api/v1/episodes/{episode}"))
        .token(lead)
        .send()
        .await
        .json();
    assert_eq!(
        episode_now["assessments"][0]["id"], form,
        "the episode links to its form"
    );
    let accepted = read_form(team, form).await.json();
    assert_eq!(accepted["state"], "accepted");
    assert!(accepted["completed_at"].is_string());
    let history = app.revisions(lead, form).await;
    assert_eq!(history["items"][0]["review"]["decision"], "returned");
    assert_eq!(history["items"][1]["review"]["decision"], "accepted");
}

/// The family's chronology tells the story, newest first, without form content, and pages on
/// with a cursor.
async fn chronology_tells_the_story(team: &Team, family: &Family) {
    let Team { app, lead, .. } = team;
    let chronology = app
        .get(&format!(
            "/api/v1/families/{}/chronology?limit=100",
            family.id
        ))
        .token(lead)
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
        .get(&format!(
            "/api/v1/families/{}/chronology?limit=3",
            family.id
        ))
        .token(lead)
        .send()
        .await
        .json();
    let cursor = first_page["next_cursor"].as_str().unwrap();
    let second_page = app
        .get(&format!(
            "/api/v1/families/{}/chronology?limit=3&cursor={cursor}",
            family.id
        ))
        .token(lead)
        .send()
        .await
        .json();
    assert_eq!(second_page["items"][0]["kind"], "assessment.submitted");
}

/// The practitioner's feedback history counts both decisions, the return and the one
/// partly-met rating; the school's counts the acceptance.
async fn feedback_counts_the_ratings(team: &Team) {
    let Team {
        app, lead, lcss, ..
    } = team;
    let feedback = app
        .get(&format!(
            "/api/v1/professionals/{}/feedback",
            app.persona("practitioner").id
        ))
        .token(lead)
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
        .token(lcss)
        .send()
        .await
        .json();
    assert_eq!(organisation["summary"]["accepted"], 1);
}

/// Every kind of read and write along the way left an audit entry.
fn every_step_was_audited(team: &Team) {
    let actions: Vec<String> = team
        .app
        .audit_rows()
        .into_iter()
        .map(|row| row.action)
        .collect();
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

/// The form as the practitioner reads it.
async fn read_form(team: &Team, form: &str) -> Reply {
    team.app
        .get(&format!("/api/v1/assessments/{form}"))
        .token(&team.lead)
        .send()
        .await
}

#[actix_web::test]
async fn a_review_names_its_family_and_the_queue_filters_by_family_and_form() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let first = app.open_case(&lead, "Demo-Queueone").await;
    let second = app.open_case(&lead, "Demo-Queuetwo").await;
    let mut forms = Vec::new();
    for case in [&first, &second] {
        let form = crate::case_helpers::id_of(&app.start_form(&lead, &case.episode).await);
        let submitted = app.submit(&lead, &form).send().await;
        submitted.assert_status(200);
        forms.push((
            form,
            crate::case_helpers::id_of(&submitted.json()["review"]),
        ));
    }
    let worker = app.token("lcss_worker").await;
    let ids = |reply: &serde_json::Value| -> Vec<String> {
        reply["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let by_family = app
        .get(&format!("/api/v1/reviews?family_id={}", second.family))
        .token(&worker)
        .send()
        .await
        .json();
    assert_eq!(ids(&by_family), [forms[1].1.clone()]);
    let by_form = app
        .get(&format!("/api/v1/reviews?assessment_id={}", forms[0].0))
        .token(&worker)
        .send()
        .await
        .json();
    assert_eq!(ids(&by_form), [forms[0].1.clone()]);

    let detail = app
        .get(&format!("/api/v1/reviews/{}", forms[0].1))
        .token(&worker)
        .send()
        .await
        .json();
    assert_eq!(detail["family_id"], first.family.as_str());
    assert_eq!(detail["episode_id"], first.episode.as_str());
    assert!(detail["family_reference"]
        .as_str()
        .unwrap()
        .starts_with("FAM-"));
}
