//! Performance against targets: the settings managers keep, and SNFs completed against the
//! year's targets and per 10,000 children, in all, per month (also as a chart) and per kind.

use crate::helpers::TestApp;
use chrono::{Datelike, Utc};
use serde_json::{json, Value};

/// The financial year today falls in, by the year it starts.
pub(crate) fn this_year() -> i32 {
    let today = Utc::now().date_naive();
    if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    }
}

fn settings(app: &TestApp) -> Value {
    json!({
        "county_under_18_population": 20000,
        "locality_under_18_populations": [{ "locality_id": app.directory.north, "under_18_population": 10000 }],
        "snf_targets": [
            { "financial_year": this_year(), "organisation_kind": "all", "target": 40 },
            { "financial_year": this_year(), "organisation_kind": "school", "target": 10 },
            { "financial_year": this_year(), "organisation_kind": "lcss", "target": 5 }
        ]
    })
}

#[actix_web::test]
async fn managers_keep_the_populations_and_targets_reports_compare_against() {
    let app = TestApp::spawn().await;
    let manager = app.token("manager").await;
    let lcss_manager = app.token("lcss_manager").await;
    app.put("/api/v1/reports/settings")
        .token(&lcss_manager)
        .json(&settings(&app))
        .await
        .assert_problem(403, "forbidden");
    let mut twice = settings(&app);
    twice["snf_targets"][2]["organisation_kind"] = json!("school");
    twice["locality_under_18_populations"][0]["locality_id"] = json!(app.persona("admin").id);
    let problem = app
        .put("/api/v1/reports/settings")
        .token(&manager)
        .json(&twice)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "snf_targets[2]");
    app.put("/api/v1/reports/settings")
        .token(&manager)
        .json(&json!({ "county_under_18_population": null, "locality_under_18_populations": [{ "locality_id": app.persona("admin").id, "under_18_population": 5 }], "snf_targets": [] }))
        .await
        .assert_problem(422, "validation_failed");
    let stored = app
        .put("/api/v1/reports/settings")
        .token(&manager)
        .json(&settings(&app))
        .await;
    stored.assert_status(200);
    let read = app
        .get("/api/v1/reports/settings")
        .token(&lcss_manager)
        .send()
        .await;
    read.assert_status(200);
    assert_eq!(read.json(), stored.json());
    assert_eq!(read.json()["snf_targets"].as_array().unwrap().len(), 3);
}

#[actix_web::test]
async fn snfs_completed_are_reported_against_targets_per_month_kind_and_population() {
    let app = TestApp::spawn().await;
    let manager = app.token("manager").await;
    app.put("/api/v1/reports/settings")
        .token(&manager)
        .json(&settings(&app))
        .await
        .assert_status(200);
    let lead = app.token("practitioner").await;
    app.accepted_case(&lead, "Demo-Targetone").await;
    app.accepted_case(&lead, "Demo-Targettwo").await;
    // A form submitted but not yet accepted is not complete.
    let pending = app.open_case(&lead, "Demo-Targetthree").await;
    let form = crate::case_helpers::id_of(&app.start_form(&lead, &pending.episode).await);
    app.submit(&lead, &form).send().await.assert_status(200);

    let total = app
        .get("/api/v1/reports/performance")
        .token(&manager)
        .send()
        .await
        .json();
    let row = &total["rows"][0];
    for (key, expected) in [
        ("snfs_completed", json!(2)),
        ("financial_year", json!(f64::from(this_year()))),
        ("annual_target", json!(40.0)),
        ("share_of_annual_target", json!(0.05)),
        ("under_18_population", json!(20000.0)),
        ("snfs_per_10k_under_18", json!(1.0)),
    ] {
        assert_eq!(row[key], expected, "{key}");
    }
    // An LCSS manager: their locality's population.
    let lcss_manager = app.token("lcss_manager").await;
    let north = app
        .get("/api/v1/reports/performance")
        .token(&lcss_manager)
        .send()
        .await
        .json();
    assert_eq!(north["rows"][0]["snfs_per_10k_under_18"], 2.0);

    let year = this_year();
    let monthly = app
        .get(&format!(
            "/api/v1/reports/performance?financial_year={year}&series=monthly"
        ))
        .token(&manager)
        .send()
        .await
        .json();
    let rows = monthly["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0]["month"], format!("{year}-04-01"));
    let this_month = Utc::now().date_naive().format("%Y-%m-01").to_string();
    let index = rows
        .iter()
        .position(|row| row["month"] == this_month.as_str())
        .unwrap();
    assert_eq!(rows[index]["snfs_completed"], 2);
    assert_eq!(rows[index]["cumulative"], 2);
    assert_eq!(rows[11]["cumulative"], 2);
    assert_eq!(rows[11]["share_of_annual_target"], 0.05);
    if index > 0 {
        assert_eq!(rows[index - 1]["cumulative"], 0);
    }

    let kinds = app
        .get("/api/v1/reports/performance?by=organisation_kind")
        .token(&manager)
        .send()
        .await
        .json();
    let kinds: Vec<(String, Value, Value)> = kinds["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["organisation_kind"].as_str().unwrap().to_owned(),
                row["snfs_completed"].clone(),
                row["share_of_annual_target"].clone(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("school".to_owned(), json!(2), json!(0.2)),
            ("lcss".to_owned(), json!(0), json!(0.0)),
        ]
    );

    // The monthly series as a chart: a well-formed SVG with the running total, the target line
    // and the legend.
    let chart = app
        .get(&format!(
            "/api/v1/reports/performance?financial_year={year}&series=monthly"
        ))
        .token(&manager)
        .header("accept", "image/svg+xml")
        .send()
        .await;
    chart.assert_status(200);
    assert_eq!(
        chart.header("content-type").as_deref(),
        Some("image/svg+xml")
    );
    let svg = chart.text();
    let document = roxmltree::Document::parse(&svg).expect("the chart is well-formed XML");
    let texts: Vec<&str> = document
        .descendants()
        .filter_map(|node| node.text())
        .map(str::trim)
        .collect();
    for label in ["Annual target", "SNFs completed", "Month", "Apr"] {
        assert!(
            texts.iter().any(|text| text.contains(label)),
            "{label} in {texts:?}"
        );
    }
    let lines: Vec<usize> = document
        .descendants()
        .filter(|node| node.has_tag_name("polyline"))
        .map(|line| {
            line.attribute("points")
                .unwrap_or_default()
                .split_whitespace()
                .count()
        })
        .collect();
    assert!(lines.contains(&12), "a point per month: {lines:?}");
    assert!(lines.contains(&2), "the target line: {lines:?}");

    app.get("/api/v1/reports/performance?series=weekly")
        .token(&manager)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let csv = app
        .get("/api/v1/reports/performance?by=organisation_kind&publish=true")
        .token(&manager)
        .header("accept", "text/csv")
        .send()
        .await
        .text();
    assert!(csv.contains(",school,<5,"), "{csv}");
}
