//! `/api/v1/families/{id}/consents` and `/api/v1/consents/{id}/withdraw`.

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::case::{authorize_family, today};
use crate::handlers::wire::{List, PageQuery};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::episode::ClosureReason;
use earlyhelp_domain::policy::Permission;
use earlyhelp_domain::{ConsentId, EpisodeId, FamilyId, OrganisationId, UserId};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::consents::{self, Consent, NewConsent};
use earlyhelp_persistence::{episodes, families, organisations, users, Error as DbError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordConsent {
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
pub struct WithdrawConsent {
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
            id: row.id,
            family_id: row.family_id,
            given_by_person_id: row.given_by_person_id,
            lead_professional_id: row.lead_professional_id,
            organisation_id: row.organisation_id,
            for_assessment: row.for_assessment,
            share_with_organisation_ids: row.share_with_organisation_ids,
            excluded_organisation_ids: row.excluded_organisation_ids,
            excluded_note: row.excluded_note,
            method: row.method,
            given_on: row.given_on,
            recorded_by: row.recorded_by,
            created_at: row.created_at,
            active: row.withdrawn_at.is_none(),
            withdrawn_at: row.withdrawn_at,
            withdrawn_by: row.withdrawn_by,
            withdrawal_reason: row.withdrawal_reason,
        }
    }
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn list_consents(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let family = FamilyId::from_uuid(id.into_inner());
    let page = query.page()?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let consents = state
        .db(move |conn| {
            authorize_family(conn, &actor, Permission::ReadCase, family)?;
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::new(
                    AuditAction::ListConsents,
                    EntityType::Family,
                    Some(family.into_uuid()),
                    Outcome::Success,
                ),
                |conn| consents::for_family(conn, family, &page),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(consents, ConsentResponse::from)))
}

#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, family.id = %id))]
pub async fn record_consent(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<RecordConsent>,
) -> Result<HttpResponse, ApiError> {
    let family = FamilyId::from_uuid(id.into_inner());
    let body = body.0;
    let mut checks = Checks::default();
    let method = match body.method.as_str() {
        "written" | "verbal" => Some(body.method.clone()),
        _ => {
            checks.fail("method", "must be written or verbal");
            None
        }
    };
    if body.given_on > today() {
        checks.fail("given_on", "cannot be in the future");
    } else if body.given_on.year() < 2000 {
        checks.fail("given_on", "must be a real date this century");
    }
    let note = checks.check(
        "excluded_note",
        optional_text(body.excluded_note.as_deref(), 1000),
    );
    if body
        .share_with_organisation_ids
        .iter()
        .any(|id| body.excluded_organisation_ids.contains(id))
    {
        checks.fail(
            "excluded_organisation_ids",
            "an agency cannot be both shared with and excluded",
        );
    }
    let (method, note) = checks.finish(|| Some((method?, note?)))?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let consent = state
        .db(move |conn| {
            authorize_family(conn, &actor, Permission::WriteCase, family)?;
            let mut checks = Checks::default();
            let members = families::members(conn, &[family.into_uuid()])?;
            if !members.iter().any(|m| m.id == body.given_by_person_id) {
                checks.fail("given_by_person_id", "must be a member of this family");
            }
            let lead = body
                .lead_professional_id
                .unwrap_or(actor.user_id.into_uuid());
            let lead_user = match users::find(conn, UserId::from_uuid(lead)) {
                Ok(user) if user.active => Some(user),
                Ok(_) | Err(DbError::NotFound) => {
                    checks.fail("lead_professional_id", "must be an active user");
                    None
                }
                Err(other) => return Err(other.into()),
            };
            for (field, ids) in [
                (
                    "share_with_organisation_ids",
                    &body.share_with_organisation_ids,
                ),
                ("excluded_organisation_ids", &body.excluded_organisation_ids),
            ] {
                for (index, id) in ids.iter().enumerate() {
                    if matches!(
                        organisations::find(conn, OrganisationId::from_uuid(*id)),
                        Err(DbError::NotFound)
                    ) {
                        checks.fail(&format!("{field}[{index}]"), "no such organisation");
                    }
                }
            }
            let lead_user = checks.finish(|| lead_user)?;
            let organisation = body.organisation_id.unwrap_or(lead_user.organisation_id);
            let new = NewConsent {
                id: ConsentId::generate().into_uuid(),
                family_id: family.into_uuid(),
                given_by_person_id: body.given_by_person_id,
                lead_professional_id: lead,
                organisation_id: organisation,
                for_assessment: body.for_assessment,
                share_with_organisation_ids: body.share_with_organisation_ids,
                excluded_organisation_ids: body.excluded_organisation_ids,
                excluded_note: note,
                method,
                given_on: body.given_on,
                recorded_by: actor.user_id.into_uuid(),
            };
            audit::audited(conn, &context, |conn, trail| {
                let consent = consents::create(conn, &new)?;
                trail.record(AuditEvent::success(
                    AuditAction::RecordConsent,
                    EntityType::Consent,
                    consent.id,
                ));
                let purpose = if consent.for_assessment {
                    "an early help assessment"
                } else {
                    "sharing only"
                };
                chronology::record(
                    conn,
                    &Happening {
                        family,
                        kind: "consent.given",
                        actor: actor.user_id,
                        summary: &format!(
                            "{} consent given for {purpose}",
                            capitalise(&consent.method)
                        ),
                        entity_type: "consent",
                        entity_id: consent.id,
                    },
                )?;
                Ok(consent)
            })
            .map_err(|error| match error {
                DbError::MissingReference { .. } => {
                    ApiError::validation("organisation_id", "no such organisation")
                }
                other => other.into(),
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/families/{}/consents", consent.family_id),
        ))
        .json(ConsentResponse::from(consent)))
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Withdrawing the last consent to assessment stops sharing: the open episode closes with
/// reason "consent withdrawn".
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, consent.id = %id))]
pub async fn withdraw_consent(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<WithdrawConsent>,
) -> Result<HttpResponse, ApiError> {
    let id = ConsentId::from_uuid(id.into_inner());
    let reason = optional_text(body.0.reason.as_deref(), 2000)
        .map_err(|error| ApiError::validation("reason", error))?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let consent = state
        .db(move |conn| {
            let existing = consents::find(conn, id)?;
            let family = FamilyId::from_uuid(existing.family_id);
            authorize_family(conn, &actor, Permission::WriteCase, family)?;
            if existing.withdrawn_at.is_some() {
                return Err(ApiError::Conflict { code: "already_withdrawn", detail: "This consent has already been withdrawn.".into() });
            }
            Ok(audit::audited(conn, &context, |conn, trail| {
                let (consent, _) = consents::withdraw(conn, id, actor.user_id.into_uuid(), reason.clone())?;
                trail.record(AuditEvent::success(AuditAction::WithdrawConsent, EntityType::Consent, consent.id));
                chronology::record(
                    conn,
                    &Happening { family, kind: "consent.withdrawn", actor: actor.user_id, summary: "Consent withdrawn", entity_type: "consent", entity_id: consent.id },
                )?;
                if !consents::has_active_assessment_consent(conn, family)? {
                    if let Some(open) = episodes::open_for_family(conn, family)? {
                        let episode = EpisodeId::from_uuid(open.id);
                        episodes::find_for_update(conn, episode)?;
                        episodes::close(conn, episode, ClosureReason::ConsentWithdrawn.as_str(), None, actor.user_id.into_uuid())?;
                        trail.record(
                            AuditEvent::success(AuditAction::CloseEpisode, EntityType::Episode, episode)
                                .with_detail(serde_json::json!({ "reason": ClosureReason::ConsentWithdrawn.as_str() })),
                        );
                        chronology::record(
                            conn,
                            &Happening { family, kind: "episode.closed", actor: actor.user_id, summary: "Episode closed: consent withdrawn", entity_type: "episode", entity_id: open.id },
                        )?;
                    }
                }
                Ok(consent)
            })?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ConsentResponse::from(consent)))
}
