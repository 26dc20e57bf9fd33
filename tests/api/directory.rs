//! The professional directory and locality contacts every case user reads: who is in it, what
//! it shows of them, and who may search it.

use crate::case_helpers::{episode_body, family_body, id_of};
use crate::helpers::TestApp;
use serde_json::{json, Value};

fn names(list: &Value, field: &str) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn every_case_user_may_search_the_directory_and_read_contacts_but_admins_use_their_own() {
    let app = TestApp::spawn().await;
    let contacts = format!("/api/v1/localities/{}/contacts", app.directory.north);
    for (role, status) in [
        ("practitioner", 200),
        ("lcss_worker", 200),
        ("lcss_manager", 200),
        ("social_care", 200),
        ("manager", 200),
        ("admin", 403),
        ("auditor", 403),
    ] {
        let token = app.token(role).await;
        for path in [
            "/api/v1/directory/organisations",
            "/api/v1/directory/professionals",
            contacts.as_str(),
        ] {
            let reply = app.get(path).token(&token).send().await;
            assert_eq!(reply.status, status, "{role} {path}: {}", reply.text());
        }
    }
}

#[actix_web::test]
async fn professionals_are_found_by_their_name_or_organisation_with_work_details_only() {
    let app = TestApp::spawn().await;
    let token = app.token("practitioner").await;
    let by_name = app
        .get("/api/v1/directory/professionals?q=LCSS_WORKER")
        .token(&token)
        .send()
        .await;
    by_name.assert_status(200);
    let by_name = by_name.json();
    assert_eq!(
        names(&by_name, "display_name"),
        ["Test lcss_worker", "Test lcss_worker2"]
    );
    let first = &by_name["items"][0];
    let mut keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "display_name",
            "email",
            "id",
            "locality_id",
            "organisation",
            "roles"
        ]
    );
    assert_eq!(first["organisation"]["name"], "LCSS North");
    assert_eq!(first["roles"], json!(["lcss_worker"]));

    let by_organisation = app
        .get("/api/v1/directory/professionals?q=southfield")
        .token(&token)
        .send()
        .await
        .json();
    assert_eq!(
        names(&by_organisation, "display_name"),
        ["Test practitioner2"]
    );

    // Administrators and auditors hold no case role: they are not professionals to invite.
    let everyone = app
        .get("/api/v1/directory/professionals?limit=100")
        .token(&token)
        .send()
        .await
        .json();
    let listed = names(&everyone, "display_name");
    assert!(!listed.contains(&"Test admin".to_owned()), "{listed:?}");
    assert!(!listed.contains(&"Test auditor".to_owned()), "{listed:?}");
    assert!(
        listed.contains(&"Test social_care".to_owned()),
        "{listed:?}"
    );

    // Every search is on the trail, with who was shown.
    assert!(app
        .audit_rows()
        .iter()
        .any(|row| row.action == "directory.professionals"));
}

#[actix_web::test]
async fn organisations_are_searched_by_name_kind_and_locality_with_wildcards_taken_literally() {
    let app = TestApp::spawn().await;
    let token = app.token("lcss_worker").await;
    let schools = app
        .get("/api/v1/directory/organisations?name=PRIMARY")
        .token(&token)
        .send()
        .await
        .json();
    assert_eq!(
        names(&schools, "name"),
        ["Northgate Primary School", "Southfield Primary School"]
    );
    let north = app
        .get(&format!(
            "/api/v1/directory/organisations?kind=school&locality_id={}",
            app.directory.north
        ))
        .token(&token)
        .send()
        .await
        .json();
    assert_eq!(names(&north, "name"), ["Northgate Primary School"]);
    let wildcard = app
        .get("/api/v1/directory/organisations?name=%25")
        .token(&token)
        .send()
        .await
        .json();
    assert_eq!(
        wildcard["items"],
        json!([]),
        "% is a character, not a wildcard"
    );
    app.get("/api/v1/directory/organisations?kind=castle")
        .token(&token)
        .send()
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn a_localitys_lcss_and_mash_contacts_come_from_its_configuration() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    app.patch(&format!("/api/v1/admin/localities/{}", app.directory.north))
        .token(&admin)
        .json(&json!({
            "phone": "01632 960001",
            "email": "lcss.north@example.org",
            "opening_hours": "Monday to Friday, 9am to 5pm",
            "mash_phone": "01632 960999"
        }))
        .await
        .assert_status(200);
    let lead = app.token("practitioner").await;
    let contacts = app
        .get(&format!(
            "/api/v1/localities/{}/contacts",
            app.directory.north
        ))
        .token(&lead)
        .send()
        .await;
    contacts.assert_status(200);
    assert_eq!(
        contacts.json(),
        json!({
            "locality_id": app.directory.north.to_string(),
            "name": "North",
            "lcss": {
                "phone": "01632 960001",
                "email": "lcss.north@example.org",
                "address": null,
                "opening_hours": "Monday to Friday, 9am to 5pm"
            },
            "mash_phone": "01632 960999"
        })
    );
    app.get("/api/v1/localities/0190a2b4-0000-7000-8000-000000000000/contacts")
        .token(&lead)
        .send()
        .await
        .assert_problem(404, "not_found");

    // The level-4 refusal quotes the MASH number of the professional's own locality, from its
    // configuration: no authority's number is written into the product.
    let family = app
        .create_family(&lead, &family_body("Demo-Critical", "2013-03-03", None))
        .await
        .json();
    let mut body = episode_body(&id_of(&family), &id_of(&family["members"][1]));
    body["threshold_level"] = json!(4);
    let refused = app
        .open_episode(&lead, &body)
        .await
        .assert_problem(422, "statutory_threshold");
    let detail = refused["detail"].as_str().unwrap();
    assert!(detail.contains("01632 960999 (North)"), "{detail}");
    assert!(!detail.contains("0345"), "{detail}");
    // In a locality whose MASH number is not recorded, it says where to find it.
    let south = app.token("practitioner2").await;
    let family = app
        .create_family(&south, &family_body("Demo-Critical", "2013-03-03", None))
        .await
        .json();
    let mut body = episode_body(&id_of(&family), &id_of(&family["members"][1]));
    body["threshold_level"] = json!(4);
    let refused = app
        .open_episode(&south, &body)
        .await
        .assert_problem(422, "statutory_threshold");
    assert!(refused["detail"].as_str().unwrap().contains("/contacts"));
}
