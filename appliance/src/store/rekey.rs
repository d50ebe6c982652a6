//! Re-keying a register restored from an old backup or cloned from another's card (ARCHITECTURE.md,
//! "Restored or cloned registers re-key"): a new register id, its events since the clash
//! re-issued under it, the tables rebuilt from the log.

use rusqlite::params;

use super::{Rekeyed, StoreError, Tx, kv};
use crate::model::RegisterId;
use crate::sync::{Event, Incoming, Link, event_hash};

impl Tx<'_> {
    /// This register was restored from an old backup: the events it made since then reused
    /// sequence numbers that its older events (held by other registers, now back here as
    /// `originals`) already had. Keeps the originals, gives the register a new id, re-issues the
    /// events it made from the first clash on under that id (references between them remapped,
    /// times kept, pending for sync), and rebuilds the tables from the log. No sale is lost.
    pub fn rekey(&mut self, originals: Vec<Vec<u8>>, now_ms: u64) -> Result<Rekeyed, StoreError> {
        let old = self.register_id;
        let first =
            originals.iter().filter_map(|b| Event::decode_header(b).ok()).map(|h| h.id.seq).min().unwrap_or(u64::MAX);
        let mine: Vec<(u64, Vec<u8>)> = {
            let mut st = self
                .tx
                .prepare("SELECT seq, body FROM events WHERE origin = ?1 AND made_here = 1 AND seq >= ?2 ORDER BY seq")
                .map_err(|e| self.err(e))?;
            let rows = st
                .query_map(params![&old.0[..], first as i64], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))
                .map_err(|e| self.err(e))?;
            rows.collect::<rusqlite::Result<_>>().map_err(|e| self.err(e))?
        };
        let new = RegisterId::random().map_err(|e| StoreError::Random(e.to_string()))?;
        let remap: std::collections::HashMap<u64, u64> =
            mine.iter().enumerate().map(|(i, (seq, _))| (*seq, i as u64 + 1)).collect();
        let map = |id: crate::model::EventId| match remap.get(&id.seq) {
            Some(n) if id.origin == old => crate::model::EventId { origin: new, seq: *n },
            _ => id,
        };
        self.tx
            .execute(
                "DELETE FROM events WHERE origin = ?1 AND made_here = 1 AND seq >= ?2",
                params![&old.0[..], first as i64],
            )
            .map_err(|e| self.err(e))?;
        for bytes in &originals {
            if let Ok((h, event, _)) = Incoming::parse(bytes) {
                let kind = event.as_ref().map_or("unknown", |e| e.kind.name());
                self.insert_event(&h.id, h.hlc, kind, bytes, false, event.is_some(), now_ms)?;
                if let Some(e) = &event {
                    self.queue_export(e, now_ms)?;
                }
            }
        }
        let mut reissued = 0;
        // The new id's chain says where it comes from; the old id's chain ends with the originals.
        let mut link = Link::Restart { previous: old };
        for (seq, body) in &mine {
            let Ok(mut e) = Event::decode(body) else { continue };
            e.id = crate::model::EventId { origin: new, seq: remap.get(seq).copied().unwrap_or(*seq) };
            e.kind.remap_refs(map);
            let bytes = e.encode_linked(&link);
            self.insert_event(&e.id, e.hlc, e.kind.name(), &bytes, true, true, now_ms)?;
            self.queue_export(&e, now_ms)?;
            link = Link::After(event_hash(&bytes));
            reissued += 1;
        }
        self.set(kv::REGISTER_ID, &new)?;
        // The new id announces its name with its next event.
        self.kv_delete(kv::NAME_ANNOUNCED.name)?;
        self.register_id = new;
        self.rekeyed = Some(new);
        self.rebuild()?;
        Ok(Rekeyed { old, new, reissued })
    }
}
