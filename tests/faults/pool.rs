//! Pool exhaustion: with its only connection stuck, the server turns requests away with 503
//! problem documents (and Retry-After) once the acquire timeout passes; never a 500, and it
//! serves normally again as soon as the connection is free.

use crate::harness::{block_on, login, serial, FaultDb, Server, TableLock, ADMIN};
use actix_web::rt::time::sleep;
use earlyhelp_tests::http::{bearer, client, send, Reply};
use std::time::{Duration, Instant};

const BURST: usize = 40;
const POOL_TIMEOUT_MS: u64 = 200;

#[test]
fn exhausted_pool_answers_503_problem_with_retry_after_and_recovers() {
    let _serial = serial();
    let started = Instant::now();
    let db = FaultDb::create();
    let mut server = Server::start(&db, "pool", 1, POOL_TIMEOUT_MS);

    block_on(async {
        let http = client(Duration::from_secs(15));
        server.wait_ready(&http).await;
        let token = login(&http, &server, ADMIN).await;
        let me = server.url("/api/v1/me");

        // The only pooled connection gets stuck behind this lock on the first request that
        // draws it; every other request waits for the pool and times out.
        let mut lock = TableLock::take(&db, "users");
        let burst: Vec<_> = (0..BURST)
            .map(|_| {
                let request = bearer(http.get(&me), &token);
                actix_web::rt::spawn(send(request, None))
            })
            .collect();
        // Wait (bounded) until the stuck request holds the connection and all the others have
        // had their answer, then hold a little longer past the acquire timeout.
        let deadline = Instant::now() + Duration::from_secs(5);
        while burst.iter().filter(|task| task.is_finished()).count() < BURST - 1
            && Instant::now() < deadline
        {
            sleep(Duration::from_millis(20)).await;
        }
        assert!(
            db.waiting_on_locks() >= 1,
            "no request of the burst was stuck on the lock"
        );
        sleep(Duration::from_millis(POOL_TIMEOUT_MS)).await;
        lock.release();

        let mut replies: Vec<Reply> = Vec::new();
        for task in burst {
            let reply = task
                .await
                .expect("a burst request panicked")
                .unwrap_or_else(|error| panic!("a burst request went unanswered: {error}"));
            replies.push(reply);
        }
        let ok = replies.iter().filter(|r| r.status == 200).count();
        let unavailable = replies.iter().filter(|r| r.status == 503).count();
        for reply in &replies {
            assert_ne!(
                reply.status,
                500,
                "a 500 under pool exhaustion: {}",
                reply.text()
            );
            if reply.status != 200 {
                reply.assert_unavailable("GET /api/v1/me with the pool exhausted");
                assert!(
                    reply.elapsed < Duration::from_secs(3),
                    "a 503 took {:?}; it should come after the {POOL_TIMEOUT_MS} ms acquire timeout",
                    reply.elapsed
                );
            }
        }
        println!("pool exhausted: {ok} x 200, {unavailable} x 503 of {BURST}");
        assert!(unavailable >= 1, "no request was turned away with 503");
        assert!(
            ok >= 1,
            "the request holding the connection did not finish with 200"
        );

        // Normal service once the connection is free.
        for path in ["/api/v1/me", "/readyz"] {
            let reply = send(bearer(http.get(server.url(path)), &token), None)
                .await
                .expect("a request after the burst");
            assert_eq!(
                reply.status,
                200,
                "{path} after the burst: {}",
                reply.text()
            );
        }
    });
    assert!(server.is_running(), "the server died");
    println!("pool exhaustion test took {:.1?}", started.elapsed());
}
