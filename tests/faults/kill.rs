//! `kill -9` in the middle of a burst of writes: what the server acknowledged is durable, and
//! nothing is half-written (a locality and its audit entry commit together or not at all).

use crate::harness::{block_on, login, serial, FaultDb, Server, ADMIN};
use diesel::prelude::*;
use diesel::sql_types::Text;
use earlyhelp_tests::db::count;
use earlyhelp_tests::http::{bearer, client, send};
use serde_json::json;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::rc::Rc;
use std::time::{Duration, Instant};
use uuid::Uuid;

const TOTAL: usize = 200;
const CONCURRENCY: usize = 8;
/// SIGKILL once this many writes were acknowledged, well before the burst can finish.
const KILL_AFTER: usize = 40;

#[derive(Default)]
struct Burst {
    next: usize,
    /// Acknowledged (2xx) writes: request number -> the id the server returned.
    acknowledged: BTreeMap<usize, Uuid>,
    /// Other statuses the server answered with.
    refused: Vec<(usize, u16, String)>,
    /// Requests with no answer: cut off by the kill, or sent after it.
    unanswered: usize,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
}

#[test]
fn acknowledged_writes_survive_sigkill_and_none_are_half_written() {
    let _serial = serial();
    let started = Instant::now();
    let db = FaultDb::create();
    let tag = format!("Kill {}", &Uuid::now_v7().simple().to_string()[20..]);
    let mut first = Server::start(&db, "kill-first", 2, 2_000);

    let burst = block_on(async {
        let http = client(Duration::from_secs(5));
        first.wait_ready(&http).await;
        let token = login(&http, &first, ADMIN).await;
        let state = Rc::new(RefCell::new(Burst::default()));
        let url = first.url("/api/v1/admin/localities");
        let workers: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let (state, http, token, url, tag) = (
                    state.clone(),
                    http.clone(),
                    token.clone(),
                    url.clone(),
                    tag.clone(),
                );
                actix_web::rt::spawn(async move {
                    loop {
                        let n = {
                            let mut state = state.borrow_mut();
                            if state.next >= TOTAL {
                                break;
                            }
                            state.next += 1;
                            state.next - 1
                        };
                        let body = json!({ "name": format!("{tag} {n:03}") });
                        let reply = send(bearer(http.post(&url), &token), Some(&body)).await;
                        let mut state = state.borrow_mut();
                        match reply {
                            Ok(reply) if (200..300).contains(&reply.status) => {
                                let id = reply.json()["id"]
                                    .as_str()
                                    .and_then(|id| id.parse().ok())
                                    .expect("a created locality has an id");
                                state.acknowledged.insert(n, id);
                            }
                            Ok(reply) => state.refused.push((n, reply.status, reply.text())),
                            Err(_) => state.unanswered += 1,
                        }
                    }
                })
            })
            .collect();

        let deadline = Instant::now() + Duration::from_secs(20);
        while state.borrow().acknowledged.len() < KILL_AFTER && Instant::now() < deadline {
            actix_web::rt::time::sleep(Duration::from_millis(2)).await;
        }
        let status = first.kill();
        assert_eq!(
            status.signal(),
            Some(9),
            "the server should have died of SIGKILL, not {status}"
        );
        for worker in workers {
            worker.await.expect("a burst worker panicked");
        }
        Rc::try_unwrap(state)
            .ok()
            .expect("the workers are done")
            .into_inner()
    });

    let acknowledged = burst.acknowledged.len();
    println!(
        "kill -9: {acknowledged} acknowledged, {} refused, {} unanswered of {TOTAL}",
        burst.refused.len(),
        burst.unanswered
    );
    assert!(
        acknowledged >= KILL_AFTER,
        "the burst never reached {KILL_AFTER} acknowledged writes (got {acknowledged}); \
         refused: {:?}",
        burst.refused
    );
    assert!(
        acknowledged < TOTAL && burst.unanswered > 0,
        "the kill did not land mid-burst ({acknowledged} of {TOTAL} acknowledged)"
    );
    assert!(
        burst.refused.iter().all(|(_, status, _)| *status == 503),
        "before the kill the server refused writes other than with 503: {:?}",
        burst.refused
    );

    // Straight from the database, before any server touches it again.
    let mut conn = db.connect();
    let pattern = format!("{tag} %");
    let rows: Vec<Row> = diesel::sql_query("SELECT id, name FROM localities WHERE name LIKE $1")
        .bind::<Text, _>(&pattern)
        .load(&mut conn)
        .expect("the burst's localities");
    let stored: BTreeMap<Uuid, String> = rows.into_iter().map(|row| (row.id, row.name)).collect();
    for (n, id) in &burst.acknowledged {
        assert_eq!(
            stored.get(id).map(String::as_str),
            Some(format!("{tag} {n:03}").as_str()),
            "acknowledged locality {n} ({id}) is missing after the kill"
        );
    }
    let audited = count(
        &mut conn,
        "SELECT count(*) AS n FROM audit_events a JOIN localities l ON l.id = a.entity_id \
         WHERE a.action = 'locality.create' AND a.outcome = 'success' AND l.name LIKE $1",
        &pattern,
    );
    assert_eq!(
        audited,
        i64::try_from(stored.len()).expect("a small count"),
        "every locality of the burst must have exactly one locality.create audit entry"
    );
    let unaudited = count(
        &mut conn,
        "SELECT count(*) AS n FROM localities l WHERE l.name LIKE $1 AND NOT EXISTS \
         (SELECT 1 FROM audit_events a WHERE a.entity_id = l.id AND a.action = 'locality.create')",
        &pattern,
    );
    assert_eq!(
        unaudited, 0,
        "localities of the burst without their audit entry"
    );
    let orphans = count(
        &mut conn,
        "SELECT count(*) AS n FROM audit_events a WHERE a.action = $1 \
         AND NOT EXISTS (SELECT 1 FROM localities l WHERE l.id = a.entity_id)",
        "locality.create",
    );
    assert_eq!(
        orphans, 0,
        "locality.create audit entries without their locality"
    );
    println!(
        "kill -9: {} localities stored ({} more than acknowledged), each with its audit entry",
        stored.len(),
        stored.len() - acknowledged
    );

    // A new server on the same database serves every acknowledged write.
    let mut second = Server::start(&db, "kill-second", 2, 2_000);
    block_on(async {
        let http = client(Duration::from_secs(5));
        second.wait_ready(&http).await;
        let token = login(&http, &second, ADMIN).await;
        for (n, id) in &burst.acknowledged {
            let reply = send(
                bearer(
                    http.get(second.url(&format!("/api/v1/admin/localities/{id}"))),
                    &token,
                ),
                None,
            )
            .await
            .expect("read a locality back");
            assert_eq!(reply.status, 200, "locality {n}: {}", reply.text());
            assert_eq!(reply.json()["name"], format!("{tag} {n:03}"));
        }
    });
    assert!(second.is_running(), "the restarted server died");
    println!("kill -9 test took {:.1?}", started.elapsed());
}
