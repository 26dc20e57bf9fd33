//! Families and their people: possible duplicates within the actor's view, and the checks on
//! a person's details.

use crate::case_helpers::{family_body, nhs_number};
use crate::helpers::TestApp;
use serde_json::json;

#[actix_web::test]
async fn a_possible_duplicate_is_flagged_only_within_the_actors_view() {
    let app = TestApp::spawn().await;
    let north = app.token("practitioner").await;
    let south = app.token("practitioner2").await;
    let nhs = nhs_number(42);
    app.create_family(
        &north,
        &family_body("Demo-Dunmore", "2015-03-09", Some(&nhs)),
    )
    .await
    .assert_status(201);

    // The same practitioner entering the same child again is warned, with candidates.
    let again = app
        .create_family(&north, &family_body("Demo-Dunmore", "2015-03-09", None))
        .await;
    let problem = again.assert_problem(409, "possible_duplicate");
    assert_eq!(
        problem["candidates"][0]["matched_on"],
        "date_of_birth_and_name"
    );
    let mut confirmed = family_body("Demo-Dunmore", "2015-03-09", None);
    confirmed["confirm_new"] = json!(true);
    app.create_family(&north, &confirmed)
        .await
        .assert_status(201);

    // Someone who cannot see the first family is not told it exists.
    app.create_family(
        &south,
        &family_body("Demo-Dunmore", "2015-03-09", Some(&nhs)),
    )
    .await
    .assert_status(201);
}

#[actix_web::test]
async fn an_nhs_number_without_a_valid_check_digit_is_refused_with_its_field() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Inchley").await;
    // 1234567890: the modulus-11 check digit of 123456789 would be 10, so no NHS number has it.
    let person = app
        .patch(&format!("/api/v1/people/{}", case.child))
        .token(&lead)
        .json(&json!({ "nhs_number": "1234567890" }))
        .await;
    assert_eq!(
        person.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "nhs_number"
    );
}

#[actix_web::test]
async fn a_practitioner_records_families_only_in_the_locality_they_work_in() {
    let app = TestApp::spawn().await;
    let practitioner = app.token("practitioner").await;
    let mut body = crate::case_helpers::family_body("Demo-Elsewhere", "2018-06-01", None);
    body["confirm_new"] = json!(true);
    body["locality_id"] = json!(app.directory.south);
    let refused = app
        .create_family(&practitioner, &body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "locality_id");
    let families = app
        .get("/api/v1/families")
        .token(&practitioner)
        .send()
        .await
        .json();
    assert!(
        families["items"].as_array().unwrap().is_empty(),
        "nothing recorded"
    );
    // Their own locality, named or by default, is fine.
    body["locality_id"] = json!(app.directory.north);
    app.create_family(&practitioner, &body)
        .await
        .assert_status(201);
}
