//! A register restored from an old backup of its own database (or a card cloned from another
//! register) reuses sequence numbers its earlier events already had. Nothing may be lost: the
//! register notices when its own ids come back with other contents, takes a new id, and
//! re-issues what it made since, with references between those events remapped.

use std::path::Path;

use till::model::{Cents, Payment, Sku};
use till::register::Register;
use till::store::Store;

fn tea() -> Sku {
    "TEA".parse().unwrap_or_else(|_| unreachable!())
}

fn open(dir: &Path) -> Register {
    Register::open(dir).unwrap_or_else(|e| panic!("{e}"))
}

fn log(r: &Register) -> Vec<Vec<u8>> {
    r.store().reader().log_after(0, u32::MAX).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|x| x.1).collect()
}

fn pending(r: &Register) -> Vec<Vec<u8>> {
    r.store()
        .reader()
        .pending(usize::MAX, usize::MAX)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|e| e.bytes)
        .collect()
}

/// Copies a closed database: what a backup of the SD card holds.
fn backup(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(from.join("till.db"), to.join("till.db")).unwrap_or_else(|e| panic!("{e}"));
}

fn ring(r: &mut Register, n: usize) -> Vec<String> {
    (0..n).map(|_| r.create_order(&[(tea(), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}")).id).collect()
}

fn orders(r: &Register) -> usize {
    r.store().reader().orders(None).unwrap_or_default().len()
}

#[test]
fn a_client_restored_from_an_old_backup_loses_no_sale() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (c_dir, s_dir, b_dir) = (root.path().join("c"), root.path().join("s"), root.path().join("backup"));
    let mut s = open(&s_dir);
    s.add_product(tea(), "Tea", Cents(250), Some(100), None).unwrap_or_else(|e| panic!("{e}"));
    {
        let mut c = open(&c_dir);
        c.store_mut().apply_remote(&log(&s), 0).unwrap_or_else(|e| panic!("{e}"));
        ring(&mut c, 3);
        c.store().checkpoint().unwrap_or_else(|e| panic!("{e}"));
    }
    backup(&c_dir, &b_dir);
    let old_id = {
        let mut c = open(&c_dir);
        ring(&mut c, 3);
        let r = s.store_mut().apply_remote(&pending(&c), 0).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.conflicts.is_empty());
        c.store().register_id()
    };
    // The card fails; the register comes back from the backup and sells before it syncs.
    std::fs::remove_dir_all(&c_dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(&b_dir, &c_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut c = open(&c_dir);
    assert_eq!(c.store().register_id(), old_id);
    let new_orders = ring(&mut c, 2);
    c.void_order(&new_orders[0]).unwrap_or_else(|e| panic!("{e}"));

    // The push: the server holds other events under those ids and says so.
    let r = s.store_mut().apply_remote(&pending(&c), 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.conflicts.len(), 3, "two orders and a void reused ids");
    assert_eq!(orders(&s), 6, "the server kept its originals");
    // The register applies the server's copies and re-keys.
    let k = c.store_mut().apply_remote(&r.conflicts, 0).unwrap_or_else(|e| panic!("{e}"));
    let k = k.rekeyed.unwrap_or_else(|| panic!("no re-key"));
    assert_eq!((k.old, k.reissued), (old_id, 3));
    assert_ne!(c.store().register_id(), old_id);
    assert_eq!(Store::open(&c_dir).map(|s| s.register_id()).ok(), Some(k.new), "the new id is kept");
    // Then sync both ways as usual.
    s.store_mut().apply_remote(&pending(&c), 0).unwrap_or_else(|e| panic!("{e}"));
    c.store_mut().apply_remote(&log(&s), 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(orders(&s), 8, "3 before the backup, 3 after it, 2 after the restore");
    assert_eq!(orders(&c), 8);
    let voided: Vec<_> = s.store().reader().orders(None).unwrap_or_default().into_iter().filter(|o| o.voided).collect();
    assert_eq!(voided.len(), 1, "the void follows its order to the new id");
    assert!(voided[0].id.starts_with(&k.new.to_string()));
    assert_eq!(s.store().reader().stock(Some("TEA")).unwrap_or_default()[0].on_hand, 100 - 8 + 1);
    assert_eq!(c.store().canonical_dump().ok(), s.store().canonical_dump().ok());
}

#[test]
fn a_server_restored_from_an_old_backup_gets_its_sales_back_and_keeps_the_new_ones() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (s_dir, c_dir, b_dir) = (root.path().join("s"), root.path().join("c"), root.path().join("backup"));
    let mut c = open(&c_dir);
    {
        let mut s = open(&s_dir);
        s.add_product(tea(), "Tea", Cents(250), Some(50), None).unwrap_or_else(|e| panic!("{e}"));
        s.store().checkpoint().unwrap_or_else(|e| panic!("{e}"));
        backup(&s_dir, &b_dir);
        ring(&mut s, 4);
        c.store_mut().apply_remote(&log(&s), 0).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::remove_dir_all(&s_dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(&b_dir, &s_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut s = open(&s_dir);
    ring(&mut s, 2);
    // The client's anti-entropy sends the server its lost events; their ids clash.
    let r = s.store_mut().apply_remote(&log(&c), 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.rekeyed.map(|k| k.reissued), Some(2));
    c.store_mut().apply_remote(&log(&s), 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(orders(&s), 6);
    assert_eq!(orders(&c), 6);
    assert_eq!(c.store().canonical_dump().ok(), s.store().canonical_dump().ok());
}

#[test]
fn duplicates_with_the_same_bytes_are_only_duplicates() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = open(&root.path().join("a"));
    let mut b = open(&root.path().join("b"));
    a.add_product(tea(), "Tea", Cents(250), None, None).unwrap_or_else(|e| panic!("{e}"));
    ring(&mut a, 3);
    for _ in 0..2 {
        let r = b.store_mut().apply_remote(&log(&a), 0).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.conflicts.is_empty() && r.rekeyed.is_none());
        let echo = log(&a);
        let r = a.store_mut().apply_remote(&echo, 0).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.rekeyed.is_none(), "an echo of its own events does not re-key a register");
    }
}

/// Restored from a backup, the register sells more than it had sold after the backup: its
/// first new events clash with what the server holds, the rest are new ids to the server. Those
/// must not be kept under the old id as well as re-issued under the new one (a sale counted
/// twice).
#[test]
fn a_client_that_sold_more_after_the_restore_than_before_it_is_not_counted_twice() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (c_dir, s_dir, b_dir) = (root.path().join("c"), root.path().join("s"), root.path().join("backup"));
    let mut s = open(&s_dir);
    s.add_product(tea(), "Tea", Cents(250), Some(100), None).unwrap_or_else(|e| panic!("{e}"));
    {
        let mut c = open(&c_dir);
        c.store_mut().apply_remote(&log(&s), 0).unwrap_or_else(|e| panic!("{e}"));
        ring(&mut c, 2);
        c.store().checkpoint().unwrap_or_else(|e| panic!("{e}"));
    }
    backup(&c_dir, &b_dir);
    {
        let mut c = open(&c_dir);
        ring(&mut c, 2);
        s.store_mut().apply_remote(&pending(&c), 0).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::remove_dir_all(&c_dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(&b_dir, &c_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut c = open(&c_dir);
    ring(&mut c, 5);
    let r = s.store_mut().apply_remote(&pending(&c), 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.conflicts.len(), 2, "two of the five reuse ids the server holds");
    assert_eq!(orders(&s), 4, "the other three wait for the re-key instead of landing under the old id");
    let k = c.store_mut().apply_remote(&r.conflicts, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(k.rekeyed.map(|k| k.reissued), Some(5));
    s.store_mut().apply_remote(&pending(&c), 0).unwrap_or_else(|e| panic!("{e}"));
    c.store_mut().apply_remote(&log(&s), 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(orders(&s), 2 + 2 + 5, "every sale once");
    assert_eq!(orders(&c), 9);
    assert_eq!(c.store().canonical_dump().ok(), s.store().canonical_dump().ok());
    assert!(s.store().verify_journal(true).map(|j| j.ok).unwrap_or(false), "and the journal verifies");
}
