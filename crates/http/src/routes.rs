//! The route table: every endpoint, declared once.
//!
//! The same table registers the routes with actix and lists them for the OpenAPI drift test,
//! so a route cannot exist without the test seeing it. Each path answers 405 problem+json
//! with an `Allow` header for methods it does not support.

use crate::error::ApiError;
use crate::handlers::{
    admin_localities, admin_organisations, admin_users, assessments, auth, chronology, consents,
    episode_transitions, episodes, families, form_templates, me, ops, people, reviews,
};
use actix_web::http::Method;
use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpResponse, Route};

pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    route: Route,
}

fn endpoint(method: Method, path: &'static str, route: Route) -> Endpoint {
    Endpoint {
        method,
        path,
        route,
    }
}

macro_rules! endpoints {
    ($($method:ident $path:literal => $handler:path;)+) => {
        vec![$(endpoint(Method::$method, $path, web::method(Method::$method).to($handler)),)+]
    };
}

/// Every endpoint the server answers.
pub fn endpoints() -> Vec<Endpoint> {
    endpoints! {
        GET "/healthz" => ops::healthz;
        GET "/readyz" => ops::readyz;
        GET "/metrics" => ops::metrics;
        GET "/docs" => ops::docs_index;
        GET "/docs/" => ops::docs_home;
        GET "/docs/{tail}" => ops::docs_asset;
        GET "/api/v1/openapi.json" => ops::openapi_json;
        GET "/api/v1/openapi.yaml" => ops::openapi_yaml;

        POST "/api/v1/auth/login" => auth::login;
        POST "/api/v1/auth/refresh" => auth::refresh;
        POST "/api/v1/auth/logout" => auth::logout;
        GET "/api/v1/me" => me::get_me;

        GET "/api/v1/admin/localities" => admin_localities::list_localities;
        POST "/api/v1/admin/localities" => admin_localities::create_locality;
        GET "/api/v1/admin/localities/{id}" => admin_localities::get_locality;
        PATCH "/api/v1/admin/localities/{id}" => admin_localities::update_locality;

        GET "/api/v1/admin/organisations" => admin_organisations::list_organisations;
        POST "/api/v1/admin/organisations" => admin_organisations::create_organisation;
        GET "/api/v1/admin/organisations/{id}" => admin_organisations::get_organisation;
        PATCH "/api/v1/admin/organisations/{id}" => admin_organisations::update_organisation;

        GET "/api/v1/admin/users" => admin_users::list_users;
        POST "/api/v1/admin/users" => admin_users::create_user;
        GET "/api/v1/admin/users/{id}" => admin_users::get_user;
        POST "/api/v1/admin/users/{id}/deactivate" => admin_users::deactivate_user;
        POST "/api/v1/admin/users/{id}/reactivate" => admin_users::reactivate_user;
        PUT "/api/v1/admin/users/{id}/roles" => admin_users::set_user_roles;
        POST "/api/v1/admin/users/{id}/password" => admin_users::reset_user_password;

        GET "/api/v1/families" => families::list_families;
        POST "/api/v1/families" => families::create_family;
        GET "/api/v1/families/{id}" => families::get_family;
        PATCH "/api/v1/families/{id}" => families::update_family;
        POST "/api/v1/families/{id}/members" => people::add_member;
        POST "/api/v1/families/{id}/relationships" => people::add_relationship;
        GET "/api/v1/families/{id}/consents" => consents::list_consents;
        POST "/api/v1/families/{id}/consents" => consents::record_consent;
        GET "/api/v1/families/{id}/chronology" => chronology::get_chronology;
        GET "/api/v1/people/{id}" => people::get_person;
        PATCH "/api/v1/people/{id}" => people::update_person;
        POST "/api/v1/consents/{id}/withdraw" => consents::withdraw_consent;

        GET "/api/v1/episodes" => episodes::list_episodes;
        POST "/api/v1/episodes" => episodes::open_episode;
        GET "/api/v1/episodes/{id}" => episodes::get_episode;
        POST "/api/v1/episodes/{id}/threshold" => episode_transitions::change_threshold;
        POST "/api/v1/episodes/{id}/transfer" => episode_transitions::propose_transfer;
        POST "/api/v1/episodes/{id}/transfer/accept" => episode_transitions::accept_transfer;
        POST "/api/v1/episodes/{id}/close" => episode_transitions::close_episode;
        POST "/api/v1/episodes/{id}/assessments" => assessments::start_assessment;

        GET "/api/v1/form-templates" => form_templates::list_form_templates;
        POST "/api/v1/form-templates" => form_templates::publish_form_template;
        GET "/api/v1/assessments/{id}" => assessments::get_assessment;
        PATCH "/api/v1/assessments/{id}" => assessments::update_assessment;
        POST "/api/v1/assessments/{id}/submit" => assessments::submit_assessment;
        GET "/api/v1/assessments/{id}/revisions" => assessments::list_revisions;

        GET "/api/v1/reviews" => reviews::list_reviews;
        GET "/api/v1/reviews/{id}" => reviews::get_review;
        POST "/api/v1/reviews/{id}/assign" => reviews::assign_review;
        POST "/api/v1/reviews/{id}/decision" => reviews::decide_review;
        GET "/api/v1/professionals/{id}/feedback" => reviews::professional_feedback;
        GET "/api/v1/organisations/{id}/feedback" => reviews::organisation_feedback;
    }
}

/// `(method, path)` of every endpoint, for the drift test and the access matrix.
pub fn route_list() -> Vec<(Method, &'static str)> {
    endpoints()
        .into_iter()
        .map(|e| (e.method, e.path))
        .collect()
}

/// Registers every endpoint, grouping methods by path into one resource each.
pub fn configure(config: &mut ServiceConfig) {
    let mut paths: Vec<&'static str> = Vec::new();
    let mut grouped: Vec<Vec<Endpoint>> = Vec::new();
    for endpoint in endpoints() {
        match paths.iter().position(|path| *path == endpoint.path) {
            Some(index) => grouped[index].push(endpoint),
            None => {
                paths.push(endpoint.path);
                grouped.push(vec![endpoint]);
            }
        }
    }
    for (path, endpoints) in paths.into_iter().zip(grouped) {
        let allow: Vec<&str> = endpoints.iter().map(|e| e.method.as_str()).collect();
        let allow = allow.join(", ");
        let mut resource = web::resource(path);
        for endpoint in endpoints {
            resource = resource.route(endpoint.route);
        }
        resource = resource.default_service(web::to(move || {
            let allow = allow.clone();
            async move { Err::<HttpResponse, _>(ApiError::MethodNotAllowed { allow }) }
        }));
        config.service(resource);
    }
}

pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("No such endpoint."))
}
