//! `/api/v1/families/{id}/chronology`: what happened in a family's early help, newest first.
//! The read itself is [`earlyhelp_workflows::chronology::read`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{List, PageQuery};
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::FamilyId;
use earlyhelp_workflows::chronology::{self, Entry, ReadChronology};
use serde_json::json;

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
    id: Path<FamilyId>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let command = ReadChronology {
        family: id.into_inner(),
        page: query.page()?,
    };
    let page = auth
        .run(&state, |conn, audit, actor| {
            chronology::read(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, entry_json)))
}
