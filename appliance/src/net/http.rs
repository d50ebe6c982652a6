//! LocalApiServer: the server register's HTTP/1.1 endpoint (tide for routing, async-h1 on our own
//! accept loop). Handlers only parse, call [`SyncService`], and map its errors to statuses.
//!
//! Our own accept loop rather than `app.listen()`: every accepted socket gets TCP_NODELAY (without
//! it each kept-alive request stalls ~44 ms on Nagle + delayed ACK, see docs/PROTOCOL.md), and
//! connections run on an executor this server owns, so stopping it closes every connection,
//! idle keep-alives included, and leaves no socket open.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use smol::io::AsyncReadExt;
use smol::net::TcpListener;
use smol::{Executor, Task};
use tide::{Request, Response, StatusCode};

use super::service::{ApiError, Opened, SyncService};
use crate::sync::protocol::{Cursor, ENVELOPE_HEADER, MAX_BODY_BYTES};

/// Connections served at once; more are closed on accept. A client holds two (its long-poll and
/// its pushes), so 64 clients need 128: at 64 a store of 40 registers would have starved.
pub const MAX_CONNECTIONS: usize = 256;

/// Bodies above this size are read only while holding one of [`LARGE_BODY_SLOTS`]: a body may
/// be 8 MiB before it can be authenticated, and 256 of those would exhaust a register's memory.
const LARGE_BODY_BYTES: usize = 256 * 1024;

/// Large bodies read at once: at most 4 × 8 MiB in flight, plus 256 KiB per other connection.
const LARGE_BODY_SLOTS: usize = 4;

static LARGE_BODIES: smol::lock::Semaphore = smol::lock::Semaphore::new(LARGE_BODY_SLOTS);

type Req = Request<State>;

/// What every handler sees.
#[derive(Clone)]
pub struct State {
    service: Arc<SyncService>,
    active: Arc<AtomicUsize>,
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
    let resp = res.unwrap_or_else(|e| text(e.status, e.reason + "\n"));
    state.service.metrics.count(route, resp.status() as u16);
    Ok(resp)
}

/// Reads a request body, refusing more than [`MAX_BODY_BYTES`] before reading it all.
async fn body(req: &mut Req) -> Result<Vec<u8>, ApiError> {
    if req.len().is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(ApiError::too_large());
    }
    // Unknown length (chunked) counts as large.
    let _slot = match req.len() {
        Some(n) if n <= LARGE_BODY_BYTES => None,
        _ => Some(LARGE_BODIES.acquire().await),
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

/// Opens the envelope of a POST body.
async fn open_post(req: &mut Req) -> Result<(Opened, String), ApiError> {
    let bytes = body(req).await?;
    let path = path_and_query(req);
    let opened = req.state().service.open("POST", &path, &bytes, peer_ip(req)).await?;
    Ok((opened, path))
}

/// Opens the envelope a GET carries in its header.
async fn open_get(req: &Req) -> Result<(Opened, String), ApiError> {
    let hexed =
        req.header(ENVELOPE_HEADER).map(|h| h.last().as_str().to_string()).ok_or_else(ApiError::unauthorized)?;
    let bytes = unhex_vec(&hexed).ok_or_else(|| ApiError::bad_request("malformed envelope header"))?;
    let path = path_and_query(req);
    let opened = req.state().service.open("GET", &path, &bytes, peer_ip(req)).await?;
    Ok((opened, path))
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
        let d = req.state().service.discover();
        let mut r = Response::new(StatusCode::Ok);
        r.set_content_type("application/json");
        r.set_body(serde_json::to_vec(&d).map_err(ApiError::internal)?);
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
            let resp = req.state().service.pull(opened.sender, cursor, wait).await?;
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
    app.at("/api/data/:what").get(route!("data", |req| {
        let what = req.param("what").map_err(|_| ApiError::bad_request("no data kind"))?.to_string();
        let (opened, path) = open_get(&req).await?;
        let json = req.state().service.data(&what).await?;
        Ok(binary(req.state().service.seal(&opened, "GET", &path, &json)?))
    }));
    app.at("/metrics").get(route!("metrics", |req| {
        let mut r = text(200, req.state().service.metrics_text());
        r.set_content_type("text/plain; version=0.0.4");
        Ok(r)
    }));
    app
}

/// A running HTTP server.
pub struct LocalApiServer {
    addr: SocketAddr,
    service: Arc<SyncService>,
    active: Arc<AtomicUsize>,
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
    /// Binds `addr` and starts serving `service`.
    pub async fn start(service: Arc<SyncService>, addr: SocketAddr) -> std::io::Result<LocalApiServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let active = Arc::new(AtomicUsize::new(0));
        let app = app(State { service: service.clone(), active: active.clone() });
        let connections: Arc<Executor<'static>> = Arc::new(Executor::new());
        let ex = connections.clone();
        let runner = smol::spawn(async move { ex.run(smol::future::pending::<()>()).await });
        let ex = connections.clone();
        let open = Arc::new(AtomicUsize::new(0));
        let accept = smol::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    // Out of file descriptors or similar: back off instead of spinning.
                    smol::Timer::after(Duration::from_millis(50)).await;
                    continue;
                };
                // Up to MAX_BODY_BYTES is read before a request can be authenticated: cap how
                // many connections may be doing that at once.
                if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                    drop(stream);
                    continue;
                }
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let guard = Busy(open.clone());
                guard.0.fetch_add(1, Ordering::SeqCst);
                ex.spawn(async move {
                    let _guard = guard;
                    let _ = async_h1::accept(stream, |mut req| {
                        req.set_peer_addr(Some(peer));
                        let app = app.clone();
                        async move { app.respond(req).await }
                    })
                    .await;
                })
                .detach();
            }
        });
        Ok(LocalApiServer {
            addr,
            service,
            active,
            accept: Some(accept),
            connections: Some(connections),
            runner: Some(runner),
        })
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
        // Dropping the executor drops every connection task, and with it its socket.
        self.connections.take();
    }
}

impl Drop for LocalApiServer {
    fn drop(&mut self) {
        self.service.close();
    }
}
