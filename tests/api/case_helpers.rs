//! Building blocks for case-record tests: a family, consent, an episode, a complete form, and
//! the requests on them that many tests make.

use crate::helpers::{Request, TestApp};
use earlyhelp_tests::http::Reply;
use serde_json::{json, Map, Value};

/// A valid NHS number: nine digits from `seed` and the modulus-11 check digit (seeds whose
/// check digit would be 10 move on to the next).
pub fn nhs_number(mut seed: u64) -> String {
    loop {
        let digits: Vec<u32> = format!("{:09}", 400_000_000 + seed % 500_000_000)
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * (10 - u32::try_from(i).unwrap()))
            .sum();
        let check = (11 - sum % 11) % 11;
        if check != 10 {
            return format!(
                "{}{}",
                digits.iter().map(|d| d.to_string()).collect::<String>(),
                check
            );
        }
        seed += 1;
    }
}

/// The `id` of a created resource.
pub fn id_of(resource: &Value) -> String {
    resource["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {resource}"))
        .to_owned()
}

/// A family of a parent and a child, the parent's relationship to the child recorded.
pub fn family_body(family_name: &str, child_dob: &str, nhs: Option<&str>) -> Value {
    json!({
        "address": "1 Example Row, Banbury",
        "postcode": "ox16 5au",
        "members": [
            { "kind": "adult", "given_name": "Robin", "family_name": family_name, "date_of_birth": "1988-04-02", "sex": "F", "ethnicity": "WBRI" },
            { "kind": "child", "given_name": "Jay", "family_name": family_name, "date_of_birth": child_dob, "sex": "M", "ethnicity": "WBRI", "disabilities": ["NONE"], "nhs_number": nhs }
        ],
        "relationships": [{ "person": 0, "related_person": 1, "kind": "parent" }]
    })
}

/// A level-2 episode for `child` of `family`.
pub fn episode_body(family: &str, child: &str) -> Value {
    json!({ "family_id": family, "children": [child], "threshold_level": 2, "threshold_rationale": "Needs met by a TAF", "reason": "Attendance has fallen" })
}

pub struct Case {
    pub family: String,
    pub adult: String,
    pub child: String,
    pub episode: String,
}

impl TestApp {
    pub async fn create_family(&self, token: &str, body: &Value) -> Reply {
        self.post("/api/v1/families").token(token).json(body).await
    }

    pub async fn consent(&self, token: &str, family: &str, person: &str) -> Reply {
        self.post(&format!("/api/v1/families/{family}/consents"))
            .token(token)
            .json(&json!({ "given_by_person_id": person, "for_assessment": true, "method": "written", "given_on": "2026-01-05" }))
            .await
    }

    pub async fn open_episode(&self, token: &str, body: &Value) -> Reply {
        self.post("/api/v1/episodes").token(token).json(body).await
    }

    /// A family with consent and an open level-2 episode, led by the token's user.
    pub async fn open_case(&self, token: &str, family_name: &str) -> Case {
        let mut body = family_body(family_name, "2016-05-17", None);
        // Every test family shares its members' names and birthdays: they are new on purpose.
        body["confirm_new"] = serde_json::Value::Bool(true);
        let family = self.create_family(token, &body).await;
        family.assert_status(201);
        let family = family.json();
        let (adult, child) = (id_of(&family["members"][0]), id_of(&family["members"][1]));
        let family_id = id_of(&family);
        self.consent(token, &family_id, &adult)
            .await
            .assert_status(201);
        let episode = self
            .open_episode(token, &episode_body(&family_id, &child))
            .await;
        episode.assert_status(201);
        Case {
            family: family_id,
            adult,
            child,
            episode: id_of(&episode.json()),
        }
    }

    /// A North family social care stepped down to early help, allocated by LCSS to the lead
    /// `token` belongs to (`lead`) and accepted: an open level-2 episode of origin step-down,
    /// with the family's consent recorded. Also returns the step-down's id.
    pub async fn stepped_down_case(
        &self,
        token: &str,
        lead: &str,
        family_name: &str,
    ) -> (Case, String) {
        let social = self.token("social_care").await;
        let lcss = self.token("lcss_worker").await;
        let mut family = family_body(family_name, "2016-05-17", None);
        family["confirm_new"] = serde_json::Value::Bool(true);
        let today = chrono::Utc::now().date_naive();
        let body = json!({
            "source": "mash_contact",
            "family": family,
            "locality_id": self.directory.north,
            "reason": "Attendance has fallen",
            "needs_summary": "Needs met by a TAF",
            "threshold_level": 2,
            "snf_due_on": (today + chrono::Duration::days(30)).to_string(),
            "consent": { "given_by_member": 0, "method": "written", "given_on": today.to_string() }
        });
        let recorded = self
            .post("/api/v1/step-downs")
            .token(&social)
            .json(&body)
            .await;
        recorded.assert_status(201);
        let step_down = id_of(&recorded.json());
        self.post(&format!("/api/v1/step-downs/{step_down}/allocate"))
            .token(&lcss)
            .json(&json!({ "lead_professional_id": self.persona(lead).id }))
            .await
            .assert_status(200);
        let accepted = self
            .post(&format!("/api/v1/step-downs/{step_down}/accept"))
            .token(token)
            .send()
            .await;
        accepted.assert_status(200);
        let accepted = accepted.json();
        let family_id = accepted["family_id"].as_str().unwrap().to_owned();
        let family = self
            .get(&format!("/api/v1/families/{family_id}"))
            .token(token)
            .send()
            .await
            .json();
        let case = Case {
            family: family_id,
            adult: id_of(&family["members"][0]),
            child: id_of(&family["members"][1]),
            episode: accepted["episode_id"].as_str().unwrap().to_owned(),
        };
        (case, step_down)
    }

    /// A case whose Strengths and Needs form LCSS has accepted (one planned outcome).
    pub async fn accepted_case(&self, lead: &str, name: &str) -> Case {
        let case = self.open_case(lead, name).await;
        let form = id_of(&self.start_form(lead, &case.episode).await);
        let submitted = self.submit(lead, &form).send().await.json();
        let review = id_of(&submitted["review"]);
        let lcss = self.token("lcss_worker").await;
        self.assign_review(&lcss, &review, &json!({}))
            .await
            .assert_status(200);
        self.decide_review(
            &lcss,
            &review,
            &json!({ "decision": "accept", "ratings": all_ratings("met") }),
        )
        .await
        .assert_status(200);
        case
    }

    /// A Strengths and Needs form on `episode`, filled with the complete example content.
    pub async fn start_form(&self, token: &str, episode: &str) -> Value {
        let form = self
            .post(&format!("/api/v1/episodes/{episode}/assessments"))
            .token(token)
            .json(&json!({ "content": complete_snf() }))
            .await;
        form.assert_status(201);
        form.json()
    }

    pub async fn patch_assessment(
        &self,
        token: &str,
        id: &str,
        etag: Option<&str>,
        content: &Value,
    ) -> Reply {
        let mut request = self
            .patch(&format!("/api/v1/assessments/{id}"))
            .token(token);
        if let Some(etag) = etag {
            request = request.header("if-match", etag);
        }
        request.json(&json!({ "content": content })).await
    }

    /// Submitting form `id` for review; add an Idempotency-Key before sending if needed.
    pub fn submit(&self, token: &str, id: &str) -> Request<'_> {
        self.post(&format!("/api/v1/assessments/{id}/submit"))
            .token(token)
    }

    /// The revisions of form `id`, oldest first.
    pub async fn revisions(&self, token: &str, id: &str) -> Value {
        let revisions = self
            .get(&format!("/api/v1/assessments/{id}/revisions"))
            .token(token)
            .send()
            .await;
        revisions.assert_status(200);
        revisions.json()
    }

    /// Claiming review `id` (an empty body) or assigning it (`{ "reviewer_id": ... }`).
    pub async fn assign_review(&self, token: &str, id: &str, body: &Value) -> Reply {
        self.post(&format!("/api/v1/reviews/{id}/assign"))
            .token(token)
            .json(body)
            .await
    }

    pub async fn decide_review(&self, token: &str, id: &str, decision: &Value) -> Reply {
        self.post(&format!("/api/v1/reviews/{id}/decision"))
            .token(token)
            .json(decision)
            .await
    }
}

/// A Strengths and Needs form (v1) that passes submission checks: the README's example file,
/// so the walkthrough stays valid. Synthetic content only.
pub fn complete_snf() -> Value {
    serde_json::from_str(include_str!("../../docs/examples/snf-v1-complete.json"))
        .expect("example SNF parses")
}

pub fn all_ratings(rating: &str) -> Value {
    let mut ratings = Map::new();
    for criterion in [
        "childs_voice_heard",
        "parents_views_recorded",
        "strengths_evidenced",
        "needs_evidenced",
        "outcomes_specific_and_measurable",
        "threshold_appropriate",
        "consent_recorded",
    ] {
        ratings.insert(criterion.into(), json!({ "rating": rating }));
    }
    Value::Object(ratings)
}

/// Complete minutes of a meeting attended by `member`, agreeing one action it owns, due `due_on`.
pub fn complete_minutes(member: &str, due_on: &str) -> Value {
    json!({
        "attendees": [{ "member_id": member }, { "name": "Robin Demo-Visitor", "organisation": "Health visiting" }],
        "apologies": [],
        "family_present": [],
        "child_views": "Likes the breakfast club.",
        "family_views": "Mornings are calmer.",
        "working_well": "Attendance is up to 92%.",
        "worries": "Sleep routine.",
        "decisions": "Keep the morning plan for six weeks.",
        "actions": [{ "description": "Morning check-in at the gate", "owner_member_id": member, "due_on": due_on }],
        "next_review_on": "2027-03-01"
    })
}

/// A Team Around the Family with one finalised meeting whose minutes agreed one action.
pub struct Plan {
    pub taf: String,
    /// The lead professional's membership.
    pub lead_member: String,
    pub meeting: String,
    pub action: String,
}

impl TestApp {
    /// Forms the team of `episode`, holds a virtual meeting, and finalises complete minutes
    /// with one action owned by the lead.
    pub async fn taf_with_plan(&self, lead: &str, episode: &str) -> Plan {
        let taf = self
            .post(&format!("/api/v1/episodes/{episode}/taf"))
            .token(lead)
            .send()
            .await;
        taf.assert_status(201);
        let taf = taf.json();
        let lead_member = id_of(&taf["members"][0]);
        let taf = id_of(&taf);
        let meeting = self
            .post(&format!("/api/v1/tafs/{taf}/meetings"))
            .token(lead)
            .json(&json!({ "starts_at": "2026-11-20T10:00:00Z", "virtual": true }))
            .await;
        meeting.assert_status(201);
        let meeting = id_of(&meeting.json());
        self.patch(&format!("/api/v1/meetings/{meeting}"))
            .token(lead)
            .header("if-match", "\"1\"")
            .json(&json!({ "minutes": complete_minutes(&lead_member, "2027-01-15") }))
            .await
            .assert_status(200);
        self.post(&format!("/api/v1/meetings/{meeting}/finalise"))
            .token(lead)
            .send()
            .await
            .assert_status(200);
        let actions = self
            .get(&format!("/api/v1/tafs/{taf}/actions"))
            .token(lead)
            .send()
            .await
            .json();
        Plan {
            action: id_of(&actions["items"][0]),
            taf,
            lead_member,
            meeting,
        }
    }
}

/// The `field` of each error of a 422 problem document, in order.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|error| error["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl TestApp {
    /// An account an administrator creates from `body` (with its `password`), taken up as a
    /// real user would: they set a password of their own in place of the administrator's
    /// one-time one, and when roles await confirmation the county manager confirms them.
    /// Returns the created account and the user's access token.
    pub async fn onboard(&self, body: &Value) -> (Value, String) {
        let admin = self.token("admin").await;
        let created = self
            .post("/api/v1/admin/users")
            .token(&admin)
            .json(body)
            .await;
        created.assert_status(201);
        let created = created.json();
        if let Some(grant) = created["pending_roles"]["grant_id"].as_str() {
            let manager = self.token("manager").await;
            self.post(&format!("/api/v1/role-grants/{grant}/confirm"))
                .token(&manager)
                .send()
                .await
                .assert_status(200);
        }
        let email = created["email"].as_str().expect("email").to_owned();
        let one_time = body["password"].as_str().expect("password");
        let own = format!("{one_time} of my own");
        self.post("/api/v1/auth/password")
            .json(&json!({ "email": email, "password": one_time, "new_password": own }))
            .await
            .assert_status(204);
        let login = self.login_response(&email, &own).await;
        login.assert_status(200);
        let token = login.json()["access_token"]
            .as_str()
            .expect("token")
            .to_owned();
        (created, token)
    }
}
