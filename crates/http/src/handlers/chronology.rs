//! `/api/v1/families/{id}/chronology`: what happened in a family's early help, newest first.
//! The read itself is [`earlyhelp_workflows::chronology::read`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{IdPath, List, PageQuery};
use crate::openapi::case::ChronologyEntityType;
use crate::openapi::responses::{
    InternalError, NotFound, ServiceUnavailable, Unauthorized, UnprocessableEntity,
};
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_domain::FamilyId;
use earlyhelp_workflows::chronology::{self, Entry, ReadChronology};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One thing that happened in a family's early help.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ChronologyEntry)]
pub struct EntryResponse {
    id: Uuid,
    /// What happened: `family.created`, `family.member_added`, `consent.given`,
    /// `consent.withdrawn`, `episode.opened`, `episode.threshold_changed`,
    /// `episode.transfer_proposed`, `episode.transferred`, `episode.closed`,
    /// `assessment.started`, `assessment.submitted`, `assessment.accepted`,
    /// `assessment.returned`.
    #[schema(pattern = r"^[a-z_]+\.[a-z_]+$", examples("episode.opened"))]
    kind: String,
    occurred_at: DateTime<Utc>,
    actor: ActorResponse,
    /// A one-line description, without names.
    #[schema(examples("Early help episode opened at threshold level 2 for 1 child(ren)"))]
    summary: String,
    /// The kind of record it concerns.
    #[schema(value_type = ChronologyEntityType)]
    entity_type: String,
    entity_id: Uuid,
}

/// Who did it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ChronologyActor)]
pub struct ActorResponse {
    id: Uuid,
    display_name: String,
}

impl From<Entry> for EntryResponse {
    fn from(entry: Entry) -> Self {
        Self {
            id: entry.id.into(),
            kind: entry.kind,
            occurred_at: entry.occurred_at,
            actor: ActorResponse {
                id: entry.actor_id.into(),
                display_name: entry.actor_name,
            },
            summary: entry.summary,
            entity_type: entry.entity_type,
            entity_id: entry.entity_id,
        }
    }
}

/// A family's chronology
///
/// What happened in the family's early help (recorded, members added, consents given and
/// withdrawn, episodes opened, changed and closed, forms started, submitted, accepted and
/// returned), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/families/{id}/chronology",
    tag = "families",
    params(IdPath, PageQuery),
    responses(
        (status = 200, description = "A page of the chronology.", body = List<EntryResponse>),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
    Ok(HttpResponse::Ok().json(List::from_page(page, EntryResponse::from)))
}
