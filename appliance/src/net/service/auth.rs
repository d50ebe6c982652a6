//! Authentication: every request but hello is opened with the sender's enrolled key; hello with
//! the store's key (it enrolls the register's own key); a server whose store id is not yet
//! confirmed adopts the id of the first register that proves it holds the secret under it.

use std::time::{Duration, Instant};

use super::{ApiError, Opened, SyncService};
use crate::config::Secret;
use crate::model::RegisterId;
use crate::net::guard::Attack;
use crate::net::{lock, random_bytes};
use crate::store::kv;
use crate::sync::protocol::HELLO_PATH;
use crate::sync::{Binding, CHALLENGE_BYTES, Envelope, EnvelopeError, SealKey, StoreId, discover_proof};

/// What the server knows about a client register's own key.
#[derive(Clone)]
pub(super) enum Enrolled {
    /// It enrolled with this key; its requests are opened with it.
    Key([u8; 32], SealKey),
    /// Shut out.
    Revoked,
}

/// Reads the register-key table and the enrollment window.
pub(super) type Registry = (std::collections::HashMap<RegisterId, Enrolled>, Option<u64>);

pub(super) fn load_registry(r: &crate::register::Register) -> Result<Registry, crate::store::StoreError> {
    let mut map = std::collections::HashMap::new();
    for row in r.store().reader().register_keys()? {
        let state = match (row.revoked_ms, row.key) {
            (Some(_), _) => Enrolled::Revoked,
            (None, Some(k)) => Enrolled::Key(k, SealKey::from_bytes(k)),
            (None, None) => continue,
        };
        map.insert(row.register_id, state);
    }
    let until = r.store().get(kv::ENROLL_UNTIL)?;
    Ok((map, until))
}

pub(super) struct Keys {
    pub(super) store: StoreId,
    pub(super) confirmed: bool,
    pub(super) key: SealKey,
    pub(super) secret: Secret,
    /// When the last store-id adoption was tried: each costs an Argon2 derivation.
    pub(super) last_adoption: Option<Instant>,
    /// Keys derived for candidate store ids, so a retry does not derive again.
    pub(super) candidates: Vec<(StoreId, SealKey)>,
    /// Client registers' own keys and revocations, refreshed whenever the database changes.
    pub(super) registers: std::collections::HashMap<RegisterId, Enrolled>,
    /// Until when new registers may enroll (`None`: always).
    pub(super) enroll_until_ms: Option<u64>,
}

/// How far a request's clock may be from the server's. Clients stamp requests with the server's
/// clock (learned at every connection), so only drift within a session and the network count.
pub const REPLAY_WINDOW_MS: u64 = 2 * 60_000;

/// Most request nonces remembered (about 80 bytes each): at 64 registers making two requests a
/// second, a window's worth is ~30,000.
pub const MAX_REMEMBERED: usize = 131_072;

/// Least time between two store-id adoptions (each an Argon2 derivation of 19 MiB).
const ADOPTION_EVERY: Duration = Duration::from_secs(1);

/// The nonces of requests accepted within the replay window: a request seen twice is refused.
#[derive(Debug, Default)]
pub(super) struct Replays {
    seen: std::collections::HashSet<[u8; 24]>,
    order: std::collections::VecDeque<(u64, [u8; 24])>,
}

impl Replays {
    /// Remembers a request's nonce, or refuses it as a replay. Only authenticated requests get
    /// here, so an attacker cannot fill the memory with garbage.
    pub(super) fn admit(&mut self, nonce: [u8; 24], now_ms: u64) -> Result<(), ApiError> {
        while self.order.front().is_some_and(|(until, _)| *until < now_ms) {
            if let Some((_, old)) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        if self.seen.contains(&nonce) {
            return Err(ApiError::replayed());
        }
        if self.seen.len() >= MAX_REMEMBERED {
            return Err(ApiError::unavailable("too many requests in the replay window; retry shortly"));
        }
        self.seen.insert(nonce);
        // Kept until any request the window accepted now has left it.
        self.order.push_back((now_ms.saturating_add(2 * REPLAY_WINDOW_MS), nonce));
        Ok(())
    }

    /// Nonces remembered now (tests, metrics).
    pub(super) fn len(&self) -> usize {
        self.seen.len()
    }
}

impl SyncService {
    /// Authenticates a sealed request for `method path` from `peer`: the right key, the server's
    /// time window, never seen before. Adopts the sender's store id if this server's own was
    /// never confirmed and the envelope proves the sender holds the secret under that id (a
    /// replacement server joining the store its registers belong to). Failures from one
    /// address are answered later and later ([`crate::net::guard::Guesses`]).
    pub async fn open(
        &self,
        method: &str,
        path: &str,
        wire: &[u8],
        peer: Option<std::net::IpAddr>,
    ) -> Result<Opened, ApiError> {
        let env = match Envelope::from_bytes(wire) {
            Ok(e) => e,
            Err(EnvelopeError::Version(v)) => return Err(ApiError::version(v)),
            Err(_) => return Err(ApiError::bad_request("malformed envelope")),
        };
        if !crate::net::versions().contains(&env.version) {
            return Err(ApiError::version(env.version));
        }
        let addr = peer.unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
        // Released when dropped, however this ends: even when the connection is closed while
        // the answer is held (this future is then dropped at an await).
        let Some(attempt) = self.guesses.admit(addr) else {
            return Err(ApiError::too_many("too many failed attempts from this address: wait and try again"));
        };
        let now = self.now_ms();
        if env.sent_ms.abs_diff(now) > REPLAY_WINDOW_MS {
            return Err(ApiError::stale(env.sent_ms, now));
        }
        match self.open_checked(&env, method, path).await {
            Ok(opened) => {
                if let Err(e) = lock(&self.replays).admit(env.nonce, now) {
                    if e.status == ApiError::replayed().status {
                        self.attacks.note(Attack::Replay, addr);
                    }
                    return Err(e);
                }
                attempt.succeeded();
                Ok(opened)
            }
            Err(e) if e.status == 401 => {
                self.attacks.note(Attack::WrongKey, addr);
                let hold = self.guesses.failed(addr);
                // The answer waits: guessing costs the guesser time, not the server work.
                if !hold.is_zero() {
                    smol::Timer::after(hold).await;
                }
                drop(attempt);
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    async fn open_checked(&self, env: &Envelope, method: &str, path: &str) -> Result<Opened, ApiError> {
        let binding = Binding::Request { method, path };
        let enrolled = lock(&self.keys).registers.get(&env.sender).cloned();
        if let Some(Enrolled::Revoked) = enrolled {
            return Err(ApiError::forbidden(
                "this register was revoked at the server: it can no longer sync with this store",
            ));
        }
        // Every request but hello is sealed with the sender's own key, so the store's secret
        // alone (a stolen register's, say) is not enough to act as another register.
        if path != HELLO_PATH {
            let Some(Enrolled::Key(_, key)) = enrolled else {
                return Err(ApiError::unauthorized());
            };
            if env.store != lock(&self.keys).store {
                return Err(ApiError::other_store());
            }
            let plaintext = env.open(&key, binding).map_err(|_| ApiError::unauthorized())?;
            return Ok(Opened { sender: env.sender, nonce: env.nonce, plaintext, key, version: env.version });
        }
        let (store, confirmed, key, secret) = {
            let k = lock(&self.keys);
            (k.store, k.confirmed, k.key.clone(), k.secret.clone())
        };
        if env.store == store {
            let plaintext = env.open(&key, binding).map_err(|_| ApiError::unauthorized())?;
            return Ok(Opened { sender: env.sender, nonce: env.nonce, plaintext, key, version: env.version });
        }
        if confirmed {
            return Err(ApiError::other_store());
        }
        // Adoption derives a key for a store id this server does not have: only while it is
        // unconfirmed, one derivation at a time server-wide, at most one a second, and a key
        // derived once for a candidate is kept.
        let theirs = env.store;
        let cached = lock(&self.keys).candidates.iter().find(|(s, _)| *s == theirs).map(|(_, key)| key.clone());
        let candidate = match cached {
            Some(key) => key,
            None => {
                let Some(_permit) = self.adoption.try_acquire() else {
                    return Err(ApiError::unavailable("busy checking another store id; retry shortly"));
                };
                {
                    let mut k = lock(&self.keys);
                    if k.last_adoption.is_some_and(|t| t.elapsed() < ADOPTION_EVERY) {
                        return Err(ApiError::unavailable("busy checking another store id; retry shortly"));
                    }
                    k.last_adoption = Some(Instant::now());
                }
                let key = smol::unblock(move || SealKey::derive(secret.expose(), theirs))
                    .await
                    .map_err(|e: EnvelopeError| ApiError::internal(e))?;
                let mut k = lock(&self.keys);
                if k.candidates.len() >= 8 {
                    k.candidates.remove(0);
                }
                k.candidates.push((theirs, key.clone()));
                key
            }
        };
        let plaintext = env.open(&candidate, binding).map_err(|_| ApiError::unauthorized())?;
        {
            let mut k = lock(&self.keys);
            k.store = theirs;
            k.key = candidate.clone();
            k.candidates.clear();
        }
        self.confirm(theirs).await?;
        log::warn!("adopted store {theirs} from register {}", env.sender.short());
        Ok(Opened { sender: env.sender, nonce: env.nonce, plaintext, key: candidate, version: env.version })
    }

    pub(super) async fn confirm(&self, store: StoreId) -> Result<(), ApiError> {
        let reg = self.reg.clone();
        smol::unblock(move || {
            lock(&reg).store_mut().write(|tx| {
                tx.set(kv::STORE_ID, &store)?;
                tx.set(kv::STORE_CONFIRMED, &true)
            })
        })
        .await
        .map_err(ApiError::internal)?;
        lock(&self.keys).confirmed = true;
        Ok(())
    }

    /// Seals a response to an opened request.
    pub fn seal(&self, req: &Opened, method: &str, path: &str, plaintext: &[u8]) -> Result<Vec<u8>, ApiError> {
        let store = lock(&self.keys).store;
        let nonce = random_bytes().map_err(ApiError::internal)?;
        let binding = Binding::Response { method, path, request_nonce: &req.nonce };
        Ok(Envelope::seal(req.version, &req.key, store, self.me, nonce, self.now_ms(), binding, plaintext).to_bytes())
    }

    /// The proof for a scanner's challenge ([`crate::sync::discover_proof`]).
    pub(super) fn proof(&self, challenge: &[u8; CHALLENGE_BYTES]) -> String {
        let k = lock(&self.keys);
        crate::model::hex(&discover_proof(&k.key, challenge, k.store, &self.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_taken_once_and_forgotten_after_the_window() {
        let mut r = Replays::default();
        assert!(r.admit([1; 24], 1_000).is_ok());
        assert_eq!(r.admit([1; 24], 2_000).map_err(|e| e.status), Err(ApiError::replayed().status));
        assert!(r.admit([2; 24], 2_000).is_ok());
        let later = 1_000 + 2 * REPLAY_WINDOW_MS + 1;
        assert!(r.admit([3; 24], later).is_ok());
        assert_eq!(r.len(), 2, "the first expired; the second and third are kept");
    }

    /// A server over a fresh register, and the store's key and id.
    fn service(dir: &std::path::Path) -> (SyncService, SealKey, StoreId) {
        let reg = crate::register::Register::open(dir).expect("test");
        let secret = Secret::new_unchecked("test secret of the guard tests").expect("test");
        let svc = SyncService::new(std::sync::Arc::new(std::sync::Mutex::new(reg)), secret, 16).expect("test");
        let (key, store) = {
            let k = lock(&svc.keys);
            (k.key.clone(), k.store)
        };
        (svc, key, store)
    }

    /// A hello sealed with `key` for `store`, stamped `sent_ms`, with a fresh nonce.
    fn hello(key: &SealKey, store: StoreId, sent_ms: u64) -> Vec<u8> {
        let nonce: [u8; 24] = random_bytes().expect("test");
        let binding = Binding::Request { method: "POST", path: HELLO_PATH };
        Envelope::seal(
            crate::sync::PROTOCOL_VERSION,
            key,
            store,
            RegisterId([7; 16]),
            nonce,
            sent_ms,
            binding,
            b"hello",
        )
        .to_bytes()
    }

    #[test]
    fn a_request_older_or_newer_than_the_window_is_refused_though_its_nonce_is_new() {
        let dir = tempfile::tempdir().expect("test");
        let (svc, key, store) = service(dir.path());
        let now = svc.now_ms();
        let open = |sent_ms: u64| {
            smol::block_on(svc.open("POST", HELLO_PATH, &hello(&key, store, sent_ms), None)).map(|o| o.sender)
        };
        let late = now - REPLAY_WINDOW_MS - 5_000;
        assert_eq!(open(late).map_err(|e| e.status), Err(425), "sealed with the right key, 2 min + 5 s old");
        assert_eq!(open(now + REPLAY_WINDOW_MS + 5_000).map_err(|e| e.status), Err(425), "from the future");
        assert_eq!(open(now - REPLAY_WINDOW_MS + 5_000).map_err(|e| e.status), Ok(RegisterId([7; 16])), "inside");
    }

    #[test]
    fn a_wrong_key_answer_dropped_while_held_releases_its_address_and_the_store() {
        let dir = tempfile::tempdir().expect("test");
        let (svc, _, store) = service(dir.path());
        let wrong = SealKey::from_bytes([0x66; 32]);
        let addr = std::net::IpAddr::from([10, 0, 0, 7]);
        let svc = &svc;
        let open = |wire: Vec<u8>| async move { svc.open("POST", HELLO_PATH, &wire, Some(addr)).await.map(|_| ()) };
        // Four failures (the last answer held 250 ms): the fifth is held, one at a time.
        for _ in 0..4 {
            assert_eq!(smol::block_on(open(hello(&wrong, store, svc.now_ms()))).map_err(|e| e.status), Err(401));
        }
        let mut held = Box::pin(open(hello(&wrong, store, svc.now_ms())));
        assert!(smol::block_on(smol::future::poll_once(&mut held)).is_none(), "its answer is held");
        assert_eq!(svc.guesses.held(), 1);
        // Its connection is closed (evicted, or cut off by a deadline): the future is dropped.
        drop(held);
        assert_eq!(svc.guesses.held(), 0, "the store's held place is given back");
        let next = smol::block_on(open(hello(&wrong, store, svc.now_ms())));
        assert_eq!(next.map_err(|e| e.status), Err(401), "the address may try again (not 429: busy)");
    }
}
