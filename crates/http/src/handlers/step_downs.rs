//! `/api/v1/step-downs/...`: families stepped down from Children's Social Care to early help,
//! their allocation to a receiving lead professional and that lead's answer. The steps are in
//! [`earlyhelp_workflows::step_downs`].

use crate::actor::Authenticated;
use crate::error::{ApiError, Checks};
use crate::handlers::episodes::required_text;
use crate::handlers::families::CreateFamilyRequest;
use crate::handlers::people::KnownElsewhereResponse;
use crate::handlers::wire::{page_request, IdPath, List};
use crate::idempotency::{idempotency_key, IdempotencyKeyHeader};
use crate::json::{full_date, ApiJson};
use crate::openapi::case::{
    AllocationAnswer as AllocationAnswerSchema, ConsentDate, ConsentMethod, RequiredText4000,
    StepDownSource as StepDownSourceSchema, StepDownState as StepDownStateSchema,
    ThresholdLevel as ThresholdLevelSchema,
};
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PossibleDuplicate,
    ServiceUnavailable, Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};
use crate::state::State;
use actix_web::http::header;
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use earlyhelp_domain::step_down::{StepDownSource, StepDownState};
use earlyhelp_domain::FamilyId;
use earlyhelp_persistence::step_downs::Allocation;
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::step_downs::{
    self, ConsentGiver, ListStepDowns, RecordStepDown, RecordedStepDown, StepDownRecord,
    SteppedDownFamily,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The family's consent to the step-down, as social care recorded it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StepDownConsent)]
pub struct ConsentResponse {
    /// The family member who consented.
    given_by_person_id: Uuid,
    #[schema(value_type = ConsentMethod)]
    method: String,
    given_on: NaiveDate,
}

/// One allocation of the step-down to a receiving lead professional, and their answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StepDownAllocation)]
pub struct AllocationResponse {
    id: Uuid,
    lead_professional_id: Uuid,
    allocated_by: Uuid,
    allocated_at: DateTime<Utc>,
    /// `null` while the lead has not answered.
    #[schema(required, value_type = Option<AllocationAnswerSchema>)]
    answer: Option<&'static str>,
    #[schema(required)]
    answered_at: Option<DateTime<Utc>>,
    /// Why the lead declined.
    #[schema(required)]
    decline_reason: Option<String>,
}

impl From<Allocation> for AllocationResponse {
    fn from(row: Allocation) -> Self {
        Self {
            id: row.id,
            lead_professional_id: row.lead_id.into(),
            allocated_by: row.allocated_by.into(),
            allocated_at: row.allocated_at,
            answer: row.answer.map(|answer| answer.as_str()),
            answered_at: row.answered_at,
            decline_reason: row.decline_reason,
        }
    }
}

/// A family stepped down from Children's Social Care to early help.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StepDown)]
pub struct StepDownResponse {
    id: Uuid,
    family_id: Uuid,
    family_reference: String,
    /// The receiving locality: the family's.
    locality_id: Uuid,
    #[schema(value_type = StepDownSourceSchema)]
    source: &'static str,
    /// The census reason for closure of the social care case: `RC9` ("Case closed after
    /// assessment, referred to early help") for a `case_closure`, `null` for a `mash_contact`.
    #[schema(required, example = "RC9")]
    csc_closure_reason: Option<&'static str>,
    #[schema(value_type = StepDownStateSchema)]
    state: &'static str,
    /// Why early help is needed now.
    reason: String,
    /// The family's needs, as social care knows them.
    needs_summary: String,
    /// The Threshold of Needs level early help is to work at: 2 or 3.
    #[schema(value_type = ThresholdLevelSchema)]
    threshold_level: i16,
    /// The organisation social care suggests should lead.
    #[schema(required)]
    suggested_organisation_id: Option<Uuid>,
    /// By when the Strengths and Needs form should be submitted.
    snf_due_on: NaiveDate,
    /// Past `snf_due_on` with no accepted lead, or accepted with no form submitted.
    overdue: bool,
    consent: ConsentResponse,
    recorded_by: Uuid,
    recorded_at: DateTime<Utc>,
    /// The lead professional it is allocated to, while they have not answered.
    #[schema(required)]
    allocated_to: Option<Uuid>,
    /// The episode the accepting lead opened.
    #[schema(required)]
    episode_id: Option<Uuid>,
    #[schema(required)]
    accepted_at: Option<DateTime<Utc>>,
    /// Every allocation, oldest first.
    allocations: Vec<AllocationResponse>,
}

impl From<StepDownRecord> for StepDownResponse {
    fn from(record: StepDownRecord) -> Self {
        let row = record.step_down;
        Self {
            id: row.id,
            family_id: row.family_id.into(),
            family_reference: record.family_reference,
            locality_id: row.locality_id.into(),
            source: row.source.as_str(),
            csc_closure_reason: row
                .source
                .csc_closure_reason()
                .map(|reason| reason.as_str()),
            state: row.state.as_str(),
            reason: row.reason,
            needs_summary: row.needs_summary,
            threshold_level: row.threshold_level,
            suggested_organisation_id: row.suggested_organisation_id.map(Uuid::from),
            snf_due_on: row.snf_due_on,
            overdue: record.overdue,
            consent: ConsentResponse {
                given_by_person_id: row.consent_given_by.into(),
                method: row.consent_method,
                given_on: row.consent_given_on,
            },
            recorded_by: row.recorded_by.into(),
            recorded_at: row.recorded_at,
            allocated_to: row.allocated_to.map(Uuid::from),
            episode_id: row.episode_id.map(Uuid::from),
            accepted_at: row.accepted_at,
            allocations: record.allocations.into_iter().map(Into::into).collect(),
        }
    }
}

/// A step-down as recorded, with the notice for each new member who may already be known
/// where social care cannot see.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RecordedStepDown)]
pub struct RecordedStepDownResponse {
    #[serde(flatten)]
    step_down: StepDownResponse,
    /// Empty unless a new member matches someone recorded where social care cannot see.
    known_elsewhere: Vec<KnownElsewhereResponse>,
}

impl From<RecordedStepDown> for RecordedStepDownResponse {
    fn from(recorded: RecordedStepDown) -> Self {
        Self {
            step_down: recorded.record.into(),
            known_elsewhere: recorded
                .known_elsewhere
                .into_iter()
                .map(Into::into)
                .collect(),
        }
    }
}

/// The family's consent to the step-down. Name who gave it by `given_by_person_id` for an
/// existing family, or by `given_by_member` for a new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StepDownConsentInput)]
pub struct ConsentRequest {
    /// A member of the existing family (`family_id`).
    given_by_person_id: Option<Uuid>,
    /// The index (from 0) of a member in `family.members`, for a new family.
    #[schema(minimum = 0, maximum = 19)]
    given_by_member: Option<usize>,
    #[schema(value_type = ConsentMethod)]
    method: String,
    /// The day the family consented: not in the future.
    #[serde(deserialize_with = "full_date::required")]
    #[schema(value_type = ConsentDate)]
    given_on: NaiveDate,
}

/// A family to step down: an existing one (`family_id`) or a new one (`family`), never both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RecordStepDown)]
pub struct RecordStepDownRequest {
    #[schema(value_type = StepDownSourceSchema)]
    source: String,
    /// A family social care can see: one it stepped up or down before.
    family_id: Option<Uuid>,
    /// A family not yet recorded, as `POST /api/v1/families` takes it: its members go through
    /// the same duplicate check (409 `possible_duplicate` with the candidates social care may
    /// see; `known_elsewhere` for the rest). Its `locality_id`, if given, must be the
    /// step-down's.
    family: Option<CreateFamilyRequest>,
    /// The receiving locality: the family's.
    locality_id: Uuid,
    /// Why early help is needed now.
    #[schema(value_type = RequiredText4000)]
    reason: String,
    /// The family's needs, as social care knows them.
    #[schema(value_type = RequiredText4000)]
    needs_summary: String,
    /// The level early help is to work at: 2 or 3.
    #[schema(value_type = ThresholdLevelSchema)]
    threshold_level: i64,
    /// The organisation social care suggests should lead.
    suggested_organisation_id: Option<Uuid>,
    /// By when the Strengths and Needs form should be submitted: today or later.
    #[serde(deserialize_with = "full_date::required")]
    #[schema(value_type = String, format = Date)]
    snf_due_on: NaiveDate,
    consent: ConsentRequest,
}

impl RecordStepDownRequest {
    fn into_command(
        self,
        idempotency: Option<earlyhelp_workflows::step::IdempotencyKey>,
    ) -> Result<RecordStepDown, ApiError> {
        let mut checks = Checks::default();
        let source = checks.check(
            "source",
            self.source
                .parse::<StepDownSource>()
                .map_err(|_| "must be case_closure or mash_contact"),
        );
        let reason = checks.check("reason", required_text(&self.reason, 4000));
        let needs_summary = checks.check("needs_summary", required_text(&self.needs_summary, 4000));
        let level = match self.threshold_level {
            2 | 3 => i16::try_from(self.threshold_level).ok(),
            _ => {
                checks.fail(
                    "threshold_level",
                    "must be 2 (vulnerable) or 3 (complex): early help works below the statutory level",
                );
                None
            }
        };
        let today = today();
        if self.snf_due_on < today {
            checks.fail("snf_due_on", "must be today or later");
        }
        if self.consent.given_on > today {
            checks.fail("consent.given_on", "must not be in the future");
        }
        let method = match self.consent.method.as_str() {
            "written" | "verbal" => Some(self.consent.method.clone()),
            _ => {
                checks.fail("consent.method", "must be written or verbal");
                None
            }
        };
        let giver = match (
            self.consent.given_by_person_id,
            self.consent.given_by_member,
        ) {
            (Some(person), None) => Some(ConsentGiver::Person(person.into())),
            (None, Some(index)) => Some(ConsentGiver::Member(index)),
            _ => {
                checks.fail(
                    "consent",
                    "name who consented by given_by_person_id (an existing family) or \
                     given_by_member (a new family), one of them",
                );
                None
            }
        };
        let family = match (self.family_id, self.family) {
            (Some(id), None) => Some(SteppedDownFamily::Existing(FamilyId::from(id))),
            (None, Some(family)) => match family.into_command(None) {
                Ok(household) => Some(SteppedDownFamily::New(household)),
                Err(ApiError::Validation(errors)) => {
                    for error in errors {
                        checks.fail(&format!("family.{}", error.field), error.message);
                    }
                    None
                }
                Err(other) => return Err(other),
            },
            _ => {
                checks.fail(
                    "family_id",
                    "give family_id (an existing family) or family (a new one), one of them",
                );
                None
            }
        };
        let (source, reason, needs_summary, threshold_level, method, giver, family) = checks
            .finish(|| {
                Some((
                    source?,
                    reason?,
                    needs_summary?,
                    level?,
                    method?,
                    giver?,
                    family?,
                ))
            })?;
        Ok(RecordStepDown {
            source,
            family,
            locality: self.locality_id.into(),
            reason,
            needs_summary,
            threshold_level,
            suggested_organisation: self.suggested_organisation_id.map(Into::into),
            snf_due_on: self.snf_due_on,
            consent_given_by: giver,
            consent_method: method,
            consent_given_on: self.consent.given_on,
            idempotency,
        })
    }
}

/// Step a family down to early help
///
/// Children's Social Care hands a family on to early help: after closing its case with census
/// reason RC9 (`case_closure`), or when a MASH contact found an Early Help Assessment is needed
/// (`mash_contact`). The family is one social care can see (`family_id`: a family it stepped
/// up or down before; 404 otherwise, and 409 `episode_already_open` when early help already
/// works with it) or a new one (`family`), which goes through the same duplicate check as any
/// new family. The receiving locality's LCSS sees it, to allocate a lead professional; the
/// family's consent is recorded on its record when that lead accepts. One step-down at a time
/// per family (409 `conflict`). Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    post,
    path = "/api/v1/step-downs",
    tag = "step-downs",
    params(IdempotencyKeyHeader),
    request_body = RecordStepDownRequest,
    responses(
        (
            status = 201,
            description = "Recorded (or, for a repeated `Idempotency-Key`, the step-down the \
                first request recorded).",
            body = RecordedStepDownResponse,
            headers(("Location" = String, description = "The path of the created record.")),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = PossibleDuplicate),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn record_step_down(
    state: State,
    auth: Authenticated,
    body: ApiJson<RecordStepDownRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency_key(&req, "POST /api/v1/step-downs")?;
    let command = body.0.into_command(key)?;
    let recorded = auth
        .run(&state, move |conn, audit, actor| {
            step_downs::record(conn, audit, actor, command)
        })
        .await?;
    let location = format!("/api/v1/step-downs/{}", recorded.record.step_down.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(RecordedStepDownResponse::from(recorded)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StepDownQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// Only step-downs in this state.
    #[param(value_type = Option<StepDownStateSchema>)]
    state: Option<String>,
    /// `true`: only those overdue today.
    overdue: Option<bool>,
    /// Only those received by this locality.
    locality_id: Option<Uuid>,
}

/// List step-downs
///
/// The step-downs of the families the caller may read, and those allocated to them, oldest
/// first: for social care, all it stepped down; for LCSS, its locality's; for a professional,
/// those allocated to them. `?state=awaiting_allocation` keeps those to allocate;
/// `?overdue=true` those past their due date with no accepted lead or no submitted form.
#[utoipa::path(
    get,
    path = "/api/v1/step-downs",
    tag = "step-downs",
    params(StepDownQuery),
    responses(
        (status = 200, description = "A page of step-downs.", body = List<StepDownResponse>),
        (status = 401, response = Unauthorized),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_step_downs(
    state: State,
    auth: Authenticated,
    query: Query<StepDownQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let wanted = match query.state.as_deref() {
        None => None,
        Some(raw) => Some(raw.parse::<StepDownState>().map_err(|_| {
            ApiError::validation(
                "state",
                "must be awaiting_allocation, allocated or accepted",
            )
        })?),
    };
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let filter = ListStepDowns {
        state: wanted,
        overdue: query.overdue.unwrap_or(false),
        locality: query.locality_id.map(Into::into),
    };
    let found = auth
        .run(&state, move |conn, audit, actor| {
            step_downs::list(conn, audit, actor, filter, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(found, StepDownResponse::from)))
}

/// Get a step-down
///
/// For whoever may read the family's record, and the lead professional it is allocated to
/// (who reads the step-down, not yet the family's record).
#[utoipa::path(
    get,
    path = "/api/v1/step-downs/{id}",
    tag = "step-downs",
    params(IdPath),
    responses(
        (status = 200, description = "The step-down.", body = StepDownResponse),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, step_down.id = %id))]
pub async fn get_step_down(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = auth
        .run(&state, move |conn, audit, actor| {
            step_downs::get(conn, audit, actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StepDownResponse::from(found)))
}
