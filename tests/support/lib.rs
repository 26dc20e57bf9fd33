//! What the two integration-test binaries share. `api/` runs the app in-process and `faults/`
//! runs the real binary as a child process, but both need databases of each test's own on the
//! test PostgreSQL ([`db`]) and HTTP requests whose replies are read whole ([`http`]).

pub mod db;
pub mod http;
