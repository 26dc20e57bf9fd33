//! Runs the audit sealer beside the server: every interval, on the blocking thread pool and a
//! connection of its own, so requests never wait for it or for its lock.

use earlyhelp_persistence::Db;
use earlyhelp_workflows::sealing::Sealer;
use std::time::Duration;

/// Seals newly committed audit entries every `every` until the runtime stops.
pub async fn run(db: Db, every: Duration) {
    let mut ticks = actix_web::rt::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sealer = Sealer::new(db);
    let mut failing = false;
    loop {
        ticks.tick().await;
        let outcome = actix_web::web::block(move || {
            let result = sealer.seal_pending();
            (sealer, result)
        })
        .await;
        let Ok((back, result)) = outcome else {
            // The blocking pool is gone: the server is stopping.
            return;
        };
        sealer = back;
        match result {
            Ok(sealed) => {
                if failing {
                    tracing::info!("audit sealing resumed");
                }
                failing = false;
                if sealed > 0 {
                    tracing::debug!(sealed, "audit entries sealed");
                }
            }
            // Once per outage, not every tick: the next run picks up where this one stopped.
            Err(error) if !failing => {
                failing = true;
                tracing::warn!(%error, "audit sealing failed; retrying");
            }
            Err(_) => {}
        }
    }
}
