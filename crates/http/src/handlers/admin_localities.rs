//! `/api/v1/admin/localities`: the authority's localities and their LCSS contact details.

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{List, LocalityResponse, PageQuery};
use crate::json::{nullable, ApiJson};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::directory::{optional_text, Name};
use earlyhelp_domain::policy::{self, Permission};
use earlyhelp_domain::{Email, LocalityId};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::localities::{self, LocalityChanges, NewLocality};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateLocality {
    name: String,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateLocality {
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    address: Option<Option<String>>,
}

const PHONE_MAX: usize = 200;
const ADDRESS_MAX: usize = 500;

/// A contact mailbox keeps its written case; it is only checked for shape.
fn contact_email(raw: Option<&str>) -> Result<Option<String>, String> {
    match optional_text(raw, 254).map_err(|e| e.to_string())? {
        Some(email) => Email::parse(&email)
            .map(|_| Some(email))
            .map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_localities(
    state: State,
    auth: Authenticated,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let page = query.page()?;
    let context = auth.audit_context();
    let page = state
        .db(move |conn| {
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::new(
                    AuditAction::ListLocalities,
                    EntityType::Locality,
                    None,
                    earlyhelp_domain::audit::Outcome::Success,
                ),
                |conn| localities::list(conn, &page),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, LocalityResponse::from)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn create_locality(
    state: State,
    auth: Authenticated,
    body: ApiJson<CreateLocality>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let body = body.0;
    let mut checks = Checks::default();
    let name = checks.check("name", Name::parse(&body.name));
    let phone = checks.check("phone", optional_text(body.phone.as_deref(), PHONE_MAX));
    let email = checks.check("email", contact_email(body.email.as_deref()));
    let address = checks.check(
        "address",
        optional_text(body.address.as_deref(), ADDRESS_MAX),
    );
    let new = checks.finish(|| {
        Some(NewLocality {
            id: LocalityId::generate().into_uuid(),
            name: name?.into_string(),
            phone: phone?,
            email: email?,
            address: address?,
        })
    })?;
    let context = auth.audit_context();
    let locality = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                localities::create(conn, trail, &new)
            })?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/localities/{}", locality.id),
        ))
        .json(LocalityResponse::from(locality)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, locality.id = %id))]
pub async fn get_locality(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let id = LocalityId::from_uuid(id.into_inner());
    let context = auth.audit_context();
    let locality = state
        .db(move |conn| {
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::success(AuditAction::ReadLocality, EntityType::Locality, id),
                |conn| localities::find(conn, id),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(LocalityResponse::from(locality)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, locality.id = %id))]
pub async fn update_locality(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<UpdateLocality>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&auth.actor, Permission::ManageDirectory)?;
    let id = LocalityId::from_uuid(id.into_inner());
    let body = body.0;
    let mut checks = Checks::default();
    let name = body
        .name
        .map(|name| checks.check("name", Name::parse(&name)));
    let phone = body
        .phone
        .map(|phone| checks.check("phone", optional_text(phone.as_deref(), PHONE_MAX)));
    let email = body
        .email
        .map(|email| checks.check("email", contact_email(email.as_deref())));
    let address = body
        .address
        .map(|address| checks.check("address", optional_text(address.as_deref(), ADDRESS_MAX)));
    let changes = checks.finish(|| {
        Some(LocalityChanges {
            name: name.flatten().map(Name::into_string),
            phone: phone.flatten(),
            email: email.flatten(),
            address: address.flatten(),
        })
    })?;
    let context = auth.audit_context();
    let locality = state
        .db(move |conn| {
            Ok(audit::audited(conn, &context, |conn, trail| {
                localities::update(conn, trail, id, &changes)
            })?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(LocalityResponse::from(locality)))
}
