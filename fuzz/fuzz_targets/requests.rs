//! Every HTTP handler's request parsing, through the real tide routes in-process: routing,
//! methods, the body limit, the pull query, the envelope (body or header, hex), and the postcard
//! message behind it, which the harness seals with the store's key so the fuzzer gets past
//! authentication. Properties: no panics, no 500s, and a 200 to an authentic sealed request is
//! a response sealed to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use till::sync::{Binding, Envelope};
use till_fuzz::{FuzzRequest, Server, key_for, url_path};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = postcard::from_bytes::<FuzzRequest>(data) else { return };
    let Some((req, sent)) = input.build() else { return };
    let server = Server::get();
    let mut resp = server.respond(req);
    let status = resp.status() as u16;
    assert_ne!(status, 500, "server error for {input:?}");
    let sealed_route = !matches!(url_path(&sent.path), "/api/discover" | "/metrics");
    if status == 200 && sealed_route {
        assert!(sent.authentic, "200 to a request that is not authentic: {input:?}");
        let body = smol::block_on(resp.body_bytes()).unwrap_or_else(|e| panic!("body: {e}"));
        let env = Envelope::from_bytes(&body).unwrap_or_else(|e| panic!("response is not an envelope: {e}"));
        assert_eq!(env.sender, server.me);
        let binding = Binding::Response { method: &sent.method, path: &sent.path, request_nonce: &sent.nonce };
        assert!(env.open(&key_for(url_path(&sent.path)), binding).is_ok(), "response does not open for {input:?}");
    }
});
