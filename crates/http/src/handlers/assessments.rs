//! `/api/v1/form-templates`, `/api/v1/episodes/{id}/assessments` and `/api/v1/assessments/...`:
//! Strengths and Needs forms from draft to submission.
//!
//! Drafts use optimistic concurrency: every response carries an `ETag` of the form's version
//! and every change must send it back in `If-Match`; a stale write gets 412 and changes nothing.
//! Submission honours `Idempotency-Key`: a retried submit returns the first answer and creates
//! nothing twice.

use crate::actor::Authenticated;
use crate::error::{ApiError, FieldError};
use crate::handlers::case::{apply_transition, authorize_family, today};
use crate::handlers::wire::{List, PageQuery};
use crate::json::ApiJson;
use crate::state::State;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use earlyhelp_domain::assessment::{self, AssessmentEvent, AssessmentState};
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::episode::{self as episode_rules, EpisodeEvent, EpisodeState};
use earlyhelp_domain::forms::{FieldProblem, Strictness, TemplateDefinition, SNF_TEMPLATE_NAME};
use earlyhelp_domain::policy::{Actor, Permission};
use earlyhelp_domain::{AssessmentId, EpisodeId, FamilyId, LocalityId, RevisionId, TemplateId};
use earlyhelp_persistence::assessments::{self, Assessment, Revision};
use earlyhelp_persistence::audit::{self, AuditEvent};
use earlyhelp_persistence::chronology::{self, Happening};
use earlyhelp_persistence::templates::{self, FormTemplate};
use earlyhelp_persistence::{
    consents, episodes, idempotency, reviews, Error as DbError, PgConnection,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartAssessment {
    #[serde(default)]
    content: Option<Value>,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchAssessment {
    /// A JSON merge patch (RFC 7396) of the content: fields sent replace, `null` removes.
    content: Value,
}
#[derive(Debug, Serialize)]
struct TemplateRef {
    id: Uuid,
    name: String,
    version: i32,
}
#[derive(Debug, Serialize)]
pub struct AssessmentResponse {
    id: Uuid,
    episode_id: Uuid,
    family_id: Uuid,
    template: TemplateRef,
    state: String,
    content: Value,
    version: i32,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
}
#[derive(Debug, Serialize)]
pub struct RevisionResponse {
    id: Uuid,
    number: i32,
    template_id: Uuid,
    content: Value,
    submitted_by: Uuid,
    submitted_at: DateTime<Utc>,
    review: Option<Value>,
}
fn assessment_response(
    conn: &mut PgConnection,
    row: Assessment,
) -> Result<AssessmentResponse, DbError> {
    let template = templates::find(conn, TemplateId::from_uuid(row.template_id))?;
    let episode = episodes::find(conn, EpisodeId::from_uuid(row.episode_id))?;
    Ok(AssessmentResponse {
        id: row.id,
        episode_id: row.episode_id,
        family_id: episode.family_id,
        template: TemplateRef {
            id: template.id,
            name: template.name,
            version: template.version,
        },
        state: row.state,
        content: row.content,
        version: row.version,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        completed_at: row.completed_at,
    })
}
fn etag(version: i32) -> String {
    format!("\"{version}\"")
}
fn with_etag(mut response: HttpResponse, version: i32) -> HttpResponse {
    if let Ok(value) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}
pub(crate) fn problems(list: Vec<FieldProblem>, prefix: &str) -> ApiError {
    ApiError::Validation(
        list.into_iter()
            .map(|p| {
                FieldError::new(
                    if p.path.is_empty() {
                        prefix.to_owned()
                    } else {
                        format!("{prefix}.{}", p.path)
                    },
                    p.message,
                )
            })
            .collect(),
    )
}
fn definition_of(template: &FormTemplate) -> Result<TemplateDefinition, ApiError> {
    serde_json::from_value(template.definition.clone()).map_err(|error| {
        ApiError::Internal(anyhow::anyhow!(
            "stored template {} unreadable: {error}",
            template.id
        ))
    })
}
fn rule(state: &str, event: AssessmentEvent) -> Result<AssessmentState, ApiError> {
    let current = AssessmentState::parse(state)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("unknown assessment state {state}")))?;
    assessment::transition(current, event).map_err(|error| ApiError::Conflict {
        code: "assessment_state",
        detail: format!("{error}."),
    })
}
/// The form's episode and family, with the policy's answer for the actor.
fn authorised(
    conn: &mut PgConnection,
    actor: &Actor,
    permission: Permission,
    id: AssessmentId,
) -> Result<(Assessment, episodes::Episode), ApiError> {
    let assessment = assessments::find(conn, id)?;
    let episode = episodes::find(conn, EpisodeId::from_uuid(assessment.episode_id))?;
    authorize_family(
        conn,
        actor,
        permission,
        FamilyId::from_uuid(episode.family_id),
    )?;
    Ok((assessment, episode))
}
/// Only the lead professional writes and submits the form: it is completed with the family.
fn require_lead(actor: &Actor, episode: &episodes::Episode) -> Result<(), ApiError> {
    if episode.lead_professional_id == actor.user_id.into_uuid() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, episode.id = %id))]
pub async fn start_assessment(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<StartAssessment>,
) -> Result<HttpResponse, ApiError> {
    let episode_id = EpisodeId::from_uuid(id.into_inner());
    let content = body.0.content.unwrap_or_else(|| json!({}));
    let context = auth.audit_context();
    let actor = auth.actor;
    let response = state
        .db(move |conn| {
            let episode = episodes::find(conn, episode_id)?;
            let family = FamilyId::from_uuid(episode.family_id);
            authorize_family(conn, &actor, Permission::WriteCase, family)?;
            require_lead(&actor, &episode)?;
            let open = EpisodeState::parse(&episode.state).unwrap_or(EpisodeState::Closed);
            episode_rules::transition(open, EpisodeEvent::StartAssessment).map_err(|_| {
                ApiError::Conflict {
                    code: "episode_closed",
                    detail: "The episode is closed.".into(),
                }
            })?;
            if assessments::active_for_episode(conn, episode_id)?.is_some() {
                return Err(ApiError::Conflict {
                    code: "assessment_in_progress",
                    detail: "This episode already has a Strengths and Needs form in progress."
                        .into(),
                });
            }
            let template = templates::latest(conn, SNF_TEMPLATE_NAME)?.ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("no published Strengths and Needs template"))
            })?;
            let problems_found = definition_of(&template)?.validate(&content, Strictness::Draft);
            if !problems_found.is_empty() {
                return Err(problems(problems_found, "content"));
            }
            let created = audit::audited(conn, &context, |conn, trail| {
                let created = assessments::create(
                    conn,
                    episode_id,
                    template.id,
                    &content,
                    actor.user_id.into_uuid(),
                )?;
                trail.record(AuditEvent::success(
                    AuditAction::StartAssessment,
                    EntityType::Assessment,
                    created.id,
                ));
                chronology::record(
                    conn,
                    &Happening {
                        family,
                        kind: "assessment.started",
                        actor: actor.user_id,
                        summary: &format!(
                            "Strengths and Needs form started (template v{})",
                            template.version
                        ),
                        entity_type: "assessment",
                        entity_id: created.id,
                    },
                )?;
                Ok(created)
            })?;
            Ok(assessment_response(conn, created)?)
        })
        .await?;
    let version = response.version;
    let created = HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/assessments/{}", response.id),
        ))
        .json(response);
    Ok(with_etag(created, version))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, assessment.id = %id))]
pub async fn get_assessment(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = AssessmentId::from_uuid(id.into_inner());
    let context = auth.audit_context();
    let actor = auth.actor;
    let response = state
        .db(move |conn| {
            let (assessment, _) = authorised(conn, &actor, Permission::ReadCase, id)?;
            Ok(audit::with_entry(
                conn,
                &context,
                AuditEvent::success(AuditAction::ReadAssessment, EntityType::Assessment, id),
                |conn| assessment_response(conn, assessment),
            )?)
        })
        .await?;
    let version = response.version;
    Ok(with_etag(HttpResponse::Ok().json(response), version))
}
/// Parses `If-Match: "7"` into the version it names.
fn expected_version(req: &HttpRequest) -> Result<i32, ApiError> {
    let raw = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or_else(|| ApiError::PreconditionRequired { detail: "Send the form's ETag in If-Match, so a change made elsewhere since you loaded it is not overwritten.".into() })?;
    raw.to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i32>().ok())
        .ok_or_else(|| ApiError::PreconditionFailed {
            detail: "If-Match does not name a version of this form; reload it and try again."
                .into(),
        })
}
/// RFC 7396: objects merge recursively, `null` removes, anything else replaces.
fn merge_patch(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(target), Some(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        _ => {
            *target = if let Some(patch) = patch.as_object() {
                let mut fresh = Value::Object(Default::default());
                merge_patch(&mut fresh, &Value::Object(patch.clone()));
                fresh
            } else {
                patch.clone()
            };
        }
    }
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, assessment.id = %id))]
pub async fn update_assessment(
    state: State,
    auth: Authenticated,
    req: HttpRequest,
    id: Path<Uuid>,
    body: ApiJson<PatchAssessment>,
) -> Result<HttpResponse, ApiError> {
    let id = AssessmentId::from_uuid(id.into_inner());
    // Checked after authorisation, so an actor who may not see the form learns nothing.
    let expected = expected_version(&req);
    let patch = body.0.content;
    if !patch.is_object() {
        return Err(ApiError::validation(
            "content",
            "must be an object of sections",
        ));
    }
    let context = auth.audit_context();
    let actor = auth.actor;
    let response = state
        .db(move |conn| {
            let (assessment, episode) = authorised(conn, &actor, Permission::WriteCase, id)?;
            require_lead(&actor, &episode)?;
            let expected = expected?;
            rule(&assessment.state, AssessmentEvent::Edit)?;
            if assessment.version != expected {
                return Err(stale(assessment.version));
            }
            let mut content = assessment.content.clone();
            merge_patch(&mut content, &patch);
            let template = templates::find(conn, TemplateId::from_uuid(assessment.template_id))?;
            let found = definition_of(&template)?.validate(&content, Strictness::Draft);
            if !found.is_empty() {
                return Err(problems(found, "content"));
            }
            let saved = apply_transition(conn, &context, |conn, trail| {
                // The version check is in the UPDATE itself: a save that lost the race since
                // our read updates nothing and is refused with the version that won.
                match assessments::save_content(conn, id, expected, &content)? {
                    Some(saved) => {
                        trail.record(AuditEvent::success(
                            AuditAction::UpdateAssessment,
                            EntityType::Assessment,
                            id,
                        ));
                        Ok(Ok(saved))
                    }
                    None => Ok(Err(stale(assessments::find(conn, id)?.version))),
                }
            })?;
            Ok(assessment_response(conn, saved)?)
        })
        .await?;
    let version = response.version;
    Ok(with_etag(HttpResponse::Ok().json(response), version))
}
fn stale(current: i32) -> ApiError {
    ApiError::PreconditionFailed {
        detail: format!("The form was changed since you loaded it (now version {current}); reload it, reapply your change and save again. Nothing was saved."),
    }
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, assessment.id = %id))]
pub async fn submit_assessment(
    state: State,
    auth: Authenticated,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = AssessmentId::from_uuid(id.into_inner());
    let key = match req.headers().get("idempotency-key") {
        Some(value) => {
            let key = value.to_str().ok().map(str::trim).filter(|k| {
                !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic())
            });
            Some(
                key.ok_or_else(|| {
                    ApiError::validation(
                        "Idempotency-Key",
                        "must be 1 to 200 visible ASCII characters",
                    )
                })?
                .to_owned(),
            )
        }
        None => None,
    };
    let request_hash: Vec<u8> =
        Sha256::digest(format!("POST /api/v1/assessments/{id}/submit").as_bytes()).to_vec();
    let calendar = state.calendar.clone();
    let working_days = state.review_working_days;
    let context = auth.audit_context();
    let actor = auth.actor;
    let (status, body) = state
        .db(move |conn| {
            let (_, episode) = authorised(conn, &actor, Permission::WriteCase, id)?;
            require_lead(&actor, &episode)?;
            let (_, status, body) = apply_transition(conn, &context, |conn, trail| {
                // Lock first: a concurrent retry with the same key waits here, then replays.
                let assessment = assessments::find_for_update(conn, id)?;
                if let Some(key) = &key {
                    if let Some(stored) = idempotency::find(conn, actor.user_id, key)? {
                        if stored.request_hash != request_hash {
                            return Ok(Err(ApiError::Rule {
                                code: "idempotency_key_reused",
                                detail: "This Idempotency-Key was used for a different request.".into(),
                            }));
                        }
                        trail.record(AuditEvent::new(AuditAction::SubmitAssessment, EntityType::Assessment, Some(id.into_uuid()), Outcome::Success).with_detail(json!({ "replayed": true })));
                        return Ok(Ok((stored.request_hash, stored.status, stored.response)));
                    }
                }
                if let Err(error) = rule(&assessment.state, AssessmentEvent::Submit) {
                    return Ok(Err(error));
                }
                let episode = episodes::find_for_update(conn, EpisodeId::from_uuid(assessment.episode_id))?;
                if episode.state != "open" {
                    return Ok(Err(ApiError::Conflict { code: "episode_closed", detail: "The episode is closed.".into() }));
                }
                let family = FamilyId::from_uuid(episode.family_id);
                if let Err(missing) = episode_rules::require_assessment_consent(consents::has_active_assessment_consent(conn, family)?) {
                    return Ok(Err(ApiError::Rule { code: "consent_required", detail: format!("The {}.", missing.to_string().trim_start_matches("the ")) }));
                }
                let template = templates::find(conn, TemplateId::from_uuid(assessment.template_id))?;
                let definition = match definition_of(&template) {
                    Ok(definition) => definition,
                    Err(error) => return Ok(Err(error)),
                };
                let found = definition.validate(&assessment.content, Strictness::Submit);
                if !found.is_empty() {
                    return Ok(Err(problems(found, "content")));
                }
                let revision = assessments::freeze_revision(conn, &assessment, actor.user_id.into_uuid())?;
                let received = today();
                let due = calendar.add_working_days(received, working_days);
                let review = reviews::create(conn, RevisionId::from_uuid(revision.id), assessment.id, episode.locality_id, received, due)?;
                let submitted = assessments::set_state(conn, id, AssessmentState::Submitted.as_str())?;
                trail.record(AuditEvent::success(AuditAction::SubmitAssessment, EntityType::Assessment, id).with_detail(json!({ "revision": revision.number })));
                chronology::record(
                    conn,
                    &Happening { family, kind: "assessment.submitted", actor: actor.user_id, summary: &format!("Strengths and Needs form submitted to LCSS (revision {})", revision.number), entity_type: "assessment", entity_id: id.into_uuid() },
                )?;
                let body = json!({
                    "assessment": assessment_response(conn, submitted)?,
                    "revision": { "id": revision.id, "number": revision.number, "submitted_at": revision.submitted_at },
                    "review": { "id": review.id, "state": review.state, "received_on": review.received_on, "due_on": review.due_on },
                });
                if let Some(key) = &key {
                    idempotency::store(conn, actor.user_id, key, &request_hash, 200, &body)?;
                }
                tracing::info!(review.id = %review.id, locality.id = %LocalityId::from_uuid(review.locality_id), "assessment submitted");
                Ok(Ok((request_hash.clone(), 200, body)))
            })?;
            Ok((status, body))
        })
        .await?;
    let status = actix_web::http::StatusCode::from_u16(u16::try_from(status).unwrap_or(200))
        .unwrap_or(actix_web::http::StatusCode::OK);
    let version = body["assessment"]["version"]
        .as_i64()
        .and_then(|v| i32::try_from(v).ok())
        .unwrap_or_default();
    Ok(with_etag(HttpResponse::build(status).json(body), version))
}
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, assessment.id = %id))]
pub async fn list_revisions(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = AssessmentId::from_uuid(id.into_inner());
    let page = query.page()?;
    let context = auth.audit_context();
    let actor = auth.actor;
    let revisions = state
        .db(move |conn| {
            authorised(conn, &actor, Permission::ReadCase, id)?;
            Ok(audit::audited(conn, &context, |conn, trail| {
                trail.record(AuditEvent::success(
                    AuditAction::ListRevisions,
                    EntityType::Assessment,
                    id,
                ));
                let page = assessments::revisions(conn, id, &page)?;
                let items = page
                    .items
                    .into_iter()
                    .map(|revision| revision_response(conn, revision))
                    .collect::<Result<Vec<_>, DbError>>()?;
                Ok(earlyhelp_persistence::pagination::Page {
                    items,
                    next: page.next,
                })
            })?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(revisions, |revision| revision)))
}
fn revision_response(
    conn: &mut PgConnection,
    revision: Revision,
) -> Result<RevisionResponse, DbError> {
    let review = reviews::for_revision(conn, RevisionId::from_uuid(revision.id))?.map(|review| {
        json!({
            "id": review.id, "state": review.state, "reviewer_id": review.reviewer_id, "due_on": review.due_on,
            "decision": review.decision, "ratings": review.ratings, "feedback": review.feedback, "decided_at": review.decided_at,
        })
    });
    Ok(RevisionResponse {
        id: revision.id,
        number: revision.number,
        template_id: revision.template_id,
        content: revision.content,
        submitted_by: revision.submitted_by,
        submitted_at: revision.submitted_at,
        review,
    })
}
#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn a_merge_patch_replaces_merges_and_removes() {
        let mut target = json!({ "a": { "x": 1, "y": 2 }, "b": "keep" });
        merge_patch(
            &mut target,
            &json!({ "a": { "x": null, "z": 3 }, "c": [1] }),
        );
        assert_eq!(
            target,
            json!({ "a": { "y": 2, "z": 3 }, "b": "keep", "c": [1] })
        );
    }
}
