//! `/api/v1/families`: the household as a whole. Its members and their relationships are in
//! [`crate::handlers::people`]. The steps themselves are in [`earlyhelp_workflows::families`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::people::{
    check_member, KnownElsewhereResponse, MemberInput, PersonResponse, RelationshipResponse,
};
use crate::handlers::wire::{IdPath, List, PageQuery};
use crate::idempotency::{idempotency_key, IdempotencyKeyHeader};
use crate::json::{nullable, ApiJson};
use crate::openapi::case::Postcode;
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PossibleDuplicate,
    ServiceUnavailable, Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::openapi::values::Address;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::person::RelationshipKind;
use earlyhelp_domain::{FamilyId, LocalityId};
use earlyhelp_persistence::families::{Family, NewPerson, Person, Relationship};
use earlyhelp_workflows::families::{
    self, CreateFamily, CreatedFamily, FamilyRecord, ListedFamily, UpdateFamily, MEMBERS_MAX,
};
use earlyhelp_workflows::people::{postcode, ADDRESS_MAX};
use earlyhelp_workflows::step::IdempotencyKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `members[person]` is `kind` of `members[related_person]`; both indexes must be in
/// `members`, and different.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MemberRelationship)]
pub struct RelationshipByIndex {
    /// The index (from 0) of a member in `members`.
    person: usize,
    /// The index (from 0) of another member in `members`.
    related_person: usize,
    #[schema(value_type = crate::openapi::case::RelationshipKind)]
    kind: String,
}
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateFamily)]
pub struct CreateFamilyRequest {
    /// The locality the family lives in; `null` or absent takes the locality of the actor's
    /// organisation (or the actor's own). A practitioner records families in that locality
    /// only (another is a 422); LCSS in their own. An id that names no locality is a 422.
    locality_id: Option<Uuid>,
    #[schema(value_type = Option<Address>)]
    address: Option<String>,
    #[schema(value_type = Option<Postcode>)]
    postcode: Option<String>,
    /// One to 20 members; a larger household is recorded with its first 20 and the rest
    /// added with `POST /api/v1/families/{id}/members`.
    #[schema(min_items = 1, max_items = 20)]
    members: Vec<MemberInput>,
    /// How the members are related, by their positions in `members`.
    #[serde(default)]
    relationships: Vec<RelationshipByIndex>,
    /// `true` after checking the `candidates` of a 409 `possible_duplicate`: record the family
    /// anyway.
    #[serde(default)]
    #[schema(default = false)]
    confirm_new: bool,
}
/// Only the fields sent change; `null` (or blank) clears the address or postcode.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateFamily)]
pub struct UpdateFamilyRequest {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Address>)]
    address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Postcode>)]
    postcode: Option<Option<String>>,
}
/// A household receiving early help, with its members and how they are related.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Family)]
pub struct FamilyResponse {
    id: Uuid,
    /// The reference professionals quote instead of names.
    #[schema(pattern = "^FAM-[0-9]{6,}$", examples("FAM-000123"))]
    reference: String,
    locality_id: Uuid,
    lead_professional_id: Uuid,
    #[schema(required)]
    address: Option<String>,
    #[schema(required, value_type = Option<crate::openapi::case::StoredPostcode>)]
    postcode: Option<String>,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// Since when Children's Social Care has the family (a step-up it accepted); `null` if
    /// never.
    #[schema(required)]
    known_to_social_care_on: Option<chrono::NaiveDate>,
    members: Vec<PersonResponse>,
    /// Always empty in a list of families.
    relationships: Vec<RelationshipResponse>,
}
/// A family as recorded, with the notice for each member who may already be known elsewhere.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CreatedFamily)]
pub struct CreatedFamilyResponse {
    #[serde(flatten)]
    family: FamilyResponse,
    /// Empty unless a member matches someone recorded where the actor cannot see.
    known_elsewhere: Vec<KnownElsewhereResponse>,
}
impl From<CreatedFamily> for CreatedFamilyResponse {
    fn from(created: CreatedFamily) -> Self {
        Self {
            family: created.record.into(),
            known_elsewhere: created
                .known_elsewhere
                .into_iter()
                .map(Into::into)
                .collect(),
        }
    }
}
impl From<FamilyRecord> for FamilyResponse {
    fn from(record: FamilyRecord) -> Self {
        family_response(record.family, record.members, record.relationships)
    }
}
impl From<ListedFamily> for FamilyResponse {
    fn from(listed: ListedFamily) -> Self {
        family_response(listed.family, listed.members, Vec::new())
    }
}
fn family_response(
    family: Family,
    members: Vec<Person>,
    relationships: Vec<Relationship>,
) -> FamilyResponse {
    FamilyResponse {
        id: family.id.into(),
        reference: family.reference,
        locality_id: family.locality_id.into(),
        lead_professional_id: family.lead_professional_id.into(),
        address: family.address,
        postcode: family.postcode,
        created_by: family.created_by.into(),
        created_at: family.created_at,
        updated_at: family.updated_at,
        known_to_social_care_on: family.known_to_social_care_on,
        members: members.into_iter().map(PersonResponse::from).collect(),
        relationships: relationships
            .into_iter()
            .map(RelationshipResponse::from)
            .collect(),
    }
}
/// List families
///
/// The families the actor may read (as lead professional, Team Around the Family member, or
/// LCSS in their locality), newest first, each with its members. A list does not carry
/// relationships: `relationships` is always empty here; read the family for them.
#[utoipa::path(
    get,
    path = "/api/v1/families",
    tag = "families",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of families.", body = List<FamilyResponse>),
        (status = 401, response = Unauthorized),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_families(
    state: State,
    auth: Authenticated,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let page = auth
        .run(&state, |conn, audit, actor| {
            families::list(conn, audit, actor, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, FamilyResponse::from)))
}
impl CreateFamilyRequest {
    pub(crate) fn into_command(
        self,
        idempotency: Option<IdempotencyKey>,
    ) -> Result<CreateFamily, ApiError> {
        if self.members.len() > MEMBERS_MAX {
            return Err(ApiError::validation(
                "members",
                format!(
                    "at most {MEMBERS_MAX} members at once: record the family with its first \
                     {MEMBERS_MAX} and add the rest with POST /api/v1/families/{{id}}/members"
                ),
            ));
        }
        let id = FamilyId::generate();
        let mut checks = Checks::default();
        let address = checks.check(
            "address",
            optional_text(self.address.as_deref(), ADDRESS_MAX),
        );
        let postcode = checks.check("postcode", postcode(self.postcode.as_deref()));
        if self.members.is_empty() {
            checks.fail("members", "a family needs at least one member");
        }
        let people: Vec<Option<NewPerson>> = self
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| check_member(&mut checks, &format!("members[{i}]"), m, id))
            .collect();
        for (i, member) in self.members.iter().enumerate() {
            if member.confirm_new.is_some() {
                checks.fail(
                    &format!("members[{i}].confirm_new"),
                    "send confirm_new once, at the top level of the request",
                );
            }
        }
        let mut links = Vec::new();
        for (i, link) in self.relationships.iter().enumerate() {
            let kind = checks.check(
                &format!("relationships[{i}].kind"),
                link.kind.parse::<RelationshipKind>(),
            );
            for (field, index) in [
                ("person", link.person),
                ("related_person", link.related_person),
            ] {
                if index >= self.members.len() {
                    checks.fail(
                        &format!("relationships[{i}].{field}"),
                        "must be the index of a member in `members`",
                    );
                }
            }
            if link.person == link.related_person {
                checks.fail(
                    &format!("relationships[{i}].related_person"),
                    "a person cannot be related to themselves",
                );
            }
            links.push((link.person, link.related_person, kind));
        }
        let (address, postcode, members) = checks.finish(|| {
            Some((
                address?,
                postcode?,
                people.into_iter().collect::<Option<Vec<_>>>()?,
            ))
        })?;
        let relationships = links
            .into_iter()
            .filter_map(|(a, b, k)| Some((a, b, k?)))
            .collect();
        Ok(CreateFamily {
            id,
            locality: self.locality_id.map(LocalityId::from),
            address,
            postcode,
            members,
            relationships,
            confirm_new: self.confirm_new,
            idempotency,
        })
    }
}
/// Record a family
///
/// Records a household with its members and how they are related, with the actor as lead
/// professional. Without a `locality_id` the family takes the locality of the actor's
/// organisation (or the actor's own); an authority-wide organisation must say which (422).
/// The actor must be able to write case records in that locality (403 otherwise).
///
/// Before anything is stored, each new member is compared with the people the actor can see:
/// the same NHS number, or the same date of birth and a similar name, answers 409
/// `possible_duplicate` with the `candidates`. Check them and, if the family really is new,
/// send the same request again with `"confirm_new": true`. A member who matches someone
/// recorded where the actor cannot see does not stop the family being recorded: the answer's
/// `known_elsewhere` names the LCSS team to contact, and nothing of the other record.
///
/// Send an `Idempotency-Key` to make retries safe: a repeated request with the same key
/// answers with the family the first one recorded.
#[utoipa::path(
    post,
    path = "/api/v1/families",
    tag = "families",
    params(IdempotencyKeyHeader),
    request_body = CreateFamilyRequest,
    responses(
        (
            status = 201,
            description = "Recorded (or, for a repeated `Idempotency-Key`, the family the \
                first request recorded); the family as `GET /api/v1/families/{id}` shows it.",
            body = CreatedFamilyResponse,
            headers(("Location" = String, description = "The path of the created record.")),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = PossibleDuplicate),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn create_family(
    state: State,
    auth: Authenticated,
    body: ApiJson<CreateFamilyRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let command = body
        .0
        .into_command(idempotency_key(&req, "POST /api/v1/families")?)?;
    let family = auth
        .run(&state, |conn, audit, actor| {
            families::create(conn, audit, actor, command)
        })
        .await?;
    let id = family.record.family.id;
    tracing::info!(family.id = %id, "family created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/families/{id}")))
        .json(CreatedFamilyResponse::from(family)))
}
/// Get a family
///
/// The family with all its members and relationships. Out of the actor's scope is a 404.
#[utoipa::path(
    get,
    path = "/api/v1/families/{id}",
    tag = "families",
    params(IdPath),
    responses(
        (status = 200, description = "The family.", body = FamilyResponse),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn get_family(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let family = auth
        .run(&state, move |conn, audit, actor| {
            families::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FamilyResponse::from(family)))
}
impl UpdateFamilyRequest {
    fn into_command(self, family: FamilyId) -> Result<UpdateFamily, ApiError> {
        let mut checks = Checks::default();
        let address = self
            .address
            .map(|a| checks.check("address", optional_text(a.as_deref(), ADDRESS_MAX)));
        let postcode = self
            .postcode
            .map(|p| checks.check("postcode", postcode(p.as_deref())));
        checks
            .finish(|| {
                Some(UpdateFamily {
                    family,
                    address: address.flatten(),
                    postcode: postcode.flatten(),
                })
            })
            .map_err(ApiError::from)
    }
}
/// Update a family's address
///
/// Changes only the fields sent; `null` (or a blank value) clears the address or postcode.
/// Only those who may write the record (the lead professional, LCSS in the locality) may
/// change it: others who can read it get 403.
#[utoipa::path(
    patch,
    path = "/api/v1/families/{id}",
    tag = "families",
    params(IdPath),
    request_body = UpdateFamilyRequest,
    responses(
        (status = 200, description = "The updated family.", body = FamilyResponse),
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
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn update_family(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    body: ApiJson<UpdateFamilyRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command(id.into_inner())?;
    let family = auth
        .run(&state, |conn, audit, actor| {
            families::update(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FamilyResponse::from(family)))
}
