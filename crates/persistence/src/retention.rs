//! Retention and erasure: what has fallen due, legal holds, and the erasure functions of
//! migration 000023 (which run as the tables' owner, so append-only records can be erased
//! there and nowhere else). Each erasure leaves a tombstone; one that exists already means the
//! record was erased before, and nothing is done twice.

use crate::schema::{erasures, families, no_names_consultations};
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Date, Integer, Nullable, Text, Uuid as SqlUuid};
use earlyhelp_domain::retention::{ErasedRecord, RetentionRules};
use earlyhelp_domain::{FamilyId, UserId};
use uuid::Uuid;

/// A record past its retention date.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Due {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    /// The family's reference; `None` for a consultation.
    #[diesel(sql_type = Nullable<Text>)]
    pub reference: Option<String>,
    #[diesel(sql_type = Date)]
    pub due_on: NaiveDate,
}

/// Families whose youngest child reached the retention age by `as_of`, with no open episode,
/// no legal hold and no tombstone: the first `limit`, soonest due first. A family with no
/// child recorded is never due under this rule.
pub fn due_families(
    conn: &mut PgConnection,
    rules: &RetentionRules,
    as_of: NaiveDate,
    limit: i64,
) -> Result<Vec<Due>> {
    Ok(diesel::sql_query(
        "SELECT f.id, f.reference, \
                (max(coalesce(p.date_of_birth, p.expected_date_of_birth)) \
                 + make_interval(years => $1))::date AS due_on \
         FROM families f JOIN people p ON p.family_id = f.id AND p.kind = 'child' \
         WHERE f.legal_hold_at IS NULL \
           AND NOT EXISTS (SELECT 1 FROM erasures e \
                           WHERE e.record_type = 'family' AND e.record_id = f.id) \
           AND NOT EXISTS (SELECT 1 FROM episodes ep \
                           WHERE ep.family_id = f.id AND ep.state = 'open') \
         GROUP BY f.id \
         HAVING (max(coalesce(p.date_of_birth, p.expected_date_of_birth)) \
                 + make_interval(years => $1))::date <= $2 \
         ORDER BY due_on, f.id LIMIT $3",
    )
    .bind::<Integer, _>(i32::try_from(rules.child_age_years).unwrap_or(i32::MAX))
    .bind::<Date, _>(as_of)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)?)
}

/// No Names Consultations held at least the retention years before `as_of`, with no legal
/// hold and no tombstone: the first `limit`, soonest due first.
pub fn due_consultations(
    conn: &mut PgConnection,
    rules: &RetentionRules,
    as_of: NaiveDate,
    limit: i64,
) -> Result<Vec<Due>> {
    Ok(diesel::sql_query(
        "SELECT c.id, NULL::text AS reference, \
                (c.held_on + make_interval(years => $1))::date AS due_on \
         FROM no_names_consultations c \
         WHERE c.legal_hold_at IS NULL \
           AND NOT EXISTS (SELECT 1 FROM erasures e \
                           WHERE e.record_type = 'no_names_consultation' AND e.record_id = c.id) \
           AND (c.held_on + make_interval(years => $1))::date <= $2 \
         ORDER BY due_on, c.id LIMIT $3",
    )
    .bind::<Integer, _>(i32::try_from(rules.consultation_years).unwrap_or(i32::MAX))
    .bind::<Date, _>(as_of)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)?)
}

/// How an erasure is recorded on its tombstone.
#[derive(Debug, Clone)]
pub enum Why {
    /// Past its retention date under `rule`.
    Retention { rule: String, due_on: NaiveDate },
    /// Created in error, erased by an administrator with a note.
    CreatedInError { note: String, by: UserId },
}

/// Erases one record's personal content and leaves its tombstone, in the caller's
/// transaction; false when its tombstone exists already. A record under a legal hold, or one
/// that does not exist, is an error from the database.
pub fn erase(conn: &mut PgConnection, record: ErasedRecord, id: Uuid, why: &Why) -> Result<bool> {
    #[derive(QueryableByName)]
    struct Erased {
        #[diesel(sql_type = Bool)]
        erased: bool,
    }
    let function = match record {
        ErasedRecord::Family => "erase_family",
        ErasedRecord::NoNamesConsultation => "erase_no_names_consultation",
    };
    let (reason, rule, due_on, note, by) = match why {
        Why::Retention { rule, due_on } => {
            ("retention", Some(rule.as_str()), Some(*due_on), None, None)
        }
        Why::CreatedInError { note, by } => (
            "created_in_error",
            None,
            None,
            Some(note.as_str()),
            Some(*by),
        ),
    };
    Ok(diesel::sql_query(format!(
        "SELECT {function}($1, $2, $3, $4, $5, $6) AS erased"
    ))
    .bind::<SqlUuid, _>(id)
    .bind::<Text, _>(reason)
    .bind::<Nullable<Text>, _>(rule)
    .bind::<Nullable<Date>, _>(due_on)
    .bind::<Nullable<Text>, _>(note)
    .bind::<Nullable<SqlUuid>, _>(by)
    .get_result::<Erased>(conn)?
    .erased)
}

/// A tombstone.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = erasures)]
pub struct Tombstone {
    pub id: Uuid,
    pub record_type: String,
    pub record_id: Uuid,
    pub reference: Option<String>,
    pub reason: String,
    pub rule: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub erased_at: DateTime<Utc>,
    pub erased_by: Option<UserId>,
}

/// The tombstone of a record, if it was erased.
pub fn tombstone(
    conn: &mut PgConnection,
    record: ErasedRecord,
    id: Uuid,
) -> Result<Option<Tombstone>> {
    Ok(erasures::table
        .filter(erasures::record_type.eq(record.as_str()))
        .filter(erasures::record_id.eq(id))
        .select(Tombstone::as_select())
        .first(conn)
        .optional()?)
}

/// When (and why) the family is under a legal hold, if it is.
pub fn family_hold(conn: &mut PgConnection, family: FamilyId) -> Result<Option<DateTime<Utc>>> {
    Ok(families::table
        .find(family)
        .select(families::legal_hold_at)
        .first(conn)?)
}

/// Places (with a reason) or lifts (`None`) a legal hold on a family or a consultation;
/// false when there is no such record.
pub fn set_hold(
    conn: &mut PgConnection,
    record: ErasedRecord,
    id: Uuid,
    reason: Option<&str>,
) -> Result<bool> {
    let at = reason.map(|_| Utc::now());
    let updated = match record {
        ErasedRecord::Family => diesel::update(families::table.find(FamilyId::from(id)))
            .set((
                families::legal_hold_at.eq(at),
                families::legal_hold_reason.eq(reason),
            ))
            .execute(conn)?,
        ErasedRecord::NoNamesConsultation => diesel::update(no_names_consultations::table.find(id))
            .set((
                no_names_consultations::legal_hold_at.eq(at),
                no_names_consultations::legal_hold_reason.eq(reason),
            ))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// How many families and consultations are held.
pub fn held(conn: &mut PgConnection) -> Result<i64> {
    let families: i64 = families::table
        .filter(families::legal_hold_at.is_not_null())
        .count()
        .get_result(conn)?;
    let consultations: i64 = no_names_consultations::table
        .filter(no_names_consultations::legal_hold_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(families + consultations)
}
