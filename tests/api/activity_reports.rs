//! Reports over a period on a known dataset: step-ups and step-downs, consultations, and Teams
//! Around the Family, with exact figures, per role scope, as JSON and CSV and for publication.

use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use chrono::{Duration, Utc};
use diesel::RunQueryDsl;
use serde_json::{json, Value};

impl TestApp {
    async fn period_report(&self, token: &str, path: &str) -> Value {
        let reply = self.get(path).token(token).send().await;
        reply.assert_status(200);
        let report = reply.json();
        assert_eq!(report["rows"].as_array().unwrap().len(), 1, "{report}");
        report["rows"][0].clone()
    }
}

fn assert_figures(row: &Value, figures: &[(&str, Value)]) {
    for (key, expected) in figures {
        assert_eq!(&row[*key], expected, "{key} in {row}");
    }
}

/// A step-down of a new North family, accepted by the practitioner when `accept`.
async fn step_down(app: &TestApp, name: &str, accept: bool) {
    let social = app.token("social_care").await;
    let today = Utc::now().date_naive();
    let mut family = crate::case_helpers::family_body(name, "2015-03-01", None);
    family["confirm_new"] = json!(true);
    let recorded = app
        .post("/api/v1/step-downs")
        .token(&social)
        .json(&json!({
            "source": "mash_contact", "family": family, "locality_id": app.directory.north,
            "reason": "Early help is needed", "needs_summary": "Routines", "threshold_level": 2,
            "snf_due_on": (today + Duration::days(10)).to_string(),
            "consent": { "given_by_member": 0, "method": "verbal", "given_on": today.to_string() }
        }))
        .await;
    recorded.assert_status(201);
    if !accept {
        return;
    }
    let id = id_of(&recorded.json());
    let lcss = app.token("lcss_worker").await;
    app.post(&format!("/api/v1/step-downs/{id}/allocate"))
        .token(&lcss)
        .json(&json!({ "lead_professional_id": app.persona("practitioner").id }))
        .await
        .assert_status(200);
    let lead = app.token("practitioner").await;
    app.post(&format!("/api/v1/step-downs/{id}/accept"))
        .token(&lead)
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn step_ups_and_step_downs_are_counted_with_their_decisions_and_pick_up() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let social = app.token("social_care").await;
    // One child with a completed form stepped up and accepted; one without, not accepted.
    let assessed = app.accepted_case(&lead, "Demo-Upone").await;
    let unassessed = app.open_case(&lead, "Demo-Uptwo").await;
    let body =
        json!({ "threshold_level": 3, "reason": "Escalating", "tried": "TAF", "risks": "Neglect" });
    for (case, decision) in [
        (&assessed, json!({ "decision": "accepted" })),
        (
            &unassessed,
            json!({ "decision": "not_accepted", "advice": "Continue early help." }),
        ),
    ] {
        let raised = app
            .post(&format!("/api/v1/episodes/{}/step-ups", case.episode))
            .token(&lead)
            .json(&body)
            .await;
        raised.assert_status(201);
        app.post(&format!(
            "/api/v1/step-ups/{}/decision",
            id_of(&raised.json())
        ))
        .token(&social)
        .json(&decision)
        .await
        .assert_status(200);
    }
    step_down(&app, "Demo-Downone", true).await;
    step_down(&app, "Demo-Downtwo", false).await;

    let manager = app.token("manager").await;
    let row = app
        .period_report(&manager, "/api/v1/reports/step-transitions")
        .await;
    assert_figures(
        &row,
        &[
            ("step_ups", json!(2)),
            ("decided", json!(2)),
            ("accepted", json!(1)),
            ("accepted_share", json!(0.5)),
            ("median_days_to_decision", json!(0.0)),
            ("children_stepped_up", json!(2)),
            ("children_with_completed_snf_before", json!(1)),
            ("share_with_completed_snf_before", json!(0.5)),
            ("step_downs", json!(2)),
            ("step_downs_picked_up_by_due_date", json!(1)),
            ("share_picked_up_by_due_date", json!(0.5)),
        ],
    );
    // The practitioner's own: the step-ups they raised and the step-down they took on.
    let own = app
        .period_report(&lead, "/api/v1/reports/step-transitions")
        .await;
    assert_figures(&own, &[("step_ups", json!(2)), ("step_downs", json!(1))]);
    // Published: counts of 1 to 4 are "<5", and shares of them withheld.
    let published = app
        .period_report(&manager, "/api/v1/reports/step-transitions?publish=true")
        .await;
    assert_figures(
        &published,
        &[
            ("step_ups", json!("<5")),
            ("accepted_share", Value::Null),
            ("median_days_to_decision", json!(0.0)),
        ],
    );
    // A financial year before any of it: nothing.
    let earlier = app
        .period_report(
            &manager,
            "/api/v1/reports/step-transitions?financial_year=2024",
        )
        .await;
    assert_figures(
        &earlier,
        &[
            ("from", json!("2024-04-01")),
            ("to", json!("2025-03-31")),
            ("step_ups", json!(0)),
            ("accepted_share", Value::Null),
            ("median_days_to_decision", Value::Null),
        ],
    );
    app.get("/api/v1/reports/step-transitions?financial_year=2024&from=2024-05-01")
        .token(&manager)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    for role in ["lcss_worker", "social_care", "admin"] {
        let token = app.token(role).await;
        app.get("/api/v1/reports/step-transitions")
            .token(&token)
            .send()
            .await
            .assert_problem(403, "forbidden");
    }
}

#[actix_web::test]
async fn consultations_are_counted_by_kind_outcome_and_theme() {
    let app = TestApp::spawn().await;
    let lcss = app.token("lcss_worker").await;
    let today = Utc::now().date_naive().to_string();
    for (themes, outcome, signposted) in [
        (json!(["attendance", "parenting"]), "seek_consent", None),
        (json!(["attendance"]), "signpost", Some("Family hub course")),
    ] {
        app.post("/api/v1/no-names-consultations")
            .token(&lcss)
            .json(&json!({ "held_on": today, "consulting_user_id": app.persona("practitioner").id, "themes": themes, "threshold_view": 2, "advice": "Advice given.", "outcome": outcome, "signposted_to": signposted }))
            .await
            .assert_status(201);
    }
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Consulted").await;
    app.post(&format!("/api/v1/families/{}/consultations", case.family))
        .token(&lcss)
        .json(&json!({ "held_on": today, "consulting_name": "Sam Demo-Visitor", "consulting_organisation": "Health visiting", "themes": ["housing"], "threshold_view": 1, "advice": "Universal services.", "outcome": "universal_services" }))
        .await
        .assert_status(201);

    let lcss_manager = app.token("lcss_manager").await;
    let csv = app
        .get("/api/v1/reports/consultations")
        .token(&lcss_manager)
        .header("accept", "text/csv")
        .send()
        .await;
    csv.assert_status(200);
    let csv = csv.text();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "from,to,kind,outcome,consultations,theme_emotional_wellbeing,theme_attendance,\
         theme_behaviour,theme_parenting,theme_domestic_abuse,theme_neglect,\
         theme_substance_misuse,theme_housing,theme_finances,theme_send,theme_exploitation,\
         theme_other"
    );
    let rows: Vec<String> = lines[1..]
        .iter()
        .map(|line| line.splitn(3, ',').nth(2).unwrap().to_owned())
        .collect();
    assert_eq!(
        rows,
        [
            "advice,universal_services,1,0,0,0,0,0,0,0,1,0,0,0,0",
            "no_names,seek_consent,1,0,1,0,1,0,0,0,0,0,0,0,0",
            "no_names,signpost,1,0,1,0,0,0,0,0,0,0,0,0,0",
        ]
    );
    // The practitioner sees the consultations they sought; South's LCSS manager none of North's.
    let own = app
        .get("/api/v1/reports/consultations")
        .token(&lead)
        .send()
        .await
        .json();
    let own: Vec<&str> = own["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(own, ["seek_consent", "signpost"]);
}

#[actix_web::test]
async fn teams_meetings_lcss_attendance_reviews_and_closures_are_counted() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let first = app.open_case(&lead, "Demo-Teamone").await;
    let plan = app.taf_with_plan(&lead, &first.episode).await;
    let second = app.accepted_case(&lead, "Demo-Teamtwo").await;
    let taf = app
        .post(&format!("/api/v1/episodes/{}/taf", second.episode))
        .token(&lead)
        .send()
        .await;
    taf.assert_status(201);
    let taf = id_of(&taf.json());
    app.post(&format!("/api/v1/tafs/{taf}/close"))
        .token(&lead)
        .json(&json!({ "outcomes": [{ "achievement": "partly_achieved" }], "next_step": "universal_services" }))
        .await
        .assert_status(200);
    // The first team's review date passes.
    diesel::sql_query(format!(
        "UPDATE tafs SET review_due_on = current_date - 1 WHERE id = '{}'",
        plan.taf
    ))
    .execute(&mut app.db.connect())
    .unwrap();

    let manager = app.token("manager").await;
    let row = app.period_report(&manager, "/api/v1/reports/taf").await;
    assert_figures(
        &row,
        &[
            ("teams_formed", json!(2)),
            ("meetings_held", json!(1)),
            ("meetings_with_lcss", json!(0)),
            ("lcss_attendance_share", json!(0.0)),
            ("reviews_overdue", json!(1)),
            ("teams_closed", json!(1)),
            ("outcomes_achieved", json!(0)),
            ("outcomes_partly_achieved", json!(1)),
            ("outcomes_not_achieved", json!(0)),
        ],
    );
    let other = app.token("practitioner2").await;
    let theirs = app.period_report(&other, "/api/v1/reports/taf").await;
    assert_figures(
        &theirs,
        &[("teams_formed", json!(0)), ("meetings_held", json!(0))],
    );
}

#[actix_web::test]
async fn episode_durations_are_banded_per_closure_reason_and_in_all() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let quick = app.open_case(&lead, "Demo-Shortstay").await;
    let long = app.open_case(&lead, "Demo-Longstay").await;
    diesel::sql_query(format!(
        "UPDATE episodes SET opened_at = now() - interval '200 days' WHERE id = '{}'",
        long.episode
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    for (case, reason) in [(&quick, "outcomes_met"), (&long, "family_disengaged")] {
        app.post(&format!("/api/v1/episodes/{}/close", case.episode))
            .token(&lead)
            .json(&json!({ "reason": reason }))
            .await
            .assert_status(200);
    }
    let manager = app.token("manager").await;
    let report = app
        .get("/api/v1/reports/episode-durations")
        .token(&manager)
        .send()
        .await;
    report.assert_status(200);
    let report = report.json();
    let rows: Vec<(String, Value, Value, Value, Value)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["closure_reason"].as_str().unwrap().to_owned(),
                row["closed"].clone(),
                row["median_days_open"].clone(),
                row["under_3_months"].clone(),
                row["from_6_to_12_months"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "family_disengaged".to_owned(),
                json!(1),
                json!(200.0),
                json!(0),
                json!(1)
            ),
            (
                "outcomes_met".to_owned(),
                json!(1),
                json!(0.0),
                json!(1),
                json!(0)
            ),
            ("all".to_owned(), json!(2), json!(100.0), json!(1), json!(1)),
        ]
    );
    assert_eq!(report["rows"][2]["p90_days_open"], 180.0);
}
