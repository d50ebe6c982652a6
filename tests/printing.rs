//! Receipts from real `till run` processes to the virtual printer (tests/common/vprinter.rs): a
//! sale prints one receipt with the right total and kicks the drawer; a printer unplugged, or out
//! of paper, keeps the receipt queued and prints it once when it is back; a register killed
//! with the receipt unprinted prints it after the restart, once; a job the crash left half sent
//! prints again marked as a copy; serial printers; raster receipts are what `till receipt --png`
//! draws. Every wait has a deadline.

mod common;

use std::time::{Duration, Instant};

use common::vprinter::{Item, VState, VirtualPrinter, lines, receipts};
use common::{DEADLINE, Node};
use till_display::receipt::Bitmap;

fn shop(root: &std::path::Path, printer: &str, extra: &[&str]) -> Node {
    let n = Node::new(root, "R1");
    n.ok(&["setting", "set", "store_name", "Café Ölberg"]);
    n.ok(&["setting", "set", "receipt_footer", "Danke schön – bis bald"]);
    n.ok(&["tax", "add", "std", "19"]);
    n.ok(&["product", "add", "TEA", "--name", "Grüner Tee", "--price", "2.50", "--tax", "std"]);
    let mut args = vec!["printer", "set", printer];
    args.extend_from_slice(extra);
    n.ok(&args);
    n
}

/// The receipts that mention `needle`.
fn with(items: &[Item], needle: &str) -> Vec<Vec<Item>> {
    receipts(items).into_iter().filter(|r| lines(r).iter().any(|l| l.contains(needle))).collect()
}

fn ring(n: &Node, args: &[&str]) -> String {
    let mut a = vec!["order", "create"];
    a.extend_from_slice(args);
    n.ok(&a).lines().next().unwrap_or_default().split_whitespace().next().unwrap_or_default().to_string()
}

#[test]
fn a_sale_prints_one_receipt_with_its_total_and_opens_the_drawer() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let vp = VirtualPrinter::tcp();
    let mut n = shop(root.path(), &vp.target(), &[]);
    n.start();
    let started = Instant::now();
    let number = ring(&n, &["TEA:2", "--tendered", "10.00"]);
    let items = vp
        .wait_for(|i| with(i, &number).len() == 1 && i.contains(&Item::Kick), *DEADLINE)
        .unwrap_or_else(|e| panic!("{e}\n{}", n.log_text()));
    eprintln!("sale committed to last byte at the printer: {:?}", started.elapsed());
    let r = &with(&items, &number)[0];
    let text = lines(r);
    assert!(text.iter().any(|l| l.contains("Café Ölberg")), "{text:#?}");
    assert!(text.iter().any(|l| l.starts_with("TOTAL") && l.ends_with("5.95")), "19% on 5.00: {text:#?}");
    assert!(text.iter().any(|l| l.starts_with("Change") && l.ends_with("4.05")), "{text:#?}");
    assert!(text.iter().any(|l| l.contains("Danke schön – bis bald")) || text.iter().any(|l| l.contains("Danke sch")));
    assert!(!text.iter().any(|l| l.contains("COPY")), "an original: {text:#?}");
    assert!(r.contains(&Item::Barcode(number.clone())), "the return screen can scan it: {r:?}");
    // A card sale prints without opening the drawer.
    let card = ring(&n, &["TEA", "--pay", "card"]);
    let items = vp.wait_for(|i| with(i, &card).len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(items.iter().filter(|i| **i == Item::Kick).count(), 1, "only the cash sale kicked the drawer");
    // A reprint is marked as a copy.
    n.ok(&["receipt", &number, "--print"]);
    let items = vp.wait_for(|i| with(i, &number).len() == 2, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert!(lines(&with(&items, &number)[1]).iter().any(|l| l.contains("COPY")));
    n.stop();
}

#[test]
fn an_unplugged_printer_prints_the_receipt_once_when_it_is_back() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut vp = VirtualPrinter::tcp();
    let mut n = shop(root.path(), &vp.target(), &[]);
    n.start();
    vp.stop();
    let mark = n.log_len();
    let number = ring(&n, &["TEA"]);
    n.wait_log_after(mark, "receipts wait");
    let status = n.ok(&["printer", "status", "--json"]);
    assert!(status.contains("\"waiting\": 1"), "{status}");
    // The register keeps selling meanwhile.
    let second = ring(&n, &["TEA:3"]);
    vp.start_again();
    let items = vp
        .wait_for(|i| with(i, &number).len() == 1 && with(i, &second).len() == 1, *DEADLINE)
        .unwrap_or_else(|e| panic!("{e}\n{}", n.log_text()));
    assert_eq!(receipts(&items).len(), 2, "each printed once");
    assert!(!lines(&items).iter().any(|l| l.contains("COPY")));
    // And nothing more comes.
    assert!(vp.wait_for(|i| receipts(i).len() > 2, Duration::from_secs(3)).is_err(), "printed twice");
    n.stop();
}

#[test]
fn paper_out_keeps_the_receipt_until_the_roll_is_changed() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let vp = VirtualPrinter::tcp();
    let mut n = shop(root.path(), &vp.target(), &[]);
    n.start();
    vp.set_state(VState::PaperOut);
    let mark = n.log_len();
    let number = ring(&n, &["TEA"]);
    n.wait_log_after(mark, "paper out");
    let status = n.ok(&["printer", "status"]);
    assert!(status.contains("paper out") && status.contains("waiting: 1"), "{status}");
    assert!(receipts(&vp.items()).is_empty(), "nothing printed without paper");
    vp.set_state(VState::Online);
    vp.wait_for(|i| with(i, &number).len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}\n{}", n.log_text()));
    n.stop();
}

#[test]
fn a_register_killed_before_printing_prints_after_the_restart_and_a_half_sent_job_as_a_copy() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut vp = VirtualPrinter::tcp();
    let mut n = shop(root.path(), &vp.target(), &[]);
    n.start();
    vp.stop();
    let mark = n.log_len();
    let first = ring(&n, &["TEA"]);
    let second = ring(&n, &["TEA:2"]);
    n.wait_log_after(mark, "receipts wait");
    // kill -9 between the commit and the print: both jobs are in the queue, unsent.
    n.kill9();
    // The crash this simulates for the second: killed after the job was marked as going out
    // (committed before the first byte is written), so some of it may be on the paper.
    let db = rusqlite::Connection::open(n.dir.join("till.db")).unwrap_or_else(|e| panic!("{e}"));
    let id: i64 = db
        .query_row("SELECT max(id) FROM print_jobs WHERE state = 'pending'", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    db.execute("UPDATE print_jobs SET state = 'sending' WHERE id = ?1", [id]).unwrap_or_else(|e| panic!("{e}"));
    drop(db);
    vp.start_again();
    n.start();
    let items = vp
        .wait_for(|i| with(i, &first).len() == 1 && with(i, &second).len() == 1, *DEADLINE)
        .unwrap_or_else(|e| panic!("{e}\n{}", n.log_text()));
    assert!(!lines(&with(&items, &first)[0]).iter().any(|l| l.contains("COPY")), "never sent: an original");
    assert!(lines(&with(&items, &second)[0]).iter().any(|l| l.contains("COPY")), "maybe sent: marked as a copy");
    assert!(vp.wait_for(|i| receipts(i).len() > 2, Duration::from_secs(3)).is_err(), "printed twice");
    n.stop();
}

#[test]
fn a_serial_printer_on_a_tty_prints() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let vp = VirtualPrinter::pty();
    let mut n = shop(root.path(), &vp.target(), &["--width", "80"]);
    n.start();
    let number = ring(&n, &["TEA:4", "--pay", "card"]);
    let items =
        vp.wait_for(|i| with(i, &number).len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}\n{}", n.log_text()));
    let text = lines(&with(&items, &number)[0]);
    assert!(
        text.iter().any(|l| l.starts_with("TOTAL") && l.ends_with("11.90") && l.chars().count() == 48),
        "{text:#?}"
    );
    n.stop();
}

#[test]
fn a_raster_receipt_is_the_picture_till_receipt_draws() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let vp = VirtualPrinter::tcp();
    for width in ["58", "80"] {
        vp.clear();
        let dir = root.path().join(width);
        let mut n = shop(&dir, &vp.target(), &["--mode", "raster", "--width", width]);
        n.start();
        let number = ring(&n, &["TEA:2", "--pay", "card"]);
        let items = vp
            .wait_for(|i| receipts(i).iter().any(|r| r.iter().any(|x| matches!(x, Item::Raster(_)))), *DEADLINE)
            .unwrap_or_else(|e| panic!("{e}\n{}", n.log_text()));
        let printed = items
            .iter()
            .find_map(|i| if let Item::Raster(b) = i { Some(b.clone()) } else { None })
            .unwrap_or_else(|| panic!("no raster"));
        let png = dir.join("receipt.png");
        n.ok(&["receipt", &number, "--png", png.to_str().unwrap_or_default()]);
        let drawn =
            Bitmap::from_png(&std::fs::read(&png).unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(printed.width, if width == "58" { 384 } else { 576 });
        assert!(printed == drawn, "the printer got the picture `till receipt --png` draws ({width} mm)");
        // Keep the decoded picture for a look (target/printed-WIDTH.png), as the snapshots do.
        if let Ok(png) = printed.to_png() {
            let _ = std::fs::write(std::env::temp_dir().join(format!("till-printed-{width}mm.png")), png);
        }
        n.stop();
    }
}

#[test]
fn receipt_out_writes_the_bytes_the_printer_would_get() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let n = Node::new(root.path(), "R1");
    n.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let number = ring(&n, &["TEA"]);
    let out = root.path().join("r.bin");
    n.ok(&["receipt", &number, "--out", out.to_str().unwrap_or_default()]);
    let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    let items = common::vprinter::parse(&bytes, till::print::escpos::CodePage::Cp437);
    assert_eq!(receipts(&items).len(), 1);
    assert!(lines(&items).iter().any(|l| l.starts_with("TOTAL") && l.ends_with("2.50")), "{items:?}");
    let shown = n.ok(&["receipt", &number]);
    assert!(shown.contains("TOTAL") && shown.contains(&number), "{shown}");
    let missing = n.till(&["receipt", "R1-999999"]);
    assert_eq!(missing.status.code(), Some(4), "no such order");
    let bad = n.till(&["printer", "set", "lpt:1"]);
    assert_eq!(bad.status.code(), Some(3), "{}", String::from_utf8_lossy(&bad.stderr));
    let test = n.till(&["printer", "test"]);
    assert_eq!(test.status.code(), Some(3), "no printer set up");
}

#[test]
fn x_and_z_reports_print_and_a_reprinted_z_is_a_copy() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let vp = VirtualPrinter::tcp();
    let mut n = shop(root.path(), &vp.target(), &["--width", "80"]);
    n.start();
    let number = ring(&n, &["TEA:2", "--tendered", "10.00"]);
    n.ok(&["cash", "drop", "4.00", "--reason", "safe"]);
    n.ok(&["report", "x", "--print"]);
    let items = vp.wait_for(|i| with(i, "X REPORT").len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let x = lines(&with(&items, "X REPORT")[0]);
    assert!(x.iter().any(|l| l.starts_with("NET SALES") && l.ends_with("5.95")), "{x:#?}");
    assert!(
        x.iter().any(|l| l.starts_with("Expected cash") && l.ends_with("1.95")),
        "5.95 cash in, 4.00 dropped: {x:#?}"
    );
    // The drop opened the drawer: the sale's kick and the drop's.
    assert_eq!(items.iter().filter(|i| **i == Item::Kick).count(), 2);
    n.ok(&["report", "z", "--counted", "1.95"]);
    let items = vp.wait_for(|i| with(i, "Z REPORT 1").len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let z = lines(&with(&items, "Z REPORT 1")[0]);
    assert!(z.iter().any(|l| l.starts_with("Difference") && l.ends_with("0.00")), "{z:#?}");
    assert!(!z.iter().any(|l| l.contains("COPY")));
    n.ok(&["report", "show", "1", "--print"]);
    let items = vp.wait_for(|i| with(i, "Z REPORT 1").len() == 2, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert!(lines(&with(&items, "Z REPORT 1")[1]).iter().any(|l| l.contains("COPY")));
    assert!(with(&items, &number).len() == 1, "the sale printed once");
    n.stop();
}

#[test]
fn the_stores_logo_tops_every_receipt_until_it_is_removed() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let vp = VirtualPrinter::tcp();
    let mut n = shop(root.path(), &vp.target(), &[]);
    // A 64×32 logo: a frame with a diagonal.
    let mut logo = Bitmap::new(64, 32);
    for x in 0..64 {
        logo.set(x, 0, true);
        logo.set(x, 31, true);
        logo.set(x, x / 2, true);
    }
    let file = root.path().join("logo-in.png");
    std::fs::write(&file, logo.to_png().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
    let said = n.ok(&["printer", "logo", file.to_str().unwrap_or_default()]);
    assert!(said.contains("64x32"), "{said}");
    let not_png = root.path().join("logo.txt");
    std::fs::write(&not_png, "not a picture").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(n.till(&["printer", "logo", not_png.to_str().unwrap_or_default()]).status.code(), Some(3));
    n.start();
    let first = ring(&n, &["TEA", "--pay", "card"]);
    let items = vp.wait_for(|i| with(i, &first).len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let r = &with(&items, &first)[0];
    assert_eq!(r.first(), Some(&Item::Raster(logo.centred(384))), "the logo, centred on 58 mm paper, comes first");
    n.ok(&["printer", "logo", "--remove"]);
    let second = ring(&n, &["TEA", "--pay", "card"]);
    let items = vp.wait_for(|i| with(i, &second).len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert!(!with(&items, &second)[0].iter().any(|i| matches!(i, Item::Raster(_))), "no logo any more");
    n.stop();
}
