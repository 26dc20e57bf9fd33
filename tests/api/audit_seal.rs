//! The server seals committed audit entries into a hash chain in the background, in the order
//! they were written, waiting for a write still in flight rather than sealing past it; the
//! chain verifies, and an entry removed by the owner breaks it at the next entry.

use crate::helpers::{serving_url, TestApp};
use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, RunQueryDsl};
use earlyhelp_domain::audit_seal::Break;
use earlyhelp_workflows::sealing;
use std::time::{Duration, Instant};

fn number(conn: &mut PgConnection, sql: &str) -> i64 {
    diesel::select(diesel::dsl::sql::<BigInt>(sql))
        .get_result(conn)
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

const UNSEALED: &str = "(SELECT count(*) FROM audit_events e \
     WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id))";

fn append_entry(conn: &mut PgConnection, request: &str) {
    diesel::sql_query(format!(
        "INSERT INTO audit_events (id, action, entity_type, request_id, outcome) \
         VALUES (gen_random_uuid(), 'user.sign_in', 'user', '{request}', 'success')"
    ))
    .execute(conn)
    .expect("append an entry");
}

async fn settle(conn: &mut PgConnection) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while number(conn, UNSEALED) > 0 {
        assert!(Instant::now() < deadline, "entries left unsealed");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn entries_are_sealed_in_order_and_a_write_in_flight_is_waited_for() {
    let app = TestApp::spawn().await;
    let mut owner = app.db.connect();
    app.token("practitioner").await;
    settle(&mut owner).await;

    // A request's transaction has written its entry but not yet committed; later entries
    // commit around it, and a rolled-back write leaves a gap in the sequence for good.
    let mut in_flight = PgConnection::establish(&serving_url(&app.db)).expect("connect");
    diesel::sql_query("BEGIN")
        .execute(&mut in_flight)
        .expect("begin");
    append_entry(&mut in_flight, "in-flight");
    let mut rolled_back = PgConnection::establish(&serving_url(&app.db)).expect("connect");
    let _ = rolled_back.transaction::<(), _, _>(|conn| {
        append_entry(conn, "rolled-back");
        Err(diesel::result::Error::RollbackTransaction)
    });
    app.token("lcss_worker").await;
    app.token("manager").await;
    actix_web::rt::time::sleep(Duration::from_millis(2_500)).await;
    let waiting = number(
        &mut owner,
        "(SELECT count(*) FROM audit_seals s JOIN audit_events e ON e.id = s.event_id \
          WHERE e.request_id <> 'in-flight')",
    );
    let after_gap = number(&mut owner, UNSEALED);
    assert!(
        after_gap >= 2,
        "the sealer went past a write in flight ({after_gap} left, {waiting} sealed)"
    );

    diesel::sql_query("COMMIT")
        .execute(&mut in_flight)
        .expect("commit");
    settle(&mut owner).await;
    // One link per entry, each naming the sealed entry before it, in the order of writing.
    assert_eq!(
        number(
            &mut owner,
            "(SELECT count(*) FROM audit_seals s WHERE s.previous IS DISTINCT FROM \
               (SELECT max(p.seq) FROM audit_seals p WHERE p.seq < s.seq))"
        ),
        0
    );
    assert_eq!(
        number(
            &mut owner,
            "(SELECT count(*) FROM audit_events WHERE request_id = 'rolled-back')"
        ),
        0
    );
    let total = number(&mut owner, "(SELECT count(*) FROM audit_events)");
    let intact = sealing::verify(&mut owner, |_| {}).expect("verify");
    assert_eq!((intact.broken, intact.checked), (None, total as u64));

    // The owner removes the in-flight entry and its link: the chain breaks at the next entry.
    let removed = number(
        &mut owner,
        "(SELECT seq FROM audit_events WHERE request_id = 'in-flight')",
    );
    owner
        .batch_execute(&format!(
            "ALTER TABLE audit_seals DISABLE TRIGGER audit_seals_append_only; \
         ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only; \
         DELETE FROM audit_seals WHERE seq = {removed}; \
         DELETE FROM audit_events WHERE seq = {removed}; \
         ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only; \
         ALTER TABLE audit_seals ENABLE TRIGGER audit_seals_append_only"
        ))
        .expect("tamper as the owner");
    let next = number(
        &mut owner,
        &format!("(SELECT min(seq) FROM audit_seals WHERE seq > {removed})"),
    );
    let broken = sealing::verify(&mut owner, |_| {})
        .expect("verify")
        .broken
        .expect("a broken link");
    assert_eq!(broken.seq, next);
    assert!(matches!(broken.reason, Break::Unlinked { .. }));
}
