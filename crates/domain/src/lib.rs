//! The pure heart of earlyhelp: typed ids, roles, validated values and the access policy.
//!
//! Nothing here performs IO; the persistence and HTTP crates turn requests and rows into
//! these types and ask them questions.

pub mod audit;
pub mod directory;
pub mod email;
pub mod ids;
pub mod password;
pub mod policy;
pub mod role;
pub mod signin;

pub use email::Email;
pub use ids::*;
pub use role::Role;
