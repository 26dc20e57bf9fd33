//! What is held about one person, for a subject access request: each document a JSON array of
//! whole rows (every column as stored), read in one snapshot. Household members appear only
//! where a record about the person names them (a relationship, the family's forms): the other
//! members' own records are theirs, not this person's.

use crate::Result;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use earlyhelp_domain::PersonId;

/// The family of the person `$1`.
const FAMILY: &str = "(SELECT family_id FROM people WHERE id = $1)";

/// The episodes of the person's family.
const EPISODES: &str =
    "(SELECT id FROM episodes WHERE family_id = (SELECT family_id FROM people WHERE id = $1))";

/// The assessments of those episodes.
const ASSESSMENTS: &str =
    "(SELECT id FROM assessments WHERE episode_id IN (SELECT id FROM episodes \
     WHERE family_id = (SELECT family_id FROM people WHERE id = $1)))";

/// The Teams Around the Family of the person's family.
const TAFS: &str =
    "(SELECT id FROM tafs WHERE family_id = (SELECT family_id FROM people WHERE id = $1))";

/// `(document, query)`: each query selects whole rows about the person `$1`, oldest first.
pub fn documents() -> Vec<(&'static str, String)> {
    vec![
        ("person", "SELECT * FROM people WHERE id = $1".into()),
        (
            "person_history",
            "SELECT * FROM person_history WHERE person_id = $1 ORDER BY recorded_at".into(),
        ),
        (
            "family",
            format!("SELECT * FROM families WHERE id = {FAMILY}"),
        ),
        (
            "relationships",
            "SELECT * FROM relationships WHERE person_id = $1 OR related_person_id = $1 \
             ORDER BY created_at"
                .into(),
        ),
        (
            "consents",
            format!("SELECT * FROM consents WHERE family_id = {FAMILY} ORDER BY created_at"),
        ),
        (
            "episodes",
            format!("SELECT * FROM episodes WHERE id IN {EPISODES} ORDER BY opened_at"),
        ),
        (
            "episode_children",
            "SELECT * FROM episode_children WHERE person_id = $1".into(),
        ),
        (
            "threshold_changes",
            format!("SELECT * FROM threshold_changes WHERE episode_id IN {EPISODES} ORDER BY changed_at"),
        ),
        (
            "lead_transfers",
            format!("SELECT * FROM lead_transfers WHERE episode_id IN {EPISODES} ORDER BY proposed_at"),
        ),
        (
            "snf_forms",
            format!("SELECT * FROM assessments WHERE id IN {ASSESSMENTS} ORDER BY created_at"),
        ),
        (
            "snf_revisions",
            format!(
                "SELECT * FROM assessment_revisions WHERE assessment_id IN {ASSESSMENTS} \
                 ORDER BY submitted_at"
            ),
        ),
        (
            "snf_reviews",
            format!("SELECT * FROM reviews WHERE assessment_id IN {ASSESSMENTS} ORDER BY created_at"),
        ),
        (
            "tafs",
            format!("SELECT * FROM tafs WHERE id IN {TAFS} ORDER BY created_at"),
        ),
        (
            "taf_membership",
            "SELECT * FROM taf_members WHERE person_id = $1 ORDER BY added_at".into(),
        ),
        (
            "taf_minutes",
            format!("SELECT * FROM taf_meetings WHERE taf_id IN {TAFS} ORDER BY starts_at"),
        ),
        (
            "taf_actions",
            format!("SELECT * FROM taf_actions WHERE taf_id IN {TAFS} ORDER BY created_at"),
        ),
        (
            "step_ups",
            format!("SELECT * FROM step_ups WHERE family_id = {FAMILY} ORDER BY raised_at"),
        ),
        (
            "step_downs",
            format!("SELECT * FROM step_downs WHERE family_id = {FAMILY} ORDER BY recorded_at"),
        ),
        (
            "consultations",
            format!(
                "SELECT * FROM advice_consultations WHERE family_id = {FAMILY} ORDER BY held_on"
            ),
        ),
        (
            "no_names_consultation_links",
            format!(
                "SELECT * FROM no_names_consultation_links WHERE family_id = {FAMILY} \
                 ORDER BY linked_at"
            ),
        ),
        (
            "chronology",
            format!(
                "SELECT * FROM chronology_entries WHERE family_id = {FAMILY} ORDER BY occurred_at"
            ),
        ),
        (
            "access_requests",
            format!("SELECT * FROM access_requests WHERE family_id = {FAMILY} ORDER BY granted_at"),
        ),
        (
            "known_elsewhere",
            "SELECT * FROM known_elsewhere_matches WHERE existing_person_id = $1 \
             OR new_person_id = $1 ORDER BY recorded_at"
                .into(),
        ),
    ]
}

/// One document: the rows `query` selects for `person`, as a JSON array.
pub fn document(
    conn: &mut PgConnection,
    query: &str,
    person: PersonId,
) -> Result<serde_json::Value> {
    #[derive(QueryableByName)]
    struct Document {
        #[diesel(sql_type = Text)]
        rows: String,
    }
    let document: Document = diesel::sql_query(format!(
        "SELECT coalesce(json_agg(row_to_json(t)), '[]'::json)::text AS rows FROM ({query}) t"
    ))
    .bind::<SqlUuid, _>(person)
    .get_result(conn)?;
    serde_json::from_str(&document.rows).map_err(|error| {
        diesel::result::Error::DeserializationError(
            format!("a subject access document: {error}").into(),
        )
        .into()
    })
}
