//! The OpenAPI document: generated from the code, it describes the server's route table, the
//! committed `openapi/openapi.yaml` is exactly what the code generates, and the server serves
//! it.

use crate::helpers::TestApp;
use std::collections::BTreeSet;

const REGENERATE: &str = "cargo run -q -p earlyhelp -- openapi > openapi/openapi.yaml";

fn generated_yaml() -> String {
    earlyhelp_http::openapi::yaml().expect("the document renders as YAML")
}

fn documented() -> BTreeSet<(String, String)> {
    let document: serde_json::Value =
        serde_yaml::from_str(&generated_yaml()).expect("the generated document parses");
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
        "routes without a #[utoipa::path] in crate::openapi's document: {undocumented:?}"
    );
    assert!(
        phantom.is_empty(),
        "documented operations the server lacks: {phantom:?}"
    );
}

#[test]
fn the_committed_document_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = generated_yaml();
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(committed, generated)| committed != generated)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "openapi/openapi.yaml is not what the code generates (first difference at line {}: \
             committed {:?}, generated {:?}).\nRegenerate it with `{REGENERATE}` and commit it.",
            first + 1,
            committed.lines().nth(first).unwrap_or("<end of file>"),
            generated.lines().nth(first).unwrap_or("<end of file>"),
        );
    }
}

#[actix_web::test]
async fn the_server_serves_the_generated_document_as_json_and_yaml() {
    let app = TestApp::spawn().await;
    let yaml = app.get("/api/v1/openapi.yaml").send().await;
    yaml.assert_status(200);
    assert_eq!(yaml.text(), generated_yaml());
    let json = app.get("/api/v1/openapi.json").send().await;
    json.assert_status(200);
    let generated: serde_json::Value = serde_json::from_str(
        &earlyhelp_http::openapi::json().expect("the document renders as JSON"),
    )
    .expect("the generated JSON parses");
    assert_eq!(json.json(), generated);
    assert!(json.json()["paths"]["/api/v1/auth/login"]["post"].is_object());
}
