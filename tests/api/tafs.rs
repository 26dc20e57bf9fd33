//! Teams Around the Family: forming an episode's team, who may join it, and the Team reach its
//! members with an account get to the family's record, for exactly as long as the membership
//! stands and the episode is open.

use crate::case_helpers::{error_fields, id_of, Case};
use crate::helpers::TestApp;
use awc::http::Method;
use earlyhelp_tests::http::Reply;
use serde_json::{json, Value};

impl TestApp {
    async fn form_taf(&self, token: &str, episode: &str) -> Value {
        let formed = self
            .post(&format!("/api/v1/episodes/{episode}/taf"))
            .token(token)
            .send()
            .await;
        formed.assert_status(201);
        formed.json()
    }

    async fn add_to_taf(&self, token: &str, taf: &str, body: &Value) -> Reply {
        self.post(&format!("/api/v1/tafs/{taf}/members"))
            .token(token)
            .json(body)
            .await
    }

    async fn close_taf(&self, token: &str, taf: &str, body: &Value) -> Reply {
        self.post(&format!("/api/v1/tafs/{taf}/close"))
            .token(token)
            .json(body)
            .await
    }

    async fn end_membership(&self, token: &str, taf: &str, member: &str) -> Reply {
        self.request(
            Method::DELETE,
            &format!("/api/v1/tafs/{taf}/members/{member}"),
        )
        .token(token)
        .send()
        .await
    }

    /// The status of `token`'s reads of the case's family, episode and chronology, and
    /// whether the families list shows it.
    async fn reach(&self, token: &str, case: &Case) -> (Vec<u16>, bool) {
        let mut statuses = Vec::new();
        for path in [
            format!("/api/v1/families/{}", case.family),
            format!("/api/v1/episodes/{}", case.episode),
            format!("/api/v1/families/{}/chronology", case.family),
            format!("/api/v1/people/{}", case.child),
        ] {
            statuses.push(self.get(&path).token(token).send().await.status);
        }
        let families = self
            .get("/api/v1/families")
            .token(token)
            .send()
            .await
            .json();
        let listed = families["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|family| family["id"] == case.family.as_str());
        (statuses, listed)
    }
}

fn professional(user: impl std::fmt::Display, role: &str) -> Value {
    json!({ "kind": "professional", "user_id": user.to_string(), "role_in_plan": role })
}

#[actix_web::test]
async fn a_member_reads_the_family_while_their_membership_stands() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let other = app.token("practitioner2").await;
    let case = app.open_case(&lead, "Demo-Tafford").await;
    assert_eq!(app.reach(&other, &case).await, (vec![404; 4], false));

    let formed = app
        .post(&format!("/api/v1/episodes/{}/taf", case.episode))
        .token(&lead)
        .send()
        .await;
    formed.assert_status(201);
    let taf = formed.json();
    let taf_id = id_of(&taf);
    assert_eq!(
        formed.header("location").unwrap(),
        format!("/api/v1/tafs/{taf_id}")
    );
    assert_eq!(taf["episode_id"], case.episode.as_str());
    let members = taf["members"].as_array().unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["kind"], "professional");
    assert_eq!(
        members[0]["user_id"],
        app.persona("practitioner").id.to_string()
    );
    assert_eq!(members[0]["name"], "Test practitioner");
    assert_eq!(members[0]["role_in_plan"], "Lead professional");
    assert_eq!(members[0]["active"], true);
    app.post(&format!("/api/v1/episodes/{}/taf", case.episode))
        .token(&lead)
        .send()
        .await
        .assert_problem(409, "conflict");

    // A practitioner of another school and locality joins: from now they read the record...
    let joined = app
        .add_to_taf(
            &lead,
            &taf_id,
            &professional(app.persona("practitioner2").id, "Attendance support"),
        )
        .await;
    joined.assert_status(201);
    let joined = joined.json();
    assert_eq!(joined["name"], "Test practitioner2");
    assert_eq!(joined["role_in_plan"], "Attendance support");
    assert!(joined["organisation"].is_string());
    assert_eq!(app.reach(&other, &case).await, (vec![200; 4], true));
    let seen = app
        .get(&format!("/api/v1/tafs/{taf_id}"))
        .token(&other)
        .send()
        .await;
    seen.assert_status(200);
    assert_eq!(seen.json()["members"].as_array().unwrap().len(), 2);
    // ... but change nothing: the lead professional does.
    app.request(Method::PATCH, &format!("/api/v1/families/{}", case.family))
        .token(&other)
        .json(&json!({ "postcode": "OX16 5AU" }))
        .await
        .assert_problem(403, "forbidden");
    app.add_to_taf(
        &other,
        &taf_id,
        &json!({ "kind": "external", "name": "Sam Demo-Nurse", "organisation": "School nursing" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.add_to_taf(
        &lead,
        &taf_id,
        &professional(app.persona("practitioner2").id, "Again"),
    )
    .await
    .assert_problem(409, "conflict");

    // Professionals without accounts and family members join too, and read nothing.
    let nurse = app
        .add_to_taf(&lead, &taf_id, &json!({ "kind": "external", "name": " Sam Demo-Nurse ", "organisation": "School nursing", "contact": "0300 000 0000" }))
        .await;
    nurse.assert_status(201);
    assert_eq!(nurse.json()["name"], "Sam Demo-Nurse");
    assert_eq!(nurse.json()["user_id"], Value::Null);
    let parent = app
        .add_to_taf(
            &lead,
            &taf_id,
            &json!({ "kind": "family", "person_id": case.adult }),
        )
        .await;
    parent.assert_status(201);
    assert_eq!(parent.json()["person_id"], case.adult.as_str());
    assert_eq!(parent.json()["organisation"], Value::Null);

    // The lead stays; anyone else can go, and their reach goes with them at once.
    let lead_member = id_of(&taf["members"][0]);
    app.end_membership(&lead, &taf_id, &lead_member)
        .await
        .assert_problem(409, "conflict");
    app.end_membership(&lead, &taf_id, &id_of(&joined))
        .await
        .assert_status(204);
    assert_eq!(app.reach(&other, &case).await, (vec![404; 4], false));
    app.get(&format!("/api/v1/tafs/{taf_id}"))
        .token(&other)
        .send()
        .await
        .assert_problem(404, "not_found");
    app.end_membership(&lead, &taf_id, &id_of(&joined))
        .await
        .assert_problem(409, "conflict");
    let now = app
        .get(&format!("/api/v1/episodes/{}/taf", case.episode))
        .token(&lead)
        .send()
        .await;
    now.assert_status(200);
    let members = now.json()["members"].as_array().unwrap().clone();
    assert_eq!(members.len(), 4);
    let ended = members.last().unwrap();
    assert_eq!(ended["id"], joined["id"]);
    assert_eq!(ended["active"], false);
    assert!(ended["ended_at"].is_string());
    assert_eq!(
        ended["ended_by"],
        app.persona("practitioner").id.to_string()
    );

    // Every step is in the audit trail and the family's chronology.
    let actions: Vec<String> = app
        .audit_rows()
        .into_iter()
        .filter(|row| row.action.starts_with("taf."))
        .map(|row| row.action)
        .collect();
    for action in ["taf.create", "taf.add_member", "taf.end_member", "taf.read"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
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
    for kind in ["taf.formed", "taf.member_added", "taf.member_ended"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let text = chronology.to_string();
    assert!(!text.contains("Demo-Nurse") && !text.contains("Test practitioner2"));
}

#[actix_web::test]
async fn lcss_and_social_care_members_read_the_family_wherever_it_lives() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Tafwell").await;
    // An LCSS worker of the family's locality forms the team for the lead.
    let lcss = app.token("lcss_worker").await;
    let taf = id_of(&app.form_taf(&lcss, &case.episode).await);
    for role in ["social_care", "lcss_worker2"] {
        let token = app.token(role).await;
        assert_eq!(
            app.reach(&token, &case).await,
            (vec![404; 4], false),
            "{role}"
        );
        app.add_to_taf(&lcss, &taf, &professional(app.persona(role).id, "Advice"))
            .await
            .assert_status(201);
        assert_eq!(
            app.reach(&token, &case).await,
            (vec![200; 4], true),
            "{role}"
        );
    }
    // Managers and administrators work no cases: they cannot join one.
    for role in ["manager", "admin"] {
        let refused = app
            .add_to_taf(&lead, &taf, &professional(app.persona(role).id, "Observer"))
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(refused["errors"][0]["field"], "user_id", "{role}");
    }
}

#[actix_web::test]
async fn the_familys_consent_decides_who_may_join_and_its_withdrawal_ends_every_reach() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Consentby").await;
    let taf = id_of(&app.form_taf(&lead, &case.episode).await);
    let social_care = app.token("social_care").await;
    app.add_to_taf(
        &lead,
        &taf,
        &professional(app.persona("social_care").id, "Advice"),
    )
    .await
    .assert_status(201);

    let other = app.token("practitioner2").await;
    let school = app
        .add_to_taf(
            &lead,
            &taf,
            &professional(app.persona("practitioner2").id, "Attendance"),
        )
        .await;
    school.assert_status(201);
    assert_eq!(app.reach(&other, &case).await.0, vec![200; 4]);

    // The family no longer wants the other school involved: its staff leave the team at once,
    // and cannot join again.
    let excluded = app.persona("practitioner2").organisation_id;
    let consent = app
        .post(&format!("/api/v1/families/{}/consents", case.family))
        .token(&lead)
        .json(&json!({ "given_by_person_id": case.adult, "for_assessment": true, "method": "written", "given_on": "2026-01-06", "excluded_organisation_ids": [excluded] }))
        .await;
    consent.assert_status(201);
    assert_eq!(app.reach(&other, &case).await, (vec![404; 4], false));
    let team = app
        .get(&format!("/api/v1/tafs/{taf}"))
        .token(&lead)
        .send()
        .await
        .json();
    let gone = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|member| member["id"] == school.json()["id"])
        .unwrap()
        .clone();
    assert_eq!(gone["active"], false);
    let refused = app
        .add_to_taf(
            &lead,
            &taf,
            &professional(app.persona("practitioner2").id, "Attendance"),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "user_id");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("consent excludes"),
        "{refused}"
    );
    app.get(&format!("/api/v1/tafs/{taf}"))
        .token(&lead)
        .send()
        .await
        .json()["members"]
        .as_array()
        .map(|members| assert_eq!(members.len(), 3))
        .unwrap();

    // Withdrawing every consent to assessment closes the episode: the team reaches nothing more.
    assert_eq!(app.reach(&social_care, &case).await, (vec![200; 4], true));
    let consents = app
        .get(&format!("/api/v1/families/{}/consents", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    for consent in consents["items"].as_array().unwrap() {
        app.post(&format!("/api/v1/consents/{}/withdraw", id_of(consent)))
            .token(&lead)
            .json(&json!({}))
            .await
            .assert_status(200);
    }
    assert_eq!(app.reach(&social_care, &case).await, (vec![404; 4], false));
    let closed = app
        .add_to_taf(
            &lead,
            &taf,
            &json!({ "kind": "family", "person_id": case.child }),
        )
        .await
        .assert_problem(409, "episode_closed");
    assert!(closed["detail"].is_string());
    // The lead still reads the team's record of the closed episode.
    app.get(&format!("/api/v1/episodes/{}/taf", case.episode))
        .token(&lead)
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn closing_the_episode_ends_the_team_reach_and_a_closed_episode_forms_no_team() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let other = app.token("practitioner2").await;
    let case = app.open_case(&lead, "Demo-Closeley").await;
    let taf = id_of(&app.form_taf(&lead, &case.episode).await);
    app.add_to_taf(
        &lead,
        &taf,
        &professional(app.persona("practitioner2").id, "Support"),
    )
    .await
    .assert_status(201);
    assert_eq!(app.reach(&other, &case).await.0, vec![200; 4]);
    app.post(&format!("/api/v1/episodes/{}/close", case.episode))
        .token(&lead)
        .json(&json!({ "reason": "outcomes_met" }))
        .await
        .assert_status(200);
    assert_eq!(app.reach(&other, &case).await, (vec![404; 4], false));

    let fresh = app.open_case(&lead, "Demo-Shutley").await;
    app.post(&format!("/api/v1/episodes/{}/close", fresh.episode))
        .token(&lead)
        .json(&json!({ "reason": "outcomes_met" }))
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/episodes/{}/taf", fresh.episode))
        .token(&lead)
        .send()
        .await
        .assert_problem(409, "episode_closed");
    app.get(&format!("/api/v1/episodes/{}/taf", fresh.episode))
        .token(&lead)
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_member_request_names_every_wrong_field_and_a_retry_adds_no_one_twice() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Fieldsby").await;
    let stranger = app.open_case(&lead, "Demo-Otherby").await;
    let taf = id_of(&app.form_taf(&lead, &case.episode).await);
    for (body, expected) in [
        (json!({ "kind": "friend" }), vec!["kind"]),
        (json!({ "kind": "professional" }), vec!["user_id"]),
        (
            json!({ "kind": "external", "user_id": app.persona("practitioner2").id, "name": "  " }),
            vec!["organisation", "user_id", "name"],
        ),
        (
            json!({ "kind": "family", "person_id": stranger.child }),
            vec!["person_id"],
        ),
        (
            json!({ "kind": "professional", "user_id": "0190a2b4-0000-7000-8000-000000000000" }),
            vec!["user_id"],
        ),
        (
            json!({ "kind": "external", "name": "Sam\u{202E}Demo", "organisation": "Clinic", "role_in_plan": "x".repeat(201) }),
            vec!["role_in_plan", "name"],
        ),
    ] {
        let problem = app
            .add_to_taf(&lead, &taf, &body)
            .await
            .assert_problem(422, "validation_failed");
        let mut found = error_fields(&problem);
        let mut expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        found.sort();
        expected.sort();
        assert_eq!(found, expected, "{body}: {problem}");
    }

    let body =
        json!({ "kind": "external", "name": "Robin Demo-Worker", "organisation": "Family hub" });
    let mut ids = Vec::new();
    for _ in 0..2 {
        let added = app
            .post(&format!("/api/v1/tafs/{taf}/members"))
            .token(&lead)
            .header("idempotency-key", "taf-member-retry-1")
            .json(&body)
            .await;
        added.assert_status(201);
        ids.push(id_of(&added.json()));
    }
    assert_eq!(ids[0], ids[1]);
    let members = app
        .get(&format!("/api/v1/tafs/{taf}"))
        .token(&lead)
        .send()
        .await
        .json();
    assert_eq!(members["members"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn closing_a_team_rates_each_planned_outcome_and_ends_its_reach() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let other = app.token("practitioner2").await;
    let case = app.accepted_case(&lead, "Demo-Closewell").await;
    let taf = id_of(&app.form_taf(&lead, &case.episode).await);
    app.add_to_taf(
        &lead,
        &taf,
        &professional(app.persona("practitioner2").id, "Support"),
    )
    .await
    .assert_status(201);
    assert_eq!(app.reach(&other, &case).await.0, vec![200; 4]);

    let problem = app
        .close_taf(
            &lead,
            &taf,
            &json!({ "outcomes": [], "next_step": "universal_services" }),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "outcomes");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("each of the 1 planned outcomes"));
    let problem = app
        .close_taf(
            &lead,
            &taf,
            &json!({ "outcomes": [{ "achievement": "mostly" }], "next_step": "elsewhere" }),
        )
        .await
        .assert_problem(422, "validation_failed");
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, vec!["next_step", "outcomes[0].achievement"]);
    app.post(&format!("/api/v1/tafs/{taf}/close"))
        .token(&other)
        .json(&json!({ "outcomes": [{ "achievement": "achieved" }], "next_step": "universal_services" }))
        .await
        .assert_problem(403, "forbidden");

    let closed = app.close_taf(&lead, &taf, &json!({
        "outcomes": [{ "achievement": "partly_achieved", "note": "Attendance 93%, up from 82%." }],
        "family_feedback": "The morning plan helped.",
        "child_feedback": "I like breakfast club.",
        "next_step": "universal_services",
        "next_step_detail": "School pastoral support continues"
    }))
    .await;
    closed.assert_status(200);
    let closed = closed.json();
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["outcomes"][0]["outcome"], "Attends school every day");
    assert_eq!(closed["outcomes"][0]["measure"], "Attendance above 95%");
    assert_eq!(closed["outcomes"][0]["achievement"], "partly_achieved");
    assert_eq!(closed["next_step"], "universal_services");
    assert_eq!(closed["review_overdue"], false);

    // The episode is still open, but the team reaches nothing and changes no more.
    assert_eq!(app.reach(&other, &case).await, (vec![404; 4], false));
    app.get(&format!("/api/v1/episodes/{}", case.episode))
        .token(&lead)
        .send()
        .await
        .assert_status(200);
    app.close_taf(
        &lead,
        &taf,
        &json!({ "outcomes": [{ "achievement": "achieved" }], "next_step": "step_up" }),
    )
    .await
    .assert_problem(409, "taf_closed");
    app.add_to_taf(
        &lead,
        &taf,
        &json!({ "kind": "family", "person_id": case.adult }),
    )
    .await
    .assert_problem(409, "taf_closed");
    app.post(&format!("/api/v1/tafs/{taf}/meetings"))
        .token(&lead)
        .json(&json!({ "starts_at": "2026-12-20T10:00:00Z", "virtual": true }))
        .await
        .assert_problem(409, "taf_closed");
    let chronology = app
        .get(&format!("/api/v1/families/{}/chronology", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    let closing = chronology["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["kind"] == "taf.closed")
        .expect("a taf.closed entry");
    assert!(closing["summary"]
        .as_str()
        .unwrap()
        .contains("0 of 1 planned outcome(s) achieved"));
}

#[actix_web::test]
async fn teams_past_their_review_date_are_listed_as_overdue_within_scope() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let late = app.open_case(&lead, "Demo-Lateby").await;
    let timely = app.open_case(&lead, "Demo-Ontime").await;
    let late_taf = id_of(&app.form_taf(&lead, &late.episode).await);
    let timely_taf = app.form_taf(&lead, &timely.episode).await;
    // A fresh team's first review is one cadence (six weeks) away.
    let due: chrono::NaiveDate = timely_taf["review_due_on"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!((due - chrono::Utc::now().date_naive()).num_days(), 42);
    let timely_taf = id_of(&timely_taf);

    // The late team met in October and set its next review for November: it is overdue.
    let lead_member = id_of(
        &app.get(&format!("/api/v1/tafs/{late_taf}/members"))
            .token(&lead)
            .send()
            .await
            .json()["items"][0],
    );
    let meeting = app
        .post(&format!("/api/v1/tafs/{late_taf}/meetings"))
        .token(&lead)
        .json(&json!({ "starts_at": "2026-10-01T10:00:00Z", "virtual": true }))
        .await
        .json();
    let path = format!("/api/v1/meetings/{}", id_of(&meeting));
    let mut minutes = crate::case_helpers::complete_minutes(&lead_member, "2026-10-15");
    minutes["next_review_on"] = json!("2026-09-30");
    app.patch(&path)
        .token(&lead)
        .header("if-match", "\"1\"")
        .json(&json!({ "minutes": minutes }))
        .await
        .assert_status(200);
    let problem = app
        .post(&format!("{path}/finalise"))
        .token(&lead)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "minutes.next_review_on");
    app.patch(&path)
        .token(&lead)
        .header("if-match", "\"2\"")
        .json(&json!({ "minutes": { "next_review_on": "2026-11-12" } }))
        .await
        .assert_status(200);
    app.post(&format!("{path}/finalise"))
        .token(&lead)
        .send()
        .await
        .assert_status(200);

    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap().to_owned())
            .collect()
    };
    for role in ["practitioner", "lcss_worker", "lcss_manager"] {
        let token = app.token(role).await;
        let overdue = app
            .get("/api/v1/tafs?overdue=true")
            .token(&token)
            .send()
            .await;
        overdue.assert_status(200);
        let overdue = overdue.json();
        assert_eq!(ids(&overdue), vec![late_taf.clone()], "{role}");
        assert_eq!(overdue["items"][0]["review_due_on"], "2026-11-12");
        assert_eq!(overdue["items"][0]["review_overdue"], true);
        let all = app.get("/api/v1/tafs").token(&token).send().await.json();
        assert_eq!(
            ids(&all),
            vec![late_taf.clone(), timely_taf.clone()],
            "{role}"
        );
    }
    for role in ["practitioner2", "lcss_worker2", "social_care", "manager"] {
        let token = app.token(role).await;
        let all = app.get("/api/v1/tafs").token(&token).send().await;
        all.assert_status(200);
        assert!(ids(&all.json()).is_empty(), "{role}");
    }
    app.get("/api/v1/tafs?overdue=maybe")
        .token(&lead)
        .send()
        .await
        .assert_problem(422, "validation_failed");
}
