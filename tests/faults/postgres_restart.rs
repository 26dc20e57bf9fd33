//! PostgreSQL restarts under load: while it is down the server fails fast with 503 problem
//! documents and stays up; once PostgreSQL is back it serves again without a restart.

use crate::harness::{block_on, login, serial, Cluster, FaultDb, Server, ADMIN};
use actix_web::rt::task::spawn_blocking;
use actix_web::rt::time::sleep;
use earlyhelp_tests::http::{bearer, client, send, Reply};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How long any answer may take, database or no database.
const FAIL_FAST: Duration = Duration::from_secs(3);
/// How long after PostgreSQL accepts connections again the server must serve again.
const RECOVERY: Duration = Duration::from_secs(5);
/// The background load: at most this many rounds of /readyz + /api/v1/me, for at most 60 s.
const LOAD_ROUNDS: usize = 600;

struct Sample {
    path: &'static str,
    reply: Result<Reply, String>,
}

#[test]
fn postgres_restart_fails_fast_with_503_and_recovers_without_a_server_restart() {
    let _serial = serial();
    let Some(cluster) = Cluster::find() else {
        println!("skipped: cannot control the PostgreSQL cluster");
        return;
    };
    let started = Instant::now();
    let db = FaultDb::create();
    let mut server = Server::start(&db, "pg-restart", 2, 1_000);
    // Declared last, so dropped first: PostgreSQL runs again before the rest is cleaned up.
    let _keep_running = cluster.keep_running();

    block_on(async {
        let http = client(Duration::from_secs(10));
        server.wait_ready(&http).await;
        let token = login(&http, &server, ADMIN).await;
        let readyz = server.url("/readyz");
        let me = server.url("/api/v1/me");
        let get_me = || send(bearer(http.get(&me), &token), None);
        let me_reply = get_me().await.expect("GET /api/v1/me");
        assert_eq!(me_reply.status, 200, "{}", me_reply.text());

        // Background load for the whole test.
        let stop = Rc::new(Cell::new(false));
        let samples = Rc::new(RefCell::new(Vec::<Sample>::new()));
        let load = {
            let (stop, samples, http, token) =
                (stop.clone(), samples.clone(), http.clone(), token.clone());
            let (readyz, me) = (readyz.clone(), me.clone());
            actix_web::rt::spawn(async move {
                let deadline = Instant::now() + Duration::from_secs(60);
                for _ in 0..LOAD_ROUNDS {
                    if stop.get() || Instant::now() > deadline {
                        break;
                    }
                    let reply = send(http.get(&readyz), None).await;
                    samples.borrow_mut().push(Sample {
                        path: "/readyz",
                        reply,
                    });
                    let reply = send(bearer(http.get(&me), &token), None).await;
                    samples.borrow_mut().push(Sample {
                        path: "/api/v1/me",
                        reply,
                    });
                    sleep(Duration::from_millis(50)).await;
                }
            })
        };
        sleep(Duration::from_millis(300)).await;

        let control = cluster.clone();
        spawn_blocking(move || control.stop())
            .await
            .expect("stop PostgreSQL");
        let stopped_at = Instant::now();
        assert!(!cluster.accepting(), "PostgreSQL still accepts connections");

        // While it is down: 503 problem documents, fast, and the process lives on.
        for round in 0..2 {
            let (ready, me_reply) =
                futures_util::future::join(send(http.get(&readyz), None), get_me()).await;
            for (what, reply) in [("GET /readyz", ready), ("GET /api/v1/me", me_reply)] {
                let reply =
                    reply.unwrap_or_else(|error| panic!("{what} with PostgreSQL down: {error}"));
                reply.assert_unavailable(&format!("{what} with PostgreSQL down"));
                assert!(
                    reply.elapsed < FAIL_FAST,
                    "{what} took {:?} with PostgreSQL down",
                    reply.elapsed
                );
                println!(
                    "PostgreSQL down, round {round}: {what} 503 in {:.2?}",
                    reply.elapsed
                );
            }
            assert!(
                server.is_running(),
                "the server died while PostgreSQL was down"
            );
        }

        let control = cluster.clone();
        spawn_blocking(move || control.start())
            .await
            .expect("start PostgreSQL")
            .unwrap_or_else(|error| panic!("pg_ctlcluster start failed: {error}"));
        let mut accepting_at = None;
        for _ in 0..300 {
            let probe = cluster.clone();
            if spawn_blocking(move || probe.accepting())
                .await
                .unwrap_or(false)
            {
                accepting_at = Some(Instant::now());
                break;
            }
            sleep(Duration::from_millis(100)).await;
        }
        let accepting_at = accepting_at.expect("PostgreSQL did not accept connections in 30 s");
        println!("PostgreSQL was down for {:.1?}", accepting_at - stopped_at);

        // Back within RECOVERY, the same process.
        let mut recovered = None;
        while accepting_at.elapsed() < RECOVERY {
            let ready = send(http.get(&readyz), None).await;
            let me_reply = get_me().await;
            if matches!((&ready, &me_reply), (Ok(r), Ok(m)) if r.status == 200 && m.status == 200) {
                recovered = Some(accepting_at.elapsed());
                break;
            }
            sleep(Duration::from_millis(50)).await;
        }
        let recovered = recovered.unwrap_or_else(|| {
            panic!(
                "the server did not serve /readyz and /api/v1/me with 200 within {RECOVERY:?} \
                 of PostgreSQL accepting connections"
            )
        });
        println!("served again {recovered:.1?} after PostgreSQL accepted connections");
        assert!(server.is_running(), "the server died");

        sleep(Duration::from_millis(200)).await;
        stop.set(true);
        load.await.expect("the load loop panicked");

        // Everything the load saw: answers only, 200 or a fast 503 problem, never a 500.
        let samples = samples.borrow();
        let mut unavailable = 0;
        for sample in samples.iter() {
            let reply = sample.reply.as_ref().unwrap_or_else(|error| {
                panic!(
                    "{} went unanswered during the restart: {error}",
                    sample.path
                )
            });
            assert!(
                reply.status == 200 || reply.is_unavailable_problem(),
                "{} answered {} during the restart (want 200 or 503 problem+json): {}",
                sample.path,
                reply.status,
                reply.text()
            );
            assert!(
                reply.elapsed < FAIL_FAST,
                "{} took {:?} during the restart",
                sample.path,
                reply.elapsed
            );
            unavailable += usize::from(reply.status == 503);
        }
        println!(
            "load during the restart: {} requests, {unavailable} answered 503",
            samples.len()
        );
        assert!(unavailable > 0, "the load never saw PostgreSQL down");
        let last = samples.last().and_then(|s| s.reply.as_ref().ok());
        assert_eq!(last.map(|r| r.status), Some(200), "the load ended unserved");
    });
    assert!(server.is_running(), "the server died");
    println!("PostgreSQL restart test took {:.1?}", started.elapsed());
}
