//! The business day and the printer on the screen, driven by intents as taps would: paid in and
//! the X report, a no-sale a manager approves, closing the day into Z 1, what a cashier cannot
//! reach, and Settings → Printer (save, test page).
use super::tests::pin;
use super::*;
use crate::config::{PrintMode, PrinterSetup};
use crate::model::{Cents, Item, Payment, Product, Role};
use crate::register::Register;

/// A shop with a product, manager ann (PIN 1234) and cashier bo (PIN 1357), and the data dir.
pub(super) fn shop() -> (tempfile::TempDir, Register) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut r = Register::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let product = Product {
        sku: "MUG".parse().unwrap_or_else(|_| unreachable!()),
        name: "Mug".into(),
        price_cents: Cents(800),
        tax_profile: None,
    };
    r.add_item(Item { product, category: None, barcodes: Vec::new() }, None).unwrap_or_else(|e| panic!("{e}"));
    r.add_user("ann", Role::Manager, "1234").unwrap_or_else(|e| panic!("{e}"));
    r.add_user("bo", Role::Cashier, "1357").unwrap_or_else(|e| panic!("{e}"));
    (dir, r)
}

/// A screen on `r` with `who` signed in by `digits`.
pub(super) fn as_user(r: Register, who: &str, digits: &str) -> Ui {
    let mut ui = Ui::new(std::sync::Arc::new(std::sync::Mutex::new(r)));
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no PIN pad first") };
    let i = pad.users.iter().position(|u| u == who).unwrap_or_else(|| panic!("no {who}"));
    ui.handle(d::Intent::PickUser(i));
    pin(&mut ui, digits);
    assert_eq!(ui.state().screen.name(), "sale", "{:?}", ui.state().banner);
    ui
}

pub(super) fn banner(ui: &Ui) -> String {
    ui.state().banner.map(|b| b.text).unwrap_or_default()
}

fn report(ui: &Ui) -> d::ReportView {
    match ui.state().screen {
        d::Screen::Report(v) => v,
        other => panic!("not a report: {other:?} ({})", banner(ui)),
    }
}

fn printer_view(ui: &Ui) -> d::PrinterView {
    match ui.state().screen {
        d::Screen::Printer(v) => v,
        other => panic!("not the printer screen: {other:?} ({})", banner(ui)),
    }
}

fn typed(ui: &mut Ui, text: &str) {
    for c in text.chars() {
        ui.handle(d::Intent::TypeChar(c));
    }
}

fn amount(ui: &mut Ui, digits: &str) {
    for c in digits.bytes() {
        ui.handle(if c == b'.' { d::Intent::AmountPoint } else { d::Intent::AmountDigit(c - b'0') });
    }
    ui.handle(d::Intent::AmountEnter);
}

fn x(ui: &Ui) -> crate::register::XReport {
    lock(&ui.reg).x_report().unwrap_or_else(|e| panic!("{e}"))
}

/// Rows of a table in the register's database, as text (what the screen recorded, and who).
fn rows(dir: &std::path::Path, sql: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(dir.join(crate::store::DB_FILE)).unwrap_or_else(|e| panic!("{e}"));
    let mut st = conn.prepare(sql).unwrap_or_else(|e| panic!("{e}"));
    let n = st.column_count();
    st.query_map([], |r| {
        (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect::<Result<Vec<_>, _>>()
    })
    .unwrap_or_else(|e| panic!("{e}"))
    .flatten()
    .collect()
}

#[test]
fn a_cashier_pays_in_then_the_x_report_a_manager_opens_shows_it_and_the_expected_cash() {
    let (dir, mut r) = shop();
    r.create_order(&[("MUG".parse().unwrap_or_else(|_| unreachable!()), 1)], Payment::Cash, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut ui = as_user(r, "bo", "1357");
    ui.handle(d::Intent::OpenDay);
    assert_eq!(ui.state().screen, d::Screen::Day(d::DayView { cashier: "bo".into(), drawer: false }));
    ui.handle(d::Intent::Day(d::DayAction::PaidIn));
    let d::Screen::Amount(a) = ui.state().screen else { panic!("no amount pad") };
    assert!(!a.allow_percent && a.quick.is_empty(), "{a:?}");
    amount(&mut ui, "20");
    let d::Screen::Keyboard(kb) = ui.state().screen else { panic!("no reason keyboard: {}", banner(&ui)) };
    assert_eq!(kb.field, d::Field::Reason);
    assert!(banner(&ui).contains("Paid in $20.00"), "{}", banner(&ui));
    // No reason: refused, the keyboard stays.
    ui.handle(d::Intent::DoneTyping);
    assert_eq!(ui.state().screen.name(), "keyboard", "{}", banner(&ui));
    typed(&mut ui, "Float top-up");
    ui.handle(d::Intent::DoneTyping);
    assert_eq!(ui.state().screen.name(), "day", "{}", banner(&ui));
    assert!(banner(&ui).contains("Paid in $20.00 recorded: Float top-up."), "{}", banner(&ui));
    let moved = rows(dir.path(), "SELECT kind, amount_cents, reason, cashier FROM cash_moves");
    assert_eq!(moved, [["Text(\"paid_in\")", "Integer(2000)", "Text(\"Float top-up\")", "Text(\"bo\")"]]);

    // The X report: a manager's, on the same pad; the cashier's own PIN does not open it.
    ui.handle(d::Intent::Day(d::DayAction::XReport));
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no manager pad") };
    assert!(matches!(pad.purpose, d::PinPurpose::Approve { ref reason } if reason == "X report"), "{pad:?}");
    pin(&mut ui, "1357");
    assert_eq!(ui.state().screen.name(), "pin-pad", "a cashier's PIN does not approve");
    pin(&mut ui, "1234");
    let view = report(&ui);
    let want = x(&ui);
    assert_eq!(want.totals.paid_in.count, 1);
    assert_eq!(want.expected_cash_cents, 800 + 2000, "the mug's cash and the paid in");
    assert_eq!((view.kind, view.title.as_str()), (d::ReportKind::X, "X report"));
    assert!(view.figures.contains(&("Expected cash".into(), "$28.00".into())), "{:?}", view.figures);
    assert!(view.lines.iter().any(|l| l.starts_with("Paid in (1)") && l.ends_with("20.00")), "{:?}", view.lines);
    assert!(view.lines.iter().any(|l| l.starts_with("Expected cash") && l.ends_with("28.00")), "{:?}", view.lines);
    assert!(view.lines.iter().all(|l| l.chars().count() <= counter::REPORT_COLS), "{:?}", view.lines);
    ui.handle(d::Intent::ReportPage(1));
    assert_eq!(report(&ui).page, 1);
    // An X is read, not printed.
    ui.handle(d::Intent::PrintReport);
    assert_eq!(lock(&ui.reg).store().reader().print_backlog().map(|b| b.0).ok(), Some(0));
    ui.handle(d::Intent::Back);
    assert_eq!(ui.state().screen.name(), "day");
    assert!(ui.counter.gate.is_none(), "the approval lapses with the report");
}

#[test]
fn no_sale_needs_a_manager_and_records_who_asked_and_who_approved() {
    let (dir, r) = shop();
    let mut ui = as_user(r, "bo", "1357");
    ui.handle(d::Intent::OpenDay);
    ui.handle(d::Intent::Day(d::DayAction::NoSale));
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no manager pad") };
    assert!(matches!(pad.purpose, d::PinPurpose::Approve { .. }), "{pad:?}");
    pin(&mut ui, "1357");
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no manager pad") };
    assert!(pad.error.is_some_and(|e| e.contains("Wrong PIN")), "the cashier's own PIN is refused");
    ui.handle(d::Intent::CancelPin);
    assert_eq!(ui.state().screen.name(), "day", "cancelled: back to the menu");
    // Nothing typed on the reason keyboard can open the drawer without the approval.
    ui.handle(d::Intent::DoneTyping);
    assert_eq!(x(&ui).totals.no_sales, 0);

    ui.handle(d::Intent::Day(d::DayAction::NoSale));
    pin(&mut ui, "1234");
    let d::Screen::Keyboard(kb) = ui.state().screen else { panic!("no reason keyboard: {}", banner(&ui)) };
    assert_eq!(kb.field, d::Field::Reason);
    assert_eq!(sale_cashier(&ui), Some("bo".into()), "the cashier stays signed in");
    typed(&mut ui, "Change for the till");
    ui.handle(d::Intent::DoneTyping);
    assert_eq!(ui.state().screen.name(), "day", "{}", banner(&ui));
    assert!(banner(&ui).contains("approved by ann"), "{}", banner(&ui));
    assert_eq!(x(&ui).totals.no_sales, 1);
    let opened = rows(dir.path(), "SELECT reason, cashier, approved_by FROM drawer_openings");
    assert_eq!(opened, [["Text(\"Change for the till\")", "Text(\"bo\")", "Text(\"ann\")"]]);
    // The approval was for one opening.
    ui.handle(d::Intent::Day(d::DayAction::NoSale));
    ui.handle(d::Intent::CancelPin);
    assert_eq!(x(&ui).totals.no_sales, 1);
}

fn sale_cashier(ui: &Ui) -> Option<String> {
    ui.counter.session.as_ref().map(|s| s.name.clone())
}

#[test]
fn closing_the_day_with_the_counted_cash_makes_z_1_with_the_x_reports_figures() {
    let (dir, mut r) = shop();
    let mug = || "MUG".parse().unwrap_or_else(|_| unreachable!());
    r.create_order(&[(mug(), 2)], Payment::Cash, Some("bo")).unwrap_or_else(|e| panic!("{e}"));
    r.create_order(&[(mug(), 1)], Payment::Card, Some("ann")).unwrap_or_else(|e| panic!("{e}"));
    r.move_cash(crate::model::CashKind::Drop, Cents(1000), "To the safe", Some("bo")).unwrap_or_else(|e| panic!("{e}"));
    let mut ui = as_user(r, "ann", "1234");
    let before = x(&ui);
    ui.handle(d::Intent::OpenDay);
    ui.handle(d::Intent::Day(d::DayAction::CloseDay));
    assert_eq!(ui.state().screen.name(), "pin-pad", "a manager approves, even a manager signed in");
    pin(&mut ui, "1234");
    let d::Screen::Amount(a) = ui.state().screen else { panic!("no count pad: {}", banner(&ui)) };
    assert_eq!(a.title, "Cash counted in the drawer");
    amount(&mut ui, "5.50");
    let closing = report(&ui);
    assert_eq!((closing.kind, closing.title.as_str()), (d::ReportKind::Closing, "Close the day: Z 1"));
    assert!(closing.figures.contains(&("Difference".into(), "-$0.50".into())), "{:?}", closing.figures);
    assert!(lock(&ui.reg).store().reader().z_reports(None).unwrap_or_default().is_empty(), "nothing closed yet");

    ui.handle(d::Intent::ConfirmCloseDay);
    let z_view = report(&ui);
    assert_eq!((z_view.kind, z_view.title.as_str()), (d::ReportKind::Z, "Z report 1"));
    assert!(banner(&ui).contains("Day closed: Z 1, net sales $24.00"), "{}", banner(&ui));
    let zs = lock(&ui.reg).store().reader().z_reports(None).unwrap_or_default();
    assert_eq!(zs.len(), 1);
    let z = &zs[0];
    assert_eq!((z.number, z.totals.clone(), z.net_cents), (1, before.totals.clone(), before.net_cents));
    assert_eq!((z.expected_cash_cents, z.counted_cash_cents), (before.expected_cash_cents, Some(550)));
    assert_eq!((z.grand_total_cents, z.closed_by.as_deref()), (before.grand_total_cents, Some("ann")));
    assert_eq!(x(&ui).next_z, 2, "what is rung now belongs to Z 2");
    // Closing again from the Z on the screen does nothing: the count was used.
    ui.handle(d::Intent::ConfirmCloseDay);
    assert_eq!(lock(&ui.reg).store().reader().z_reports(None).unwrap_or_default().len(), 1);

    // Print: a copy of the Z, once a printer is set up.
    ui.handle(d::Intent::PrintReport);
    assert!(banner(&ui).contains("No printer is set up"), "{}", banner(&ui));
    let setup = PrinterSetup::new("tcp:127.0.0.1:9").unwrap_or_else(|e| panic!("{e}"));
    lock(&ui.reg).store_mut().set(kv::PRINTER, &setup).unwrap_or_else(|e| panic!("{e}"));
    ui.handle(d::Intent::PrintReport);
    assert!(banner(&ui).contains("copy of the Z report"), "{}", banner(&ui));
    let jobs = rows(dir.path(), "SELECT what, copy FROM print_jobs");
    assert_eq!(jobs, [["Text(\"report\")", "Integer(1)"]]);
    ui.handle(d::Intent::Back);
    assert_eq!(ui.state().screen.name(), "day");
}

#[test]
fn a_cashier_cannot_reach_the_reports_closing_the_day_or_the_printer_settings() {
    let (_dir, r) = shop();
    let mut ui = as_user(r, "bo", "1357");
    let untouched = |ui: &Ui| {
        let r = lock(&ui.reg);
        assert!(r.store().reader().z_reports(None).unwrap_or_default().is_empty(), "no Z was made");
        assert_eq!(r.store().get(kv::PRINTER).ok().flatten(), None, "no printer was set");
        assert_eq!(r.store().setup().map(|c| c.mode).ok(), Some(crate::config::Mode::Standalone));
    };
    // Sent as a stale screen or a script would: each is refused in code, not only unshown.
    for intent in [
        d::Intent::OpenPrinter,
        d::Intent::PrinterLink(d::PrinterLink::Usb),
        d::Intent::PrinterToggle(d::PrinterToggle::Drawer),
        d::Intent::Save,
        d::Intent::TestPrint,
        d::Intent::EditField(d::Field::PrinterAddress),
        d::Intent::ReportPage(1),
        d::Intent::PrintReport,
        d::Intent::ConfirmCloseDay,
        d::Intent::SelectMode(d::Mode::Server),
        d::Intent::EditField(d::Field::Secret),
    ] {
        let name = format!("{intent:?}");
        assert_eq!(ui.handle(intent), None, "{name}");
        assert_eq!(ui.state().screen.name(), "sale", "{name} was refused");
        untouched(&ui);
    }
    // The menu's manager choices ask for a manager; the cashier's PIN is not one.
    ui.handle(d::Intent::OpenDay);
    for action in [d::DayAction::XReport, d::DayAction::CloseDay] {
        ui.handle(d::Intent::Day(action));
        pin(&mut ui, "1357");
        assert_eq!(ui.state().screen.name(), "pin-pad", "{action:?}");
        ui.handle(d::Intent::CancelPin);
        assert_eq!(ui.state().screen.name(), "day");
        ui.handle(d::Intent::ConfirmCloseDay);
        untouched(&ui);
    }
    ui.handle(d::Intent::Back);
    ui.handle(d::Intent::OpenSettings);
    pin(&mut ui, "1357");
    assert_eq!(ui.state().screen.name(), "pin-pad", "Settings: a manager's PIN only");
    ui.handle(d::Intent::CancelPin);

    // A manager opens the X for the cashier; once it is left, nothing of it stays open.
    ui.handle(d::Intent::OpenDay);
    ui.handle(d::Intent::Day(d::DayAction::XReport));
    pin(&mut ui, "1234");
    assert_eq!(report(&ui).kind, d::ReportKind::X);
    ui.handle(d::Intent::Back);
    ui.handle(d::Intent::OpenPrinter);
    assert_eq!(ui.state().screen.name(), "day", "the X's approval does not open the printer");
    ui.handle(d::Intent::Back);
    ui.handle(d::Intent::OpenSale);
    ui.handle(d::Intent::Lock);
    assert!(ui.counter.gate.is_none());
    untouched(&ui);
}

#[test]
fn printer_settings_save_a_setup_that_the_printer_key_reads_back() {
    let (_dir, r) = shop();
    let mut ui = as_user(r, "ann", "1234");
    ui.handle(d::Intent::OpenSettings);
    pin(&mut ui, "1234");
    ui.handle(d::Intent::OpenPrinter);
    let v = printer_view(&ui);
    assert_eq!(
        (v.link, v.saved.as_deref(), v.paper_mm, v.raster, v.drawer),
        (d::PrinterLink::Off, None, 58, false, true)
    );
    let saved = |ui: &Ui| lock(&ui.reg).store().get(kv::PRINTER).unwrap_or_else(|e| panic!("{e}"));

    // Network without an address: refused in words, nothing saved.
    ui.handle(d::Intent::PrinterLink(d::PrinterLink::Network));
    ui.handle(d::Intent::Save);
    assert!(banner(&ui).contains("address first"), "{}", banner(&ui));
    assert_eq!(saved(&ui), None);
    ui.handle(d::Intent::EditField(d::Field::PrinterAddress));
    typed(&mut ui, "10.0.0.9");
    ui.handle(d::Intent::DoneTyping);
    assert_eq!(printer_view(&ui).device, "10.0.0.9");
    ui.handle(d::Intent::PrinterToggle(d::PrinterToggle::Paper));
    ui.handle(d::Intent::PrinterToggle(d::PrinterToggle::Mode));
    ui.handle(d::Intent::PrinterToggle(d::PrinterToggle::Drawer));
    ui.handle(d::Intent::Save);
    let mut want = PrinterSetup::new("tcp:10.0.0.9:9100").unwrap_or_else(|e| panic!("{e}"));
    want.width_mm = 80;
    want.mode = PrintMode::Raster;
    want.drawer = false;
    assert_eq!(saved(&ui), Some(want.clone()), "{}", banner(&ui));
    let v = printer_view(&ui);
    assert_eq!(v.saved.as_deref(), Some("tcp:10.0.0.9:9100 width=80 mode=raster codepage=cp858 drawer=no"));
    assert!(banner(&ui).starts_with("Saved: receipts print on tcp:10.0.0.9:9100"), "{}", banner(&ui));

    // A fresh visit shows what is saved; USB, then none.
    ui.handle(d::Intent::Back);
    assert_eq!(ui.state().screen.name(), "settings");
    ui.handle(d::Intent::OpenPrinter);
    let v = printer_view(&ui);
    assert_eq!(
        (v.link, v.device.as_str(), v.paper_mm, v.raster, v.drawer),
        (d::PrinterLink::Network, "10.0.0.9:9100", 80, true, false)
    );
    ui.handle(d::Intent::PrinterLink(d::PrinterLink::Usb));
    assert_eq!(printer_view(&ui).device, "/dev/usb/lp0");
    ui.handle(d::Intent::Save);
    assert_eq!(saved(&ui).map(|p| (p.target, p.width_mm)), Some(("usb:/dev/usb/lp0".into(), 80)));
    ui.handle(d::Intent::PrinterLink(d::PrinterLink::Off));
    ui.handle(d::Intent::Save);
    assert_eq!(saved(&ui), None);

    // Leaving Settings closes them: the printer screen asks for the PIN again.
    ui.handle(d::Intent::Back);
    ui.handle(d::Intent::Back);
    assert_eq!(ui.state().screen.name(), "status");
    ui.handle(d::Intent::OpenPrinter);
    assert_eq!(ui.state().screen.name(), "status", "refused: Settings must be opened again");
}

#[test]
fn test_print_sends_the_test_page_off_the_screens_thread_and_says_how_it_went() {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
    let printer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap_or_else(|e| panic!("{e}"));
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap_or_else(|e| panic!("{e}"));
        got
    });
    let (_dir, r) = shop();
    let mut ui = as_user(r, "ann", "1234");
    ui.handle(d::Intent::OpenSettings);
    pin(&mut ui, "1234");
    ui.handle(d::Intent::OpenPrinter);
    ui.handle(d::Intent::PrinterLink(d::PrinterLink::Network));
    ui.handle(d::Intent::EditField(d::Field::PrinterAddress));
    typed(&mut ui, &format!("127.0.0.1:{port}"));
    ui.handle(d::Intent::DoneTyping);
    // The tap only starts it: the screen shows it going out (Test print greyed) meanwhile.
    let effect = ui.handle(d::Intent::TestPrint);
    assert_eq!(effect, Some(Effect::TestPrint));
    assert!(printer_view(&ui).testing && banner(&ui).starts_with("Printing a test page"), "{}", banner(&ui));
    smol::block_on(ui.perform(Effect::TestPrint));
    assert_eq!(banner(&ui), format!("Test page printed on tcp:127.0.0.1:{port}."));
    assert!(!printer_view(&ui).testing);
    let got = printer.join().unwrap_or_else(|_| panic!("the printer thread"));
    assert!(got.windows(12).any(|w| w == b"PRINTER TEST"), "{}", String::from_utf8_lossy(&got));
    assert_eq!(lock(&ui.reg).store().get(kv::PRINTER).ok().flatten(), None, "a test saves nothing");

    // Nothing listens now: the banner says why, in the printer's words.
    smol::block_on(ui.perform(Effect::TestPrint));
    assert!(banner(&ui).starts_with("No test page: printer: not reachable"), "{}", banner(&ui));
}
