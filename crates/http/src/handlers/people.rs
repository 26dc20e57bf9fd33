//! `/api/v1/families/{id}/members`, `/api/v1/families/{id}/relationships` and
//! `/api/v1/people/{id}`: a family's members and how they are related. The steps themselves
//! are in [`earlyhelp_workflows::people`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::json::{nullable, ApiJson};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::Path;
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::person::RelationshipKind;
use earlyhelp_domain::{FamilyId, OrganisationId, PersonId};
use earlyhelp_persistence::families::{NewPerson, Person, Relationship};
use earlyhelp_workflows::people::{
    self, AddMember, AddRelationship, MemberFields, PersonPatch, UpdatePerson,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
pub struct AddRelationshipRequest {
    person_id: Uuid,
    related_person_id: Uuid,
    kind: String,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatePersonRequest {
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
            id: row.id.into(),
            family_id: row.family_id.into(),
            kind: row.kind.to_string(),
            given_name: row.given_name,
            family_name: row.family_name,
            date_of_birth: row.date_of_birth,
            expected_date_of_birth: row.expected_date_of_birth,
            sex: row.sex.to_string(),
            ethnicity: row.ethnicity,
            disabilities: row.disabilities,
            address: row.address,
            postcode: row.postcode,
            nhs_number: row.nhs_number,
            upn: row.upn,
            setting_organisation_id: row.setting_organisation_id.map(Uuid::from),
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
            person_id: row.person_id.into(),
            related_person_id: row.related_person_id.into(),
            kind: row.kind.to_string(),
        }
    }
}
impl From<&MemberInput> for MemberFields {
    fn from(input: &MemberInput) -> Self {
        Self {
            kind: input.kind.clone(),
            given_name: input.given_name.clone(),
            family_name: input.family_name.clone(),
            date_of_birth: input.date_of_birth,
            expected_date_of_birth: input.expected_date_of_birth,
            sex: input.sex.clone(),
            ethnicity: input.ethnicity.clone(),
            disabilities: input.disabilities.clone(),
            address: input.address.clone(),
            postcode: input.postcode.clone(),
            nhs_number: input.nhs_number.clone(),
            upn: input.upn.clone(),
            setting_organisation_id: input.setting_organisation_id.map(OrganisationId::from),
        }
    }
}
impl From<UpdatePersonRequest> for PersonPatch {
    fn from(body: UpdatePersonRequest) -> Self {
        Self {
            given_name: body.given_name,
            family_name: body.family_name,
            date_of_birth: body.date_of_birth,
            expected_date_of_birth: body.expected_date_of_birth,
            sex: body.sex,
            ethnicity: body.ethnicity,
            disabilities: body.disabilities,
            address: body.address,
            postcode: body.postcode,
            nhs_number: body.nhs_number,
            upn: body.upn,
            setting_organisation_id: body
                .setting_organisation_id
                .map(|id| id.map(OrganisationId::from)),
        }
    }
}
/// A member of a request as a row of `family`, noting every problem under `prefix`.
pub(crate) fn check_member(
    checks: &mut Checks,
    prefix: &str,
    input: &MemberInput,
    family: FamilyId,
) -> Option<NewPerson> {
    people::check_member(checks, prefix, &MemberFields::from(input), family)
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn add_member(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    body: ApiJson<MemberInput>,
) -> Result<HttpResponse, ApiError> {
    let family = id.into_inner();
    let member = body.0;
    let mut checks = Checks::default();
    let person = check_member(&mut checks, "", &member, family);
    let command = AddMember {
        family,
        person: checks.finish(|| person)?,
        confirm_new: member.confirm_new.unwrap_or(false),
    };
    let person = auth
        .run(&state, |conn, audit, actor| {
            people::add_member(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/people/{}", person.id)))
        .json(PersonResponse::from(person)))
}
impl AddRelationshipRequest {
    fn into_command(self, family: FamilyId) -> Result<AddRelationship, ApiError> {
        let mut checks = Checks::default();
        let kind = checks.check("kind", self.kind.parse::<RelationshipKind>());
        if self.person_id == self.related_person_id {
            checks.fail(
                "related_person_id",
                "a person cannot be related to themselves",
            );
        }
        Ok(AddRelationship {
            family,
            person: self.person_id.into(),
            related: self.related_person_id.into(),
            kind: checks.finish(|| kind)?,
        })
    }
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn add_relationship(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    body: ApiJson<AddRelationshipRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command(id.into_inner())?;
    let relationship = auth
        .run(&state, |conn, audit, actor| {
            people::add_relationship(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created().json(RelationshipResponse::from(relationship)))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, person.id = %id))]
pub async fn get_person(
    state: State,
    auth: Authenticated,
    id: Path<PersonId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let person = auth
        .run(&state, move |conn, audit, actor| {
            people::get_person(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PersonResponse::from(person)))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, person.id = %id))]
pub async fn update_person(
    state: State,
    auth: Authenticated,
    id: Path<PersonId>,
    body: ApiJson<UpdatePersonRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = UpdatePerson {
        person: id.into_inner(),
        patch: PersonPatch::from(body.0),
    };
    let person = auth
        .run(&state, |conn, audit, actor| {
            people::update_person(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PersonResponse::from(person)))
}
