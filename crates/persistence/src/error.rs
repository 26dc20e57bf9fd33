//! The persistence error: database failures sorted into what a caller can act on.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("record not found")]
    NotFound,
    /// A unique constraint refused the write; `constraint` names it so the caller can explain.
    #[error("conflicts with an existing record ({constraint})")]
    Conflict { constraint: String },
    /// A foreign key refused the write: a referenced record does not exist.
    #[error("refers to a record that does not exist ({constraint})")]
    MissingReference { constraint: String },
    /// No connection could be had in time, or the connection broke: the database is down or
    /// overloaded. Callers answer 503 and may retry.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A write path finished without recording what it did in the audit trail.
    #[error("a change was about to commit without an audit entry")]
    Unaudited,
    /// A rule refused the change part-way; the transaction was rolled back on purpose.
    #[error("the change was refused and rolled back")]
    RolledBack,
    #[error("{0}")]
    Migration(String),
    #[error(transparent)]
    Query(DieselError),
}

impl From<DieselError> for Error {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Error::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Error::Conflict {
                    constraint: info.constraint_name().unwrap_or("unique").to_owned(),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                Error::MissingReference {
                    constraint: info.constraint_name().unwrap_or("foreign_key").to_owned(),
                }
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => Error::Unavailable(info.message().to_owned()),
            other => Error::Query(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for Error {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Error::Unavailable(error.to_string())
    }
}
