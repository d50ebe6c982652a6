//! Writes the starting corpus: valid encodings made by the real code (events of every kind from a
//! register's log, sealed envelopes, each endpoint's requests, protocol messages, scripts), plus a
//! few near misses. `cargo run --release --example seeds` from `fuzz/` rewrites `corpus/*/seed-*`.

use std::path::Path;

use serde::Serialize;
use till::model::{EventId, RegisterId};
use till::sync::protocol::*;
use till::sync::{Binding, Envelope, StoreId};
use till_fuzz::{FuzzRequest, NONCE, SENDER, STORE, Seal, key, log_of, sample_register};

/// The time stamped on the seed envelopes.
const SENT_MS: u64 = 1_790_000_000_000;

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let path = dir.join(format!("seed-{name}"));
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn pc<T: Serialize>(v: &T) -> Vec<u8> {
    postcard::to_allocvec(v).unwrap_or_else(|e| panic!("postcard: {e}"))
}

fn tagged(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(body);
    out
}

fn sealed(plaintext: Vec<u8>, in_header: bool) -> Option<Seal> {
    Some(Seal { plaintext, in_header, version: till::sync::PROTOCOL_MIN, ..Seal::default() })
}

fn post(target: &str, plaintext: Vec<u8>) -> FuzzRequest {
    FuzzRequest {
        method: "POST".into(),
        target: target.into(),
        headers: vec![("content-type".into(), "application/octet-stream".into())],
        peer: Some("192.168.1.31:50123".into()),
        seal: sealed(plaintext, false),
        ..FuzzRequest::default()
    }
}

fn get(target: &str) -> FuzzRequest {
    FuzzRequest {
        method: "GET".into(),
        target: target.into(),
        peer: Some("192.168.1.31:50123".into()),
        seal: sealed(Vec::new(), true),
        ..FuzzRequest::default()
    }
}

fn main() {
    let (_dir, reg) = sample_register();
    let events = log_of(&reg);
    let origin = reg.store().register_id();

    // event: every kind as a register encodes it, and the header-only edge cases.
    for (i, e) in events.iter().enumerate() {
        let name = till::sync::Event::decode(e).map(|d| d.kind.name()).unwrap_or("unreadable");
        write("event", &format!("{i:02}-{name}"), e);
    }
    let mut newer = events[0].clone();
    newer[0] = till::sync::EVENT_FORMAT_VERSION + 1;
    write("event", "newer-version", &newer);
    let mut unknown_kind = events[0].clone();
    unknown_kind.truncate(1 + 16 + 10);
    write("event", "truncated", &unknown_kind);

    // envelope: sealed under each binding the target opens with, and an empty GET one.
    let k = key();
    let bindings = [
        ("post", Binding::Request { method: "POST", path: "/api/sync/events" }),
        ("get", Binding::Request { method: "GET", path: "/api/sync/events?since=0" }),
        ("response", Binding::Response { method: "POST", path: "/api/sync/events", request_nonce: &NONCE }),
    ];
    let push = PushRequest { events: events.clone(), pending_after: 3 };
    for (name, b) in bindings {
        write(
            "envelope",
            name,
            &Envelope::seal(till::sync::PROTOCOL_MIN, k, STORE, SENDER, NONCE, SENT_MS, b, &pc(&push)).to_bytes(),
        );
        write(
            "envelope",
            &format!("{name}-empty"),
            &Envelope::seal(till::sync::PROTOCOL_MIN, k, STORE, SENDER, NONCE, SENT_MS, b, &[]).to_bytes(),
        );
    }
    let foreign =
        Envelope::seal(till::sync::PROTOCOL_MIN, k, StoreId([1; 16]), SENDER, NONCE, SENT_MS, bindings[0].1, b"x");
    write("envelope", "foreign-store", &foreign.to_bytes());

    // messages: one of each, as the code sends them.
    let id = EventId { origin, seq: 4 };
    let cursor = Cursor { epoch: [3; 16], seq: 12, at: Some(id) };
    let vector = vec![(origin, events.len() as u64), (RegisterId([9; 16]), 2)];
    let hello = HelloRequest {
        register_name: "R2".into(),
        client_time_ms: 1_700_000_000_000,
        pending: 2,
        store_known: true,
        register_key: till_fuzz::REGISTER_KEY,
    };
    let messages: Vec<(&str, u8, Vec<u8>)> = vec![
        ("hello", 0, pc(&hello)),
        (
            "hello-response",
            1,
            pc(&HelloResponse {
                server_name: "R1".into(),
                server_id: origin,
                server_time_ms: 1_700_000_000_000,
                epoch: [3; 16],
                head: 14,
            }),
        ),
        ("push", 2, pc(&push)),
        ("push-response", 3, pc(&PushResponse { stored: 3, duplicates: 1, head: 9, conflicts: events[..2].to_vec() })),
        ("state", 4, pc(&StateRequest { vector: vector.clone() })),
        (
            "state-response",
            5,
            pc(&StateResponse { vector: vector.clone(), digests: vec![(origin, 3, 77)], epoch: [3; 16], head: 9 }),
        ),
        ("missing", 6, pc(&MissingRequest { vector: vector.clone() })),
        ("missing-response", 7, pc(&MissingResponse { events: events.clone() })),
        ("pull-response", 8, pc(&PullResponse { reset: false, next: cursor, events: events.clone(), head: 20 })),
        ("cursor", 9, pc(&cursor)),
        (
            "discover",
            10,
            br#"{"product":"till","protocol_version":2,"register_name":"R1","store_id":null,"store_confirmed":false,"server_time_ms":1790000000000,"proof":null}"#.to_vec(),
        ),
        ("event-id", 11, id.to_string().into_bytes()),
        ("store-id", 12, STORE.to_string().into_bytes()),
        ("hex", 13, till::model::hex(&[0xab; 16]).into_bytes()),
        ("config", 14, b"mode=client\nname=R2\nserver=192.168.1.20:8787\nsecret=7KQM-X3TD-9LRU-Z65T-NZKD\nport=0\nbind=::1".to_vec()),
        ("config-scan", 15, b"mode=server\nserver=scan\nserver=[fe80::1]:99".to_vec()),
    ];
    for (name, tag, body) in &messages {
        write("messages", name, &tagged(*tag, body));
    }

    // requests: every endpoint as a client calls it, then the usual ways to get it wrong.
    let at = format!("/api/sync/events?since=3&wait=0&epoch={}&at={id}", till::model::hex(&[3; 16]));
    let mut requests: Vec<(&str, FuzzRequest)> = vec![
        ("discover", FuzzRequest { method: "GET".into(), target: "/api/discover".into(), ..FuzzRequest::default() }),
        ("metrics", FuzzRequest { method: "GET".into(), target: "/metrics".into(), ..FuzzRequest::default() }),
        ("hello", post("/api/auth/hello", pc(&hello))),
        ("push", post("/api/sync/events", pc(&push))),
        ("push-one", post("/api/sync/events", pc(&PushRequest { events: events[5..6].to_vec(), pending_after: 0 }))),
        ("state", post("/api/sync/state", pc(&StateRequest { vector: vector.clone() }))),
        ("missing", post("/api/sync/missing", pc(&MissingRequest { vector: vec![(origin, 2)] }))),
        ("pull", get("/api/sync/events?since=0&wait=0")),
        ("pull-at", get(&at)),
        ("products", get("/api/data/products")),
        ("orders", get("/api/data/orders")),
        ("stock", get("/api/data/stock")),
        ("status", get("/api/data/status")),
        ("no-such-data", get("/api/data/nothing")),
        ("pull-bad-query", get("/api/sync/events?since=-1&color=red")),
        (
            "unsealed-post",
            FuzzRequest {
                method: "POST".into(),
                target: "/api/auth/hello".into(),
                body: pc(&hello),
                ..FuzzRequest::default()
            },
        ),
        (
            "wrong-method",
            FuzzRequest { method: "PUT".into(), target: "/api/sync/state".into(), ..FuzzRequest::default() },
        ),
    ];
    let mut chunked = post("/api/sync/state", pc(&StateRequest { vector }));
    chunked.chunked = true;
    requests.push(("chunked", chunked));
    let mut other_store = post("/api/auth/hello", pc(&hello));
    if let Some(s) = other_store.seal.as_mut() {
        s.other_store = true;
    }
    requests.push(("other-store", other_store));
    let mut version = post("/api/sync/events", pc(&push));
    if let Some(s) = version.seal.as_mut() {
        s.version = 1;
    }
    requests.push(("version-1", version));
    let mut moved = post("/api/sync/missing", pc(&MissingRequest { vector: Vec::new() }));
    if let Some(s) = moved.seal.as_mut() {
        s.bind = Some(("POST".into(), "/api/sync/state".into()));
    }
    requests.push(("moved", moved));
    let mut wrong_key = post("/api/sync/state", pc(&StateRequest { vector: Vec::new() }));
    if let Some(s) = wrong_key.seal.as_mut() {
        s.wrong_key = true;
    }
    requests.push(("wrong-key", wrong_key));
    let mut upper = get("/api/sync/events");
    if let Some(s) = upper.seal.as_mut() {
        s.upper = true;
    }
    requests.push(("upper-hex", upper));
    for (name, r) in &requests {
        write("requests", name, &pc(r));
    }

    // responses: what a client reads back, sealed to its request as a server seals it, and a
    // discover answer with a proof; the first byte picks the status (high nibble) and the kind.
    let resp_binding = Binding::Response { method: "POST", path: "/api/sync/events", request_nonce: &NONCE };
    let answer = |plain: &[u8]| {
        Envelope::seal(till::sync::PROTOCOL_MIN, k, STORE, origin, [9; 24], SENT_MS, resp_binding, plain).to_bytes()
    };
    let answers: Vec<(&str, u8, Vec<u8>)> = vec![
        ("discover", 0, messages[10].2.clone()),
        ("hello", 1, answer(&messages[1].2)),
        ("push", 2, answer(&messages[3].2)),
        ("pull", 3, answer(&messages[8].2)),
        ("state", 4, answer(&messages[5].2)),
        ("missing", 5, answer(&messages[7].2)),
        ("data", 6, answer(br#"[{"sku":"TEA"}]"#)),
        ("refused-401", 2 | (1 << 4), b"not authenticated\n".to_vec()),
        ("overloaded-429", 2 | (5 << 4), b"too many failed attempts\n".to_vec()),
    ];
    for (name, tag, body) in &answers {
        write("responses", name, &tagged(*tag, body));
    }

    // display: a script with every command, and a tap then a shifted key as evdev bytes.
    let script = "# demo\nwait status 2000\ntap 400 240\nkey enter\nkey a # comment\ntype Front Counter\nkey backspace\nkey esc\n";
    write("display", "script", &tagged(0, script.as_bytes()));
    let mut ev = Vec::new();
    for (kind, code, value) in [
        (3u16, 0u16, 16000i32),
        (3, 1, 8000),
        (1, 330, 1),
        (1, 330, 0),
        (0, 0, 0),
        (1, 42, 1),
        (1, 30, 1),
        (1, 30, 0),
        (0, 0, 0),
    ] {
        ev.extend_from_slice(&[0u8; 16]);
        ev.extend_from_slice(&kind.to_ne_bytes());
        ev.extend_from_slice(&code.to_ne_bytes());
        ev.extend_from_slice(&value.to_ne_bytes());
    }
    write("display", "evdev", &tagged(1 | (24 << 2), &ev));

    // backup: sealed files (mode 0) with the target's key, of a log cut into 256-byte chunks, of an
    // exact number of chunks and of nothing; a database to seal (mode 1).
    let k = till::sync::SealKey::from_bytes([0x5a; 32]);
    let log: Vec<u8> = events.concat();
    for (name, db) in [("log", &log[..]), ("two-chunks", &log[..512.min(log.len())]), ("empty", &[][..])] {
        let header =
            till::sync::backup::BackupHeader { store: Some(STORE), salt: [1; 16], prefix: [2; 19], chunk: 256 };
        let info = till::sync::backup::BackupInfo {
            created_ms: SENT_MS,
            events: events.len() as u64,
            high_water: events.len() as u64,
            register: origin,
            db_bytes: db.len() as u64,
        };
        let file = till::sync::backup::seal_all(&k, &header, &info, db).unwrap_or_else(|e| panic!("seal: {e}"));
        write("backup", name, &tagged(0, &file));
    }
    write("backup", "database", &tagged(1 | (64 << 1), &log[..700.min(log.len())]));
    println!("wrote {} events, {} messages, {} requests", events.len(), messages.len(), requests.len());
}
