//! The OpenAPI document and the server's route table describe the same API.

use crate::helpers::TestApp;
use std::collections::BTreeSet;

fn documented() -> BTreeSet<(String, String)> {
    let document: serde_json::Value =
        serde_yaml::from_str(earlyhelp_http::handlers::ops::OPENAPI_YAML)
            .expect("openapi.yaml parses");
    assert_eq!(document["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            if item.get(method).is_some() {
                operations.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    operations
}

#[test]
fn every_route_is_documented_and_every_documented_operation_exists() {
    let served: BTreeSet<(String, String)> = earlyhelp_http::routes::route_list()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path.to_owned()))
        .collect();
    let documented = documented();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let phantom: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi/openapi.yaml: {undocumented:?}"
    );
    assert!(
        phantom.is_empty(),
        "documented operations the server lacks: {phantom:?}"
    );
}

#[actix_web::test]
async fn the_document_is_served_as_json_and_yaml() {
    let app = TestApp::spawn().await;
    let json = app.get("/api/v1/openapi.json").send().await;
    json.assert_status(200);
    assert!(json.json()["paths"]["/api/v1/auth/login"]["post"].is_object());
    let yaml = app.get("/api/v1/openapi.yaml").send().await;
    assert_eq!(yaml.text(), earlyhelp_http::handlers::ops::OPENAPI_YAML);
}
