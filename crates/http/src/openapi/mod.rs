//! The OpenAPI 3.1 document, generated from the code: `#[utoipa::path]` on each handler,
//! `ToSchema` on the wire types, and the shared problem responses below. The server serves it
//! at `/api/v1/openapi.{json,yaml}`, `earlyhelp openapi` prints it, and the committed
//! `openapi/openapi.yaml` is that output (a test fails when they differ).
//!
//! The document is assembled from one part per area, each a `#[derive(OpenApi)]` listing its
//! operations and schemas: [`directory::Api`] (operations, sign-in, the signed-in user, the
//! directory and form templates) and [`case::Api`] (families to reviews).

pub mod case;
pub mod directory;
pub mod responses;
pub mod values;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};

/// The prose of the document: conventions, errors, authentication and access rules.
const INTRODUCTION: &str = include_str!("../../../../openapi/introduction.md");

#[derive(OpenApi)]
#[openapi(
    info(
        title = "earlyhelp",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    security(("bearerAuth" = [])),
    tags(
        (name = "auth", description = "Sign-in, token refresh and sign-out."),
        (name = "me", description = "The signed-in user."),
        (name = "admin", description = "The directory (localities, organisations, users). Requires the `admin` role."),
        (name = "families", description = "Families, their members and relationships, and each family's chronology."),
        (name = "consents", description = "A family's consent to an early help assessment or to sharing, and its withdrawal."),
        (name = "episodes", description = "Early help episodes, from opening through threshold changes and transfers to closure."),
        (name = "assessments", description = "Strengths and Needs forms, from draft to submission, and the form templates they follow."),
        (name = "reviews", description = "LCSS review of submitted forms, and the feedback history that closes the training loop."),
        (name = "operations", description = "Liveness, readiness, metrics and this document."),
    ),
    components(
        schemas(responses::Problem, responses::FieldError),
        responses(
            responses::BadRequest,
            responses::Unauthorized,
            responses::Forbidden,
            responses::NotFound,
            responses::Conflict,
            responses::PossibleDuplicate,
            responses::PayloadTooLarge,
            responses::UnsupportedMediaType,
            responses::UnprocessableEntity,
            responses::PreconditionFailed,
            responses::PreconditionRequired,
            responses::TooManyRequests,
            responses::InternalError,
            responses::ServiceUnavailable,
        ),
    ),
    modifiers(&Introduction, &BearerAuth),
)]
struct Base;

struct Introduction;

impl Modify for Introduction {
    fn modify(&self, document: &mut Document) {
        document.info.description = Some(INTRODUCTION.to_owned());
        document.info.version = env!("CARGO_PKG_VERSION").to_owned();
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".to_owned());
        components.add_security_scheme("bearerAuth", SecurityScheme::Http(scheme));
    }
}

/// The whole document.
pub fn document() -> Document {
    let mut document = Base::openapi();
    document.merge(directory::Api::openapi());
    document.merge(case::Api::openapi());
    document
}

/// The document as YAML, as `earlyhelp openapi` prints it and `openapi/openapi.yaml` holds it.
pub fn yaml() -> Result<String, serde_yaml::Error> {
    serde_yaml::to_string(&document())
}

/// The document as JSON, as `/api/v1/openapi.json` serves it.
pub fn json() -> Result<String, serde_json::Error> {
    serde_json::to_string(&document())
}
