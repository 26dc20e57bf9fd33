//! The pure heart of earlyhelp: typed ids, roles, validated values and the access policy.
//!
//! Nothing here performs IO; the persistence and HTTP crates turn requests and rows into
//! these types and ask them questions.

pub mod annex_a;
pub mod assessment;
pub mod audit;
pub mod audit_seal;
pub mod calendar;
pub mod consultation;
pub mod directory;
pub mod email;
pub mod episode;
pub mod forms;
pub mod ids;
pub mod password;
pub mod person;
pub mod policy;
pub mod report;
pub mod retention;
pub mod review;
pub mod role;
pub mod role_grant;
pub mod signin;
#[cfg(feature = "diesel")]
mod sql;
pub mod step_down;
pub mod step_up;
pub mod taf;
pub mod text;
pub mod validation;
pub mod work;

pub use email::Email;
pub use ids::*;
pub use role::Role;
