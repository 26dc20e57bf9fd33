//! Fault-injection tests: the real `earlyhelp` binary, run as a child process against a real
//! PostgreSQL, is killed, terminated, starved of connections and has its database restarted
//! under it.
//!
//! Build the binary first (`cargo build -p earlyhelp`; scripts/test does). The tests run one
//! at a time (`harness::serial`) because some of them restart the local PostgreSQL cluster.

mod harness;

mod kill;
mod pool;
mod postgres_restart;
mod shutdown;
mod terminated;
