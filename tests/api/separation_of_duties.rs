//! Separation of duties: an administrator manages accounts but never reaches case content
//! through them. Both ways in that worked before are driven here and fail: creating an account
//! with a case role and a password of the administrator's choosing, and resetting a
//! practitioner's password to sign in as them.

use crate::helpers::TestApp;
use awc::http::Method;
use serde_json::{json, Value};

const ONE_TIME: &str = "a one-time passphrase from the admin";
const CHOSEN: &str = "a passphrase the admin then chose";

impl TestApp {
    /// Signs in with `password`, first trading it (a one-time password) for `CHOSEN`, as an
    /// administrator who knows it would.
    async fn take_over(&self, email: &str, password: &str) -> String {
        self.login_response(email, password)
            .await
            .assert_problem(403, "password_change_required");
        self.post("/api/v1/auth/password")
            .json(&json!({ "email": email, "password": password, "new_password": CHOSEN }))
            .await
            .assert_status(204);
        let login = self.login_response(email, CHOSEN).await;
        login.assert_status(200);
        login.json()["access_token"].as_str().unwrap().to_owned()
    }

    async fn read_family(&self, token: &str, family: &str) -> (u16, String) {
        let reply = self
            .get(&format!("/api/v1/families/{family}"))
            .token(token)
            .send()
            .await;
        (reply.status, reply.text())
    }

    async fn grants(&self, token: &str) -> Vec<Value> {
        let list = self.get("/api/v1/role-grants").token(token).send().await;
        list.assert_status(200);
        list.json()["items"].as_array().unwrap().clone()
    }
}

#[actix_web::test]
async fn an_account_an_admin_creates_reads_no_case_until_a_second_person_confirms_it() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Separate").await;
    let admin_id = app.persona("admin").id.to_string();
    let admin = app.token("admin").await;
    let north_lcss = app.persona("lcss_worker").organisation_id;

    let created = app
        .post("/api/v1/admin/users")
        .token(&admin)
        .json(&json!({ "email": "new.worker@test.earlyhelp.test", "display_name": "New Worker", "roles": ["lcss_worker"], "organisation_id": north_lcss, "password": ONE_TIME }))
        .await;
    created.assert_status(201);
    let created = created.json();
    let grant = created["pending_roles"]["grant_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The admin knows the password, trades it and signs in: the account holds no role yet.
    let taken = app
        .take_over("new.worker@test.earlyhelp.test", ONE_TIME)
        .await;
    let (status, body) = app.read_family(&taken, &case.family).await;
    assert!(
        [403, 404].contains(&status) && !body.contains("Demo-Separate"),
        "{status} {body}"
    );
    let me = app.get("/api/v1/me").token(&taken).send().await.json();
    assert_eq!(me["roles"], json!([]));
    assert_eq!(me["pending_roles"]["roles"], json!(["lcss_worker"]));
    assert_eq!(me["password_reset"]["by"]["id"], admin_id.as_str());
    // Nor can the admin confirm it.
    app.post(&format!("/api/v1/role-grants/{grant}/confirm"))
        .token(&admin)
        .send()
        .await
        .assert_problem(403, "forbidden");

    // LCSS of another locality does not see it; the North LCSS manager has it to do.
    let manager = app.token("lcss_manager").await;
    let work = app
        .get("/api/v1/me/work")
        .token(&manager)
        .send()
        .await
        .json();
    assert!(work["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|item| item["kind"] == "role_grant_to_confirm" && item["id"] == grant.as_str()));
    let listed = app.grants(&manager).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["user"]["email"], "new.worker@test.earlyhelp.test");
    assert_eq!(listed[0]["requested_by"], admin_id.as_str());
    app.post(&format!("/api/v1/role-grants/{grant}/confirm"))
        .token(&app.token("lcss_worker2").await)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let confirmed = app
        .post(&format!("/api/v1/role-grants/{grant}/confirm"))
        .token(&manager)
        .send()
        .await;
    confirmed.assert_status(200);
    assert_eq!(confirmed.json()["state"], "confirmed");
    app.post(&format!("/api/v1/role-grants/{grant}/decline"))
        .token(&manager)
        .send()
        .await
        .assert_problem(409, "role_grant_state");

    // Confirmed: the account's sessions ended; signed in again it reads the locality's case.
    app.get("/api/v1/me")
        .token(&taken)
        .send()
        .await
        .assert_problem(401, "unauthenticated");
    let login = app
        .login_response("new.worker@test.earlyhelp.test", CHOSEN)
        .await;
    let worker = login.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.read_family(&worker, &case.family).await.0, 200);
    assert!(app
        .audit_rows()
        .iter()
        .any(|row| row.action == "role_grant.confirm"
            && row.actor == Some(app.persona("lcss_manager").id)));
}

#[actix_web::test]
async fn nobody_confirms_a_grant_they_asked_for_and_a_declined_one_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let admin_id = app.persona("admin").id;
    // The admin also becomes the North LCSS manager, confirmed by the one already there.
    let promoted = app
        .request(
            Method::PUT,
            &format!("/api/v1/admin/users/{admin_id}/roles"),
        )
        .token(&admin)
        .json(&json!({ "roles": ["admin", "lcss_manager"] }))
        .await;
    promoted.assert_status(200);
    let grant = promoted.json()["pending_roles"]["grant_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // (The persona has no locality of its own: give it North's.)
    let mut conn = app.db.connect();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE users SET locality_id = '{}' WHERE id = '{admin_id}'",
            app.directory.north
        )),
        &mut conn,
    )
    .unwrap();
    app.post(&format!("/api/v1/role-grants/{grant}/confirm"))
        .token(&app.token("lcss_manager").await)
        .send()
        .await
        .assert_status(200);
    let admin = app.token("admin").await;

    let north_lcss = app.persona("lcss_worker").organisation_id;
    let created = app
        .post("/api/v1/admin/users")
        .token(&admin)
        .json(&json!({ "email": "second.worker@test.earlyhelp.test", "display_name": "Second Worker", "roles": ["lcss_worker"], "organisation_id": north_lcss, "password": ONE_TIME }))
        .await;
    created.assert_status(201);
    let own = created.json()["pending_roles"]["grant_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // An admin who is also the locality's LCSS manager: their own request is not theirs to
    // decide, nor listed to them.
    assert!(app.grants(&admin).await.is_empty());
    app.post(&format!("/api/v1/role-grants/{own}/confirm"))
        .token(&admin)
        .send()
        .await
        .assert_problem(403, "forbidden");

    // The other LCSS manager declines: the account keeps no role.
    let declined = app
        .post(&format!("/api/v1/role-grants/{own}/decline"))
        .token(&app.token("lcss_manager").await)
        .send()
        .await;
    declined.assert_status(200);
    assert_eq!(declined.json()["state"], "declined");
    let user = app
        .get(&format!(
            "/api/v1/admin/users/{}",
            created.json()["id"].as_str().unwrap()
        ))
        .token(&admin)
        .send()
        .await
        .json();
    assert_eq!(user["roles"], json!([]));
    assert_eq!(user["pending_roles"], Value::Null);
}

#[actix_web::test]
async fn an_admin_resetting_a_practitioners_password_cannot_sign_in_as_them_to_their_cases() {
    let app = TestApp::spawn().await;
    let practitioner = app.persona("practitioner").clone();
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Resetting").await;
    let admin = app.token("admin").await;

    app.post(&format!("/api/v1/admin/users/{}/password", practitioner.id))
        .token(&admin)
        .json(&json!({ "password": ONE_TIME }))
        .await
        .assert_status(204);
    // The practitioner's sessions ended, and their old password no longer works.
    app.get("/api/v1/me")
        .token(&lead)
        .send()
        .await
        .assert_problem(401, "unauthenticated");
    app.login_response(&practitioner.email, crate::helpers::PASSWORD)
        .await
        .assert_problem(401, "unauthenticated");

    // The admin trades the one-time password and signs in as the practitioner: no case role.
    let taken = app.take_over(&practitioner.email, ONE_TIME).await;
    let (status, body) = app.read_family(&taken, &case.family).await;
    assert!(
        [403, 404].contains(&status) && !body.contains("Demo-Resetting"),
        "{status} {body}"
    );
    let me = app.get("/api/v1/me").token(&taken).send().await.json();
    assert_eq!(me["roles"], json!([]));
    assert_eq!(me["pending_roles"]["reason"], "password_reset");
    assert_eq!(me["pending_roles"]["roles"], json!(["practitioner"]));
    assert_eq!(
        me["password_reset"]["by"]["id"],
        app.persona("admin").id.to_string()
    );
    assert!(me["password_reset"]["at"].is_string());

    // Once the locality's LCSS manager has checked with the practitioner, their case is back.
    let grant = me["pending_roles"]["grant_id"].as_str().unwrap().to_owned();
    app.post(&format!("/api/v1/role-grants/{grant}/confirm"))
        .token(&app.token("lcss_manager").await)
        .send()
        .await
        .assert_status(200);
    let login = app.login_response(&practitioner.email, CHOSEN).await;
    let back = login.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.read_family(&back, &case.family).await.0, 200);
}
