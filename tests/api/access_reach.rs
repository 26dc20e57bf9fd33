//! Reach that comes and goes: a Team Around the Family member's while the membership and the
//! family's consent stand, and social care's once a case is referred to it.

use crate::access::{expected, REFERRED_TO};
use crate::access_table::{record_routes, record_routes_of, Referral, RouteTable};
use crate::case_helpers::id_of;
use crate::helpers::TestApp;
use awc::http::Method;
use earlyhelp_domain::policy::Permission;
use earlyhelp_http::routes::{access_list, Access};
use serde_json::json;

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
