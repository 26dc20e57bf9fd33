//! Operations, sign-in, the signed-in user, the directory and form templates.

use crate::handlers::{
    admin_localities, admin_organisations, admin_users, auth, directory, form_templates, me, ops,
    role_grants,
};
use crate::openapi::values;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    components(schemas(values::Cursor, values::SearchText, values::Email, values::Password)),
    paths(
        ops::healthz,
        ops::readyz,
        ops::metrics,
        ops::docs_index,
        ops::docs_home,
        ops::docs_asset,
        ops::openapi_json,
        ops::openapi_yaml,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::change_password,
        me::get_me,
        admin_localities::list_localities,
        admin_localities::create_locality,
        admin_localities::get_locality,
        admin_localities::update_locality,
        admin_organisations::list_organisations,
        admin_organisations::create_organisation,
        admin_organisations::get_organisation,
        admin_organisations::update_organisation,
        admin_users::list_users,
        admin_users::create_user,
        admin_users::get_user,
        admin_users::deactivate_user,
        admin_users::reactivate_user,
        admin_users::set_user_roles,
        admin_users::reset_user_password,
        role_grants::list_role_grants,
        role_grants::get_role_grant,
        role_grants::confirm_role_grant,
        role_grants::decline_role_grant,
        form_templates::list_form_templates,
        form_templates::publish_form_template,
        directory::search_organisations,
        directory::search_professionals,
        directory::get_locality_contacts,
    )
)]
pub struct Api;
