//! Authentication: every request but hello is opened with the sender's enrolled key; hello with
//! the store's key (it enrolls the register's own key); a server whose store id is not yet
//! confirmed adopts the id of the first register that proves it holds the secret under it.

use std::time::{Duration, Instant};

use super::{ApiError, Opened, SyncService};
use crate::config::Secret;
use crate::model::RegisterId;
use crate::net::{lock, random_bytes};
use crate::store::kv;
use crate::sync::protocol::HELLO_PATH;
use crate::sync::{Binding, Envelope, EnvelopeError, PROTOCOL_VERSION, SealKey, StoreId};

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
    /// Last adoption attempt per address: each costs an Argon2 derivation.
    pub(super) adoption_tries: std::collections::HashMap<std::net::IpAddr, Instant>,
    /// Keys derived for candidate store ids, so a retry does not derive again.
    pub(super) candidates: Vec<(StoreId, SealKey)>,
    /// Client registers' own keys and revocations, refreshed whenever the database changes.
    pub(super) registers: std::collections::HashMap<RegisterId, Enrolled>,
    /// Until when new registers may enroll (`None`: always).
    pub(super) enroll_until_ms: Option<u64>,
}

impl SyncService {
    /// Authenticates a sealed request for `method path` from `peer`. Adopts the sender's store id
    /// if this server's own was never confirmed and the envelope proves the sender holds the
    /// secret under that id (a replacement server joining the store its registers belong to).
    pub async fn open(
        &self,
        method: &str,
        path: &str,
        wire: &[u8],
        peer: Option<std::net::IpAddr>,
    ) -> Result<Opened, ApiError> {
        let env = Envelope::from_bytes(wire).map_err(|_| ApiError::bad_request("malformed envelope"))?;
        if env.version != PROTOCOL_VERSION {
            return Err(ApiError::version(env.version));
        }
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
            return Ok(Opened { sender: env.sender, nonce: env.nonce, plaintext, key });
        }
        let (store, confirmed, key, secret) = {
            let k = lock(&self.keys);
            (k.store, k.confirmed, k.key.clone(), k.secret.clone())
        };
        if env.store == store {
            let plaintext = env.open(&key, binding).map_err(|_| ApiError::unauthorized())?;
            return Ok(Opened { sender: env.sender, nonce: env.nonce, plaintext, key });
        }
        if confirmed {
            return Err(ApiError::other_store());
        }
        // The derivation is slow on purpose: at most one attempt per address every two seconds,
        // and a key derived once for a candidate store id is kept.
        let theirs = env.store;
        let cached = {
            let mut k = lock(&self.keys);
            let cached = k.candidates.iter().find(|(s, _)| *s == theirs).map(|(_, key)| key.clone());
            if cached.is_none() {
                let addr = peer.unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
                if k.adoption_tries.get(&addr).is_some_and(|t| t.elapsed() < Duration::from_secs(2)) {
                    return Err(ApiError::unavailable("busy checking another store id; retry shortly"));
                }
                if k.adoption_tries.len() > 1024 {
                    k.adoption_tries.clear();
                }
                k.adoption_tries.insert(addr, Instant::now());
            }
            cached
        };
        let candidate = match cached {
            Some(key) => key,
            None => {
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
        Ok(Opened { sender: env.sender, nonce: env.nonce, plaintext, key: candidate })
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
        Ok(Envelope::seal(&req.key, store, self.me, nonce, binding, plaintext).to_bytes())
    }
}
