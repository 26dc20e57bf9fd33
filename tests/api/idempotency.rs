//! `Idempotency-Key` on every create: a retry after a lost answer gets the first record again,
//! never a second one, and a key is bound to the request it was first sent with.

use crate::case_helpers::{episode_body, family_body, id_of};
use crate::helpers::TestApp;
use futures_util::future::join;
use serde_json::{json, Value};

/// How many rows `table` holds.
fn rows(app: &TestApp, table: &str) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
        .get_result::<Count>(&mut app.db.connect())
        .expect("count")
        .n
}

/// Sends `body` to `path` with `key` twice and returns both answers' JSON, asserting 201 both
/// times, the same record, and one more row in `table`.
pub(crate) async fn twice(
    app: &TestApp,
    token: &str,
    path: &str,
    key: &str,
    body: &Value,
    table: &str,
) -> Value {
    let before = rows(app, table);
    let first = app
        .post(path)
        .token(token)
        .header("Idempotency-Key", key)
        .json(body)
        .await;
    first.assert_status(201);
    let again = app
        .post(path)
        .token(token)
        .header("Idempotency-Key", key)
        .json(body)
        .await;
    again.assert_status(201);
    let (first, again) = (first.json(), again.json());
    assert_eq!(
        first["id"], again["id"],
        "{path}: the retry answers the first record"
    );
    assert_eq!(rows(app, table), before + 1, "{path}: one record, not two");
    first
}

#[actix_web::test]
async fn a_retried_create_with_its_key_makes_one_record_for_families_members_consents_and_episodes()
{
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let family = twice(
        &app,
        &lead,
        "/api/v1/families",
        "family-1",
        &family_body("Demo-Retry", "2015-02-03", None),
        "families",
    )
    .await;
    let family_id = id_of(&family);
    let (adult, child) = (id_of(&family["members"][0]), id_of(&family["members"][1]));

    twice(
        &app,
        &lead,
        &format!("/api/v1/families/{family_id}/members"),
        "member-1",
        &json!({ "kind": "child", "given_name": "Demo-Second", "family_name": "Demo-Retry", "date_of_birth": "2018-07-07", "sex": "F" }),
        "people",
    )
    .await;
    twice(
        &app,
        &lead,
        &format!("/api/v1/families/{family_id}/consents"),
        "consent-1",
        &json!({ "given_by_person_id": adult, "for_assessment": true, "method": "written", "given_on": "2026-01-05" }),
        "consents",
    )
    .await;
    twice(
        &app,
        &lead,
        "/api/v1/episodes",
        "episode-1",
        &episode_body(&family_id, &child),
        "episodes",
    )
    .await;

    let replays = app
        .audit_rows()
        .into_iter()
        .filter(|row| {
            [
                "family.create",
                "person.create",
                "consent.create",
                "episode.open",
            ]
            .contains(&row.action.as_str())
        })
        .count();
    assert!(replays >= 8, "each first answer and each replay is audited");
}

#[actix_web::test]
async fn a_key_sent_again_with_another_body_or_to_another_route_is_refused() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let body = family_body("Demo-Keyed", "2015-02-03", None);
    app.post("/api/v1/families")
        .token(&lead)
        .header("Idempotency-Key", "shared-key")
        .json(&body)
        .await
        .assert_status(201);
    let other = family_body("Demo-Other", "2011-02-03", None);
    app.post("/api/v1/families")
        .token(&lead)
        .header("Idempotency-Key", "shared-key")
        .json(&other)
        .await
        .assert_problem(422, "idempotency_key_reused");
    assert_eq!(rows(&app, "families"), 1);

    // Keys are each user's own: another user's same key is a new request.
    let other_lead = app.token("practitioner2").await;
    app.post("/api/v1/families")
        .token(&other_lead)
        .header("Idempotency-Key", "shared-key")
        .json(&other)
        .await
        .assert_status(201);

    let reply = app
        .post("/api/v1/families")
        .token(&lead)
        .header("Idempotency-Key", "")
        .json(&other)
        .await;
    let problem = reply.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
}

#[actix_web::test]
async fn concurrent_creates_with_one_key_make_one_family() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let body = family_body("Demo-Race", "2015-02-03", None);
    let send = || {
        app.post("/api/v1/families")
            .token(&lead)
            .header("Idempotency-Key", "race-1")
            .json(&body)
    };
    let (a, (b, c)) = join(send(), join(send(), send())).await;
    let ids: Vec<Value> = [a, b, c]
        .iter()
        .map(|reply| {
            reply.assert_status(201);
            reply.json()["id"].clone()
        })
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(rows(&app, "families"), 1);
}
