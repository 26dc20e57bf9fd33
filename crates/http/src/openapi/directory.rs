//! Operations, sign-in, the signed-in user, the directory and form templates.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(paths(), components(schemas()))]
pub struct Api;
