//! `/api/v1/families`, `/api/v1/families/{id}/members`, `/api/v1/families/{id}/relationships`
//! and `/api/v1/people/{id}`: the household, its members and how they are related.

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::case::{authorize_family, authorize_new_case, readable, today};
use crate::handlers::wire::{List, PageQuery};
use crate::json::{nullable, ApiJson};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::person::{
    self, Ethnicity, MemberKind, NhsNumber, PersonName, Postcode, RelationshipKind, Sex, Upn,
};
use earlyhelp_domain::policy::{Actor, Permission};
use earlyhelp_domain::{FamilyId, LocalityId, OrganisationId, PersonId};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::families::{
    self, Candidate, Family, FamilyChanges, NewFamily, NewPerson, Person, PersonChanges,
    Relationship,
};
use earlyhelp_persistence::{organisations, users, PgConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const ADDRESS_MAX: usize = 500;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    kind: String,
    given_name: String,
    family_name: String,
    date_of_birth: Option<NaiveDate>,
    expected_date_of_birth: Option<NaiveDate>,
    sex: String,
    ethnicity: Option<String>,
    #[serde(default)]
    disabilities: Vec<String>,
    address: Option<String>,
    postcode: Option<String>,
    nhs_number: Option<String>,
    upn: Option<String>,
    setting_organisation_id: Option<Uuid>,
    /// Adding a member to an existing family only: create it even though it may be someone
    /// already recorded (a new family sends `confirm_new` at the top level instead).
    #[serde(default)]
    confirm_new: Option<bool>,
}

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

fn load_family(conn: &mut PgConnection, id: FamilyId) -> Result<FamilyResponse, ApiError> {
    let family = families::find(conn, id)?;
    let members = families::members(conn, &[family.id])?;
    let relationships = families::relationships_of(conn, id)?;
    Ok(family_response(family, members, relationships))
}

fn postcode(raw: Option<&str>) -> Result<Option<String>, String> {
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
fn check_member(
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
fn refuse_duplicates(
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
            load_family(conn, FamilyId::from_uuid(family.id))
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
            Ok(audit::audited(conn, &context, |conn, trail| {
                trail.record(AuditEvent::success(
                    AuditAction::ReadFamily,
                    EntityType::Family,
                    id,
                ));
                load_family(conn, id).map_err(|_| earlyhelp_persistence::Error::NotFound)
            })?)
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
            load_family(conn, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(family))
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
            audit::audited(conn, &context, |conn, trail| {
                let relationship = families::add_relationship(
                    conn,
                    family,
                    PersonId::from_uuid(body.person_id),
                    PersonId::from_uuid(body.related_person_id),
                    kind.as_str(),
                )?;
                trail.record(AuditEvent::success(
                    AuditAction::AddRelationship,
                    EntityType::Person,
                    body.person_id,
                ));
                Ok(relationship)
            })
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
            Ok(audit::audited(conn, &context, |conn, trail| {
                let person = families::update_person(conn, id, &changes)?;
                trail.record(AuditEvent::success(
                    AuditAction::UpdatePerson,
                    EntityType::Person,
                    id,
                ));
                Ok(person)
            })?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PersonResponse::from(person)))
}

/// The lead professional's organisation, for consent and episode defaults.
pub fn organisation_of(conn: &mut PgConnection, user: Uuid) -> Result<OrganisationId, ApiError> {
    let user = users::find(conn, earlyhelp_domain::UserId::from_uuid(user))?;
    Ok(OrganisationId::from_uuid(user.organisation_id))
}
