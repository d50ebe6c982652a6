//! The store's side of sync: version vectors, reading the log by position, the outbox of events
//! not yet acknowledged, and the server's list of peers.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Reader, StoreError, Tx};
use crate::model::{EventId, RegisterId, hex};
use crate::sync::protocol::Vector;

/// One event of the log with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Position in this database's log.
    pub log_seq: u64,
    /// The event's id.
    pub id: EventId,
    /// The encoded event.
    pub bytes: Vec<u8>,
}

/// A register a server has heard from, as `till peers` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeerRow {
    /// Its register id.
    pub register_id: String,
    /// Its name.
    pub name: String,
    /// The address it last called from.
    pub address: Option<String>,
    /// First contact, ms since the epoch.
    pub first_seen_ms: i64,
    /// Last contact, ms since the epoch.
    pub last_contact_ms: i64,
    /// Events it said it still had to send.
    pub pending: i64,
    /// Events it sent that were new here.
    pub events_received: i64,
    /// It holds a key of its own here (it said hello since schema 4).
    pub enrolled: bool,
    /// When it was revoked, ms since the epoch; `None` while it may sync.
    pub revoked_ms: Option<i64>,
}

/// A register id from its stored bytes (always 16: the tables CHECK the length).
fn origin_of(bytes: Vec<u8>) -> RegisterId {
    RegisterId(bytes.try_into().unwrap_or([0; 16]))
}

impl Reader<'_> {
    /// The last position of this database's log (0 when empty).
    pub fn head(&self) -> Result<u64, StoreError> {
        let v: i64 = self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(log_seq), 0) FROM events")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(|e| self.err(e))?;
        Ok(v.max(0) as u64)
    }

    /// The id of the event at a log position.
    pub fn event_id_at(&self, log_seq: u64) -> Result<Option<EventId>, StoreError> {
        self.conn
            .prepare_cached("SELECT origin, seq FROM events WHERE log_seq = ?1")
            .and_then(|mut s| {
                s.query_row([log_seq as i64], |r| {
                    Ok(EventId { origin: origin_of(r.get(0)?), seq: r.get::<_, i64>(1)? as u64 })
                })
                .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// Up to `limit` log entries after `after` (and at most about `max_bytes` of them).
    pub fn log_entries(&self, after: u64, limit: usize, max_bytes: usize) -> Result<Vec<LogEntry>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT log_seq, origin, seq, body FROM events WHERE log_seq > ?1 ORDER BY log_seq LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = st.query(params![after as i64, limit as i64]).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        let mut bytes = 0;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let body: Vec<u8> = r.get(3).map_err(|e| self.err(e))?;
            bytes += body.len();
            out.push(LogEntry {
                log_seq: r.get::<_, i64>(0).map_err(|e| self.err(e))? as u64,
                id: EventId {
                    origin: origin_of(r.get(1).map_err(|e| self.err(e))?),
                    seq: r.get::<_, i64>(2).map_err(|e| self.err(e))? as u64,
                },
                bytes: body,
            });
            if bytes >= max_bytes {
                break;
            }
        }
        Ok(out)
    }

    /// Per-origin high-water marks: for each origin, the largest n such that seqs 1..=n are all
    /// held. Gaps can exist (events arrive from several peers); the mark stops at the first one.
    pub fn vector(&self) -> Result<Vector, StoreError> {
        let summary: Vec<(Vec<u8>, i64, i64)> =
            self.rows("SELECT origin, MAX(seq), COUNT(*) FROM events GROUP BY origin ORDER BY origin", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let mut out = Vec::with_capacity(summary.len());
        for (origin, max, count) in summary {
            let mark = if max == count {
                max
            } else {
                // The last seq before the first gap (0 if seq 1 itself is missing).
                self.one(
                    "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM events WHERE origin = ?1 AND seq = 1) THEN 0 ELSE
                        (SELECT MIN(e.seq) FROM events e WHERE e.origin = ?1
                           AND NOT EXISTS (SELECT 1 FROM events f WHERE f.origin = e.origin AND f.seq = e.seq + 1)) END",
                    [&origin],
                    |r| r.get::<_, i64>(0),
                )?
                .unwrap_or(0)
            };
            out.push((origin_of(origin), mark.max(0) as u64));
        }
        Ok(out)
    }

    /// Encoded events this database holds beyond another's vector, up to `limit` events and
    /// about `max_bytes`, oldest first per origin: what the other side lacks.
    pub fn events_beyond(&self, theirs: &Vector, limit: usize, max_bytes: usize) -> Result<Vec<Vec<u8>>, StoreError> {
        let mine = self.vector()?;
        let mut out = Vec::new();
        let mut bytes = 0;
        for (origin, _) in mine {
            let known = theirs.iter().find(|(o, _)| *o == origin).map_or(0, |(_, n)| *n);
            let rest = limit.saturating_sub(out.len());
            if rest == 0 || bytes >= max_bytes {
                break;
            }
            for body in self.rows(
                "SELECT body FROM events WHERE origin = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                params![&origin.0[..], known as i64, rest as i64],
                |r| r.get::<_, Vec<u8>>(0),
            )? {
                if !out.is_empty() && bytes + body.len() > max_bytes {
                    return Ok(out);
                }
                bytes += body.len();
                out.push(body);
            }
        }
        Ok(out)
    }

    /// The encoded event with this id, if held.
    pub fn body_of(&self, id: &EventId) -> Result<Option<Vec<u8>>, StoreError> {
        self.one(
            "SELECT body FROM events WHERE origin = ?1 AND seq = ?2",
            params![&id.origin.0[..], id.seq as i64],
            |r| r.get(0),
        )
    }

    /// Encoded events of one origin with `after < seq <= upto`, oldest first, up to `limit` and
    /// about `max_bytes`.
    pub fn events_of(
        &self,
        origin: RegisterId,
        after: u64,
        upto: u64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        let rows: Vec<(i64, Vec<u8>)> = self.rows(
            "SELECT seq, body FROM events WHERE origin = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq LIMIT ?4",
            params![&origin.0[..], after as i64, upto as i64, limit as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut out = Vec::with_capacity(rows.len());
        let mut bytes = 0;
        for (seq, body) in rows {
            if !out.is_empty() && bytes + body.len() > max_bytes {
                break;
            }
            bytes += body.len();
            out.push((seq as u64, body));
        }
        Ok(out)
    }

    /// Up to `limit` events (and about `max_bytes`) made here and not yet acknowledged, oldest first.
    pub fn pending(&self, limit: usize, max_bytes: usize) -> Result<Vec<LogEntry>, StoreError> {
        let rows = self.rows(
            "SELECT log_seq, origin, seq, body FROM events WHERE pending = 1 ORDER BY log_seq LIMIT ?1",
            [limit as i64],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, i64>(2)?, r.get::<_, Vec<u8>>(3)?)),
        )?;
        let mut out = Vec::with_capacity(rows.len());
        let mut bytes = 0;
        for (l, o, s, b) in rows {
            if !out.is_empty() && bytes + b.len() > max_bytes {
                break;
            }
            bytes += b.len();
            out.push(LogEntry { log_seq: l as u64, id: EventId { origin: origin_of(o), seq: s as u64 }, bytes: b });
        }
        Ok(out)
    }

    /// How many events are waiting to be pushed.
    pub fn pending_count(&self) -> Result<u64, StoreError> {
        Ok(self.one("SELECT count(*) FROM events WHERE pending = 1", [], |r| r.get::<_, i64>(0))?.unwrap_or(0).max(0)
            as u64)
    }

    /// The registers this server has heard from, most recent first.
    pub fn peers(&self) -> Result<Vec<PeerRow>, StoreError> {
        self.rows(
            "SELECT register_id, name, address, first_seen_ms, last_contact_ms, pending, events_received,
                    register_key IS NOT NULL, revoked_ms
             FROM peers ORDER BY last_contact_ms DESC",
            [],
            |r| {
                Ok(PeerRow {
                    register_id: hex(&r.get::<_, Vec<u8>>(0)?),
                    name: r.get(1)?,
                    address: r.get(2)?,
                    first_seen_ms: r.get(3)?,
                    last_contact_ms: r.get(4)?,
                    pending: r.get(5)?,
                    events_received: r.get(6)?,
                    enrolled: r.get(7)?,
                    revoked_ms: r.get(8)?,
                })
            },
        )
    }

    /// Every client register's own key and revocation (the server's register keys).
    pub fn register_keys(&self) -> Result<Vec<RegisterKeyRow>, StoreError> {
        self.rows(
            "SELECT register_id, name, register_key, revoked_ms FROM peers
             WHERE register_key IS NOT NULL OR revoked_ms IS NOT NULL",
            [],
            |r| {
                let id: Vec<u8> = r.get(0)?;
                let key: Option<Vec<u8>> = r.get(2)?;
                Ok(RegisterKeyRow {
                    register_id: origin_of(id),
                    name: r.get(1)?,
                    key: key.and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok()),
                    revoked_ms: r.get(3)?,
                })
            },
        )
    }

    /// How many peers have been seen.
    pub fn peer_count(&self) -> Result<u64, StoreError> {
        Ok(self.one("SELECT count(*) FROM peers", [], |r| r.get::<_, i64>(0))?.unwrap_or(0).max(0) as u64)
    }
}

/// A client register as the server's key table holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterKeyRow {
    /// The register.
    pub register_id: RegisterId,
    /// Its name when it last said hello.
    pub name: String,
    /// The key it enrolled with.
    pub key: Option<[u8; 32]>,
    /// When it was revoked, ms since the epoch.
    pub revoked_ms: Option<i64>,
}

impl Tx<'_> {
    /// Records the key a register enrolled with (its first hello). Never replaces another key.
    pub fn enroll_register(&mut self, id: RegisterId, key: &[u8; 32]) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE peers SET register_key = ?2 WHERE register_id = ?1 AND register_key IS NULL",
                params![&id.0[..], &key[..]],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Shuts a register out: the server refuses its requests from now on.
    pub fn revoke_register(&mut self, id: RegisterId, now_ms: u64) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE peers SET revoked_ms = ?2 WHERE register_id = ?1 AND revoked_ms IS NULL",
                params![&id.0[..], now_ms as i64],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Marks events up to a log position as acknowledged by the server.
    pub fn mark_pushed(&mut self, upto_log_seq: u64) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("UPDATE events SET pending = 0 WHERE pending = 1 AND log_seq <= ?1")
            .and_then(|mut s| s.execute([upto_log_seq as i64]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Records a contact from a peer register.
    pub fn record_peer(
        &mut self,
        id: RegisterId,
        name: &str,
        address: Option<&str>,
        now_ms: u64,
        pending: Option<u64>,
        received: u64,
    ) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO peers (register_id, name, address, first_seen_ms, last_contact_ms, pending, events_received)
                 VALUES (?1, ?2, ?3, ?4, ?4, COALESCE(?5, 0), ?6)
                 ON CONFLICT(register_id) DO UPDATE SET
                     name = CASE WHEN excluded.name = '' THEN name ELSE excluded.name END,
                     address = COALESCE(excluded.address, address), last_contact_ms = excluded.last_contact_ms,
                     pending = COALESCE(?5, pending), events_received = events_received + excluded.events_received",
            )
            .and_then(|mut s| {
                s.execute(params![&id.0[..], name, address, now_ms as i64, pending.map(|p| p as i64), received as i64])
            })
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}
