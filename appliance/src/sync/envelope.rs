//! The envelope that carries every authenticated request and response between registers:
//! XChaCha20-Poly1305 over postcard, keyed from the store's shared secret (docs/PROTOCOL.md).
//!
//! The key comes from the secret through Argon2id with the store id as salt, so a captured LAN
//! exchange does not make a weak secret cheap to guess offline. The associated data binds the
//! protocol version, the store, the sender, the HTTP method and path (and, for a response, the
//! request's nonce), so a sealed body cannot be replayed against another endpoint, store or
//! request. Pure computation: the caller supplies the nonce's random bytes.

use std::fmt;
use std::str::FromStr;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};

use crate::model::{RegisterId, hex, unhex};

/// The newest version of the envelope and of the protocol inside it that this build speaks.
/// 2: every envelope carries the sender's clock (`sent_ms`, bound in the associated data), so a
/// server can refuse replays. 3: the same envelope; the hello also carries the register's
/// software (version, architecture, update state), a pull answer the update on offer, and the
/// `/api/update/*` endpoints exist (docs/PROTOCOL.md, "Versions").
pub const PROTOCOL_VERSION: u16 = 3;

/// The oldest version this build still speaks: a register one version behind keeps syncing.
pub const PROTOCOL_MIN: u16 = 2;

/// The version two registers use: the highest both speak, or `None` when their ranges do not
/// meet. A register that states a single version `v` (any register before version 3) speaks
/// `v..=v`.
pub fn negotiate(mine: std::ops::RangeInclusive<u16>, theirs: std::ops::RangeInclusive<u16>) -> Option<u16> {
    let top = (*mine.end()).min(*theirs.end());
    (top >= *mine.start() && top >= *theirs.start()).then_some(top)
}

/// Whether this build can open and seal envelopes of version `v`.
pub fn spoken(v: u16) -> bool {
    (PROTOCOL_MIN..=PROTOCOL_VERSION).contains(&v)
}

/// Bytes added to a plaintext by sealing: the Poly1305 tag.
pub const TAG_BYTES: usize = 16;

/// A store's identity, random, made by its first server; the salt of the key derivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StoreId(pub [u8; 16]);

impl fmt::Display for StoreId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl FromStr for StoreId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        unhex::<16>(s).map(StoreId).ok_or_else(|| format!("{} is not a store id", crate::model::quote(s)))
    }
}

/// The 32-byte key derived from the secret for one store. Its Debug output hides the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct SealKey([u8; 32]);

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealKey(…)")
    }
}

impl SealKey {
    /// Argon2id(secret, salt = store id), m = 19 MiB, t = 2, p = 1 (OWASP's recommendation).
    /// Deliberately slow (tenths of a second on a register): derive once, keep the key.
    pub fn derive(secret: &str, store: StoreId) -> Result<SealKey, EnvelopeError> {
        SealKey::derive_salted(secret, &store.0)
    }

    /// The same derivation with another salt: a backup file's key, with the file's own random
    /// salt (sync/backup.rs).
    pub fn derive_salted(secret: &str, salt: &[u8; 16]) -> Result<SealKey, EnvelopeError> {
        let params = argon2::Params::new(19 * 1024, 2, 1, Some(32)).map_err(|e| EnvelopeError::Kdf(e.to_string()))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = [0u8; 32];
        argon.hash_password_into(secret.as_bytes(), salt, &mut out).map_err(|e| EnvelopeError::Kdf(e.to_string()))?;
        Ok(SealKey(out))
    }

    /// The raw key bytes (for the device-local key cache).
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A key from cached bytes.
    pub fn from_bytes(b: [u8; 32]) -> SealKey {
        SealKey(b)
    }
}

/// Why an envelope was refused. The messages are for logs and admins, never for an attacker's
/// benefit: "cannot open" does not say whether the key, the binding or the bytes were wrong.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EnvelopeError {
    /// The bytes are not an envelope.
    #[error("malformed envelope")]
    Malformed,
    /// A protocol version this build does not speak.
    #[error("protocol version {0} is not supported (this register speaks {PROTOCOL_MIN} to {PROTOCOL_VERSION})")]
    Version(u16),
    /// Authentication failed: wrong secret, another store, tampered bytes, or a body moved to
    /// another endpoint or request.
    #[error("cannot open the envelope: wrong secret or tampered message")]
    Open,
    /// The key derivation failed.
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

/// What travels on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The protocol version the two sides agreed on (within [`PROTOCOL_MIN`]..=[`PROTOCOL_VERSION`]).
    pub version: u16,
    /// The store the sender belongs to (which key to use).
    pub store: StoreId,
    /// The register that sealed it.
    pub sender: RegisterId,
    /// Random, never reused with the same key (192 bits: random nonces are safe).
    pub nonce: [u8; 24],
    /// When it was sealed, ms since the epoch on the server's clock (a client adds the offset it
    /// learned from the server). A server refuses requests outside its replay window.
    pub sent_ms: u64,
    /// Sealed postcard payload.
    pub ciphertext: Vec<u8>,
}

/// What a sealed message is bound to, besides the envelope's own fields.
#[derive(Clone, Copy, Debug)]
pub enum Binding<'a> {
    /// A request: its method and path (with query).
    Request {
        /// HTTP method.
        method: &'a str,
        /// Path and query.
        path: &'a str,
    },
    /// A response to the request that carried `request_nonce`.
    Response {
        /// HTTP method of the request.
        method: &'a str,
        /// Path and query of the request.
        path: &'a str,
        /// The request's nonce: a response cannot be replayed as the answer to another request.
        request_nonce: &'a [u8; 24],
    },
}

fn associated_data(version: u16, store: StoreId, sender: RegisterId, sent_ms: u64, binding: Binding<'_>) -> Vec<u8> {
    let mut ad = Vec::with_capacity(104);
    ad.extend_from_slice(b"till-envelope");
    ad.extend_from_slice(&version.to_be_bytes());
    ad.extend_from_slice(&store.0);
    ad.extend_from_slice(&sender.0);
    ad.extend_from_slice(&sent_ms.to_be_bytes());
    let (kind, method, path, nonce): (u8, &str, &str, Option<&[u8; 24]>) = match binding {
        Binding::Request { method, path } => (1, method, path, None),
        Binding::Response { method, path, request_nonce } => (2, method, path, Some(request_nonce)),
    };
    ad.push(kind);
    for part in [method.as_bytes(), path.as_bytes()] {
        ad.extend_from_slice(&(part.len() as u32).to_be_bytes());
        ad.extend_from_slice(part);
    }
    if let Some(n) = nonce {
        ad.extend_from_slice(n);
    }
    ad
}

impl Envelope {
    /// Seals `plaintext` as protocol `version` (the one negotiated with the peer, bound in the
    /// associated data so it cannot be changed on the way) for `store` from `sender` at
    /// `sent_ms`, bound to `binding`.
    #[allow(clippy::too_many_arguments)]
    pub fn seal(
        version: u16,
        key: &SealKey,
        store: StoreId,
        sender: RegisterId,
        nonce: [u8; 24],
        sent_ms: u64,
        binding: Binding<'_>,
        plaintext: &[u8],
    ) -> Envelope {
        let cipher = XChaCha20Poly1305::new(&key.0.into());
        let ad = associated_data(version, store, sender, sent_ms, binding);
        // Encryption only fails for plaintexts beyond ChaCha20's 256 GiB limit.
        let ciphertext = cipher.encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: &ad }).unwrap_or_default();
        Envelope { version, store, sender, nonce, sent_ms, ciphertext }
    }

    /// Checks and decrypts; the plaintext only if every bound field matches.
    pub fn open(&self, key: &SealKey, binding: Binding<'_>) -> Result<Vec<u8>, EnvelopeError> {
        if !spoken(self.version) {
            return Err(EnvelopeError::Version(self.version));
        }
        let cipher = XChaCha20Poly1305::new(&key.0.into());
        let ad = associated_data(self.version, self.store, self.sender, self.sent_ms, binding);
        cipher
            .decrypt(&XNonce::from(self.nonce), Payload { msg: &self.ciphertext, aad: &ad })
            .map_err(|_| EnvelopeError::Open)
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Parses the wire form (no authentication yet: see [`Envelope::open`]). The version comes
    /// first in every version's layout, so an envelope of another version is named as such.
    pub fn from_bytes(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        match postcard::take_from_bytes::<Envelope>(bytes) {
            Ok((e, [])) if spoken(e.version) => Ok(e),
            Ok((e, [])) => Err(EnvelopeError::Version(e.version)),
            // Another version's layout: say so when the bytes plausibly are one (a small
            // version number first), else they are just not an envelope.
            _ => match postcard::take_from_bytes::<u16>(bytes) {
                Ok((v, _)) if (1..16).contains(&v) && !spoken(v) => Err(EnvelopeError::Version(v)),
                _ => Err(EnvelopeError::Malformed),
            },
        }
    }
}

/// The length of a discover challenge.
pub const CHALLENGE_BYTES: usize = 16;

/// A server's proof that it holds the store's key: a keyed BLAKE2s over a scanner's fresh
/// challenge, the store id it claims and its name. Anyone can copy a server's store id; only a
/// holder of the key (of the secret) can answer a challenge it has not seen. The scanner sends
/// nothing sealed, so a rogue that collects challenges learns nothing to guess the secret with.
pub fn discover_proof(key: &SealKey, challenge: &[u8; CHALLENGE_BYTES], store: StoreId, name: &str) -> [u8; 32] {
    use blake2::digest::{KeyInit, Mac};
    // A 32-byte key is always a valid BLAKE2s key.
    let Ok(mut mac) = <blake2::Blake2sMac256 as KeyInit>::new_from_slice(&key.0) else { return [0; 32] };
    mac.update(b"till-discover-proof");
    mac.update(challenge);
    mac.update(&store.0);
    mac.update(&(name.len() as u32).to_be_bytes());
    mac.update(name.as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STORE: StoreId = StoreId([9; 16]);
    const SENDER: RegisterId = RegisterId([3; 16]);

    fn key(secret: &str) -> SealKey {
        SealKey::derive(secret, STORE).unwrap_or_else(|e| panic!("{e}"))
    }

    fn req<'a>(path: &'a str) -> Binding<'a> {
        Binding::Request { method: "POST", path }
    }

    #[test]
    fn round_trip_and_every_binding_matters() {
        let k = key("correct horse battery staple");
        let e = Envelope::seal(PROTOCOL_VERSION, &k, STORE, SENDER, [1; 24], 1_000, req("/api/sync/events"), b"hello");
        let wire = Envelope::from_bytes(&e.to_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(wire.open(&k, req("/api/sync/events")), Ok(b"hello".to_vec()));
        // Another endpoint, method, store, sender, key or version: refused.
        assert_eq!(wire.open(&k, req("/api/auth/hello")), Err(EnvelopeError::Open));
        assert_eq!(
            wire.open(&k, Binding::Request { method: "GET", path: "/api/sync/events" }),
            Err(EnvelopeError::Open)
        );
        assert_eq!(
            Envelope { store: StoreId([8; 16]), ..wire.clone() }.open(&k, req("/api/sync/events")),
            Err(EnvelopeError::Open)
        );
        assert_eq!(
            Envelope { sender: RegisterId([4; 16]), ..wire.clone() }.open(&k, req("/api/sync/events")),
            Err(EnvelopeError::Open)
        );
        assert_eq!(wire.open(&key("wrong secret entirely"), req("/api/sync/events")), Err(EnvelopeError::Open));
        assert_eq!(
            Envelope { sent_ms: 1_001, ..wire.clone() }.open(&k, req("/api/sync/events")),
            Err(EnvelopeError::Open),
            "the time is bound: it cannot be moved to slip into the replay window"
        );
        assert_eq!(
            Envelope { version: PROTOCOL_MIN, ..wire.clone() }.open(&k, req("/api/sync/events")),
            Err(EnvelopeError::Open),
            "the version is bound: a downgrade on the way is refused"
        );
        assert_eq!(
            Envelope { version: PROTOCOL_VERSION + 1, ..wire.clone() }.open(&k, req("/api/sync/events")),
            Err(EnvelopeError::Version(PROTOCOL_VERSION + 1))
        );
        let old = Envelope::seal(PROTOCOL_MIN, &k, STORE, SENDER, [1; 24], 1_000, req("/x"), b"old");
        let old = Envelope::from_bytes(&old.to_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old.open(&k, req("/x")), Ok(b"old".to_vec()), "the oldest version spoken still opens");
        let older = Envelope { version: 1, ..wire.clone() }.to_bytes();
        assert_eq!(Envelope::from_bytes(&older), Err(EnvelopeError::Version(1)), "an older register is told so");
        // A response is bound to its request's nonce.
        let resp = Envelope::seal(
            PROTOCOL_VERSION,
            &k,
            STORE,
            SENDER,
            [2; 24],
            1_000,
            Binding::Response { method: "POST", path: "/p", request_nonce: &[1; 24] },
            b"ok",
        );
        assert!(resp.open(&k, Binding::Response { method: "POST", path: "/p", request_nonce: &[1; 24] }).is_ok());
        assert!(resp.open(&k, Binding::Response { method: "POST", path: "/p", request_nonce: &[7; 24] }).is_err());
        assert!(resp.open(&k, req("/p")).is_err(), "a response is not a request");
    }

    #[test]
    fn the_highest_common_version_is_used() {
        assert_eq!(negotiate(2..=3, 2..=3), Some(3));
        assert_eq!(negotiate(2..=3, 2..=2), Some(2), "a register before version 3 states only 2");
        assert_eq!(negotiate(2..=2, 2..=3), Some(2), "and the other way round");
        assert_eq!(negotiate(2..=3, 3..=4), Some(3), "one version ahead");
        assert_eq!(negotiate(3..=4, 2..=3), Some(3));
        assert_eq!(negotiate(2..=3, 1..=1), None, "too old");
        assert_eq!(negotiate(2..=3, 4..=5), None, "too new");
        assert_eq!(negotiate(3..=3, 2..=2), None);
        assert!(spoken(PROTOCOL_MIN) && spoken(PROTOCOL_VERSION) && !spoken(PROTOCOL_MIN - 1));
    }

    #[test]
    fn the_key_depends_on_secret_and_store() {
        let a = key("one secret of enough length");
        assert_eq!(a, key("one secret of enough length"));
        assert_ne!(a, key("another secret of enough length"));
        assert_ne!(
            a,
            SealKey::derive("one secret of enough length", StoreId([1; 16])).unwrap_or_else(|e| panic!("{e}"))
        );
        assert_eq!(format!("{a:?}"), "SealKey(…)", "keys never print");
    }

    #[test]
    fn a_discover_proof_needs_the_key_and_a_fresh_challenge() {
        let k = SealKey::from_bytes([5; 32]);
        let p = discover_proof(&k, &[1; 16], STORE, "S");
        assert_eq!(p, discover_proof(&k, &[1; 16], STORE, "S"));
        assert_ne!(p, discover_proof(&k, &[2; 16], STORE, "S"), "another challenge");
        assert_ne!(p, discover_proof(&SealKey::from_bytes([6; 32]), &[1; 16], STORE, "S"), "another key");
        assert_ne!(p, discover_proof(&k, &[1; 16], StoreId([1; 16]), "S"), "another store");
        assert_ne!(p, discover_proof(&k, &[1; 16], STORE, "T"), "another name");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn any_flipped_bit_is_refused(msg in proptest::collection::vec(any::<u8>(), 0..200), bit in any::<usize>()) {
            let k = SealKey::from_bytes([5; 32]);
            let wire = Envelope::seal(PROTOCOL_VERSION, &k, STORE, SENDER, [6; 24], 7, req("/x"), &msg).to_bytes();
            let mut bad = wire.clone();
            let i = bit % (bad.len() * 8);
            bad[i / 8] ^= 1 << (i % 8);
            let opened = Envelope::from_bytes(&bad).and_then(|e| e.open(&k, req("/x")));
            prop_assert!(opened.is_err(), "flipping bit {} still opened", i);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let k = SealKey::from_bytes([5; 32]);
            let _ = Envelope::from_bytes(&bytes).and_then(|e| e.open(&k, req("/x")));
        }
    }
}
