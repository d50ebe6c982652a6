//! The postcard messages of the protocol (both directions), the discover JSON, and the text
//! parsers that take network or user input: event ids (the pull `at` parameter), store ids,
//! hex, and `till setup set` pairs. The first byte picks the parser; the rest is its input.
//! Properties: no panics; what decodes re-encodes to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use till::sync::protocol::*;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(data: &[u8]) {
    if let Ok(v) = postcard::from_bytes::<T>(data) {
        let bytes = postcard::to_allocvec(&v).unwrap_or_else(|e| panic!("re-encode: {e}"));
        assert_eq!(postcard::from_bytes::<T>(&bytes).ok().as_ref(), Some(&v));
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    match which % 16 {
        0 => round_trip::<HelloRequest>(rest),
        1 => round_trip::<HelloResponse>(rest),
        2 => round_trip::<PushRequest>(rest),
        3 => round_trip::<PushResponse>(rest),
        4 => round_trip::<StateRequest>(rest),
        5 => round_trip::<StateResponse>(rest),
        6 => round_trip::<MissingRequest>(rest),
        7 => round_trip::<MissingResponse>(rest),
        8 => round_trip::<PullResponse>(rest),
        9 => round_trip::<Cursor>(rest),
        10 => {
            let _ = serde_json::from_slice::<Discover>(rest);
        }
        11 => {
            if let Ok(id) = text.parse::<till::model::EventId>() {
                assert_eq!(format!("{}:{}", id.origin, id.seq).parse::<till::model::EventId>().ok(), Some(id));
            }
        }
        12 => {
            if let Ok(id) = text.parse::<till::sync::StoreId>() {
                assert_eq!(id.to_string().parse::<till::sync::StoreId>().ok(), Some(id));
            }
        }
        13 => {
            if let Some(b) = till::model::unhex::<16>(&text) {
                assert_eq!(till::model::unhex::<16>(&till::model::hex(&b)), Some(b));
            }
        }
        _ => {
            let pairs: Vec<&str> = text.split('\n').collect();
            let _ = till::config::ConfigUpdate::parse(&pairs);
        }
    }
});
