//! `/api/v1/known-elsewhere`: people recorded by professionals who could not see an existing
//! record of the same person, listed for the LCSS team of the existing record's locality so it
//! can put the professionals in touch. The step is [`earlyhelp_workflows::people`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::wire::{List, PageQuery};
use crate::openapi::responses::{
    Conflict, Forbidden, InternalError, ServiceUnavailable, Unauthorized, UnprocessableEntity,
};
use crate::state::State;
use actix_web::web::Query;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use earlyhelp_persistence::known_elsewhere::Match;
use earlyhelp_workflows::people;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The professional who recorded the new person, to be put in touch with.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MatchRecordedBy)]
pub struct RecordedByResponse {
    user_id: Uuid,
    display_name: String,
    /// Work email.
    email: String,
    organisation: String,
}
/// A person recorded by someone who could not see an existing record of the same person in
/// this LCSS team's locality.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = KnownElsewhereMatch)]
pub struct MatchResponse {
    id: Uuid,
    recorded_at: DateTime<Utc>,
    /// `nhs_number`, or `date_of_birth_and_name` (the same date of birth and a similar name).
    #[schema(pattern = "^(nhs_number|date_of_birth_and_name)$")]
    matched_on: String,
    /// The person already recorded in this locality, and their family.
    existing_person_id: Uuid,
    existing_family_id: Uuid,
    /// The new record, which may be in another locality: its reference, to quote.
    new_person_id: Uuid,
    new_family_id: Uuid,
    #[schema(pattern = "^FAM-[0-9]{6,}$", examples("FAM-000123"))]
    new_family_reference: String,
    recorded_by: RecordedByResponse,
}
impl From<Match> for MatchResponse {
    fn from(found: Match) -> Self {
        Self {
            id: found.id,
            recorded_at: found.recorded_at,
            matched_on: found.matched_on,
            existing_person_id: found.existing_person_id.into(),
            existing_family_id: found.existing_family_id.into(),
            new_person_id: found.new_person_id.into(),
            new_family_id: found.new_family_id.into(),
            new_family_reference: found.new_family_reference,
            recorded_by: RecordedByResponse {
                user_id: found.recorded_by.into(),
                display_name: found.recorded_by_name,
                email: found.recorded_by_email,
                organisation: found.recorded_by_organisation,
            },
        }
    }
}
/// List people who may be known elsewhere
///
/// When a professional records a family or member who matches a person they cannot see (the
/// same NHS number, or the same date of birth and a similar name), they are told only to
/// contact the LCSS team of the existing record's locality. That team lists the matches here,
/// newest first, with who recorded the new person, so it can bring the professionals
/// together. LCSS workers and managers see their own locality's; others get 403. The audit
/// entry names the families on both sides of each match shown.
#[utoipa::path(
    get,
    path = "/api/v1/known-elsewhere",
    tag = "families",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of matches.", body = List<MatchResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_known_elsewhere(
    state: State,
    auth: Authenticated,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let page = auth
        .run(&state, |conn, audit, actor| {
            people::list_known_elsewhere(conn, audit, actor, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(page, MatchResponse::from)))
}
