//! `/api/v1/families/{id}/erasure`: an administrator erases a family recorded in error. The
//! step is in [`earlyhelp_workflows::retention`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::IdPath;
use crate::json::ApiJson;
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::web::Path;
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::FamilyId;
use earlyhelp_persistence::retention::Tombstone;
use earlyhelp_workflows::retention;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureRequest {
    /// Why the record was created in error (for example: recorded twice; the duplicate is
    /// erased). Kept on the tombstone: 10 to 2,000 characters, naming no one.
    #[schema(min_length = 10, max_length = 2000)]
    reason: String,
}

/// What is left of an erased record: ids, dates and why.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Tombstone)]
pub struct TombstoneResponse {
    id: Uuid,
    /// `family` or `no_names_consultation`.
    record_type: String,
    record_id: Uuid,
    /// The family's reference, which is not personal data.
    #[schema(required = true)]
    reference: Option<String>,
    /// `retention` or `created_in_error`.
    reason: String,
    /// The retention rule applied, and the day the record fell due under it.
    #[schema(required = true)]
    rule: Option<String>,
    #[schema(required = true)]
    due_on: Option<NaiveDate>,
    /// Why an administrator erased a record created in error.
    #[schema(required = true)]
    note: Option<String>,
    erased_at: DateTime<Utc>,
    #[schema(required = true)]
    erased_by: Option<Uuid>,
}

impl From<Tombstone> for TombstoneResponse {
    fn from(row: Tombstone) -> Self {
        Self {
            id: row.id,
            record_type: row.record_type,
            record_id: row.record_id,
            reference: row.reference,
            reason: row.reason,
            rule: row.rule,
            due_on: row.due_on,
            note: row.note,
            erased_at: row.erased_at,
            erased_by: row.erased_by.map(Uuid::from),
        }
    }
}

/// Erase a family recorded in error
///
/// For administrators. Every person's names, date of birth (kept as its year), identifiers,
/// address and details, and every free text of the family's records (forms, minutes, actions,
/// chronology, consents, step-ups and step-downs, consultations) are erased in place; ids,
/// dates, states and levels stay, with a tombstone and an audit entry. The administrator never
/// sees the content. A family under a legal hold is a 409 `legal_hold`; one erased before, 409
/// `already_erased`.
#[utoipa::path(
    post,
    path = "/api/v1/families/{id}/erasure",
    operation_id = "erase_family",
    tag = "families",
    params(IdPath),
    request_body = ErasureRequest,
    responses(
        (status = 200, description = "Erased; the tombstone.", body = TombstoneResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn erase_family(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    body: ApiJson<ErasureRequest>,
) -> Result<HttpResponse, ApiError> {
    let family = id.into_inner();
    let reason = body.0.reason;
    let tombstone = auth
        .run(&state, move |conn, audit, actor| {
            retention::erase_in_error(conn, audit, actor, family, &reason)
        })
        .await?;
    tracing::info!(family.id = %family, "family erased as created in error");
    Ok(HttpResponse::Ok().json(TombstoneResponse::from(tombstone)))
}
