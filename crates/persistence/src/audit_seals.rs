//! The audit trail's hash chain (`audit_seals`): committed entries read in `seq` order with
//! every column in its canonical form, links appended, and the chain read back beside the
//! entries it seals for verification. The rules live in `earlyhelp_domain::audit_seal`.

use crate::Result;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Bytea, Nullable, Text, Uuid as SqlUuid};
use earlyhelp_domain::audit_seal::{Link, Seal, SealedEntry};
use uuid::Uuid;

/// The advisory lock one sealer holds while it appends, so that two servers never race.
const SEALER_LOCK: i64 = 0x6561_726c_7973_6561; // "earlysea"

/// The columns of an entry as they are sealed, `e` being `audit_events`.
const ENTRY_COLUMNS: &str =
    "e.seq, e.id, (extract(epoch FROM e.occurred_at) * 1000000)::bigint AS micros, \
     e.actor_id, e.action, e.entity_type, e.entity_id, e.request_id, e.outcome, \
     e.client_address, e.detail::text AS detail";

#[derive(QueryableByName)]
struct EntryRow {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = BigInt)]
    micros: i64,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    actor_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Text)]
    entity_type: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    entity_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    request_id: String,
    #[diesel(sql_type = Text)]
    outcome: String,
    #[diesel(sql_type = Nullable<Text>)]
    client_address: Option<String>,
    #[diesel(sql_type = Text)]
    detail: String,
}

impl From<EntryRow> for SealedEntry {
    fn from(row: EntryRow) -> Self {
        Self {
            seq: row.seq,
            id: row.id,
            occurred_at_micros: row.micros,
            actor_id: row.actor_id,
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            request_id: row.request_id,
            outcome: row.outcome,
            client_address: row.client_address,
            detail: row.detail,
        }
    }
}

/// Runs `work` in one transaction holding the sealer's lock; `None` when another sealer holds
/// it (another server is sealing).
pub fn sealing<T>(
    conn: &mut PgConnection,
    work: impl FnOnce(&mut PgConnection) -> Result<T>,
) -> Result<Option<T>> {
    conn.transaction(|conn| {
        if try_lock(conn)? {
            work(conn).map(Some)
        } else {
            Ok(None)
        }
    })
}

fn try_lock(conn: &mut PgConnection) -> Result<bool> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Bool)]
        locked: bool,
    }
    Ok(
        diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
            .bind::<BigInt, _>(SEALER_LOCK)
            .get_result::<Locked>(conn)?
            .locked,
    )
}

/// The last link: its entry's seq and its seal.
pub fn head(conn: &mut PgConnection) -> Result<Option<(i64, Seal)>> {
    use crate::schema::audit_seals::dsl::{audit_seals, seal, seq};
    let head: Option<(i64, Vec<u8>)> = audit_seals
        .select((seq, seal))
        .order(seq.desc())
        .first(conn)
        .optional()?;
    head.map(|(at, bytes)| {
        let sealed = Seal::try_from(bytes.as_slice()).map_err(|_| {
            diesel::result::Error::DeserializationError(
                format!("the seal of #{at} has {} bytes", bytes.len()).into(),
            )
        })?;
        Ok((at, sealed))
    })
    .transpose()
}

/// Up to `limit` committed entries after `after` (every entry when `None`), in seq order.
pub fn entries_after(
    conn: &mut PgConnection,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<SealedEntry>> {
    let rows: Vec<EntryRow> = diesel::sql_query(format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_events e \
         WHERE e.seq > coalesce($1, 0) ORDER BY e.seq LIMIT $2"
    ))
    .bind::<Nullable<BigInt>, _>(after)
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows.into_iter().map(SealedEntry::from).collect())
}

/// The highest seq of a committed entry.
pub fn latest_seq(conn: &mut PgConnection) -> Result<Option<i64>> {
    use crate::schema::audit_events::dsl::{audit_events, seq};
    Ok(audit_events
        .select(diesel::dsl::max(seq))
        .first::<Option<i64>>(conn)?)
}

/// The transaction ids of this moment: the oldest still running (`xmin`) and the next to be
/// given out (`xmax`).
pub fn transaction_horizon(conn: &mut PgConnection) -> Result<(i64, i64)> {
    #[derive(QueryableByName)]
    struct Horizon {
        #[diesel(sql_type = BigInt)]
        xmin: i64,
        #[diesel(sql_type = BigInt)]
        xmax: i64,
    }
    let horizon: Horizon = diesel::sql_query(
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin, \
                pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax",
    )
    .get_result(conn)?;
    Ok((horizon.xmin, horizon.xmax))
}

/// Appends links, in one statement.
pub fn append(conn: &mut PgConnection, links: &[Link]) -> Result<()> {
    use crate::schema::audit_seals::dsl::{audit_seals, event_id, previous, seal, seq};
    let rows: Vec<_> = links
        .iter()
        .map(|link| {
            (
                seq.eq(link.seq),
                event_id.eq(link.event_id),
                previous.eq(link.previous),
                seal.eq(&link.seal),
            )
        })
        .collect();
    for chunk in rows.chunks(5_000) {
        diesel::insert_into(audit_seals)
            .values(chunk)
            .execute(conn)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct LinkRow {
    #[diesel(sql_type = BigInt)]
    link_seq: i64,
    #[diesel(sql_type = SqlUuid)]
    link_event: Uuid,
    #[diesel(sql_type = Nullable<BigInt>)]
    link_previous: Option<i64>,
    #[diesel(sql_type = Bytea)]
    link_seal: Vec<u8>,
    #[diesel(sql_type = Nullable<BigInt>)]
    seq: Option<i64>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    id: Option<Uuid>,
    #[diesel(sql_type = Nullable<BigInt>)]
    micros: Option<i64>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    actor_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    action: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    entity_type: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    entity_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    request_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    outcome: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    client_address: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    detail: Option<String>,
}

impl LinkRow {
    fn split(self) -> (Link, Option<SealedEntry>) {
        let link = Link {
            seq: self.link_seq,
            event_id: self.link_event,
            previous: self.link_previous,
            seal: self.link_seal,
        };
        let entry = match (
            self.seq,
            self.id,
            self.micros,
            self.action,
            self.entity_type,
            self.request_id,
            self.outcome,
            self.detail,
        ) {
            (
                Some(seq),
                Some(id),
                Some(occurred_at_micros),
                Some(action),
                Some(entity_type),
                Some(request_id),
                Some(outcome),
                Some(detail),
            ) => Some(SealedEntry {
                seq,
                id,
                occurred_at_micros,
                actor_id: self.actor_id,
                action,
                entity_type,
                entity_id: self.entity_id,
                request_id,
                outcome,
                client_address: self.client_address,
                detail,
            }),
            _ => None,
        };
        (link, entry)
    }
}

/// Up to `limit` links after `after` (from the first when `None`), in seq order, each with the
/// entry it seals as it reads now (`None` when that entry is gone).
pub fn links_after(
    conn: &mut PgConnection,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<(Link, Option<SealedEntry>)>> {
    let rows: Vec<LinkRow> = diesel::sql_query(format!(
        "SELECT s.seq AS link_seq, s.event_id AS link_event, s.previous AS link_previous, \
                s.seal AS link_seal, {ENTRY_COLUMNS} \
         FROM audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id \
         WHERE s.seq > coalesce($1, 0) ORDER BY s.seq LIMIT $2"
    ))
    .bind::<Nullable<BigInt>, _>(after)
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows.into_iter().map(LinkRow::split).collect())
}

/// The first entry at or before `head` that no link seals: its seq and id.
pub fn first_unsealed_within(conn: &mut PgConnection, head: i64) -> Result<Option<(i64, Uuid)>> {
    use crate::schema::audit_events::dsl::{audit_events, id, seq};
    use crate::schema::audit_seals::dsl as seals;
    Ok(audit_events
        .filter(seq.le(head))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            seals::audit_seals.filter(seals::event_id.eq(id)),
        )))
        .select((seq, id))
        .order(seq)
        .first(conn)
        .optional()?)
}

/// How many committed entries come after `head` (all of them when `None`).
pub fn count_after(conn: &mut PgConnection, head: Option<i64>) -> Result<i64> {
    use crate::schema::audit_events::dsl::{audit_events, seq};
    Ok(audit_events
        .filter(seq.gt(head.unwrap_or(0)))
        .count()
        .get_result(conn)?)
}
