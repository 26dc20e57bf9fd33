//! The access matrix for case records: every case route, every role, with the documented
//! denial (404 outside the actor's scope, 403 when the role lacks the permission), and lists
//! that never include out-of-scope rows. A new route without an entry here fails the test.

use crate::case_helpers::{all_ratings, id_of};
use crate::helpers::{TestApp, PERSONAS};
use awc::http::Method;
use serde_json::{json, Value};
use std::collections::HashSet;

/// Who can see a North family led by `practitioner`.
const SEES_NORTH_CASE: [&str; 3] = ["practitioner", "lcss_worker", "lcss_manager"];
const REVIEWS_NORTH: [&str; 2] = ["lcss_worker", "lcss_manager"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Reading a case record: 200 in scope, 404 out of it.
    CaseRead,
    /// Changing a case record: 404 out of scope (in-scope changes are driven by the loop tests).
    CaseWrite,
    /// Reading a review: LCSS of the locality 200, other LCSS 404, other roles 403.
    ReviewRead,
    /// Acting on a review: other LCSS 404, other roles 403.
    ReviewWrite,
}

fn expected(kind: Kind, role: &str) -> Option<u16> {
    let sees = SEES_NORTH_CASE.contains(&role);
    let reviews = REVIEWS_NORTH.contains(&role);
    let lcss_elsewhere = role == "lcss_worker2";
    match kind {
        Kind::CaseRead => Some(if sees { 200 } else { 404 }),
        Kind::CaseWrite => (!sees).then_some(404),
        Kind::ReviewRead if reviews => Some(200),
        Kind::ReviewRead | Kind::ReviewWrite if lcss_elsewhere => Some(404),
        Kind::ReviewWrite if reviews => None,
        Kind::ReviewRead | Kind::ReviewWrite => Some(403),
    }
}

/// A route on a case record: under `/api/v1/` but not sign-in, the admin directory, the
/// caller's own profile or the API document.
fn is_case_route(path: &str) -> bool {
    path.starts_with("/api/v1/")
        && ![
            "/api/v1/auth/",
            "/api/v1/admin/",
            "/api/v1/me",
            "/api/v1/openapi",
        ]
        .iter()
        .any(|p| path.starts_with(p))
}

#[actix_web::test]
async fn every_role_gets_exactly_its_access_to_every_case_route() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Hartwell").await;
    let form = id_of(&app.start_form(&lead, &case.episode).await);
    let submitted = app.submit(&lead, &form).send().await.json();
    let review = id_of(&submitted["review"]);
    let consents = app
        .get(&format!("/api/v1/families/{}/consents", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    let consent = id_of(&consents["items"][0]);
    let (family, episode, child, adult) = (&case.family, &case.episode, &case.child, &case.adult);
    let member = json!({ "kind": "child", "given_name": "Kit", "family_name": "Demo-Hartwell", "date_of_birth": "2019-02-02", "sex": "F", "confirm_new": true });

    let table: Vec<(Method, &str, String, Option<Value>, Kind)> = vec![
        (
            Method::GET,
            "/api/v1/families/{id}",
            format!("/api/v1/families/{family}"),
            None,
            Kind::CaseRead,
        ),
        (
            Method::PATCH,
            "/api/v1/families/{id}",
            format!("/api/v1/families/{family}"),
            Some(json!({ "postcode": "OX16 5AU" })),
            Kind::CaseWrite,
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/members",
            format!("/api/v1/families/{family}/members"),
            Some(member),
            Kind::CaseWrite,
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/relationships",
            format!("/api/v1/families/{family}/relationships"),
            Some(json!({ "person_id": adult, "related_person_id": child, "kind": "carer" })),
            Kind::CaseWrite,
        ),
        (
            Method::GET,
            "/api/v1/families/{id}/consents",
            format!("/api/v1/families/{family}/consents"),
            None,
            Kind::CaseRead,
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/consents",
            format!("/api/v1/families/{family}/consents"),
            Some(
                json!({ "given_by_person_id": adult, "for_assessment": false, "method": "verbal", "given_on": "2026-01-06" }),
            ),
            Kind::CaseWrite,
        ),
        (
            Method::GET,
            "/api/v1/families/{id}/chronology",
            format!("/api/v1/families/{family}/chronology"),
            None,
            Kind::CaseRead,
        ),
        (
            Method::GET,
            "/api/v1/people/{id}",
            format!("/api/v1/people/{child}"),
            None,
            Kind::CaseRead,
        ),
        (
            Method::PATCH,
            "/api/v1/people/{id}",
            format!("/api/v1/people/{child}"),
            Some(json!({ "ethnicity": "WIRI" })),
            Kind::CaseWrite,
        ),
        (
            Method::POST,
            "/api/v1/consents/{id}/withdraw",
            format!("/api/v1/consents/{consent}/withdraw"),
            Some(json!({})),
            Kind::CaseWrite,
        ),
        (
            Method::GET,
            "/api/v1/episodes/{id}",
            format!("/api/v1/episodes/{episode}"),
            None,
            Kind::CaseRead,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/threshold",
            format!("/api/v1/episodes/{episode}/threshold"),
            Some(json!({ "level": 3, "rationale": "Escalation" })),
            Kind::CaseWrite,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/transfer",
            format!("/api/v1/episodes/{episode}/transfer"),
            Some(json!({ "to_user_id": app.persona("practitioner2").id })),
            Kind::CaseWrite,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/transfer/accept",
            format!("/api/v1/episodes/{episode}/transfer/accept"),
            None,
            Kind::CaseWrite,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/close",
            format!("/api/v1/episodes/{episode}/close"),
            Some(json!({ "reason": "outcomes_met" })),
            Kind::CaseWrite,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/assessments",
            format!("/api/v1/episodes/{episode}/assessments"),
            Some(json!({})),
            Kind::CaseWrite,
        ),
        (
            Method::GET,
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{form}"),
            None,
            Kind::CaseRead,
        ),
        (
            Method::PATCH,
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{form}"),
            Some(json!({ "content": {} })),
            Kind::CaseWrite,
        ),
        (
            Method::POST,
            "/api/v1/assessments/{id}/submit",
            format!("/api/v1/assessments/{form}/submit"),
            None,
            Kind::CaseWrite,
        ),
        (
            Method::GET,
            "/api/v1/assessments/{id}/revisions",
            format!("/api/v1/assessments/{form}/revisions"),
            None,
            Kind::CaseRead,
        ),
        (
            Method::GET,
            "/api/v1/reviews/{id}",
            format!("/api/v1/reviews/{review}"),
            None,
            Kind::ReviewRead,
        ),
        (
            Method::POST,
            "/api/v1/reviews/{id}/assign",
            format!("/api/v1/reviews/{review}/assign"),
            Some(json!({})),
            Kind::ReviewWrite,
        ),
        (
            Method::POST,
            "/api/v1/reviews/{id}/decision",
            format!("/api/v1/reviews/{review}/decision"),
            Some(json!({ "decision": "accept", "ratings": all_ratings("met") })),
            Kind::ReviewWrite,
        ),
    ];

    // Collection routes are checked below by what their lists contain.
    let collections: HashSet<(Method, &str)> = [
        (Method::GET, "/api/v1/families"),
        (Method::POST, "/api/v1/families"),
        (Method::GET, "/api/v1/episodes"),
        (Method::POST, "/api/v1/episodes"),
        (Method::GET, "/api/v1/reviews"),
        (Method::GET, "/api/v1/form-templates"),
        (Method::POST, "/api/v1/form-templates"),
        (Method::GET, "/api/v1/professionals/{id}/feedback"),
        (Method::GET, "/api/v1/organisations/{id}/feedback"),
    ]
    .into_iter()
    .collect();
    let covered: HashSet<(Method, &str)> = table
        .iter()
        .map(|(m, p, _, _, _)| (m.clone(), *p))
        .chain(collections.iter().cloned())
        .collect();
    let case_routes: HashSet<(Method, &str)> = earlyhelp_http::routes::route_list()
        .into_iter()
        .filter(|(_, path)| is_case_route(path))
        .collect();
    let missing: Vec<_> = case_routes.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "case routes without an access-matrix entry: {missing:?}"
    );

    for role in PERSONAS {
        let token = app.token(role).await;
        for (method, pattern, path, body, kind) in &table {
            let Some(status) = expected(*kind, role) else {
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
            SEES_NORTH_CASE.contains(&role),
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
            SEES_NORTH_CASE.contains(&role),
            "{role} episodes list"
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

/// Every route has a declared access rule: public, any signed-in user, admin only (the admin
/// test), or the case matrix above. A new route fails here until it is placed in one of them.
#[actix_web::test]
async fn every_route_has_a_declared_access_rule() {
    let app = TestApp::spawn().await;
    let public = [
        "/healthz",
        "/readyz",
        "/metrics",
        "/docs",
        "/docs/",
        "/docs/{tail}",
        "/api/v1/openapi.json",
        "/api/v1/openapi.yaml",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
    ];
    let signed_in = [
        (Method::GET, "/api/v1/me"),
        (Method::POST, "/api/v1/auth/logout"),
        (Method::GET, "/api/v1/form-templates"),
    ];
    for (method, path) in earlyhelp_http::routes::route_list() {
        // Case routes are held to their entries by the matrix test above.
        let placed = public.contains(&path)
            || signed_in.iter().any(|(m, p)| *m == method && *p == path)
            || path.starts_with("/api/v1/admin/")
            || is_case_route(path);
        assert!(placed, "{method} {path} has no access rule");
    }
    // Public routes answer without a token; signed-in routes refuse anonymous requests.
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/docs/",
        "/api/v1/openapi.json",
        "/api/v1/openapi.yaml",
    ] {
        let response = app.get(path).send().await;
        assert_eq!(response.status, 200, "{path}");
    }
    for (method, path) in signed_in {
        app.request(method, path)
            .send()
            .await
            .assert_problem(401, "unauthenticated");
    }
}
