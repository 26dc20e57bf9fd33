//! The access matrix, generated from the route table's declarations
//! (`earlyhelp_http::routes::access_list`): every route on one case record, every role, with
//! the answer its declared access implies (404 outside the actor's scope, 403 when the role
//! lacks the permission); lists that never include out-of-scope rows; and every route that is
//! not public refusing anonymous callers. A new case route without a request here fails.

use crate::access_table::{record_routes, RecordRoutes};
use crate::helpers::{TestApp, PERSONAS};
use awc::http::Method;
use earlyhelp_domain::policy::Permission;
use earlyhelp_http::routes::{access_list, Access};
use serde_json::json;
use std::collections::HashSet;

/// Who can see a North family led by `practitioner`.
const SEES_NORTH_CASE: [&str; 3] = ["practitioner", "lcss_worker", "lcss_manager"];
const REVIEWS_NORTH: [&str; 2] = ["lcss_worker", "lcss_manager"];
/// The matrix case was stepped down by social care and has since been stepped up: social care
/// reads it and decides its step-up.
pub(crate) const REFERRED_TO: &str = "social_care";

/// What a role gets from a route on the North case, by the route's declared access; `None`
/// where the answer depends on the record's state (in-scope changes are driven by the workflow
/// tests).
pub(crate) fn expected(method: &Method, access: Access, role: &str) -> Option<u16> {
    if role == REFERRED_TO {
        return match access {
            Access::OnCase(Permission::ReadCase) => Some(200),
            // Visible: the answer to accepting a transfer depends on whether one is proposed.
            Access::OnCase(Permission::DecideStepUps | Permission::TakeOverEpisode) => None,
            Access::OnCase(_) | Access::OnReview(_) => Some(403),
            other => panic!("{other:?} is not an access on one record"),
        };
    }
    let sees = SEES_NORTH_CASE.contains(&role);
    let reviews = REVIEWS_NORTH.contains(&role);
    let lcss_elsewhere = role == "lcss_worker2";
    match access {
        Access::OnCase(Permission::ReadCase) => Some(if sees { 200 } else { 404 }),
        Access::OnCase(_) => (!sees).then_some(404),
        Access::OnReview(_) if lcss_elsewhere => Some(404),
        Access::OnReview(_) if reviews => (*method == Method::GET).then_some(200),
        Access::OnReview(_) => Some(403),
        other => panic!("{other:?} is not an access on one record"),
    }
}

#[actix_web::test]
async fn every_role_gets_exactly_its_access_to_every_case_route() {
    let app = TestApp::spawn().await;
    let RecordRoutes {
        case,
        review,
        step_down,
        table,
        ..
    } = record_routes(&app).await;
    let (family, episode) = (&case.family, &case.episode);

    // Every route on one record is in the table, and the table holds nothing else; lists and
    // new records are checked below by what the lists contain.
    let declared: Vec<(Method, &str, Access)> = access_list()
        .into_iter()
        .filter(|(_, _, access)| matches!(access, Access::OnCase(_) | Access::OnReview(_)))
        .collect();
    let requested: HashSet<(Method, &str)> =
        table.iter().map(|(m, p, _, _)| (m.clone(), *p)).collect();
    let on_a_record: HashSet<(Method, &str)> =
        declared.iter().map(|(m, p, _)| (m.clone(), *p)).collect();
    let missing: Vec<_> = on_a_record.difference(&requested).collect();
    assert!(
        missing.is_empty(),
        "routes on one record without a request in the access matrix: {missing:?}"
    );
    let stray: Vec<_> = requested.difference(&on_a_record).collect();
    assert!(
        stray.is_empty(),
        "matrix requests for no such route: {stray:?}"
    );
    let access_of = |method: &Method, pattern: &str| {
        declared
            .iter()
            .find(|(m, p, _)| m == method && *p == pattern)
            .map(|(_, _, access)| *access)
    };

    for role in PERSONAS {
        let token = app.token(role).await;
        for (method, pattern, path, body) in &table {
            let access = access_of(method, pattern).expect("declared");
            let Some(status) = expected(method, access, role) else {
                continue;
            };
            let request = app.request(method.clone(), path).token(&token);
            let response = match body {
                Some(body) => request.json(body).await,
                None => request.send().await,
            };
            assert_eq!(
                response.status,
                status,
                "{role} {method} {pattern}: {}",
                response.text()
            );
            if status >= 400 {
                assert_eq!(
                    response.header("content-type").as_deref(),
                    Some("application/problem+json")
                );
            }
        }
        app.request(Method::GET, &format!("/api/v1/families/{family}"))
            .send()
            .await
            .assert_problem(401, "unauthenticated");

        // Lists never include out-of-scope rows.
        let families = app.get("/api/v1/families").token(&token).send().await;
        families.assert_status(200);
        let listed = families.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == family.as_str());
        assert_eq!(
            listed,
            SEES_NORTH_CASE.contains(&role) || role == REFERRED_TO,
            "{role} families list"
        );
        let episodes = app
            .get("/api/v1/episodes")
            .token(&token)
            .send()
            .await
            .json();
        let listed = episodes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == episode.as_str());
        assert_eq!(
            listed,
            SEES_NORTH_CASE.contains(&role) || role == REFERRED_TO,
            "{role} episodes list"
        );
        let step_downs = app
            .get("/api/v1/step-downs")
            .token(&token)
            .send()
            .await
            .json();
        let listed = step_downs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == step_down.as_str());
        assert_eq!(
            listed,
            SEES_NORTH_CASE.contains(&role) || role == REFERRED_TO,
            "{role} step-downs list"
        );
        let reviews = app.get("/api/v1/reviews").token(&token).send().await;
        if role.starts_with("lcss") {
            let listed = reviews.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == review.as_str());
            assert_eq!(listed, REVIEWS_NORTH.contains(&role), "{role} review queue");
        } else {
            reviews.assert_problem(403, "forbidden");
        }
    }
}

#[actix_web::test]
async fn only_admins_publish_form_templates_and_everyone_signed_in_can_read_them() {
    let app = TestApp::spawn().await;
    let definition = json!({ "title": "Short check-in", "sections": [{ "key": "notes", "title": "Notes", "fields": [{ "key": "summary", "label": "Summary", "type": "long_text", "required": true }] }] });
    for role in PERSONAS {
        let token = app.token(role).await;
        let templates = app.get("/api/v1/form-templates").token(&token).send().await;
        templates.assert_status(200);
        assert_eq!(templates.json()["items"][0]["name"], "strengths_and_needs");
        if role != "admin" {
            app.post("/api/v1/form-templates")
                .token(&token)
                .json(&json!({ "name": "check_in", "definition": definition }))
                .await
                .assert_problem(403, "forbidden");
        }
    }
    let admin = app.token("admin").await;
    let published = app
        .post("/api/v1/form-templates")
        .token(&admin)
        .json(&json!({ "name": "strengths_and_needs", "definition": definition }))
        .await;
    published.assert_status(201);
    assert_eq!(published.json()["version"], 2);
    let broken = json!({ "title": "Broken", "sections": [{ "key": "Bad Key", "title": "x", "fields": [] }] });
    let problem = app
        .post("/api/v1/form-templates")
        .token(&admin)
        .json(&json!({ "name": "broken", "definition": broken }))
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"][0]["field"]
        .as_str()
        .unwrap()
        .starts_with("definition.sections[0]"));
}

/// Every route's declared access holds for anonymous callers: public routes answer without a
/// token, every other route refuses with 401 before anything else.
#[actix_web::test]
async fn every_route_answers_anonymous_callers_as_declared() {
    let app = TestApp::spawn().await;
    let some_id = "0190a2b4-0000-7000-8000-000000000000";
    for (method, pattern, access) in access_list() {
        let path = pattern
            .replace("{id}", some_id)
            .replace("{member_id}", some_id)
            .replace("{tail}", "index.css");
        let response = app.request(method.clone(), &path).send().await;
        if access == Access::Public {
            // Sign-in and refresh need a body; everything else public answers as it is.
            if method == Method::GET && pattern != "/docs/{tail}" {
                assert!(
                    [200, 308].contains(&response.status),
                    "{method} {pattern}: {}",
                    response.status
                );
            }
        } else if access == Access::Metrics {
            // Served only when a metrics setting (or dev mode) says so; the tests' default says
            // nothing, so it is as unknown as any other path. ops.rs checks the other cases.
            response.assert_problem(404, "not_found");
        } else {
            response.assert_problem(401, "unauthenticated");
        }
    }
}
