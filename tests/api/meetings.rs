//! Team Around the Family meetings: scheduling, minutes saved with If-Match and merge patch,
//! finalising to the locality LCSS, LCSS acknowledging with feedback, and the action plan its
//! owners keep up to date.

use crate::case_helpers::{complete_minutes, error_fields, id_of};
use crate::helpers::TestApp;
use serde_json::{json, Value};

fn listed(page: &Value, id: &str) -> bool {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|item| item["id"] == id)
}

#[actix_web::test]
async fn a_team_meets_finalises_its_minutes_to_lcss_and_keeps_its_plan() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let school = app.token("practitioner2").await;
    let lcss = app.token("lcss_worker").await;
    let case = app.open_case(&lead, "Demo-Meetwell").await;
    let taf = app
        .post(&format!("/api/v1/episodes/{}/taf", case.episode))
        .token(&lead)
        .send()
        .await
        .json();
    let lead_member = id_of(&taf["members"][0]);
    let taf = id_of(&taf);
    let mut members = Vec::new();
    for body in [
        json!({ "kind": "professional", "user_id": app.persona("practitioner2").id.to_string() }),
        json!({ "kind": "professional", "user_id": app.persona("lcss_worker").id.to_string() }),
        json!({ "kind": "external", "name": "Sam Demo-Nurse", "organisation": "School nursing" }),
    ] {
        let added = app
            .post(&format!("/api/v1/tafs/{taf}/members"))
            .token(&lead)
            .json(&body)
            .await;
        added.assert_status(201);
        members.push(id_of(&added.json()));
    }
    let (school_member, lcss_member, nurse_member) = (&members[0], &members[1], &members[2]);
    let listed_members = app
        .get(&format!("/api/v1/tafs/{taf}/members"))
        .token(&school)
        .send()
        .await;
    listed_members.assert_status(200);
    assert_eq!(listed_members.json()["items"].as_array().unwrap().len(), 4);

    // A member schedules the meeting; invitees are members, and a place is needed.
    let meetings = format!("/api/v1/tafs/{taf}/meetings");
    let refused = app
        .post(&meetings)
        .token(&school)
        .json(&json!({ "starts_at": "2026-11-24T09:30:00Z", "invitee_member_ids": [case.adult] }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(error_fields(&refused), vec!["venue"]);
    let refused = app
        .post(&meetings)
        .token(&school)
        .json(&json!({ "starts_at": "2026-11-24T09:30:00Z", "venue": "School", "invitee_member_ids": [lead_member, case.adult] }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(error_fields(&refused), vec!["invitee_member_ids[1]"]);
    for typo in ["1616-06-20T07:54:00Z", "2300-01-01T10:00:00Z"] {
        let refused = app
            .post(&meetings)
            .token(&school)
            .json(&json!({ "starts_at": typo, "virtual": true }))
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(error_fields(&refused), vec!["starts_at"], "{typo}");
    }
    let scheduled = app
        .post(&meetings)
        .token(&school)
        .json(&json!({ "starts_at": "2026-11-24T09:30:00Z", "venue": " Banbury Primary, room 2 ", "invitee_member_ids": [lead_member, nurse_member] }))
        .await;
    scheduled.assert_status(201);
    assert_eq!(scheduled.header("etag").as_deref(), Some("\"1\""));
    let meeting = scheduled.json();
    let id = id_of(&meeting);
    assert_eq!(
        scheduled.header("location").unwrap(),
        format!("/api/v1/meetings/{id}")
    );
    assert_eq!(meeting["state"], "scheduled");
    assert_eq!(meeting["venue"], "Banbury Primary, room 2");
    assert_eq!(meeting["minutes"], json!({}));
    let path = format!("/api/v1/meetings/{id}");

    // Minutes are saved like the SNF: If-Match, merge patch, every problem at its path.
    let draft = json!({ "minutes": { "child_views": "Wants to walk to school with friends.", "attendees": [{ "member_id": school_member }] } });
    app.patch(&path)
        .token(&school)
        .json(&draft)
        .await
        .assert_problem(428, "precondition_required");
    let saved = app
        .patch(&path)
        .token(&school)
        .header("if-match", "\"1\"")
        .json(&draft)
        .await;
    saved.assert_status(200);
    assert_eq!(saved.header("etag").as_deref(), Some("\"2\""));
    app.patch(&path)
        .token(&lead)
        .header("if-match", "\"1\"")
        .json(&json!({ "minutes": { "worries": "Sleep" } }))
        .await
        .assert_problem(412, "precondition_failed");
    let malformed = app
        .patch(&path)
        .token(&lead)
        .header("if-match", "\"2\"")
        .json(&json!({ "minutes": { "agenda": "x", "attendees": [{ "name": "Jo" }], "next_review_on": "2027-2-1" } }))
        .await
        .assert_problem(422, "validation_failed");
    let mut found = error_fields(&malformed);
    found.sort();
    assert_eq!(
        found,
        vec![
            "minutes.agenda",
            "minutes.attendees[0]",
            "minutes.next_review_on"
        ]
    );

    // Only the lead (or LCSS) finalises, and only complete minutes.
    app.post(&format!("{path}/finalise"))
        .token(&school)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let incomplete = app
        .post(&format!("{path}/finalise"))
        .token(&lead)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let missing = error_fields(&incomplete);
    for field in [
        "minutes.family_views",
        "minutes.working_well",
        "minutes.worries",
        "minutes.decisions",
        "minutes.next_review_on",
    ] {
        assert!(
            missing.contains(&field.to_owned()),
            "{field} in {missing:?}"
        );
    }
    let mut minutes = complete_minutes(school_member, "2026-11-25");
    minutes["attendees"] = json!([{ "member_id": lead_member }, { "member_id": school_member }, { "member_id": lcss_member }]);
    minutes["apologies"] = json!([{ "member_id": nurse_member }]);
    minutes["family_present"] = json!([case.adult]);
    minutes["actions"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "description": "Sleep hygiene advice", "owner_member_id": nurse_member, "due_on": "2027-02-01" }));
    let complete = app
        .patch(&path)
        .token(&lead)
        .header("if-match", "\"2\"")
        .json(&json!({ "minutes": minutes }))
        .await;
    complete.assert_status(200);
    assert_eq!(
        complete.json()["minutes"]["child_views"],
        "Likes the breakfast club."
    );
    let finalised = app
        .post(&format!("{path}/finalise"))
        .token(&lead)
        .send()
        .await;
    finalised.assert_status(200);
    let finalised = finalised.json();
    assert_eq!(finalised["state"], "finalised");
    assert_eq!(finalised["lcss_attended"], true);
    assert_eq!(finalised["next_review_on"], "2027-03-01");
    assert_eq!(
        finalised["locality_id"],
        app.directory.north.to_string().as_str()
    );

    // Finalised minutes are immutable.
    app.patch(&path)
        .token(&lead)
        .header("if-match", "\"3\"")
        .json(&json!({ "minutes": { "worries": "None" } }))
        .await
        .assert_problem(409, "meeting_state");
    app.post(&format!("{path}/finalise"))
        .token(&lead)
        .send()
        .await
        .assert_problem(409, "meeting_state");

    // The locality LCSS receives them; the other locality and practitioners do not.
    let received = app
        .get("/api/v1/meetings/received?acknowledged=false")
        .token(&lcss)
        .send()
        .await;
    received.assert_status(200);
    assert!(listed(&received.json(), &id));
    let south = app.token("lcss_worker2").await;
    let elsewhere = app
        .get("/api/v1/meetings/received")
        .token(&south)
        .send()
        .await
        .json();
    assert!(!listed(&elsewhere, &id));
    app.get("/api/v1/meetings/received")
        .token(&lead)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/meetings/received?from=2026-1-1")
        .token(&lcss)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.post(&format!("{path}/acknowledge"))
        .token(&south)
        .json(&json!({}))
        .await
        .assert_problem(404, "not_found");
    app.post(&format!("{path}/acknowledge"))
        .token(&lead)
        .json(&json!({}))
        .await
        .assert_problem(403, "forbidden");
    let acknowledged = app
        .post(&format!("{path}/acknowledge"))
        .token(&lcss)
        .json(&json!({ "feedback": "Clear actions with owners; record the child's words directly next time." }))
        .await;
    acknowledged.assert_status(200);
    assert_eq!(acknowledged.json()["state"], "acknowledged");
    app.post(&format!("{path}/acknowledge"))
        .token(&lcss)
        .json(&json!({}))
        .await
        .assert_problem(409, "meeting_state");
    let seen = app.get(&path).token(&lead).send().await.json();
    assert!(seen["feedback"]
        .as_str()
        .unwrap()
        .starts_with("Clear actions"));
    let waiting = app
        .get("/api/v1/meetings/received?acknowledged=false")
        .token(&lcss)
        .send()
        .await
        .json();
    assert!(!listed(&waiting, &id));

    // The plan: both actions, the past-due one flagged; owners update their own.
    let plan = app
        .get(&format!("/api/v1/tafs/{taf}/actions"))
        .token(&school)
        .send()
        .await;
    plan.assert_status(200);
    let plan = plan.json();
    let actions = plan["items"].as_array().unwrap();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0]["owner_member_id"], school_member.as_str());
    assert_eq!(actions[0]["overdue"], true);
    assert_eq!(actions[1]["overdue"], false);
    let (mine, nurses) = (id_of(&actions[0]), id_of(&actions[1]));
    let progress = app
        .patch(&format!("/api/v1/actions/{mine}"))
        .token(&school)
        .json(&json!({ "progress_note": "Met at the gate on Monday and Tuesday." }))
        .await;
    progress.assert_status(200);
    assert_eq!(
        progress.json()["progress"][0]["by"],
        app.persona("practitioner2").id.to_string()
    );
    app.patch(&format!("/api/v1/actions/{nurses}"))
        .token(&school)
        .json(&json!({ "progress_note": "Not mine" }))
        .await
        .assert_problem(403, "forbidden");
    app.patch(&format!("/api/v1/actions/{nurses}"))
        .token(&lead)
        .json(&json!({ "progress_note": "  " }))
        .await
        .assert_problem(422, "validation_failed");
    let done = app
        .patch(&format!("/api/v1/actions/{nurses}"))
        .token(&lead)
        .json(&json!({ "status": "done", "completion_note": "Advice given at home visit." }))
        .await;
    done.assert_status(200);
    assert_eq!(done.json()["status"], "done");
    assert!(done.json()["closed_at"].is_string());
    app.patch(&format!("/api/v1/actions/{nurses}"))
        .token(&lead)
        .json(&json!({ "progress_note": "More" }))
        .await
        .assert_problem(409, "action_state");
    app.patch(&format!("/api/v1/actions/{mine}"))
        .token(&school)
        .json(&json!({ "completion_note": "Early" }))
        .await
        .assert_problem(422, "validation_failed");

    // Someone outside the team sees none of it.
    let outsider = app.token("social_care").await;
    for path in [
        format!("/api/v1/tafs/{taf}/meetings"),
        format!("/api/v1/tafs/{taf}/actions"),
        path.clone(),
    ] {
        app.get(&path)
            .token(&outsider)
            .send()
            .await
            .assert_problem(404, "not_found");
    }

    let chronology = app
        .get(&format!("/api/v1/families/{}/chronology", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    let kinds: Vec<&str> = chronology["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["kind"].as_str())
        .collect();
    for kind in [
        "taf.meeting_scheduled",
        "taf.minutes_finalised",
        "taf.minutes_acknowledged",
        "taf.action_done",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let audited: Vec<String> = app
        .audit_rows()
        .into_iter()
        .map(|row| row.action)
        .filter(|action| action.starts_with("meeting.") || action.starts_with("action."))
        .collect();
    for action in [
        "meeting.schedule",
        "meeting.update",
        "meeting.finalise",
        "meeting.list_received",
        "meeting.acknowledge",
        "meeting.read",
        "action.list",
        "action.update",
    ] {
        assert!(
            audited.iter().any(|a| a == action),
            "{action} in {audited:?}"
        );
    }
}

#[actix_web::test]
async fn finalised_minutes_name_only_the_team_and_the_family_and_a_closed_episode_meets_no_more() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Minutely").await;
    let other = app.open_case(&lead, "Demo-Elsewise").await;
    let plan = app.taf_with_plan(&lead, &case.episode).await;
    let meeting = app
        .post(&format!("/api/v1/tafs/{}/meetings", plan.taf))
        .token(&lead)
        .json(&json!({ "starts_at": "2026-12-24T10:00:00Z", "virtual": true }))
        .await
        .json();
    let path = format!("/api/v1/meetings/{}", id_of(&meeting));
    let mut minutes = complete_minutes(&plan.lead_member, "2027-01-15");
    minutes["attendees"] = json!([{ "member_id": case.adult }]);
    minutes["family_present"] = json!([other.adult]);
    minutes["actions"][0]["owner_member_id"] = json!(case.child);
    app.patch(&path)
        .token(&lead)
        .header("if-match", "*")
        .json(&json!({ "minutes": minutes }))
        .await
        .assert_status(200);
    let problem = app
        .post(&format!("{path}/finalise"))
        .token(&lead)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let mut found = error_fields(&problem);
    found.sort();
    assert_eq!(
        found,
        vec![
            "minutes.actions[0].owner_member_id",
            "minutes.attendees[0].member_id",
            "minutes.family_present[0]"
        ]
    );
    let scheduled = app.get(&path).token(&lead).send().await.json();
    assert_eq!(scheduled["state"], "scheduled");

    app.post(&format!("/api/v1/episodes/{}/close", case.episode))
        .token(&lead)
        .json(&json!({ "reason": "outcomes_met" }))
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/tafs/{}/meetings", plan.taf))
        .token(&lead)
        .json(&json!({ "starts_at": "2027-01-24T10:00:00Z", "virtual": true }))
        .await
        .assert_problem(409, "episode_closed");
}
