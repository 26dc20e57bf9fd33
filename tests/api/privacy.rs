//! Logs carry ids, never names or other personal data; responses carry no SQL or internals.

use crate::case_helpers::{complete_snf, id_of, nhs_number};
use crate::helpers::{captured_logs, TestApp};
use serde_json::json;

/// Names no other test uses, so finding them in the logs can only mean this test's data leaked.
const GIVEN: &str = "Zebedee";
const FAMILY: &str = "Quillfeather";
const ADDRESS: &str = "7 Marrowbone Lane";

#[actix_web::test]
async fn personal_data_never_reaches_the_logs() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let nhs = nhs_number(777);
    let body = json!({
        "address": ADDRESS, "postcode": "OX4 3LX",
        "members": [
            { "kind": "adult", "given_name": GIVEN, "family_name": FAMILY, "date_of_birth": "1980-01-01", "sex": "M" },
            { "kind": "child", "given_name": format!("{GIVEN}ina"), "family_name": FAMILY, "date_of_birth": "2014-06-01", "sex": "F", "nhs_number": nhs }
        ]
    });
    let family = app.create_family(&lead, &body).await.json();
    let family_id = family["id"].as_str().unwrap().to_owned();
    // A duplicate (409 with candidates), invalid input that echoes the name, a wrong login.
    app.create_family(&lead, &body)
        .await
        .assert_problem(409, "possible_duplicate");
    let mut invalid = body.clone();
    invalid["members"][0]["given_name"] = json!(format!("{GIVEN}\\u0007"));
    invalid["members"][0]["sex"] = json!(FAMILY);
    app.create_family(&lead, &invalid)
        .await
        .assert_problem(422, "validation_failed");
    app.login_response(
        &format!(
            "{}.{}@example.org",
            GIVEN.to_lowercase(),
            FAMILY.to_lowercase()
        ),
        "not the password at all",
    )
    .await;
    let adult = family["members"][0]["id"].as_str().unwrap();
    app.consent(&lead, &family_id, adult)
        .await
        .assert_status(201);
    app.patch(&format!("/api/v1/people/{adult}"))
        .token(&lead)
        .json(&json!({ "family_name": format!("{FAMILY}-Smythe") }))
        .await
        .assert_status(200);
    let child = family["members"][1]["id"].as_str().unwrap();
    let episode = app
        .post("/api/v1/episodes")
        .token(&lead)
        .json(&json!({ "family_id": family_id, "children": [child], "threshold_level": 2, "threshold_rationale": format!("{GIVEN} needs a TAF"), "reason": format!("{FAMILY} family asked for help") }))
        .await
        .json();
    let form = app
        .post(&format!(
            "/api/v1/episodes/{}/assessments",
            episode["id"].as_str().unwrap()
        ))
        .token(&lead)
        .json(&json!({ "content": complete_snf() }))
        .await
        .json();
    app.submit(&lead, &id_of(&form))
        .send()
        .await
        .assert_status(200);
    app.get(&format!("/api/v1/families/{family_id}"))
        .token(&lead)
        .send()
        .await
        .assert_status(200);

    let logs = captured_logs();
    assert!(
        logs.contains(&family_id) || logs.contains("request served"),
        "the capture works"
    );
    for secret in [GIVEN, FAMILY, ADDRESS, &nhs, "quillfeather@"] {
        assert!(
            !logs.to_lowercase().contains(&secret.to_lowercase()),
            "'{secret}' appeared in the logs"
        );
    }
    for leak in ["argon2id$", "password_hash", "stack backtrace", "panicked"] {
        assert!(!logs.contains(leak), "'{leak}' appeared in the logs");
    }
}
