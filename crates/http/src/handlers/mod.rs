//! Handlers, one module per resource, one function per action (`<verb>_<resource>`).

pub mod actions;
pub mod admin_localities;
pub mod admin_organisations;
pub mod admin_users;
pub mod assessments;
pub mod auth;
pub mod chronology;
pub mod consents;
pub mod consultations;
pub mod directory;
pub mod episode_transitions;
pub mod episodes;
pub mod families;
pub mod feedback;
pub mod form_templates;
pub mod known_elsewhere;
pub mod me;
pub mod meetings;
pub mod ops;
pub mod people;
pub mod reviews;
pub mod step_ups;
pub mod taf_reviews;
pub mod tafs;
pub mod wire;
pub mod work;
