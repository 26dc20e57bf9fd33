//! The access matrix, generated from the route table's declarations
//! (`earlyhelp_http::routes::access_list`): every route on one case record, every role, with
//! the answer its declared access implies (404 outside the actor's scope, 403 when the role
//! lacks the permission); lists that never include out-of-scope rows; and every route that is
//! not public refusing anonymous callers. A new case route without a request here fails.

use crate::case_helpers::{all_ratings, complete_minutes, id_of, Case};
use crate::helpers::{TestApp, PERSONAS};
use awc::http::Method;
use earlyhelp_domain::policy::Permission;
use earlyhelp_http::routes::{access_list, Access};
use serde_json::{json, Value};
use std::collections::HashSet;

/// Who can see a North family led by `practitioner`.
const SEES_NORTH_CASE: [&str; 3] = ["practitioner", "lcss_worker", "lcss_manager"];
const REVIEWS_NORTH: [&str; 2] = ["lcss_worker", "lcss_manager"];
/// The matrix case was stepped down by social care and has since been stepped up: social care
/// reads it and decides its step-up.
const REFERRED_TO: &str = "social_care";

/// What a role gets from a route on the North case, by the route's declared access; `None`
/// where the answer depends on the record's state (in-scope changes are driven by the workflow
/// tests).
fn expected(method: &Method, access: Access, role: &str) -> Option<u16> {
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

/// One request per route on one case record, on a North case led by `practitioner` with a
/// submitted form, a consent and a Team Around the Family whose finalised minutes agreed an
/// action: `(method, pattern, path, body)`.
type RouteTable = Vec<(Method, &'static str, String, Option<Value>)>;

/// The case the table acts on, and the table.
struct RecordRoutes {
    case: Case,
    review: String,
    taf: String,
    step_down: String,
    table: RouteTable,
}

async fn record_routes(app: &TestApp) -> RecordRoutes {
    record_routes_of(app, Referral::Referred).await
}

/// Whether the matrix case has ever been referred to social care.
#[derive(PartialEq)]
enum Referral {
    /// Stepped down to early help by social care, then stepped up again.
    Referred,
    /// Early help's own case, never referred: the table has no step-up or step-down routes.
    Never,
}

async fn record_routes_of(app: &TestApp, referral: Referral) -> RecordRoutes {
    let lead = app.token("practitioner").await;
    // The family came to early help as a step-down from social care (or on its own).
    let (case, step_down) = if referral == Referral::Referred {
        app.stepped_down_case(&lead, "practitioner", "Demo-Hartwell")
            .await
    } else {
        let case = app.open_case(&lead, "Demo-Hartwell").await;
        (case, String::new())
    };
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
    let plan = app.taf_with_plan(&lead, &case.episode).await;
    // The case is referred to social care: a step-up waits for its decision.
    let step_up = if referral == Referral::Referred {
        let raised = app
            .post(&format!("/api/v1/episodes/{}/step-ups", case.episode))
            .token(&lead)
            .json(&json!({ "threshold_level": 3 }))
            .await;
        id_of(&raised.json())
    } else {
        String::new()
    };
    let (taf, meeting, action) = (&plan.taf, &plan.meeting, &plan.action);
    let nurse =
        json!({ "kind": "external", "name": "Sam Demo-Nurse", "organisation": "School nursing" });
    let taf_member = app
        .post(&format!("/api/v1/tafs/{taf}/members"))
        .token(&lead)
        .json(&nurse)
        .await
        .json();
    let taf_member = id_of(&taf_member);
    let (family, episode, child, adult) = (&case.family, &case.episode, &case.child, &case.adult);
    let member = json!({ "kind": "child", "given_name": "Kit", "family_name": "Demo-Hartwell", "date_of_birth": "2019-02-02", "sex": "F", "confirm_new": true });

    let mut table: RouteTable = vec![
        (
            Method::GET,
            "/api/v1/families/{id}",
            format!("/api/v1/families/{family}"),
            None,
        ),
        (
            Method::PATCH,
            "/api/v1/families/{id}",
            format!("/api/v1/families/{family}"),
            Some(json!({ "postcode": "OX16 5AU" })),
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/members",
            format!("/api/v1/families/{family}/members"),
            Some(member),
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/relationships",
            format!("/api/v1/families/{family}/relationships"),
            Some(json!({ "person_id": adult, "related_person_id": child, "kind": "carer" })),
        ),
        (
            Method::GET,
            "/api/v1/families/{id}/consents",
            format!("/api/v1/families/{family}/consents"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/consents",
            format!("/api/v1/families/{family}/consents"),
            Some(
                json!({ "given_by_person_id": adult, "for_assessment": false, "method": "verbal", "given_on": "2026-01-06" }),
            ),
        ),
        (
            Method::GET,
            "/api/v1/families/{id}/consultations",
            format!("/api/v1/families/{family}/consultations"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/consultations",
            format!("/api/v1/families/{family}/consultations"),
            Some(
                json!({ "held_on": "2026-11-20", "consulting_user_id": app.persona("practitioner").id, "themes": ["attendance"], "threshold_view": 2, "advice": "Keep the TAF going.", "outcome": "universal_services" }),
            ),
        ),
        (
            Method::GET,
            "/api/v1/families/{id}/chronology",
            format!("/api/v1/families/{family}/chronology"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/people/{id}",
            format!("/api/v1/people/{child}"),
            None,
        ),
        (
            Method::PATCH,
            "/api/v1/people/{id}",
            format!("/api/v1/people/{child}"),
            Some(json!({ "ethnicity": "WIRI" })),
        ),
        (
            Method::POST,
            "/api/v1/consents/{id}/withdraw",
            format!("/api/v1/consents/{consent}/withdraw"),
            Some(json!({})),
        ),
        (
            Method::GET,
            "/api/v1/episodes/{id}",
            format!("/api/v1/episodes/{episode}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/threshold",
            format!("/api/v1/episodes/{episode}/threshold"),
            Some(json!({ "level": 3, "rationale": "Escalation" })),
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/transfer",
            format!("/api/v1/episodes/{episode}/transfer"),
            Some(json!({ "to_user_id": app.persona("practitioner2").id })),
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/transfer/accept",
            format!("/api/v1/episodes/{episode}/transfer/accept"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/close",
            format!("/api/v1/episodes/{episode}/close"),
            Some(json!({ "reason": "outcomes_met" })),
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/assessments",
            format!("/api/v1/episodes/{episode}/assessments"),
            Some(json!({})),
        ),
        (
            Method::GET,
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{form}"),
            None,
        ),
        (
            Method::PATCH,
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{form}"),
            Some(json!({ "content": {} })),
        ),
        (
            Method::POST,
            "/api/v1/assessments/{id}/submit",
            format!("/api/v1/assessments/{form}/submit"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/assessments/{id}/revisions",
            format!("/api/v1/assessments/{form}/revisions"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/reviews/{id}",
            format!("/api/v1/reviews/{review}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/reviews/{id}/assign",
            format!("/api/v1/reviews/{review}/assign"),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/reviews/{id}/decision",
            format!("/api/v1/reviews/{review}/decision"),
            Some(json!({ "decision": "accept", "ratings": all_ratings("met") })),
        ),
        (
            Method::GET,
            "/api/v1/episodes/{id}/taf",
            format!("/api/v1/episodes/{episode}/taf"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/taf",
            format!("/api/v1/episodes/{episode}/taf"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/tafs/{id}",
            format!("/api/v1/tafs/{taf}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/tafs/{id}/members",
            format!("/api/v1/tafs/{taf}/members"),
            Some(nurse.clone()),
        ),
        (
            Method::DELETE,
            "/api/v1/tafs/{id}/members/{member_id}",
            format!("/api/v1/tafs/{taf}/members/{taf_member}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/step-ups",
            format!("/api/v1/episodes/{episode}/step-ups"),
            Some(json!({ "threshold_level": 4 })),
        ),
        (
            Method::GET,
            "/api/v1/step-ups/{id}",
            format!("/api/v1/step-ups/{step_up}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/step-ups/{id}/decision",
            format!("/api/v1/step-ups/{step_up}/decision"),
            Some(json!({ "decision": "not_accepted", "advice": "Continue early help." })),
        ),
        (
            Method::GET,
            "/api/v1/step-downs/{id}",
            format!("/api/v1/step-downs/{step_down}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/step-downs/{id}/allocate",
            format!("/api/v1/step-downs/{step_down}/allocate"),
            Some(json!({ "lead_professional_id": app.persona("practitioner").id })),
        ),
        (
            Method::POST,
            "/api/v1/step-downs/{id}/accept",
            format!("/api/v1/step-downs/{step_down}/accept"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/step-downs/{id}/decline",
            format!("/api/v1/step-downs/{step_down}/decline"),
            Some(json!({ "reason": "Caseload full." })),
        ),
        (
            Method::POST,
            "/api/v1/tafs/{id}/close",
            format!("/api/v1/tafs/{taf}/close"),
            Some(json!({ "outcomes": [], "next_step": "universal_services" })),
        ),
        (
            Method::GET,
            "/api/v1/tafs/{id}/members",
            format!("/api/v1/tafs/{taf}/members"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/tafs/{id}/meetings",
            format!("/api/v1/tafs/{taf}/meetings"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/tafs/{id}/meetings",
            format!("/api/v1/tafs/{taf}/meetings"),
            Some(json!({ "starts_at": "2026-12-20T10:00:00Z", "virtual": true })),
        ),
        (
            Method::GET,
            "/api/v1/tafs/{id}/actions",
            format!("/api/v1/tafs/{taf}/actions"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/meetings/{id}",
            format!("/api/v1/meetings/{meeting}"),
            None,
        ),
        (
            Method::PATCH,
            "/api/v1/meetings/{id}",
            format!("/api/v1/meetings/{meeting}"),
            Some(json!({ "minutes": complete_minutes(&plan.lead_member, "2027-01-15") })),
        ),
        (
            Method::POST,
            "/api/v1/meetings/{id}/finalise",
            format!("/api/v1/meetings/{meeting}/finalise"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/meetings/{id}/acknowledge",
            format!("/api/v1/meetings/{meeting}/acknowledge"),
            Some(json!({})),
        ),
        (
            Method::PATCH,
            "/api/v1/actions/{id}",
            format!("/api/v1/actions/{action}"),
            Some(json!({ "progress_note": "Checked in twice" })),
        ),
    ];
    if referral == Referral::Never {
        table.retain(|(_, pattern, _, _)| {
            !pattern.starts_with("/api/v1/step-ups/") && !pattern.starts_with("/api/v1/step-downs/")
        });
    }
    RecordRoutes {
        review,
        taf: taf.clone(),
        step_down,
        case,
        table,
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

/// What an active member of the case's Team Around the Family (with no other reach) gets:
/// reads, and the team's meetings and a transfer's acceptance (whose answers depend on their
/// state); every other action is refused as visible but not theirs.
fn expected_for_member(access: Access) -> Option<u16> {
    match access {
        Access::OnCase(Permission::ReadCase) => Some(200),
        Access::OnCase(Permission::RecordMeetings | Permission::TakeOverEpisode) => None,
        Access::OnCase(_) | Access::OnReview(_) => Some(403),
        other => panic!("{other:?} is not an access on one record"),
    }
}

async fn assert_access(
    app: &TestApp,
    table: &RouteTable,
    role: &str,
    stage: &str,
    expect: impl Fn(&Method, Access) -> Option<u16>,
) {
    let token = app.token(role).await;
    let declared = access_list();
    for (method, pattern, path, body) in table {
        let access = declared
            .iter()
            .find(|(m, p, _)| m == method && p == pattern)
            .map(|(_, _, access)| *access)
            .expect("declared");
        let Some(status) = expect(method, access) else {
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
            "{role} {stage}: {method} {pattern}: {}",
            response.text()
        );
    }
}

#[actix_web::test]
async fn team_members_reach_every_case_route_only_while_the_membership_and_consent_stand() {
    let app = TestApp::spawn().await;
    let routes = record_routes(&app).await;
    let (table, taf) = (&routes.table, &routes.taf);
    let lead = app.token("practitioner").await;
    let join = |role: &'static str| {
        let app = &app;
        let lead = lead.clone();
        let body = json!({ "kind": "professional", "user_id": app.persona(role).id.to_string() });
        async move {
            app.post(&format!("/api/v1/tafs/{taf}/members"))
                .token(&lead)
                .json(&body)
                .await
        }
    };
    let outside = |method: &Method, access| expected(method, access, "practitioner2");

    // Before joining, after joining, after the membership ends.
    assert_access(&app, table, "practitioner2", "before joining", outside).await;
    let joined = join("practitioner2").await;
    joined.assert_status(201);
    assert_access(&app, table, "practitioner2", "as a member", |_, access| {
        expected_for_member(access)
    })
    .await;
    app.request(
        Method::DELETE,
        &format!("/api/v1/tafs/{taf}/members/{}", id_of(&joined.json())),
    )
    .token(&lead)
    .send()
    .await
    .assert_status(204);
    assert_access(&app, table, "practitioner2", "after removal", outside).await;

    // A consent excluding their organisation ends a membership at once and refuses a new one.
    join("practitioner2").await.assert_status(201);
    app.post(&format!("/api/v1/families/{}/consents", routes.case.family))
        .token(&lead)
        .json(&json!({ "given_by_person_id": routes.case.adult, "for_assessment": true, "method": "written", "given_on": "2026-01-06", "excluded_organisation_ids": [app.persona("practitioner2").organisation_id] }))
        .await
        .assert_status(201);
    assert_access(&app, table, "practitioner2", "after exclusion", outside).await;
    join("practitioner2")
        .await
        .assert_problem(422, "validation_failed");

    // Withdrawing consent closes the episode: no member reaches the case.
    join("lcss_worker2").await.assert_status(201);
    assert_access(&app, table, "lcss_worker2", "as a member", |_, access| {
        expected_for_member(access)
    })
    .await;
    let consents = app
        .get(&format!("/api/v1/families/{}/consents", routes.case.family))
        .token(&lead)
        .send()
        .await
        .json();
    for consent in consents["items"].as_array().unwrap() {
        app.post(&format!("/api/v1/consents/{}/withdraw", id_of(consent)))
            .token(&lead)
            .json(&json!({}))
            .await
            .assert_status(200);
    }
    let outside = |method: &Method, access| expected(method, access, "lcss_worker2");
    assert_access(&app, table, "lcss_worker2", "after withdrawal", outside).await;
}

#[actix_web::test]
async fn social_care_reaches_no_case_route_before_a_referral_and_reads_once_referred() {
    let app = TestApp::spawn().await;
    let routes = record_routes_of(&app, Referral::Never).await;
    let outside = |method: &Method, access| expected(method, access, "practitioner2");
    assert_access(
        &app,
        &routes.table,
        REFERRED_TO,
        "before a referral",
        outside,
    )
    .await;
    let lead = app.token("practitioner").await;
    app.post(&format!(
        "/api/v1/episodes/{}/step-ups",
        routes.case.episode
    ))
    .token(&lead)
    .json(&json!({ "threshold_level": 3 }))
    .await
    .assert_status(201);
    let referred = |method: &Method, access| expected(method, access, REFERRED_TO);
    assert_access(&app, &routes.table, REFERRED_TO, "once referred", referred).await;
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
