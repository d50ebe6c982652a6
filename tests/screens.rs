//! The register's screen end to end (issue 5): an admin sets a standalone register up as a client
//! only through the screen's intents, against real servers on loopback, and a cashier rings a
//! sale on another register's sale screen that reaches it; and a scripted `till run` with a PNG
//! display, driven by taps at the coordinates the display crate's hit map gives. Issue 13: a
//! manager taps the conflicts badge of a running register and resolves a double refund. Issue 15:
//! a cashier records cash paid in through the "Drawer & day" menu of a running register. Issue 16:
//! a manager taps the export badge of a running register and sends a refused entry again.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use till::net::discovery::{ScanTarget, Subnet};
use till::ui::Ui;
use till_display::{Canvas, DayAction, Field, Intent, Mode, Screen, TestOutcome, UiState, draw, hit_map};

/// The manager every register of these tests has (added by `manager`), and their PIN.
const PIN: &str = "1234";

fn manager(node: &Node) {
    node.ok(&["user", "add", "ann", "--role", "manager", "--pin", PIN]);
}

/// A screen on `node`, signed in as ann (the only user: her name is picked already).
fn ui_on(node: &Node) -> Ui {
    let reg = till::register::Register::open(&node.dir).unwrap_or_else(|e| panic!("{}: open: {e}", node.name));
    let mut ui = Ui::new(Arc::new(Mutex::new(reg)));
    assert_eq!(ui.state().screen.name(), "pin-pad", "{}: the register opens on the PIN pad", node.name);
    pin(&mut ui);
    assert_eq!(ui.state().screen.name(), "sale", "{:?}", ui.state().banner);
    ui
}

/// Types the manager's PIN on the pad (sign-in or approval).
fn pin(ui: &mut Ui) {
    for d in PIN.bytes() {
        tap(ui, Intent::PinDigit(d - b'0'));
    }
    tap(ui, Intent::PinEnter);
}

/// Pays the cart by one tender (by its index: 0 cash, 1 card) for the exact amount due.
fn pay_exact(ui: &mut Ui, tender: usize) -> UiState {
    tap(ui, Intent::OpenPay);
    tap(ui, Intent::PickTender(tender));
    tap(ui, Intent::QuickAmount(0));
    tap(ui, Intent::FinishSale)
}

/// Applies an intent and draws the result (every state the flow passes through must draw).
fn tap(ui: &mut Ui, intent: Intent) -> UiState {
    smol::block_on(ui.apply(intent));
    let state = ui.state();
    let mut canvas = Canvas::new(800, 480);
    draw(&state, &mut canvas).unwrap_or_else(|e| match e {});
    state
}

fn type_text(ui: &mut Ui, text: &str) {
    for c in text.chars() {
        tap(ui, Intent::TypeChar(c));
    }
}

#[test]
fn an_admin_sets_up_a_client_on_the_screen_and_a_sale_rung_on_another_screen_reaches_it() {
    let root = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut s = Node::new(root.path(), "S");
    let mut x = Node::new(root.path(), "X");
    start_server_at(&mut s, "127.0.0.8", port, SECRET);
    start_server_at(&mut x, "127.0.0.9", port, "harbour-deli-9Tz2-Qm4v-Lx8");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "3.50"]);

    // The register being set up runs standalone, with nothing configured.
    let mut c = Node::new(root.path(), "C");
    c.ok(&["setup", "set", "name=C"]);
    manager(&c);
    manager(&s);
    c.start();
    let subnet: Subnet = "127.0.0.0/24".parse().expect("subnet");
    let target = ScanTarget { subnet, interface: None, own_address: None, narrowed_from: None };
    let mut ui = ui_on(&c).with_scan(port, vec![target]);

    let st = ui.state();
    assert_eq!((st.screen.name(), st.status.mode), ("sale", Mode::Standalone));
    // Settings are a manager's: the PIN pad asks first, even with a manager signed in.
    assert_eq!(tap(&mut ui, Intent::OpenSettings).screen.name(), "pin-pad");
    pin(&mut ui);
    assert_eq!(ui.state().screen, Screen::Settings { current: Mode::Standalone });
    assert_eq!(tap(&mut ui, Intent::SelectMode(Mode::Client)).screen.name(), "client-setup");

    // Scan: both servers on the port are listed; pick S.
    let Screen::ScanResults(scan) = tap(&mut ui, Intent::ScanNetwork).screen else { panic!("not the scan list") };
    assert!(!scan.scanning && scan.error.is_none(), "{scan:?}");
    let names: Vec<&str> = scan.servers.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{scan:?}");
    assert!(names.contains(&"S") && names.contains(&"X"), "{scan:?}");
    let pick = scan.servers.iter().position(|f| f.name == "S").expect("S listed");
    let Screen::ClientSetup(form) = tap(&mut ui, Intent::PickServer(pick)).screen else { panic!("not the form") };
    assert_eq!(form.server_address, format!("127.0.0.8:{port}"));

    // A mistyped secret: the test says so in words, nothing is saved.
    tap(&mut ui, Intent::EditField(Field::Secret));
    type_text(&mut ui, "corner-shop-WRONG-one");
    tap(&mut ui, Intent::DoneTyping);
    assert_eq!(tap(&mut ui, Intent::TestConnection).screen, Screen::TestResult(TestOutcome::WrongSecret));
    assert!(c.ok(&["setup", "show"]).contains("standalone"));

    // The right secret: ok, then Save.
    tap(&mut ui, Intent::Back);
    tap(&mut ui, Intent::EditField(Field::Secret));
    for _ in 0..40 {
        tap(&mut ui, Intent::Backspace);
    }
    type_text(&mut ui, SECRET);
    tap(&mut ui, Intent::DoneTyping);
    match tap(&mut ui, Intent::TestConnection).screen {
        Screen::TestResult(TestOutcome::Ok { server_name, .. }) => assert_eq!(server_name, "S"),
        other => panic!("test connection: {other:?}"),
    }
    let saved = tap(&mut ui, Intent::Save);
    assert_eq!(saved.screen.name(), "status", "{:?}", saved.banner);
    assert_eq!(saved.status.mode, Mode::Client);

    // The running register switched to client mode by itself and syncs.
    c.wait_log_after(0, "syncing with S");
    wait_products(&[&c], 1);

    // A cashier rings a sale on the server register's own sale screen.
    let mut cashier = ui_on(&s);
    tap(&mut cashier, Intent::OpenSale);
    tap(&mut cashier, Intent::AddToCart("TEA".into()));
    let cart = tap(&mut cashier, Intent::AddToCart("TEA".into()));
    let Screen::Sale(sale) = &cart.screen else { panic!("not the sale screen") };
    assert_eq!((sale.cart.len(), sale.cart[0].qty, sale.total_cents), (1, 2, 700));
    let paid = pay_exact(&mut cashier, 1);
    let Screen::Sale(sale) = &paid.screen else { panic!("not the sale screen") };
    assert!(sale.cart.is_empty() && sale.last_order.as_deref().is_some_and(|n| n.starts_with("S-")), "{sale:?}");
    wait_orders(&[&s, &c], 1);

    // And one rung on the new client's screen reaches the server.
    tap(&mut ui, Intent::OpenSale);
    tap(&mut ui, Intent::AddToCart("TEA".into()));
    pay_exact(&mut ui, 0);
    wait_orders(&[&s, &c], 2);
    assert_eq!(s.dump(), c.dump());
}

fn centre_of(state: &UiState, intent: &Intent) -> (i32, i32) {
    let (rect, _) = hit_map(state, embedded_graphics::prelude::Size::new(800, 480))
        .into_iter()
        .find(|(_, i)| i == intent)
        .unwrap_or_else(|| panic!("no {intent:?} on {}", state.screen.name()));
    let c = rect.center();
    (c.x, c.y)
}

/// Starts `till run` on `r` drawing PNG frames and playing `script`, and waits until the script
/// has played; the running node and the frames folder.
fn run_script(root: &std::path::Path, r: Node, script: &str) -> (Node, std::path::PathBuf) {
    let file = root.join("script.txt");
    std::fs::write(&file, script).expect("script");
    let frames = root.join("frames");
    let mut r =
        r.args(&["--display", &format!("png:{}", frames.display()), "--input", &format!("script:{}", file.display())]);
    r.start();
    r.wait_said_after(0, "script done");
    (r, frames)
}

/// The files a PNG display wrote into `frames` (`NNNN-SCREEN.png` per frame, `screen.png`).
fn frame_names(frames: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(frames)
        .expect("frames")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_scripted_run_signs_in_scans_and_pays_by_card_and_cash_with_change() {
    let root = tempfile::tempdir().expect("tempdir");
    let r = Node::new(root.path(), "R");
    r.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "3.50", "--barcode", "4006381333931"]);
    r.ok(&["product", "add", "COF", "--name", "Coffee", "--price", "2.00"]);
    manager(&r);

    // Where to tap comes from the same layout the running register draws.
    let mut ui = ui_on(&r);
    let coffee = centre_of(&ui.state(), &Intent::AddToCart("COF".into()));
    tap(&mut ui, Intent::AddToCart("COF".into()));
    let pay = centre_of(&ui.state(), &Intent::OpenPay);
    let paying = tap(&mut ui, Intent::OpenPay);
    let card = centre_of(&paying, &Intent::PickTender(1));
    let cash = centre_of(&paying, &Intent::PickTender(0));
    drop(ui);

    // Sign in by PIN; a scanner's burst adds the tea; the same digits typed slowly (as a person
    // on the sale screen) add nothing, and their Enter is the key for Pay (Escape comes back);
    // then coffee, 2.00 by card and cash for the rest: 10.00 handed over.
    let script = format!(
        "wait pin-pad\ntype {PIN}\nkey enter\nwait sale\nscan 4006381333931\ntype 4006381333931\nkey enter\n\
         wait pay\nkey esc\nwait sale\ntap {} {}\ntap {} {}\nwait pay\ntap {} {}\nwait amount\ntype 2\nkey enter\nwait pay\ntap {} {}\n\
         wait amount\ntype 10\nkey enter\nwait pay\nkey enter\nwait sale\n",
        coffee.0, coffee.1, pay.0, pay.1, card.0, card.1, cash.0, cash.1
    );
    let (mut r, frames) = run_script(root.path(), r, &script);
    r.wait_log_after(0, "order R1-");
    assert_eq!(r.orders(), 1);
    let list: serde_json::Value = serde_json::from_str(&r.ok(&["order", "list", "--json"])).expect("JSON");
    let o = &list[0];
    let lines: Vec<(String, i64)> = o["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| (l["sku"].as_str().unwrap_or_default().to_string(), l["qty"].as_i64().unwrap_or_default()))
        .collect();
    assert_eq!(lines, [("TEA".to_string(), 1), ("COF".to_string(), 1)], "one tea by the scan, none by typing");
    assert_eq!((o["total_cents"].as_i64(), o["change_cents"].as_i64()), (Some(550), Some(650)));
    assert_eq!(o["cashier"], "ann");
    assert_eq!(o["tenders"][0]["tender"], "card");
    assert_eq!(o["tenders"][1]["amount_cents"], 1000);
    let mut names = frame_names(&frames);
    names.sort();
    assert!(names.first().is_some_and(|n| n.ends_with("-pin-pad.png")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("-pay.png")), "{names:?}");
    let png = std::fs::read(frames.join("screen.png")).expect("screen.png");
    let shown = Canvas::from_png(&png).expect("a PNG");
    assert_eq!(shown.rgb_bytes().len(), 800 * 480 * 3);
    r.stop();
}

/// Fills `dir` (register R) with a double refund: S sold 2 teas (5.00), R and B each refunded
/// them while apart, and R then received B's events. Returns the order's number.
fn double_refund_into(root: &std::path::Path, dir: &std::path::Path) -> String {
    use till::model::{Cents, Payment, Sku};
    use till::register::Register;
    use till::store::{Store, kv};
    let open = |dir: &std::path::Path, name: &str| {
        let mut s = Store::open(dir).unwrap_or_else(|e| panic!("open {name}: {e}"));
        s.set(kv::REGISTER_NAME, &name.to_string()).unwrap_or_else(|e| panic!("{e}"));
        Register::from_store(s)
    };
    let sync = |from: &Register, to: &mut Register| {
        let log = from.store().reader().log_after(0, u32::MAX).unwrap_or_else(|e| panic!("{e}"));
        let events: Vec<Vec<u8>> = log.into_iter().map(|(_, b)| b).collect();
        to.store_mut().apply_remote(&events, 0).unwrap_or_else(|e| panic!("sync: {e}"));
    };
    let tea: Sku = "TEA".parse().unwrap_or_else(|_| panic!("a valid SKU"));
    let mut s = open(&root.join("S"), "S");
    let mut r = open(dir, "R");
    let mut b = open(&root.join("B"), "B");
    s.add_product(tea.clone(), "Tea", Cents(250), Some(12), None).unwrap_or_else(|e| panic!("{e}"));
    let order = s.create_order(&[(tea.clone(), 2)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    sync(&s, &mut r);
    sync(&s, &mut b);
    r.create_return(&order.number, &[(tea.clone(), 2)], true).unwrap_or_else(|e| panic!("{e}"));
    b.create_return(&order.number, &[(tea, 2)], true).unwrap_or_else(|e| panic!("{e}"));
    sync(&b, &mut r);
    order.number
}

#[test]
fn a_manager_taps_the_conflicts_badge_and_resolves_a_double_refund_on_a_running_register() {
    let root = tempfile::tempdir().expect("tempdir");
    let r = Node::new(root.path(), "R");
    let number = double_refund_into(root.path(), &r.dir);
    manager(&r);

    // Where to tap comes from the same layout the running register draws.
    let mut ui = ui_on(&r);
    let status = ui.state();
    assert_eq!(status.status.open_conflicts, 1);
    let badge = centre_of(&status, &Intent::OpenConflicts);
    let list = tap(&mut ui, Intent::OpenConflicts);
    let Screen::Conflicts(view) = &list.screen else { panic!("not the conflicts screen: {:?}", list.screen) };
    assert_eq!(view.conflicts.len(), 1, "{view:?}");
    assert!(view.conflicts[0].summary.contains(&number), "{:?}", view.conflicts[0]);
    let resolve = centre_of(&list, &Intent::ResolveConflict(view.conflicts[0].id.clone()));
    drop(ui);

    // Resolving asks for a manager's PIN before the note.
    let script = format!(
        "wait pin-pad\ntype {PIN}\nkey enter\nwait sale\ntap {} {}\nwait conflicts\ntap {} {}\nwait pin-pad\n\
         type {PIN}\nkey enter\nwait keyboard\ntype Paid back by B\nkey enter\nwait conflicts\n",
        badge.0, badge.1, resolve.0, resolve.1
    );
    let (mut r, frames) = run_script(root.path(), r, &script);
    r.wait_log_after(0, "resolved on the screen");
    assert!(r.ok(&["conflicts"]).contains("no open conflicts"));
    let all = r.ok(&["conflicts", "--all", "--json"]);
    assert!(all.contains("Paid back by B"), "{all}");
    let names = frame_names(&frames);
    assert!(names.iter().any(|n| n.ends_with("-conflicts.png")), "{names:?}");
    r.stop();
}

#[test]
fn a_scripted_run_searches_discounts_with_a_manager_returns_with_one_and_locks_when_idle() {
    let root = tempfile::tempdir().expect("tempdir");
    let r = Node::new(root.path(), "R");
    r.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--barcode", "4006381333931"]);
    r.ok(&["product", "add", "COF", "--name", "Coffee", "--price", "2.00"]);
    r.ok(&["setting", "set", "discount_limit", "10%"]);
    // 3 s untouched locks it; under qemu-user (deadline scale 4) a step of the script itself can
    // take that long, so the idle time grows with the scale.
    let scale = DEADLINE.as_secs() / 60;
    let idle = 3 * scale;
    r.ok(&["setup", "set", &format!("idle_lock={idle}s")]);
    manager(&r);
    r.ok(&["order", "create", "TEA:2", "--pay", "card"]);

    // Where to tap comes from the same layout the running register draws (nothing is rung here).
    let mut ui = ui_on(&r);
    let search = centre_of(&ui.state(), &Intent::OpenSearch);
    let returns = centre_of(&ui.state(), &Intent::OpenReturns);
    tap(&mut ui, Intent::AddToCart("COF".into()));
    let line = centre_of(&ui.state(), &Intent::EditLine(0));
    let order_discount = centre_of(&ui.state(), &Intent::OrderDiscount);
    tap(&mut ui, Intent::RemoveLine(0));
    tap(&mut ui, Intent::OpenReturns);
    type_text(&mut ui, "R1-000001");
    let ret = tap(&mut ui, Intent::DoneTyping);
    let plus = centre_of(&ret, &Intent::ReturnQty { line: 0, delta: 1 });
    let confirm = centre_of(&tap(&mut ui, Intent::ReturnQty { line: 0, delta: 1 }), &Intent::ConfirmReturn);
    drop(ui);

    // Search "cof" (one match: Enter adds it); 10 % off its line (within the limit); 50 % off
    // the order (above it: the manager's PIN); Enter pays, 1 is cash, Enter the exact amount and
    // the sale. Then a return of one tea from R1-000001 a manager approves; then nobody touches
    // the register for 3 s and it locks.
    let script = format!(
        "wait pin-pad\ntype {PIN}\nkey enter\nwait sale\n\
         tap {} {}\nwait search\ntype cof\nkey enter\nkey esc\nwait sale\n\
         tap {} {}\nwait amount\ntype 10\nkey enter\nwait sale\n\
         tap {} {}\nwait amount\ntype 50\nkey enter\nwait pin-pad\ntype {PIN}\nkey enter\nwait sale\n\
         key enter\nwait pay\nkey 1\nwait amount\nkey enter\nwait pay\nkey enter\nwait sale\n\
         tap {} {}\nwait keyboard\ntype R1-000001\nkey enter\nwait return\ntap {} {}\ntap {} {}\n\
         wait pin-pad\ntype {PIN}\nkey enter\nwait sale\nwait pin-pad {}\n",
        search.0,
        search.1,
        line.0,
        line.1,
        order_discount.0,
        order_discount.1,
        returns.0,
        returns.1,
        plus.0,
        plus.1,
        confirm.0,
        confirm.1,
        (idle + 7) * 1000
    );
    let (mut r, _frames) = run_script(root.path(), r, &script);
    r.wait_log_after(0, &format!("register locked after {idle} s without use"));
    let list: serde_json::Value = serde_json::from_str(&r.ok(&["order", "list", "--json"])).expect("JSON");
    let o = &list[1];
    assert_eq!(o["lines"][0]["sku"], "COF");
    // 2.00 − 10 % = 1.80 on the line, then 50 % off the order: 0.90, approved by ann.
    assert_eq!((o["lines"][0]["discount_cents"].as_i64(), o["discount_cents"].as_i64()), (Some(20), Some(110)));
    assert_eq!((o["total_cents"].as_i64(), o["approved_by"].as_str()), (Some(90), Some("ann")));
    let rets: serde_json::Value = serde_json::from_str(&r.ok(&["return", "list", "--json"])).expect("JSON");
    assert_eq!(rets.as_array().map(Vec::len), Some(1), "{rets}\n{}", r.log_text());
    assert_eq!((rets[0]["refund_cents"].as_i64(), rets[0]["payment"].as_str()), (Some(250), Some("card")));
    assert_eq!((rets[0]["approved_by"].as_str(), rets[0]["cashier"].as_str()), (Some("ann"), Some("ann")));
    r.stop();
}

#[test]
fn a_scripted_run_signs_in_and_records_cash_paid_in_through_the_drawer_menu() {
    let root = tempfile::tempdir().expect("tempdir");
    let r = Node::new(root.path(), "R");
    manager(&r);

    // Where to tap comes from the same layout the running register draws (nothing is recorded).
    let mut ui = ui_on(&r);
    let menu = centre_of(&ui.state(), &Intent::OpenStatus);
    let day = centre_of(&tap(&mut ui, Intent::OpenStatus), &Intent::OpenDay);
    let paid_in = centre_of(&tap(&mut ui, Intent::OpenDay), &Intent::Day(DayAction::PaidIn));
    drop(ui);

    // Sign in; Menu, then "Drawer & day", then Paid in: 20 on the keypad, the reason on the
    // keyboard, Enter records it and the menu shows again.
    let script = format!(
        "wait pin-pad\ntype {PIN}\nkey enter\nwait sale\ntap {} {}\nwait status\ntap {} {}\nwait day\n\
         tap {} {}\nwait amount\ntype 20\nkey enter\nwait keyboard\ntype Float top-up\nkey enter\nwait day\n",
        menu.0, menu.1, day.0, day.1, paid_in.0, paid_in.1
    );
    let (mut r, frames) = run_script(root.path(), r, &script);
    r.wait_log_after(0, "paid_in of 20.00 recorded on the screen");
    let events: serde_json::Value = serde_json::from_str(&r.ok(&["events", "--json"])).expect("JSON");
    let moved: Vec<&serde_json::Value> =
        events.as_array().into_iter().flatten().filter(|e| e["kind"] == "cash_moved").collect();
    assert_eq!(moved.len(), 1, "{events}");
    let m = &moved[0]["data"]["CashMoved"];
    assert_eq!(
        (m["kind"].as_str(), m["reason"].as_str(), m["cashier"].as_str()),
        (Some("PaidIn"), Some("Float top-up"), Some("ann")),
        "{m}"
    );
    assert_eq!(m["amount_cents"].as_i64(), Some(2000), "{m}");
    let x: serde_json::Value = serde_json::from_str(&r.ok(&["report", "x", "--json"])).expect("JSON");
    assert_eq!(
        (x["totals"]["paid_in"]["cents"].as_i64(), x["expected_cash_cents"].as_i64()),
        (Some(2000), Some(2000)),
        "{x}"
    );
    let names = frame_names(&frames);
    assert!(names.iter().any(|n| n.ends_with("-day.png")), "{names:?}");
    r.stop();
}

#[test]
fn a_manager_taps_the_export_badge_and_retries_what_the_shop_refused_on_a_running_register() {
    use till::store::{EntryState, Store};
    let root = tempfile::tempdir().expect("tempdir");
    let r = Node::new(root.path(), "R");
    // Nothing listens on the shop's port: a send fails and waits, it is never refused for good.
    let url = format!("url=http://127.0.0.1:{}/till", free_port());
    r.ok(&["export", "set", "webhook", &url, "secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
    r.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "3.50"]);
    r.ok(&["order", "create", "TEA"]);
    manager(&r);
    {
        let mut s = Store::open(&r.dir).expect("open");
        let queued = s.reader().export_entries(Some(EntryState::Pending), 10).expect("outbox");
        assert_eq!(queued.len(), 1, "the sale was queued for the shop");
        s.export_dead(queued[0].id, "webhook: HTTP 422 unknown product TEA").expect("refused");
    }

    // Where to tap comes from the same layout the running register draws (nothing is sent again).
    let mut ui = ui_on(&r);
    let sale = ui.state();
    assert_eq!(sale.status.export.as_ref().map(|a| a.refused), Some(1), "the badge shows on the sale screen");
    let badge = centre_of(&sale, &Intent::OpenExport);
    let retry = centre_of(&tap(&mut ui, Intent::OpenExport), &Intent::RetryExport);
    drop(ui);

    // Retry asks for a manager's PIN, then the entry is queued again.
    let script = format!(
        "wait pin-pad\ntype {PIN}\nkey enter\nwait sale\ntap {} {}\nwait export\ntap {} {}\nwait pin-pad\n\
         type {PIN}\nkey enter\nwait export\n",
        badge.0, badge.1, retry.0, retry.1
    );
    let (mut r, frames) = run_script(root.path(), r, &script);
    r.wait_log_after(0, "1 refused export entry sent again, approved by ann");
    let status: serde_json::Value = serde_json::from_str(&r.ok(&["export", "status", "--json"])).expect("JSON");
    assert_eq!((status["dead"].as_u64(), status["pending"].as_u64()), (Some(0), Some(1)), "{status}");
    let names = frame_names(&frames);
    assert!(names.iter().any(|n| n.ends_with("-export.png")), "{names:?}");
    r.stop();
}
