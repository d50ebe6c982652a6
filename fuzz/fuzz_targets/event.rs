//! Event decoding as a receiving register does it: the header alone, the whole event, and
//! `Incoming` (header readable, payload maybe not). Properties: no panics; the header read by
//! each path agrees; a decoded event re-encodes to an event that decodes the same (with its link
//! in the journal, if it has one), also after its references are remapped (as a re-keying
//! register does).
#![no_main]

use libfuzzer_sys::fuzz_target;
use till::model::{EventId, RegisterId};
use till::sync::{Event, EventHeader, Incoming};

fuzz_target!(|data: &[u8]| {
    let header = Event::decode_header(data).ok();
    let decoded = Event::decode(data).ok();
    match Incoming::parse(data) {
        Ok((h, event, unreadable)) => {
            assert_eq!(Some(h), header, "Incoming reads another header");
            assert_eq!(event.is_some(), unreadable.is_none());
            assert_eq!(event, decoded);
        }
        Err(_) => assert!(header.is_none() && decoded.is_none(), "Incoming refused a readable event"),
    }
    if let Ok(inc) = Incoming::decode(data.to_vec()) {
        assert_eq!(inc.bytes, data);
    }
    let linked = Event::decode_linked(data).ok();
    assert_eq!(linked.as_ref().map(|(e, _)| e), decoded.as_ref(), "decode and decode_linked disagree");
    assert_eq!(Event::link_of(data).ok(), linked.as_ref().map(|(_, l)| *l));
    let Some(event) = decoded else { return };
    assert_eq!(header, Some(EventHeader { id: event.id, hlc: event.hlc }));
    let again = Event::decode(&event.encode());
    assert_eq!(again.as_ref().ok(), Some(&event), "re-encoding changed the event: {again:?}");
    if let Some((_, Some(link))) = &linked {
        let again = Event::decode_linked(&event.encode_linked(link));
        assert_eq!(again.ok(), Some((event.clone(), Some(*link))), "re-encoding changed the link");
    }
    let mut kind = event.kind.clone();
    kind.remap_refs(|id| EventId { origin: RegisterId([0xee; 16]), seq: id.seq });
    let remapped = Event { kind, ..event };
    assert!(Event::decode(&remapped.encode()).is_ok(), "a remapped event no longer decodes");
});
