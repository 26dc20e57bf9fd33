//! How far a manager's reports reach: the organisation, locality or county an admin grants
//! them, for aggregates and identifiable rows alike; only a county manager sets targets.

use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use crate::reports::{dataset, rows};
use serde_json::{json, Value};

const PASSPHRASE: &str = "a long example passphrase";

impl TestApp {
    /// Creates a manager through the admin API and signs them in: `(user, access token)`.
    async fn manager_with(&self, local: &str, extra: Value) -> (Value, String) {
        let email = format!("{local}@test.earlyhelp.test");
        let mut body = json!({ "email": email, "display_name": "Reach Manager", "roles": ["manager"], "password": PASSPHRASE });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        self.onboard(&body).await
    }
}

fn keys(report: &Value) -> Vec<&str> {
    rows(report)
        .iter()
        .map(|row| row["key"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_managers_reports_reach_their_organisation_locality_or_county_as_granted() {
    let app = TestApp::spawn().await;
    dataset(&app).await;
    let school = app.directory.north_school.to_string();
    let north_lcss = app.persona("lcss_worker").organisation_id.to_string();
    let south_school = app.persona("practitioner2").organisation_id.to_string();
    let council = app.persona("manager").organisation_id;

    // A manager created with no reach reads their own organisation's records only.
    let (user, school_manager) = app
        .manager_with("school.manager", json!({ "organisation_id": school }))
        .await;
    assert_eq!(user["report_reach"], "organisation");
    let by_organisation = app.report(&school_manager, "?by=organisation").await;
    assert_eq!(keys(&by_organisation), vec![school.as_str()]);
    assert_eq!(rows(&by_organisation)[0]["open"], 1);
    assert_eq!(rows(&by_organisation)[0]["closed"], 1);
    let county = app.report(&school_manager, "?by=county").await;
    assert_eq!(rows(&county)[0]["open"], 1);
    // Identifiable rows stay within the organisation too.
    let leads = app.report(&school_manager, "?by=lead_professional").await;
    assert_eq!(rows(&leads).len(), 1);
    assert_eq!(
        rows(&leads)[0]["lead_professional_id"],
        json!(app.persona("practitioner").id)
    );

    // A locality manager: every organisation of North, none of South.
    let (user, locality_manager) = app
        .manager_with(
            "locality.manager",
            json!({ "organisation_id": council, "locality_id": app.directory.north, "report_reach": "locality" }),
        )
        .await;
    assert_eq!(user["report_reach"], "locality");
    let north = app.report(&locality_manager, "?by=organisation").await;
    let mut found = keys(&north);
    found.sort_unstable();
    let mut expected = vec![school.as_str(), north_lcss.as_str()];
    expected.sort_unstable();
    assert_eq!(found, expected);

    // The county manager sees all three lead organisations.
    let manager = app.token("manager").await;
    let all = app.report(&manager, "?by=organisation").await;
    assert_eq!(all["rows"].as_array().unwrap().len(), 3);
    assert!(keys(&all).contains(&south_school.as_str()));

    // A locality reach needs a locality; an unknown reach is a field error.
    let admin = app.token("admin").await;
    let problem = app
        .post("/api/v1/admin/users")
        .token(&admin)
        .json(&json!({ "email": "nowhere.manager@test.earlyhelp.test", "display_name": "Nowhere", "roles": ["manager"], "organisation_id": council, "report_reach": "locality", "password": PASSPHRASE }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "report_reach");
    let problem = app
        .put(&format!("/api/v1/admin/users/{}/roles", id_of(&user)))
        .token(&admin)
        .json(&json!({ "roles": ["manager"], "report_reach": "everywhere" }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "report_reach");

    // Widening a reach is an admin's change of grant, and takes effect at the next sign-in.
    let school_user = app
        .get("/api/v1/admin/users?role=manager")
        .token(&admin)
        .send()
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["email"] == "school.manager@test.earlyhelp.test")
        .cloned()
        .unwrap();
    let changed = app
        .put(&format!(
            "/api/v1/admin/users/{}/roles",
            id_of(&school_user)
        ))
        .token(&admin)
        .json(&json!({ "roles": ["manager"], "report_reach": "county" }))
        .await;
    changed.assert_status(200);
    assert_eq!(changed.json()["report_reach"], "county");
    let login = app
        .login_response(
            "school.manager@test.earlyhelp.test",
            &format!("{PASSPHRASE} of my own"),
        )
        .await;
    let widened = login.json()["access_token"].as_str().unwrap().to_owned();
    let all = app.report(&widened, "?by=organisation").await;
    assert_eq!(all["rows"].as_array().unwrap().len(), 3);
    // Changing roles alone keeps the reach.
    let kept = app
        .put(&format!(
            "/api/v1/admin/users/{}/roles",
            id_of(&school_user)
        ))
        .token(&admin)
        .json(&json!({ "roles": ["manager", "practitioner"] }))
        .await;
    kept.assert_status(200);
    assert_eq!(kept.json()["report_reach"], "county");
}

#[actix_web::test]
async fn only_a_county_manager_sets_targets_and_narrower_scopes_are_not_measured_against_them() {
    let app = TestApp::spawn().await;
    // A manager of the South school, whose practitioners complete nothing here.
    let school = app.persona("practitioner2").organisation_id;
    let (_, school_manager) = app
        .manager_with("targets.manager", json!({ "organisation_id": school }))
        .await;
    let year = crate::performance_reports::this_year();
    let settings = json!({
        "county_under_18_population": 20000,
        "locality_under_18_populations": [],
        "snf_targets": [{ "financial_year": year, "organisation_kind": "all", "target": 40 }]
    });
    app.put("/api/v1/reports/settings")
        .token(&school_manager)
        .json(&settings)
        .await
        .assert_problem(403, "forbidden");
    let manager = app.token("manager").await;
    app.put("/api/v1/reports/settings")
        .token(&manager)
        .json(&settings)
        .await
        .assert_status(200);
    let lead = app.token("practitioner").await;
    app.accepted_case(&lead, "Demo-Reachone").await;
    app.accepted_case(&lead, "Demo-Reachtwo").await;

    let performance = |token: String| {
        let app = &app;
        async move {
            let reply = app
                .get("/api/v1/reports/performance")
                .token(&token)
                .send()
                .await;
            reply.assert_status(200);
            reply.json()["rows"][0].clone()
        }
    };
    let county = performance(manager).await;
    assert_eq!(county["snfs_completed"], 2);
    assert_eq!(county["annual_target"], 40.0);
    assert_eq!(county["snfs_per_10k_under_18"], 1.0);
    let own = performance(school_manager).await;
    assert_eq!(own["snfs_completed"], 0);
    assert_eq!(own["annual_target"], Value::Null);
    assert_eq!(own["share_of_annual_target"], Value::Null);
    assert_eq!(own["snfs_per_10k_under_18"], Value::Null);
}

#[actix_web::test]
async fn annex_a_for_an_organisation_manager_lists_only_that_organisations_children() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let ours = app.open_case(&lead, "Demo-Annexours").await;
    app.start_form(&lead, &ours.episode).await;
    let south = app.token("practitioner2").await;
    let theirs = app.open_case(&south, "Demo-Annextheirs").await;
    app.start_form(&south, &theirs.episode).await;
    let (_, school_manager) = app
        .manager_with(
            "annex.manager",
            json!({ "organisation_id": app.directory.north_school }),
        )
        .await;
    let today = chrono::Utc::now().date_naive();
    let path = format!("/api/v1/reports/annex-a?inspection_date={today}");
    let lines = |csv: String| csv.split("\r\n").filter(|l| !l.is_empty()).count();
    let manager = app.token("manager").await;
    let all = app.get(&path).token(&manager).send().await;
    all.assert_status(200);
    let own = app.get(&path).token(&school_manager).send().await;
    own.assert_status(200);
    let own = own.text();
    // A header and one child per case.
    assert_eq!(lines(all.text()), 3);
    assert_eq!(lines(own.clone()), 2);
    assert!(own.contains("Northgate Primary School"), "{own}");
}
