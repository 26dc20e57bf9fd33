//! Every report in every format says the same: the CSV has the JSON's columns as its header
//! and the same cells row by row, for publication too, where small counts are `<5` in both.

use crate::helpers::TestApp;
use serde_json::{json, Value};

/// RFC 4180 records: quoted cells may hold commas, quotes (doubled) and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut cell) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    records
}

/// A CSV cell says what the JSON value says.
fn same(json: &Value, csv: &str) -> bool {
    match json {
        Value::Null => csv.is_empty(),
        Value::Number(number) => csv.parse::<f64>().ok() == number.as_f64(),
        Value::String(text) => {
            csv == text || csv.strip_prefix('\'').is_some_and(|rest| rest == text)
        }
        _ => false,
    }
}

#[actix_web::test]
async fn every_report_says_the_same_as_json_and_as_csv_published_or_not() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.accepted_case(&lead, "Demo-Formats").await;
    app.taf_with_plan(&lead, &case.episode).await;
    app.open_case(&lead, "Demo-Formattwo").await;
    let manager = app.token("manager").await;
    app.put("/api/v1/reports/settings")
        .token(&manager)
        .json(&json!({ "county_under_18_population": 1000, "locality_under_18_populations": [], "snf_targets": [] }))
        .await
        .assert_status(200);
    let today = chrono::Utc::now().date_naive();
    let mut paths: Vec<String> = [
        "lead_professional",
        "organisation",
        "organisation_kind",
        "locality",
        "county",
        "reviewer",
    ]
    .iter()
    .map(|by| format!("/api/v1/reports/caseload?by={by}"))
    .collect();
    for report in [
        "step-transitions",
        "consultations",
        "taf",
        "episode-durations",
        "review-turnaround",
        "feedback-quality",
        "performance",
        "performance?series=monthly",
        "performance?by=organisation_kind",
    ] {
        paths.push(format!("/api/v1/reports/{report}"));
    }
    for path in &paths {
        for publish in [false, true] {
            let path = if publish {
                format!(
                    "{path}{}publish=true",
                    if path.contains('?') { '&' } else { '?' }
                )
            } else {
                path.clone()
            };
            check(&app, &manager, &path).await;
        }
    }
    check(
        &app,
        &manager,
        &format!("/api/v1/reports/annex-a?inspection_date={today}"),
    )
    .await;
}

async fn check(app: &TestApp, token: &str, path: &str) {
    let json = app
        .get(path)
        .token(token)
        .header("accept", "application/json")
        .send()
        .await;
    json.assert_status(200);
    let json = json.json();
    let csv = app
        .get(path)
        .token(token)
        .header("accept", "text/csv")
        .send()
        .await;
    csv.assert_status(200);
    let records = parse_csv(&csv.text());
    let keys: Vec<&str> = json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|column| column["key"].as_str().unwrap())
        .collect();
    assert_eq!(records[0], keys, "{path}: the header");
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(records.len() - 1, rows.len(), "{path}: the rows");
    assert!(
        !rows.is_empty() || path.contains("review") || path.contains("consultations"),
        "{path}: no rows"
    );
    for (row, record) in rows.iter().zip(&records[1..]) {
        for (key, cell) in keys.iter().zip(record) {
            assert!(
                same(&row[*key], cell),
                "{path}: {key} is {} in JSON, {cell:?} in CSV",
                row[*key]
            );
        }
    }
    if path.contains("publish=true") {
        assert_eq!(json["published"], true, "{path}");
    }
}
