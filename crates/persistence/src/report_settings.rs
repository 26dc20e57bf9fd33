//! What performance reports compare against: under-18 populations and SNF targets.

use crate::schema::{report_populations, snf_targets};
use crate::Result;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::{LocalityId, UserId};

/// The under-18 population of the county (`locality_id` `None`) or a locality.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Population {
    pub locality_id: Option<LocalityId>,
    pub under_18: i32,
}

/// SNFs to complete in a financial year, in all (`organisation_kind` `all`) or per kind.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Target {
    pub financial_year: i16,
    pub organisation_kind: String,
    pub target: i32,
}

/// Replaces every population and target with these (one statement each, in the caller's
/// transaction).
pub fn replace(
    conn: &mut PgConnection,
    populations: &[Population],
    targets: &[Target],
    by: UserId,
) -> Result<()> {
    diesel::delete(report_populations::table).execute(conn)?;
    diesel::delete(snf_targets::table).execute(conn)?;
    let rows: Vec<_> = populations
        .iter()
        .map(|population| {
            (
                report_populations::locality_id.eq(population.locality_id),
                report_populations::under_18.eq(population.under_18),
                report_populations::updated_by.eq(by),
            )
        })
        .collect();
    diesel::insert_into(report_populations::table)
        .values(&rows)
        .execute(conn)?;
    let rows: Vec<_> = targets
        .iter()
        .map(|target| {
            (
                snf_targets::financial_year.eq(target.financial_year),
                snf_targets::organisation_kind.eq(&target.organisation_kind),
                snf_targets::target.eq(target.target),
                snf_targets::updated_by.eq(by),
            )
        })
        .collect();
    diesel::insert_into(snf_targets::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

pub fn populations(conn: &mut PgConnection) -> Result<Vec<Population>> {
    Ok(report_populations::table
        .select((
            report_populations::locality_id,
            report_populations::under_18,
        ))
        .order(report_populations::locality_id.asc().nulls_first())
        .load(conn)?)
}

pub fn targets(conn: &mut PgConnection) -> Result<Vec<Target>> {
    Ok(snf_targets::table
        .select((
            snf_targets::financial_year,
            snf_targets::organisation_kind,
            snf_targets::target,
        ))
        .order((snf_targets::financial_year, snf_targets::organisation_kind))
        .load(conn)?)
}
