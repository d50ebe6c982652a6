//! The endpoints: each parses its request, does its work off the executor thread (SQLite and the
//! register lock never block it), and returns a typed answer.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::auth::Enrolled;
use super::{ApiError, MAX_PULL_BYTES, MAX_WAIT, Opened, SyncService, bus_entry, catch_up_locked, decode};
use crate::model::{EventId, RegisterId};
use crate::net::bus::{BusEntry, Read};
use crate::net::{lock, unix_ms};
use crate::store::kv;
use crate::sync::protocol::{
    Cursor, Discover, HelloResponse, MAX_BATCH_EVENTS, MAX_PAIR_BYTES, MissingRequest, MissingResponse, PRODUCT,
    PairGrant, PairRequest, PairResponse, PullResponse, PushRequest, PushResponse, StateRequest, StateResponse,
};
use crate::sync::{CHALLENGE_BYTES, Incoming, SealKey};

impl SyncService {
    /// `GET /api/discover[?challenge=HEX]`: what a scanner needs, and with a challenge the proof
    /// that this server holds the store's key.
    pub fn discover(&self, challenge: Option<&[u8; CHALLENGE_BYTES]>) -> Discover {
        let (store, confirmed) = {
            let k = lock(&self.keys);
            (k.store, k.confirmed)
        };
        Discover {
            product: PRODUCT.to_string(),
            protocol_version: *crate::net::versions().start(),
            // A register capped to the old version states it alone, as the old release did.
            protocol_max: {
                let v = crate::net::versions();
                (v.end() > v.start()).then_some(*v.end())
            },
            register_name: self.name.clone(),
            store_id: Some(store.to_string()),
            store_confirmed: confirmed,
            server_time_ms: self.now_ms(),
            proof: challenge.map(|c| self.proof(c)),
            term: Some(self.metrics.term.load(std::sync::atomic::Ordering::Relaxed)),
        }
    }

    /// `POST /api/pair`: one try of the pairing code on offer (see [`crate::net::pair`]). Every
    /// try spends one of the code's few, right or wrong, and counts as a failure of its address.
    pub async fn pair(&self, body: &[u8], peer: Option<std::net::IpAddr>) -> Result<PairResponse, ApiError> {
        use crate::net::pair::{self, PairError};
        if body.len() > MAX_PAIR_BYTES {
            return Err(ApiError::too_large());
        }
        let req: PairRequest = decode(body)?;
        if req.spake.len() != pair::MESSAGE_BYTES {
            return Err(ApiError::bad_request(format!("a pairing message is {} bytes", pair::MESSAGE_BYTES)));
        }
        let addr = peer.unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
        // Released when dropped, even if the connection is closed while the answer is held.
        let Some(attempt) = self.guesses.admit(addr) else {
            return Err(ApiError::too_many("too many pairing attempts from this address: wait and try again"));
        };
        let hold = self.guesses.failed(addr);
        let now = self.now_ms();
        let reg = self.reg.clone();
        let code = smol::unblock(move || {
            lock(&reg).store_mut().write(|tx| {
                let Some(mut p) = tx.get(kv::PAIRING)? else { return Ok(None) };
                if p.until_ms < now || p.attempts_left == 0 {
                    return Ok(None);
                }
                p.attempts_left -= 1;
                tx.set(kv::PAIRING, &p)?;
                Ok::<_, crate::store::StoreError>(Some((p.code, p.attempts_left)))
            })
        })
        .await
        .map_err(ApiError::internal);
        if !hold.is_zero() {
            smol::Timer::after(hold).await;
        }
        drop(attempt);
        let Some((code, left)) = code? else {
            return Err(ApiError::forbidden(PairError::NoCode.to_string()));
        };
        log::info!(
            "pairing attempt by register {} from {addr}: {left} tries of this code left",
            crate::model::quote(&req.register_name)
        );
        let grant = {
            let k = lock(&self.keys);
            PairGrant {
                server_name: self.name.clone(),
                store_id: k.store.to_string(),
                secret: k.secret.expose().to_string(),
            }
        };
        pair::answer(&code, &req, &grant).map_err(|e| ApiError::bad_request(e.to_string()))
    }

    /// Refuses to enroll a register under a name another register of the store already uses
    /// (this server, a register it heard from, or one the events name): order numbers would be
    /// ambiguous. The same box under a new id (restored from a backup, so re-keyed) proves it
    /// with the key it enrolled under the old id, and keeps its name.
    async fn refuse_taken_name(&self, sender: RegisterId, name: &str, key: &[u8; 32]) -> Result<(), ApiError> {
        if name == self.name {
            return Err(ApiError::forbidden(format!(
                "the name {name} is the server's own; rename this register (till setup set name=…)"
            )));
        }
        let (reg, wanted) = (self.reg.clone(), name.to_string());
        let holders = smol::unblock(move || {
            let r = lock(&reg);
            let reader = r.store().reader();
            let mut ids = reader.registers_named(&wanted, sender)?;
            ids.extend(
                reader
                    .peers()?
                    .into_iter()
                    .filter(|p| p.name == wanted && p.revoked_ms.is_none())
                    .filter_map(|p| p.register_id.parse::<RegisterId>().ok())
                    .filter(|id| *id != sender),
            );
            Ok::<_, crate::store::StoreError>(ids)
        })
        .await
        .map_err(ApiError::internal)?;
        let same_box =
            |id: &RegisterId| matches!(lock(&self.keys).registers.get(id), Some(Enrolled::Key(k, _)) if k == key);
        match holders.iter().find(|id| !same_box(id)) {
            Some(other) => Err(ApiError::forbidden(format!(
                "the name {name} is taken by register {}; rename this register (till setup set name=…)",
                other.short()
            ))),
            None => Ok(()),
        }
    }

    /// `POST /api/auth/hello`.
    pub async fn hello(&self, req: &Opened, addr: Option<String>) -> Result<HelloResponse, ApiError> {
        let (hello, software) = Self::decode_hello(req)?;
        // The name is shown in `till peers` and the log: the rule every register's setup applies.
        crate::config::validate_register_name(&hello.register_name)
            .map_err(|e| ApiError::bad_request(format!("register name: {e}")))?;
        let (store, confirmed, enrolled, enroll_open) = {
            let k = lock(&self.keys);
            let open = k.enroll_until_ms.is_none_or(|until| unix_ms() < until);
            (k.store, k.confirmed, k.registers.get(&req.sender).cloned(), open)
        };
        let enroll = match enrolled {
            Some(Enrolled::Key(k, _)) if k == hello.register_key => false,
            Some(Enrolled::Key(..)) => {
                return Err(ApiError::forbidden(
                    "this register id is enrolled here with another key (a copy of another register?)",
                ));
            }
            Some(Enrolled::Revoked) => {
                return Err(ApiError::forbidden("this register was revoked at the server"));
            }
            None if enroll_open => true,
            None => {
                return Err(ApiError::forbidden(
                    "the server does not accept new registers now: open enrollment on the server (till peers enroll --open)",
                ));
            }
        };
        if enroll {
            self.refuse_taken_name(req.sender, &hello.register_name, &hello.register_key).await?;
        }
        if hello.store_known && !confirmed {
            self.confirm(store).await?;
        }
        if let Some(sw) = software {
            self.note_software(req, hello.register_name.clone(), sw).await?;
        }
        let (sender, reg, register_key) = (req.sender, self.reg.clone(), hello.register_key);
        let head = smol::unblock(move || {
            let mut r = lock(&reg);
            let s = r.store_mut();
            s.write(|tx| {
                tx.record_peer(sender, &hello.register_name, addr.as_deref(), unix_ms(), Some(hello.pending), 0)?;
                if enroll {
                    tx.enroll_register(sender, &register_key)?;
                }
                Ok::<(), crate::store::StoreError>(())
            })
            .map_err(ApiError::internal)?;
            r.store().reader().head().map_err(ApiError::internal)
        })
        .await?;
        // The clock this server stamps its own events with (a promoted client keeps the offset
        // it learned), so clients align to the time its events carry.
        let now = self.now_ms();
        if enroll {
            log::info!("register {} enrolled", sender.short());
            lock(&self.keys).registers.insert(sender, Enrolled::Key(register_key, SealKey::from_bytes(register_key)));
        }
        Ok(HelloResponse {
            server_name: self.name.clone(),
            server_id: self.me,
            server_time_ms: now,
            epoch: self.epoch,
            head,
        })
    }

    /// `POST /api/sync/events`: stores new events (duplicates change nothing), publishes them.
    pub async fn push(&self, req: &Opened, addr: Option<String>) -> Result<PushResponse, ApiError> {
        let push: PushRequest = decode(&req.plaintext)?;
        if push.events.len() > MAX_BATCH_EVENTS {
            return Err(ApiError::bad_request(format!("at most {MAX_BATCH_EVENTS} events per push")));
        }
        // Decoding is CPU work that needs no lock: do it before taking the register, so it
        // overlaps with another request's apply.
        let incoming: Vec<Incoming> =
            smol::unblock(move || push.events.into_iter().filter_map(|b| Incoming::decode(b).ok()).collect()).await;
        let pending_after = push.pending_after;
        let (sender, reg, bus) = (req.sender, self.reg.clone(), self.bus.clone());
        let (report, head) = smol::unblock(move || {
            let mut r = lock(&reg);
            let s = r.store_mut();
            let report = s
                .write(|tx| {
                    let report = tx.apply_incoming(&incoming, unix_ms())?;
                    tx.record_peer(
                        sender,
                        "",
                        addr.as_deref(),
                        unix_ms(),
                        Some(pending_after),
                        report.inserted as u64,
                    )?;
                    Ok::<_, crate::store::StoreError>(report)
                })
                .map_err(ApiError::internal)?;
            // A re-keyed server that the store elected under its old id is elected again under
            // the new one, or its clients would refuse it for serving a lower term.
            if let Some(k) = &report.rekeyed {
                r.reelect_after_rekey(k).map_err(ApiError::internal)?;
            }
            // The new events follow the bus head unless another process wrote in between:
            // then read the log, which keeps the bus gap-free.
            let follows = report.positions.first().is_some_and(|(p, _)| *p == bus.head() + 1);
            if follows {
                bus.publish(report.positions.iter().map(|&(seq, i)| BusEntry {
                    seq,
                    id: incoming[i].header.id,
                    bytes: Arc::from(incoming[i].bytes.as_slice()),
                }));
            }
            catch_up_locked(&mut r, &bus).map_err(ApiError::internal)?;
            Ok((report, bus.head()))
        })
        .await?;
        self.metrics.events_received.fetch_add(report.inserted as u64, Ordering::Relaxed);
        if let Some(k) = &report.rekeyed {
            log::warn!(
                "this register was restored from an old backup: re-issued {} events under new id {} (was {})",
                k.reissued,
                k.new.short(),
                k.old.short()
            );
        }
        Ok(PushResponse {
            stored: report.inserted as u32,
            duplicates: report.duplicates as u32,
            head,
            conflicts: bounded(report.conflicts, crate::sync::protocol::MAX_BATCH_BYTES),
        })
    }

    /// `POST /api/sync/missing`: one bounded batch of the events this server holds beyond the
    /// client's vector (anti-entropy from server to client).
    pub async fn missing(&self, req: &Opened) -> Result<MissingResponse, ApiError> {
        let missing: MissingRequest = decode(&req.plaintext)?;
        let reg = self.reg.clone();
        let events = smol::unblock(move || {
            lock(&reg).store().reader().events_beyond(&missing.vector, MAX_BATCH_EVENTS, MAX_PULL_BYTES)
        })
        .await
        .map_err(ApiError::internal)?;
        Ok(MissingResponse { events })
    }

    /// `POST /api/sync/state`: this server's vector, so the client can send what it lacks, and
    /// a digest per common origin, so it can tell whether some register reused ids.
    pub async fn state(&self, req: &Opened) -> Result<StateResponse, ApiError> {
        let theirs: StateRequest = decode(&req.plaintext)?;
        let reg = self.reg.clone();
        let (vector, digests, head) = smol::unblock(move || {
            let r = lock(&reg);
            let rd = r.store().reader();
            let mine = rd.vector()?;
            let mut digests = Vec::new();
            for (origin, their_mark) in theirs.vector.iter().take(10_000) {
                let Some(my_mark) = mine.iter().find(|(o, _)| o == origin).map(|(_, m)| *m) else { continue };
                let seq = my_mark.min(*their_mark);
                if seq == 0 {
                    continue;
                }
                if let Some(body) = rd.body_of(&EventId { origin: *origin, seq })? {
                    digests.push((*origin, seq, crate::sync::protocol::digest(&body)));
                }
            }
            Ok::<_, crate::store::StoreError>((mine, digests, rd.head()?))
        })
        .await
        .map_err(ApiError::internal)?;
        Ok(StateResponse { vector, digests, epoch: self.epoch, head })
    }

    /// The id of the event at a log position: from the ring, else from the database (off the
    /// executor thread, which must never wait on SQLite or the register lock).
    async fn id_at(&self, seq: u64) -> Result<Option<EventId>, ApiError> {
        if let Some(id) = self.bus.id_at(seq) {
            return Ok(Some(id));
        }
        let reg = self.reg.clone();
        smol::unblock(move || lock(&reg).store().reader().event_id_at(seq))
            .await
            .map_err(|e| ApiError::unavailable(format!("cannot read the log: {e}")))
    }

    /// `GET /api/sync/events`: events after `cursor`, held open up to `wait` until some arrive.
    /// The sender's own events are skipped (it has them) but the cursor moves past them.
    /// With `staged`, a bundle staged meanwhile also ends the wait (version 3: the answer
    /// carries the offers).
    pub async fn pull(
        &self,
        sender: RegisterId,
        cursor: Cursor,
        wait: Duration,
        staged: bool,
    ) -> Result<PullResponse, ApiError> {
        let head = self.bus.head();
        let fresh = Cursor { epoch: self.epoch, seq: 0, at: None };
        let at_matches = match (cursor.seq, cursor.at) {
            (0, _) => true,
            (_, None) => false,
            // A read error is "try again", not "your cursor is wrong": no spurious full re-read.
            (seq, Some(at)) => self.id_at(seq).await? == Some(at),
        };
        let valid = cursor.epoch == self.epoch && cursor.seq <= head && at_matches;
        if !valid {
            return Ok(PullResponse { reset: true, next: fresh, events: Vec::new(), head });
        }
        let deadline = Instant::now() + wait.min(MAX_WAIT);
        loop {
            let entries = match self.bus.read(cursor.seq, MAX_BATCH_EVENTS, MAX_PULL_BYTES) {
                Read::Entries(e) => e,
                Read::TooOld => {
                    let (reg, since) = (self.reg.clone(), cursor.seq);
                    smol::unblock(move || {
                        lock(&reg).store().reader().log_entries(since, MAX_BATCH_EVENTS, MAX_PULL_BYTES)
                    })
                    .await
                    .map_err(ApiError::internal)?
                    .into_iter()
                    .map(bus_entry)
                    .collect()
                }
            };
            if let Some(last) = entries.last() {
                let next = Cursor { epoch: self.epoch, seq: last.seq, at: Some(last.id) };
                let events =
                    entries.iter().filter(|e| e.id.origin != sender).map(|e| e.bytes.to_vec()).collect::<Vec<_>>();
                return Ok(PullResponse { reset: false, next, events, head: self.bus.head() });
            }
            if self.bus.is_closed() {
                return Err(ApiError::unavailable("server is stopping"));
            }
            self.metrics.waiting.fetch_add(1, Ordering::Relaxed);
            let more = if staged {
                smol::future::or(self.bus.wait_beyond(cursor.seq, deadline), async {
                    self.staged_changed().await;
                    false
                })
                .await
            } else {
                self.bus.wait_beyond(cursor.seq, deadline).await
            };
            self.metrics.waiting.fetch_sub(1, Ordering::Relaxed);
            if !more || Instant::now() >= deadline {
                return Ok(PullResponse { reset: false, next: cursor, events: Vec::new(), head: self.bus.head() });
            }
            // Never spin: something is beyond the cursor, so the next read finds it (the ring or
            // the log); and yield once, so one long-poll cannot hold the executor.
            smol::future::yield_now().await;
        }
    }

    /// Read-only data endpoints, as the same JSON the CLI prints.
    pub async fn data(&self, what: &str) -> Result<Vec<u8>, ApiError> {
        let reg = self.reg.clone();
        let what = what.to_string();
        smol::unblock(move || {
            let r = lock(&reg);
            let rd = r.store().reader();
            let json = |v: Result<serde_json::Value, crate::store::StoreError>| {
                v.map_err(ApiError::internal).and_then(|v| serde_json::to_vec(&v).map_err(ApiError::internal))
            };
            match what.as_str() {
                "products" => json(rd.products(true).map(to_json)),
                "orders" => json(rd.orders(None).map(to_json)),
                "stock" => json(rd.stock(None).map(to_json)),
                "status" => json(rd.counts().map(to_json)),
                _ => Err(ApiError { status: 404, reason: format!("no data endpoint {what}") }),
            }
        })
        .await
    }
}

/// Keeps the first events that fit in `max_bytes` (at least one): the rest show up again on a
/// later exchange.
fn bounded(events: Vec<Vec<u8>>, max_bytes: usize) -> Vec<Vec<u8>> {
    let mut total = 0;
    events
        .into_iter()
        .take_while(|e| {
            let first = total == 0;
            total += e.len();
            first || total <= max_bytes
        })
        .collect()
}

fn to_json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
