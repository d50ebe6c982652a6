//! LocalApiServer: the server register's HTTP/1.1 endpoint (tide for routing, async-h1 on our own
//! accept loop). Handlers only parse, call [`SyncService`], and map its errors to statuses.
//!
//! Our own accept loop rather than `app.listen()`: every accepted socket gets TCP_NODELAY (without
//! it each kept-alive request stalls ~44 ms on Nagle + delayed ACK, see docs/PROTOCOL.md), is
//! admitted by the connection table and read through the edge's guard ([`super::guard`]), and
//! runs on an executor this server owns, so stopping it closes every connection, idle
//! keep-alives included, and leaves no socket open.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use smol::io::AsyncReadExt;
use smol::net::TcpListener;
use smol::{Executor, Task};
use tide::{Request, Response, StatusCode};

use super::guard::{ConnInfo, ConnTable, Guarded, Limits};
use super::service::{ApiError, Opened, SyncService};
use crate::sync::CHALLENGE_BYTES;
use crate::sync::protocol::{Cursor, ENVELOPE_HEADER, MAX_BODY_BYTES};

/// Bodies above this size are read only while holding a large-body slot: a body may be 8 MiB
/// before it can be authenticated, and many of those at once would exhaust a register's memory.
const LARGE_BODY_BYTES: usize = 256 * 1024;

/// Large bodies read at once from addresses that have proven a key of this store: 4 × 8 MiB.
static TRUSTED_LARGE_BODIES: smol::lock::Semaphore = smol::lock::Semaphore::new(4);

/// Large bodies read at once from any other address: one, so trickling strangers cannot hold
/// the slots a register pushing a backlog needs.
static ANONYMOUS_LARGE_BODIES: smol::lock::Semaphore = smol::lock::Semaphore::new(1);

type Req = Request<State>;

/// What every handler sees.
#[derive(Clone)]
pub struct State {
    service: Arc<SyncService>,
    active: Arc<AtomicUsize>,
    table: Option<Arc<ConnTable>>,
    metrics_token: Option<Arc<str>>,
}

fn text(status: u16, body: String) -> Response {
    let mut r = Response::new(StatusCode::try_from(status).unwrap_or(StatusCode::InternalServerError));
    r.set_content_type("text/plain; charset=utf-8");
    r.set_body(body);
    r
}

fn binary(body: Vec<u8>) -> Response {
    let mut r = Response::new(StatusCode::Ok);
    r.set_content_type("application/octet-stream");
    r.set_body(body);
    r
}

/// Counts a request as in flight from the handler's first line to its last, so stopping the
/// server can wait for it.
struct Busy(Arc<AtomicUsize>);

impl Busy {
    fn enter(state: &State) -> Busy {
        state.active.fetch_add(1, Ordering::SeqCst);
        Busy(state.active.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts a finished request and turns its error into a status with a one-line reason.
fn finish(state: &State, route: &'static str, res: Result<Response, ApiError>) -> tide::Result {
    let mut resp = res.unwrap_or_else(|e| text(e.status, e.reason + "\n"));
    if resp.status() == StatusCode::PayloadTooLarge {
        // The unread body is not drained: the connection ends after this answer.
        resp.insert_header("connection", "close");
    }
    state.service.metrics.count(route, resp.status() as u16);
    Ok(resp)
}

/// The connection a request came on (absent for in-process callers such as the fuzz targets).
fn conn(req: &Req) -> Option<&Arc<ConnInfo>> {
    req.ext::<Arc<ConnInfo>>()
}

/// Reads a request body, refusing more than [`MAX_BODY_BYTES`] before reading it all.
async fn body(req: &mut Req) -> Result<Vec<u8>, ApiError> {
    if req.len().is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(ApiError::too_large());
    }
    let trusted = match (conn(req), &req.state().table) {
        (Some(c), Some(t)) => c.trusted() || t.trusted_addr(c.addr),
        _ => true,
    };
    // Unknown length (chunked) counts as large.
    let _slot = match req.len() {
        Some(n) if n <= LARGE_BODY_BYTES => None,
        _ if trusted => Some(TRUSTED_LARGE_BODIES.acquire().await),
        _ => Some(ANONYMOUS_LARGE_BODIES.acquire().await),
    };
    let mut out = Vec::new();
    req.take_body()
        .take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .await
        .map_err(|e| ApiError::bad_request(format!("cannot read body: {e}")))?;
    if out.len() > MAX_BODY_BYTES {
        return Err(ApiError::too_large());
    }
    Ok(out)
}

fn path_and_query(req: &Req) -> String {
    let url = req.url();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

fn peer(req: &Req) -> Option<String> {
    req.peer_addr().map(str::to_string)
}

fn peer_ip(req: &Req) -> Option<std::net::IpAddr> {
    req.peer_addr().and_then(|a| a.parse::<SocketAddr>().ok()).map(|a| a.ip())
}

/// Opens the envelope of a POST body; an opened request makes its connection trusted.
async fn open_post(req: &mut Req) -> Result<(Opened, String), ApiError> {
    let bytes = body(req).await?;
    let path = path_and_query(req);
    let opened = req.state().service.open("POST", &path, &bytes, peer_ip(req)).await?;
    if let Some(c) = conn(req) {
        c.trust();
    }
    Ok((opened, path))
}

/// Opens the envelope a GET carries in its header; an opened request makes its connection trusted.
async fn open_get(req: &Req) -> Result<(Opened, String), ApiError> {
    let hexed =
        req.header(ENVELOPE_HEADER).map(|h| h.last().as_str().to_string()).ok_or_else(ApiError::unauthorized)?;
    let bytes = unhex_vec(&hexed).ok_or_else(|| ApiError::bad_request("malformed envelope header"))?;
    let path = path_and_query(req);
    let opened = req.state().service.open("GET", &path, &bytes, peer_ip(req)).await?;
    if let Some(c) = conn(req) {
        c.trust();
    }
    Ok((opened, path))
}

/// The challenge of `GET /api/discover?challenge=HEX`, if one was asked.
fn challenge(req: &Req) -> Result<Option<[u8; CHALLENGE_BYTES]>, ApiError> {
    match req.url().query_pairs().find(|(k, _)| k == "challenge") {
        None => Ok(None),
        Some((_, v)) => crate::model::unhex::<CHALLENGE_BYTES>(&v)
            .map(Some)
            .ok_or_else(|| ApiError::bad_request("challenge: give 32 hex digits")),
    }
}

/// `/metrics` is for the store's own tools: with a `metrics_token` in the setup, only requests
/// that carry it (`Authorization: Bearer TOKEN`); without one, only from this machine.
fn metrics_allowed(req: &Req) -> Result<(), ApiError> {
    match &req.state().metrics_token {
        Some(token) => {
            let given = req.header("authorization").map(|h| h.last().as_str().to_string()).unwrap_or_default();
            let given = given.strip_prefix("Bearer ").unwrap_or("");
            // Compared in constant time: the token is a secret.
            let same =
                given.len() == token.len() && given.bytes().zip(token.bytes()).fold(0u8, |a, (x, y)| a | (x ^ y)) == 0;
            if same { Ok(()) } else { Err(ApiError { status: 401, reason: "metrics need the scrape token".into() }) }
        }
        None if peer_ip(req).is_some_and(|ip| ip.is_loopback()) => Ok(()),
        None => Err(ApiError::forbidden("metrics are served to this machine only (set metrics_token to scrape them)")),
    }
}

fn unhex_vec(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 8192 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok())).collect()
}

fn seal<T: serde::Serialize>(
    req: &Req,
    opened: &Opened,
    method: &str,
    path: &str,
    value: &T,
) -> Result<Response, ApiError> {
    let plain = postcard::to_allocvec(value).map_err(ApiError::internal)?;
    Ok(binary(req.state().service.seal(opened, method, path, &plain)?))
}

/// Query parameters of a pull: `since`, `wait` (ms), `epoch` (hex), `at` (event id).
fn pull_query(req: &Req) -> Result<(Cursor, Duration), ApiError> {
    let mut since = 0u64;
    let mut wait = 0u64;
    let mut epoch = [0u8; 16];
    let mut at = None;
    for (k, v) in req.url().query_pairs() {
        let bad = || ApiError::bad_request(format!("bad query parameter {k}={v}"));
        match k.as_ref() {
            "since" => since = v.parse().map_err(|_| bad())?,
            "wait" => wait = v.parse().map_err(|_| bad())?,
            "epoch" => epoch = crate::model::unhex::<16>(&v).ok_or_else(bad)?,
            "at" => at = Some(v.parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        }
    }
    Ok((Cursor { epoch, seq: since, at }, Duration::from_millis(wait)))
}

/// Declares a route whose handler body is an async block over `req` returning
/// `Result<Response, ApiError>`.
macro_rules! route {
    ($name:literal, |mut $req:ident| $body:expr) => {
        |mut $req: Req| async move {
            let st = $req.state().clone();
            let _busy = Busy::enter(&st);
            let out: Result<Response, ApiError> = async { $body }.await;
            finish(&st, $name, out)
        }
    };
    ($name:literal, |$req:ident| $body:expr) => {
        |$req: Req| async move {
            let st = $req.state().clone();
            let _busy = Busy::enter(&st);
            let out: Result<Response, ApiError> = async { $body }.await;
            finish(&st, $name, out)
        }
    };
}

fn app(state: State) -> tide::Server<State> {
    let mut app = tide::with_state(state);
    app.at("/api/discover").get(route!("discover", |req| {
        let challenge = challenge(&req)?;
        let d = req.state().service.discover(challenge.as_ref());
        let mut r = Response::new(StatusCode::Ok);
        r.set_content_type("application/json");
        r.set_body(serde_json::to_vec(&d).map_err(ApiError::internal)?);
        Ok(r)
    }));
    app.at("/api/pair").post(route!("pair", |mut req| {
        if req.len().is_some_and(|n| n > crate::sync::protocol::MAX_PAIR_BYTES) {
            return Err(ApiError::too_large());
        }
        let bytes = body(&mut req).await?;
        let resp = req.state().service.pair(&bytes, peer_ip(&req)).await?;
        let mut r = binary(postcard::to_allocvec(&resp).map_err(ApiError::internal)?);
        r.set_content_type("application/octet-stream");
        Ok(r)
    }));
    app.at("/api/auth/hello").post(route!("hello", |mut req| {
        let (opened, path) = open_post(&mut req).await?;
        let resp = req.state().service.hello(&opened, peer(&req)).await?;
        seal(&req, &opened, "POST", &path, &resp)
    }));
    app.at("/api/sync/events")
        .post(route!("push", |mut req| {
            let (opened, path) = open_post(&mut req).await?;
            let resp = req.state().service.push(&opened, peer(&req)).await?;
            seal(&req, &opened, "POST", &path, &resp)
        }))
        .get(route!("pull", |req| {
            let (cursor, wait) = pull_query(&req)?;
            let (opened, path) = open_get(&req).await?;
            let v3 = opened.version >= crate::net::service::UPDATES_VERSION;
            let resp = req.state().service.pull(opened.sender, cursor, wait, v3).await?;
            if v3 {
                let offers = req.state().service.offers().await;
                return seal(&req, &opened, "GET", &path, &(resp, offers));
            }
            seal(&req, &opened, "GET", &path, &resp)
        }));
    app.at("/api/sync/state").post(route!("state", |mut req| {
        let (opened, path) = open_post(&mut req).await?;
        let resp = req.state().service.state(&opened).await?;
        seal(&req, &opened, "POST", &path, &resp)
    }));
    app.at("/api/sync/missing").post(route!("missing", |mut req| {
        let (opened, path) = open_post(&mut req).await?;
        let resp = req.state().service.missing(&opened).await?;
        seal(&req, &opened, "POST", &path, &resp)
    }));
    app.at(crate::sync::protocol::UPDATE_CHUNK_PATH).post(route!("update_chunk", |mut req| {
        let (opened, path) = open_post(&mut req).await?;
        let resp = req.state().service.chunk(&opened).await?;
        seal(&req, &opened, "POST", &path, &resp)
    }));
    app.at(crate::sync::protocol::UPDATE_STATE_PATH).post(route!("update_state", |mut req| {
        let (opened, path) = open_post(&mut req).await?;
        req.state().service.update_state(&opened).await?;
        seal(&req, &opened, "POST", &path, &())
    }));
    app.at("/api/data/:what").get(route!("data", |req| {
        let what = req.param("what").map_err(|_| ApiError::bad_request("no data kind"))?.to_string();
        let (opened, path) = open_get(&req).await?;
        let json = req.state().service.data(&what).await?;
        Ok(binary(req.state().service.seal(&opened, "GET", &path, &json)?))
    }));
    app.at("/metrics").get(route!("metrics", |req| {
        metrics_allowed(&req)?;
        let mut r = text(200, req.state().service.metrics_text());
        r.set_content_type("text/plain; version=0.0.4");
        Ok(r)
    }));
    app
}

/// The server's routes over `service` without a listener or accept loop, for in-process callers
/// that hand requests to `respond` directly (the fuzz targets in `fuzz/`): the same routing,
/// limits and handlers as [`LocalApiServer`], no socket.
pub fn routes(service: Arc<SyncService>) -> tide::Server<State> {
    app(State { service, active: Arc::new(AtomicUsize::new(0)), table: None, metrics_token: None })
}

/// A running HTTP server.
pub struct LocalApiServer {
    addr: SocketAddr,
    service: Arc<SyncService>,
    active: Arc<AtomicUsize>,
    table: Arc<ConnTable>,
    accept: Option<Task<()>>,
    connections: Option<Arc<Executor<'static>>>,
    runner: Option<Task<()>>,
}

impl std::fmt::Debug for LocalApiServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalApiServer").field("addr", &self.addr).finish()
    }
}

impl LocalApiServer {
    /// Binds `addr` and starts serving `service` under the edge's `limits`; `/metrics` needs
    /// `metrics_token` when one is given.
    pub async fn start(
        service: Arc<SyncService>,
        addr: SocketAddr,
        limits: Limits,
        metrics_token: Option<String>,
    ) -> std::io::Result<LocalApiServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let active = Arc::new(AtomicUsize::new(0));
        let table = ConnTable::new(limits, service.attacks.clone());
        let app = app(State {
            service: service.clone(),
            active: active.clone(),
            table: Some(table.clone()),
            metrics_token: metrics_token.map(Arc::from),
        });
        let connections: Arc<Executor<'static>> = Arc::new(Executor::new());
        let ex = connections.clone();
        let runner = smol::spawn(async move { ex.run(smol::future::pending::<()>()).await });
        let ex = connections.clone();
        let t = table.clone();
        let accept = smol::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    // Out of file descriptors or similar: back off instead of spinning.
                    smol::Timer::after(Duration::from_millis(50)).await;
                    continue;
                };
                let local = stream.local_addr().ok();
                // Refused connections are simply closed (and reported by the table).
                let _ = t.admit(peer.ip(), |info, slot| {
                    // Best effort: without it a kept-alive request may stall ~44 ms, nothing worse.
                    let _ = stream.set_nodelay(true);
                    let app = app.clone();
                    let guarded = Guarded::new(stream, t.clone(), info.clone());
                    ex.spawn(async move {
                        let _slot = slot;
                        let watch = guarded.clone();
                        let serve = async {
                            // A connection ends with an error when the guard closes it; nothing to add.
                            let _ = async_h1::accept(guarded, |mut req| {
                                req.set_peer_addr(Some(peer));
                                req.set_local_addr(local);
                                req.ext_mut().insert(info.clone());
                                let app = app.clone();
                                async move { app.respond(req).await }
                            })
                            .await;
                        };
                        smol::future::or(serve, async move { watch.watch().await }).await;
                    })
                });
            }
        });
        Ok(LocalApiServer {
            addr,
            service,
            active,
            table,
            accept: Some(accept),
            connections: Some(connections),
            runner: Some(runner),
        })
    }

    /// Connections open now (tests and figures).
    pub fn open_connections(&self) -> usize {
        self.table.open()
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops cleanly: closes the listening socket, lets in-flight requests finish (long-polls
    /// return at once) for up to `drain`, then closes every connection.
    pub async fn stop(mut self, drain: Duration) {
        self.stop_inner(drain).await;
    }

    async fn stop_inner(&mut self, drain: Duration) {
        if let Some(t) = self.accept.take() {
            t.cancel().await;
        }
        self.service.close();
        let deadline = Instant::now() + drain;
        while self.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            smol::Timer::after(Duration::from_millis(5)).await;
        }
        if let Some(t) = self.runner.take() {
            t.cancel().await;
        }
        // Dropping the tasks and the executor drops every connection, and with it its socket.
        self.table.close_all();
        self.connections.take();
    }
}

impl Drop for LocalApiServer {
    fn drop(&mut self) {
        self.service.close();
    }
}
