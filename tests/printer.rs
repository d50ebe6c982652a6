//! The printer layer (`till::print`) against the virtual printer of `tests/common/vprinter.rs`,
//! in process: receipts encoded in ESC/POS, sent over TCP and a pseudo-terminal "serial line",
//! and read back as what would be on the paper; a printer unplugged, out of paper, or not
//! reading at all. Every wait has a deadline.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::DEADLINE;
use common::vprinter::{Item, VState, VirtualPrinter, lines, parse};
use till::print::device::{PrintError, Printer, Status, Target};
use till::print::escpos::{self, CodePage, FEED_AND_CUT, KICK};
use till_display::receipt::{Bitmap, Block, Paper, Receipt};

fn target(s: &str) -> Target {
    s.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn open(t: &Target) -> Printer {
    Printer::open(t, Duration::from_secs(5)).unwrap_or_else(|e| panic!("open {t}: {e}"))
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(10)
}

fn sample() -> Receipt {
    Receipt {
        blocks: vec![
            Block::Title("Café Ölberg".into()),
            Block::Center("Hauptstraße 5".into()),
            Block::Rule,
            Block::Pair { left: "Espresso".into(), right: "2,50 €".into(), bold: false },
            Block::Pair { left: "Croissant mit Butter und Konfitüre".into(), right: "3,20 €".into(), bold: false },
            Block::Pair { left: "TOTAL".into(), right: "5,70 €".into(), bold: true },
            Block::Text("€ é ß".into()),
            Block::Feed,
            Block::Barcode("T1-42".into()),
            Block::Qr("https://example.invalid/r/T1-42?ß".into()),
            Block::Center("Danke!".into()),
        ],
    }
}

/// What `sample()` looks like on 58 mm paper.
fn sample_items() -> Vec<Item> {
    let line = |s: &str| Item::Line(s.to_string());
    let pair = |l: &str, r: &str| Item::Line(format!("{l:<w$}{r}", w = 32 - r.chars().count()));
    vec![
        line("Café Ölberg"),
        line("Hauptstraße 5"),
        line(&"-".repeat(32)),
        pair("Espresso", "2,50 €"),
        line("Croissant mit Butter und"),
        pair("Konfitüre", "3,20 €"),
        pair("TOTAL", "5,70 €"),
        line("€ é ß"),
        line(""),
        Item::Barcode("T1-42".into()),
        Item::Qr("https://example.invalid/r/T1-42?ß".into()),
        line("Danke!"),
    ]
}

fn job(receipt: &Receipt, cp: CodePage) -> Vec<u8> {
    let encoded = escpos::encode_text(receipt, Paper::Mm58, cp);
    assert_eq!(encoded.replaced, 0, "everything of the sample is in {cp}");
    let mut bytes = encoded.bytes;
    bytes.extend_from_slice(&FEED_AND_CUT);
    bytes
}

#[test]
fn the_parser_reads_back_what_the_encoder_writes() {
    let mut want = sample_items();
    want.push(Item::Cut);
    for cp in [CodePage::Cp858, CodePage::Cp1252] {
        assert_eq!(parse(&job(&sample(), cp), CodePage::Cp437), want, "{cp}");
    }
    // cp437 has no €: each prints '?' and is counted, the rest reads back.
    let e = escpos::encode_text(&Receipt { blocks: vec![Block::Text("5 € é ß".into())] }, Paper::Mm80, CodePage::Cp437);
    assert_eq!(e.replaced, 1);
    assert_eq!(parse(&e.bytes, CodePage::Cp858), [Item::Line("5 ? é ß".into())]);
    // ESC t switches the page mid-stream; ESC @ goes back to the starting one.
    let mut bytes = vec![0x1B, b't', 16, 0x80, b'\n', 0x1B, b't', 19, 0xD5, b'\n', 0x1B, b'@', 0x9C, b'\n'];
    bytes.extend_from_slice(&KICK);
    assert_eq!(
        parse(&bytes, CodePage::Cp437),
        [Item::Line("€".into()), Item::Line("€".into()), Item::Line("£".into()), Item::Kick]
    );
}

#[test]
fn the_parser_survives_garbage_and_cut_short_jobs() {
    let bytes = job(&sample(), CodePage::Cp858);
    for end in 0..bytes.len() {
        let _ = parse(&bytes[..end], CodePage::Cp858);
    }
    let mut x: u32 = 0x2545_F491;
    for round in 0..200 {
        let garbage: Vec<u8> = (0..(round * 7 % 300))
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                // Mostly command bytes, to walk every branch.
                [0x1B, 0x1D, 0x10, 0x1C, 0x0A, (x >> 8) as u8][(x % 6) as usize]
            })
            .collect();
        let _ = parse(&garbage, CodePage::Cp1252);
    }
    // Unknown commands are skipped, the text around them kept.
    assert_eq!(parse(b"a\x1b\x01b\n\x1d\x02c\n", CodePage::Cp437), [Item::Line("ab".into()), Item::Line("c".into())]);
}

#[test]
fn a_text_receipt_over_tcp_reads_back_line_for_line() {
    let vp = VirtualPrinter::tcp();
    let mut printer = open(&target(&vp.target()));
    assert_eq!(printer.status(), Status::Known { online: true, cover_open: false, paper_out: false, paper_low: false });
    printer.send(&job(&sample(), CodePage::Cp858), soon()).unwrap_or_else(|e| panic!("{e}"));
    printer.send(&KICK, soon()).unwrap_or_else(|e| panic!("{e}"));
    let items = vp.wait_for(|items| items.last() == Some(&Item::Kick), *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let receipts = common::vprinter::receipts(&items);
    assert_eq!(receipts, [sample_items()]);
    assert_eq!(lines(&receipts[0])[7], "€ é ß");
}

#[test]
fn a_serial_printer_on_a_pseudo_terminal() {
    let vp = VirtualPrinter::pty();
    let t = target(&vp.target());
    assert!(matches!(&t, Target::Serial { baud: 19200, .. }), "{t}");
    let mut printer = open(&t);
    let receipt = Receipt { blocks: vec![Block::Title("Serial".into()), Block::Text("über 19200 Baud".into())] };
    let mut bytes = escpos::encode_text(&receipt, Paper::Mm80, CodePage::Cp858).bytes;
    bytes.extend_from_slice(&FEED_AND_CUT);
    printer.send(&bytes, soon()).unwrap_or_else(|e| panic!("{e}"));
    let items = vp.wait_for(|items| items.contains(&Item::Cut), *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(items, [Item::Line("Serial".into()), Item::Line("über 19200 Baud".into()), Item::Cut]);
    vp.set_state(VState::CoverOpen);
    assert!(matches!(printer.status().problem(), Some(PrintError::CoverOpen)));
}

#[test]
fn an_unplugged_tcp_printer_is_unreachable_at_once_and_back_when_plugged_in() {
    let mut vp = VirtualPrinter::tcp();
    let t = target(&vp.target());
    let mut printer = open(&t);
    printer.send(&job(&sample(), CodePage::Cp858), soon()).unwrap_or_else(|e| panic!("{e}"));
    vp.wait_for(|items| common::vprinter::receipts(items).len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));

    vp.stop();
    let start = Instant::now();
    match Printer::open(&t, Duration::from_secs(5)) {
        Err(e @ PrintError::Unreachable(_)) => assert!(e.to_string().starts_with("printer: not reachable"), "{e}"),
        other => panic!("expected unreachable, got {other:?}"),
    }
    // The open printer notices the closed connection and cannot make a new one.
    assert!(matches!(printer.send(b"x\n", soon()), Err(PrintError::Unreachable(_))));
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());

    vp.start_again();
    printer.send(&job(&sample(), CodePage::Cp858), soon()).unwrap_or_else(|e| panic!("{e}"));
    vp.wait_for(|items| common::vprinter::receipts(items).len() == 2, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(vp.connections(), 2, "the same Printer reconnected");
}

#[test]
fn paper_out_and_silence_show_in_the_status() {
    let vp = VirtualPrinter::tcp();
    let mut printer = open(&target(&vp.target()));
    vp.set_state(VState::PaperOut);
    let status = printer.status();
    assert!(matches!(status, Status::Known { paper_out: true, online: false, .. }), "{status:?}");
    assert_eq!(status.problem().map(|e| e.to_string()), Some("printer: paper out".to_string()));
    vp.set_state(VState::PaperLow);
    assert!(matches!(printer.status(), Status::Known { paper_low: true, online: true, paper_out: false, .. }));
    assert!(printer.status().problem().is_none());
    vp.set_state(VState::Silent);
    let start = Instant::now();
    assert_eq!(printer.status(), Status::Unknown);
    assert!(start.elapsed() < Duration::from_secs(2), "one unanswered query, not three: {:?}", start.elapsed());
    vp.set_state(VState::Online);
    assert!(printer.status().problem().is_none());
}

#[test]
fn a_raster_image_reads_back_dot_for_dot() {
    let mut image = Bitmap::new(24, 300);
    for y in 0..300 {
        image.set(y % 24, y, true);
        image.set(23 - y % 24, y, true);
    }
    let mut bytes = escpos::encode_raster(&image);
    bytes.extend_from_slice(&FEED_AND_CUT);
    let vp = VirtualPrinter::tcp();
    let mut printer = open(&target(&vp.target()));
    printer.send(&bytes, soon()).unwrap_or_else(|e| panic!("{e}"));
    let items = vp.wait_for(|items| items.contains(&Item::Cut), *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(items, [Item::Raster(image), Item::Cut], "two bands (256 + 44 rows) joined");
}

#[test]
fn a_printer_that_stops_reading_times_out_by_the_deadline() {
    // Accepts and never reads: the job fills the socket buffers and stalls.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"));
    let mut printer = open(&target(&format!("tcp:127.0.0.1:{port}")));
    let big = vec![b'x'; 64 << 20];
    let start = Instant::now();
    let result = printer.send(&big, Instant::now() + Duration::from_millis(500));
    assert!(matches!(result, Err(PrintError::Timeout)), "{result:?}");
    assert!(start.elapsed() < Duration::from_secs(3), "took {:?}", start.elapsed());
    drop(listener);

    // The same over a serial line nobody reads.
    let pty = nix::pty::openpty(None, None).unwrap_or_else(|e| panic!("{e}"));
    let path = nix::unistd::ttyname(&pty.slave).unwrap_or_else(|e| panic!("{e}"));
    let mut printer = open(&Target::Serial { path, baud: 115200 });
    let start = Instant::now();
    let result = printer.send(&big[..1 << 20], Instant::now() + Duration::from_millis(500));
    assert!(matches!(result, Err(PrintError::Timeout)), "{result:?}");
    assert!(start.elapsed() < Duration::from_secs(3), "took {:?}", start.elapsed());
}

/// The raster receipt as the printer receives it, decoded from the bytes sent over TCP, is the
/// committed snapshot of the sample receipt at 58 and 80 mm (display/tests/snapshots; re-bless
/// there with `TILL_BLESS=1 cargo test -p till-display --test receipts`).
#[test]
fn the_raster_receipt_a_printer_receives_is_the_snapshot() {
    for (paper, file) in [(Paper::Mm58, "receipt-sample-58mm.png"), (Paper::Mm80, "receipt-sample-80mm.png")] {
        let mut bytes =
            escpos::encode_raster(&till_display::receipt::render(&till_display::receipt::sample_receipt(), paper));
        bytes.extend_from_slice(&FEED_AND_CUT);
        let vp = VirtualPrinter::tcp();
        let mut printer = open(&target(&vp.target()));
        printer.send(&bytes, soon()).unwrap_or_else(|e| panic!("{e}"));
        let items = vp.wait_for(|items| items.contains(&Item::Cut), *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
        let Some(Item::Raster(printed)) = items.first() else { panic!("{file}: no raster image: {items:?}") };
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../display/tests/snapshots").join(file);
        let png = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let snapshot = Bitmap::from_png(&png).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!((printed.width, printed.height), (snapshot.width, snapshot.height), "{file}");
        assert!(*printed == snapshot, "{file}: the decoded raster differs from the snapshot");
    }
}
