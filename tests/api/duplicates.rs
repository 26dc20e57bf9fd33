//! The duplicate check on names as people really type them, people already known where the
//! recording professional cannot see, and how large one request may be.

use crate::case_helpers::{family_body, id_of, nhs_number};
use crate::helpers::TestApp;
use serde_json::{json, Value};

/// A family of one child called `given` `family`, born on 2016-05-14.
fn one_child(given: &str, family: &str) -> Value {
    json!({
        "members": [{ "kind": "child", "given_name": given, "family_name": family, "date_of_birth": "2016-05-14", "sex": "F" }]
    })
}

#[actix_web::test]
async fn a_name_typed_decomposed_or_with_look_alike_letters_is_still_a_possible_duplicate() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    app.create_family(&lead, &one_child("Zo\u{00EB}", "Demo-\u{0141}ukasz"))
        .await
        .assert_status(201);

    // As macOS types it: e followed by a combining diaeresis.
    let decomposed = app
        .create_family(&lead, &one_child("Zoe\u{0308}", "Demo-\u{0141}ukasz"))
        .await;
    let problem = decomposed.assert_problem(409, "possible_duplicate");
    assert_eq!(problem["candidates"][0]["given_name"], "Zo\u{00EB}");

    // Cyrillic о and а in place of the Latin letters, and the names in capitals.
    let look_alike = app
        .create_family(
            &lead,
            &one_child("Z\u{043E}\u{00CB}", "DEM\u{041E}-\u{0141}UK\u{0410}SZ"),
        )
        .await;
    look_alike.assert_problem(409, "possible_duplicate");
}

#[actix_web::test]
async fn names_are_stored_composed_whatever_form_they_arrive_in() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let family = app
        .create_family(
            &lead,
            &one_child("Zoe\u{0308}", "Demo-Ren\u{0065}\u{0301}e"),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(family["members"][0]["given_name"], "Zo\u{00EB}");
    assert_eq!(family["members"][0]["family_name"], "Demo-Ren\u{00E9}e");
}

#[actix_web::test]
async fn on_a_c_locale_database_an_identical_accented_name_is_still_matched() {
    let app = TestApp::spawn_on_c_locale().await;
    let lead = app.token("practitioner").await;
    let body = one_child("Zo\u{00EB}", "\u{0141}ukasz");
    app.create_family(&lead, &body).await.assert_status(201);
    app.create_family(&lead, &body)
        .await
        .assert_problem(409, "possible_duplicate");
}

#[actix_web::test]
async fn invisible_and_direction_changing_characters_in_a_name_are_refused_with_the_field() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    for (given, family, field) in [
        ("Ali\u{200B}ce", "Demo-Hart", "members[0].given_name"),
        ("Alice", "Demo-\u{202E}traH", "members[0].family_name"),
        ("\u{FEFF}Alice", "Demo-Hart", "members[0].given_name"),
        ("Alice", "Demo\u{2066}-Hart", "members[0].family_name"),
    ] {
        let reply = app.create_family(&lead, &one_child(given, family)).await;
        let problem = reply.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("invisible"),
            "{problem}"
        );
    }
    assert_eq!(
        app.get("/api/v1/families").token(&lead).send().await.json()["items"],
        json!([]),
        "nothing was recorded"
    );
}

#[actix_web::test]
async fn a_child_known_where_the_professional_cannot_see_is_flagged_with_only_the_lcss_to_contact()
{
    let app = TestApp::spawn().await;
    let north = app.token("practitioner").await;
    let south = app.token("practitioner2").await;
    let nhs = nhs_number(77);
    let first = app
        .create_family(
            &north,
            &family_body("Demo-Quillon", "2014-11-02", Some(&nhs)),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(first["known_elsewhere"], json!([]));

    // A South school records the same child, by NHS number; it cannot see the North family.
    let second = app
        .create_family(
            &south,
            &family_body("Demo-Quillan", "2014-11-02", Some(&nhs)),
        )
        .await
        .assert_status(201)
        .json();
    // The child by NHS number; the parent too (the same date of birth and given name).
    let notices = second["known_elsewhere"].as_array().unwrap();
    assert_eq!(notices.len(), 2, "{second}");
    let child = &second["members"][1]["id"];
    let notices: Vec<&Value> = notices
        .iter()
        .filter(|n| &n["person_id"] == child)
        .collect();
    assert_eq!(notices.len(), 1, "{second}");
    assert_eq!(notices[0]["lcss"]["name"], "North");
    assert_eq!(
        notices[0]["lcss"]["locality_id"],
        json!(app.directory.north.to_string())
    );
    // Nothing of the North record: no names, ids, references or dates.
    let told = notices[0].to_string();
    for secret in [
        first["id"].as_str().unwrap(),
        first["reference"].as_str().unwrap(),
        first["members"][1]["id"].as_str().unwrap(),
        "Demo-Quillon",
        "2014-11-02",
        &nhs,
    ] {
        assert!(!told.contains(secret), "the notice shows {secret}: {told}");
    }
    let notice_keys: Vec<&String> = notices[0].as_object().unwrap().keys().collect();
    assert_eq!(notice_keys, ["lcss", "message", "person_id"]);

    // The North LCSS lists the match, with who to put in touch; the South LCSS does not.
    let north_lcss = app.token("lcss_worker").await;
    let listed = app
        .get("/api/v1/known-elsewhere")
        .token(&north_lcss)
        .send()
        .await
        .assert_status(200)
        .json();
    let items: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| &item["new_person_id"] == child)
        .collect();
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(listed["items"].as_array().unwrap().len(), 2, "{listed}");
    assert_eq!(items[0]["matched_on"], "nhs_number");
    assert_eq!(items[0]["existing_family_id"], first["id"]);
    assert_eq!(&items[0]["new_person_id"], child);
    assert_eq!(items[0]["new_family_reference"], second["reference"]);
    assert_eq!(
        items[0]["recorded_by"]["user_id"],
        json!(app.persona("practitioner2").id.to_string())
    );
    let south_lcss = app.token("lcss_worker2").await;
    let elsewhere = app
        .get("/api/v1/known-elsewhere")
        .token(&south_lcss)
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(elsewhere["items"], json!([]));

    // Both sides are on the trail.
    let rows = app.audit_rows();
    assert!(rows.iter().any(|r| r.action == "person.known_elsewhere"
        && r.entity.map(|e| e.to_string()) == child.as_str().map(str::to_owned)));
    assert!(rows
        .iter()
        .any(|r| r.action == "person.known_elsewhere_list"));
}

#[actix_web::test]
async fn only_lcss_lists_the_people_known_elsewhere() {
    let app = TestApp::spawn().await;
    for (role, status) in [
        ("practitioner", 403),
        ("social_care", 403),
        ("manager", 403),
        ("admin", 403),
        ("lcss_worker", 200),
        ("lcss_manager", 200),
    ] {
        let token = app.token(role).await;
        let reply = app
            .get("/api/v1/known-elsewhere")
            .token(&token)
            .send()
            .await;
        assert_eq!(reply.status, status, "{role}: {}", reply.text());
    }
}

#[actix_web::test]
async fn a_member_added_who_is_known_elsewhere_is_flagged_too() {
    let app = TestApp::spawn().await;
    let north = app.token("practitioner").await;
    let south = app.token("practitioner2").await;
    app.create_family(&north, &one_child("Demo-Ottilie", "Demo-Vance"))
        .await
        .assert_status(201);
    let family = app
        .create_family(&south, &family_body("Demo-Other", "2012-01-01", None))
        .await
        .assert_status(201)
        .json();
    let added = app
        .post(&format!("/api/v1/families/{}/members", id_of(&family)))
        .token(&south)
        .json(&json!({ "kind": "child", "given_name": "Demo-Ottilie", "family_name": "Demo-Vance", "date_of_birth": "2016-05-14", "sex": "F" }))
        .await
        .assert_status(201)
        .json();
    assert_eq!(added["known_elsewhere"][0]["lcss"]["name"], "North");
    assert_eq!(added["known_elsewhere"][0]["person_id"], added["id"]);
}

#[actix_web::test]
async fn one_request_records_at_most_twenty_members() {
    let app = TestApp::spawn().await;
    let lead = app.token("practitioner").await;
    let member = json!({ "kind": "adult", "given_name": "Demo-Many", "family_name": "Demo-Crowd", "date_of_birth": "1980-01-01", "sex": "U" });
    let body = json!({ "members": vec![member; 21] });
    let problem = app
        .create_family(&lead, &body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "members");
    assert!(
        problem["errors"].as_array().unwrap().len() == 1,
        "one error, not one per member"
    );
}
