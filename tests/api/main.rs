//! Black-box HTTP tests of the whole earlyhelp app against a real PostgreSQL.
//!
//! Each test starts the real server on a free loopback port, against its own database cloned
//! from a template migrated once per run (see `helpers::test_db`), so tests run in parallel.

mod case_helpers;
mod helpers;

mod access;
mod access_reach;
mod access_requests;
mod access_table;
mod activity_reports;
mod admin;
mod assessment_loop;
mod assessments;
mod audit;
mod audit_seal;
mod audit_trail;
mod audited_reads;
mod auth;
mod consents;
mod consultation_requests;
mod consultations;
mod directory;
mod duplicates;
mod episodes;
mod erasure;
mod errors;
mod families;
mod idempotency;
mod meetings;
mod openapi;
mod ops;
mod performance_reports;
mod privacy;
mod report_formats;
mod report_reach;
mod reports;
mod review_reports;
mod separation_of_duties;
mod serving_role;
mod step_downs;
mod step_ups;
mod subject_access;
mod synthetic;
mod tafs;
mod tokens;
mod transport;
mod work;
