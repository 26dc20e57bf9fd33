//! Sealing the audit trail into its hash chain in the background, and verifying the chain
//! (`earlyhelp audit verify`). The request path never waits for either: entries are written
//! as before, and a sealer on a connection of its own appends their links afterwards.
//!
//! Entries are sealed in the order of their `seq`. Sequence numbers are handed out before a
//! transaction commits, so a gap in the committed entries is either a write still in flight
//! (which must be sealed in its place once it commits) or a rolled-back one (never to come).
//! The sealer stops at a gap until no transaction that could still fill it is running: it notes
//! the highest committed seq, waits [`XID_GRACE`] so any writer of a lower seq holds its
//! transaction id, takes the next transaction id to be given out, and steps over the gap once
//! every transaction before that one has ended.

use crate::Result;
use earlyhelp_domain::audit_seal::{self, Break, ChainCheck, Link, GENESIS};
use earlyhelp_persistence::{audit_seals, Db, Error as DbError, PgConnection};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Entries sealed per transaction.
const BATCH: i64 = 1_000;

/// Between taking a sequence number and holding a transaction id, a writer spends only the
/// rest of its INSERT statement; this is far longer.
const XID_GRACE: Duration = Duration::from_secs(1);

/// A gap the sealer is waiting on.
#[derive(Debug, Clone, Copy)]
struct Settling {
    /// The highest committed seq when the gap was seen: every lower seq is final once settled.
    barrier: i64,
    seen_at: Instant,
    /// The next transaction id to be given out, taken [`XID_GRACE`] after the gap was seen.
    horizon: Option<i64>,
}

/// The background sealer: its own connection and what it knows of gaps.
pub struct Sealer {
    db: Db,
    conn: Option<PgConnection>,
    settling: Option<Settling>,
    /// Every seq up to here is final: no transaction can still commit one.
    final_through: i64,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("connected", &self.conn.is_some())
            .field("settling", &self.settling)
            .field("final_through", &self.final_through)
            .finish()
    }
}

impl Sealer {
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self {
            db,
            conn: None,
            settling: None,
            final_through: 0,
        }
    }

    /// Seals every committed entry that can be sealed now; returns how many. A failed
    /// connection is dropped and made again next time.
    ///
    /// # Errors
    /// The database failed; nothing was sealed by the failing batch.
    pub fn seal_pending(&mut self) -> Result<u64> {
        let mut conn = match self.conn.take() {
            Some(conn) => conn,
            None => self.db.dedicated()?,
        };
        let mut sealed = 0;
        let outcome = loop {
            match self.seal_batch(&mut conn) {
                Ok(count) => {
                    sealed += count;
                    if count < BATCH as u64 {
                        break Ok(sealed);
                    }
                }
                Err(error) => break Err(error),
            }
        };
        if outcome.is_ok() {
            self.conn = Some(conn);
        }
        outcome
    }

    fn seal_batch(&mut self, conn: &mut PgConnection) -> Result<u64> {
        // `None`: another server's sealer is at work.
        let sealed = audit_seals::sealing(conn, |conn| {
            self.settle(conn)?;
            let (mut previous, mut previous_seal) = match audit_seals::head(conn)? {
                Some((seq, seal)) => (Some(seq), seal),
                None => (None, GENESIS),
            };
            let mut links = Vec::new();
            for entry in audit_seals::entries_after(conn, previous, BATCH)? {
                let next = previous.map_or(1, |seq| seq + 1);
                if entry.seq != next && entry.seq > self.final_through {
                    if self.settling.is_none() {
                        self.settling = Some(Settling {
                            barrier: audit_seals::latest_seq(conn)?.unwrap_or(entry.seq),
                            seen_at: Instant::now(),
                            horizon: None,
                        });
                    }
                    break;
                }
                let seal = audit_seal::seal(&previous_seal, &entry);
                links.push(Link {
                    seq: entry.seq,
                    event_id: entry.id,
                    previous,
                    seal: seal.to_vec(),
                });
                previous = Some(entry.seq);
                previous_seal = seal;
            }
            audit_seals::append(conn, &links)?;
            Ok(links.len() as u64)
        })?;
        Ok(sealed.unwrap_or(0))
    }

    /// Moves a waiting gap along: takes the transaction horizon once the grace has passed,
    /// and marks the gap final once every transaction before the horizon has ended.
    fn settle(&mut self, conn: &mut PgConnection) -> std::result::Result<(), DbError> {
        let Some(settling) = self.settling.as_mut() else {
            return Ok(());
        };
        if settling.horizon.is_none() && settling.seen_at.elapsed() >= XID_GRACE {
            settling.horizon = Some(audit_seals::transaction_horizon(conn)?.1);
        }
        if let Some(horizon) = settling.horizon {
            let (oldest_running, _) = audit_seals::transaction_horizon(conn)?;
            if oldest_running >= horizon {
                self.final_through = self.final_through.max(settling.barrier);
                self.settling = None;
            }
        }
        Ok(())
    }
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub event_id: Uuid,
    pub reason: Break,
}

/// What `earlyhelp audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Links checked before the first break (all of them when there is none).
    pub checked: u64,
    /// The last sealed entry's seq.
    pub head: Option<i64>,
    pub broken: Option<BrokenLink>,
    /// Committed entries after the last link, not yet sealed.
    pub unsealed: i64,
}

/// How many committed entries come after the last link.
///
/// # Errors
/// The database failed.
pub fn unsealed(conn: &mut PgConnection) -> Result<i64> {
    let head = audit_seals::head(conn)?.map(|(seq, _)| seq);
    Ok(audit_seals::count_after(conn, head)?)
}

/// Recomputes the chain from the first link and names the first entry where it breaks:
/// altered, removed, or slipped in among sealed entries. `progress` hears the links checked.
///
/// # Errors
/// The database failed.
pub fn verify(conn: &mut PgConnection, mut progress: impl FnMut(u64)) -> Result<Verification> {
    const PAGE: i64 = 10_000;
    let mut check = ChainCheck::default();
    let mut after = None;
    let mut broken = None;
    'pages: loop {
        let links = audit_seals::links_after(conn, after, PAGE)?;
        let count = links.len();
        for (link, entry) in links {
            if let Err(reason) = check.check(&link, entry.as_ref()) {
                broken = Some(BrokenLink {
                    seq: link.seq,
                    event_id: link.event_id,
                    reason,
                });
                break 'pages;
            }
            after = Some(link.seq);
        }
        progress(check.checked());
        if count < PAGE as usize {
            break;
        }
    }
    // An entry slipped in among the sealed ones, before any break the walk found.
    let within = match &broken {
        Some(broken) => Some(broken.seq - 1),
        None => check.head().0,
    };
    if let Some(within) = within {
        if let Some((seq, event_id)) = audit_seals::first_unsealed_within(conn, within)? {
            broken = Some(BrokenLink {
                seq,
                event_id,
                reason: Break::Unsealed,
            });
        }
    }
    Ok(Verification {
        checked: check.checked(),
        head: audit_seals::head(conn)?.map(|(seq, _)| seq),
        broken,
        unsealed: unsealed(conn)?,
    })
}
