//! The server connects as a login role that owns nothing (every app under test does: see
//! `serving_url`). Connected as that role, each privilege it must not have is refused by
//! PostgreSQL itself, whatever the application would try.

use crate::helpers::{serving_url, TestApp};
use diesel::{Connection, PgConnection, RunQueryDsl};

/// Runs `sql` as the serving role and returns PostgreSQL's refusal, or panics if it succeeds.
fn refused(conn: &mut PgConnection, sql: &str) -> String {
    // Each attempt in its own savepoint, so one refusal does not spoil the next.
    let outcome = conn
        .transaction::<_, diesel::result::Error, _>(|conn| diesel::sql_query(sql).execute(conn));
    match outcome {
        Ok(rows) => panic!("the serving role may {sql} ({rows} rows)"),
        Err(error) => error.to_string(),
    }
}

#[actix_web::test]
async fn the_serving_role_owns_nothing_and_cannot_rewrite_the_trail_or_the_kept_records() {
    let app = TestApp::spawn().await;
    // A case with a submitted revision and finalised minutes, and the audit rows they wrote.
    let lead = app.token("practitioner").await;
    let case = app.open_case(&lead, "Demo-Privilege").await;
    let form = crate::case_helpers::id_of(&app.start_form(&lead, &case.episode).await);
    app.submit(&lead, &form).send().await.assert_status(200);
    let plan = app.taf_with_plan(&lead, &case.episode).await;

    let mut conn = PgConnection::establish(&serving_url(&app.db)).expect("connect as serving");
    let owned: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner \
          WHERE r.rolname = current_user) \
         + (SELECT count(*) FROM pg_roles WHERE rolname = current_user \
            AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls))",
    ))
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(
        owned, 0,
        "the serving role owns no relation and has no special attribute"
    );

    // It reads and appends to the trail, as every request does.
    let appended = diesel::sql_query(
        "INSERT INTO audit_events (id, action, entity_type, request_id, outcome) \
         VALUES (gen_random_uuid(), 'user.sign_in', 'user', 'serving-role-test', 'success')",
    )
    .execute(&mut conn);
    assert_eq!(appended, Ok(1));

    let denied = "permission denied";
    for sql in [
        "UPDATE audit_events SET outcome = 'success'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "UPDATE assessment_revisions SET content = content",
        "DELETE FROM assessment_revisions",
        "DELETE FROM taf_meetings",
        "INSERT INTO __diesel_schema_migrations (version) VALUES ('99999999999999')",
        "DELETE FROM __diesel_schema_migrations",
        "CREATE TABLE shadow_trail (id uuid)",
        "SET session_replication_role = replica",
    ] {
        let error = refused(&mut conn, sql);
        assert!(error.contains(denied), "{sql}: {error}");
    }
    for sql in [
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
        "ALTER TABLE taf_meetings DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_events_append_only ON audit_events",
        "DROP TABLE audit_events",
        "CREATE OR REPLACE FUNCTION audit_events_reject_change() RETURNS trigger \
         LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    ] {
        let error = refused(&mut conn, sql);
        assert!(
            error.contains("must be owner") || error.contains(denied),
            "{sql}: {error}"
        );
    }
    // Finalised minutes: the update the role may make to a draft, the trigger refuses here.
    let error = refused(
        &mut conn,
        &format!(
            "UPDATE taf_meetings SET minutes = '{{}}'::jsonb WHERE id = '{}'",
            plan.meeting
        ),
    );
    assert!(error.contains("finalised"), "{error}");
    // The erasure flag lets only the owner's erasure functions past that guard.
    let flagged = conn.transaction::<_, diesel::result::Error, _>(|conn| {
        diesel::sql_query("SELECT set_config('earlyhelp.erasing', 'on', true)").execute(conn)?;
        diesel::sql_query(format!(
            "UPDATE taf_meetings SET minutes = '{{}}'::jsonb WHERE id = '{}'",
            plan.meeting
        ))
        .execute(conn)
    });
    let error = flagged.expect_err("the flag opened the guard").to_string();
    assert!(error.contains("finalised"), "{error}");
    // Nothing was lost on the way.
    let kept: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
        "(SELECT count(*) FROM audit_events WHERE request_id = 'serving-role-test') \
         + (SELECT count(*) FROM assessment_revisions WHERE assessment_id = '{form}') \
         + (SELECT count(*) FROM taf_meetings WHERE id = '{}')",
        plan.meeting
    )))
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(kept, 3);
}
