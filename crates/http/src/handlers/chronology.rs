//! `/api/v1/families/{id}/chronology`: what happened in a family's early help, newest first.

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::case::authorize_family;
use crate::handlers::wire::{List, PageQuery};
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::policy::Permission;
use earlyhelp_domain::FamilyId;
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::chronology::{self, Entry};
use serde_json::json;
use uuid::Uuid;

fn entry_json(entry: Entry) -> serde_json::Value {
    json!({
        "id": entry.id,
        "kind": entry.kind,
        "occurred_at": entry.occurred_at,
        "actor": { "id": entry.actor_id, "display_name": entry.actor_name },
        "summary": entry.summary,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
    })
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn get_chronology(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let family = FamilyId::from_uuid(id.into_inner());
    let page = query.page()?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let page = state
        .db(move |conn| {
            authorize_family(conn, &actor, Permission::ReadCase, family)?;
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::success(AuditAction::ReadChronology, EntityType::Family, family),
                |conn| chronology::list(conn, family, &page),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, entry_json)))
}
