//! `/api/v1/tafs/{id}/meetings` and `/api/v1/meetings/...`: Team Around the Family meetings and
//! their minutes (the action plan they agree is in [`super::actions`]).
//! The steps are in [`earlyhelp_workflows::meetings`].

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::assessments::{expected_version, with_etag};
use crate::handlers::wire::{page_request, IdPath, List};
use crate::json::{full_date, nullable, ApiJson};
use crate::openapi::case::{
    EntityTag, MeetingState as MeetingStateSchema, MeetingStateConflict, Minutes, OptionalText4000,
    SingleLine200,
};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed,
    PreconditionRequired, ServiceUnavailable, Unauthorized, UnprocessableEntity,
    UnsupportedMediaType,
};
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use earlyhelp_domain::directory::{optional_text, single_line};
use earlyhelp_domain::validation::Checks;
use earlyhelp_domain::LocalityId;
use earlyhelp_persistence::meetings::{Meeting, ReceivedFilter};
use earlyhelp_workflows::clock::today;
use earlyhelp_workflows::meetings::{
    self, Arrangements, ListReceived, ScheduleMeeting, UpdateMeeting,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A Team Around the Family meeting and its minutes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Meeting)]
pub struct MeetingResponse {
    id: Uuid,
    taf_id: Uuid,
    family_id: Uuid,
    #[schema(value_type = MeetingStateSchema)]
    state: &'static str,
    starts_at: DateTime<Utc>,
    #[schema(required)]
    venue: Option<String>,
    /// Held by video or phone.
    #[serde(rename = "virtual")]
    is_virtual: bool,
    /// The members invited.
    invitee_member_ids: Vec<Uuid>,
    #[schema(value_type = Minutes)]
    minutes: Value,
    /// The minutes' version: the `ETag`, to send back in `If-Match` when saving.
    #[schema(minimum = 1)]
    version: i32,
    /// The next review date the minutes set.
    #[schema(required)]
    next_review_on: Option<NaiveDate>,
    scheduled_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// The locality whose LCSS received the finalised minutes.
    #[schema(required)]
    locality_id: Option<Uuid>,
    /// Whether a member holding an LCSS role attended (set when finalised).
    #[schema(required)]
    lcss_attended: Option<bool>,
    #[schema(required)]
    finalised_at: Option<DateTime<Utc>>,
    #[schema(required)]
    finalised_by: Option<Uuid>,
    #[schema(required)]
    acknowledged_at: Option<DateTime<Utc>>,
    #[schema(required)]
    acknowledged_by: Option<Uuid>,
    /// LCSS feedback to the lead professional, given when acknowledging.
    #[schema(required)]
    feedback: Option<String>,
}

impl From<Meeting> for MeetingResponse {
    fn from(row: Meeting) -> Self {
        Self {
            id: row.id,
            taf_id: row.taf_id,
            family_id: row.family_id.into(),
            state: row.state.as_str(),
            starts_at: row.starts_at,
            venue: row.venue,
            is_virtual: row.is_virtual,
            invitee_member_ids: row.invitee_member_ids,
            minutes: row.minutes,
            version: row.version,
            next_review_on: row.next_review_on,
            scheduled_by: row.scheduled_by.into(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            locality_id: row.locality_id.map(Uuid::from),
            lcss_attended: row.lcss_attended,
            finalised_at: row.finalised_at,
            finalised_by: row.finalised_by.map(Uuid::from),
            acknowledged_at: row.acknowledged_at,
            acknowledged_by: row.acknowledged_by.map(Uuid::from),
            feedback: row.feedback,
        }
    }
}

fn meeting_answer(meeting: Meeting, status: actix_web::http::StatusCode) -> HttpResponse {
    let version = meeting.version;
    with_etag(
        HttpResponse::build(status).json(MeetingResponse::from(meeting)),
        version,
    )
}

/// A meeting's time: this century, and at most two years ahead (a meeting is recorded when
/// planned or just held; a date in 1616 or 2300 is a typing slip).
fn check_starts_at(checks: &mut Checks, starts_at: DateTime<Utc>) {
    let latest = today() + chrono::Days::new(731);
    if starts_at.year() < 2000 || starts_at.date_naive() > latest {
        checks.fail(
            "starts_at",
            "must be a time from the year 2000 up to two years ahead",
        );
    }
}

/// A venue: trimmed, 1 to 200 characters on one line.
fn venue(checks: &mut Checks, raw: Option<&str>) -> Option<String> {
    raw.and_then(|raw| checks.check("venue", single_line(raw, 200)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ScheduleMeeting)]
pub struct ScheduleMeetingRequest {
    /// When it starts (RFC 3339 with an offset): from the year 2000 up to two years ahead.
    starts_at: DateTime<Utc>,
    /// Where: trimmed, 1 to 200 characters on one line. Required unless `virtual`.
    #[schema(value_type = Option<SingleLine200>)]
    venue: Option<String>,
    /// Held by video or phone (default `false`).
    #[serde(default, rename = "virtual")]
    is_virtual: bool,
    /// Active members of the team to invite.
    #[serde(default)]
    #[schema(max_items = 50)]
    invitee_member_ids: Vec<Uuid>,
}

/// Schedule a Team Around the Family meeting
///
/// Schedules a meeting of the team of an open episode (409 `episode_closed` after): any active
/// member with an account, or LCSS for the locality. Invitees must be active members (422).
/// The answer carries the meeting's `ETag`, for saving its minutes.
#[utoipa::path(
    post,
    path = "/api/v1/tafs/{id}/meetings",
    tag = "tafs",
    params(IdPath),
    request_body = ScheduleMeetingRequest,
    responses(
        (
            status = 201,
            description = "Scheduled.",
            body = MeetingResponse,
            headers(
                ("Location" = String, description = "The path of the created record."),
                ("ETag" = inline(EntityTag), description = "The minutes' version."),
            ),
        ),
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
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, taf.id = %id))]
pub async fn schedule_meeting(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<ScheduleMeetingRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let mut checks = Checks::default();
    let place = venue(&mut checks, request.venue.as_deref());
    check_starts_at(&mut checks, request.starts_at);
    if request.venue.is_none() && !request.is_virtual {
        checks.fail("venue", "is required for a meeting that is not virtual");
    }
    if request.invitee_member_ids.len() > 50 {
        checks.fail("invitee_member_ids", "at most 50 invitees");
    }
    checks.finish(|| Some(()))?;
    let command = ScheduleMeeting {
        taf: id.into_inner(),
        arrangements: Arrangements {
            starts_at: request.starts_at,
            venue: place,
            is_virtual: request.is_virtual,
            invitees: request.invitee_member_ids,
        },
    };
    let meeting = auth
        .run(&state, move |conn, audit, actor| {
            meetings::schedule(conn, audit, actor, command)
        })
        .await?;
    let location = format!("/api/v1/meetings/{}", meeting.id);
    let mut answer = meeting_answer(meeting, actix_web::http::StatusCode::CREATED);
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&location) {
        answer
            .headers_mut()
            .insert(actix_web::http::header::LOCATION, value);
    }
    Ok(answer)
}

/// List a Team Around the Family's meetings
///
/// Every meeting of the team, earliest first, with its minutes.
#[utoipa::path(
    get,
    path = "/api/v1/tafs/{id}/meetings",
    tag = "tafs",
    params(IdPath),
    responses(
        (status = 200, description = "The team's meetings (one page).", body = List<MeetingResponse>),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, taf.id = %id))]
pub async fn list_meetings(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let taf = id.into_inner();
    let found = auth
        .run(&state, move |conn, audit, actor| {
            meetings::list(conn, audit, actor, taf)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List {
        items: found.into_iter().map(MeetingResponse::from).collect(),
        next_cursor: None,
    }))
}

/// Get a meeting
///
/// The meeting with its minutes. `ETag` names the minutes' version, for `If-Match` when saving.
#[utoipa::path(
    get,
    path = "/api/v1/meetings/{id}",
    tag = "tafs",
    params(IdPath),
    responses(
        (
            status = 200,
            description = "The meeting.",
            body = MeetingResponse,
            headers(("ETag" = inline(EntityTag), description = "The minutes' version.")),
        ),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, meeting.id = %id))]
pub async fn get_meeting(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let meeting = auth
        .run(&state, move |conn, audit, actor| {
            meetings::get(conn, audit, actor, id)
        })
        .await?;
    Ok(meeting_answer(meeting, actix_web::http::StatusCode::OK))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateMeeting)]
pub struct UpdateMeetingRequest {
    starts_at: Option<DateTime<Utc>>,
    /// Trimmed, 1 to 200 characters on one line; `null` clears it (then `virtual` must be true).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<SingleLine200>)]
    venue: Option<Option<String>>,
    #[serde(rename = "virtual")]
    is_virtual: Option<bool>,
    /// Replaces the invitees.
    #[schema(max_items = 50)]
    invitee_member_ids: Option<Vec<Uuid>>,
    /// A JSON merge patch (RFC 7396) of the minutes: objects merge, any other value replaces
    /// (a list is replaced whole), `null` removes.
    #[schema(value_type = Option<Minutes>)]
    minutes: Option<Value>,
}

/// Save a meeting's arrangements or minutes
///
/// Changes a scheduled meeting: any of `starts_at`, `venue`, `virtual`, `invitee_member_ids`,
/// and `minutes` as a JSON merge patch, checked as a draft (every part well-formed, none
/// required yet; every problem reported in one 422 at its path, e.g. `minutes.attendees[0]`).
/// Saves are optimistic, as for the Strengths and Needs form: send the `ETag` in `If-Match`
/// (428 without it, 412 when the meeting changed since, and nothing is saved). Finalised
/// minutes cannot change (409 `meeting_state`). Members with an account and LCSS may save.
#[utoipa::path(
    patch,
    path = "/api/v1/meetings/{id}",
    tag = "tafs",
    params(
        IdPath,
        (
            "If-Match" = String,
            Header,
            description = "The meeting's `ETag` as last loaded or saved, e.g. `\"3\"` (or a \
                list, or `*`). Missing: 428. Not current: 412, and nothing is saved.",
            min_length = 1,
            example = "\"3\"",
        ),
    ),
    request_body = UpdateMeetingRequest,
    responses(
        (
            status = 200,
            description = "Saved; the meeting at its new version.",
            body = MeetingResponse,
            headers(("ETag" = inline(EntityTag), description = "The minutes' new version.")),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = MeetingStateConflict),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, meeting.id = %id))]
pub async fn update_meeting(
    state: State,
    auth: Authenticated,
    req: HttpRequest,
    id: Path<Uuid>,
    body: ApiJson<UpdateMeetingRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let mut checks = Checks::default();
    let venue = match request.venue {
        Some(Some(raw)) => venue(&mut checks, Some(&raw)).map(|place| Some(Some(place))),
        Some(None) => Some(Some(None)),
        None => Some(None),
    };
    if request
        .minutes
        .as_ref()
        .is_some_and(|minutes| !minutes.is_object())
    {
        checks.fail("minutes", "must be an object");
    }
    if request
        .invitee_member_ids
        .as_ref()
        .is_some_and(|ids| ids.len() > 50)
    {
        checks.fail("invitee_member_ids", "at most 50 invitees");
    }
    let venue = checks.finish(|| venue)?;
    let command = UpdateMeeting {
        meeting: id.into_inner(),
        expected_version: expected_version(&req),
        starts_at: request.starts_at,
        venue,
        is_virtual: request.is_virtual,
        invitees: request.invitee_member_ids,
        minutes: request.minutes,
    };
    let meeting = auth
        .run(&state, move |conn, audit, actor| {
            meetings::update(conn, audit, actor, command)
        })
        .await?;
    Ok(meeting_answer(meeting, actix_web::http::StatusCode::OK))
}

/// Finalise a meeting's minutes
///
/// The minutes must be complete (who attended, the child's and the family's views, what is
/// working well, worries, decisions and the next review date; every problem at its path in one
/// 422), name only members of the team and of the family, and give each action an active
/// member as owner. They become immutable and go to the locality LCSS; their actions join the
/// team's plan. The lead professional, or LCSS for the locality, finalises; finalised minutes
/// cannot be finalised again (409 `meeting_state`).
#[utoipa::path(
    post,
    path = "/api/v1/meetings/{id}/finalise",
    tag = "tafs",
    params(IdPath),
    responses(
        (status = 200, description = "Finalised.", body = MeetingResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = MeetingStateConflict),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, meeting.id = %id))]
pub async fn finalise_meeting(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let meeting = auth
        .run(&state, move |conn, audit, actor| {
            meetings::finalise(conn, audit, actor, id)
        })
        .await?;
    Ok(meeting_answer(meeting, actix_web::http::StatusCode::OK))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReceivedQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<i64>,
    /// Only minutes received by this locality's LCSS.
    locality_id: Option<Uuid>,
    /// Only minutes finalised on or after this day (`YYYY-MM-DD`, UTC).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Only minutes finalised on or before this day (`YYYY-MM-DD`, UTC).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// `true`: only those acknowledged; `false`: only those waiting.
    acknowledged: Option<bool>,
}

/// List the minutes received
///
/// LCSS's list of finalised Team Around the Family minutes for the families of its locality,
/// oldest first: filter by `locality_id`, the period they were finalised in (`from`, `to`) and
/// whether they are `acknowledged`.
#[utoipa::path(
    get,
    path = "/api/v1/meetings/received",
    tag = "tafs",
    params(ReceivedQuery),
    responses(
        (status = 200, description = "A page of the minutes received.", body = List<MeetingResponse>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id))]
pub async fn list_received_minutes(
    state: State,
    auth: Authenticated,
    query: Query<ReceivedQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut checks = Checks::default();
    let from = full_date::query(&mut checks, "from", query.from.as_deref());
    let to = full_date::query(&mut checks, "to", query.to.as_deref());
    checks.finish(|| Some(()))?;
    let page = page_request(query.cursor.as_deref(), query.limit)?;
    let command = ListReceived {
        filter: ReceivedFilter {
            locality: query.locality_id.map(LocalityId::from),
            from: from.map(|day| day.and_time(NaiveTime::MIN).and_utc()),
            to: to
                .and_then(|day| day.succ_opt())
                .map(|day| day.and_time(NaiveTime::MIN).and_utc()),
            acknowledged: query.acknowledged,
        },
        page,
    };
    let found = auth
        .run(&state, move |conn, audit, actor| {
            meetings::received(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(List::from_page(found, MeetingResponse::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AcknowledgeMinutes)]
pub struct AcknowledgeRequest {
    /// Feedback to the lead professional: trimmed, at most 4000 characters, line breaks
    /// allowed. Empty or absent means none.
    #[schema(value_type = Option<OptionalText4000>)]
    feedback: Option<String>,
}

/// Acknowledge finalised minutes
///
/// LCSS (for the family's locality) acknowledges finalised minutes, optionally with feedback
/// the lead professional reads on the meeting. Minutes not yet finalised, or acknowledged
/// already, are a 409 `meeting_state`.
#[utoipa::path(
    post,
    path = "/api/v1/meetings/{id}/acknowledge",
    tag = "tafs",
    params(IdPath),
    request_body = AcknowledgeRequest,
    responses(
        (status = 200, description = "Acknowledged.", body = MeetingResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = MeetingStateConflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, meeting.id = %id))]
pub async fn acknowledge_meeting(
    state: State,
    auth: Authenticated,
    id: Path<Uuid>,
    body: ApiJson<AcknowledgeRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut checks = Checks::default();
    let feedback = checks.check("feedback", optional_text(body.0.feedback.as_deref(), 4000));
    let feedback = checks.finish(|| feedback)?;
    let id = id.into_inner();
    let meeting = auth
        .run(&state, move |conn, audit, actor| {
            meetings::acknowledge(conn, audit, actor, id, feedback)
        })
        .await?;
    Ok(meeting_answer(meeting, actix_web::http::StatusCode::OK))
}
