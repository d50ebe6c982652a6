//! The typed messages of the register-to-register protocol (docs/PROTOCOL.md). HTTP carries them; the
//! envelope seals them; this module only says what they are.
//!
//! | endpoint | request | response |
//! |---|---|---|
//! | `GET /api/discover[?challenge=HEX]` | — | [`Discover`] as JSON, plaintext |
//! | `POST /api/auth/hello` | [`HelloRequest`] | [`HelloResponse`] |
//! | `POST /api/sync/events` | [`PushRequest`] | [`PushResponse`] |
//! | `GET /api/sync/events?since=&wait=&epoch=&at=` | (empty, sealed in a header) | [`PullResponse`] |
//! | `POST /api/sync/state` | [`StateRequest`] | [`StateResponse`] |
//! | `POST /api/sync/missing` | [`MissingRequest`] | [`MissingResponse`] |
//! | `GET /api/data/{products,orders,stock,status}` | (empty, sealed in a header) | JSON rows |
//! | `POST /api/update/chunk` (3) | [`ChunkRequest`] | [`Chunk`] |
//! | `POST /api/update/state` (3) | [`Software`] | `()` |
//!
//! From version 3 a hello is [`HelloRequest`] followed by [`Software`], and a pull answer is
//! [`PullResponse`] followed by the [`Offer`]s (a `Vec`): each the same bytes as version 2's
//! with the new part after them.
//! | `POST /api/pair` | [`PairRequest`], plain | [`PairResponse`], plain (its grant sealed by the PAKE) |

use serde::{Deserialize, Serialize};

use crate::model::{EventId, RegisterId};

/// FNV-1a over an encoded event: a cheap fingerprint to compare two copies (integrity against
/// tampering comes from the envelope, not from this).
pub fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The `product` field of [`Discover`]: what scanners look for.
pub const PRODUCT: &str = "till";

/// Most events in one push or pull.
pub const MAX_BATCH_EVENTS: usize = 2_000;

/// Largest request or response body (a full batch of large orders fits).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Budget of encoded events in one push or pull: well under [`MAX_BODY_BYTES`] after sealing,
/// however large each event is (an event is at most 64 KiB).
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// The hello endpoint: the one request sealed with the store's key (it enrolls the register's
/// own key); every other request is sealed with the register's own key.
pub const HELLO_PATH: &str = "/api/auth/hello";

/// Pairing by code: the one request that is neither sealed nor needs the secret.
pub const PAIR_PATH: &str = "/api/pair";

/// Largest pairing request or response body.
pub const MAX_PAIR_BYTES: usize = 4 * 1024;

/// A new register's half of the pairing exchange (SPAKE2 on the code the server shows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairRequest {
    /// The new register's id.
    pub register_id: RegisterId,
    /// Its name, for the server's log.
    pub register_name: String,
    /// Its SPAKE2 message (side A).
    pub spake: Vec<u8>,
}

/// The server's half: its SPAKE2 message, and the grant sealed with the key both sides now
/// share if, and only if, the code was the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairResponse {
    /// The server's SPAKE2 message (side B).
    pub spake: Vec<u8>,
    /// XChaCha20-Poly1305 nonce of `grant`.
    pub nonce: [u8; 24],
    /// The sealed [`PairGrant`].
    pub grant: Vec<u8>,
}

/// What a paired register receives: enough to join the store as if the secret had been typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairGrant {
    /// The server register's name.
    pub server_name: String,
    /// The store's id.
    pub store_id: String,
    /// The store's shared secret.
    pub secret: String,
}

/// Header that carries the sealed envelope of a request without a body (GET).
pub const ENVELOPE_HEADER: &str = "x-till-envelope";

/// What `GET /api/discover` answers, in plain JSON: only what a scanner needs to list a server
/// and decide whether it is this store's, no secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discover {
    /// Always [`PRODUCT`].
    pub product: String,
    /// The oldest protocol version the server speaks (the only one, for a server before
    /// version 3). A register of the release before 3 requires it to equal 2: a server that
    /// still speaks 2 states 2 here, so those registers keep syncing with it.
    pub protocol_version: u16,
    /// The newest version it speaks; absent from servers before version 3, which speak only
    /// `protocol_version`. A client uses the highest version both speak
    /// ([`crate::sync::negotiate`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_max: Option<u16>,
    /// The server register's name, for the admin choosing a server.
    pub register_name: String,
    /// The store it claims to belong to (a replacement server learns it from a client). Anyone
    /// can copy it: only [`Discover::proof`] shows the server holds the store's key.
    pub store_id: Option<String>,
    /// False while the server would still adopt the store id of the first client that proves it
    /// holds the secret (a new or replaced server); true once any register has synced with it.
    pub store_confirmed: bool,
    /// The server's clock, ms since the epoch: a client stamps its requests with it (registers
    /// often have no real-time clock), so the server can refuse replays.
    pub server_time_ms: u64,
    /// With `?challenge=HEX`: hex of [`crate::sync::discover_proof`] over that challenge.
    #[serde(default)]
    pub proof: Option<String>,
    /// The server term this server serves (docs/ARCHITECTURE.md, "Promotion and terms"): the
    /// highest term of an election naming it, 0 for a store's first server. Absent (`None`) from
    /// servers before terms; a client never syncs with a server below the term it knows.
    #[serde(default)]
    pub term: Option<u64>,
}

impl Discover {
    /// The versions the server speaks.
    pub fn versions(&self) -> std::ops::RangeInclusive<u16> {
        self.protocol_version..=self.protocol_max.unwrap_or(self.protocol_version).max(self.protocol_version)
    }
}

/// "Test connection" and the first call of every sync session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelloRequest {
    /// The client register's name, for the server's peer list.
    pub register_name: String,
    /// The client's wall clock when it sent this, ms since the epoch.
    pub client_time_ms: u64,
    /// Events waiting on the client to be pushed.
    pub pending: u64,
    /// The client held this store id before this session (it did not just learn it from this
    /// server). Only such a client confirms a server's store id: a brand-new register arriving
    /// first at a replacement server must not lock the store's existing registers out.
    pub store_known: bool,
    /// The register's own key (random, made once and kept): the server opens every later
    /// request of this register with it, and refuses this register id with any other key.
    pub register_key: [u8; 32],
}

/// The server's answer to [`HelloRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelloResponse {
    /// The server register's name.
    pub server_name: String,
    /// The server register's id.
    pub server_id: RegisterId,
    /// The server's wall clock, ms since the epoch: clients adopt its offset.
    pub server_time_ms: u64,
    /// The server log's epoch (changes when its database is replaced).
    pub epoch: [u8; 16],
    /// The last position of the server's log.
    pub head: u64,
}

/// A batch of encoded events from a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    /// Encoded events ([`crate::sync::Event::encode`]), at most [`MAX_BATCH_EVENTS`].
    pub events: Vec<Vec<u8>>,
    /// Events still waiting on the client after this batch.
    pub pending_after: u64,
}

/// What the server did with a push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Events new to the server.
    pub stored: u32,
    /// Events it already had.
    pub duplicates: u32,
    /// The last position of its log afterwards.
    pub head: u64,
    /// The server's own copies of pushed events whose id it already held with different bytes:
    /// the pushing register reused sequence numbers (it was restored from an old backup, or
    /// cloned). Applying these makes it notice and re-issue its events under a new id.
    pub conflicts: Vec<Vec<u8>>,
}

/// Anti-entropy, the other way: "send me what I lack beyond this vector".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingRequest {
    /// The client's vector (advanced by what it already received in this exchange).
    pub vector: Vector,
}

/// Events the server holds beyond a client's vector, one bounded batch at a time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingResponse {
    /// Encoded events, oldest first per origin; empty when the client lacks nothing.
    pub events: Vec<Vec<u8>>,
}

/// Per-origin high-water marks: for each register, every seq up to the mark is held.
pub type Vector = Vec<(RegisterId, u64)>;

/// Anti-entropy: "here is what I hold".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateRequest {
    /// The client's vector.
    pub vector: Vector,
}

/// Anti-entropy: "and here is what I hold".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateResponse {
    /// The server's vector: the client pushes every event beyond it.
    pub vector: Vector,
    /// For each origin both sides hold: `(origin, seq, digest)` of the server's event at
    /// `seq = min(client mark, server mark)`. If the client's copy differs, the origin reused ids
    /// (a restored or cloned register): any clash makes the two differ at that point.
    pub digests: Vec<(RegisterId, u64, u64)>,
    /// The server log's epoch.
    pub epoch: [u8; 16],
    /// The last position of its log.
    pub head: u64,
}

/// A client's place in a server's log: after position `seq`, which held event `at`.
/// Checking `at` catches a server restored from an old backup, whose positions were reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The log's epoch.
    pub epoch: [u8; 16],
    /// The last position read (0: nothing yet).
    pub seq: u64,
    /// The event at `seq`, if `seq > 0`.
    pub at: Option<EventId>,
}

/// Events after a cursor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// True when the cursor is not valid for this log (another epoch, or the log was restored):
    /// the client must start again from `next` (0) and run anti-entropy.
    pub reset: bool,
    /// Where the client is after applying `events` (the server skips the client's own events
    /// but still moves the cursor past them).
    pub next: Cursor,
    /// Encoded events, in log order.
    pub events: Vec<Vec<u8>>,
    /// The last position of the server's log: `next.seq < head` means "ask again at once".
    pub head: u64,
}

/// Version 3: a staged update bundle the server offers (docs/ARCHITECTURE.md, "Updates").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The bundle's release, MAJOR.MINOR.PATCH.
    pub version: String,
    /// The architecture it is for (`aarch64`, `armv7`, ...).
    pub arch: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// SHA-256 of the whole file, hex: the same bundle across requests (a download resumes only
    /// on the same bytes).
    pub sha256: String,
}

/// Version 3: what a register runs and where it is in an update, in its hello and in
/// `POST /api/update/state`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Software {
    /// Its release ([`crate::VERSION`]).
    pub version: String,
    /// Its architecture.
    pub arch: String,
    /// `current`, `downloading`, `waiting: why`, `applied, restarting` or `failed: why`.
    pub state: String,
}

/// `POST /api/update/chunk` (version 3): bytes of a staged bundle.
pub const UPDATE_CHUNK_PATH: &str = "/api/update/chunk";

/// `POST /api/update/state` (version 3): a register's [`Software`] when its update state changes.
pub const UPDATE_STATE_PATH: &str = "/api/update/state";

/// Most bundle bytes in one chunk.
pub const MAX_CHUNK_BYTES: u64 = 1024 * 1024;

/// Version 3: the part of a staged bundle a client asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkRequest {
    /// The architecture of the staged bundle.
    pub arch: String,
    /// Its SHA-256 as offered: a bundle staged since then is refused (the client starts over).
    pub sha256: String,
    /// Where to start.
    pub offset: u64,
    /// How many bytes, at most [`MAX_CHUNK_BYTES`].
    pub len: u64,
}

/// Version 3: bundle bytes from `offset`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    /// The bundle's size.
    pub total: u64,
    /// The bytes (empty at the end).
    pub bytes: Bytes,
}

/// Bytes that serde sees as one byte string, not a sequence of `u8`s: the same postcard bytes
/// as a `Vec<u8>` (a length, then the bytes), without a call per byte (a megabyte a chunk).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
        }
        d.deserialize_byte_buf(V)
    }
}
