//! Envelope::from_bytes on any bytes, then opening with the store's key under the bindings a
//! server and a client use: must never panic, and what parses must survive a round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use till::sync::{Binding, Envelope};
use till_fuzz::{NONCE, key};

fuzz_target!(|data: &[u8]| {
    let Ok(env) = Envelope::from_bytes(data) else { return };
    assert_eq!(Envelope::from_bytes(&env.to_bytes()).ok().as_ref(), Some(&env), "round trip");
    let bindings = [
        Binding::Request { method: "POST", path: "/api/sync/events" },
        Binding::Request { method: "GET", path: "/api/sync/events?since=0" },
        Binding::Response { method: "POST", path: "/api/sync/events", request_nonce: &NONCE },
    ];
    for b in bindings {
        if let Ok(plain) = env.open(key(), b) {
            // What opens was sealed by us: sealing it again under the same nonce gives it back.
            let again = Envelope::seal(env.version, key(), env.store, env.sender, env.nonce, env.sent_ms, b, &plain);
            assert_eq!(again, env, "open/seal disagree");
        }
    }
});
