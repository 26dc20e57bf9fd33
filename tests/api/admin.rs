//! The admin directory: who may use it, and what it does.

use crate::helpers::{TestApp, PASSWORD, PERSONAS};
use awc::http::Method;
use serde_json::{json, Value};
use std::collections::HashSet;

/// Every admin endpoint with a valid request for it.
fn admin_requests(app: &TestApp) -> Vec<(Method, String, Option<Value>)> {
    let user = app.persona("practitioner2").id;
    let school = app.directory.north_school;
    let north = app.directory.north;
    vec![
        (Method::GET, "/api/v1/admin/localities".into(), None),
        (
            Method::POST,
            "/api/v1/admin/localities".into(),
            Some(json!({ "name": "East" })),
        ),
        (
            Method::GET,
            format!("/api/v1/admin/localities/{north}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/admin/localities/{north}"),
            Some(json!({ "phone": "0345 000 0000" })),
        ),
        (Method::GET, "/api/v1/admin/organisations".into(), None),
        (
            Method::POST,
            "/api/v1/admin/organisations".into(),
            Some(json!({ "name": "Eastfield Nursery", "kind": "early_years_setting" })),
        ),
        (
            Method::GET,
            format!("/api/v1/admin/organisations/{school}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/admin/organisations/{school}"),
            Some(json!({ "active": true })),
        ),
        (Method::GET, "/api/v1/admin/users".into(), None),
        (
            Method::POST,
            "/api/v1/admin/users".into(),
            Some(
                json!({ "email": "new.worker@test.earlyhelp.test", "display_name": "New Worker", "roles": ["practitioner"], "organisation_id": school, "password": PASSWORD }),
            ),
        ),
        (Method::GET, format!("/api/v1/admin/users/{user}"), None),
        (
            Method::POST,
            format!("/api/v1/admin/users/{user}/deactivate"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/admin/users/{user}/reactivate"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/admin/users/{user}/roles"),
            Some(json!({ "roles": ["practitioner"] })),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/users/{user}/password"),
            Some(json!({ "password": "another good passphrase" })),
        ),
    ]
}

#[actix_web::test]
async fn only_admins_reach_the_admin_endpoints() {
    let app = TestApp::spawn().await;
    let requests = admin_requests(&app);
    let covered: HashSet<(Method, String)> = requests
        .iter()
        .map(|(method, path, _)| (method.clone(), normalise(path, &app)))
        .collect();
    let routes: HashSet<(Method, String)> = earlyhelp_http::routes::route_list()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/admin/"))
        .map(|(method, path)| (method, path.to_owned()))
        .collect();
    assert_eq!(covered, routes, "every admin route is in this test");

    for (method, path, _) in &requests {
        app.request(method.clone(), path)
            .send()
            .await
            .assert_problem(401, "unauthenticated");
    }
    for role in PERSONAS.iter().filter(|role| **role != "admin") {
        let token = app.token(role).await;
        for (method, path, body) in &requests {
            let request = app.request(method.clone(), path).token(&token);
            let response = match body {
                Some(body) => request.json(body).await,
                None => request.send().await,
            };
            assert_eq!(
                response.status,
                403,
                "{role} {method} {path}: {}",
                response.text()
            );
            response.assert_problem(403, "forbidden");
        }
    }
    let admin = app.token("admin").await;
    for (method, path, body) in &requests {
        let request = app.request(method.clone(), path).token(&admin);
        let response = match body {
            Some(body) => request.json(body).await,
            None => request.send().await,
        };
        assert!(
            (200..300).contains(&response.status),
            "admin {method} {path}: {} {}",
            response.status,
            response.text()
        );
    }
}

fn normalise(path: &str, app: &TestApp) -> String {
    let ids = [
        app.persona("practitioner2").id,
        app.directory.north_school,
        app.directory.north,
    ];
    ids.iter().fold(path.to_owned(), |path, id| {
        path.replace(&id.to_string(), "{id}")
    })
}

#[actix_web::test]
async fn an_admin_creates_a_locality_an_organisation_and_a_user_who_can_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let locality = app
        .post("/api/v1/admin/localities")
        .token(&admin)
        .json(&json!({ "name": " East ", "phone": "0345 2412700", "email": "LCSS.East@example.org", "address": "1 Example Street" }))
        .await;
    locality.assert_status(201);
    let locality_id = locality.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        locality.header("location").unwrap(),
        format!("/api/v1/admin/localities/{locality_id}")
    );
    assert_eq!(locality.json()["name"], "East");
    assert_eq!(locality.json()["email"], "LCSS.East@example.org");

    let organisation = app
        .post("/api/v1/admin/organisations")
        .token(&admin)
        .json(&json!({ "name": "Eastgate Academy", "kind": "school", "locality_id": locality_id }))
        .await;
    organisation.assert_status(201);
    let organisation_id = organisation.json()["id"].as_str().unwrap().to_owned();

    let user = app
        .post("/api/v1/admin/users")
        .token(&admin)
        .json(&json!({ "email": "Teacher.One@Eastgate.example.org", "display_name": "Teacher One", "roles": ["practitioner"], "organisation_id": organisation_id, "password": "a long enough passphrase" }))
        .await;
    user.assert_status(201);
    let created = user.json();
    assert_eq!(created["email"], "teacher.one@eastgate.example.org");
    assert_eq!(
        created["locality_id"],
        locality_id.as_str(),
        "locality defaults to the organisation's"
    );
    assert_eq!(created["active"], true);
    assert!(
        !user.text().contains("argon2"),
        "no password hash in a response"
    );

    // A role that reads case records waits for a second person; the password is one-time.
    assert_eq!(created["roles"], json!([]));
    assert_eq!(created["pending_roles"]["roles"], json!(["practitioner"]));
    assert_eq!(created["pending_roles"]["reason"], "created");
    assert_eq!(created["password_change_required"], true);
    app.login_response(
        "teacher.one@eastgate.example.org",
        "a long enough passphrase",
    )
    .await
    .assert_problem(403, "password_change_required");
    app.post("/api/v1/auth/password")
        .json(&json!({ "email": "teacher.one@eastgate.example.org", "password": "a long enough passphrase", "new_password": "the teacher's own passphrase" }))
        .await
        .assert_status(204);
    let grant = created["pending_roles"]["grant_id"].as_str().unwrap();
    app.post(&format!("/api/v1/role-grants/{grant}/confirm"))
        .token(&app.token("manager").await)
        .send()
        .await
        .assert_status(200);
    let signed_in = app
        .login_response(
            "teacher.one@eastgate.example.org",
            "the teacher's own passphrase",
        )
        .await;
    signed_in.assert_status(200);
    let me = app
        .get("/api/v1/me")
        .token(signed_in.json()["access_token"].as_str().unwrap())
        .send()
        .await
        .json();
    assert_eq!(me["locality"]["name"], "East");
    assert_eq!(me["organisation"]["name"], "Eastgate Academy");
}

#[actix_web::test]
async fn creating_a_user_reports_every_invalid_field_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let response = app
        .post("/api/v1/admin/users")
        .token(&admin)
        .json(&json!({ "email": "not-an-email", "display_name": "  ", "roles": ["practitioner", "wizard"], "organisation_id": app.directory.north_school, "password": "short" }))
        .await;
    let body = response.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "display_name", "roles[1]"]);

    let weak = app
        .post("/api/v1/admin/users")
        .token(&admin)
        .json(&json!({ "email": "someone@example.org", "display_name": "Someone", "roles": ["manager"], "organisation_id": app.directory.north_school, "password": "someone@example.org" }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(weak["errors"][0]["field"], "password");
    assert!(weak["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("email"));

    let no_roles = app
        .post("/api/v1/admin/users")
        .token(&admin)
        .json(&json!({ "email": "someone@example.org", "display_name": "Someone", "roles": [], "organisation_id": app.directory.north_school, "password": PASSWORD }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(no_roles["errors"][0]["field"], "roles");

    let missing_org = app
        .post("/api/v1/admin/users")
        .token(&admin)
        .json(&json!({ "email": "someone@example.org", "display_name": "Someone", "roles": ["manager"], "organisation_id": uuid::Uuid::now_v7(), "password": PASSWORD }))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(missing_org["errors"][0]["field"], "organisation_id");
}

#[actix_web::test]
async fn a_duplicate_email_or_organisation_name_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let taken = app.persona("practitioner").email.to_uppercase();
    let body = app
        .post("/api/v1/admin/users")
        .token(&admin)
        .json(&json!({ "email": taken, "display_name": "Twin", "roles": ["practitioner"], "organisation_id": app.directory.north_school, "password": PASSWORD }))
        .await
        .assert_problem(409, "email_taken");
    assert!(
        !body["detail"].as_str().unwrap().contains("users_email_key"),
        "our words, not the database's"
    );

    app.post("/api/v1/admin/organisations")
        .token(&admin)
        .json(&json!({ "name": "northgate primary school", "kind": "school" }))
        .await
        .assert_problem(409, "conflict");
    let organisations = app
        .get("/api/v1/admin/organisations?kind=school")
        .token(&admin)
        .send()
        .await
        .json();
    assert_eq!(organisations["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn lists_page_with_an_opaque_cursor_and_filter() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/admin/users?limit=3".to_owned();
    loop {
        let page = app.get(&path).token(&admin).send().await;
        page.assert_status(200);
        let page = page.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(
            items
                .iter()
                .map(|u| u["email"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/admin/users?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "sorted by email");
    assert_eq!(seen.len(), PERSONAS.len(), "every user exactly once");

    let practitioners = app
        .get("/api/v1/admin/users?role=practitioner")
        .token(&admin)
        .send()
        .await
        .json();
    assert_eq!(practitioners["items"].as_array().unwrap().len(), 2);
    let south = app
        .get(&format!(
            "/api/v1/admin/organisations?locality_id={}",
            app.directory.south
        ))
        .token(&admin)
        .send()
        .await
        .json();
    let names: Vec<&str> = south["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["LCSS South", "Southfield Primary School"]);

    app.get("/api/v1/admin/users?limit=101")
        .token(&admin)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/v1/admin/users?cursor=forged")
        .token(&admin)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/v1/admin/users?role=wizard")
        .token(&admin)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/v1/admin/users?colour=blue")
        .token(&admin)
        .send()
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn changing_roles_ends_the_users_sessions_and_admins_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let worker = app.persona("lcss_worker").id;
    let (worker_token, _) = app.login("lcss_worker").await;
    let changed = app
        .request(Method::PUT, &format!("/api/v1/admin/users/{worker}/roles"))
        .token(&admin)
        .json(&json!({ "roles": ["lcss_manager", "lcss_worker", "lcss_manager"] }))
        .await;
    changed.assert_status(200);
    // The new case role waits for the locality's LCSS manager; the held one stays.
    assert_eq!(changed.json()["roles"], json!(["lcss_worker"]));
    assert_eq!(
        changed.json()["pending_roles"]["roles"],
        json!(["lcss_worker", "lcss_manager"])
    );
    app.get("/api/v1/me")
        .token(&worker_token)
        .send()
        .await
        .assert_problem(401, "unauthenticated");
    let grant = changed.json()["pending_roles"]["grant_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(&format!("/api/v1/role-grants/{grant}/confirm"))
        .token(&app.token("lcss_manager").await)
        .send()
        .await
        .assert_status(200);
    let (fresh, _) = app.login("lcss_worker").await;
    assert_eq!(
        app.get("/api/v1/me").token(&fresh).send().await.json()["roles"],
        json!(["lcss_worker", "lcss_manager"])
    );

    let me = app.persona("admin").id;
    app.post(&format!("/api/v1/admin/users/{me}/deactivate"))
        .token(&admin)
        .send()
        .await
        .assert_problem(409, "cannot_deactivate_self");
    app.request(Method::PUT, &format!("/api/v1/admin/users/{me}/roles"))
        .token(&admin)
        .json(&json!({ "roles": ["manager"] }))
        .await
        .assert_problem(409, "cannot_remove_own_admin");
}

#[actix_web::test]
async fn a_patch_changes_only_the_fields_sent_and_null_clears() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let north = app.directory.north;
    let path = format!("/api/v1/admin/localities/{north}");
    app.request(Method::PATCH, &path)
        .token(&admin)
        .json(&json!({ "phone": "0345 2412703", "address": "Banbury" }))
        .await
        .assert_status(200);
    let cleared = app
        .request(Method::PATCH, &path)
        .token(&admin)
        .json(&json!({ "phone": null }))
        .await;
    cleared.assert_status(200);
    let cleared = cleared.json();
    assert_eq!(cleared["phone"], Value::Null);
    assert_eq!(cleared["address"], "Banbury");
    assert_eq!(cleared["name"], "North");

    app.request(
        Method::PATCH,
        &format!("/api/v1/admin/organisations/{}", app.directory.north_school),
    )
    .token(&admin)
    .json(&json!({ "kind": "academy" }))
    .await
    .assert_problem(422, "validation_failed");
    app.get(&format!(
        "/api/v1/admin/localities/{}",
        uuid::Uuid::now_v7()
    ))
    .token(&admin)
    .send()
    .await
    .assert_problem(404, "not_found");
    app.get("/api/v1/admin/localities/not-a-uuid")
        .token(&admin)
        .send()
        .await
        .assert_problem(404, "not_found");
}

/// Walks a directory list page by page; every record once, in name order.
async fn walk_by_name(app: &TestApp, token: &str, list: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut path = format!("{list}?limit=1");
    loop {
        let page = app.get(&path).token(token).send().await;
        page.assert_status(200);
        let page = page.json();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["name"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("{list}?limit=1&cursor={cursor}"),
            None => return seen,
        }
    }
}

#[actix_web::test]
async fn organisations_and_localities_page_in_name_order_each_record_once() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    for list in ["/api/v1/admin/organisations", "/api/v1/admin/localities"] {
        let walked = walk_by_name(&app, &admin, list).await;
        let all = app
            .get(&format!("{list}?limit=100"))
            .token(&admin)
            .send()
            .await
            .json();
        let mut expected: Vec<String> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["name"].as_str().unwrap().to_owned())
            .collect();
        expected.sort();
        assert!(expected.len() > 1, "{list}: enough records to page");
        assert_eq!(walked, expected, "{list}");
    }
}

#[actix_web::test]
async fn an_lcss_worker_without_a_locality_is_told_so_rather_than_refused_as_unknown() {
    let app = TestApp::spawn().await;
    let council = app.persona("manager").organisation_id;
    let (_, worker) = app
        .onboard(&json!({ "email": "roaming.worker@test.earlyhelp.test", "display_name": "Roaming Worker", "roles": ["lcss_worker"], "organisation_id": council, "password": "a long example passphrase" }))
        .await;
    let problem = app
        .get("/api/v1/reviews")
        .token(&worker)
        .send()
        .await
        .assert_problem(409, "no_locality");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("ask an administrator to set your locality"));
    // Someone whose role does not reach reviews at all is still plainly refused.
    app.get("/api/v1/reviews")
        .token(&app.token("manager").await)
        .send()
        .await
        .assert_problem(403, "forbidden");
}
