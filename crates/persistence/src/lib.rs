//! Storage for earlyhelp: the diesel schema, row structs, scoped queries, embedded migrations
//! and the audit writer. It knows nothing of HTTP; every function takes its connection
//! explicitly so callers decide the transaction.

pub mod assessments;
pub mod audit;
pub mod chronology;
pub mod consents;
pub mod episodes;
pub mod error;
pub mod families;
pub mod idempotency;
pub mod localities;
pub mod migrations;
pub mod organisations;
pub mod pagination;
pub mod pool;
pub mod reviews;
pub mod schema;
pub mod scope;
pub mod sessions;
pub mod templates;
pub mod users;

pub use diesel::pg::PgConnection;
pub use error::Error;
pub use pool::{Db, DbConnection, PoolSettings};

pub type Result<T, E = Error> = std::result::Result<T, E>;
