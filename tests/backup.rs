//! `till backup` and `till restore` with the real binary: a backup taken while sales stream in
//! restores the source as it was at that moment; a wrong secret, a changed byte or a cut file is
//! refused with one line and a documented exit code, changing nothing; a register with data is
//! replaced only with `--force`; a restored register that is behind its peers keeps working with
//! them (it re-keys, as a register restored from a copy of its card does).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::*;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("test")
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).expect("test")
}

/// A standalone register with a secret, a product and `orders` sales.
fn shop(root: &Path, name: &str, orders: usize) -> Node {
    let n = Node::new(root, name).env("TILL_SECRET", SECRET);
    n.ok(&["setup", "set", &format!("name={name}"), &format!("secret={SECRET}")]);
    n.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "1000"]);
    for _ in 0..orders {
        n.ok(&["order", "create", "TEA"]);
    }
    n
}

/// Every event body a register holds up to log position `high_water`, in log order.
fn events_up_to(n: &Node, high_water: i64) -> Vec<Vec<u8>> {
    let db = n.db();
    let mut st = db.prepare("SELECT body FROM events WHERE log_seq <= ?1 ORDER BY log_seq").expect("test");
    st.query_map([high_water], |r| r.get(0)).expect("test").collect::<Result<_, _>>().expect("test")
}

/// Everything in a data directory: its shared state and device-local settings, or "absent".
fn snapshot(dir: &Path) -> String {
    if !dir.join("till.db").exists() {
        return format!("absent, {} files", std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0));
    }
    let store = till::store::Store::open(dir).expect("test");
    let mut s = store.canonical_dump().expect("test");
    let conn = rusqlite::Connection::open(store.path()).expect("test");
    let mut st = conn.prepare("SELECT key, value FROM device_kv ORDER BY key").expect("test");
    let rows = st.query_map([], |r| Ok(format!("{}={}\n", r.get::<_, String>(0)?, r.get::<_, String>(1)?)));
    for r in rows.expect("test") {
        s.push_str(&r.expect("test"));
    }
    s
}

/// Runs `till` on `dir` with `secret` in TILL_SECRET (none: unset).
fn till_on(dir: &Path, secret: Option<&str>, args: &[&str]) -> Output {
    let mut c = till_command();
    c.arg("--data").arg(dir).args(args).env_remove("TILL_DATA").env_remove("TILL_SECRET");
    if let Some(s) = secret {
        c.env("TILL_SECRET", s);
    }
    c.output().expect("test")
}

/// A command that must be refused with `code`, one line on stderr containing `needle`, and the
/// data directory as it was.
fn refused(dir: &Path, secret: Option<&str>, args: &[&str], code: i32, needle: &str) {
    let before = snapshot(dir);
    let out = till_on(dir, secret, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "till {args:?}: stderr {err}");
    assert!(err.contains(needle), "till {args:?}: stderr {err:?} should mention {needle:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one clear line, got: {err}");
    assert_eq!(snapshot(dir), before, "till {args:?} changed the data directory");
}

fn path(p: &Path) -> &str {
    p.to_str().expect("test")
}

#[test]
fn a_backup_taken_while_sales_stream_in_restores_the_source_as_it_was_then() {
    let root = tempdir();
    let mut s = Node::new(root.path(), "S");
    set_up_server(&s, free_port());
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "1000"]);
    s.ok(&["product", "add", "COF", "--name", "Coffee", "--price", "9.90"]);
    start_server(&mut s);

    // A cashier rings one sale after another through the CLI beside the running register.
    let stop = Arc::new(AtomicBool::new(false));
    let rung = Arc::new(AtomicUsize::new(0));
    let ringer = {
        let (dir, stop, rung) = (s.dir.clone(), stop.clone(), rung.clone());
        std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let item = if i % 3 == 0 { "COF:2" } else { "TEA" };
                let out = till_on(&dir, None, &["order", "create", item]);
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                rung.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
        })
    };
    wait_until("some sales", *DEADLINE, || rung.load(Ordering::SeqCst) >= 5, || s.log_text());
    let file = root.path().join("store.tillbak");
    let made = json(&s.ok(&["backup", "--out", path(&file), "--json"]));
    let at_backup = rung.load(Ordering::SeqCst);
    wait_until("sales after the backup", *DEADLINE, || rung.load(Ordering::SeqCst) >= at_backup + 5, || s.log_text());
    stop.store(true, Ordering::SeqCst);
    ringer.join().expect("test");
    s.stop();

    // What a backup cut short by a power cut left behind (a process that is gone) is swept up by
    // the next one; this one leaves nothing behind.
    let stale = s.dir.join(".till.db.backup-999999999-0badf00d");
    std::fs::write(&stale, b"plaintext copy").expect("test");
    s.ok(&["backup", "--out", path(&root.path().join("second.tillbak"))]);
    assert!(!stale.exists(), "the stale copy was removed");
    let high_water = made["high_water"].as_i64().expect("test");
    let events = made["events"].as_i64().expect("test");
    assert!(s.query("SELECT max(log_seq) FROM events") > high_water, "the stream went on after the backup");
    assert_eq!(s.query(&format!("SELECT count(*) FROM events WHERE log_seq <= {high_water}")), events);
    assert_eq!(made["bytes"].as_u64(), std::fs::metadata(&file).map(|m| m.len()).ok());
    assert_eq!(made["store_id"], json(&s.ok(&["status", "--json"]))["store_id"]);
    let sealed = std::fs::read(&file).expect("test");
    assert!(!sealed.windows(15).any(|w| w == b"SQLite format 3"), "the database is not readable in the file");
    // Opened with the secret, the copy holds no trace of the secret itself.
    let header = till::sync::backup::BackupHeader::decode(&sealed).expect("test");
    let key = till::sync::SealKey::derive_salted(SECRET, &header.salt).expect("test");
    let (_, info, plain) = till::sync::backup::open_all(&key, &sealed).expect("test");
    assert!(plain.starts_with(b"SQLite format 3"));
    assert!(!plain.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()), "the secret is not in the backup");
    assert_eq!((info.events, info.high_water, info.db_bytes), (events as u64, high_water as u64, plain.len() as u64));
    let leftovers: Vec<PathBuf> = std::fs::read_dir(root.path())
        .expect("test")
        .chain(std::fs::read_dir(&s.dir).expect("test"))
        .map(|e| e.expect("test").path())
        .filter(|p| p.to_string_lossy().contains(".tillbak.") || p.to_string_lossy().contains(".backup-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // The same events, applied to a fresh register, are the source at the backup's moment.
    let expected_dir = root.path().join("expected");
    let mut expected = till::store::Store::open(&expected_dir).expect("test");
    expected.apply_remote(&events_up_to(&s, high_water), 0).expect("test");

    let r = Node::new(root.path(), "R");
    let out = till_on(&r.dir, Some(SECRET), &["restore", path(&file)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(r.dump(), expected.canonical_dump().expect("test"));
    assert_eq!(r.query("SELECT count(*) FROM events"), events);
    assert!(r.orders() >= 5 && r.orders() < s.orders(), "{} of {}", r.orders(), s.orders());
    let status = json(&r.ok(&["status", "--json"]));
    assert_eq!(status["register_id"], made["register_id"]);
    assert_eq!(json(&r.ok(&["setup", "show", "--json"]))["secret_set"], true, "the secret that opened it is set");
    r.ok(&["journal", "verify"]);
}

#[test]
fn a_wrong_secret_a_changed_byte_or_a_cut_file_is_refused_and_changes_nothing() {
    let root = tempdir();
    let a = shop(root.path(), "A", 40);
    let file = root.path().join("a.tillbak");
    let made = json(&a.ok(&["backup", "--out", path(&file), "--json"]));
    let good = std::fs::read(&file).expect("test");
    assert!(good.len() > 3 * 65_552, "several chunks ({} bytes)", good.len());
    let target = root.path().join("target");
    let restore = ["restore", path(&file)];

    refused(&target, Some("another-shop-4Kq9-zX2m-Wp7"), &restore, 17, "does not open with this secret");
    refused(&target, None, &restore, 3, "--secret or TILL_SECRET");

    let at = |name: &str, i: usize, how: &dyn Fn(&mut Vec<u8>)| {
        let mut bytes = good.clone();
        how(&mut bytes);
        let f = root.path().join(format!("{name}-{i}.tillbak"));
        std::fs::write(&f, &bytes).expect("test");
        f
    };
    // A flipped byte: in the magic, the format, the salt, the nonce prefix, the sealed info, the
    // first, a middle and the last chunk, the very last byte.
    let n = good.len();
    for (i, code, needle) in [
        (0, 18, "is not a Till backup"),
        (9, 18, "format"),
        (30, 17, "does not open with this secret"),
        (50, 17, "does not open with this secret"),
        (64, 17, "does not open with this secret"),
        (100, 17, "does not open with this secret"),
        (66 + 64 + 10, 18, "is damaged (chunk 1"),
        (n / 2, 18, "is damaged (chunk"),
        (n - 100, 18, "damaged"),
        (n - 1, 18, "cut short or damaged at its end"),
    ] {
        let f = at("flipped", i, &|b| b[i] ^= 0x20);
        refused(&target, Some(SECRET), &["restore", path(&f)], code, needle);
    }
    // Cut: one byte off, at a chunk boundary, inside the header; one byte added; chunks swapped.
    let chunk = 65_536 + 16;
    let first = 66 + 64;
    for (i, how, needle) in [
        (1, Box::new(|b: &mut Vec<u8>| b.truncate(b.len() - 1)) as Box<dyn Fn(&mut Vec<u8>)>, "cut short"),
        (2, Box::new(move |b: &mut Vec<u8>| b.truncate(first + 2 * chunk)), "cut short"),
        (3, Box::new(|b: &mut Vec<u8>| b.truncate(40)), "is not a Till backup"),
        (4, Box::new(|b: &mut Vec<u8>| b.push(0)), "damaged at its end"),
        (
            5,
            Box::new(move |b: &mut Vec<u8>| {
                let one = b[first..first + chunk].to_vec();
                let two = b[first + chunk..first + 2 * chunk].to_vec();
                b[first..first + chunk].copy_from_slice(&two);
                b[first + chunk..first + 2 * chunk].copy_from_slice(&one);
            }),
            "is damaged (chunk 1",
        ),
    ] {
        let f = at("cut", i, &how);
        refused(&target, Some(SECRET), &["restore", path(&f)], 18, needle);
    }
    // Sealed right with the right secret, but not a database this register can take: another
    // program's bytes (18), a database of a newer Till (5).
    let plain = {
        let header = till::sync::backup::BackupHeader::decode(&good).expect("test");
        let key = till::sync::SealKey::derive_salted(SECRET, &header.salt).expect("test");
        till::sync::backup::open_all(&key, &good).expect("test")
    };
    let reseal = |name: &str, db: &[u8]| {
        let (header, info, _) = &plain;
        let key = till::sync::SealKey::derive_salted(SECRET, &header.salt).expect("test");
        let f = root.path().join(name);
        std::fs::write(&f, till::sync::backup::seal_all(&key, header, info, db).expect("test")).expect("test");
        f
    };
    let foreign = reseal("foreign.tillbak", b"PK\x03\x04 a spreadsheet, not a register");
    refused(&target, Some(SECRET), &["restore", path(&foreign)], 18, "does not hold a Till database");
    let newer_db = root.path().join("newer.db");
    std::fs::write(&newer_db, &plain.2).expect("test");
    rusqlite::Connection::open(&newer_db).and_then(|c| c.pragma_update(None, "user_version", 9999)).expect("test");
    let newer = reseal("newer.tillbak", &std::fs::read(&newer_db).expect("test"));
    refused(&target, Some(SECRET), &["restore", path(&newer)], 5, "was written by a newer Till (schema 9999");
    assert!(!target.exists(), "no data directory was left behind");

    // The file itself was fine all along.
    let out = till_on(&target, Some(SECRET), &restore);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let restored = Node::new(root.path(), "target");
    assert_eq!(restored.dump(), a.dump());
    assert_eq!(restored.orders(), 40);
    assert_eq!(made["events"].as_i64(), Some(a.query("SELECT count(*) FROM events")));
}

#[test]
fn restoring_over_a_register_with_data_needs_force_and_says_what_is_lost() {
    let root = tempdir();
    let a = shop(root.path(), "A", 3);
    let file = root.path().join("a.tillbak");
    a.ok(&["backup", "--out", path(&file)]);

    // A fresh register (setup only, no event) takes it without --force.
    let fresh = Node::new(root.path(), "F");
    fresh.ok(&["setup", "set", "name=F"]);
    assert_eq!(fresh.query("SELECT count(*) FROM events"), 0);
    let out = till_on(&fresh.dir, Some(SECRET), &["restore", path(&file), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!((said["replaced"].as_bool(), said["lost_events"].as_u64()), (Some(false), Some(0)));
    assert_eq!(said["backup"]["events"].as_i64(), Some(a.query("SELECT count(*) FROM events")));
    assert_eq!(fresh.dump(), a.dump());

    // A register with sales of its own is not replaced without --force; the refusal says what
    // would be lost.
    let b = shop(root.path(), "B", 2);
    refused(&b.dir, Some(SECRET), &["restore", path(&file)], 3, "(2 orders) are not in the backup and would be lost");
    // The register's own secret opens it too.
    refused(&b.dir, None, &["restore", path(&file)], 3, "--force");
    let out = till_on(&b.dir, None, &["restore", path(&file), "--force"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("(2 orders) were not in the backup and are gone"), "{said}");
    assert_eq!(b.dump(), a.dump());

    // A database that cannot be read (what is lost is unknown) is replaced only with --force.
    let d = root.path().join("damaged");
    std::fs::create_dir_all(&d).expect("test");
    std::fs::write(d.join("till.db"), vec![0x5a; 8192]).expect("test");
    let before = std::fs::read(d.join("till.db")).expect("test");
    let out = till_on(&d, Some(SECRET), &["restore", path(&file)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("is not a Till database") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(d.join("till.db")).expect("test"), before, "left as it was");
    let out = till_on(&d, Some(SECRET), &["restore", path(&file), "--force"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(Node::new(root.path(), "damaged").dump(), a.dump());
}

#[test]
fn a_backup_needs_a_secret_and_a_place_outside_the_data_directory() {
    let root = tempdir();
    let n = Node::new(root.path(), "N");
    n.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let file = root.path().join("n.tillbak");
    refused(&n.dir, None, &["backup", "--out", path(&file)], 3, "no shared secret");
    assert!(!file.exists());
    // Nor into the data directory, where it would be lost with the card (or replace till.db).
    n.ok(&["setup", "set", &format!("secret={SECRET}")]);
    let db = n.dir.join("till.db");
    refused(&n.dir, None, &["backup", "--out", path(&db)], 3, "outside the data directory");
    let nowhere = root.path().join("stick").join("n.tillbak");
    refused(&n.dir, None, &["backup", "--out", path(&nowhere)], 3, "is the stick mounted?");
    assert_eq!(std::fs::read_dir(root.path()).expect("test").count(), 1, "nothing written beside it");
}

#[test]
fn a_client_restored_from_a_backup_behind_its_server_rekeys_and_loses_no_sale() {
    let root = tempdir();
    let (s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let mut c = client(root.path(), "C", &addr);
    wait_products(&[&c], 1);
    for _ in 0..3 {
        c.ok(&["order", "create", "TEA"]);
    }
    wait_orders(&[&s], 3);
    let file = root.path().join("c.tillbak");
    c.ok(&["backup", "--out", path(&file)]);
    for _ in 0..3 {
        c.ok(&["order", "create", "TEA"]);
    }
    wait_orders(&[&s], 6);
    c.kill9();

    // C's box is replaced; its backup goes onto the new one, which sells before it syncs: its
    // sales reuse the ids of the three C made after the backup, which the server holds.
    let mut c2 = Node::new(root.path(), "C2");
    let out = till_on(&c2.dir, Some(SECRET), &["restore", path(&file)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for _ in 0..2 {
        c2.ok(&["order", "create", "TEA"]);
    }
    let mark = c2.log_len();
    c2.start();
    c2.wait_log_after(mark, "re-issued 2 events under new id");
    wait_orders(&[&s, &c2], 8);
    assert_eq!(s.order_ids(), c2.order_ids());
    assert_eq!(s.dump(), c2.dump());
}

/// A restore under a running register is refused (the register would go on writing its own
/// open database), and so is a second `till run` on one data directory; once it stops, the
/// restore goes through.
#[test]
fn a_restore_under_a_running_register_and_a_second_run_are_refused() {
    let root = tempdir();
    let a = shop(root.path(), "A", 2);
    let file = root.path().join("a.tillbak");
    a.ok(&["backup", "--out", path(&file)]);
    let mut b = shop(root.path(), "B", 1);
    b.start();
    refused(&b.dir, Some(SECRET), &["restore", path(&file), "--force"], 5, "in use by a running register");
    let second = till_on(&b.dir, Some(SECRET), &["run"]);
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(5), "{err}");
    assert!(err.contains("in use by a running register"), "{err}");
    b.stop();
    let out = till_on(&b.dir, Some(SECRET), &["restore", path(&file), "--force"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(b.dump(), a.dump());
}
