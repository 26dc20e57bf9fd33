//! The problem responses every operation shares, by status: one component each, referenced by
//! the operations that can answer it. Each is an RFC 9457 `application/problem+json` document
//! ([`Problem`]); its description names the `code`s it carries.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{ToResponse, ToSchema};

pub use crate::error::ProblemSchema as Problem;

/// One invalid field of a request.
#[derive(ToSchema)]
#[schema(as = FieldError)]
#[allow(dead_code)] // A schema only: the value is `earlyhelp_domain::validation::FieldError`.
pub struct FieldError {
    /// The JSON path of the invalid field (`email`, `roles[1]`), `body` for the body as a
    /// whole, or `query` for the query string.
    #[schema(examples("roles[1]"))]
    field: String,
    /// What is wrong with it.
    message: String,
}

fn string_header(description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(description))
        .build()
}

/// A problem response: `description`, the problem document, and the headers every response
/// carries plus `extra` ones.
fn problem(description: &str, extra: &[(&str, &str)]) -> RefOr<Response> {
    let mut response = ResponseBuilder::new()
        .description(description)
        .header(
            "X-Request-Id",
            string_header("The request's id: the caller's own, or one the server generated."),
        )
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        );
    for (name, description) in extra {
        response = response.header(*name, string_header(description));
    }
    response.build().into()
}

macro_rules! problem_responses {
    ($($(#[$doc:meta])* $name:ident => $description:expr $(, $header:literal = $header_doc:literal)*;)+) => {$(
        $(#[$doc])*
        pub struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), problem($description, &[$(($header, $header_doc)),*]))
            }
        }
    )+};
}

problem_responses! {
    /// 400.
    BadRequest => "The body is not well-formed JSON (`malformed_json`; `detail`, `line` and \
        `column` say where), or could not be read (`unreadable_body`).";
    /// 401.
    Unauthorized => "Not authenticated (`unauthenticated`): no access token, an invalid or \
        expired one, a session that has ended; or, for sign-in and refresh, credentials or a \
        refresh token that are not valid.",
        "WWW-Authenticate" = "`Bearer realm=\"earlyhelp\"`.";
    /// 403.
    Forbidden => "The actor's roles do not permit this action (`forbidden`).";
    /// 404.
    NotFound => "No such record, or an id that is not a UUID (`not_found`). A case record \
        outside the actor's scope is not found too, so its existence is never revealed.";
    /// 409.
    Conflict => "The change conflicts with existing data, a safety rule or the record's \
        state; `code` says which (see the table in the introduction).";
    /// 409 with candidates.
    PossibleDuplicate => "A person being added may already be recorded \
        (`possible_duplicate`); `candidates` lists the matches the actor may see. Send \
        `\"confirm_new\": true` to record them anyway.";
    /// 413.
    PayloadTooLarge => "The body exceeds 1 MiB (`payload_too_large`).";
    /// 415.
    UnsupportedMediaType => "The body is not `application/json` (`unsupported_media_type`).";
    /// 422.
    UnprocessableEntity => "A field or query parameter is missing, unknown, of the wrong type \
        or invalid (`validation_failed`, with `errors` naming each field), or a rule refuses \
        the request as it stands (`consent_required`, `universal_threshold`, \
        `statutory_threshold`, `idempotency_key_reused`; no `errors`).";
    /// 412.
    PreconditionFailed => "`If-Match` does not name the form's current version \
        (`precondition_failed`): it changed since it was loaded. Nothing was saved.";
    /// 428.
    PreconditionRequired => "Saving a form needs its `ETag` in `If-Match` \
        (`precondition_required`).";
    /// 429.
    TooManyRequests => "Too many sign-in attempts from this address (`too_many_requests`).",
        "Retry-After" = "Seconds to wait before trying again.";
    /// 500.
    InternalError => "An unexpected fault (`internal_error`); the cause goes to the server log, \
        never to the client. Quote the `request_id` when reporting it.";
    /// 503.
    ServiceUnavailable => "The database cannot be reached right now \
        (`service_unavailable`); try again shortly.",
        "Retry-After" = "Seconds to wait before trying again.";
}
