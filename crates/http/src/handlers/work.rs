//! `/api/v1/me/work`: what needs the signed-in user now. The step is
//! [`earlyhelp_workflows::work::list`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{List, PageQuery};
use crate::openapi::case::WorkKind as WorkKindSchema;
use crate::openapi::responses::{
    InternalError, ServiceUnavailable, Unauthorized, UnprocessableEntity,
};
use crate::state::State;
use actix_web::web::Query;
use actix_web::HttpResponse;
use chrono::NaiveDate;
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::work::{self, WorkItem};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One thing to do, with the record to act on.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WorkItem)]
pub struct WorkItemResponse {
    #[schema(value_type = WorkKindSchema)]
    kind: &'static str,
    /// The record the item is about (a form, episode, team, meeting, action or review).
    id: Uuid,
    /// Its API path.
    link: String,
    /// The family it concerns; `null` for a No Names Consultation or a request for one, which
    /// name no family.
    #[schema(required)]
    family_id: Option<Uuid>,
    #[schema(required)]
    family_reference: Option<String>,
    /// When it is due, where it has a date.
    #[schema(required)]
    due_on: Option<NaiveDate>,
    /// Due before today.
    overdue: bool,
}

impl From<WorkItem> for WorkItemResponse {
    fn from(item: WorkItem) -> Self {
        Self {
            kind: item.kind.as_str(),
            link: item.kind.link(item.id),
            id: item.id,
            family_id: item.family_id.map(Uuid::from),
            family_reference: item.family_reference,
            overdue: item.due_on.is_some_and(|due| due < today()),
            due_on: item.due_on,
        }
    }
}

/// My work list
///
/// What needs the signed-in user now, soonest due first and undated items last: as a lead
/// professional, drafts to finish, forms returned for amendment, transfers to accept, team
/// reviews due within a fortnight or overdue, held meetings whose minutes are not final and
/// teams to close; as a team member, the open actions they own; for LCSS, reviews assigned to
/// them, unclaimed reviews and minutes received but not acknowledged in their locality. Each
/// item links to the record to act on. Keyset-paginated.
#[utoipa::path(
    get,
    path = "/api/v1/me/work",
    tag = "me",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the work list.", body = List<WorkItemResponse>),
        (status = 401, response = Unauthorized),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn get_work(
    state: State,
    auth: Authenticated,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let found = auth
        .run(&state, move |conn, audit, actor| {
            work::list(conn, audit, actor, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(found, WorkItemResponse::from)))
}
