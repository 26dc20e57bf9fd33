//! Synthetic data (what `earlyhelp seed-synthetic` loads for benchmarks) is data the whole
//! application serves: its users sign in, and its families, episodes, queues and every report
//! read as real ones do, with figures that agree with the rows.

use crate::case_helpers::{complete_snf, id_of};
use crate::helpers::TestApp;
use chrono::{Days, Utc};
use diesel::RunQueryDsl;
use earlyhelp_persistence::synthetic::{self, DirectorySize, FormContents, Plan};
use serde_json::json;

const PASSPHRASE: &str = "synthetic test passphrase";

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct Lead {
    #[diesel(sql_type = diesel::sql_types::Text)]
    email: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    episode: uuid::Uuid,
}

#[actix_web::test]
async fn synthetic_families_are_served_like_real_ones() {
    let app = TestApp::spawn().await;
    let mut conn = app.db.connect();
    let plan = Plan {
        seed: 3,
        as_of: Utc::now() - Days::new(1),
        years: 3,
    };
    let contents = FormContents {
        draft: json!({}),
        first_attempt: complete_snf(),
        final_version: complete_snf(),
    };
    let hash = earlyhelp_workflows::passwords::hash(PASSPHRASE).unwrap();
    let size = DirectorySize::for_families(300);
    synthetic::prepare(&mut conn, &plan, size, &hash, &contents).unwrap();
    synthetic::load_batch(&mut conn, &plan, 0, 300).unwrap();
    // A second pass over an overlapping range loads nothing twice.
    synthetic::load_batch(&mut conn, &plan, 250, 320).unwrap();
    assert_eq!(synthetic::loaded(&mut conn, 320).unwrap(), 320);
    let count = |conn: &mut diesel::PgConnection, sql: &str| -> i64 {
        diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
    };
    let open = count(
        &mut conn,
        "SELECT count(*) AS n FROM episodes WHERE state = 'open'",
    );
    assert!(open > 10, "{open} open episodes");

    // The county manager's caseload agrees with the rows, and every report reads the data.
    let login = app
        .login_response("manager@synthetic.earlyhelp.test", PASSPHRASE)
        .await;
    login.assert_status(200);
    let manager = login.json()["access_token"].as_str().unwrap().to_owned();
    let localities = app
        .get("/api/v1/reports/caseload?by=locality")
        .token(&manager)
        .send()
        .await;
    localities.assert_status(200);
    let reported: i64 = localities.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["open"].as_i64().unwrap())
        .sum();
    assert_eq!(reported, open);
    let today = Utc::now().date_naive();
    for path in [
        "/api/v1/reports/caseload?by=lead_professional".to_owned(),
        "/api/v1/reports/caseload?by=reviewer".to_owned(),
        "/api/v1/reports/performance?financial_year=2024&series=monthly".to_owned(),
        "/api/v1/reports/review-turnaround?financial_year=2024".to_owned(),
        "/api/v1/reports/feedback-quality?by=organisation_kind".to_owned(),
        "/api/v1/reports/taf?financial_year=2024".to_owned(),
        "/api/v1/reports/step-transitions?financial_year=2024".to_owned(),
        "/api/v1/reports/consultations?financial_year=2024".to_owned(),
        "/api/v1/reports/episode-durations?financial_year=2024".to_owned(),
        format!("/api/v1/reports/annex-a?inspection_date={today}"),
    ] {
        app.get(&path)
            .token(&manager)
            .send()
            .await
            .assert_status(200);
    }
    let taf = app
        .get("/api/v1/reports/taf?financial_year=2024")
        .token(&manager)
        .send()
        .await
        .json();
    let held = count(
        &mut conn,
        "SELECT count(*) AS n FROM taf_meetings WHERE finalised_at IS NOT NULL \
           AND starts_at >= '2024-04-01' AND starts_at < '2025-04-01'",
    );
    assert_eq!(taf["rows"][0]["meetings_held"], held);

    // A lead reads their families, an episode with its form, team and chronology.
    let lead: Lead = diesel::sql_query(
        "SELECT u.email, e.id AS episode FROM episodes e JOIN users u ON u.id = e.lead_professional_id \
         JOIN tafs t ON t.episode_id = e.id WHERE e.state = 'open' ORDER BY e.id LIMIT 1",
    )
    .get_result(&mut conn)
    .unwrap();
    let login = app.login_response(&lead.email, PASSPHRASE).await;
    login.assert_status(200);
    let token = login.json()["access_token"].as_str().unwrap().to_owned();
    let families = app.get("/api/v1/families").token(&token).send().await;
    families.assert_status(200);
    assert!(!families.json()["items"].as_array().unwrap().is_empty());
    let episode = app
        .get(&format!("/api/v1/episodes/{}", lead.episode))
        .token(&token)
        .send()
        .await;
    episode.assert_status(200);
    assert!(!episode.json()["assessments"].as_array().unwrap().is_empty());
    let family = episode.json()["family_id"].as_str().unwrap().to_owned();
    for path in [
        format!("/api/v1/families/{family}"),
        format!("/api/v1/families/{family}/chronology"),
        "/api/v1/tafs".to_owned(),
        "/api/v1/me/work".to_owned(),
    ] {
        app.get(&path).token(&token).send().await.assert_status(200);
    }
    let tafs = app.get("/api/v1/tafs").token(&token).send().await.json();
    let taf = id_of(&tafs["items"][0]);
    for path in [
        format!("/api/v1/tafs/{taf}"),
        format!("/api/v1/tafs/{taf}/meetings"),
        format!("/api/v1/tafs/{taf}/actions"),
    ] {
        app.get(&path).token(&token).send().await.assert_status(200);
    }

    // LCSS work their locality's queue.
    let login = app
        .login_response("lcss-1-1@synthetic.earlyhelp.test", PASSPHRASE)
        .await;
    let lcss = login.json()["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/reviews")
        .token(&lcss)
        .send()
        .await
        .assert_status(200);
    app.get("/api/v1/meetings/received")
        .token(&lcss)
        .send()
        .await
        .assert_status(200);
}
