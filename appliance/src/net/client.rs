//! LocalApiClient: a client register's typed calls to its server over HTTP (surf).
//!
//! One surf client per connection to a server, built with TCP_NODELAY and reused: surf's free
//! functions use a shared client that cannot be configured and stall ~44 ms per request.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use std::sync::atomic::{AtomicI64, Ordering};

use super::random_bytes;
use super::service::UPDATES_VERSION;
use crate::config::Secret;
use crate::model::{RegisterId, hex, unhex};
use crate::sync::protocol::{
    Chunk, ChunkRequest, Cursor, Discover, ENVELOPE_HEADER, HELLO_PATH, HelloRequest, HelloResponse, MAX_BODY_BYTES,
    MissingRequest, MissingResponse, Offer, PRODUCT, PullResponse, PushRequest, PushResponse, Software, StateRequest,
    StateResponse, UPDATE_CHUNK_PATH, UPDATE_STATE_PATH, Vector,
};
use crate::sync::{Binding, CHALLENGE_BYTES, Envelope, PROTOCOL_MIN, SealKey, StoreId, discover_proof, negotiate};

/// How long a server may take to accept and answer a short call.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a call to a server failed, in words for the admin at the setup screen.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// No answer: wrong address, server off, network down.
    #[error("cannot reach {0}: {1}")]
    Unreachable(String, String),
    /// Something answers there, but it is not a Till server.
    #[error("{0} is not a Till register server ({1})")]
    NotTill(String, String),
    /// A Till server of another store.
    #[error("{0} is the server of another store (store {1}); check the address")]
    OtherStore(String, String),
    /// The server refused the shared secret.
    #[error("the server at {0} refused the shared secret: enter the same secret as on the server")]
    WrongSecret(String),
    /// A server that claims this store but cannot prove it holds the store's key: a device
    /// copying what the real server says about itself, or a server with another secret.
    #[error(
        "the server at {0} claims to be this store's but could not prove it holds the store's keys: it is not this store's server (or uses another secret); nothing was sent to it"
    )]
    Unverified(String),
    /// A pairing code that is not the one the server shows.
    #[error("the pairing code is not the one the server at {0} shows (each wrong code uses up one of its tries)")]
    WrongCode(String),
    /// The server closed the connection without answering: it may be refusing connections.
    #[error("the server at {0} is refusing connections: it may be under load or attack ({1})")]
    Overloaded(String, String),
    /// The server refuses this register: revoked, or it accepts no new registers now.
    #[error("the server at {addr} refuses this register: {why}", addr = .0, why = crate::model::quote_max(.1, 240))]
    Revoked(String, String),
    /// The server speaks another protocol version.
    #[error(
        "the server at {0} speaks protocol version {1}, this register speaks {PROTOCOL_MIN} to {max}: update the older one", max = super::versions().end()
    )]
    Version(String, u16),
    /// The server refused the request for another reason.
    #[error("the server refused the request ({status}): {why}", status = .0, why = crate::model::quote_max(.1, 240))]
    Refused(u16, String),
    /// The answer could not be read (tampered, or a bug).
    #[error("bad answer from the server: {0}")]
    Protocol(String),
}

/// Words for a failed connection, without the HTTP client's internals.
pub fn unreachable(addr: &str, e: impl std::fmt::Display) -> ClientError {
    let raw = e.to_string();
    let lower = raw.to_ascii_lowercase();
    // Accepted and then closed (or reset) with no answer: the server's edge turned us away.
    if lower.contains("connection closed")
        || lower.contains("connection reset")
        || lower.contains("broken pipe")
        || lower.contains("unexpected end")
        || lower.contains("empty response")
    {
        return ClientError::Overloaded(addr.to_string(), raw);
    }
    let why = if raw.contains("Connection refused") {
        "connection refused (is the server register running in server mode?)".to_string()
    } else if raw.contains("No route to host") || raw.contains("Network is unreachable") {
        "no route to the host (check the network cable and the address)".to_string()
    } else {
        raw
    };
    ClientError::Unreachable(addr.to_string(), why)
}

/// Runs `fut` with a deadline; a timeout is "unreachable".
pub async fn with_timeout<T>(
    addr: &str,
    limit: Duration,
    fut: impl Future<Output = Result<T, ClientError>>,
) -> Result<T, ClientError> {
    smol::future::or(fut, async {
        smol::Timer::after(limit).await;
        Err(ClientError::Unreachable(addr.to_string(), format!("no answer within {} s", limit.as_secs())))
    })
    .await
}

pub(crate) fn http_client() -> Result<surf::Client, ClientError> {
    surf::Config::new()
        .set_tcp_no_delay(true)
        .set_timeout(None)
        .set_max_connections_per_host(4)
        .try_into()
        .map_err(|e: std::convert::Infallible| match e {})
}

/// Reads a response body, refusing more than [`MAX_BODY_BYTES`]: whatever answers at the
/// server's address cannot exhaust the register's memory.
pub(crate) async fn read_limited(res: &mut surf::Response) -> Result<Vec<u8>, String> {
    use smol::io::AsyncReadExt;
    let mut out = Vec::new();
    res.take_body().take(MAX_BODY_BYTES as u64 + 1).read_to_end(&mut out).await.map_err(|e| e.to_string())?;
    if out.len() > MAX_BODY_BYTES {
        return Err("answer larger than the limit".into());
    }
    Ok(out)
}

/// `GET /api/discover` at `addr` (HOST:PORT), checking that it is a Till server.
pub async fn discover(addr: &str, limit: Duration) -> Result<Discover, ClientError> {
    let http = http_client()?;
    discover_with(&http, addr, limit, None).await.map(|(d, _)| d)
}

/// A discover call, with a challenge when given; also the server's clock minus ours.
async fn discover_with(
    http: &surf::Client,
    addr: &str,
    limit: Duration,
    challenge: Option<&[u8; CHALLENGE_BYTES]>,
) -> Result<(Discover, i64), ClientError> {
    let url = match challenge {
        Some(c) => format!("http://{addr}/api/discover?challenge={}", hex(c)),
        None => format!("http://{addr}/api/discover"),
    };
    with_timeout(addr, limit, async {
        let t0 = super::unix_ms();
        let mut res = http.get(url).send().await.map_err(|e| unreachable(addr, e))?;
        let t1 = super::unix_ms();
        let status = u16::from(res.status());
        let bytes = read_limited(&mut res).await.map_err(|why| ClientError::NotTill(addr.to_string(), why))?;
        let d = check_discover(addr, status, &bytes)?;
        if negotiate(super::versions(), d.versions()).is_none() {
            return Err(ClientError::Version(addr.to_string(), *d.versions().end()));
        }
        Ok((d.clone(), super::clock_offset_ms(d.server_time_ms, t0, t1)))
    })
    .await
}

/// `HOST:PORT` as the `IP:PORT` a connection goes to (the first address the name resolves to).
pub async fn resolve(addr: &str) -> Result<String, ClientError> {
    let found = with_timeout(addr, CALL_TIMEOUT, async {
        smol::net::resolve(addr)
            .await
            .map_err(|e| ClientError::Unreachable(addr.to_string(), format!("cannot resolve: {e}")))
    })
    .await?;
    found
        .first()
        .map(ToString::to_string)
        .ok_or_else(|| ClientError::Unreachable(addr.to_string(), "the name resolves to no address".into()))
}

/// Whether `d` carries a valid proof for `challenge` under `key` for the store it claims.
pub fn proof_holds(d: &Discover, challenge: &[u8; CHALLENGE_BYTES], key: &SealKey) -> bool {
    let (Some(store), Some(proof)) = (d.store_id.as_deref(), d.proof.as_deref()) else { return false };
    let (Ok(store), Some(proof)) = (store.parse::<StoreId>(), unhex::<32>(proof)) else { return false };
    let expected = discover_proof(key, challenge, store, &d.register_name);
    // Not secret-dependent timing that matters: the proof is public once sent.
    expected == proof
}

/// Reads an answer to `GET /api/discover`: a Till server's self-description (of any protocol
/// version), or why whatever answered is not Till.
pub fn check_discover(addr: &str, status: u16, body: &[u8]) -> Result<Discover, ClientError> {
    let not_till = |why: String| ClientError::NotTill(addr.to_string(), why);
    if status != 200 {
        return Err(not_till(format!("it answered {status}")));
    }
    let d: Discover = serde_json::from_slice(body).map_err(|_| not_till("its answer is not Till's".into()))?;
    if d.product != PRODUCT {
        return Err(not_till(format!("it calls itself {}", crate::model::quote(&d.product))));
    }
    Ok(d)
}

/// Decides which store id a client uses with a server, or that they belong to different stores.
///
/// A server whose id is unconfirmed (new, or replaced after its disk died) adopts the id of the
/// first client that proves it holds the secret, so a client that already has an id keeps it.
pub fn choose_store(addr: &str, mine: Option<StoreId>, server: &Discover) -> Result<StoreId, ClientError> {
    let theirs = server.store_id.as_deref().and_then(|s| s.parse::<StoreId>().ok());
    match (mine, theirs) {
        (Some(m), Some(t)) if m != t && server.store_confirmed => {
            Err(ClientError::OtherStore(addr.to_string(), t.to_string()))
        }
        (Some(m), _) => Ok(m),
        (None, Some(t)) => Ok(t),
        (None, None) => random_bytes().map(StoreId).map_err(|e| ClientError::Protocol(e.to_string())),
    }
}

/// Reads a server's answer: its status in words, or the sealed body opened with `key` under
/// `binding` and decoded (postcard, or JSON for the data endpoints). Everything here comes off
/// the network, so nothing in it may panic (the `responses` fuzz target checks it).
pub fn read_answer<T: DeserializeOwned>(
    addr: &str,
    status: u16,
    bytes: &[u8],
    key: &SealKey,
    binding: Binding<'_>,
    json: bool,
) -> Result<T, ClientError> {
    let words = || crate::model::quote(String::from_utf8_lossy(bytes).trim());
    // Revoked and Refused quote their reason when shown (up to 240 characters): keep it raw here,
    // or it is quoted twice and cut at 60 (the advice at the end of a refusal was lost).
    let reason = || String::from_utf8_lossy(bytes).trim().chars().take(241).collect::<String>();
    match status {
        200 => {}
        401 => return Err(ClientError::WrongSecret(addr.to_string())),
        403 => return Err(ClientError::Revoked(addr.to_string(), reason())),
        409 => return Err(ClientError::OtherStore(addr.to_string(), "?".into())),
        426 => return Err(ClientError::Version(addr.to_string(), 0)),
        429 | 503 => return Err(ClientError::Overloaded(addr.to_string(), words())),
        _ => return Err(ClientError::Refused(status, reason())),
    }
    let env = Envelope::from_bytes(bytes).map_err(|e| ClientError::Protocol(e.to_string()))?;
    let plain = env.open(key, binding).map_err(|e| ClientError::Protocol(e.to_string()))?;
    if json {
        serde_json::from_slice(&plain).map_err(|e| ClientError::Protocol(e.to_string()))
    } else {
        postcard::from_bytes(&plain).map_err(|e| ClientError::Protocol(e.to_string()))
    }
}

/// A client's authenticated channel to one server.
pub struct LocalApiClient {
    http: surf::Client,
    addr: String,
    me: RegisterId,
    store: StoreId,
    /// The store's key: seals the hello only.
    key: SealKey,
    /// This register's own key: seals everything after the hello.
    own: SealKey,
    /// What the server said about itself when we connected.
    pub server: Discover,
    /// The server's clock minus ours: every request is stamped with the server's time.
    offset_ms: std::sync::Arc<AtomicI64>,
    /// The protocol version both sides speak, the highest (every request is sealed as it).
    version: u16,
    /// The bundles offered in the last pull answer (version 3).
    offers: std::sync::Arc<std::sync::Mutex<Vec<Offer>>>,
}

impl std::fmt::Debug for LocalApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalApiClient").field("addr", &self.addr).field("store", &self.store).finish()
    }
}

impl LocalApiClient {
    /// Discovers the server at `addr` with a fresh challenge, picks the store id, derives the key
    /// (reusing `cached` when it is for the same store: the derivation is deliberately slow), and
    /// checks the server's proof that it holds the store's key before anything sealed is sent
    /// to it: a device that only copies the real server's answer gets nothing to guess the
    /// secret with.
    pub async fn connect(
        addr: &str,
        me: RegisterId,
        my_store: Option<StoreId>,
        secret: &Secret,
        cached: Option<(StoreId, SealKey)>,
        own: &SealKey,
    ) -> Result<LocalApiClient, ClientError> {
        let http = http_client()?;
        let challenge: [u8; CHALLENGE_BYTES] = random_bytes().map_err(|e| ClientError::Protocol(e.to_string()))?;
        let (server, offset) = discover_with(&http, addr, CALL_TIMEOUT, Some(&challenge)).await?;
        let store = choose_store(addr, my_store, &server)?;
        let derive = |store: StoreId| {
            let secret = secret.clone();
            async move {
                smol::unblock(move || SealKey::derive(secret.expose(), store))
                    .await
                    .map_err(|e| ClientError::Protocol(e.to_string()))
            }
        };
        let key = match cached {
            Some((s, k)) if s == store => k,
            _ => derive(store).await?,
        };
        let claimed = server.store_id.as_deref().and_then(|s| s.parse::<StoreId>().ok());
        let proven = match claimed {
            Some(c) if c == store => proof_holds(&server, &challenge, &key),
            // An unconfirmed (new or replaced) server proves the secret under its own id; it
            // adopts ours at the hello.
            Some(c) => proof_holds(&server, &challenge, &derive(c).await?),
            None => false,
        };
        if !proven {
            return Err(if my_store.is_some() {
                ClientError::Unverified(addr.to_string())
            } else {
                ClientError::WrongSecret(addr.to_string())
            });
        }
        let version = negotiate(super::versions(), server.versions())
            .ok_or_else(|| ClientError::Version(addr.to_string(), *server.versions().end()))?;
        Ok(LocalApiClient {
            http,
            addr: addr.to_string(),
            me,
            store,
            key,
            own: own.clone(),
            server,
            offset_ms: std::sync::Arc::new(AtomicI64::new(offset)),
            version,
            offers: Default::default(),
        })
    }

    /// The server's clock now, as this client stamps its requests.
    pub fn server_now_ms(&self) -> u64 {
        super::unix_ms().saturating_add_signed(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Adopts a fresher measure of the server's clock (from a hello).
    pub fn set_offset(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
    }

    /// Another handle on the same channel (surf clients share their connection pool).
    pub fn clone_handle(&self) -> LocalApiClient {
        LocalApiClient {
            http: self.http.clone(),
            addr: self.addr.clone(),
            me: self.me,
            store: self.store,
            key: self.key.clone(),
            own: self.own.clone(),
            server: self.server.clone(),
            offset_ms: self.offset_ms.clone(),
            version: self.version,
            offers: self.offers.clone(),
        }
    }

    /// The protocol version in use with this server (the highest both speak).
    pub fn version(&self) -> u16 {
        self.version
    }

    /// The store id in use.
    pub fn store(&self) -> StoreId {
        self.store
    }

    /// The derived key in use (for the caller's cache).
    pub fn key(&self) -> &SealKey {
        &self.key
    }

    /// The server's address.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// This register's own key, as its hello carries it.
    pub fn register_key(&self) -> [u8; 32] {
        *self.own.bytes()
    }

    /// The hello is sealed with the store's key (it proves the secret and enrolls this
    /// register's own key); every other call with this register's own key.
    fn key_for(&self, path: &str) -> &SealKey {
        if path == HELLO_PATH { &self.key } else { &self.own }
    }

    fn seal(&self, method: &str, path: &str, plaintext: &[u8]) -> Result<Envelope, ClientError> {
        let nonce = random_bytes().map_err(|e| ClientError::Protocol(e.to_string()))?;
        let key = self.key_for(path);
        Ok(Envelope::seal(
            self.version,
            key,
            self.store,
            self.me,
            nonce,
            self.server_now_ms(),
            Binding::Request { method, path },
            plaintext,
        ))
    }

    async fn finish<T: DeserializeOwned>(
        &self,
        res: Result<surf::Response, surf::Error>,
        method: &str,
        path: &str,
        nonce: &[u8; 24],
        json: bool,
    ) -> Result<T, ClientError> {
        let mut res = res.map_err(|e| unreachable(&self.addr, e))?;
        let status: u16 = res.status().into();
        let bytes = read_limited(&mut res).await.map_err(|e| unreachable(&self.addr, e))?;
        let binding = Binding::Response { method, path, request_nonce: nonce };
        read_answer(&self.addr, status, &bytes, self.key_for(path), binding, json)
    }

    async fn post<Q: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        req: &Q,
        limit: Duration,
    ) -> Result<R, ClientError> {
        let plain = postcard::to_allocvec(req).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let env = self.seal("POST", path, &plain)?;
        with_timeout(&self.addr, limit, async {
            let res = self
                .http
                .post(format!("http://{}{path}", self.addr))
                .content_type("application/octet-stream")
                .body(surf::Body::from_bytes(env.to_bytes()))
                .send()
                .await;
            self.finish(res, "POST", path, &env.nonce, false).await
        })
        .await
    }

    async fn get<R: DeserializeOwned>(&self, path: &str, limit: Duration, json: bool) -> Result<R, ClientError> {
        let env = self.seal("GET", path, &[])?;
        with_timeout(&self.addr, limit, async {
            let res = self
                .http
                .get(format!("http://{}{path}", self.addr))
                .header(ENVELOPE_HEADER, hex(&env.to_bytes()))
                .send()
                .await;
            self.finish(res, "GET", path, &env.nonce, json).await
        })
        .await
    }

    /// "Test connection": proves both sides hold the secret; the server's name, clock, log head.
    /// From version 3 it also says what this register runs (`software`).
    pub async fn hello(&self, req: &HelloRequest, software: &Software) -> Result<HelloResponse, ClientError> {
        if self.version >= UPDATES_VERSION {
            return self.post(HELLO_PATH, &(req, software), CALL_TIMEOUT).await;
        }
        self.post(HELLO_PATH, req, CALL_TIMEOUT).await
    }

    /// Version 3: tells the server this register's update state.
    pub async fn report(&self, software: &Software) -> Result<(), ClientError> {
        self.post(UPDATE_STATE_PATH, software, CALL_TIMEOUT).await
    }

    /// Version 3: bytes of a staged bundle.
    pub async fn chunk(&self, req: &ChunkRequest) -> Result<Chunk, ClientError> {
        self.post(UPDATE_CHUNK_PATH, req, CALL_TIMEOUT * 6).await
    }

    /// The bundles the server offered in its last pull answer (version 3; none before).
    pub fn offers(&self) -> Vec<Offer> {
        super::lock(&self.offers).clone()
    }

    /// Sends a batch of encoded events.
    pub async fn push(&self, events: Vec<Vec<u8>>, pending_after: u64) -> Result<PushResponse, ClientError> {
        self.post("/api/sync/events", &PushRequest { events, pending_after }, CALL_TIMEOUT * 6).await
    }

    /// One batch of the events the server holds beyond `vector`.
    pub async fn missing(&self, vector: Vector) -> Result<MissingResponse, ClientError> {
        self.post("/api/sync/missing", &MissingRequest { vector }, CALL_TIMEOUT * 6).await
    }

    /// Exchanges version vectors.
    pub async fn state(&self, vector: Vector) -> Result<StateResponse, ClientError> {
        self.post("/api/sync/state", &StateRequest { vector }, CALL_TIMEOUT).await
    }

    /// Events after `cursor`, waiting up to `wait` for some to arrive.
    pub async fn pull(&self, cursor: &Cursor, wait: Duration) -> Result<PullResponse, ClientError> {
        let mut path =
            format!("/api/sync/events?since={}&wait={}&epoch={}", cursor.seq, wait.as_millis(), hex(&cursor.epoch));
        if let Some(at) = cursor.at {
            path.push_str(&format!("&at={at}"));
        }
        if self.version >= UPDATES_VERSION {
            let (resp, offers): (PullResponse, Vec<Offer>) = self.get(&path, wait + CALL_TIMEOUT * 2, false).await?;
            *super::lock(&self.offers) = offers;
            return Ok(resp);
        }
        self.get(&path, wait + CALL_TIMEOUT * 2, false).await
    }

    /// A read-only data endpoint (`products`, `orders`, `stock`, `status`) as JSON.
    pub async fn data(&self, what: &str) -> Result<serde_json::Value, ClientError> {
        self.get(&format!("/api/data/{what}"), CALL_TIMEOUT * 2, true).await
    }
}

/// What a successful connection test found.
#[derive(Clone, Debug)]
pub struct TestReport {
    /// The server register's name.
    pub server_name: String,
    /// The store id in use.
    pub store: StoreId,
    /// Round trip of the authenticated hello, ms.
    pub rtt_ms: f64,
    /// Server clock minus ours, ms.
    pub clock_offset_ms: i64,
}

/// "Test connection": discovers the server at `addr`, checks the store, and says a sealed hello
/// with `secret` (which proves the secret without sending it). Used by the CLI and the screen.
pub async fn test_connection(
    addr: &str,
    me: RegisterId,
    my_store: Option<StoreId>,
    name: &str,
    secret: &Secret,
    own: &SealKey,
) -> Result<TestReport, ClientError> {
    let client = LocalApiClient::connect(addr, me, my_store, secret, None, own).await?;
    let t0 = super::unix_ms();
    let start = std::time::Instant::now();
    let hello = client
        .hello(
            &HelloRequest {
                register_name: name.to_string(),
                client_time_ms: t0,
                pending: 0,
                store_known: my_store == Some(client.store()),
                register_key: client.register_key(),
            },
            &super::updater::software(super::updater::CURRENT),
        )
        .await?;
    let rtt = start.elapsed();
    let offset = super::clock_offset_ms(hello.server_time_ms, t0, t0 + u64::try_from(rtt.as_millis()).unwrap_or(0));
    Ok(TestReport {
        server_name: hello.server_name,
        store: client.store(),
        rtt_ms: rtt.as_secs_f64() * 1000.0,
        clock_offset_ms: offset,
    })
}
