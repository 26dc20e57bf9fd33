//! `/api/v1/families`: the household as a whole. Its members and their relationships are in
//! [`crate::handlers::people`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::case::{authorize_family, authorize_new_case, readable};
use crate::handlers::people::{
    check_member, postcode, refuse_duplicates, MemberInput, PersonResponse, RelationshipResponse,
};
use crate::handlers::wire::{List, PageQuery};
use crate::json::{nullable, ApiJson};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::person::RelationshipKind;
use earlyhelp_domain::policy::Permission;
use earlyhelp_domain::{FamilyId, LocalityId, PersonId};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::families::{
    self, Family, FamilyChanges, NewFamily, NewPerson, Person, Relationship,
};
use earlyhelp_persistence::{organisations, Error as DbError, PgConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const ADDRESS_MAX: usize = 500;
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
pub struct CreateFamily {
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
pub struct UpdateFamily {
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
fn family_response(
    family: Family,
    members: Vec<Person>,
    relationships: Vec<Relationship>,
) -> FamilyResponse {
    FamilyResponse {
        id: family.id,
        reference: family.reference,
        locality_id: family.locality_id,
        lead_professional_id: family.lead_professional_id,
        address: family.address,
        postcode: family.postcode,
        created_by: family.created_by,
        created_at: family.created_at,
        updated_at: family.updated_at,
        members: members.into_iter().map(PersonResponse::from).collect(),
        relationships: relationships
            .into_iter()
            .map(RelationshipResponse::from)
            .collect(),
    }
}
fn load_family(conn: &mut PgConnection, id: FamilyId) -> Result<FamilyResponse, DbError> {
    let family = families::find(conn, id)?;
    let members = families::members(conn, &[family.id])?;
    let relationships = families::relationships_of(conn, id)?;
    Ok(family_response(family, members, relationships))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_families(
    state: State,
    auth: Authenticated,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let (page, members) = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                let page = families::list(conn, readable(&actor), &page)?;
                let ids: Vec<Uuid> = page.items.iter().map(|f| f.id).collect();
                trail.record(
                    AuditEvent::new(
                        AuditAction::ListFamilies,
                        EntityType::Family,
                        None,
                        Outcome::Success,
                    )
                    .with_detail(json!({ "family_ids": ids })),
                );
                let members = families::members(conn, &ids)?;
                Ok((page, members))
            })?)
        })
        .await?;
    let mut members = members;
    Ok(HttpResponse::Ok().json(List::from_page(page, |family| {
        let (mine, rest): (Vec<Person>, Vec<Person>) = std::mem::take(&mut members)
            .into_iter()
            .partition(|p| p.family_id == family.id);
        members = rest;
        family_response(family, mine, Vec::new())
    })))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn create_family(
    state: State,
    auth: Authenticated,
    body: ApiJson<CreateFamily>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let family_id = FamilyId::generate().into_uuid();
    let mut checks = Checks::default();
    let address = checks.check(
        "address",
        optional_text(body.address.as_deref(), ADDRESS_MAX),
    );
    let postcode = checks.check("postcode", postcode(body.postcode.as_deref()));
    if body.members.is_empty() {
        checks.fail("members", "a family needs at least one member");
    }
    let people: Vec<Option<NewPerson>> = body
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| check_member(&mut checks, &format!("members[{i}]"), m, family_id))
        .collect();
    for (i, member) in body.members.iter().enumerate() {
        if member.confirm_new.is_some() {
            checks.fail(
                &format!("members[{i}].confirm_new"),
                "send confirm_new once, at the top level of the request",
            );
        }
    }
    let mut links = Vec::new();
    for (i, link) in body.relationships.iter().enumerate() {
        let kind = checks.check(
            &format!("relationships[{i}].kind"),
            link.kind.parse::<RelationshipKind>(),
        );
        for (field, index) in [
            ("person", link.person),
            ("related_person", link.related_person),
        ] {
            if index >= body.members.len() {
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
    let (address, postcode, people) = checks.finish(|| {
        Some((
            address?,
            postcode?,
            people.into_iter().collect::<Option<Vec<_>>>()?,
        ))
    })?;
    let links: Vec<(usize, usize, RelationshipKind)> = links
        .into_iter()
        .filter_map(|(a, b, k)| Some((a, b, k?)))
        .collect();

    let context = auth.audit_context();
    let actor = auth.actor.clone();
    let requested_locality = body.locality_id;
    let confirm_new = body.confirm_new;
    let family = state
        .db(move |conn| {
            let locality = match requested_locality {
                Some(id) => id,
                None => {
                    let organisation = organisations::find(conn, actor.organisation_id)?;
                    organisation
                        .locality_id
                        .or(actor.locality_id.map(LocalityId::into_uuid))
                        .ok_or_else(|| ApiError::validation("locality_id", "your organisation serves the whole authority: say which locality the family lives in"))?
                }
            };
            authorize_new_case(&actor, LocalityId::from_uuid(locality))?;
            if !confirm_new {
                refuse_duplicates(conn, &actor, &people, None)?;
            }
            let created = audit::audited(conn, &context, |conn, trail| {
                let family = families::create(
                    conn,
                    &NewFamily {
                        id: family_id,
                        locality_id: locality,
                        lead_professional_id: actor.user_id.into_uuid(),
                        address,
                        postcode,
                        created_by: actor.user_id.into_uuid(),
                    },
                )?;
                trail.record(
                    AuditEvent::success(AuditAction::CreateFamily, EntityType::Family, family.id)
                        .with_detail(json!({ "confirmed_new": confirm_new })),
                );
                let mut ids = Vec::new();
                for person in &people {
                    let person = families::add_person(conn, person)?;
                    trail.record(AuditEvent::success(AuditAction::AddPerson, EntityType::Person, person.id));
                    ids.push(person.id);
                }
                for (a, b, kind) in &links {
                    families::add_relationship(conn, FamilyId::from_uuid(family.id), PersonId::from_uuid(ids[*a]), PersonId::from_uuid(ids[*b]), kind.as_str())?;
                }
                chronology::record(
                    conn,
                    &Happening {
                        family: FamilyId::from_uuid(family.id),
                        kind: "family.created",
                        actor: actor.user_id,
                        summary: &format!("Family {} recorded with {} member(s)", family.reference, ids.len()),
                        entity_type: "family",
                        entity_id: family.id,
                    },
                )?;
                Ok(family)
            });
            let family = created?;
            Ok(load_family(conn, FamilyId::from_uuid(family.id))?)
        })
        .await?;
    tracing::info!(family.id = %family.id, "family created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/families/{}", family.id)))
        .json(family))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn get_family(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = FamilyId::from_uuid(id.into_inner());
    let context = auth.audit_context();
    let actor = auth.actor;
    let family = state
        .db(move |conn| {
            authorize_family(conn, &actor, Permission::ReadCase, id)?;
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::success(AuditAction::ReadFamily, EntityType::Family, id),
                |conn| load_family(conn, id),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(family))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn update_family(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<UpdateFamily>,
) -> Result<HttpResponse, ApiError> {
    let id = FamilyId::from_uuid(id.into_inner());
    let body = body.0;
    let mut checks = Checks::default();
    let address = body
        .address
        .map(|a| checks.check("address", optional_text(a.as_deref(), ADDRESS_MAX)));
    let postcode = body
        .postcode
        .map(|p| checks.check("postcode", postcode(p.as_deref())));
    let changes = checks.finish(|| {
        Some(FamilyChanges {
            address: address.flatten(),
            postcode: postcode.flatten(),
        })
    })?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let family = state
        .db(move |conn| {
            authorize_family(conn, &actor, Permission::WriteCase, id)?;
            audit::audited(conn, &context, |conn, trail| {
                families::update(conn, id, &changes)?;
                trail.record(AuditEvent::success(
                    AuditAction::UpdateFamily,
                    EntityType::Family,
                    id,
                ));
                Ok(())
            })?;
            Ok(load_family(conn, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(family))
}
