//! Health, readiness, metrics, request ids, security headers and the docs page.

use crate::helpers::TestApp;
use awc::http::Method;
use earlyhelp_http::settings::{MetricsAccess, MetricsToken};
use earlyhelp_tests::http;
use std::time::Duration;

#[actix_web::test]
async fn health_and_readiness_pass_with_a_migrated_database() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz").send().await.json()["status"], "ok");
    let ready = app.get("/readyz").send().await;
    ready.assert_status(200);
    assert_eq!(ready.json()["status"], "ready");
}

#[actix_web::test]
async fn readiness_fails_while_the_database_is_unreachable_but_the_process_is_alive() {
    let app = TestApp::spawn_without_database().await;
    app.get("/healthz").send().await.assert_status(200);
    app.get("/readyz")
        .send()
        .await
        .assert_problem(503, "service_unavailable");
    let login = app
        .post("/api/v1/auth/login")
        .json(&serde_json::json!({ "email": "a@example.org", "password": "whatever it takes" }))
        .await;
    login.assert_problem(503, "service_unavailable");
    assert_eq!(login.header("retry-after").as_deref(), Some("1"));
}

#[actix_web::test]
async fn readiness_fails_while_migrations_are_pending() {
    let app = TestApp::spawn_unmigrated().await;
    app.get("/readyz")
        .send()
        .await
        .assert_problem(503, "service_unavailable");
}

#[actix_web::test]
async fn a_request_id_is_echoed_or_generated_and_reaches_the_audit_trail() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/v1/auth/login")
        .header("x-request-id", "client-chosen-id-42")
        .json(&serde_json::json!({ "email": app.persona("admin").email, "password": crate::helpers::PASSWORD }))
        .await;
    assert_eq!(
        response.header("x-request-id").as_deref(),
        Some("client-chosen-id-42")
    );
    assert!(app
        .audit_rows()
        .iter()
        .any(|row| row.action == "auth.login" && row.request_id == "client-chosen-id-42"));

    let generated = app
        .get("/healthz")
        .send()
        .await
        .header("x-request-id")
        .unwrap();
    assert_eq!(generated.len(), 36);
    let replaced = app
        .get("/healthz")
        .header("x-request-id", &"x".repeat(300))
        .send()
        .await
        .header("x-request-id")
        .unwrap();
    assert_eq!(replaced.len(), 36, "an overlong id is replaced");
    let problem = app
        .get("/nowhere")
        .header("x-request-id", "trace-me")
        .send()
        .await
        .json();
    assert_eq!(problem["request_id"], "trace-me");
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    for response in [
        app.get("/api/v1/me").token(&token).send().await,
        app.get("/nowhere").send().await,
        app.get("/healthz").send().await,
    ] {
        assert_eq!(
            response.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(response.header("x-frame-options").as_deref(), Some("DENY"));
        assert_eq!(
            response.header("cache-control").as_deref(),
            Some("no-store")
        );
    }
}

const METRICS_TOKEN: &str = "metrics-3f9a1c0be47d28e5a6b9c3d0f1e2";

/// An app serving `/metrics` on its main listener behind [`METRICS_TOKEN`].
async fn spawn_with_metrics_token() -> TestApp {
    TestApp::spawn_with(|settings| {
        settings.metrics = MetricsAccess::Bearer(MetricsToken::new(METRICS_TOKEN).unwrap());
    })
    .await
}

#[actix_web::test]
async fn metrics_count_requests_per_route_pattern_and_status() {
    let app = spawn_with_metrics_token().await;
    let admin = app.token("admin").await;
    app.get(&format!(
        "/api/v1/admin/users/{}",
        app.persona("manager").id
    ))
    .token(&admin)
    .send()
    .await
    .assert_status(200);
    app.get("/nowhere/at/all").send().await;
    let metrics = app.get("/metrics").token(METRICS_TOKEN).send().await.text();
    assert!(metrics.contains(r#"earlyhelp_http_requests_total{endpoint="/api/v1/admin/users/{id}",method="GET",status="200"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"earlyhelp_http_requests_duration_seconds_bucket{endpoint="/api/v1/auth/login",method="POST",status="200""#));
    assert!(
        !metrics.contains("/nowhere"),
        "unmatched paths are not metric labels"
    );
}

#[actix_web::test]
async fn the_interactive_docs_are_served_from_vendored_assets() {
    let app = TestApp::spawn().await;
    let index = app.get("/docs").send().await;
    assert_eq!(index.status, 308);
    assert_eq!(index.header("location").as_deref(), Some("/docs/"));
    let page = app.get("/docs/").send().await;
    page.assert_status(200);
    let html = page.text();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("https://"), "no CDN");
    let init = app.get("/docs/swagger-initializer.js").send().await.text();
    assert!(init.contains("/api/v1/openapi.json"));
    app.get("/docs/swagger-ui-bundle.js")
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn invented_methods_share_one_metrics_label_and_are_refused_as_before() {
    let app = spawn_with_metrics_token().await;
    for n in 0..25 {
        let method = awc::http::Method::from_bytes(format!("XINVENTED{n}").as_bytes()).unwrap();
        app.request(method, "/healthz")
            .send()
            .await
            .assert_problem(405, "method_not_allowed");
    }
    let metrics = app.get("/metrics").token(METRICS_TOKEN).send().await;
    metrics.assert_status(200);
    let metrics = metrics.text();
    assert!(
        !metrics.contains("XINVENTED"),
        "no label per invented method"
    );
    assert!(metrics.contains("method=\"OTHER\""), "{metrics}");
}

#[actix_web::test]
async fn every_get_route_answers_head_with_its_headers_and_no_body() {
    let app = TestApp::spawn().await;
    let health = app
        .request(awc::http::Method::HEAD, "/healthz")
        .send()
        .await;
    health.assert_status(200);
    assert!(health.body.is_empty());
    assert_eq!(
        health.header("content-type").as_deref(),
        Some("application/json")
    );
    let anonymous = app
        .request(awc::http::Method::HEAD, "/api/v1/me")
        .send()
        .await;
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.body.is_empty());
    let token = app.token("practitioner").await;
    let me = app
        .request(awc::http::Method::HEAD, "/api/v1/me")
        .token(&token)
        .send()
        .await;
    me.assert_status(200);
    assert!(me.body.is_empty());
}

#[actix_web::test]
async fn the_docs_viewer_carries_a_content_security_policy() {
    let app = TestApp::spawn().await;
    for path in ["/docs/", "/docs/swagger-initializer.js"] {
        let page = app.get(path).send().await;
        page.assert_status(200);
        let policy = page.header("content-security-policy").unwrap_or_default();
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
        assert!(policy.contains("script-src 'self'"), "{path}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(!policy.contains("unsafe-eval"), "{path}: {policy}");
    }
}

#[actix_web::test]
async fn without_a_metrics_setting_the_main_listener_does_not_serve_metrics() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    for method in [Method::GET, Method::HEAD, Method::POST] {
        let anonymous = app.request(method.clone(), "/metrics").send().await;
        assert_eq!(anonymous.status, 404, "{method}");
        if method != Method::HEAD {
            anonymous.assert_problem(404, "not_found");
        }
    }
    // Not even to an administrator: metrics are for the monitoring, not for users.
    app.get("/metrics")
        .token(&token)
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn with_a_metrics_token_metrics_need_exactly_that_token() {
    let app = spawn_with_metrics_token().await;
    let user_token = app.token("admin").await;
    let wrong = format!("{METRICS_TOKEN}x");
    let mut refused = vec![
        app.get("/metrics").send().await,
        app.get("/metrics").token(&wrong).send().await,
        app.get("/metrics").token(&METRICS_TOKEN[1..]).send().await,
        app.get("/metrics").token(&user_token).send().await,
        app.get("/metrics")
            .header("authorization", &format!("Basic {METRICS_TOKEN}"))
            .send()
            .await,
    ];
    refused.push(
        app.get("/metrics")
            .header("authorization", METRICS_TOKEN)
            .send()
            .await,
    );
    for response in refused {
        response.assert_problem(401, "unauthenticated");
        assert_eq!(
            response.header("www-authenticate").as_deref(),
            Some("Bearer realm=\"earlyhelp-metrics\"")
        );
    }
    let served = app.get("/metrics").token(METRICS_TOKEN).send().await;
    served.assert_status(200);
    assert!(served
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/plain"));
    assert!(served.text().contains("earlyhelp_http_requests_total"));
    app.get("/metrics")
        .header("authorization", &format!("bearer {METRICS_TOKEN}"))
        .send()
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn in_dev_mode_without_other_settings_metrics_are_open() {
    let app = TestApp::spawn_with(|settings| settings.metrics = MetricsAccess::Open).await;
    app.get("/metrics").send().await.assert_status(200);
}

#[actix_web::test]
async fn with_a_metrics_address_metrics_are_served_there_and_only_there() {
    // A free loopback port: bound, read and released for the server to take.
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap();
    let app =
        TestApp::spawn_with(|settings| settings.metrics = MetricsAccess::Separate(address)).await;
    app.get("/healthz").send().await.assert_status(200);
    app.get("/metrics")
        .send()
        .await
        .assert_problem(404, "not_found");

    let client = http::client(Duration::from_secs(10));
    let metrics = http::send(client.get(format!("http://{address}/metrics")), None)
        .await
        .unwrap();
    metrics.assert_status(200);
    assert!(
        metrics.text().contains(
            r#"earlyhelp_http_requests_total{endpoint="/healthz",method="GET",status="200"} 1"#
        ),
        "{}",
        metrics.text()
    );
    // The metrics listener serves nothing else.
    for path in ["/healthz", "/api/v1/me", "/api/v1/openapi.json"] {
        http::send(client.get(format!("http://{address}{path}")), None)
            .await
            .unwrap()
            .assert_problem(404, "not_found");
    }
    http::send(client.post(format!("http://{address}/metrics")), None)
        .await
        .unwrap()
        .assert_problem(405, "method_not_allowed");
}

#[actix_web::test]
async fn pooled_connections_run_without_jit_compilation() {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        jit: String,
    }
    let app = TestApp::spawn().await;
    let db = earlyhelp_persistence::Db::new(&app.db.url, &Default::default());
    let mut conn = db.connection().unwrap();
    let setting: Setting = diesel::sql_query("SHOW jit").get_result(&mut conn).unwrap();
    assert_eq!(setting.jit, "off");
}

#[actix_web::test]
async fn metrics_cover_the_process_the_database_pool_and_the_build() {
    let app = spawn_with_metrics_token().await;
    app.token("practitioner").await;
    let metrics = app.get("/metrics").token(METRICS_TOKEN).send().await.text();
    for family in [
        "earlyhelp_build_info{version=\"",
        "earlyhelp_db_pool_max 2",
        "earlyhelp_db_pool_connections ",
        "earlyhelp_db_pool_idle ",
        "earlyhelp_db_pool_waiting 0",
        "earlyhelp_db_checkout_seconds_count ",
        "process_resident_memory_bytes ",
        "process_open_fds ",
        "process_cpu_seconds_total ",
    ] {
        assert!(metrics.contains(family), "{family} missing from {metrics}");
    }
    let checkouts: f64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("earlyhelp_db_checkout_seconds_count "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(checkouts >= 1.0, "the sign-in's checkout was timed");
}
