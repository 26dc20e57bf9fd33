//! `/api/v1/families/{id}/members`, `/api/v1/families/{id}/relationships` and
//! `/api/v1/people/{id}`: a family's members and how they are related.

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::case::{authorize_family, readable, today};
use crate::json::{nullable, ApiJson};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::Path;
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::person::{
    self, Ethnicity, MemberKind, NhsNumber, PersonName, Postcode, RelationshipKind, Sex, Upn,
};
use earlyhelp_domain::policy::{Actor, Permission};
use earlyhelp_domain::{FamilyId, PersonId};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::families::{
    self, Candidate, NewPerson, Person, PersonChanges, Relationship,
};
use earlyhelp_persistence::PgConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const ADDRESS_MAX: usize = 500;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub(crate) kind: String,
    pub(crate) given_name: String,
    pub(crate) family_name: String,
    pub(crate) date_of_birth: Option<NaiveDate>,
    pub(crate) expected_date_of_birth: Option<NaiveDate>,
    pub(crate) sex: String,
    pub(crate) ethnicity: Option<String>,
    #[serde(default)]
    pub(crate) disabilities: Vec<String>,
    pub(crate) address: Option<String>,
    pub(crate) postcode: Option<String>,
    pub(crate) nhs_number: Option<String>,
    pub(crate) upn: Option<String>,
    pub(crate) setting_organisation_id: Option<Uuid>,
    /// Adding a member to an existing family only: create it even though it may be someone
    /// already recorded (a new family sends `confirm_new` at the top level instead).
    #[serde(default)]
    pub(crate) confirm_new: Option<bool>,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddRelationship {
    person_id: Uuid,
    related_person_id: Uuid,
    kind: String,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatePerson {
    given_name: Option<String>,
    family_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    date_of_birth: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    expected_date_of_birth: Option<Option<NaiveDate>>,
    sex: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    ethnicity: Option<Option<String>>,
    disabilities: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    postcode: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    nhs_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    upn: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    setting_organisation_id: Option<Option<Uuid>>,
}
#[derive(Debug, Serialize)]
pub struct PersonResponse {
    id: Uuid,
    family_id: Uuid,
    kind: String,
    given_name: String,
    family_name: String,
    date_of_birth: Option<NaiveDate>,
    expected_date_of_birth: Option<NaiveDate>,
    sex: String,
    ethnicity: Option<String>,
    disabilities: Vec<String>,
    address: Option<String>,
    postcode: Option<String>,
    nhs_number: Option<String>,
    upn: Option<String>,
    setting_organisation_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
impl From<Person> for PersonResponse {
    fn from(row: Person) -> Self {
        Self {
            id: row.id,
            family_id: row.family_id,
            kind: row.kind,
            given_name: row.given_name,
            family_name: row.family_name,
            date_of_birth: row.date_of_birth,
            expected_date_of_birth: row.expected_date_of_birth,
            sex: row.sex,
            ethnicity: row.ethnicity,
            disabilities: row.disabilities,
            address: row.address,
            postcode: row.postcode,
            nhs_number: row.nhs_number,
            upn: row.upn,
            setting_organisation_id: row.setting_organisation_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}
#[derive(Debug, Serialize)]
pub struct RelationshipResponse {
    id: Uuid,
    person_id: Uuid,
    related_person_id: Uuid,
    kind: String,
}
impl From<Relationship> for RelationshipResponse {
    fn from(row: Relationship) -> Self {
        Self {
            id: row.id,
            person_id: row.person_id,
            related_person_id: row.related_person_id,
            kind: row.kind,
        }
    }
}
pub(crate) fn postcode(raw: Option<&str>) -> Result<Option<String>, String> {
    match raw.map(str::trim).filter(|p| !p.is_empty()) {
        Some(raw) => Postcode::parse(raw)
            .map(|p| Some(p.as_str().to_owned()))
            .map_err(|e| e.to_string()),
        None => Ok(None),
    }
}
fn parse_code<T: std::str::FromStr>(checks: &mut Checks, field: &str, raw: &str) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    checks.check(field, raw.parse::<T>())
}
/// Turns a member of a request into a row, noting every problem under `prefix`.
pub(crate) fn check_member(
    checks: &mut Checks,
    prefix: &str,
    input: &MemberInput,
    family: Uuid,
) -> Option<NewPerson> {
    let field = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    let kind: Option<MemberKind> = parse_code(checks, &field("kind"), &input.kind);
    let given = checks.check(&field("given_name"), PersonName::parse(&input.given_name));
    let family_name = checks.check(&field("family_name"), PersonName::parse(&input.family_name));
    let sex: Option<Sex> = parse_code(checks, &field("sex"), &input.sex);
    let ethnicity = match &input.ethnicity {
        Some(code) => parse_code::<Ethnicity>(checks, &field("ethnicity"), code).map(Some),
        None => Some(None),
    };
    let disabilities = match person::parse_disabilities(&input.disabilities) {
        Ok(codes) => Some(
            codes
                .into_iter()
                .map(|d| d.as_str().to_owned())
                .collect::<Vec<_>>(),
        ),
        Err((index, error)) => {
            checks.fail(&format!("{}[{index}]", field("disabilities")), error);
            None
        }
    };
    let nhs = match input
        .nhs_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => checks
            .check(&field("nhs_number"), NhsNumber::parse(raw))
            .map(|n| Some(n.as_str().to_owned())),
        None => Some(None),
    };
    let upn = match input
        .upn
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => checks
            .check(&field("upn"), Upn::parse(raw))
            .map(|u| Some(u.as_str().to_owned())),
        None => Some(None),
    };
    let address = checks.check(
        &field("address"),
        optional_text(input.address.as_deref(), ADDRESS_MAX),
    );
    let postcode = checks.check(&field("postcode"), postcode(input.postcode.as_deref()));
    if let (Some(kind), Some(sex)) = (kind, sex) {
        if let Err(error) = person::check_birth(
            kind,
            sex,
            input.date_of_birth,
            input.expected_date_of_birth,
            today(),
        ) {
            checks.fail(&field(error.field()), error);
        }
    }
    Some(NewPerson {
        id: PersonId::generate().into_uuid(),
        family_id: family,
        kind: kind?.as_str().to_owned(),
        given_name: given?.into_string(),
        family_name: family_name?.into_string(),
        date_of_birth: input.date_of_birth,
        expected_date_of_birth: input.expected_date_of_birth,
        sex: sex?.as_str().to_owned(),
        ethnicity: ethnicity?.map(|e| e.as_str().to_owned()),
        disabilities: disabilities?,
        address: address?,
        postcode: postcode?,
        nhs_number: nhs?,
        upn: upn?,
        setting_organisation_id: input.setting_organisation_id,
    })
}
/// 409 with the visible candidates when any new person may already be recorded.
pub(crate) fn refuse_duplicates(
    conn: &mut PgConnection,
    actor: &Actor,
    people: &[NewPerson],
    excluding: Option<FamilyId>,
) -> Result<(), ApiError> {
    let mut candidates = Vec::new();
    for person in people {
        let candidate = Candidate {
            given_name: &person.given_name,
            family_name: &person.family_name,
            date_of_birth: person.date_of_birth,
            nhs_number: person.nhs_number.as_deref(),
        };
        for found in families::possible_duplicates(conn, readable(actor), &candidate, excluding)? {
            if candidates
                .iter()
                .any(|c: &serde_json::Value| c["person_id"] == json!(found.person_id))
            {
                continue;
            }
            candidates.push(json!({
                "person_id": found.person_id,
                "family_id": found.family_id,
                "family_reference": found.reference,
                "given_name": found.given_name,
                "family_name": found.family_name,
                "date_of_birth": found.date_of_birth,
                "matched_on": if found.nhs_number.is_some() && found.nhs_number.as_deref() == candidate.nhs_number { "nhs_number" } else { "date_of_birth_and_name" },
            }));
        }
    }
    if candidates.is_empty() {
        Ok(())
    } else {
        Err(ApiError::PossibleDuplicate { candidates })
    }
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn add_member(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<MemberInput>,
) -> Result<HttpResponse, ApiError> {
    let family = FamilyId::from_uuid(id.into_inner());
    let member = body.0;
    let confirm_new = member.confirm_new.unwrap_or(false);
    let mut checks = Checks::default();
    let person = check_member(&mut checks, "", &member, family.into_uuid());
    let person = checks.finish(|| person)?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let person = state
        .db(move |conn| {
            authorize_family(conn, &actor, Permission::WriteCase, family)?;
            if !confirm_new {
                refuse_duplicates(conn, &actor, std::slice::from_ref(&person), Some(family))?;
            }
            Ok(audit::audited(conn, &context, |conn, trail| {
                let person = families::add_person(conn, &person)?;
                trail.record(AuditEvent::success(
                    AuditAction::AddPerson,
                    EntityType::Person,
                    person.id,
                ));
                chronology::record(
                    conn,
                    &Happening {
                        family,
                        kind: "family.member_added",
                        actor: actor.user_id,
                        summary: &format!("A {} was added to the family", person.kind),
                        entity_type: "person",
                        entity_id: person.id,
                    },
                )?;
                Ok(person)
            })?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/people/{}", person.id)))
        .json(PersonResponse::from(person)))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn add_relationship(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<AddRelationship>,
) -> Result<HttpResponse, ApiError> {
    let family = FamilyId::from_uuid(id.into_inner());
    let body = body.0;
    let mut checks = Checks::default();
    let kind = checks.check("kind", body.kind.parse::<RelationshipKind>());
    if body.person_id == body.related_person_id {
        checks.fail(
            "related_person_id",
            "a person cannot be related to themselves",
        );
    }
    let kind = checks.finish(|| kind)?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let relationship = state
        .db(move |conn| {
            authorize_family(conn, &actor, Permission::WriteCase, family)?;
            let members = families::members(conn, &[family.into_uuid()])?;
            let mut checks = Checks::default();
            for (field, id) in [
                ("person_id", body.person_id),
                ("related_person_id", body.related_person_id),
            ] {
                if !members.iter().any(|m| m.id == id) {
                    checks.fail(field, "must be a member of this family");
                }
            }
            checks.finish(|| Some(()))?;
            audit::with_entry(
                conn,
                &context,
                AuditEvent::success(
                    AuditAction::AddRelationship,
                    EntityType::Person,
                    body.person_id,
                ),
                |conn| {
                    families::add_relationship(
                        conn,
                        family,
                        PersonId::from_uuid(body.person_id),
                        PersonId::from_uuid(body.related_person_id),
                        kind.as_str(),
                    )
                },
            )
            .map_err(|error| match error {
                earlyhelp_persistence::Error::Conflict { .. } => ApiError::Conflict {
                    code: "conflict",
                    detail: "This relationship is already recorded.".into(),
                },
                other => other.into(),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(RelationshipResponse::from(relationship)))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, person.id = %id))]
pub async fn get_person(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = PersonId::from_uuid(id.into_inner());
    let context = auth.audit_context();
    let actor = auth.actor;
    let person = state
        .db(move |conn| {
            let person = families::find_person(conn, id)?;
            authorize_family(
                conn,
                &actor,
                Permission::ReadCase,
                FamilyId::from_uuid(person.family_id),
            )?;
            audit::audited(conn, &context, |_, trail| {
                trail.record(AuditEvent::success(
                    AuditAction::ReadPerson,
                    EntityType::Person,
                    id,
                ));
                Ok(())
            })?;
            Ok(person)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PersonResponse::from(person)))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, person.id = %id))]
pub async fn update_person(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<UpdatePerson>,
) -> Result<HttpResponse, ApiError> {
    let id = PersonId::from_uuid(id.into_inner());
    let body = body.0;
    let context = auth.audit_context();
    let actor = auth.actor;
    let person = state
        .db(move |conn| {
            let current = families::find_person(conn, id)?;
            authorize_family(
                conn,
                &actor,
                Permission::WriteCase,
                FamilyId::from_uuid(current.family_id),
            )?;
            // Apply the patch to the current record and check the result as a whole, so the
            // birth rules see the combination that would be stored.
            let merged = MemberInput {
                kind: current.kind.clone(),
                given_name: body
                    .given_name
                    .clone()
                    .unwrap_or(current.given_name.clone()),
                family_name: body
                    .family_name
                    .clone()
                    .unwrap_or(current.family_name.clone()),
                date_of_birth: body.date_of_birth.unwrap_or(current.date_of_birth),
                expected_date_of_birth: body
                    .expected_date_of_birth
                    .unwrap_or(current.expected_date_of_birth),
                sex: body.sex.clone().unwrap_or(current.sex.clone()),
                ethnicity: body.ethnicity.clone().unwrap_or(current.ethnicity.clone()),
                disabilities: body
                    .disabilities
                    .clone()
                    .unwrap_or(current.disabilities.clone()),
                address: body.address.clone().unwrap_or(current.address.clone()),
                postcode: body.postcode.clone().unwrap_or(current.postcode.clone()),
                nhs_number: body
                    .nhs_number
                    .clone()
                    .unwrap_or(current.nhs_number.clone()),
                upn: body.upn.clone().unwrap_or(current.upn.clone()),
                setting_organisation_id: body
                    .setting_organisation_id
                    .unwrap_or(current.setting_organisation_id),
                confirm_new: None,
            };
            let mut checks = Checks::default();
            let checked = check_member(&mut checks, "", &merged, current.family_id);
            let checked = checks.finish(|| checked)?;
            let changes = PersonChanges {
                given_name: Some(checked.given_name),
                family_name: Some(checked.family_name),
                date_of_birth: Some(checked.date_of_birth),
                expected_date_of_birth: Some(checked.expected_date_of_birth),
                sex: Some(checked.sex),
                ethnicity: Some(checked.ethnicity),
                disabilities: Some(checked.disabilities),
                address: Some(checked.address),
                postcode: Some(checked.postcode),
                nhs_number: Some(checked.nhs_number),
                upn: Some(checked.upn),
                setting_organisation_id: Some(checked.setting_organisation_id),
            };
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::success(AuditAction::UpdatePerson, EntityType::Person, id),
                |conn| families::update_person(conn, id, &changes),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PersonResponse::from(person)))
}
