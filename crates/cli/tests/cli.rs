//! The `earlyhelp` command as operators and scripts use it: secrets, database URLs,
//! migrating, seeding.

// Test code: a failed step should stop the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{earlyhelp, text, url_for, Scratch};
use diesel::{Connection, PgConnection, RunQueryDsl};
use std::process::{Command, Output, Stdio};

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
