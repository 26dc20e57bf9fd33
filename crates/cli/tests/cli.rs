//! The `earlyhelp` command as operators and scripts use it.

// Test code: a failed step should stop the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use diesel::{Connection, PgConnection, RunQueryDsl};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn admin_url() -> String {
    std::env::var("EARLYHELP_TEST_DATABASE_URL").unwrap_or_else(|_| {
        "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".to_owned()
    })
}

fn url_for(database: &str) -> String {
    let admin = admin_url();
    let (base, query) = admin
        .split_once('?')
        .map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    query.map_or_else(
        || format!("{server}/{database}"),
        |q| format!("{server}/{database}?{q}"),
    )
}

/// A scratch database, dropped afterwards.
struct Scratch(String);

impl Scratch {
    fn new() -> Self {
        let name = format!("earlyhelp_cli_{}", uuid_like());
        let mut conn = PgConnection::establish(&admin_url()).expect("connect");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create");
        Self(name)
    }

    fn url(&self) -> String {
        url_for(&self.0)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&admin_url()) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0))
                .execute(&mut conn);
        }
    }
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{}_{nanos}", std::process::id())
}

fn earlyhelp(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_earlyhelp"));
    command
        .args(args)
        .env_remove("EARLYHELP_JWT_SECRET")
        .env_remove("DATABASE_URL")
        .env_remove("EARLYHELP_MIGRATION_DATABASE_URL")
        .env("RUST_LOG", "warn");
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn earlyhelp");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_server_refuses_to_start_without_a_strong_signing_secret() {
    let url = url_for("postgres");
    let missing = earlyhelp(
        &["serve", "--bind", "127.0.0.1:0"],
        &[("DATABASE_URL", &url)],
        None,
    );
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("EARLYHELP_JWT_SECRET is not set"),
        "{}",
        text(&missing)
    );
    let weak = earlyhelp(
        &["serve", "--bind", "127.0.0.1:0"],
        &[("DATABASE_URL", &url), ("EARLYHELP_JWT_SECRET", "hunter2")],
        None,
    );
    assert!(!weak.status.success());
    assert!(text(&weak).contains("at least 32 bytes"), "{}", text(&weak));
}

#[test]
fn every_command_needs_a_database_url() {
    let output = earlyhelp(&["migrate"], &[], None);
    assert!(!output.status.success());
    assert!(text(&output).contains("DATABASE_URL is not set"));
}

#[test]
fn migrate_seed_and_user_create_work_together_and_seeding_is_idempotent() {
    let db = Scratch::new();
    let url = db.url();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("EARLYHELP_DEMO_PASSWORD", "demo passphrase for tests"),
    ];
    let migrated = earlyhelp(&["migrate"], &env, None);
    assert!(migrated.status.success(), "{}", text(&migrated));
    let again = earlyhelp(&["migrate"], &env, None);
    assert!(text(&again).contains("the database is current"));

    let seeded = earlyhelp(&["seed-demo"], &env, None);
    assert!(seeded.status.success(), "{}", text(&seeded));
    assert!(text(&seeded).contains("admin@demo.earlyhelp.test"));
    let reseeded = earlyhelp(&["seed-demo"], &env, None);
    assert!(reseeded.status.success(), "{}", text(&reseeded));
    assert!(text(&reseeded).contains("password is unchanged"));
    let mut conn = PgConnection::establish(&url).expect("connect scratch");
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let users: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM users")
        .load(&mut conn)
        .expect("count");
    assert_eq!(
        users[0].n, 11,
        "one user per role, the two second-locality users, a school's manager and the admin's \
         new starter, once"
    );
    // The demo step-downs, once, one at each stage.
    let count = |conn: &mut PgConnection, query: &str| -> i64 {
        diesel::sql_query(query).load::<Count>(conn).expect("count")[0].n
    };
    for (query, expected) in [
        ("SELECT count(*) AS n FROM step_downs", 5),
        (
            "SELECT count(*) AS n FROM step_downs WHERE state = 'awaiting_allocation'",
            3,
        ),
        (
            "SELECT count(*) AS n FROM step_downs WHERE state = 'allocated'",
            1,
        ),
        (
            "SELECT count(*) AS n FROM step_downs WHERE snf_due_on < current_date",
            1,
        ),
        (
            "SELECT count(*) AS n FROM step_down_allocations WHERE answer = 'declined'",
            1,
        ),
        (
            "SELECT count(*) AS n FROM episodes WHERE origin = 'step_down' AND state = 'open'",
            1,
        ),
    ] {
        assert_eq!(count(&mut conn, query), expected, "{query}");
    }

    let created = earlyhelp(
        &[
            "user",
            "create",
            "--email",
            "new.worker@example.org",
            "--role",
            "lcss_worker",
            "--org",
            "Banbury LCSS Team",
            "--name",
            "New Worker",
        ],
        &env,
        Some("a sufficiently long passphrase\n"),
    );
    assert!(created.status.success(), "{}", text(&created));
    let duplicate = earlyhelp(
        &[
            "user",
            "create",
            "--email",
            "NEW.worker@example.org",
            "--role",
            "lcss_worker",
            "--org",
            "Banbury LCSS Team",
            "--name",
            "Twin",
        ],
        &env,
        Some("a sufficiently long passphrase\n"),
    );
    assert!(!duplicate.status.success());
    assert!(text(&duplicate).contains("already exists"));
    let weak = earlyhelp(
        &[
            "user",
            "create",
            "--email",
            "x@example.org",
            "--role",
            "manager",
            "--org",
            "Banbury LCSS Team",
            "--name",
            "X",
        ],
        &env,
        Some("short\n"),
    );
    assert!(!weak.status.success());
    assert!(
        text(&weak).contains("at least 12 characters"),
        "{}",
        text(&weak)
    );
    // A manager's report reach; a locality reach needs a locality (this one's organisation
    // gives it Banbury's), and the county-wide organisation has none.
    let manager = |email: &str, org: &str, reach: &str| {
        earlyhelp(
            &[
                "user",
                "create",
                "--email",
                email,
                "--role",
                "manager",
                "--org",
                org,
                "--name",
                "Reach",
                "--report-reach",
                reach,
            ],
            &env,
            Some("a sufficiently long passphrase\n"),
        )
    };
    let local = manager("local@example.org", "Banbury LCSS Team", "locality");
    assert!(local.status.success(), "{}", text(&local));
    let nowhere = manager(
        "nowhere@example.org",
        "County Council Early Help Service",
        "locality",
    );
    assert!(!nowhere.status.success());
    assert!(
        text(&nowhere).contains("report_reach"),
        "{}",
        text(&nowhere)
    );
    let unknown = manager("unknown@example.org", "Banbury LCSS Team", "planet");
    assert!(!unknown.status.success());
    let reaches: Vec<Count> = diesel::sql_query(
        "SELECT count(*) AS n FROM users WHERE (email, report_reach) IN \
         (('local@example.org', 'locality'), ('manager@demo.earlyhelp.test', 'county'), \
          ('school_manager@demo.earlyhelp.test', 'organisation'))",
    )
    .load(&mut conn)
    .expect("count");
    assert_eq!(reaches[0].n, 3);
}

/// One digest per table of everything `seed-synthetic` generates about families (less the
/// form template's id, which each database's migration makes its own).
fn synthetic_digest(url: &str) -> Vec<(String, String)> {
    #[derive(diesel::QueryableByName)]
    struct Digest {
        #[diesel(sql_type = diesel::sql_types::Text)]
        digest: String,
    }
    let mut conn = PgConnection::establish(url).expect("connect scratch");
    [
        "families",
        "people",
        "consents",
        "episodes",
        "episode_children",
        "assessments",
        "assessment_revisions",
        "reviews",
        "tafs",
        "taf_members",
        "taf_meetings",
        "taf_actions",
        "step_ups",
        "step_downs",
        "step_down_allocations",
        "advice_consultations",
        "no_names_consultations",
        "chronology_entries",
    ]
    .into_iter()
    .map(|table| {
        let query = format!(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(r, '|' ORDER BY r)), '') AS digest \
             FROM (SELECT (to_jsonb(t) - 'template_id')::text AS r FROM {table} t) AS rows"
        );
        let digest: Digest = diesel::sql_query(query)
            .get_result(&mut conn)
            .expect("digest");
        (table.to_owned(), digest.digest)
    })
    .collect()
}

#[test]
fn seed_synthetic_gives_the_same_data_for_a_seed_however_it_is_loaded() {
    let env_for = |url: &str| {
        vec![
            ("DATABASE_URL", url.to_owned()),
            (
                "EARLYHELP_SYNTHETIC_PASSWORD",
                "synthetic test passphrase".to_owned(),
            ),
        ]
    };
    let run = |url: &str, args: &[&str]| {
        let env = env_for(url);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let output = earlyhelp(args, &env, None);
        assert!(output.status.success(), "{}", text(&output));
        text(&output)
    };
    let common = ["seed-synthetic", "--seed", "7", "--as-of", "2026-06-30"];
    // In one go, two loaders side by side.
    let whole = Scratch::new();
    run(&whole.url(), &["migrate"]);
    let mut args = common.to_vec();
    args.extend(["--families", "400", "--batch", "100", "--jobs", "2"]);
    let said = run(&whole.url(), &args);
    assert!(said.contains("Loaded 400 synthetic families"), "{said}");
    // Cut off after 150, resumed with another batch size and one loader.
    let resumed = Scratch::new();
    run(&resumed.url(), &["migrate"]);
    let mut first = common.to_vec();
    first.extend(["--families", "150", "--batch", "64", "--jobs", "1"]);
    run(&resumed.url(), &first);
    let mut rest = common.to_vec();
    rest.extend(["--families", "400", "--batch", "64", "--jobs", "1"]);
    let said = run(&resumed.url(), &rest);
    assert!(said.contains("Loaded 250 synthetic families"), "{said}");
    let again = run(&resumed.url(), &rest);
    assert!(again.contains("already loaded"), "{again}");

    let digests = synthetic_digest(&whole.url());
    assert_eq!(digests, synthetic_digest(&resumed.url()));
    // Every table the generator fills has rows.
    for (table, digest) in &digests {
        assert!(!digest.starts_with("0:"), "{table} is empty");
    }

    // The shape: about 1.8 children per family, level 2 mostly, a share of forms returned
    // before acceptance, and about one family in twenty stepped up.
    #[derive(diesel::QueryableByName)]
    struct Shape {
        #[diesel(sql_type = diesel::sql_types::Double)]
        children: f64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        level_2: f64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        returned: f64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        stepped_up: f64,
    }
    let mut conn = PgConnection::establish(&whole.url()).expect("connect");
    let shape: Shape = diesel::sql_query(
        "SELECT (SELECT count(*) FROM episode_children)::float8 / count(*) AS children, \
                avg((threshold_level = 2)::int)::float8 AS level_2, \
                (SELECT count(*) FILTER (WHERE number = 2)::float8 / count(DISTINCT assessment_id) \
                   FROM assessment_revisions) AS returned, \
                avg((closure_reason = 'stepped_up')::int)::float8 AS stepped_up \
         FROM episodes",
    )
    .get_result(&mut conn)
    .expect("shape");
    assert!((1.6..2.0).contains(&shape.children), "{}", shape.children);
    assert!((0.7..0.9).contains(&shape.level_2), "{}", shape.level_2);
    assert!((0.15..0.35).contains(&shape.returned), "{}", shape.returned);
    assert!(
        (0.02..0.08).contains(&shape.stepped_up),
        "{}",
        shape.stepped_up
    );
}

#[test]
fn audit_seal_and_verify_find_an_entry_the_owner_altered() {
    use diesel::connection::SimpleConnection;
    let db = Scratch::new();
    let url = db.url();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("EARLYHELP_DEMO_PASSWORD", "demo passphrase for tests"),
    ];
    for step in [&["migrate"][..], &["seed-demo"]] {
        let output = earlyhelp(step, &env, None);
        assert!(output.status.success(), "{step:?}: {}", text(&output));
    }
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
    let db = Scratch::new();
    let url = db.url();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("EARLYHELP_DEMO_PASSWORD", "demo passphrase for tests"),
    ];
    for step in [&["migrate"][..], &["seed-demo"]] {
        let output = earlyhelp(step, &env, None);
        assert!(output.status.success(), "{step:?}: {}", text(&output));
    }
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
    let db = Scratch::new();
    let url = db.url();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("EARLYHELP_DEMO_PASSWORD", "demo passphrase for tests"),
    ];
    for step in [&["migrate"][..], &["seed-demo"]] {
        let output = earlyhelp(step, &env, None);
        assert!(output.status.success(), "{step:?}: {}", text(&output));
    }
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

#[test]
fn instances_migrating_at_once_take_turns_and_all_succeed() {
    let db = Scratch::new();
    let url = db.url();
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_earlyhelp"))
                .arg("migrate")
                .env_remove("EARLYHELP_MIGRATION_DATABASE_URL")
                .env("DATABASE_URL", &url)
                .env("RUST_LOG", "warn")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn earlyhelp migrate")
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|child| child.wait_with_output().expect("wait"))
        .collect();
    for output in &outputs {
        assert!(output.status.success(), "{}", text(output));
    }
    let applied = outputs
        .iter()
        .filter(|output| !text(output).contains("the database is current"))
        .count();
    assert_eq!(
        applied, 1,
        "one migrator applies, the others find it current"
    );
}

#[test]
fn a_bad_database_url_or_a_missing_database_is_refused_at_once_in_words() {
    for (url, expected) in [
        ("", "DATABASE_URL is empty"),
        ("  ", "DATABASE_URL is empty"),
        (
            "host=db dbname=earlyhelp",
            "DATABASE_URL is not a PostgreSQL URL",
        ),
        (
            "postgres://127.0.0.1:5432",
            "DATABASE_URL names no database",
        ),
    ] {
        let output = earlyhelp(&["migrate"], &[("DATABASE_URL", url)], None);
        assert!(!output.status.success(), "{url:?}");
        assert!(
            text(&output).contains(expected),
            "{url:?}: {}",
            text(&output)
        );
    }
    let missing = url_for("earlyhelp_no_such_database");
    for args in [
        &["migrate"][..],
        &["serve", "--dev", "--bind", "127.0.0.1:0"],
    ] {
        let output = earlyhelp(args, &[("DATABASE_URL", missing.as_str())], None);
        assert!(!output.status.success(), "{args:?}");
        let said = text(&output);
        assert!(
            said.contains("refused the connection") && said.contains("does not exist"),
            "{args:?}: {said}"
        );
        assert!(!said.contains("timed out"), "{said}");
    }
}

#[test]
fn a_new_installation_makes_its_first_admin_and_looks_after_accounts_from_the_command_line() {
    let db = Scratch::new();
    let url = db.url();
    let env = [("DATABASE_URL", url.as_str())];
    let run = |args: &[&str], stdin: Option<&str>| {
        let output = earlyhelp(args, &env, stdin);
        assert!(output.status.success(), "{args:?}: {}", text(&output));
        text(&output)
    };
    run(&["migrate"], None);
    run(
        &[
            "locality",
            "create",
            "--name",
            "North",
            "--phone",
            "0345 000 0001",
            "--mash-phone",
            "0345 000 0002",
        ],
        None,
    );
    run(
        &[
            "organisation",
            "create",
            "--name",
            "North LCSS Team",
            "--kind",
            "lcss",
            "--locality",
            "North",
        ],
        None,
    );
    run(
        &[
            "organisation",
            "create",
            "--name",
            "County Council",
            "--kind",
            "other",
        ],
        None,
    );
    let admin = run(
        &[
            "user",
            "create",
            "--email",
            "first.admin@council.example",
            "--role",
            "admin",
            "--org",
            "County Council",
            "--name",
            "First Admin",
        ],
        Some("the first admin passphrase\n"),
    );
    assert!(admin.starts_with("created user "), "{admin}");
    run(
        &[
            "user",
            "create",
            "--email",
            "duty.worker@council.example",
            "--role",
            "lcss_worker",
            "--org",
            "County Council",
            "--locality",
            "North",
            "--name",
            "Duty Worker",
        ],
        Some("a duty worker passphrase\n"),
    );
    let listed = run(&["user", "list"], None);
    assert!(listed.contains("first.admin@council.example") && listed.contains("admin"));
    assert!(listed.contains("duty.worker@council.example") && listed.contains("lcss_worker"));
    #[derive(diesel::QueryableByName)]
    struct Placed {
        #[diesel(sql_type = diesel::sql_types::Text)]
        locality: String,
    }
    let placed: Placed = diesel::sql_query(
        "SELECT l.name AS locality FROM users u JOIN localities l ON l.id = u.locality_id \
         WHERE u.email = 'duty.worker@council.example'",
    )
    .get_result(&mut PgConnection::establish(&url).expect("connect"))
    .expect("the worker's locality");
    assert_eq!(placed.locality, "North", "--locality places the account");

    run(
        &[
            "user",
            "reset-password",
            "--email",
            "duty.worker@council.example",
        ],
        Some("another duty passphrase\n"),
    );
    run(
        &[
            "user",
            "deactivate",
            "--email",
            "duty.worker@council.example",
        ],
        None,
    );
    let listed = run(&["user", "list"], None);
    let worker = listed
        .lines()
        .find(|line| line.contains("duty.worker@council.example"))
        .unwrap();
    assert!(worker.ends_with("inactive"), "{worker}");

    // A role that does not exist is refused with the ones that do; an error is one line.
    let wizard = earlyhelp(
        &[
            "user",
            "create",
            "--email",
            "w@council.example",
            "--role",
            "wizard",
            "--org",
            "County Council",
            "--name",
            "W",
        ],
        &env,
        Some("whatever passphrase here\n"),
    );
    assert!(!wizard.status.success());
    assert!(text(&wizard).contains("lcss_manager"), "{}", text(&wizard));
    let unknown = earlyhelp(
        &["user", "deactivate", "--email", "nobody@council.example"],
        &env,
        None,
    );
    assert!(!unknown.status.success());
    let said = String::from_utf8_lossy(&unknown.stderr).into_owned();
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.starts_with("earlyhelp: --email: no account"), "{said}");
    assert!(!said.contains('\u{1b}'), "no colour codes off a terminal");
}

#[test]
fn json_request_logs_carry_a_numeric_elapsed_time_and_the_callers_trace_id() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    let db = Scratch::new();
    let url = db.url();
    let migrated = earlyhelp(&["migrate"], &[("DATABASE_URL", url.as_str())], None);
    assert!(migrated.status.success(), "{}", text(&migrated));
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_earlyhelp"))
        .args(["serve", "--dev", "--bind", &address])
        .env("DATABASE_URL", &url)
        .env("EARLYHELP_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("EARLYHELP_AUDIT_SEAL_INTERVAL_MS", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn earlyhelp serve");
    let mut stream = None;
    for _ in 0..100 {
        if let Ok(connected) = TcpStream::connect(&address) {
            stream = Some(connected);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut stream = stream.expect("the server listens");
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {address}\r\n\
         traceparent: 00-{trace}-00f067aa0ba902b7-01\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    server.kill().expect("stop the server");
    let output = server.wait_with_output().expect("wait");
    let logs = String::from_utf8_lossy(&output.stderr);
    let line = logs
        .lines()
        .find(|line| line.contains("request served"))
        .unwrap_or_else(|| panic!("no request line in {logs}"));
    let entry: serde_json::Value = serde_json::from_str(line).expect("a JSON log line");
    assert!(entry["elapsed_ms"].is_number(), "{line}");
    assert!(line.contains(trace), "{line}");
}
