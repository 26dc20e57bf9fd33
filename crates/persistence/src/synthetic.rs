//! Synthetic data at national scale, for benchmarks and query plans: families with everything
//! that happens to them over several years, generated inside PostgreSQL in large batches (one
//! `INSERT ... SELECT` per table per batch), never row by row.
//!
//! Every value is drawn from a hash of the seed, the family's number and a salt, so a seed
//! gives the same data whatever the batch size or the number of loaders running batches side
//! by side, and a load cut off part way resumes where it stopped. Only synthetic names appear (`Synthetic-...` family names, `*@synthetic.earlyhelp.test`
//! accounts). It writes the tables directly, bypassing the workflows' audit trail: it is an
//! operator's bulk load into a bench database, like a restore, not a user's action.

use crate::Result;
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb, Text, Uuid as SqlUuid};
use uuid::Uuid;

const SETUP: &str = include_str!("synthetic/setup.sql");
const DIRECTORY: &str = include_str!("synthetic/directory.sql");
const NUMBERING: &str = include_str!("synthetic/numbering.sql");
const FAMILIES: &str = include_str!("synthetic/families.sql");
const WORK: &str = include_str!("synthetic/work.sql");

/// The first synthetic family's reference number: above any the application hands out.
const FIRST_REFERENCE: i64 = 10_000_000;

/// What one load is: its seed, the moment it is as of, and how many years of history.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub seed: u64,
    pub as_of: DateTime<Utc>,
    pub years: u32,
}

/// How big the directory is: partner organisations per locality (two to four practitioners
/// each), LCSS workers per locality, and social workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectorySize {
    pub organisations_per_locality: u32,
    pub lcss_per_locality: u32,
    pub social_workers: u32,
}

impl DirectorySize {
    /// A directory in proportion to `families`: about 200 families per organisation over the
    /// years (a lead holds a dozen or two open at once), one LCSS worker per 20,000.
    pub fn for_families(families: u64) -> Self {
        let per = |n: u64, floor: u32| u32::try_from(n).unwrap_or(u32::MAX).max(floor);
        Self {
            organisations_per_locality: per(families.div_ceil(600), 8),
            lcss_per_locality: per(families.div_ceil(20_000), 4),
            social_workers: per(families.div_ceil(20_000), 5),
        }
    }
}

/// The form content the synthetic forms carry: a draft, a first attempt LCSS returns, and the
/// final accepted version, of the current Strengths and Needs template.
#[derive(Debug, Clone)]
pub struct FormContents {
    pub draft: serde_json::Value,
    pub first_attempt: serde_json::Value,
    pub final_version: serde_json::Value,
}

/// Readies the first session for loading: [`prepare_session`], then the directory (created
/// once; found on a later run) and its numbering.
pub fn prepare(
    conn: &mut PgConnection,
    plan: &Plan,
    size: DirectorySize,
    password_hash: &str,
    contents: &FormContents,
) -> Result<()> {
    prepare_session(conn, plan, password_hash, contents)?;
    conn.transaction(|conn| {
        conn.batch_execute(
            &DIRECTORY
                .replace("{orgs}", &size.organisations_per_locality.to_string())
                .replace("{lcss}", &size.lcss_per_locality.to_string())
                .replace("{social}", &size.social_workers.to_string()),
        )
    })?;
    conn.batch_execute(NUMBERING)?;
    Ok(())
}

/// Readies another loader's session once [`prepare`] has made the directory: its helper
/// functions, the form contents and the directory's numbering.
pub fn join(
    conn: &mut PgConnection,
    plan: &Plan,
    password_hash: &str,
    contents: &FormContents,
) -> Result<()> {
    prepare_session(conn, plan, password_hash, contents)?;
    conn.batch_execute(NUMBERING)?;
    Ok(())
}

/// A session's helper functions (seed and moment formatted in), secret and form contents.
fn prepare_session(
    conn: &mut PgConnection,
    plan: &Plan,
    password_hash: &str,
    contents: &FormContents,
) -> Result<()> {
    let as_of = plan.as_of.to_rfc3339();
    conn.batch_execute(
        &SETUP
            .replace("{seed}", &plan.seed_sql().to_string())
            .replace("{anchor}", &as_of),
    )?;
    conn.batch_execute(
        "CREATE TEMP TABLE IF NOT EXISTS syn_secret (hash text NOT NULL); TRUNCATE syn_secret; \
         CREATE TEMP TABLE IF NOT EXISTS syn_content \
           (version text PRIMARY KEY, template_id uuid NOT NULL, content jsonb NOT NULL); \
         TRUNCATE syn_content;",
    )?;
    diesel::sql_query("INSERT INTO syn_secret VALUES ($1)")
        .bind::<Text, _>(password_hash)
        .execute(conn)?;
    let template: Uuid = diesel::sql_query(
        "SELECT id FROM form_templates WHERE name = 'strengths_and_needs' \
         ORDER BY version DESC LIMIT 1",
    )
    .get_result::<TemplateId>(conn)?
    .id;
    for (version, content) in [
        ("draft", &contents.draft),
        ("first_attempt", &contents.first_attempt),
        ("final", &contents.final_version),
    ] {
        diesel::sql_query("INSERT INTO syn_content VALUES ($1, $2, $3)")
            .bind::<Text, _>(version)
            .bind::<SqlUuid, _>(template)
            .bind::<Jsonb, _>(content)
            .execute(conn)?;
    }
    Ok(())
}

/// How many of families `0..families` are already loaded (a resumed load skips them).
pub fn loaded(conn: &mut PgConnection, families: u64) -> Result<u64> {
    let last = FIRST_REFERENCE + i64::try_from(families).unwrap_or(i64::MAX - FIRST_REFERENCE);
    let found: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM families \
         WHERE reference LIKE 'FAM-1_______' AND length(reference) = 12 \
           AND substr(reference, 5)::bigint >= $1 AND substr(reference, 5)::bigint < $2",
    )
    .bind::<BigInt, _>(FIRST_REFERENCE)
    .bind::<BigInt, _>(last)
    .get_result(conn)?;
    Ok(u64::try_from(found.n).unwrap_or(0))
}

/// Loads families `from..to` (numbered from 0) not yet loaded, and their histories, in one
/// transaction.
pub fn load_batch(conn: &mut PgConnection, plan: &Plan, from: u64, to: u64) -> Result<()> {
    let days = (u64::from(plan.years) * 365).to_string();
    let fill = |sql: &str| {
        sql.replace("{from}", &from.to_string())
            .replace("{to}", &to.to_string())
            .replace("{days}", &days)
    };
    conn.transaction(|conn| {
        conn.batch_execute(&fill(FAMILIES))?;
        conn.batch_execute(&fill(WORK))
    })?;
    Ok(())
}

/// Leaves the tables as a running database's autovacuum would: statistics for the planner,
/// and visibility maps so index-only scans need not visit the heap.
pub fn analyze(conn: &mut PgConnection) -> Result<()> {
    conn.batch_execute("VACUUM ANALYZE")?;
    Ok(())
}

impl Plan {
    /// The seed as PostgreSQL's hash takes it (a signed 64-bit integer, the same bits).
    fn seed_sql(&self) -> i64 {
        i64::from_ne_bytes(self.seed.to_ne_bytes())
    }
}

#[derive(QueryableByName)]
struct TemplateId {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_grows_with_the_families_from_a_floor() {
        assert_eq!(
            DirectorySize::for_families(1_000),
            DirectorySize {
                organisations_per_locality: 8,
                lcss_per_locality: 4,
                social_workers: 5
            }
        );
        let national = DirectorySize::for_families(1_000_000);
        assert_eq!(national.organisations_per_locality, 1_667);
        assert_eq!(national.lcss_per_locality, 50);
    }
}
