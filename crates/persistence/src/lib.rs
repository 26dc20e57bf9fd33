//! Storage for earlyhelp: the diesel schema, row structs, scoped queries, embedded migrations
//! and the audit writer. It knows nothing of HTTP; every function takes its connection
//! explicitly so callers decide the transaction.

pub mod audit;
pub mod error;
pub mod localities;
pub mod migrations;
pub mod organisations;
pub mod pagination;
pub mod pool;
pub mod schema;
pub mod sessions;
pub mod users;

pub use diesel::pg::PgConnection;
pub use error::Error;
pub use pool::{Db, DbConnection, PoolSettings};

pub type Result<T, E = Error> = std::result::Result<T, E>;
