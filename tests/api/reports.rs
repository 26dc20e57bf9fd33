//! Caseload reports over a known dataset: exact figures per grouping and role scope, as JSON
//! and CSV, prepared for publication, and audited.

use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use serde_json::{json, Value};

impl TestApp {
    pub(crate) async fn report(&self, token: &str, query: &str) -> Value {
        let reply = self
            .get(&format!("/api/v1/reports/caseload{query}"))
            .token(token)
            .send()
            .await;
        reply.assert_status(200);
        reply.json()
    }

    pub(crate) async fn report_csv(&self, token: &str, query: &str) -> String {
        let reply = self
            .get(&format!("/api/v1/reports/caseload{query}"))
            .token(token)
            .header("accept", "text/csv")
            .send()
            .await;
        reply.assert_status(200);
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("text/csv; charset=utf-8")
        );
        reply.text()
    }
}

/// The known dataset: in North, the practitioner's school leads two episodes (one closed, its
/// outcomes met) and LCSS North one at level 3; in South, the other school leads one.
pub(crate) async fn dataset(app: &TestApp) -> String {
    let lead = app.token("practitioner").await;
    let open = app.open_case(&lead, "Demo-Reportone").await;
    let closed = app.open_case(&lead, "Demo-Reporttwo").await;
    app.post(&format!("/api/v1/episodes/{}/close", closed.episode))
        .token(&lead)
        .json(&json!({ "reason": "outcomes_met" }))
        .await
        .assert_status(200);
    let lcss = app.token("lcss_worker").await;
    let led_by_lcss = app.open_case(&lcss, "Demo-Reportthree").await;
    app.post(&format!(
        "/api/v1/episodes/{}/threshold",
        led_by_lcss.episode
    ))
    .token(&lcss)
    .json(&json!({ "level": 3, "rationale": "Needs are complex" }))
    .await
    .assert_status(200);
    let south = app.token("practitioner2").await;
    app.open_case(&south, "Demo-Reportfour").await;
    open.episode
}

pub(crate) fn rows(report: &Value) -> &Vec<Value> {
    report["rows"].as_array().unwrap()
}

#[actix_web::test]
async fn a_manager_reports_the_county_caseload_by_every_grouping_with_exact_figures() {
    let app = TestApp::spawn().await;
    dataset(&app).await;
    let manager = app.token("manager").await;

    let county = app.report(&manager, "?by=county").await;
    assert_eq!(county["report"], "caseload");
    assert_eq!(county["published"], false);
    let row = &rows(&county)[0];
    for (key, expected) in [
        ("open", 3),
        ("open_level_2", 2),
        ("open_level_3", 1),
        ("open_led_by_lcss", 1),
        ("open_led_by_partners", 2),
        ("opened", 4),
        ("closed", 1),
        ("closed_outcomes_met", 1),
        ("closed_stepped_up", 0),
    ] {
        assert_eq!(row[key], expected, "{key}");
    }
    assert_eq!(
        county["columns"][4],
        json!({ "key": "open", "kind": "count" })
    );

    let localities = app.report(&manager, "?by=locality").await;
    let names: Vec<&str> = rows(&localities)
        .iter()
        .map(|row| row["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["North", "South"]);
    assert_eq!(rows(&localities)[0]["open"], 2);
    assert_eq!(rows(&localities)[0]["opened"], 3);
    assert_eq!(rows(&localities)[1]["open"], 1);
    assert_eq!(rows(&localities)[1]["closed"], 0);

    let kinds = app.report(&manager, "?by=organisation_kind").await;
    let kinds: Vec<(String, i64)> = rows(&kinds)
        .iter()
        .map(|row| {
            (
                row["key"].as_str().unwrap().to_owned(),
                row["open"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, [("lcss".to_owned(), 1), ("school".to_owned(), 2)]);

    // A period before anything happened counts what is open now, nothing new or closed.
    let earlier = app
        .report(&manager, "?by=county&from=2025-04-01&to=2025-04-30")
        .await;
    assert_eq!(rows(&earlier)[0]["open"], 3);
    assert_eq!(rows(&earlier)[0]["opened"], 0);
    assert_eq!(rows(&earlier)[0]["from"], "2025-04-01");

    // For publication every count from 1 to 4 is "<5"; zero stays zero.
    let published = app.report(&manager, "?by=county&publish=true").await;
    assert_eq!(published["published"], true);
    assert_eq!(rows(&published)[0]["open"], "<5");
    assert_eq!(rows(&published)[0]["closed_stepped_up"], 0);
    let csv = app.report_csv(&manager, "?by=county&publish=true").await;
    assert!(csv.lines().nth(1).unwrap().contains(",<5,<5,<5,"), "{csv}");

    app.get("/api/v1/reports/caseload?by=everyone")
        .token(&manager)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/v1/reports/caseload?from=2026-05-01&to=2026-04-01")
        .token(&manager)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let exports = app
        .audit_rows()
        .into_iter()
        .filter(|row| row.action == "report.export")
        .count();
    assert_eq!(exports, 6, "every export is audited");
}

#[actix_web::test]
async fn each_role_reports_only_its_scope_and_the_csv_is_safe_to_open() {
    let app = TestApp::spawn().await;
    let episode = dataset(&app).await;

    // An LCSS manager: their locality only.
    let lcss_manager = app.token("lcss_manager").await;
    let organisations = app.report(&lcss_manager, "?by=organisation").await;
    let names: Vec<&str> = rows(&organisations)
        .iter()
        .map(|row| row["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["LCSS North", "Northgate Primary School"]);
    assert_eq!(rows(&organisations)[1]["open"], 1);
    assert_eq!(rows(&organisations)[1]["closed"], 1);

    // A practitioner: their own caseload, one row per open episode; not the review queues.
    let lead = app.token("practitioner").await;
    let form = id_of(&app.start_form(&lead, &episode).await);
    app.submit(&lead, &form).send().await.assert_status(200);
    let own = app.report(&lead, "?by=lead_professional").await;
    assert_eq!(rows(&own).len(), 1);
    let case = &rows(&own)[0];
    assert_eq!(case["episode_id"], episode.as_str());
    assert_eq!(case["lead_professional"], "Test practitioner");
    assert_eq!(case["threshold_level"], 2.0);
    assert_eq!(case["days_open"], 0.0);
    assert_eq!(case["snf_state"], "submitted");
    assert_eq!(case["next_taf_meeting_on"], Value::Null);
    app.get("/api/v1/reports/caseload?by=reviewer")
        .token(&lead)
        .send()
        .await
        .assert_problem(403, "forbidden");
    for role in ["lcss_worker", "social_care", "admin"] {
        let token = app.token(role).await;
        app.get("/api/v1/reports/caseload")
            .token(&token)
            .send()
            .await
            .assert_problem(403, "forbidden");
    }

    // The review queues: the submitted form waits, unassigned, in North's queue.
    let manager = app.token("manager").await;
    let queues = app.report(&manager, "?by=reviewer").await;
    assert_eq!(
        rows(&queues),
        &vec![
            json!({ "locality": "North", "reviewer_id": null, "reviewer": null, "pending": 1, "overdue": 0, "oldest_age_days": 0.0 })
        ]
    );

    // An organisation whose name a spreadsheet would run as a formula is neutralised.
    let admin = app.token("admin").await;
    let formula = app
        .post("/api/v1/admin/organisations")
        .token(&admin)
        .json(&json!({ "name": "=HYPERLINK(\"http://example.test\",\"Demo\")", "kind": "school", "locality_id": app.directory.north }))
        .await;
    formula.assert_status(201);
    let formula_org = id_of(&formula.json());
    let (_, formula_lead) = app
        .onboard(&json!({ "email": "formula.lead@test.earlyhelp.test", "display_name": "Formula Lead", "roles": ["practitioner"], "organisation_id": formula_org, "password": "a long example passphrase" }))
        .await;
    app.open_case(&formula_lead, "Demo-Formula").await;
    let csv = app.report_csv(&manager, "?by=organisation").await;
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "key,name,from,to,open,open_level_2,open_level_3,open_led_by_lcss,open_led_by_partners,\
         opened,closed,closed_outcomes_met,closed_stepped_up,closed_moved_out_of_area,\
         closed_consent_withdrawn,closed_family_disengaged,closed_other"
    );
    let formula_line = csv.lines().find(|line| line.contains("HYPERLINK")).unwrap();
    assert!(
        formula_line.contains(",\"'=HYPERLINK(\"\"http://example.test\"\",\"\"Demo\"\")\","),
        "{formula_line}"
    );
}

#[actix_web::test]
async fn annex_a_lists_each_child_per_assessment_with_the_templates_columns_and_codes() {
    use diesel::RunQueryDsl;
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let today = chrono::Utc::now().date_naive();
    let expected = (today + chrono::Duration::days(60)).to_string();
    let family = app
        .create_family(&lead, &json!({
            "confirm_new": true,
            "members": [
                { "kind": "adult", "given_name": "Robin", "family_name": "Demo-Annex", "date_of_birth": "1988-04-02", "sex": "F" },
                { "kind": "child", "given_name": "Jay", "family_name": "Demo-Annex", "date_of_birth": "2016-05-17", "sex": "M", "ethnicity": "WBRI" },
                { "kind": "child", "given_name": "Kit", "family_name": "Demo-Annex", "date_of_birth": "2019-02-02", "sex": "F" },
                { "kind": "child", "given_name": "Baby", "family_name": "Demo-Annex", "expected_date_of_birth": expected, "sex": "U" }
            ]
        }))
        .await;
    family.assert_status(201);
    let family = family.json();
    let family_id = id_of(&family);
    let member = |index: usize| id_of(&family["members"][index]);
    app.consent(&lead, &family_id, &member(0))
        .await
        .assert_status(201);
    let episode = app
        .open_episode(&lead, &json!({ "family_id": family_id, "children": [member(1), member(2), member(3)], "threshold_level": 2, "threshold_rationale": "Needs met by a TAF", "reason": "Attendance has fallen" }))
        .await;
    episode.assert_status(201);
    let episode = id_of(&episode.json());
    app.start_form(&lead, &episode).await;
    // A closed case whose form started long before the window is not listed.
    let old = app.open_case(&lead, "Demo-Oldcase").await;
    let old_form = id_of(&app.start_form(&lead, &old.episode).await);
    diesel::sql_query(format!(
        "UPDATE assessments SET created_at = now() - interval '200 days' WHERE id = '{old_form}'"
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    app.post(&format!("/api/v1/episodes/{}/close", old.episode))
        .token(&lead)
        .json(&json!({ "reason": "family_disengaged" }))
        .await
        .assert_status(200);

    let manager = app.token("manager").await;
    let path = format!("/api/v1/reports/annex-a?inspection_date={today}");
    let csv = app.get(&path).token(&manager).send().await;
    csv.assert_status(200);
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let csv = csv.text();
    let lines: Vec<&str> = csv.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(
        lines[0],
        "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Assessment start date,\
         Assessment completion date,Organisation completing assessment"
    );
    let started = today.format("%d/%m/%Y").to_string();
    let jay_age = annex_age(2016, 5, 17, today);
    let mut rows: Vec<&str> = lines[1..].to_vec();
    rows.sort();
    let mut wanted = vec![
        format!(
            "{},a) Male,a) WBRI,17/05/2016,{jay_age},{started},,Northgate Primary School",
            member(1)
        ),
        format!(
            "{},b) Female,t) NOBT,02/02/2019,{},{started},,Northgate Primary School",
            member(2),
            annex_age(2019, 2, 2, today)
        ),
        format!(
            "{},c) Not stated/recorded,t) NOBT,,,{started},,Northgate Primary School",
            member(3)
        ),
    ];
    wanted.sort();
    assert_eq!(rows, wanted);

    // JSON on request; another practitioner's own list is empty; no grant, no list.
    let json = app
        .get(&path)
        .token(&manager)
        .header("accept", "application/json")
        .send()
        .await
        .json();
    assert_eq!(json["report"], "annex_a");
    assert_eq!(json["rows"].as_array().unwrap().len(), 3);
    let other = app.token("practitioner2").await;
    let theirs = app.get(&path).token(&other).send().await.text();
    assert_eq!(theirs.lines().count(), 1, "{theirs}");
    let lcss = app.token("lcss_worker").await;
    app.get(&path)
        .token(&lcss)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/reports/annex-a")
        .token(&manager)
        .send()
        .await
        .assert_problem(422, "validation_failed");
}

fn annex_age(year: i32, month: u32, day: u32, on: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut years = on.year() - year;
    if (on.month(), on.day()) < (month, day) {
        years -= 1;
    }
    years
}

#[actix_web::test]
async fn a_leads_caseload_row_shows_the_form_the_last_and_next_meeting_and_overdue_actions() {
    use diesel::RunQueryDsl;
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.accepted_case(&lead, "Demo-Leadrow").await;
    let plan = app.taf_with_plan(&lead, &case.episode).await;
    let next = chrono::Utc::now().date_naive() + chrono::Duration::days(10);
    app.post(&format!("/api/v1/tafs/{}/meetings", plan.taf))
        .token(&lead)
        .json(&json!({ "starts_at": format!("{next}T10:00:00Z"), "virtual": true }))
        .await
        .assert_status(201);
    diesel::sql_query(format!(
        "UPDATE taf_actions SET due_on = current_date - 1 WHERE id = '{}'",
        plan.action
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    // Another open case with no team: no meetings, nothing overdue.
    let quiet = app.open_case(&lead, "Demo-Leadquiet").await;

    let report = app.report(&lead, "?by=lead_professional").await;
    let row = |episode: &str| {
        rows(&report)
            .iter()
            .find(|row| row["episode_id"] == episode)
            .cloned()
            .unwrap()
    };
    let busy = row(&case.episode);
    assert_eq!(busy["snf_state"], "accepted");
    assert_eq!(busy["last_taf_meeting_on"], "2026-11-20");
    assert_eq!(busy["next_taf_meeting_on"], next.to_string());
    assert_eq!(busy["overdue_actions"], 1.0);
    let quiet = row(&quiet.episode);
    assert_eq!(quiet["snf_state"], "none");
    assert_eq!(quiet["last_taf_meeting_on"], Value::Null);
    assert_eq!(quiet["overdue_actions"], 0.0);
}
