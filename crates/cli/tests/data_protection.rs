//! Data protection from the command line: sealing and verifying the audit trail, subject
//! access exports, retention with legal holds.

// Test code: a failed step should stop the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{earlyhelp, text, uuid_like, Scratch};
use diesel::{Connection, PgConnection, RunQueryDsl};

const DEMO_PASSWORD: (&str, &str) = ("EARLYHELP_DEMO_PASSWORD", "demo passphrase for tests");

/// A scratch database, migrated and seeded with the demo data (dropped with the value), and
/// its URL.
fn seeded() -> (Scratch, String) {
    let db = Scratch::new();
    let url = db.url();
    for step in [&["migrate"][..], &["seed-demo"]] {
        let output = earlyhelp(step, &[("DATABASE_URL", url.as_str()), DEMO_PASSWORD], None);
        assert!(output.status.success(), "{step:?}: {}", text(&output));
    }
    (db, url)
}

#[test]
fn audit_seal_and_verify_find_an_entry_the_owner_altered() {
    use diesel::connection::SimpleConnection;
    let (_db, url) = seeded();
    let env = [("DATABASE_URL", url.as_str()), DEMO_PASSWORD];
    let unsealed = earlyhelp(&["audit", "verify"], &env, None);
    assert!(unsealed.status.success(), "{}", text(&unsealed));
    assert!(
        text(&unsealed).contains("no seals yet"),
        "{}",
        text(&unsealed)
    );

    let sealed = earlyhelp(&["audit", "seal"], &env, None);
    assert!(sealed.status.success(), "{}", text(&sealed));
    assert!(text(&sealed).contains("every committed entry is sealed"));
    let intact = earlyhelp(&["audit", "verify"], &env, None);
    assert!(intact.status.success(), "{}", text(&intact));
    assert!(text(&intact).contains("intact"), "{}", text(&intact));
    assert!(text(&intact).contains("0 newer entries not yet sealed"));

    // The owner can switch the trigger off; the chain still gives the change away.
    #[derive(diesel::QueryableByName)]
    struct Entry {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        seq: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let mut conn = PgConnection::establish(&url).expect("connect scratch");
    let entry: Entry = diesel::sql_query(
        "SELECT seq, id::text AS id FROM audit_events ORDER BY seq \
         OFFSET (SELECT count(*) / 2 FROM audit_events) LIMIT 1",
    )
    .get_result(&mut conn)
    .expect("a middle entry");
    conn.batch_execute(&format!(
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only; \
         UPDATE audit_events SET outcome = 'denied' WHERE seq = {}; \
         ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only",
        entry.seq
    ))
    .expect("alter as the owner");
    let broken = earlyhelp(&["audit", "verify"], &env, None);
    assert!(!broken.status.success(), "{}", text(&broken));
    let report = text(&broken);
    assert!(
        report.contains(&format!("broken at entry #{} ({})", entry.seq, entry.id))
            && report.contains("differs from what was sealed"),
        "{report}"
    );
}

#[test]
fn sar_export_writes_everything_held_about_a_person_and_is_audited() {
    let (_db, url) = seeded();
    let env = [("DATABASE_URL", url.as_str()), DEMO_PASSWORD];
    #[derive(diesel::QueryableByName)]
    struct Person {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let mut conn = PgConnection::establish(&url).expect("connect scratch");
    let person: Person = diesel::sql_query(
        "SELECT id::text AS id FROM people WHERE kind = 'child' ORDER BY created_at LIMIT 1",
    )
    .get_result(&mut conn)
    .expect("a demo child");
    let out = std::env::temp_dir().join(format!("sar-{}.zip", uuid_like()));
    let out_arg = out.to_string_lossy().into_owned();
    let exported = earlyhelp(
        &["sar", "export", "--person", &person.id, "--out", &out_arg],
        &env,
        None,
    );
    assert!(exported.status.success(), "{}", text(&exported));
    assert!(text(&exported).contains("access-log entries"));
    let bytes = std::fs::read(&out).expect("the export");
    let _ = std::fs::remove_file(&out);
    assert!(bytes.starts_with(b"PK"), "a ZIP archive");
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let audited: Count = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM audit_events WHERE action = 'person.subject_access_export' \
         AND entity_id = '{}' AND actor_id IS NULL",
        person.id
    ))
    .get_result(&mut conn)
    .expect("count");
    assert_eq!(audited.n, 1);

    let unknown = earlyhelp(
        &[
            "sar",
            "export",
            "--person",
            "0190a2b4-0000-7000-8000-000000000000",
        ],
        &env,
        None,
    );
    assert!(!unknown.status.success());
    assert!(text(&unknown).contains("no person"), "{}", text(&unknown));
}

#[test]
fn retention_lists_then_erases_what_is_due_and_a_cut_off_run_is_finished_without_erasing_twice() {
    let (_db, url) = seeded();
    let env = [("DATABASE_URL", url.as_str()), DEMO_PASSWORD];
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = PgConnection::establish(&url).expect("connect scratch");
    let mut count = |sql: &str| -> i64 {
        diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .unwrap_or_else(|error| panic!("{sql}: {error}"))
            .n
    };
    // Far enough ahead that every demo child is 25 and every consultation 6 years old.
    let as_of = ["--as-of", "2070-01-01"];

    let listed = earlyhelp(
        &[&["retention", "--dry-run"][..], &as_of].concat(),
        &env,
        None,
    );
    assert!(listed.status.success(), "{}", text(&listed));
    let listing = text(&listed);
    assert!(listing.contains("Nothing was changed"), "{listing}");
    let due_lines: Vec<&str> = listing
        .lines()
        .filter(|line| line.starts_with("family ") || line.starts_with("no_names_consultation "))
        .collect();
    assert!(due_lines.len() >= 3, "{listing}");
    assert_eq!(count("SELECT count(*) AS n FROM erasures"), 0);

    // A family the court has asked to be kept.
    let held = due_lines
        .iter()
        .find(|line| line.starts_with("family "))
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap()
        .to_owned();
    let hold = earlyhelp(
        &[
            "legal-hold",
            "--family",
            &held,
            "--reason",
            "Care proceedings",
        ],
        &env,
        None,
    );
    assert!(hold.status.success(), "{}", text(&hold));
    let due = i64::try_from(due_lines.len()).unwrap() - 1;

    // Cut off after one batch of one, then run again to the end.
    let first = earlyhelp(
        &[
            &["retention", "--apply", "--batch", "1", "--max-batches", "1"][..],
            &as_of,
        ]
        .concat(),
        &env,
        None,
    );
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("erased 1 record(s) in 1 batch(es)"),
        "{}",
        text(&first)
    );
    assert_eq!(count("SELECT count(*) AS n FROM erasures"), 1);
    let rest = earlyhelp(
        &[&["retention", "--apply", "--batch", "2"][..], &as_of].concat(),
        &env,
        None,
    );
    assert!(rest.status.success(), "{}", text(&rest));
    assert!(text(&rest).contains("0 still due"), "{}", text(&rest));
    let again = earlyhelp(
        &[&["retention", "--apply"][..], &as_of].concat(),
        &env,
        None,
    );
    assert!(
        text(&again).contains("erased 0 record(s)"),
        "{}",
        text(&again)
    );

    // Each due record erased exactly once, with one audit entry each; the held one untouched.
    assert_eq!(count("SELECT count(*) AS n FROM erasures"), due);
    assert_eq!(
        count("SELECT count(*) AS n FROM audit_events WHERE action = 'record.erase'"),
        due
    );
    assert_eq!(
        count(&format!(
            "SELECT count(*) AS n FROM erasures WHERE record_id = '{held}'"
        )),
        0
    );
    assert_eq!(
        count(&format!(
            "SELECT count(*) AS n FROM people WHERE family_id = '{held}' \
             AND family_name <> '[erased]'"
        )),
        count(&format!(
            "SELECT count(*) AS n FROM people WHERE family_id = '{held}'"
        ))
    );
    assert_eq!(
        count(
            "SELECT count(*) AS n FROM people p JOIN erasures e ON e.record_id = p.family_id \
             WHERE p.given_name <> '[erased]' OR p.nhs_number IS NOT NULL"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) AS n FROM taf_meetings m JOIN erasures e ON e.record_id = m.family_id \
             WHERE m.minutes <> '{}'::jsonb"
        ),
        0
    );
}
