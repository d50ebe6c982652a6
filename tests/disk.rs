//! Disk faults (issue 7): a full disk (a small tmpfs the test mounts), a database damaged inside
//! a valid SQLite file. The register refuses the sale with a clear message on the CLI and the
//! screen, keeps selling-state intact (the cashier's cart stays), never corrupts what it has, and
//! sells again when space returns. The read-only data directory is covered in tests/cli.rs.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use common::*;
use till::ui::Ui;
use till_display::{BannerKind, Intent, Screen};

/// A tmpfs mounted for the test; unmounted when dropped, also when the test fails.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mounts it, or says why this machine cannot (`Err`: root without the right to mount, as
    /// in some containers); any other failure of `mount` fails the test.
    fn mount(at: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(at).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .expect("mount");
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if !out.status.success() && (err.contains("ermission denied") || err.contains("not permitted")) {
            return Err(format!("mount refused: {err}"));
        }
        assert!(out.status.success(), "mount tmpfs: {err}");
        Ok(Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Writes zeros into `path` until the file system refuses; returns the bytes written.
fn fill(path: &Path) -> u64 {
    use std::io::Write;
    let mut f = std::fs::File::create(path).expect("filler");
    let block = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    // Bounded: a tmpfs of a few MiB fills in well under this many blocks.
    for _ in 0..100_000 {
        match f.write(&block) {
            Ok(0) | Err(_) => break,
            Ok(n) => written += n as u64,
        }
    }
    let _ = f.sync_all();
    written
}

fn integrity(dir: &Path) -> String {
    let db = rusqlite::Connection::open(dir.join("till.db")).expect("open");
    db.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).expect("integrity_check")
}

#[test]
fn a_full_disk_refuses_the_sale_clearly_keeps_everything_and_sells_again_when_space_returns() {
    if !is_root() {
        skip!("mounting a small tmpfs needs root; CI runs this as root");
    }
    let root = tempfile::tempdir().expect("tempdir");
    let mount = root.path().join("card");
    let _fs = match Tmpfs::mount(&mount, "6m") {
        Ok(fs) => fs,
        Err(why) => skip!("cannot mount a tmpfs here ({why})"),
    };
    let mut r = Node::new(&mount, "R");
    r.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "100"]);
    r.ok(&["user", "add", "ann", "--role", "manager", "--pin", "1234"]);
    for _ in 0..5 {
        r.ok(&["order", "create", "TEA"]);
    }
    // The register is running (standalone) while the disk fills up.
    r.start();
    let before = r.dump();
    let written = fill(&mount.join("filler"));
    assert!(written > 0, "the filler wrote nothing");

    // CLI: exit 5, one clear line, nothing changed.
    let out = r.till(&["order", "create", "TEA"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("is full") && err.contains("nothing was saved"), "{err}");
    assert_eq!(r.dump(), before);

    // Screen: the sale is refused in words, and the cart stays for when space returns.
    let reg = till::register::Register::open(&r.dir).expect("open the register");
    let mut ui = Ui::new(Arc::new(Mutex::new(reg)));
    let pay_cash = [Intent::OpenPay, Intent::PickTender(0), Intent::QuickAmount(0), Intent::FinishSale];
    smol::block_on(async {
        for d in [1, 2, 3, 4] {
            ui.apply(Intent::PinDigit(d)).await;
        }
        ui.apply(Intent::PinEnter).await;
        ui.apply(Intent::AddToCart("TEA".into())).await;
        for i in pay_cash.clone() {
            ui.apply(i).await;
        }
    });
    let st = ui.state();
    let banner = st.banner.clone().expect("an error banner");
    assert_eq!(banner.kind, BannerKind::Error);
    assert!(banner.text.contains("not recorded") && banner.text.contains("full"), "{}", banner.text);
    assert_eq!(st.screen.name(), "pay", "the cashier can try again");
    smol::block_on(ui.apply(Intent::Back));
    let Screen::Sale(sale) = &ui.state().screen else { panic!("not the sale screen") };
    assert_eq!(sale.cart.len(), 1, "the cart is kept");
    assert_eq!(r.dump(), before);
    assert_eq!(integrity(&r.dir), "ok");
    // The running register is still up.
    assert!(std::path::Path::new(&format!("/proc/{}", r.pid())).exists(), "till run died\n{}", r.log_text());

    // Space returns: the same cart is paid, the CLI sells again.
    std::fs::remove_file(mount.join("filler")).expect("free space");
    smol::block_on(async {
        for i in pay_cash {
            ui.apply(i).await;
        }
    });
    let st = ui.state();
    let Screen::Sale(sale) = &st.screen else { panic!("not the sale screen") };
    assert!(sale.cart.is_empty() && sale.last_order.is_some(), "{:?}", st.banner);
    r.ok(&["order", "create", "TEA"]);
    assert_eq!(r.orders(), 7);
    assert_eq!(integrity(&r.dir), "ok");
    r.stop();
}

#[test]
fn a_database_damaged_inside_is_refused_with_a_clear_message_and_left_as_it_was() {
    let root = tempfile::tempdir().expect("tempdir");
    let r = Node::new(root.path(), "R");
    r.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    for _ in 0..300 {
        r.ok(&["order", "create", "TEA"]);
    }
    let db = r.dir.join("till.db");
    // Checkpoint everything into the main file, then damage pages in its middle (a bad SD card).
    {
        let c = rusqlite::Connection::open(&db).expect("open");
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).expect("checkpoint");
    }
    let mut bytes = std::fs::read(&db).expect("read");
    assert!(bytes.len() > 64 * 1024, "the database is big enough to damage its middle");
    // Whole pages in the middle half, where the orders and events live (page 1, the header, is
    // left intact: a file that is not SQLite at all is another test in tests/cli.rs).
    let (from, to) = (bytes.len() / 4 / 4096 * 4096, bytes.len() * 3 / 4 / 4096 * 4096);
    for b in &mut bytes[from..to] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).expect("write");
    let damaged = std::fs::read(&db).expect("read");

    // Booting checks every page: the register refuses to run on it, and says what to do.
    let out = r.till(&["run", "--display", "none"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("damaged") && err.contains("restore"), "{err}");
    // The CLI meets the damage when it reads it.
    for args in [&["order", "list"][..], &["order", "create", "TEA"][..]] {
        let out = r.till(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {err}");
        assert!(err.contains("damaged"), "{err}");
    }
    assert_eq!(std::fs::read(&db).expect("read"), damaged, "the damaged file was left as it was");
}
