//! Every read the OpenAPI document offers a signed-in user writes an audit entry: the test walks
//! each documented GET operation, calls it as a role it answers 200, and finds an entry with that
//! request's id. Reads that are not of case or personal data are named, with why, below.

use crate::access_table::{record_routes, RecordRoutes};
use crate::helpers::TestApp;
use awc::http::Method;
use diesel::RunQueryDsl;
use earlyhelp_domain::policy::Permission;
use earlyhelp_http::routes::{access_list, Access};
use std::collections::BTreeSet;

/// Reads that write no entry, and why: none of them is about a family, a person or a user.
const NOT_AUDITED: [(&str, &str); 3] = [
    ("/api/v1/me", "the caller's own account"),
    (
        "/api/v1/form-templates",
        "the published form templates: no case data",
    ),
    (
        "/api/v1/localities/{id}/contacts",
        "a locality's public LCSS and MASH contacts",
    ),
];

/// The role a route answers 200, by its declared access.
fn caller(access: Access) -> &'static str {
    match access {
        Access::OnReview(_)
        | Access::Listed(Permission::ReviewAssessments | Permission::FollowUpMatches)
        | Access::Granted(Permission::ReviewAssessments)
        | Access::OwnOr(Permission::ReviewAssessments | Permission::RecordConsultations) => {
            "lcss_worker"
        }
        Access::Granted(Permission::ReadReports | Permission::SetReportTargets) => "manager",
        Access::Granted(Permission::ManageDirectory) => "admin",
        Access::Granted(Permission::ReadAuditTrail | Permission::ExportSubjectAccess) => "auditor",
        Access::Granted(Permission::DecideRoleGrants) => "lcss_manager",
        Access::Granted(Permission::RecordConsultations | Permission::AllocateStepDowns) => {
            "lcss_worker"
        }
        _ => "practitioner",
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[actix_web::test]
async fn every_documented_read_writes_an_audit_entry() {
    let app = TestApp::spawn().await;
    let RecordRoutes { case, table, .. } = record_routes(&app).await;
    // The records some reads name that the matrix case has none of.
    let lcss = app.token("lcss_worker").await;
    let nnc = app
        .post("/api/v1/no-names-consultations")
        .token(&lcss)
        .json(&crate::consultations::consultation(&app))
        .await;
    nnc.assert_status(201);
    let nnc = crate::case_helpers::id_of(&nnc.json());
    let lead = app.token("practitioner").await;
    let asked = app
        .post("/api/v1/consultation-requests")
        .token(&lead)
        .json(&crate::consultation_requests::ask())
        .await;
    asked.assert_status(201);
    let asked = crate::case_helpers::id_of(&asked.json());
    // A role grant waiting for the North LCSS manager.
    let worker = app.persona("lcss_worker").id;
    let grant = app
        .request(Method::PUT, &format!("/api/v1/admin/users/{worker}/roles"))
        .token(&app.token("admin").await)
        .json(&serde_json::json!({ "roles": ["lcss_worker", "lcss_manager"] }))
        .await;
    grant.assert_status(200);
    let grant = grant.json()["pending_roles"]["grant_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let document: serde_json::Value =
        serde_yaml::from_str(&earlyhelp_http::openapi::yaml().unwrap()).unwrap();
    let documented: BTreeSet<String> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| item.get("get").is_some())
        .map(|(path, _)| path.clone())
        .collect();
    let mut checked = 0;
    let mut tokens = std::collections::HashMap::new();
    for (method, pattern, access) in access_list() {
        if method != Method::GET || matches!(access, Access::Public | Access::Metrics) {
            continue;
        }
        assert!(documented.contains(pattern), "{pattern} is not documented");
        if NOT_AUDITED.iter().any(|(exempt, _)| *exempt == pattern) {
            continue;
        }
        // A read of one record takes its path from the access matrix's case; the few others
        // that name a record name one of the case's.
        let path = match table
            .iter()
            .find(|(m, p, _, _)| *m == method && *p == pattern)
        {
            Some((_, _, path, _)) => path.clone(),
            None => match pattern {
                "/api/v1/people/{id}/access-log" | "/api/v1/people/{id}/subject-access-export" => {
                    pattern.replace("{id}", &case.child)
                }
                "/api/v1/admin/users/{id}" => {
                    pattern.replace("{id}", &app.persona("practitioner").id.to_string())
                }
                "/api/v1/admin/localities/{id}" => {
                    pattern.replace("{id}", &app.directory.north.to_string())
                }
                "/api/v1/admin/organisations/{id}" => {
                    pattern.replace("{id}", &app.directory.north_school.to_string())
                }
                "/api/v1/professionals/{id}/feedback" => {
                    pattern.replace("{id}", &app.persona("practitioner").id.to_string())
                }
                "/api/v1/organisations/{id}/feedback" => {
                    pattern.replace("{id}", &app.directory.north_school.to_string())
                }
                "/api/v1/no-names-consultations/{id}" => pattern.replace("{id}", &nnc),
                "/api/v1/consultation-requests/{id}" => pattern.replace("{id}", &asked),
                "/api/v1/role-grants/{id}" => pattern.replace("{id}", &grant),
                "/api/v1/reports/annex-a" => {
                    format!(
                        "{pattern}?inspection_date={}",
                        chrono::Utc::now().date_naive()
                    )
                }
                other if other.contains('{') => panic!("no record to read for {other}"),
                other => other.to_owned(),
            },
        };
        let role = caller(access);
        if !tokens.contains_key(role) {
            tokens.insert(role, app.token(role).await);
        }
        let token = &tokens[role];
        let reply = app.get(&path).token(token).send().await;
        assert_eq!(reply.status, 200, "GET {path} as {}", caller(access));
        let request_id = reply.header("x-request-id").unwrap();
        let found: Count = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM audit_events WHERE request_id = '{request_id}'"
        ))
        .get_result(&mut app.db.connect())
        .unwrap();
        assert!(found.n >= 1, "GET {pattern} wrote no audit entry");
        checked += 1;
    }
    assert!(checked > 40, "only {checked} reads were checked");
}
