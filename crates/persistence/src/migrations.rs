//! Migrations from the top-level `migrations/` folder, embedded in the binary.

use crate::{Error, Result};
use diesel::pg::PgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

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

/// The versions the binary knows but the database has not applied.
pub fn pending(conn: &mut PgConnection) -> Result<Vec<String>> {
    let pending = conn
        .pending_migrations(MIGRATIONS)
        .map_err(|error| Error::Migration(format!("cannot read migration state: {error}")))?;
    Ok(pending
        .iter()
        .map(|migration| migration.name().version().to_string())
        .collect())
}

/// Reverts every applied migration (newest first). For the reversibility test.
pub fn revert_all(conn: &mut PgConnection) -> Result<usize> {
    let reverted = conn
        .revert_all_migrations(MIGRATIONS)
        .map_err(|error| Error::Migration(format!("revert failed: {error}")))?;
    Ok(reverted.len())
}
