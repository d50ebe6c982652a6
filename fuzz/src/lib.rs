//! Fixtures shared by Till's fuzz targets and the seed generator: a fixed store and key, an
//! in-process server, and the structured input of the `requests` target.
//!
//! The key is derived once per process: Argon2id takes tenths of a second, which would leave the
//! fuzzer a handful of executions per second. The `requests` input is postcard (not `arbitrary`)
//! so that the seed generator can write real requests as corpus files.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};

use http_types::headers::{HeaderName, HeaderValue};
use http_types::{Method, Request, Response, Url};
use serde::{Deserialize, Serialize};
use till::config::Secret;
use till::model::{AdjustReason, Cents, RateBp, RegisterId, Role, Sku};
use till::net::http::{State, routes};
use till::net::service::SyncService;
use till::register::Register;
use till::store::kv;
use till::sync::protocol::{ENVELOPE_HEADER, HELLO_PATH};
use till::sync::{Binding, Envelope, SealKey, StoreId};

/// The shared secret of the fuzzed store.
pub const SECRET: &str = "FUZZ-7KQM-X3TD-9LRU-Z65T";
/// The fuzzed store's id.
pub const STORE: StoreId = StoreId([0x5a; 16]);
/// The register that seals the harness's requests.
pub const SENDER: RegisterId = RegisterId([0x42; 16]);
/// The nonce of the seed files' envelopes.
pub const NONCE: [u8; 24] = [7; 24];

/// A nonce never used before in this process: the server refuses a request it has seen.
pub fn fresh_nonce() -> [u8; 24] {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut out = [7u8; 24];
    out[..8].copy_from_slice(&n.to_le_bytes());
    out
}

/// The system clock in ms: requests are stamped with it, inside the server's replay window.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
/// [`SENDER`]'s own key, enrolled at the fuzzed server: every request but hello is sealed with it.
pub const REGISTER_KEY: [u8; 32] = [0x24; 32];

/// The key the server opens a request for `path` with: the store's for hello, else the sender's.
pub fn key_for(path: &str) -> SealKey {
    if path == HELLO_PATH { key().clone() } else { SealKey::from_bytes(REGISTER_KEY) }
}

/// The key of [`SECRET`] for [`STORE`], derived on first use.
pub fn key() -> &'static SealKey {
    static KEY: OnceLock<SealKey> = OnceLock::new();
    KEY.get_or_init(|| SealKey::derive(SECRET, STORE).unwrap_or_else(|e| panic!("fuzz key: {e}")))
}

/// A fresh data directory, in memory when /dev/shm exists: every push commits with fsync.
pub fn data_dir() -> tempfile::TempDir {
    let shm = PathBuf::from("/dev/shm");
    let base = if shm.is_dir() { shm } else { std::env::temp_dir() };
    tempfile::Builder::new().prefix("till-fuzz-").tempdir_in(base).unwrap_or_else(|e| panic!("fuzz data dir: {e}"))
}

fn sku(s: &str) -> Sku {
    s.parse().unwrap_or_else(|e| panic!("sku {s}: {e:?}"))
}

/// Rings one event of every kind on `reg`, so its log holds real encodings of each.
pub fn ring_every_kind(reg: &mut Register) {
    let ok = |what: &str, r: Result<(), till::register::RegisterError>| {
        if let Err(e) = r {
            panic!("{what}: {e}")
        }
    };
    ok("tax", reg.set_tax("std", RateBp(825), false));
    ok("product", reg.add_product(sku("TEA"), "Green tea", Cents(250), Some(40), Some("std")));
    ok("product", reg.add_product(sku("COF"), "Coffee", Cents(1999), None, None));
    ok("user", reg.add_user("ann", Role::Manager, "4321"));
    ok("setting", reg.set_setting("currency", "EUR"));
    ok("shift", reg.open_shift(Cents(10_000), Some("ann")).map(|_| ()));
    ok("barcode", reg.set_details(&sku("TEA"), Some(vec!["4006381333931".into()]), Some("Drinks".into())));
    ok("tender", reg.add_tender("voucher").map(|_| ()));
    ok("tax mode", reg.set_setting("prices_include_tax", "true"));
    let approval = till::register::Approval { manager: "ann".into(), pin: "4321".into() };
    let item =
        |code: &str, qty, discount| till::register::ItemRequest { code: code.into(), qty, discount, price: None };
    // A sale by barcode with a line and an order discount, paid by voucher and cash with change.
    let sale = till::register::SaleRequest {
        items: vec![item("4006381333931", 3, Some(till::model::Discount::Percent(1000))), item("COF", 1, None)],
        discount: Some(till::model::Discount::Amount(Cents(100))),
        pay: till::model::PayRequest {
            tenders: vec![("voucher".into(), Some(Cents(500))), ("cash".into(), None)],
            tendered: Some(Cents(5_000)),
        },
        cashier: Some("ann".into()),
        approval: None,
    };
    let number = reg.ring(&sale).map(|o| o.number).unwrap_or_else(|e| panic!("order: {e}"));
    let refund = reg.refund(&number, &[(sku("TEA"), 1)], true, Some("cash"), Some("ann"), Some(&approval));
    ok("return", refund.map(|_| ()));
    let second = reg.create_order(&[(sku("COF"), 2)], till::model::Payment::Cash, None);
    let second = second.map(|o| o.number).unwrap_or_else(|e| panic!("order: {e}"));
    ok("void", reg.void_by(&second, Some("ann"), Some(&approval)).map(|_| ()));
    ok("count", reg.count_stock(&sku("TEA"), 38));
    ok("adjust", reg.adjust_stock(&sku("COF"), 24, AdjustReason::Received));
    ok("price", reg.set_price(&sku("COF"), Cents(2099)));
    ok("remove", reg.remove_product(&sku("COF")));
    // Selling more TEA than was counted lists a conflict, which a manager resolves.
    let oversell = reg.create_order(&[(sku("TEA"), 40)], till::model::Payment::Cash, None);
    ok("oversell", oversell.map(|_| ()));
    let open = reg.store().reader().conflicts(false).unwrap_or_else(|e| panic!("conflicts: {e}"));
    let id = open.first().map(|c| c.id.clone()).unwrap_or_else(|| panic!("the oversell is listed"));
    ok("resolve", reg.resolve_conflict(&id, "counted again", Some("ann")).map(|_| ()));
    ok("close", reg.close_shift(Cents(12_000)).map(|_| ()));
}

/// The encoded events of a register's log, oldest first.
pub fn log_of(reg: &Register) -> Vec<Vec<u8>> {
    let entries = reg.store().reader().log_entries(0, 10_000, usize::MAX);
    entries.unwrap_or_else(|e| panic!("log: {e}")).into_iter().map(|e| e.bytes).collect()
}

/// A register on a fresh data directory with one event of every kind in its log.
pub fn sample_register() -> (tempfile::TempDir, Register) {
    let dir = data_dir();
    let mut reg = Register::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    ring_every_kind(&mut reg);
    (dir, reg)
}

/// The sealed part of a [`FuzzRequest`]: the harness holds the key, so the fuzzer reaches the
/// handlers' decoding behind the envelope check (it could never forge a Poly1305 tag itself).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Seal {
    /// The postcard message (or nothing, for a GET).
    pub plaintext: Vec<u8>,
    /// In the `x-till-envelope` header as hex (GET style) rather than as the body.
    pub in_header: bool,
    /// Upper-case hex in the header.
    pub upper: bool,
    /// The envelope's version field (1 is the only one spoken).
    pub version: u16,
    /// Sealed for another store id (the fuzzed server's is confirmed, so: 409, no Argon2).
    pub other_store: bool,
    /// Flips one bit of the sealed envelope.
    pub flip_bit: Option<u32>,
    /// Sealed for another method and path-and-query than the request's.
    pub bind: Option<(String, String)>,
    /// Sealed with the other key (the store's instead of the register's, or the reverse).
    pub wrong_key: bool,
}

/// One HTTP request, as the `requests` target reads it from its input (postcard).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FuzzRequest {
    /// The HTTP method.
    pub method: String,
    /// Path and query, e.g. `/api/sync/events?since=3`.
    pub target: String,
    /// Extra headers; names or values http-types refuses are skipped.
    pub headers: Vec<(String, String)>,
    /// The TCP peer address as async-h1 would set it.
    pub peer: Option<String>,
    /// The raw body, used when there is no seal or the seal goes in the header.
    pub body: Vec<u8>,
    /// Send the body without a length (as a chunked request arrives).
    pub chunked: bool,
    /// An envelope the harness seals with the store's key.
    pub seal: Option<Seal>,
}

/// What the server saw of a request: for checking a sealed response.
#[derive(Clone, Debug)]
pub struct Sent {
    /// The method as sent.
    pub method: String,
    /// Path and query as the server rebuilds it from the URL.
    pub path: String,
    /// Whether a valid, correctly bound envelope of this store was attached.
    pub authentic: bool,
    /// The nonce of that envelope (the response is bound to it).
    pub nonce: [u8; 24],
}

/// The path without its query.
pub fn url_path(path_and_query: &str) -> &str {
    path_and_query.split('?').next().unwrap_or(path_and_query)
}

/// Path and query as the server rebuilds them from a request URL (`net::http::path_and_query`).
pub fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

impl FuzzRequest {
    /// The http-types request, or `None` when the method or URL cannot be a request at all.
    pub fn build(&self) -> Option<(Request, Sent)> {
        let method = Method::from_str(&self.method).ok()?;
        let url = Url::parse(&format!("http://till.invalid{}", self.target)).ok()?;
        let path = path_and_query(&url);
        let mut req = Request::new(method, url);
        for (name, value) in &self.headers {
            if let (Ok(n), Ok(v)) = (HeaderName::from_str(name), HeaderValue::from_str(value)) {
                req.append_header(n, v);
            }
        }
        if let Some(p) = &self.peer {
            req.set_peer_addr(Some(p.as_str()));
        }
        let mut body = self.body.clone();
        let mut authentic = false;
        let nonce = fresh_nonce();
        if let Some(s) = &self.seal {
            let (m, p) = s.bind.clone().unwrap_or_else(|| (method.to_string(), path.clone()));
            let store = if s.other_store { StoreId([0xa5; 16]) } else { STORE };
            let binding = Binding::Request { method: &m, path: &p };
            let on_path = url_path(&path);
            let k =
                if s.wrong_key == (on_path == HELLO_PATH) { SealKey::from_bytes(REGISTER_KEY) } else { key().clone() };
            let mut env =
                Envelope::seal(till::sync::PROTOCOL_MIN, &k, store, SENDER, nonce, now_ms(), binding, &s.plaintext);
            let as_sealed = env.to_bytes();
            env.version = s.version;
            let mut wire = env.to_bytes();
            if let Some(bit) = s.flip_bit
                && !wire.is_empty()
            {
                let i = bit as usize % (wire.len() * 8);
                wire[i / 8] ^= 1 << (i % 8);
            }
            // Authentic when what goes out is exactly what was sealed (a flipped bit may undo a
            // changed version), with this store's key, for this very request.
            authentic = wire == as_sealed && !s.other_store && !s.wrong_key && m == method.to_string() && p == path;
            if s.in_header {
                let hexed = till::model::hex(&wire);
                let hexed = if s.upper { hexed.to_uppercase() } else { hexed };
                // Pushed last: the server reads the last one, and the check below expects ours.
                if let Ok(v) = HeaderValue::from_str(&hexed) {
                    req.append_header(ENVELOPE_HEADER, v);
                }
            } else {
                body = wire;
            }
        }
        if self.chunked {
            req.set_body(http_types::Body::from_reader(smol::io::Cursor::new(body), None));
        } else {
            req.set_body(body);
        }
        Some((req, Sent { method: method.to_string(), path, authentic, nonce }))
    }
}

/// The server under test: the real routes over a [`SyncService`] on a temporary data directory.
pub struct Server {
    app: tide::Server<State>,
    /// The server register's id.
    pub me: RegisterId,
    _dir: tempfile::TempDir,
}

impl Server {
    /// The process's server, made on first use: a register holding one event of every kind,
    /// [`SENDER`] enrolled with [`REGISTER_KEY`], store [`STORE`] already confirmed (so a foreign store id is a quick 409 instead of an
    /// Argon2 derivation per request), and its bus closed (so a long-poll answers at once instead
    /// of holding an execution for up to 30 s).
    pub fn get() -> &'static Server {
        static SERVER: OnceLock<Server> = OnceLock::new();
        SERVER.get_or_init(|| {
            let (dir, mut reg) = sample_register();
            let s = reg.store_mut();
            s.set(kv::STORE_ID, &STORE).unwrap_or_else(|e| panic!("store id: {e}"));
            s.set(kv::STORE_CONFIRMED, &true).unwrap_or_else(|e| panic!("store confirmed: {e}"));
            // As the sender's first hello would: a peer row, then its key.
            s.write(|tx| {
                tx.record_peer(SENDER, "R2", None, 0, None, 0)?;
                tx.enroll_register(SENDER, &REGISTER_KEY)
            })
            .unwrap_or_else(|e: till::store::StoreError| panic!("enroll: {e}"));
            let me = s.register_id();
            let secret = Secret::new(SECRET).unwrap_or_else(|e| panic!("secret: {e}"));
            let service = SyncService::new(Arc::new(Mutex::new(reg)), secret, 64)
                .unwrap_or_else(|e| panic!("service: {}", e.reason));
            service.close();
            Server { app: routes(Arc::new(service)), me, _dir: dir }
        })
    }

    /// Hands one request to the routes and waits for the answer.
    pub fn respond(&self, req: Request) -> Response {
        smol::block_on(self.app.respond(req))
            .unwrap_or_else(|e| panic!("tide gave an error instead of a response: {e}"))
    }
}
