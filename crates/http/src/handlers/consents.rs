//! `/api/v1/families/{id}/consents` and `/api/v1/consents/{id}/withdraw`. The steps
//! themselves are in [`earlyhelp_workflows::consents`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{IdPath, List, PageQuery};
use crate::idempotency::{idempotency_key, IdempotencyKeyHeader};
use crate::json::{full_date, ApiJson};
use crate::openapi::case::{ConsentDate, ConsentMethod, OptionalText1000, OptionalText2000};
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable,
    Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::{ConsentId, FamilyId, OrganisationId, UserId};
use earlyhelp_persistence::consents::Consent;
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::consents::{self, ListConsents, RecordConsent, WithdrawConsent};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RecordConsent)]
pub struct RecordConsentRequest {
    /// A member of this family.
    given_by_person_id: Uuid,
    /// An active user; `null` or absent is the actor.
    lead_professional_id: Option<Uuid>,
    /// An existing organisation; `null` or absent is the lead professional's.
    organisation_id: Option<Uuid>,
    /// `true`: consent to an early help assessment; `false`: to sharing information only.
    for_assessment: bool,
    /// Existing organisations the family agrees may see the assessment.
    #[serde(default)]
    share_with_organisation_ids: Vec<Uuid>,
    /// Existing organisations the family does not want to see the assessment; none may also be
    /// in `share_with_organisation_ids`.
    #[serde(default)]
    excluded_organisation_ids: Vec<Uuid>,
    /// Why agencies are excluded.
    #[schema(value_type = Option<OptionalText1000>)]
    excluded_note: Option<String>,
    #[schema(value_type = ConsentMethod)]
    method: String,
    /// The day the consent was given: in 2000 or later, and not in the future.
    #[serde(deserialize_with = "full_date::required")]
    #[schema(value_type = ConsentDate)]
    given_on: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WithdrawConsent)]
pub struct WithdrawConsentRequest {
    /// Why, if the family said.
    #[schema(value_type = Option<OptionalText2000>)]
    reason: Option<String>,
}

/// A family member's consent to an early help assessment, or to sharing only.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Consent)]
pub struct ConsentResponse {
    id: Uuid,
    family_id: Uuid,
    /// The family member who gave it.
    given_by_person_id: Uuid,
    lead_professional_id: Uuid,
    /// The organisation the consent was given to.
    organisation_id: Uuid,
    /// `true`: consent to an early help assessment; `false`: to sharing information only.
    for_assessment: bool,
    /// The agencies the family agreed may see the assessment.
    share_with_organisation_ids: Vec<Uuid>,
    /// The agencies the family does not want to see the assessment.
    excluded_organisation_ids: Vec<Uuid>,
    #[schema(required)]
    excluded_note: Option<String>,
    #[schema(value_type = ConsentMethod)]
    method: String,
    given_on: NaiveDate,
    recorded_by: Uuid,
    created_at: DateTime<Utc>,
    /// `false` once withdrawn.
    active: bool,
    #[schema(required)]
    withdrawn_at: Option<DateTime<Utc>>,
    #[schema(required)]
    withdrawn_by: Option<Uuid>,
    #[schema(required)]
    withdrawal_reason: Option<String>,
}

impl From<Consent> for ConsentResponse {
    fn from(row: Consent) -> Self {
        Self {
            id: row.id.into(),
            family_id: row.family_id.into(),
            given_by_person_id: row.given_by_person_id.into(),
            lead_professional_id: row.lead_professional_id.into(),
            organisation_id: row.organisation_id.into(),
            for_assessment: row.for_assessment,
            share_with_organisation_ids: row
                .share_with_organisation_ids
                .into_iter()
                .map(Uuid::from)
                .collect(),
            excluded_organisation_ids: row
                .excluded_organisation_ids
                .into_iter()
                .map(Uuid::from)
                .collect(),
            excluded_note: row.excluded_note,
            method: row.method,
            given_on: row.given_on,
            recorded_by: row.recorded_by.into(),
            created_at: row.created_at,
            active: row.withdrawn_at.is_none(),
            withdrawn_at: row.withdrawn_at,
            withdrawn_by: row.withdrawn_by.map(Uuid::from),
            withdrawal_reason: row.withdrawal_reason,
        }
    }
}

/// List a family's consents
///
/// Every consent recorded for the family, withdrawn ones included, in the order recorded.
#[utoipa::path(
    get,
    path = "/api/v1/families/{id}/consents",
    tag = "consents",
    params(IdPath, PageQuery),
    responses(
        (
            status = 200,
            description = "A page of the family's consents.",
            body = List<ConsentResponse>,
        ),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn list_consents(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let command = ListConsents {
        family: id.into_inner(),
        page: query.page()?,
    };
    let consents = auth
        .run(&state, |conn, audit, actor| {
            consents::list(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(consents, ConsentResponse::from)))
}

impl RecordConsentRequest {
    fn into_command(self, family: FamilyId) -> Result<RecordConsent, ApiError> {
        let mut checks = Checks::default();
        let method = match self.method.as_str() {
            "written" | "verbal" => Some(self.method.clone()),
            _ => {
                checks.fail("method", "must be written or verbal");
                None
            }
        };
        if self.given_on > today() {
            checks.fail("given_on", "cannot be in the future");
        } else if self.given_on.year() < 2000 {
            checks.fail("given_on", "must be a real date this century");
        }
        let note = checks.check(
            "excluded_note",
            optional_text(self.excluded_note.as_deref(), 1000),
        );
        if self
            .share_with_organisation_ids
            .iter()
            .any(|id| self.excluded_organisation_ids.contains(id))
        {
            checks.fail(
                "excluded_organisation_ids",
                "an agency cannot be both shared with and excluded",
            );
        }
        let (method, excluded_note) = checks.finish(|| Some((method?, note?)))?;
        Ok(RecordConsent {
            family,
            given_by: self.given_by_person_id.into(),
            lead_professional: self.lead_professional_id.map(UserId::from),
            organisation: self.organisation_id.map(OrganisationId::from),
            for_assessment: self.for_assessment,
            share_with_organisation_ids: self
                .share_with_organisation_ids
                .into_iter()
                .map(OrganisationId::from)
                .collect(),
            excluded_organisation_ids: self
                .excluded_organisation_ids
                .into_iter()
                .map(OrganisationId::from)
                .collect(),
            excluded_note,
            method,
            given_on: self.given_on,
            idempotency: None,
        })
    }
}

/// Record a consent
///
/// Records a family member's consent: to an early help assessment (`for_assessment`), which an
/// episode needs before it opens and a form before it is submitted, or to sharing only; with
/// the agencies it may be shared with and those the family does not want involved. The lead
/// professional defaults to the actor and the organisation to the lead professional's.
/// `given_by_person_id` must be a member of this family; the lead professional an active user;
/// every listed organisation must exist (422).
///
/// Send an `Idempotency-Key` to make retries safe: a repeated request with the same key
/// answers with the consent the first one recorded.
#[utoipa::path(
    post,
    path = "/api/v1/families/{id}/consents",
    tag = "consents",
    params(IdPath, IdempotencyKeyHeader),
    request_body = RecordConsentRequest,
    responses(
        (
            status = 201,
            description = "Recorded (or, for a repeated `Idempotency-Key`, the consent the \
                first request recorded). `Location` is the family's consent list.",
            body = ConsentResponse,
            headers(("Location" = String, description = "The path of the created record.")),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn record_consent(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    body: ApiJson<RecordConsentRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let family = id.into_inner();
    let mut command = body.0.into_command(family)?;
    command.idempotency =
        idempotency_key(&req, &format!("POST /api/v1/families/{family}/consents"))?;
    let consent = auth
        .run(&state, |conn, audit, actor| {
            consents::record(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/families/{}/consents", consent.family_id),
        ))
        .json(ConsentResponse::from(consent)))
}

/// Withdraw a consent
///
/// Records that the family withdrew this consent (409 `already_withdrawn` if it was). When no
/// consent to assessment remains, sharing stops: the family's open episode closes at once with
/// reason `consent_withdrawn`. The body may be `{}`.
#[utoipa::path(
    post,
    path = "/api/v1/consents/{id}/withdraw",
    tag = "consents",
    params(IdPath),
    request_body = WithdrawConsentRequest,
    responses(
        (status = 200, description = "The withdrawn consent.", body = ConsentResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (
            status = 409,
            description = "The consent has already been withdrawn (`already_withdrawn`).",
            content_type = "application/problem+json",
            body = crate::openapi::responses::Problem,
        ),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, consent.id = %id))]
pub async fn withdraw_consent(
    state: State,
    auth: Authenticated,
    id: Path<ConsentId>,
    body: ApiJson<WithdrawConsentRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = WithdrawConsent {
        consent: id.into_inner(),
        reason: optional_text(body.0.reason.as_deref(), 2000)
            .map_err(|error| ApiError::validation("reason", error))?,
    };
    let consent = auth
        .run(&state, |conn, audit, actor| {
            consents::withdraw(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ConsentResponse::from(consent)))
}
