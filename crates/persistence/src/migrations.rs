//! Migrations from the top-level `migrations/` folder, embedded in the binary.

use crate::{Error, Result};
use diesel::pg::PgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// The migration after which people's name keys are computed by the application.
const NAME_KEYS_IN_RUST: &str = "20261201000003";

/// Applies every pending migration; returns the versions applied.
pub fn run_pending(conn: &mut PgConnection) -> Result<Vec<String>> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|error| Error::Migration(format!("migration failed: {error}")))?;
    Ok(applied
        .into_iter()
        .map(|version| version.to_string())
        .collect())
}

/// The versions the binary knows but the database has not applied. Only reads the migration
/// history, so the serving role (which may not create the history table) can ask.
pub fn pending(conn: &mut PgConnection) -> Result<Vec<String>> {
    use diesel::migration::MigrationSource;
    use diesel::sql_types::{Nullable, Text};
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = Text)]
        version: String,
    }
    let history = diesel::select(diesel::dsl::sql::<Nullable<Text>>(
        "to_regclass('__diesel_schema_migrations')::text",
    ))
    .get_result::<Option<String>>(conn)
    .map_err(|error| match Error::from(error) {
        Error::Query(other) => Error::Unavailable(format!("cannot read migration state: {other}")),
        classified => classified,
    })?;
    let applied: Vec<String> = match history {
        Some(_) => diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load::<Version>(conn)?
            .into_iter()
            .map(|row| row.version)
            .collect(),
        None => Vec::new(),
    };
    let known = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS).map_err(|error| {
        Error::Migration(format!("cannot read the embedded migrations: {error}"))
    })?;
    Ok(known
        .iter()
        .map(|migration| migration.name().version().to_string())
        .filter(|version| !applied.contains(version))
        .collect())
}

/// Reverts every applied migration (newest first). For the reversibility test.
pub fn revert_all(conn: &mut PgConnection) -> Result<usize> {
    let reverted = conn
        .revert_all_migrations(MIGRATIONS)
        .map_err(|error| Error::Migration(format!("revert failed: {error}")))?;
    Ok(reverted.len())
}

/// The advisory lock migrators hold, so several instances starting at once take turns: the
/// first applies what is pending, the others then find the database current.
const MIGRATION_LOCK: i64 = 0x6561_726c_796d_6967; // "earlymig"

/// Applies pending migrations, then publishes the built-in form templates that are missing
/// (the Strengths and Needs form v1), so a new installation can start assessments at once.
/// Holds the migration lock throughout, so concurrent migrators never collide.
pub fn prepare(conn: &mut PgConnection) -> Result<Vec<String>> {
    use diesel::sql_types::BigInt;
    use diesel::RunQueryDsl;
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK)
        .execute(conn)?;
    let prepared = prepare_locked(conn);
    let unlocked = diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK)
        .execute(conn);
    let applied = prepared?;
    unlocked?;
    Ok(applied)
}

fn prepare_locked(conn: &mut PgConnection) -> Result<Vec<String>> {
    let applied = run_pending(conn)?;
    // The migration that moved the name keys from SQL into the application backfills them
    // with the old SQL rule; the application's own key replaces it once, here.
    if applied.iter().any(|version| version == NAME_KEYS_IN_RUST) {
        crate::families::rekey_people(conn)?;
    }
    if crate::templates::latest(conn, earlyhelp_domain::forms::SNF_TEMPLATE_NAME)?.is_none() {
        let definition = serde_json::to_value(earlyhelp_domain::forms::snf_v1())
            .map_err(|error| Error::Migration(format!("built-in template: {error}")))?;
        crate::templates::publish(
            conn,
            earlyhelp_domain::forms::SNF_TEMPLATE_NAME,
            &definition,
            None,
        )?;
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::migration::MigrationSource;
    use diesel::pg::Pg;

    #[test]
    fn the_name_key_migration_is_one_the_binary_carries() {
        let versions: Vec<String> = MigrationSource::<Pg>::migrations(&MIGRATIONS)
            .expect("embedded migrations")
            .iter()
            .map(|migration| migration.name().version().to_string())
            .collect();
        assert!(
            versions.iter().any(|v| v == NAME_KEYS_IN_RUST),
            "{versions:?}"
        );
    }
}
