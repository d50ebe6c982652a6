//! Registers in process for the money and report tests: open one in a temporary directory under
//! a name, and sync one's whole log into another.
#![allow(dead_code)]

use till::register::Register;
use till::store::{Store, kv};

/// A register named `NAME` (upper-cased) with its data in `dir/name`.
pub fn open(dir: &std::path::Path, name: &str) -> Register {
    let mut s = Store::open(&dir.join(name)).unwrap_or_else(|e| panic!("open {name}: {e}"));
    s.set(kv::REGISTER_NAME, &name.to_uppercase()).unwrap_or_else(|e| panic!("{e}"));
    Register::from_store(s)
}

/// Applies every event `from` holds to `to`, as a sync would.
pub fn sync(from: &Register, to: &mut Register) {
    let ev: Vec<Vec<u8>> = from
        .store()
        .reader()
        .log_after(0, u32::MAX)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    to.store_mut().apply_remote(&ev, 0).unwrap_or_else(|e| panic!("sync: {e}"));
}
