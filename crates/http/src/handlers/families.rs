//! `/api/v1/families`: the household as a whole. Its members and their relationships are in
//! [`crate::handlers::people`]. The steps themselves are in [`earlyhelp_workflows::families`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::people::{check_member, MemberInput, PersonResponse, RelationshipResponse};
use crate::handlers::wire::{List, PageQuery};
use crate::json::{nullable, ApiJson};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::person::RelationshipKind;
use earlyhelp_domain::{FamilyId, LocalityId};
use earlyhelp_persistence::families::{Family, NewPerson, Person, Relationship};
use earlyhelp_workflows::families::{self, CreateFamily, FamilyRecord, ListedFamily, UpdateFamily};
use earlyhelp_workflows::people::{postcode, ADDRESS_MAX};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationshipByIndex {
    /// Index into `members`.
    person: usize,
    related_person: usize,
    kind: String,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateFamilyRequest {
    locality_id: Option<Uuid>,
    address: Option<String>,
    postcode: Option<String>,
    members: Vec<MemberInput>,
    #[serde(default)]
    relationships: Vec<RelationshipByIndex>,
    /// Set after checking the possible duplicates a first attempt reported.
    #[serde(default)]
    confirm_new: bool,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateFamilyRequest {
    #[serde(default, deserialize_with = "nullable")]
    address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    postcode: Option<Option<String>>,
}
#[derive(Debug, Serialize)]
pub struct FamilyResponse {
    id: Uuid,
    reference: String,
    locality_id: Uuid,
    lead_professional_id: Uuid,
    address: Option<String>,
    postcode: Option<String>,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    members: Vec<PersonResponse>,
    relationships: Vec<RelationshipResponse>,
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
        members: members.into_iter().map(PersonResponse::from).collect(),
        relationships: relationships
            .into_iter()
            .map(RelationshipResponse::from)
            .collect(),
    }
}
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
    fn into_command(self) -> Result<CreateFamily, ApiError> {
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
        })
    }
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn create_family(
    state: State,
    auth: Authenticated,
    body: ApiJson<CreateFamilyRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command()?;
    let family = auth
        .run(&state, |conn, audit, actor| {
            families::create(conn, audit, actor, command)
        })
        .await?;
    let family = FamilyResponse::from(family);
    tracing::info!(family.id = %family.id, "family created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/families/{}", family.id)))
        .json(family))
}
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
