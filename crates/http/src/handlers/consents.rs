//! `/api/v1/families/{id}/consents` and `/api/v1/consents/{id}/withdraw`. The steps
//! themselves are in [`earlyhelp_workflows::consents`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::wire::{List, PageQuery};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::{ConsentId, FamilyId, OrganisationId, UserId};
use earlyhelp_persistence::consents::Consent;
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::consents::{self, ListConsents, RecordConsent, WithdrawConsent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordConsentRequest {
    given_by_person_id: Uuid,
    /// Defaults to the professional recording it.
    lead_professional_id: Option<Uuid>,
    /// Defaults to the lead professional's organisation.
    organisation_id: Option<Uuid>,
    for_assessment: bool,
    #[serde(default)]
    share_with_organisation_ids: Vec<Uuid>,
    /// Agencies the family does not want to see the assessment.
    #[serde(default)]
    excluded_organisation_ids: Vec<Uuid>,
    excluded_note: Option<String>,
    method: String,
    given_on: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawConsentRequest {
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ConsentResponse {
    id: Uuid,
    family_id: Uuid,
    given_by_person_id: Uuid,
    lead_professional_id: Uuid,
    organisation_id: Uuid,
    for_assessment: bool,
    share_with_organisation_ids: Vec<Uuid>,
    excluded_organisation_ids: Vec<Uuid>,
    excluded_note: Option<String>,
    method: String,
    given_on: NaiveDate,
    recorded_by: Uuid,
    created_at: DateTime<Utc>,
    active: bool,
    withdrawn_at: Option<DateTime<Utc>>,
    withdrawn_by: Option<Uuid>,
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
        })
    }
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn record_consent(
    state: State,
    auth: Authenticated,
    id: Path<FamilyId>,
    body: ApiJson<RecordConsentRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.0.into_command(id.into_inner())?;
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

/// Withdrawing the last consent to assessment stops sharing: the open episode closes with
/// reason "consent withdrawn".
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
