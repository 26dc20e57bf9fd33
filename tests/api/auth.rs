//! Sign-in, lockout, rate limiting, refresh rotation and reuse detection, sign-out.

use crate::helpers::{claims_of, TestApp, PASSWORD};
use earlyhelp_http::client::TrustedProxies;
use serde_json::json;

#[actix_web::test]
async fn a_user_signs_in_and_sees_who_they_are() {
    let app = TestApp::spawn().await;
    let practitioner = app.persona("practitioner").clone();
    let response = app
        .login_response(&practitioner.email.to_uppercase(), PASSWORD)
        .await;
    response.assert_status(200);
    let body = response.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_expires_in"].as_i64().unwrap() > 40_000);
    assert_eq!(
        body["refresh_token"].as_str().unwrap().len(),
        43,
        "256 bits in base64url"
    );

    let claims = claims_of(body["access_token"].as_str().unwrap());
    assert_eq!(claims["sub"], practitioner.id.to_string());
    assert_eq!(claims["roles"], json!(["practitioner"]));
    assert_eq!(
        claims["organisation"],
        practitioner.organisation_id.to_string()
    );
    assert_eq!(
        claims["locality"],
        practitioner.locality_id.unwrap().to_string()
    );
    assert_eq!(claims["iss"], "earlyhelp");
    assert_eq!(claims["aud"], "earlyhelp-api");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
    assert!(claims["jti"].is_string());

    let me = app
        .get("/api/v1/me")
        .token(body["access_token"].as_str().unwrap())
        .send()
        .await;
    me.assert_status(200);
    let me = me.json();
    assert_eq!(me["email"], practitioner.email);
    assert_eq!(me["roles"], json!(["practitioner"]));
    assert_eq!(me["organisation"]["name"], "Northgate Primary School");
    assert_eq!(me["organisation"]["kind"], "school");
    assert_eq!(me["locality"]["name"], "North");
    assert!(me.get("password_hash").is_none());
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let email = app.persona("practitioner").email.clone();
    let wrong = app
        .login_response(&email, "not the password at all")
        .await
        .assert_problem(401, "unauthenticated");
    let unknown = app
        .login_response("nobody@test.earlyhelp.test", PASSWORD)
        .await
        .assert_problem(401, "unauthenticated");
    assert_eq!(wrong["detail"], unknown["detail"]);

    let failures: Vec<_> = app
        .audit_rows()
        .into_iter()
        .filter(|row| row.action == "auth.login")
        .collect();
    assert_eq!(failures.len(), 2);
    assert!(failures
        .iter()
        .all(|row| row.outcome == "failure" && row.actor.is_none()));
    assert_eq!(
        failures[0].entity,
        Some(app.persona("practitioner").id),
        "the targeted account is recorded"
    );
    assert_eq!(failures[1].entity, None);
}

/// A sign-in from `client`, as a proxy trusted by the app would forward it.
async fn login_from(app: &TestApp, client: &str, email: &str, password: &str) -> u16 {
    app.post("/api/v1/auth/login")
        .header("X-Forwarded-For", client)
        .json(&json!({ "email": email, "password": password }))
        .await
        .status
}

/// The app behind a proxy on the loopback address, which forwards each client's address.
async fn behind_a_proxy() -> TestApp {
    TestApp::spawn_with(|settings| {
        settings.trusted_proxies = TrustedProxies::parse("127.0.0.1, ::1").unwrap();
    })
    .await
}

#[actix_web::test]
async fn five_failures_lock_out_the_guessing_client_but_never_the_account_for_everyone() {
    let app = behind_a_proxy().await;
    let practitioner = app.persona("practitioner").clone();
    let (attacker, owner) = ("203.0.113.66", "198.51.100.7");
    for _ in 0..5 {
        assert_eq!(
            login_from(&app, attacker, &practitioner.email, "wrong password guess").await,
            401
        );
    }
    // The guessing client is held off even with the right password...
    assert_eq!(
        login_from(&app, attacker, &practitioner.email, PASSWORD).await,
        401
    );
    // ...while the account's owner, elsewhere, signs in as usual.
    assert_eq!(
        login_from(&app, owner, &practitioner.email, PASSWORD).await,
        200
    );

    let admin = app.token("admin").await;
    let user = app
        .get(&format!("/api/v1/admin/users/{}", practitioner.id))
        .token(&admin)
        .send()
        .await;
    assert!(
        user.json()["locked_until"].is_string(),
        "admins can see that a client is locked out"
    );

    // A password reset lifts every client's lockout: the one-time password is recognised
    // (403, set a password of your own) rather than held off (401).
    app.post(&format!("/api/v1/admin/users/{}/password", practitioner.id))
        .token(&admin)
        .json(&json!({ "password": "a brand new passphrase" }))
        .await
        .assert_status(204);
    assert_eq!(
        login_from(
            &app,
            attacker,
            &practitioner.email,
            "a brand new passphrase"
        )
        .await,
        403
    );
    let failures: Vec<_> = app
        .audit_rows()
        .into_iter()
        .filter(|r| r.action == "auth.login" && r.outcome == "failure")
        .collect();
    assert_eq!(failures.len(), 7);
    assert!(failures
        .iter()
        .all(|r| r.client_address.as_deref() == Some(attacker)));
}

#[actix_web::test]
async fn a_locked_out_client_gets_the_same_answer_as_for_an_unknown_email() {
    let app = behind_a_proxy().await;
    let email = app.persona("lcss_worker").email.clone();
    let client = "203.0.113.70";
    for _ in 0..6 {
        login_from(&app, client, &email, "wrong password guess").await;
    }
    let locked = app
        .post("/api/v1/auth/login")
        .header("X-Forwarded-For", client)
        .json(&json!({ "email": email, "password": PASSWORD }))
        .await
        .assert_problem(401, "unauthenticated");
    let unknown = app
        .post("/api/v1/auth/login")
        .header("X-Forwarded-For", client)
        .json(&json!({ "email": "nobody@test.earlyhelp.test", "password": PASSWORD }))
        .await
        .assert_problem(401, "unauthenticated");
    assert_eq!(locked["detail"], unknown["detail"]);
    assert_eq!(locked["title"], unknown["title"]);
}

#[actix_web::test]
async fn the_audit_trail_and_the_request_log_hold_the_client_address() {
    let app = behind_a_proxy().await;
    let token = app
        .post("/api/v1/auth/login")
        .header("X-Forwarded-For", "198.51.100.23")
        .json(&json!({ "email": app.persona("practitioner").email, "password": PASSWORD }))
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/api/v1/families")
        .token(&token)
        .header("X-Forwarded-For", "198.51.100.24")
        .header("X-Request-Id", "client-address-check")
        .send()
        .await
        .assert_status(200);
    let rows = app.audit_rows();
    let signed_in = rows.iter().find(|r| r.action == "auth.login").unwrap();
    assert_eq!(signed_in.client_address.as_deref(), Some("198.51.100.23"));
    let listed = rows.iter().find(|r| r.action == "family.list").unwrap();
    assert_eq!(listed.client_address.as_deref(), Some("198.51.100.24"));
    let logs = crate::helpers::captured_logs();
    assert!(
        logs.lines()
            .any(|line| line.contains("client-address-check") && line.contains("198.51.100.24")),
        "the request's log lines carry the client address"
    );
}

#[actix_web::test]
async fn a_forwarded_address_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::spawn().await;
    app.post("/api/v1/auth/login")
        .header("X-Forwarded-For", "198.51.100.99")
        .json(&json!({ "email": "nobody@test.earlyhelp.test", "password": PASSWORD }))
        .await
        .assert_status(401);
    let rows = app.audit_rows();
    let attempt = rows.iter().find(|r| r.action == "auth.login").unwrap();
    assert_eq!(attempt.client_address.as_deref(), Some("127.0.0.1"));
}

#[actix_web::test]
async fn sign_in_is_rate_limited_per_client_address() {
    let app = TestApp::spawn_with(|settings| {
        settings.login_rate_limit.burst = 3;
        settings.login_rate_limit.per_second = 1;
    })
    .await;
    for _ in 0..3 {
        app.login_response("nobody@test.earlyhelp.test", "whatever it is here")
            .await
            .assert_problem(401, "unauthenticated");
    }
    let limited = app
        .login_response("nobody@test.earlyhelp.test", "whatever it is here")
        .await;
    limited.assert_problem(429, "too_many_requests");
    assert!(
        limited
            .header("retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
}

#[actix_web::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_sign_in_allowance() {
    let app = TestApp::spawn_with(|settings| {
        settings.trusted_proxies = TrustedProxies::parse("127.0.0.1, ::1").unwrap();
        settings.login_rate_limit.burst = 2;
        settings.login_rate_limit.per_second = 1;
    })
    .await;
    for _ in 0..2 {
        assert_eq!(
            login_from(
                &app,
                "203.0.113.1",
                "nobody@test.earlyhelp.test",
                "guess guess"
            )
            .await,
            401
        );
    }
    assert_eq!(
        login_from(
            &app,
            "203.0.113.1",
            "nobody@test.earlyhelp.test",
            "guess guess"
        )
        .await,
        429
    );
    // Another member of staff behind the same proxy is not held back.
    assert_eq!(
        login_from(
            &app,
            "203.0.113.2",
            &app.persona("practitioner").email,
            PASSWORD
        )
        .await,
        200
    );
}

#[actix_web::test]
async fn a_refresh_token_is_rotated_and_single_use() {
    let app = TestApp::spawn().await;
    let (access, refresh) = app.login("lcss_worker").await;
    let rotated = app
        .post("/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": refresh }))
        .await;
    rotated.assert_status(200);
    let rotated = rotated.json();
    let (new_access, new_refresh) = (
        rotated["access_token"].as_str().unwrap(),
        rotated["refresh_token"].as_str().unwrap(),
    );
    assert_ne!(new_refresh, refresh);
    assert_eq!(
        claims_of(new_access)["sid"],
        claims_of(&access)["sid"],
        "same session"
    );
    app.get("/api/v1/me")
        .token(new_access)
        .send()
        .await
        .assert_status(200);
    // The old access token stays valid until it expires: rotation is not revocation.
    app.get("/api/v1/me")
        .token(&access)
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn reusing_a_spent_refresh_token_revokes_the_whole_session() {
    let app = TestApp::spawn().await;
    let (_, stolen) = app.login("practitioner").await;
    let first = app
        .post("/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": stolen }))
        .await
        .json();
    let (access, current) = (
        first["access_token"].as_str().unwrap().to_owned(),
        first["refresh_token"].as_str().unwrap().to_owned(),
    );

    app.post("/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": stolen }))
        .await
        .assert_problem(401, "unauthenticated");
    // Every token of the family is now dead, including the legitimate latest ones.
    app.post("/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": current }))
        .await
        .assert_problem(401, "unauthenticated");
    app.get("/api/v1/me")
        .token(&access)
        .send()
        .await
        .assert_problem(401, "unauthenticated");

    let refreshes: Vec<_> = app
        .audit_rows()
        .into_iter()
        .filter(|r| r.action == "auth.refresh")
        .map(|r| r.outcome)
        .collect();
    assert_eq!(refreshes, ["success", "failure", "failure"]);
}

#[actix_web::test]
async fn an_unknown_refresh_token_is_refused() {
    let app = TestApp::spawn().await;
    app.post("/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }))
        .await
        .assert_problem(401, "unauthenticated");
}

#[actix_web::test]
async fn signing_out_ends_the_access_and_refresh_tokens() {
    let app = TestApp::spawn().await;
    let (access, refresh) = app.login("manager").await;
    app.post("/api/v1/auth/logout")
        .token(&access)
        .send()
        .await
        .assert_status(204);
    app.get("/api/v1/me")
        .token(&access)
        .send()
        .await
        .assert_problem(401, "unauthenticated");
    app.post("/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": refresh }))
        .await
        .assert_problem(401, "unauthenticated");
    // Another sign-in is a new session and works.
    app.login("manager").await;
}

#[actix_web::test]
async fn a_deactivated_user_is_signed_out_at_once_and_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let practitioner = app.persona("practitioner").clone();
    let (access, _) = app.login("practitioner").await;
    let admin = app.token("admin").await;
    let response = app
        .post(&format!(
            "/api/v1/admin/users/{}/deactivate",
            practitioner.id
        ))
        .token(&admin)
        .send()
        .await;
    response.assert_status(200);
    assert_eq!(response.json()["active"], false);
    app.get("/api/v1/me")
        .token(&access)
        .send()
        .await
        .assert_problem(401, "unauthenticated");
    app.login_response(&practitioner.email, PASSWORD)
        .await
        .assert_problem(401, "unauthenticated");

    app.post(&format!(
        "/api/v1/admin/users/{}/reactivate",
        practitioner.id
    ))
    .token(&admin)
    .send()
    .await
    .assert_status(200);
    app.login("practitioner").await;
}
