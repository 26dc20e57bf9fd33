//! Case records: families, people, consents, chronology, episodes, forms and reviews.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(paths(), components(schemas()))]
pub struct Api;
