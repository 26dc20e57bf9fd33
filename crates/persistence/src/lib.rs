//! Storage for earlyhelp: the diesel schema, row structs, scoped queries, embedded migrations
//! and the audit writer. It knows nothing of HTTP; every function takes its connection
//! explicitly so callers decide the transaction.

pub mod access_requests;
pub mod activity_reports;
pub mod assessments;
pub mod audit;
pub mod audit_queries;
pub mod audit_seals;
pub mod chronology;
pub mod consents;
pub mod consultation_requests;
pub mod consultations;
pub mod episodes;
pub mod error;
pub mod families;
pub mod idempotency;
pub mod known_elsewhere;
pub mod localities;
pub mod meetings;
pub mod migrations;
pub mod organisations;
pub mod pagination;
pub mod pool;
pub mod report_settings;
pub mod reports;
pub mod retention;
pub mod review_reports;
pub mod reviews;
pub mod role_grants;
pub mod schema;
pub mod scope;
pub mod sessions;
pub mod step_downs;
pub mod step_ups;
pub mod subject_access;
pub mod synthetic;
pub mod tafs;
pub mod templates;
pub mod users;
pub mod work;

pub use diesel::pg::PgConnection;
pub use error::Error;
pub use pool::{check_url, probe, Db, DbConnection, PoolSettings, Probe, UrlProblem};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Runs `work` in one transaction that commits only if it succeeds: several steps that must
/// land together (a demo family's whole story) or not at all. Transactions opened inside
/// become savepoints.
pub fn atomically<T, E>(
    conn: &mut PgConnection,
    work: impl FnOnce(&mut PgConnection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E>
where
    E: From<Error>,
{
    use diesel::Connection;
    let mut failed = None;
    let result = conn.transaction::<T, diesel::result::Error, _>(|conn| {
        work(conn).map_err(|error| {
            failed = Some(error);
            diesel::result::Error::RollbackTransaction
        })
    });
    match (result, failed) {
        (_, Some(error)) => Err(error),
        (Ok(value), None) => Ok(value),
        (Err(error), None) => Err(Error::from(error).into()),
    }
}
