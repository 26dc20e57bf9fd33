//! The use cases of earlyhelp, between the HTTP layer and storage.
//!
//! Each workflow step is one function taking a connection, the audit context, the actor and a
//! typed command. It checks the policy, opens the transaction, locks what it changes,
//! re-checks the domain rule under the lock, writes, and records the audit and chronology
//! entries in the same transaction; it returns a typed outcome or a [`Failure`]. The HTTP
//! handlers and the demo seeder call the same functions, so a rule lives in one place.

pub mod access;
pub mod clock;
mod failure;
pub mod passwords;
pub mod step;

pub mod access_requests;
pub mod assessments;
pub mod chronology;
pub mod consents;
pub mod consultation_requests;
pub mod consultations;
pub mod directory;
pub mod episodes;
pub mod families;
pub mod governance;
pub mod meetings;
pub mod people;
pub mod performance;
pub mod reports;
pub mod retention;
pub mod review_reports;
pub mod reviews;
pub mod role_grants;
pub mod sealing;
pub mod sessions;
pub mod step_downs;
pub mod step_ups;
pub mod subject_access;
pub mod tafs;
pub mod templates;
pub mod work;

pub use earlyhelp_persistence::audit::AuditContext;
pub use earlyhelp_persistence::PgConnection;
pub use failure::{DuplicateCandidate, Failure, Refusal, RefusalClass};

pub type Result<T, E = Failure> = std::result::Result<T, E>;
