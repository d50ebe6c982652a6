//! Registers on different releases: an event this build cannot apply (a kind added later, or a
//! rule it does not know yet) is stored and relayed, not refused with the rest of its batch.

use till::model::{EventId, RegisterId};
use till::store::Store;
use till::sync::{Event, EventHeader, EventKind, Hlc};

fn header(seq: u64) -> EventHeader {
    EventHeader {
        id: EventId { origin: RegisterId([9; 16]), seq },
        hlc: Hlc { wall_ms: 1_790_000_000_000 + seq, logical: 0 },
    }
}

/// Bytes of an event whose kind is variant 200: what a much newer release could send.
fn future_kind(seq: u64) -> Vec<u8> {
    let mut out = vec![till::sync::EVENT_FORMAT_VERSION];
    out = postcard::to_extend(&header(seq), out).unwrap_or_default();
    out.extend_from_slice(&[200, 1, 3, 0xAA, 0xBB, 0xCC]);
    out
}

#[test]
fn events_of_unknown_kinds_or_rules_are_kept_and_relayed_without_blocking_the_batch() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let setting = |seq, key: &str| {
        let h = header(seq);
        Event { id: h.id, hlc: h.hlc, kind: EventKind::SettingChanged { key: key.into(), value: "x".into() } }.encode()
    };
    let batch = vec![
        setting(1, "store_name"),
        future_kind(2),
        setting(3, "loyalty_points_per_euro"),
        setting(4, "receipt_footer"),
    ];
    let r = store.apply_remote(&batch, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.inserted, r.unreadable, r.refused), (2, 2, 0));
    let names: Vec<String> = store.reader().settings().unwrap_or_default().into_iter().map(|s| s.key).collect();
    assert_eq!(names, ["receipt_footer", "store_name"], "the readable ones applied");
    // All four are in the log, byte for byte, so a server relays them to newer registers.
    let logged: Vec<Vec<u8>> = store.reader().log_after(0, 100).unwrap_or_default().into_iter().map(|x| x.1).collect();
    assert_eq!(logged, batch);
    // Garbage without a readable header cannot be stored, and does not block the rest either.
    let r = store.apply_remote(&[vec![7, 7, 7], setting(5, "currency")], 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.refused, r.unreadable), (1, 1), "currency 'x' breaks this build's rule: kept, not applied");
    assert_eq!(store.reader().vector().unwrap_or_default(), vec![(RegisterId([9; 16]), 5)]);
}
