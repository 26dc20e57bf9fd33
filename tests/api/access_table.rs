//! The access matrix's case and its table: one request per route on one case record, on a
//! North case led by `practitioner` (see [`crate::access`]).

use crate::case_helpers::{all_ratings, complete_minutes, id_of, Case};
use crate::helpers::TestApp;
use awc::http::Method;
use serde_json::{json, Value};

/// One request per route on one case record, on a North case led by `practitioner` with a
/// submitted form, a consent and a Team Around the Family whose finalised minutes agreed an
/// action: `(method, pattern, path, body)`.
pub(crate) type RouteTable = Vec<(Method, &'static str, String, Option<Value>)>;

/// The case the table acts on, and the table.
pub(crate) struct RecordRoutes {
    pub case: Case,
    pub review: String,
    pub taf: String,
    pub step_down: String,
    pub table: RouteTable,
}

pub(crate) async fn record_routes(app: &TestApp) -> RecordRoutes {
    record_routes_of(app, Referral::Referred).await
}

/// Whether the matrix case has ever been referred to social care.
#[derive(PartialEq)]
pub(crate) enum Referral {
    /// Stepped down to early help by social care, then stepped up again.
    Referred,
    /// Early help's own case, never referred: the table has no step-up or step-down routes.
    Never,
}

pub(crate) async fn record_routes_of(app: &TestApp, referral: Referral) -> RecordRoutes {
    let lead = app.token("practitioner").await;
    // The family came to early help as a step-down from social care (or on its own).
    let (case, step_down) = if referral == Referral::Referred {
        app.stepped_down_case(&lead, "practitioner", "Demo-Hartwell")
            .await
    } else {
        let case = app.open_case(&lead, "Demo-Hartwell").await;
        (case, String::new())
    };
    let form = id_of(&app.start_form(&lead, &case.episode).await);
    let submitted = app.submit(&lead, &form).send().await.json();
    let review = id_of(&submitted["review"]);
    let consents = app
        .get(&format!("/api/v1/families/{}/consents", case.family))
        .token(&lead)
        .send()
        .await
        .json();
    let consent = id_of(&consents["items"][0]);
    let plan = app.taf_with_plan(&lead, &case.episode).await;
    // The case is referred to social care: a step-up waits for its decision.
    let step_up = if referral == Referral::Referred {
        let raised = app
            .post(&format!("/api/v1/episodes/{}/step-ups", case.episode))
            .token(&lead)
            .json(&json!({ "threshold_level": 3 }))
            .await;
        id_of(&raised.json())
    } else {
        String::new()
    };
    let (taf, meeting, action) = (&plan.taf, &plan.meeting, &plan.action);
    let nurse =
        json!({ "kind": "external", "name": "Sam Demo-Nurse", "organisation": "School nursing" });
    let taf_member = app
        .post(&format!("/api/v1/tafs/{taf}/members"))
        .token(&lead)
        .json(&nurse)
        .await
        .json();
    let taf_member = id_of(&taf_member);
    // South LCSS covered North for a day, and North's LCSS manager has ended that access.
    let access_request = app
        .post(&format!("/api/v1/families/{}/access-requests", case.family))
        .token(&app.token("lcss_worker2").await)
        .json(&json!({ "reason": "Covering the North LCSS duty desk this week" }))
        .await;
    access_request.assert_status(201);
    let access_request = id_of(&access_request.json());
    app.post(&format!("/api/v1/access-requests/{access_request}/end"))
        .token(&app.token("lcss_manager").await)
        .send()
        .await
        .assert_status(200);
    let (family, episode, child, adult) = (&case.family, &case.episode, &case.child, &case.adult);
    let member = json!({ "kind": "child", "given_name": "Kit", "family_name": "Demo-Hartwell", "date_of_birth": "2019-02-02", "sex": "F", "confirm_new": true });

    let mut table: RouteTable = vec![
        (
            Method::GET,
            "/api/v1/families/{id}",
            format!("/api/v1/families/{family}"),
            None,
        ),
        (
            Method::PATCH,
            "/api/v1/families/{id}",
            format!("/api/v1/families/{family}"),
            Some(json!({ "postcode": "OX16 5AU" })),
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/members",
            format!("/api/v1/families/{family}/members"),
            Some(member),
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/relationships",
            format!("/api/v1/families/{family}/relationships"),
            Some(json!({ "person_id": adult, "related_person_id": child, "kind": "carer" })),
        ),
        (
            Method::GET,
            "/api/v1/families/{id}/consents",
            format!("/api/v1/families/{family}/consents"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/consents",
            format!("/api/v1/families/{family}/consents"),
            Some(
                json!({ "given_by_person_id": adult, "for_assessment": false, "method": "verbal", "given_on": "2026-01-06" }),
            ),
        ),
        (
            Method::GET,
            "/api/v1/families/{id}/consultations",
            format!("/api/v1/families/{family}/consultations"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/families/{id}/consultations",
            format!("/api/v1/families/{family}/consultations"),
            Some(
                json!({ "held_on": "2026-11-20", "consulting_user_id": app.persona("practitioner").id, "themes": ["attendance"], "threshold_view": 2, "advice": "Keep the TAF going.", "outcome": "universal_services" }),
            ),
        ),
        (
            Method::GET,
            "/api/v1/families/{id}/chronology",
            format!("/api/v1/families/{family}/chronology"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/families/{id}/access-requests",
            format!("/api/v1/families/{family}/access-requests"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/access-requests/{id}",
            format!("/api/v1/access-requests/{access_request}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/access-requests/{id}/end",
            format!("/api/v1/access-requests/{access_request}/end"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/people/{id}",
            format!("/api/v1/people/{child}"),
            None,
        ),
        (
            Method::PATCH,
            "/api/v1/people/{id}",
            format!("/api/v1/people/{child}"),
            Some(json!({ "ethnicity": "WIRI" })),
        ),
        (
            Method::GET,
            "/api/v1/people/{id}/history",
            format!("/api/v1/people/{child}/history"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/consents/{id}/withdraw",
            format!("/api/v1/consents/{consent}/withdraw"),
            Some(json!({})),
        ),
        (
            Method::GET,
            "/api/v1/episodes/{id}",
            format!("/api/v1/episodes/{episode}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/threshold",
            format!("/api/v1/episodes/{episode}/threshold"),
            Some(json!({ "level": 3, "rationale": "Escalation" })),
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/transfer",
            format!("/api/v1/episodes/{episode}/transfer"),
            Some(json!({ "to_user_id": app.persona("practitioner2").id })),
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/transfer/accept",
            format!("/api/v1/episodes/{episode}/transfer/accept"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/close",
            format!("/api/v1/episodes/{episode}/close"),
            Some(json!({ "reason": "outcomes_met" })),
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/assessments",
            format!("/api/v1/episodes/{episode}/assessments"),
            Some(json!({})),
        ),
        (
            Method::GET,
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{form}"),
            None,
        ),
        (
            Method::PATCH,
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{form}"),
            Some(json!({ "content": {} })),
        ),
        (
            Method::POST,
            "/api/v1/assessments/{id}/submit",
            format!("/api/v1/assessments/{form}/submit"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/assessments/{id}/revisions",
            format!("/api/v1/assessments/{form}/revisions"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/reviews/{id}",
            format!("/api/v1/reviews/{review}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/reviews/{id}/assign",
            format!("/api/v1/reviews/{review}/assign"),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/reviews/{id}/decision",
            format!("/api/v1/reviews/{review}/decision"),
            Some(json!({ "decision": "accept", "ratings": all_ratings("met") })),
        ),
        (
            Method::GET,
            "/api/v1/episodes/{id}/taf",
            format!("/api/v1/episodes/{episode}/taf"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/taf",
            format!("/api/v1/episodes/{episode}/taf"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/tafs/{id}",
            format!("/api/v1/tafs/{taf}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/tafs/{id}/members",
            format!("/api/v1/tafs/{taf}/members"),
            Some(nurse.clone()),
        ),
        (
            Method::DELETE,
            "/api/v1/tafs/{id}/members/{member_id}",
            format!("/api/v1/tafs/{taf}/members/{taf_member}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/episodes/{id}/step-ups",
            format!("/api/v1/episodes/{episode}/step-ups"),
            Some(json!({ "threshold_level": 4 })),
        ),
        (
            Method::GET,
            "/api/v1/step-ups/{id}",
            format!("/api/v1/step-ups/{step_up}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/step-ups/{id}/decision",
            format!("/api/v1/step-ups/{step_up}/decision"),
            Some(json!({ "decision": "not_accepted", "advice": "Continue early help." })),
        ),
        (
            Method::GET,
            "/api/v1/step-downs/{id}",
            format!("/api/v1/step-downs/{step_down}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/step-downs/{id}/allocate",
            format!("/api/v1/step-downs/{step_down}/allocate"),
            Some(json!({ "lead_professional_id": app.persona("practitioner").id })),
        ),
        (
            Method::POST,
            "/api/v1/step-downs/{id}/accept",
            format!("/api/v1/step-downs/{step_down}/accept"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/step-downs/{id}/decline",
            format!("/api/v1/step-downs/{step_down}/decline"),
            Some(json!({ "reason": "Caseload full." })),
        ),
        (
            Method::POST,
            "/api/v1/tafs/{id}/close",
            format!("/api/v1/tafs/{taf}/close"),
            Some(json!({ "outcomes": [], "next_step": "universal_services" })),
        ),
        (
            Method::GET,
            "/api/v1/tafs/{id}/members",
            format!("/api/v1/tafs/{taf}/members"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/tafs/{id}/meetings",
            format!("/api/v1/tafs/{taf}/meetings"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/tafs/{id}/meetings",
            format!("/api/v1/tafs/{taf}/meetings"),
            Some(json!({ "starts_at": "2026-12-20T10:00:00Z", "virtual": true })),
        ),
        (
            Method::GET,
            "/api/v1/tafs/{id}/actions",
            format!("/api/v1/tafs/{taf}/actions"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/meetings/{id}",
            format!("/api/v1/meetings/{meeting}"),
            None,
        ),
        (
            Method::PATCH,
            "/api/v1/meetings/{id}",
            format!("/api/v1/meetings/{meeting}"),
            Some(json!({ "minutes": complete_minutes(&plan.lead_member, "2027-01-15") })),
        ),
        (
            Method::POST,
            "/api/v1/meetings/{id}/finalise",
            format!("/api/v1/meetings/{meeting}/finalise"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/meetings/{id}/acknowledge",
            format!("/api/v1/meetings/{meeting}/acknowledge"),
            Some(json!({})),
        ),
        (
            Method::PATCH,
            "/api/v1/actions/{id}",
            format!("/api/v1/actions/{action}"),
            Some(json!({ "progress_note": "Checked in twice" })),
        ),
    ];
    if referral == Referral::Never {
        table.retain(|(_, pattern, _, _)| {
            !pattern.starts_with("/api/v1/step-ups/") && !pattern.starts_with("/api/v1/step-downs/")
        });
    }
    RecordRoutes {
        review,
        taf: taf.clone(),
        step_down,
        case,
        table,
    }
}
