//! The one error type of the HTTP layer, rendered as RFC 9457 `application/problem+json`.
//!
//! Every response that is not a success passes through here, so every client sees the same
//! shape: `type`, `title`, `status`, `detail`, a stable machine-readable `code`, the
//! `request_id`, and for validation failures the `errors` with their field paths. Causes of
//! unexpected errors go to the log once and never to the client.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use earlyhelp_domain::policy::Denial;
pub use earlyhelp_domain::validation::{Checks, FieldError, Invalid};
use earlyhelp_persistence::Error as DbError;
use earlyhelp_workflows::{Failure, Refusal, RefusalClass};
use serde::Serialize;
use std::fmt;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("malformed JSON at line {line}, column {column}: {detail}")]
    MalformedJson {
        detail: String,
        line: usize,
        column: usize,
    },
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// `/metrics` without the metrics bearer token (`EARLYHELP_METRICS_TOKEN`).
    #[error("The metrics need the metrics bearer token.")]
    MetricsTokenRequired,
    #[error("forbidden")]
    Forbidden,
    /// A sign-in with a one-time password an administrator set.
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("{0}")]
    NotFound(&'static str),
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The body did not arrive in time; the connection is closed after the answer.
    #[error("The request body did not arrive within {seconds} s.")]
    RequestTimeout { seconds: u64 },
    #[error("request body too large")]
    PayloadTooLarge { limit: usize },
    #[error("The request target is longer than {limit} bytes.")]
    UriTooLong { limit: usize },
    #[error("{detail}")]
    HeaderFieldsTooLarge { detail: String },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The request may create a record that already exists; `candidates` are the matches the
    /// actor may see.
    #[error("possible duplicate")]
    PossibleDuplicate { candidates: Vec<serde_json::Value> },
    #[error("{detail}")]
    PreconditionFailed { detail: String },
    #[error("{detail}")]
    PreconditionRequired { detail: String },
    /// A domain rule refused the request as it stands (422), with a stable code.
    #[error("{detail}")]
    Rule { code: &'static str, detail: String },
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// An RFC 9457 problem document: every error the API answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct ProblemSchema<'a> {
    /// `urn:earlyhelp:problem:<code>`.
    #[serde(rename = "type")]
    #[schema(
        pattern = "^urn:earlyhelp:problem:[a-z_]+$",
        examples("urn:earlyhelp:problem:validation_failed")
    )]
    kind: String,
    /// A short, fixed summary of the kind of problem.
    #[schema(examples("Validation failed"))]
    title: &'a str,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    status: u16,
    /// What went wrong with this request, in words for people.
    detail: String,
    /// Stable machine-readable code to branch on; see the table in the introduction.
    #[schema(pattern = "^[a-z_]+$", examples("validation_failed"))]
    code: &'a str,
    /// The request's id, as in the `X-Request-Id` response header.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    request_id: Option<String>,
    /// For validation failures only (422), every invalid field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<crate::openapi::responses::FieldError>, min_items = 1)]
    errors: Vec<FieldError>,
    /// For `malformed_json` only, where the body stops being JSON (1-based line).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1)]
    line: Option<usize>,
    /// For `malformed_json` only, the column where the body stops being JSON (1-based; 0 when
    /// the body ends at the start of a line, e.g. an empty body).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 0)]
    column: Option<usize>,
    /// For `possible_duplicate` only, the people already recorded who may be the one being
    /// added.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<crate::openapi::responses::DuplicateCandidate>)]
    candidates: Option<Vec<serde_json::Value>>,
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl fmt::Display) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. } | ApiError::Conflict { code, .. } => code,
            ApiError::MalformedJson { .. } => "malformed_json",
            ApiError::Unauthenticated(_) | ApiError::MetricsTokenRequired => "unauthenticated",
            ApiError::Forbidden => "forbidden",
            ApiError::PasswordChangeRequired => "password_change_required",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::RequestTimeout { .. } => "request_timeout",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UriTooLong { .. } => "uri_too_long",
            ApiError::HeaderFieldsTooLarge { .. } => "request_header_fields_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Validation(_) => "validation_failed",
            ApiError::PossibleDuplicate { .. } => "possible_duplicate",
            ApiError::PreconditionFailed { .. } => "precondition_failed",
            ApiError::PreconditionRequired { .. } => "precondition_required",
            ApiError::Rule { code, .. } => code,
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Unavailable => "service_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "Bad request",
            ApiError::MalformedJson { .. } => "Malformed JSON",
            ApiError::Unauthenticated(_) | ApiError::MetricsTokenRequired => {
                "Authentication required"
            }
            ApiError::Forbidden => "Forbidden",
            ApiError::PasswordChangeRequired => "Password change required",
            ApiError::NotFound(_) => "Not found",
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
            ApiError::Conflict { .. } => "Conflict",
            ApiError::RequestTimeout { .. } => "Request timeout",
            ApiError::PayloadTooLarge { .. } => "Payload too large",
            ApiError::UriTooLong { .. } => "URI too long",
            ApiError::HeaderFieldsTooLarge { .. } => "Request header fields too large",
            ApiError::UnsupportedMediaType => "Unsupported media type",
            ApiError::Validation(_) => "Validation failed",
            ApiError::PossibleDuplicate { .. } => "Possible duplicate",
            ApiError::PreconditionFailed { .. } => "Precondition failed",
            ApiError::PreconditionRequired { .. } => "Precondition required",
            ApiError::Rule { .. } => "Rule not satisfied",
            ApiError::TooManyRequests { .. } => "Too many requests",
            ApiError::Unavailable => "Service unavailable",
            ApiError::Internal(_) => "Internal server error",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Forbidden => "Your roles do not permit this action.".into(),
            ApiError::PasswordChangeRequired => "An administrator set this password, and it works once: set a password of your own with POST /api/v1/auth/password, then sign in with it.".into(),
            ApiError::MethodNotAllowed { allow } => format!("This resource supports: {allow}."),
            ApiError::PayloadTooLarge { limit } => {
                format!("The request body exceeds the limit of {limit} bytes.")
            }
            ApiError::UnsupportedMediaType => "Send the request body as application/json.".into(),
            ApiError::Validation(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                format!("Some fields are invalid: {}.", fields.join(", "))
            }
            ApiError::TooManyRequests {
                retry_after_seconds,
            } => {
                format!(
                    "Too many attempts from this address; try again in {retry_after_seconds} s."
                )
            }
            ApiError::Unavailable => {
                "The service cannot reach its database right now; try again shortly.".into()
            }
            ApiError::PossibleDuplicate { .. } => "This may be someone already recorded. Check the \
                candidates; to record them anyway, send the request again with \"confirm_new\": true."
                .into(),
            ApiError::Internal(_) => {
                "Something went wrong on our side. Quote the request id if you report it.".into()
            }
            other => other.to_string(),
        }
    }

    /// Renders the problem with the request id (the middleware fills it in when absent).
    pub fn to_problem_response(&self, request_id: Option<String>) -> HttpResponse {
        let status = self.status_code();
        let body = ProblemSchema {
            kind: format!("urn:earlyhelp:problem:{}", self.code()),
            title: self.title(),
            status: status.as_u16(),
            detail: self.detail(),
            code: self.code(),
            request_id,
            errors: match self {
                ApiError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
            line: match self {
                ApiError::MalformedJson { line, .. } => Some(*line),
                _ => None,
            },
            column: match self {
                ApiError::MalformedJson { column, .. } => Some(*column),
                _ => None,
            },
            candidates: match self {
                ApiError::PossibleDuplicate { candidates } => Some(candidates.clone()),
                _ => None,
            },
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::Unauthenticated(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"earlyhelp\""));
            }
            ApiError::MetricsTokenRequired => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    "Bearer realm=\"earlyhelp-metrics\"",
                ));
            }
            ApiError::RequestTimeout { .. } => {
                // The rest of the body may still be on its way: the connection cannot be
                // reused, and is not left to the slow client.
                response.force_close();
            }
            ApiError::MethodNotAllowed { allow } => {
                if let Ok(value) = HeaderValue::from_str(allow) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            ApiError::TooManyRequests {
                retry_after_seconds,
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
            }
            ApiError::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&body).unwrap_or_default())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } | ApiError::MalformedJson { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated(_) | ApiError::MetricsTokenRequired => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden | ApiError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            ApiError::HeaderFieldsTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) | ApiError::Rule { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PossibleDuplicate { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired { .. } => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "internal error");
        }
        self.to_problem_response(crate::request_id::current())
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError::Validation(invalid.0)
    }
}

/// The one mapping from a workflow's refusal to its problem document.
impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        let code = refusal.code();
        let detail = refusal.detail();
        match (refusal.class(), refusal) {
            (_, Refusal::Invalid(invalid)) => invalid.into(),
            (_, Refusal::PossibleDuplicate(candidates)) => ApiError::PossibleDuplicate {
                candidates: candidates
                    .iter()
                    .filter_map(|candidate| serde_json::to_value(candidate).ok())
                    .collect(),
            },
            (RefusalClass::NotFound, _) => ApiError::NotFound("No such record."),
            (RefusalClass::Forbidden, _) => ApiError::Forbidden,
            (RefusalClass::Conflict, _) => ApiError::Conflict { code, detail },
            (RefusalClass::Rule | RefusalClass::Invalid, _) => ApiError::Rule { code, detail },
            (RefusalClass::PreconditionFailed, _) => ApiError::PreconditionFailed { detail },
            (RefusalClass::PreconditionRequired, _) => ApiError::PreconditionRequired { detail },
        }
    }
}

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Refused(refusal) => refusal.into(),
            Failure::Storage(error) => error.into(),
            Failure::Defect(defect) => ApiError::Internal(anyhow::anyhow!(defect)),
        }
    }
}

impl From<Denial> for ApiError {
    fn from(denial: Denial) -> Self {
        match denial {
            Denial::Forbidden => ApiError::Forbidden,
            Denial::NotFound => ApiError::NotFound("No such record."),
            Denial::NoLocality => ApiError::from(Refusal::NoLocality),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => ApiError::NotFound("No such record."),
            DbError::Conflict { constraint } => ApiError::Conflict {
                code: "conflict",
                detail: format!(
                    "This conflicts with an existing record ({}).",
                    describe_constraint(&constraint)
                ),
            },
            DbError::MissingReference { constraint } => {
                ApiError::Validation(vec![FieldError::new(
                    reference_field(&constraint),
                    "refers to a record that does not exist",
                )])
            }
            DbError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                ApiError::Unavailable
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        // The blocking pool is gone only while the server shuts down.
        ApiError::Unavailable
    }
}

/// Our words for a unique constraint, never the database's.
fn describe_constraint(constraint: &str) -> &'static str {
    match constraint {
        "users_email_key" => "a user with this email already exists",
        "organisations_name_key" => "an organisation with this name already exists",
        "localities_name_key" => "a locality with this name already exists",
        _ => "a duplicate value",
    }
}

fn reference_field(constraint: &str) -> &'static str {
    match constraint {
        "users_organisation_id_fkey" => "organisation_id",
        "users_locality_id_fkey"
        | "organisations_locality_id_fkey"
        | "families_locality_id_fkey"
        | "episodes_locality_id_fkey" => "locality_id",
        "people_setting_organisation_id_fkey" => "setting_organisation_id",
        _ => "reference",
    }
}
