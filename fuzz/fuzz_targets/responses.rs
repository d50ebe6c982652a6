//! The client's side: what a register does with what comes back from whatever answers at its
//! server's address. The first byte picks the answer (a status and the kind of message the
//! client expects); the rest is the body. Through `till::net::client`: the discover JSON and its
//! proof, and `read_answer`, which maps the status, opens the envelope bound to the request and
//! decodes the message. Property: no panics; a body that opens was sealed for this request.
#![no_main]

use libfuzzer_sys::fuzz_target;
use till::net::client::{check_discover, proof_holds, read_answer};
use till::sync::Binding;
use till::sync::protocol::*;
use till_fuzz::{NONCE, key};

const ADDR: &str = "127.0.0.1:8787";

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    let status = [200u16, 401, 403, 409, 426, 429, 500, 503][usize::from(which >> 4) % 8];
    let binding = Binding::Response { method: "POST", path: "/api/sync/events", request_nonce: &NONCE };
    let k = key();
    match which % 8 {
        0 => {
            if let Ok(d) = check_discover(ADDR, status, body) {
                // A proof that holds for a made-up challenge would be a forgery.
                assert!(!proof_holds(&d, &[0x3c; 16], k) || d.proof.is_some());
            }
        }
        1 => drop(read_answer::<HelloResponse>(ADDR, status, body, k, binding, false)),
        2 => drop(read_answer::<PushResponse>(ADDR, status, body, k, binding, false)),
        3 => drop(read_answer::<PullResponse>(ADDR, status, body, k, binding, false)),
        4 => drop(read_answer::<StateResponse>(ADDR, status, body, k, binding, false)),
        5 => drop(read_answer::<MissingResponse>(ADDR, status, body, k, binding, false)),
        6 => drop(read_answer::<serde_json::Value>(ADDR, status, body, k, binding, true)),
        _ => {
            if let Ok(r) = read_answer::<PushResponse>(ADDR, status, body, k, binding, false) {
                assert_eq!(status, 200, "only a 200 carries a message: {r:?}");
            }
        }
    }
});
