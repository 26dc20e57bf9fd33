//! Review turnaround in working days and feedback quality per criterion, on a known dataset.

use crate::case_helpers::{all_ratings, id_of};
use crate::helpers::TestApp;
use chrono::{Duration, Utc};
use diesel::RunQueryDsl;
use earlyhelp_domain::calendar::WorkingCalendar;
use serde_json::json;

/// A submitted form's review, decided by LCSS North as `decision` with every criterion rated
/// `rating`; returns the review's id.
async fn decided_review(app: &TestApp, name: &str, decision: &str, rating: &str) -> String {
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, name).await;
    let form = id_of(&app.start_form(&lead, &case.episode).await);
    let submitted = app.submit(&lead, &form).send().await.json();
    let review = id_of(&submitted["review"]);
    let lcss = app.token("lcss_worker").await;
    app.assign_review(&lcss, &review, &json!({}))
        .await
        .assert_status(200);
    let mut body = json!({ "decision": decision, "ratings": all_ratings(rating) });
    if decision == "return" {
        body["feedback"] = json!("Please add the child's own words.");
    }
    app.decide_review(&lcss, &review, &body)
        .await
        .assert_status(200);
    review
}

#[actix_web::test]
async fn review_turnaround_counts_working_days_and_reviews_within_their_due_date() {
    let app = TestApp::spawn().await;
    decided_review(&app, "Demo-Quick", "accept", "met").await;
    let slow = decided_review(&app, "Demo-Slow", "accept", "met").await;
    // The slow one was received a fortnight ago and was due a week later.
    let today = Utc::now().date_naive();
    let received = today - Duration::days(14);
    let due = received + Duration::days(7);
    diesel::sql_query(format!(
        "UPDATE reviews SET received_on = '{received}', due_on = '{due}' WHERE id = '{slow}'"
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    let calendar = WorkingCalendar::england_and_wales(2000..=2100);
    let working = calendar.working_days_between(received, today) as f64;

    let manager = app.token("manager").await;
    let report = app
        .get(&format!(
            "/api/v1/reports/review-turnaround?from={received}"
        ))
        .token(&manager)
        .send()
        .await;
    report.assert_status(200);
    let report = report.json();
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let north = &rows[0];
    assert_eq!(north["locality"], "North");
    assert_eq!(north["decided"], 2);
    let round = |days: f64| (days * 10.0).round() / 10.0;
    assert_eq!(north["median_working_days"], round(working / 2.0));
    assert_eq!(north["p90_working_days"], round(working * 0.9));
    assert_eq!(north["within_due_date"], 1);
    assert_eq!(north["share_within_due_date"], 0.5);

    // South's LCSS manager has none of it; by= is for the quality report.
    let practitioner2 = app.token("practitioner2").await;
    let theirs = app
        .get("/api/v1/reports/review-turnaround")
        .token(&practitioner2)
        .send()
        .await
        .json();
    assert_eq!(theirs["rows"], json!([]));
    app.get("/api/v1/reports/review-turnaround?by=locality")
        .token(&manager)
        .send()
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn feedback_quality_gives_each_criterions_monthly_shares_per_group() {
    let app = TestApp::spawn().await;
    decided_review(&app, "Demo-Rated", "accept", "met").await;
    decided_review(&app, "Demo-Returned", "return", "not_met").await;
    let manager = app.token("manager").await;
    let report = app
        .get("/api/v1/reports/feedback-quality?by=organisation")
        .token(&manager)
        .send()
        .await;
    report.assert_status(200);
    let report = report.json();
    let rows = report["rows"].as_array().unwrap();
    let criteria: Vec<&str> = rows
        .iter()
        .map(|row| row["criterion"].as_str().unwrap())
        .collect();
    assert_eq!(
        criteria,
        [
            "childs_voice_heard",
            "parents_views_recorded",
            "strengths_evidenced",
            "needs_evidenced",
            "outcomes_specific_and_measurable",
            "threshold_appropriate",
            "consent_recorded",
        ]
    );
    let month = Utc::now().date_naive().format("%Y-%m-01").to_string();
    for row in rows {
        assert_eq!(row["month"], month.as_str());
        assert_eq!(row["name"], "Northgate Primary School");
        assert_eq!(row["rated"], 2);
        assert_eq!(row["met"], 1);
        assert_eq!(row["not_met"], 1);
        assert_eq!(row["share_met"], 0.5);
        assert_eq!(row["share_partly_met"], 0.0);
    }
    let published = app
        .get("/api/v1/reports/feedback-quality?publish=true")
        .token(&manager)
        .header("accept", "text/csv")
        .send()
        .await
        .text();
    let line = published.lines().nth(1).unwrap();
    assert!(line.ends_with(",<5,<5,0,<5,,,"), "{line}");
    // As a chart: a well-formed SVG with a line per criterion, named in its legend.
    let chart = app
        .get("/api/v1/reports/feedback-quality")
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
    for label in [
        "Share of reviews rating each criterion met",
        "Share met",
        "childs_voice_heard",
        "consent_recorded",
    ] {
        assert!(texts.contains(&label), "{label} in {texts:?}");
    }
    app.get("/api/v1/reports/feedback-quality?by=reviewer")
        .token(&manager)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    let social = app.token("social_care").await;
    app.get("/api/v1/reports/feedback-quality")
        .token(&social)
        .send()
        .await
        .assert_problem(403, "forbidden");
}
