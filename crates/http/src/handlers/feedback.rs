//! `/api/v1/professionals/{id}/feedback` and `/api/v1/organisations/{id}/feedback`: the
//! feedback history per professional and per organisation that closes the training loop
//! ([`earlyhelp_workflows::reviews::feedback`]).

use crate::actor::Authenticated;
use crate::error::ApiError;
use crate::handlers::reviews::QueueItemResponse;
use crate::handlers::wire::{List, PageQuery};
use crate::openapi::case::CriteriaCounts;
use crate::openapi::responses::{
    Forbidden, InternalError, NotFound, ServiceUnavailable, Unauthorized, UnprocessableEntity,
};
use crate::state::State;
use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use earlyhelp_domain::policy::{self, Permission};
use earlyhelp_domain::{OrganisationId, UserId};
use earlyhelp_workflows::reviews::{
    self, Feedback, FeedbackOf, FeedbackSummary, RatingCounts, ReadFeedback,
};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// How many decided reviews rated the criterion met, partly met and not met.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RatingCounts)]
pub(crate) struct CriterionCounts {
    // `usize`: a u32 comes out as the non-standard format `u-int32`.
    #[schema(value_type = usize)]
    met: u32,
    #[schema(value_type = usize)]
    partly_met: u32,
    #[schema(value_type = usize)]
    not_met: u32,
}

impl From<RatingCounts> for CriterionCounts {
    fn from(counts: RatingCounts) -> Self {
        Self {
            met: counts.met,
            partly_met: counts.partly_met,
            not_met: counts.not_met,
        }
    }
}

/// Totals over every decided review counted, not only this page.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FeedbackSummary)]
struct FeedbackSummaryResponse {
    decided: usize,
    #[schema(value_type = usize)]
    accepted: u32,
    #[schema(value_type = usize)]
    returned: u32,
    /// The rating counts of each quality criterion, by its name.
    #[schema(value_type = CriteriaCounts)]
    criteria: BTreeMap<&'static str, CriterionCounts>,
}

impl From<FeedbackSummary> for FeedbackSummaryResponse {
    fn from(summary: FeedbackSummary) -> Self {
        Self {
            decided: summary.decided,
            accepted: summary.accepted,
            returned: summary.returned,
            criteria: summary
                .criteria
                .into_iter()
                .map(|(criterion, counts)| (criterion.as_str(), counts.into()))
                .collect(),
        }
    }
}

/// A summary of the decided reviews and a page of them, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Feedback)]
pub struct FeedbackResponse {
    summary: FeedbackSummaryResponse,
    /// This page's decided reviews.
    items: Vec<QueueItemResponse>,
    /// The `cursor` for the next page; `null` on the last page.
    #[schema(required, value_type = Option<crate::openapi::values::Cursor>)]
    next_cursor: Option<String>,
}

impl From<Feedback> for FeedbackResponse {
    fn from(feedback: Feedback) -> Self {
        // A list's `items` and `next_cursor`, beside the summary.
        let List { items, next_cursor } = List::from_page(feedback.page, QueueItemResponse::from);
        Self {
            summary: feedback.summary.into(),
            items,
            next_cursor,
        }
    }
}

/// A professional's review feedback
///
/// The decided reviews of forms the professional submitted, oldest first, with a `summary`
/// over all of them: how many were accepted and returned, and how often each quality
/// criterion was met, partly met or not met. Anyone may read their own; reading another
/// professional's needs an LCSS role (403 otherwise). Only reviews of families the actor may
/// read are counted; an id that names no one simply has no feedback.
#[utoipa::path(
    get,
    path = "/api/v1/professionals/{id}/feedback",
    tag = "reviews",
    params(
        (
            "id" = Uuid,
            Path,
            description = "The professional's user id. A value that is not a UUID is not found \
                (404).",
        ),
        PageQuery,
    ),
    responses(
        (
            status = 200,
            description = "The summary and a page of decided reviews.",
            body = FeedbackResponse,
        ),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, professional.id = %id))]
pub async fn professional_feedback(
    state: State,
    auth: Authenticated,
    id: Path<UserId>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let professional = id.into_inner();
    // Asked before the query's checks (the workflow asks again).
    if professional != auth.actor.user_id {
        policy::authorize(&auth.actor, Permission::ReviewAssessments)?;
    }
    feedback(
        state,
        auth,
        query.into_inner(),
        FeedbackOf::Professional(professional),
    )
    .await
}

/// An organisation's review feedback
///
/// As for a professional, over the forms submitted by the organisation's members. Needs an
/// LCSS role (403 otherwise). Only reviews of families the actor may read are counted; an id
/// that names no organisation simply has no feedback.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/feedback",
    tag = "reviews",
    params(
        (
            "id" = Uuid,
            Path,
            description = "The organisation's id. A value that is not a UUID is not found (404).",
        ),
        PageQuery,
    ),
    responses(
        (
            status = 200,
            description = "The summary and a page of decided reviews.",
            body = FeedbackResponse,
        ),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = UnprocessableEntity),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[tracing::instrument(skip_all, fields(user.id = %auth.actor.user_id, organisation.id = %id))]
pub async fn organisation_feedback(
    state: State,
    auth: Authenticated,
    id: Path<OrganisationId>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    // Asked before the query's checks (the workflow asks again).
    policy::authorize(&auth.actor, Permission::ReviewAssessments)?;
    let organisation = id.into_inner();
    feedback(
        state,
        auth,
        query.into_inner(),
        FeedbackOf::Organisation(organisation),
    )
    .await
}

async fn feedback(
    state: State,
    auth: Authenticated,
    query: PageQuery,
    of: FeedbackOf,
) -> Result<HttpResponse, ApiError> {
    let command = ReadFeedback {
        of,
        page: query.page()?,
    };
    let feedback = auth
        .run(&state, |conn, audit, actor| {
            reviews::feedback(conn, audit, actor, command)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FeedbackResponse::from(feedback)))
}
