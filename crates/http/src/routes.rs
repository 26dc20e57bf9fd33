//! The route table: every endpoint, declared once, with who may call it.
//!
//! The same table registers the routes with actix and lists them, with their declared
//! [`Access`], for the OpenAPI drift test and the access matrix: a route cannot exist without
//! the tests seeing it, and the matrix checks each route against its declaration. Each path
//! answers 405 problem+json with an `Allow` header for methods it does not support.

use crate::error::ApiError;
use crate::handlers::{
    access_requests, actions, activity_reports, admin_localities, admin_organisations, admin_users,
    assessments, auth, chronology, consents, consultation_requests, consultations, directory,
    episode_transitions, episodes, erasure, families, feedback, form_templates, governance,
    known_elsewhere, me, meetings, ops, people, performance_reports, reports, review_reports,
    reviews, role_grants, step_down_answers, step_downs, step_ups, taf_reviews, tafs, work,
};
use actix_web::guard;
use actix_web::http::Method;
use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpResponse, Route};
use earlyhelp_domain::policy::Permission::{self, *};

/// Who may call a route. The handler enforces it by calling the policy; the declaration is
/// what the access-matrix tests hold every route to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a token.
    Public,
    /// Operators' monitoring: the metrics token when `EARLYHELP_METRICS_TOKEN` is set; not
    /// served on the main listener (404) when it is not, but for `serve --dev`, which serves
    /// it to anyone (see [`crate::settings::MetricsAccess`]).
    Metrics,
    /// Any signed-in user.
    SignedIn,
    /// Users whose roles grant the permission anywhere; 403 for everyone else.
    Granted(Permission),
    /// The permission on the one case record the path names: 404 when the record is outside
    /// the actor's scope, 403 when it is visible but the permission does not reach it.
    OnCase(Permission),
    /// A review action: 403 without the permission at all, 404 for a review of another
    /// locality, and the permission on the review's case otherwise.
    OnReview(Permission),
    /// A list, filtered in SQL to the records the permission reaches.
    Listed(Permission),
    /// A new case record (family or episode), in a place the actor's write scope reaches.
    NewCase,
    /// The actor's own records, or anyone's with the permission.
    OwnOr(Permission),
}

pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    route: Route,
}

macro_rules! endpoints {
    ($($method:ident $path:literal => $handler:path, $access:expr;)+) => {
        vec![$(Endpoint {
            method: Method::$method,
            path: $path,
            access: $access,
            route: route_for(Method::$method).to($handler),
        },)+]
    };
}

/// A route for `method`; a GET route answers HEAD as well (the same headers, no body), as
/// RFC 9110 asks of every server.
fn route_for(method: Method) -> Route {
    if method == Method::GET {
        web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
    } else {
        web::method(method)
    }
}

/// Every endpoint the server answers.
pub fn endpoints() -> Vec<Endpoint> {
    use Access::*;
    endpoints! {
        GET "/healthz" => ops::healthz, Public;
        GET "/readyz" => ops::readyz, Public;
        GET "/metrics" => ops::metrics, Metrics;
        GET "/docs" => ops::docs_index, Public;
        GET "/docs/" => ops::docs_home, Public;
        GET "/docs/{tail}" => ops::docs_asset, Public;
        GET "/api/v1/openapi.json" => ops::openapi_json, Public;
        GET "/api/v1/openapi.yaml" => ops::openapi_yaml, Public;

        POST "/api/v1/auth/login" => auth::login, Public;
        POST "/api/v1/auth/refresh" => auth::refresh, Public;
        POST "/api/v1/auth/logout" => auth::logout, SignedIn;
        POST "/api/v1/auth/password" => auth::change_password, Public;
        GET "/api/v1/me" => me::get_me, SignedIn;
        GET "/api/v1/me/work" => work::get_work, SignedIn;

        GET "/api/v1/admin/localities" => admin_localities::list_localities,
            Granted(ManageDirectory);
        POST "/api/v1/admin/localities" => admin_localities::create_locality,
            Granted(ManageDirectory);
        GET "/api/v1/admin/localities/{id}" => admin_localities::get_locality,
            Granted(ManageDirectory);
        PATCH "/api/v1/admin/localities/{id}" => admin_localities::update_locality,
            Granted(ManageDirectory);

        GET "/api/v1/admin/organisations" => admin_organisations::list_organisations,
            Granted(ManageDirectory);
        POST "/api/v1/admin/organisations" => admin_organisations::create_organisation,
            Granted(ManageDirectory);
        GET "/api/v1/admin/organisations/{id}" => admin_organisations::get_organisation,
            Granted(ManageDirectory);
        PATCH "/api/v1/admin/organisations/{id}" => admin_organisations::update_organisation,
            Granted(ManageDirectory);

        GET "/api/v1/admin/users" => admin_users::list_users, Granted(ManageDirectory);
        POST "/api/v1/admin/users" => admin_users::create_user, Granted(ManageDirectory);
        GET "/api/v1/admin/users/{id}" => admin_users::get_user, Granted(ManageDirectory);
        POST "/api/v1/admin/users/{id}/deactivate" => admin_users::deactivate_user,
            Granted(ManageDirectory);
        POST "/api/v1/admin/users/{id}/reactivate" => admin_users::reactivate_user,
            Granted(ManageDirectory);
        PUT "/api/v1/admin/users/{id}/roles" => admin_users::set_user_roles,
            Granted(ManageDirectory);
        POST "/api/v1/admin/users/{id}/password" => admin_users::reset_user_password,
            Granted(ManageDirectory);
        // Separation of duties: the second person confirms roles an administrator granted.
        GET "/api/v1/role-grants" => role_grants::list_role_grants, Granted(DecideRoleGrants);
        GET "/api/v1/role-grants/{id}" => role_grants::get_role_grant, Granted(DecideRoleGrants);
        POST "/api/v1/role-grants/{id}/confirm" => role_grants::confirm_role_grant,
            Granted(DecideRoleGrants);
        POST "/api/v1/role-grants/{id}/decline" => role_grants::decline_role_grant,
            Granted(DecideRoleGrants);

        GET "/api/v1/directory/organisations" => directory::search_organisations,
            Granted(ReadDirectory);
        GET "/api/v1/directory/professionals" => directory::search_professionals,
            Granted(ReadDirectory);
        GET "/api/v1/localities/{id}/contacts" => directory::get_locality_contacts,
            Granted(ReadDirectory);

        GET "/api/v1/families" => families::list_families, Listed(ReadCase);
        POST "/api/v1/families" => families::create_family, NewCase;
        GET "/api/v1/families/{id}" => families::get_family, OnCase(ReadCase);
        PATCH "/api/v1/families/{id}" => families::update_family, OnCase(WriteCase);
        POST "/api/v1/families/{id}/members" => people::add_member, OnCase(WriteCase);
        POST "/api/v1/families/{id}/relationships" => people::add_relationship, OnCase(WriteCase);
        GET "/api/v1/families/{id}/consents" => consents::list_consents, OnCase(ReadCase);
        POST "/api/v1/families/{id}/consents" => consents::record_consent, OnCase(WriteCase);
        GET "/api/v1/families/{id}/chronology" => chronology::get_chronology, OnCase(ReadCase);
        // Access outside the normal scope (break glass): asked for on a family the caller
        // cannot read, so no case check; listed and ended on the family's record.
        POST "/api/v1/families/{id}/access-requests" => access_requests::request_family_access,
            Granted(RequestAccess);
        // Erasure of a family recorded in error: administrators, who never read it.
        POST "/api/v1/families/{id}/erasure" => erasure::erase_family, Granted(EraseRecords);
        GET "/api/v1/families/{id}/access-requests" =>
            access_requests::list_family_access_requests, OnCase(ReadCase);
        GET "/api/v1/access-requests/{id}" => access_requests::get_access_request,
            OnCase(ReadCase);
        POST "/api/v1/access-requests/{id}/end" => access_requests::end_access_request,
            OnCase(EndAccess);
        GET "/api/v1/families/{id}/consultations" => consultations::list_advice_consultations,
            OnCase(ReadCase);
        POST "/api/v1/families/{id}/consultations" => consultations::record_advice_consultation,
            OnCase(RecordConsultations);
        GET "/api/v1/people/{id}" => people::get_person, OnCase(ReadCase);
        PATCH "/api/v1/people/{id}" => people::update_person, OnCase(WriteCase);
        GET "/api/v1/people/{id}/history" => people::get_person_history, OnCase(ReadCase);
        POST "/api/v1/consents/{id}/withdraw" => consents::withdraw_consent, OnCase(WriteCase);
        GET "/api/v1/known-elsewhere" => known_elsewhere::list_known_elsewhere,
            Listed(FollowUpMatches);
        POST "/api/v1/no-names-consultations" => consultations::record_no_names_consultation,
            Granted(RecordConsultations);
        GET "/api/v1/no-names-consultations" => consultations::list_no_names_consultations,
            Granted(RecordConsultations);
        // LCSS of another locality: 404.
        GET "/api/v1/no-names-consultations/{id}" => consultations::get_no_names_consultation,
            Granted(RecordConsultations);
        // And the permission to change the episode's family.
        POST "/api/v1/no-names-consultations/{id}/link" => consultations::link_no_names_consultation,
            Granted(RecordConsultations);
        POST "/api/v1/no-names-consultations/{id}/follow-up" =>
            consultation_requests::follow_up_consultation, Granted(RecordConsultations);
        POST "/api/v1/consultation-requests" => consultation_requests::request_consultation,
            Granted(RequestConsultations);
        // Their own requests, and LCSS its locality's.
        GET "/api/v1/consultation-requests" => consultation_requests::list_consultation_requests,
            OwnOr(RecordConsultations);
        GET "/api/v1/consultation-requests/{id}" => consultation_requests::get_consultation_request,
            OwnOr(RecordConsultations);

        GET "/api/v1/episodes" => episodes::list_episodes, Listed(ReadCase);
        POST "/api/v1/episodes" => episodes::open_episode, NewCase;
        GET "/api/v1/episodes/{id}" => episodes::get_episode, OnCase(ReadCase);
        POST "/api/v1/episodes/{id}/threshold" => episode_transitions::change_threshold,
            OnCase(WriteCase);
        POST "/api/v1/episodes/{id}/transfer" => episode_transitions::propose_transfer,
            OnCase(WriteCase);
        POST "/api/v1/episodes/{id}/transfer/accept" => episode_transitions::accept_transfer,
            OnCase(TakeOverEpisode);
        POST "/api/v1/episodes/{id}/close" => episode_transitions::close_episode, OnCase(WriteCase);
        POST "/api/v1/episodes/{id}/assessments" => assessments::start_assessment,
            OnCase(CompleteAssessment);
        POST "/api/v1/episodes/{id}/step-ups" => step_ups::raise_step_up, OnCase(WriteCase);
        GET "/api/v1/step-ups" => step_ups::list_step_ups, Listed(ReadCase);
        GET "/api/v1/step-ups/{id}" => step_ups::get_step_up, OnCase(ReadCase);
        POST "/api/v1/step-ups/{id}/decision" => step_ups::decide_step_up,
            OnCase(DecideStepUps);
        POST "/api/v1/step-downs" => step_downs::record_step_down, Granted(RecordStepDowns);
        // Within the scope of the grant: the county, a locality, or one's own caseload.
        GET "/api/v1/reports/caseload" => reports::caseload_report, Granted(ReadReports);
        GET "/api/v1/reports/annex-a" => reports::annex_a_report, Granted(ReadReports);
        GET "/api/v1/reports/step-transitions" => activity_reports::step_transitions_report,
            Granted(ReadReports);
        GET "/api/v1/reports/consultations" => activity_reports::consultations_report,
            Granted(ReadReports);
        GET "/api/v1/reports/taf" => activity_reports::taf_report, Granted(ReadReports);
        GET "/api/v1/reports/episode-durations" => activity_reports::episode_durations_report,
            Granted(ReadReports);
        GET "/api/v1/reports/review-turnaround" => review_reports::review_turnaround_report,
            Granted(ReadReports);
        GET "/api/v1/reports/feedback-quality" => review_reports::feedback_quality_report,
            Granted(ReadReports);
        GET "/api/v1/reports/performance" => performance_reports::performance_report,
            Granted(ReadReports);
        GET "/api/v1/reports/settings" => performance_reports::get_report_settings,
            Granted(ReadReports);
        PUT "/api/v1/reports/settings" => performance_reports::set_report_settings,
            Granted(SetReportTargets);

        // Information governance: the audit trail, never case content.
        GET "/api/v1/audit" => governance::search_audit, Granted(ReadAuditTrail);
        GET "/api/v1/people/{id}/access-log" => governance::person_access_log,
            Granted(ReadAuditTrail);
        GET "/api/v1/people/{id}/subject-access-export" => governance::subject_access_export,
            Granted(ExportSubjectAccess);
        GET "/api/v1/step-downs" => step_downs::list_step_downs, Listed(ReadCase);
        // And the lead it is allocated to.
        GET "/api/v1/step-downs/{id}" => step_downs::get_step_down, OnCase(ReadCase);
        POST "/api/v1/step-downs/{id}/allocate" => step_down_answers::allocate_step_down,
            OnCase(AllocateStepDowns);
        POST "/api/v1/step-downs/{id}/accept" => step_down_answers::accept_step_down,
            OnCase(TakeOverEpisode);
        POST "/api/v1/step-downs/{id}/decline" => step_down_answers::decline_step_down,
            OnCase(TakeOverEpisode);
        GET "/api/v1/episodes/{id}/taf" => tafs::get_episode_taf, OnCase(ReadCase);
        POST "/api/v1/episodes/{id}/taf" => tafs::form_taf, OnCase(WriteCase);

        GET "/api/v1/tafs" => taf_reviews::list_tafs, Listed(ReadCase);
        GET "/api/v1/tafs/{id}" => tafs::get_taf, OnCase(ReadCase);
        POST "/api/v1/tafs/{id}/close" => taf_reviews::close_taf, OnCase(WriteCase);
        GET "/api/v1/tafs/{id}/members" => tafs::list_taf_members, OnCase(ReadCase);
        POST "/api/v1/tafs/{id}/members" => tafs::add_taf_member, OnCase(WriteCase);
        DELETE "/api/v1/tafs/{id}/members/{member_id}" => tafs::end_taf_member,
            OnCase(WriteCase);
        GET "/api/v1/tafs/{id}/meetings" => meetings::list_meetings, OnCase(ReadCase);
        POST "/api/v1/tafs/{id}/meetings" => meetings::schedule_meeting, OnCase(RecordMeetings);
        GET "/api/v1/tafs/{id}/actions" => actions::list_actions, OnCase(ReadCase);
        // Before `/meetings/{id}`, which would otherwise take `received` for an id.
        GET "/api/v1/meetings/received" => meetings::list_received_minutes,
            Listed(ReviewAssessments);
        GET "/api/v1/meetings/{id}" => meetings::get_meeting, OnCase(ReadCase);
        PATCH "/api/v1/meetings/{id}" => meetings::update_meeting, OnCase(RecordMeetings);
        POST "/api/v1/meetings/{id}/finalise" => meetings::finalise_meeting, OnCase(WriteCase);
        POST "/api/v1/meetings/{id}/acknowledge" => meetings::acknowledge_meeting,
            OnCase(ReviewAssessments);
        // Its owner too (a team member with an account): see the handler.
        PATCH "/api/v1/actions/{id}" => actions::update_action, OnCase(WriteCase);

        GET "/api/v1/form-templates" => form_templates::list_form_templates, SignedIn;
        POST "/api/v1/form-templates" => form_templates::publish_form_template,
            Granted(PublishFormTemplates);
        GET "/api/v1/assessments/{id}" => assessments::get_assessment, OnCase(ReadCase);
        PATCH "/api/v1/assessments/{id}" => assessments::update_assessment,
            OnCase(CompleteAssessment);
        POST "/api/v1/assessments/{id}/submit" => assessments::submit_assessment,
            OnCase(CompleteAssessment);
        GET "/api/v1/assessments/{id}/revisions" => assessments::list_revisions, OnCase(ReadCase);

        GET "/api/v1/reviews" => reviews::list_reviews, Listed(ReviewAssessments);
        GET "/api/v1/reviews/{id}" => reviews::get_review, OnReview(ReviewAssessments);
        POST "/api/v1/reviews/{id}/assign" => reviews::assign_review, OnReview(ReviewAssessments);
        POST "/api/v1/reviews/{id}/decision" => reviews::decide_review, OnReview(ReviewAssessments);
        GET "/api/v1/professionals/{id}/feedback" => feedback::professional_feedback,
            OwnOr(ReviewAssessments);
        GET "/api/v1/organisations/{id}/feedback" => feedback::organisation_feedback,
            Granted(ReviewAssessments);
    }
}

/// `(method, path)` of every endpoint, for the drift test.
pub fn route_list() -> Vec<(Method, &'static str)> {
    endpoints()
        .into_iter()
        .map(|e| (e.method, e.path))
        .collect()
}

/// `(method, path, access)` of every endpoint, for the access matrix.
pub fn access_list() -> Vec<(Method, &'static str, Access)> {
    endpoints()
        .into_iter()
        .map(|e| (e.method, e.path, e.access))
        .collect()
}

/// Registers every endpoint, grouping methods by path into one resource each. Without
/// `metrics`, `/metrics` is not registered at all, so every method of it is the same 404 as any
/// unknown path.
pub fn configure(config: &mut ServiceConfig, metrics: bool) {
    let mut paths: Vec<&'static str> = Vec::new();
    let mut grouped: Vec<Vec<Endpoint>> = Vec::new();
    let served = endpoints()
        .into_iter()
        .filter(|endpoint| metrics || endpoint.access != Access::Metrics);
    for endpoint in served {
        match paths.iter().position(|path| *path == endpoint.path) {
            Some(index) => grouped[index].push(endpoint),
            None => {
                paths.push(endpoint.path);
                grouped.push(vec![endpoint]);
            }
        }
    }
    for (path, endpoints) in paths.into_iter().zip(grouped) {
        let allow: Vec<&str> = endpoints
            .iter()
            .flat_map(|e| match e.method {
                Method::GET => vec!["GET", "HEAD"],
                ref other => vec![other.as_str()],
            })
            .collect();
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
