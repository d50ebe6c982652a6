//! The sealed backup file (`till restore`'s input, from a USB stick anyone may have written):
//! `open_all` on any bytes must never panic, and what opens re-seals to the same bytes; and any
//! database sealed opens back to itself, while a byte changed or the last byte cut is refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use till::model::RegisterId;
use till::sync::SealKey;
use till::sync::backup::{BackupHeader, BackupInfo, open_all, seal_all};

/// A fixed key: the file's Argon2id derivation is not what is fuzzed (and would take tenths of a
/// second per input).
const KEY: [u8; 32] = [0x5a; 32];

fuzz_target!(|data: &[u8]| {
    let key = SealKey::from_bytes(KEY);
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode & 1 == 0 {
        // A file as found on a stick.
        if let Ok((header, info, db)) = open_all(&key, rest) {
            assert_eq!(seal_all(&key, &header, &info, &db).ok().as_deref(), Some(rest), "open/seal disagree");
        }
        return;
    }
    // A database of any length, in 256-byte chunks (the smallest a reader accepts).
    let header = BackupHeader { store: None, salt: [1; 16], prefix: [2; 19], chunk: 256 };
    let info = BackupInfo {
        created_ms: 1,
        events: 2,
        high_water: 3,
        register: RegisterId([4; 16]),
        db_bytes: rest.len() as u64,
    };
    let file = seal_all(&key, &header, &info, rest).unwrap_or_else(|e| panic!("seal: {e}"));
    assert_eq!(open_all(&key, &file).map(|(_, _, db)| db).ok().as_deref(), Some(rest), "round trip");
    let at = usize::from(mode >> 1) * (file.len() - 1) / 127;
    let mut bad = file.clone();
    bad[at] ^= 0x01;
    assert!(open_all(&key, &bad).is_err(), "a changed byte at {at} opened");
    assert!(open_all(&key, &file[..file.len() - 1]).is_err(), "a cut file opened");
});
