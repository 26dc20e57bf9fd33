//! Every forged or stale access token gets 401 problem+json.

use crate::helpers::{claims_of, TestApp, AUDIENCE, ISSUER, SECRET};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

fn claims(app: &TestApp, session: &str) -> Value {
    let admin = app.persona("admin");
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": admin.id, "sid": session, "roles": ["admin"], "organisation": admin.organisation_id,
        "locality": null, "jti": uuid::Uuid::now_v7(), "iat": now, "exp": now + 600,
        "iss": ISSUER, "aud": AUDIENCE,
    })
}

fn sign(algorithm: Algorithm, secret: &str, claims: &Value) -> String {
    encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[actix_web::test]
async fn forged_and_stale_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let genuine = app.token("admin").await;
    let session = claims_of(&genuine)["sid"].as_str().unwrap().to_owned();
    let good = claims(&app, &session);
    // A correctly signed token built by the test is accepted, so each refusal below is about
    // the one thing that differs.
    let control = sign(Algorithm::HS256, SECRET, &good);
    app.get("/api/v1/me")
        .token(&control)
        .send()
        .await
        .assert_status(200);

    let mut attacks: Vec<(&str, String)> = Vec::new();
    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&good).unwrap());
    attacks.push(("alg none", format!("{header_none}.{payload}.")));
    attacks.push(("another algorithm", sign(Algorithm::HS512, SECRET, &good)));
    attacks.push((
        "wrong key",
        sign(
            Algorithm::HS256,
            "another-secret-of-sufficient-length-0123456789",
            &good,
        ),
    ));
    let mut parts: Vec<String> = control.split('.').map(str::to_owned).collect();
    let mut tampered = good.clone();
    tampered["roles"] = json!(["admin", "manager"]);
    tampered["sub"] = json!(app.persona("practitioner").id);
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&tampered).unwrap());
    attacks.push(("tampered payload", parts.join(".")));
    let mut expired = good.clone();
    expired["iat"] = json!(chrono::Utc::now().timestamp() - 1200);
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 300);
    attacks.push(("expired", sign(Algorithm::HS256, SECRET, &expired)));
    let mut audience = good.clone();
    audience["aud"] = json!("another-api");
    attacks.push(("wrong audience", sign(Algorithm::HS256, SECRET, &audience)));
    let mut issuer = good.clone();
    issuer["iss"] = json!("someone-else");
    attacks.push(("wrong issuer", sign(Algorithm::HS256, SECRET, &issuer)));
    let mut no_exp = good.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    attacks.push(("no expiry", sign(Algorithm::HS256, SECRET, &no_exp)));
    let mut unknown_session = good.clone();
    unknown_session["sid"] = json!(uuid::Uuid::now_v7());
    attacks.push((
        "unknown session",
        sign(Algorithm::HS256, SECRET, &unknown_session),
    ));
    attacks.push(("garbage", "not.a.token".to_owned()));

    for (attack, token) in attacks {
        let response = app.get("/api/v1/me").token(&token).send().await;
        assert_eq!(response.status, 401, "{attack}: {}", response.text());
        response.assert_problem(401, "unauthenticated");
        assert!(
            response
                .header("www-authenticate")
                .unwrap()
                .starts_with("Bearer"),
            "{attack}"
        );
    }
}

#[actix_web::test]
async fn a_request_without_a_token_or_with_another_scheme_is_unauthenticated() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/me")
        .send()
        .await
        .assert_problem(401, "unauthenticated");
    app.get("/api/v1/me")
        .header("authorization", "Basic YWRtaW46YWRtaW4=")
        .send()
        .await
        .assert_problem(401, "unauthenticated");
}
