//! Tamper evidence for the audit trail. Committed entries are sealed one by one in the order of
//! their sequence number: each seal is the SHA-256 of the seal before it and of the entry's
//! canonical bytes. Changing, removing or slipping in an entry breaks every later link, which
//! [`ChainCheck`] finds at the first entry concerned.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A SHA-256 seal.
pub type Seal = [u8; 32];

/// The seal before the first entry.
pub const GENESIS: Seal = [0; 32];

/// The version of the canonical form, hashed first so a future form cannot collide with it.
const FORM: &[u8] = b"earlyhelp-audit-seal-v1";

/// Every column of an audit entry, as it is sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedEntry {
    pub seq: i64,
    pub id: Uuid,
    /// Microseconds since the Unix epoch (PostgreSQL's own precision).
    pub occurred_at_micros: i64,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    pub request_id: String,
    pub outcome: String,
    pub client_address: Option<String>,
    /// The detail as PostgreSQL prints its `jsonb` (keys in its canonical order).
    pub detail: String,
}

/// The seal of `entry` following `previous`. Every field is length-prefixed, and an absent
/// value differs from an empty one, so no two entries share their bytes.
#[must_use]
pub fn seal(previous: &Seal, entry: &SealedEntry) -> Seal {
    fn field(hasher: &mut Sha256, value: Option<&[u8]>) {
        match value {
            Some(bytes) => {
                hasher.update([1]);
                hasher.update((bytes.len() as u64).to_be_bytes());
                hasher.update(bytes);
            }
            None => hasher.update([0]),
        }
    }
    let mut hasher = Sha256::new();
    hasher.update(FORM);
    hasher.update(previous);
    hasher.update(entry.seq.to_be_bytes());
    hasher.update(entry.id.as_bytes());
    hasher.update(entry.occurred_at_micros.to_be_bytes());
    field(
        &mut hasher,
        entry.actor_id.as_ref().map(|id| &id.as_bytes()[..]),
    );
    field(&mut hasher, Some(entry.action.as_bytes()));
    field(&mut hasher, Some(entry.entity_type.as_bytes()));
    field(
        &mut hasher,
        entry.entity_id.as_ref().map(|id| &id.as_bytes()[..]),
    );
    field(&mut hasher, Some(entry.request_id.as_bytes()));
    field(&mut hasher, Some(entry.outcome.as_bytes()));
    field(
        &mut hasher,
        entry.client_address.as_deref().map(str::as_bytes),
    );
    field(&mut hasher, Some(entry.detail.as_bytes()));
    hasher.finalize().into()
}

/// A stored link of the chain: the entry it seals and the sealed entry before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub seq: i64,
    pub event_id: Uuid,
    pub previous: Option<i64>,
    pub seal: Vec<u8>,
}

/// Why the chain breaks at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The entry's content is not what was sealed.
    Altered,
    /// The link names another entry before it than the chain holds: an entry between was removed.
    Unlinked { expected_previous: Option<i64> },
    /// A seal whose entry is gone.
    Missing,
    /// An entry inside the sealed stretch that no seal covers: slipped in afterwards.
    Unsealed,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Altered => f.write_str("the entry differs from what was sealed"),
            Self::Unlinked {
                expected_previous: Some(seq),
                ..
            } => write!(
                f,
                "its link does not follow the entry before it (#{seq}): an entry was removed"
            ),
            Self::Unlinked {
                expected_previous: None,
            } => f.write_str("its link names an entry before the first: an entry was removed"),
            Self::Missing => f.write_str("the sealed entry is missing"),
            Self::Unsealed => f.write_str("the entry is inside the sealed stretch but not sealed"),
        }
    }
}

/// Walks the chain in order of `seq`, one link at a time.
#[derive(Debug, Clone)]
pub struct ChainCheck {
    previous_seq: Option<i64>,
    previous_seal: Seal,
    checked: u64,
}

impl Default for ChainCheck {
    fn default() -> Self {
        Self {
            previous_seq: None,
            previous_seal: GENESIS,
            checked: 0,
        }
    }
}

impl ChainCheck {
    /// Checks the next link against the entry it seals (`None` when that entry is gone).
    ///
    /// # Errors
    /// The first [`Break`] of this link.
    pub fn check(&mut self, link: &Link, entry: Option<&SealedEntry>) -> Result<(), Break> {
        if link.previous != self.previous_seq {
            return Err(Break::Unlinked {
                expected_previous: self.previous_seq,
            });
        }
        let entry = entry.ok_or(Break::Missing)?;
        if entry.seq != link.seq || entry.id != link.event_id {
            return Err(Break::Altered);
        }
        let expected = seal(&self.previous_seal, entry);
        if link.seal.as_slice() != expected.as_slice() {
            return Err(Break::Altered);
        }
        self.previous_seq = Some(link.seq);
        self.previous_seal = expected;
        self.checked += 1;
        Ok(())
    }

    /// The links checked so far.
    #[must_use]
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// The last sealed entry checked, and its seal.
    #[must_use]
    pub fn head(&self) -> (Option<i64>, Seal) {
        (self.previous_seq, self.previous_seal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64) -> SealedEntry {
        SealedEntry {
            seq,
            id: Uuid::from_u128(seq as u128),
            occurred_at_micros: 1_700_000_000_000_000 + seq,
            actor_id: None,
            action: "family.read".into(),
            entity_type: "family".into(),
            entity_id: Some(Uuid::from_u128(7)),
            request_id: format!("req-{seq}"),
            outcome: "success".into(),
            client_address: Some("127.0.0.1".into()),
            detail: "{}".into(),
        }
    }

    fn chain(entries: &[SealedEntry]) -> Vec<Link> {
        let mut previous = (None, GENESIS);
        entries
            .iter()
            .map(|entry| {
                let sealed = seal(&previous.1, entry);
                let link = Link {
                    seq: entry.seq,
                    event_id: entry.id,
                    previous: previous.0,
                    seal: sealed.to_vec(),
                };
                previous = (Some(entry.seq), sealed);
                link
            })
            .collect()
    }

    fn first_break(links: &[Link], entries: &[Option<SealedEntry>]) -> Option<(i64, Break)> {
        let mut check = ChainCheck::default();
        links.iter().zip(entries).find_map(|(link, entry)| {
            check
                .check(link, entry.as_ref())
                .err()
                .map(|broken| (link.seq, broken))
        })
    }

    #[test]
    fn an_untouched_chain_checks_out_across_gaps_in_the_sequence() {
        let entries = vec![entry(1), entry(2), entry(5), entry(6)];
        let links = chain(&entries);
        let mut check = ChainCheck::default();
        for (link, entry) in links.iter().zip(&entries) {
            check.check(link, Some(entry)).unwrap();
        }
        assert_eq!(check.checked(), 4);
        assert_eq!(check.head().0, Some(6));
    }

    #[test]
    fn each_field_is_sealed_and_an_absent_value_differs_from_an_empty_one() {
        let base = entry(3);
        let changes: Vec<fn(&mut SealedEntry)> = vec![
            |e| e.occurred_at_micros += 1,
            |e| e.actor_id = Some(Uuid::from_u128(1)),
            |e| e.action = "family.update".into(),
            |e| e.entity_type = "episode".into(),
            |e| e.entity_id = None,
            |e| e.request_id.push('x'),
            |e| e.outcome = "denied".into(),
            |e| e.client_address = Some(String::new()),
            |e| e.detail = r#"{"a": 1}"#.into(),
        ];
        for change in changes {
            let mut altered = base.clone();
            change(&mut altered);
            assert_ne!(
                seal(&GENESIS, &base),
                seal(&GENESIS, &altered),
                "{altered:?}"
            );
        }
        assert_ne!(seal(&GENESIS, &base), seal(&[1; 32], &base));
    }

    #[test]
    fn an_altered_entry_breaks_the_chain_at_that_entry() {
        let entries: Vec<_> = (1..=4).map(entry).collect();
        let links = chain(&entries);
        let mut read: Vec<_> = entries.into_iter().map(Some).collect();
        if let Some(third) = read[2].as_mut() {
            third.outcome = "denied".into();
        }
        assert_eq!(first_break(&links, &read), Some((3, Break::Altered)));
    }

    #[test]
    fn a_removed_entry_and_its_seal_break_the_chain_at_the_next_entry() {
        let entries: Vec<_> = (1..=4).map(entry).collect();
        let mut links = chain(&entries);
        let mut read: Vec<_> = entries.into_iter().map(Some).collect();
        links.remove(1);
        read.remove(1);
        assert_eq!(
            first_break(&links, &read),
            Some((
                3,
                Break::Unlinked {
                    expected_previous: Some(1)
                }
            ))
        );
    }

    #[test]
    fn a_seal_without_its_entry_is_missing() {
        let entries: Vec<_> = (1..=3).map(entry).collect();
        let links = chain(&entries);
        let read = vec![Some(entry(1)), None, Some(entry(3))];
        assert_eq!(first_break(&links, &read), Some((2, Break::Missing)));
    }
}
