//! `/api/v1/families/{id}/members`, `/api/v1/families/{id}/relationships` and
//! `/api/v1/people/{id}`: a family's members and how they are related. The steps themselves
//! are in [`earlyhelp_workflows::people`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::IdPath;
use crate::idempotency::{idempotency_key, IdempotencyKeyHeader};
use crate::json::{full_date, nullable, ApiJson};
use crate::openapi::case::{
    Disability, Ethnicity, MemberKind, NhsNumber, PersonName, Postcode,
    RelationshipKind as RelationshipKindSchema, Sex, Upn,
};
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PossibleDuplicate,
    ServiceUnavailable, Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::openapi::values::Address;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::Path;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::person::RelationshipKind;
use earlyhelp_domain::{FamilyId, OrganisationId, PersonId};
use earlyhelp_persistence::families::{NewPerson, Person, Relationship};
use earlyhelp_workflows::people::{
    self, AddMember, AddRelationship, KnownElsewhere, MemberFields, PersonPatch, UpdatePerson,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A new family member, in `CreateFamily.members` or added to a family. Exactly one of
/// `date_of_birth` and `expected_date_of_birth`: a date of birth may not be in the future or
/// more than 120 years ago; an expected date of birth is for an unborn child only, not in the
/// past, within 10 months, with `sex` `U`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewMember)]
pub struct MemberInput {
    #[schema(value_type = MemberKind)]
    pub(crate) kind: String,
    #[schema(value_type = PersonName)]
    pub(crate) given_name: String,
    #[schema(value_type = PersonName)]
    pub(crate) family_name: String,
    #[serde(default, deserialize_with = "full_date::optional")]
    pub(crate) date_of_birth: Option<NaiveDate>,
    #[serde(default, deserialize_with = "full_date::optional")]
    pub(crate) expected_date_of_birth: Option<NaiveDate>,
    #[schema(value_type = Sex)]
    pub(crate) sex: String,
    #[schema(value_type = Option<Ethnicity>)]
    pub(crate) ethnicity: Option<String>,
    /// Any number of codes; duplicates are ignored; `NONE` stands alone.
    #[serde(default)]
    #[schema(value_type = Vec<Disability>)]
    pub(crate) disabilities: Vec<String>,
    #[schema(value_type = Option<Address>)]
    pub(crate) address: Option<String>,
    #[schema(value_type = Option<Postcode>)]
    pub(crate) postcode: Option<String>,
    #[schema(value_type = Option<NhsNumber>)]
    pub(crate) nhs_number: Option<String>,
    #[schema(value_type = Option<Upn>)]
    pub(crate) upn: Option<String>,
    /// An existing organisation (otherwise 422).
    pub(crate) setting_organisation_id: Option<Uuid>,
    /// Adding a member to an existing family only: `true` after checking the `candidates` of a
    /// 409 `possible_duplicate` adds the person anyway. A new family sends `confirm_new` once,
    /// at the top level (here it is a 422).
    #[serde(default)]
    #[schema(value_type = bool, default = false)]
    pub(crate) confirm_new: Option<bool>,
}
/// `person_id` is `kind` of `related_person_id`; both members of this family, and different.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AddRelationship)]
pub struct AddRelationshipRequest {
    person_id: Uuid,
    related_person_id: Uuid,
    #[schema(value_type = RelationshipKindSchema)]
    kind: String,
}
/// Only the fields sent change. `null` clears an optional field; `null` for `given_name`,
/// `family_name`, `sex` or `disabilities` is the same as leaving it out (send `[]` to clear the
/// disabilities). The birth rules of `NewMember` apply to the result.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdatePerson)]
pub struct UpdatePersonRequest {
    #[schema(value_type = Option<PersonName>)]
    given_name: Option<String>,
    #[schema(value_type = Option<PersonName>)]
    family_name: Option<String>,
    #[serde(default, deserialize_with = "full_date::nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    date_of_birth: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "full_date::nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    expected_date_of_birth: Option<Option<NaiveDate>>,
    #[schema(value_type = Option<Sex>)]
    sex: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Ethnicity>)]
    ethnicity: Option<Option<String>>,
    /// The new list of codes, replacing the old; duplicates are ignored; `NONE` stands alone.
    #[schema(value_type = Option<Vec<Disability>>)]
    disabilities: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Address>)]
    address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Postcode>)]
    postcode: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NhsNumber>)]
    nhs_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Upn>)]
    upn: Option<Option<String>>,
    /// An existing organisation (otherwise 422).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    setting_organisation_id: Option<Option<Uuid>>,
}
/// A family member.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Person)]
pub struct PersonResponse {
    id: Uuid,
    family_id: Uuid,
    #[schema(value_type = MemberKind)]
    kind: String,
    given_name: String,
    family_name: String,
    /// `null` for an unborn child.
    #[schema(required)]
    date_of_birth: Option<NaiveDate>,
    /// For an unborn child only; otherwise `null`.
    #[schema(required)]
    expected_date_of_birth: Option<NaiveDate>,
    #[schema(value_type = Sex)]
    sex: String,
    #[schema(required, value_type = Option<Ethnicity>)]
    ethnicity: Option<String>,
    /// Sorted, without duplicates; empty when none are recorded.
    #[schema(value_type = Vec<Disability>)]
    disabilities: Vec<String>,
    /// The person's own address, when it differs from the family's.
    #[schema(required)]
    address: Option<String>,
    #[schema(required, value_type = Option<crate::openapi::case::StoredPostcode>)]
    postcode: Option<String>,
    #[schema(required, value_type = Option<crate::openapi::case::StoredNhsNumber>)]
    nhs_number: Option<String>,
    #[schema(required, value_type = Option<crate::openapi::case::StoredUpn>)]
    upn: Option<String>,
    /// The school or early years setting the child attends.
    #[schema(required)]
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
/// `person_id` is `kind` of `related_person_id` ("A is B's parent").
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Relationship)]
pub struct RelationshipResponse {
    id: Uuid,
    person_id: Uuid,
    related_person_id: Uuid,
    #[schema(value_type = RelationshipKindSchema)]
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
/// The LCSS team to contact about a person who may already be known to early help.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LcssContact)]
pub struct LcssContactResponse {
    locality_id: Uuid,
    /// The locality's name (e.g. "North").
    name: String,
    #[schema(required)]
    phone: Option<String>,
    #[schema(required)]
    email: Option<String>,
}
/// A new person who matches someone recorded where the actor cannot see. Nothing of that
/// record is shown: only the LCSS team of its locality, who can put the professionals in
/// touch. The LCSS team sees the match in `GET /api/v1/known-elsewhere`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = KnownElsewhere)]
pub struct KnownElsewhereResponse {
    /// The new person (in this answer's record).
    person_id: Uuid,
    #[schema(examples(
        "This person may already be known to early help. Contact the North LCSS \
        team to find out who else is working with them."
    ))]
    message: String,
    lcss: LcssContactResponse,
}
impl From<KnownElsewhere> for KnownElsewhereResponse {
    fn from(known: KnownElsewhere) -> Self {
        let locality = known.locality;
        Self {
            person_id: known.person.into(),
            message: format!(
                "This person may already be known to early help. Contact the {} LCSS team to \
                 find out who else is working with them.",
                locality.name
            ),
            lcss: LcssContactResponse {
                locality_id: locality.id.into(),
                name: locality.name,
                phone: locality.phone,
                email: locality.email,
            },
        }
    }
}
/// A member as added, with the notice when they may already be known elsewhere.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AddedMember)]
pub struct AddedMemberResponse {
    #[serde(flatten)]
    person: PersonResponse,
    /// Empty unless the person matches someone recorded where the actor cannot see.
    known_elsewhere: Vec<KnownElsewhereResponse>,
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
/// Add a family member
///
/// Adds a child (born or unborn) or an adult to the family. As when recording a family, a
/// person who may already be recorded in another family the actor can see answers 409
/// `possible_duplicate` with the `candidates`; send `"confirm_new": true` to add them anyway.
/// A person who matches someone recorded where the actor cannot see is added, and the answer's
/// `known_elsewhere` names the LCSS team to contact (and nothing of the other record).
///
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    post,
    path = "/api/v1/families/{id}/members",
    tag = "families",
    params(IdPath, IdempotencyKeyHeader),
    request_body = MemberInput,
    responses(
        (
            status = 201,
            description = "Added (or, for a repeated `Idempotency-Key`, the member the first \
                request added).",
            body = AddedMemberResponse,
            headers(("Location" = String, description = "The path of the created record.")),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = PossibleDuplicate),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn add_member(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    body: ApiJson<MemberInput>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let family = id.into_inner();
    let member = body.0;
    let mut checks = Checks::default();
    let person = check_member(&mut checks, "", &member, family);
    let command = AddMember {
        family,
        person: checks.finish(|| person)?,
        confirm_new: member.confirm_new.unwrap_or(false),
        idempotency: idempotency_key(&req, &format!("POST /api/v1/families/{family}/members"))?,
    };
    let added = auth
        .run(&state, |conn, audit, actor| {
            people::add_member(conn, audit, actor, command)
        })
        .await?;
    let id = added.person.id;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/people/{id}")))
        .json(AddedMemberResponse {
            person: PersonResponse::from(added.person),
            known_elsewhere: added.known_elsewhere.into_iter().map(Into::into).collect(),
        }))
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
/// Record how two members are related
///
/// Records that `person_id` is `kind` of `related_person_id` (read "A is B's parent"). Both
/// must be members of this family (422). The same relationship recorded twice is a 409
/// `conflict`.
#[utoipa::path(
    post,
    path = "/api/v1/families/{id}/relationships",
    tag = "families",
    params(IdPath),
    request_body = AddRelationshipRequest,
    responses(
        (status = 201, description = "Recorded.", body = RelationshipResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (
            status = 409,
            description = "This relationship is already recorded (`conflict`).",
            content_type = "application/problem+json",
            body = crate::openapi::responses::Problem,
        ),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
/// Get a person
///
/// A family member. Out of the actor's scope is a 404.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}",
    tag = "families",
    params(IdPath),
    responses(
        (status = 200, description = "The person.", body = PersonResponse),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
/// A person's record before a correction.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRevisionResponse {
    recorded_at: DateTime<Utc>,
    /// Who corrected it; `null` for the command line.
    #[schema(required = true)]
    recorded_by: Option<Uuid>,
    /// The whole record as it stood before the correction.
    #[schema(value_type = Object)]
    previous: serde_json::Value,
}

/// A person's earlier records.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonHistoryResponse {
    /// Newest first.
    items: Vec<PersonRevisionResponse>,
}

/// A person's history
///
/// The person's record as it stood before each correction, newest first, with who corrected
/// it and when (rectification keeps the previous values). Out of the actor's scope is a 404.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/history",
    operation_id = "get_person_history",
    tag = "families",
    params(IdPath),
    responses(
        (status = 200, description = "The earlier records.", body = PersonHistoryResponse),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, person.id = %id))]
pub async fn get_person_history(
    state: State,
    auth: Authenticated,
    id: Path<PersonId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let history = auth
        .run(&state, move |conn, audit, actor| {
            people::person_history(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PersonHistoryResponse {
        items: history
            .into_iter()
            .map(|revision| PersonRevisionResponse {
                recorded_at: revision.recorded_at,
                recorded_by: revision.recorded_by.map(Uuid::from),
                previous: revision.previous,
            })
            .collect(),
    }))
}

/// Update a person
///
/// Changes only the fields sent; `null` clears an optional field, and `null` for
/// `given_name`, `family_name`, `sex` or `disabilities` is the same as leaving it out. A
/// member's `kind` cannot change. The result is checked as a whole, so the birth rules see the
/// record as it would be stored: to record the birth of an unborn child, send the
/// `date_of_birth`, `"expected_date_of_birth": null` and the `sex` together.
#[utoipa::path(
    patch,
    path = "/api/v1/people/{id}",
    tag = "families",
    params(IdPath),
    request_body = UpdatePersonRequest,
    responses(
        (status = 200, description = "The updated person.", body = PersonResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
