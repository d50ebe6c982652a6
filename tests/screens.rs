//! The register's screen end to end (issue 5): an admin sets a standalone register up as a client
//! only through the screen's intents, against real servers on loopback, and a cashier rings a
//! sale on another register's sale screen that reaches it; and a scripted `till run` with a PNG
//! display, driven by taps at the coordinates the display crate's hit map gives. Issue 13: a
//! manager taps the conflicts badge of a running register and resolves a double refund.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use till::net::discovery::{ScanTarget, Subnet};
use till::ui::Ui;
use till_display::{Canvas, Field, Intent, Mode, PayMethod, Screen, TestOutcome, UiState, draw, hit_map};

fn ui_on(node: &Node) -> Ui {
    let reg = till::register::Register::open(&node.dir).unwrap_or_else(|e| panic!("{}: open: {e}", node.name));
    Ui::new(Arc::new(Mutex::new(reg)))
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
    c.start();
    let subnet: Subnet = "127.0.0.0/24".parse().expect("subnet");
    let target = ScanTarget { subnet, interface: None, own_address: None, narrowed_from: None };
    let mut ui = ui_on(&c).with_scan(port, vec![target]);

    let st = ui.state();
    assert_eq!((st.screen.name(), st.status.mode), ("status", Mode::Standalone));
    assert_eq!(tap(&mut ui, Intent::OpenSettings).screen, Screen::Settings { current: Mode::Standalone });
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
    let paid = tap(&mut cashier, Intent::Pay(PayMethod::Card));
    let Screen::Sale(sale) = &paid.screen else { panic!("not the sale screen") };
    assert!(sale.cart.is_empty() && sale.last_order.as_deref().is_some_and(|n| n.starts_with("S-")), "{sale:?}");
    wait_orders(&[&s, &c], 1);

    // And one rung on the new client's screen reaches the server.
    tap(&mut ui, Intent::OpenSale);
    tap(&mut ui, Intent::AddToCart("TEA".into()));
    tap(&mut ui, Intent::Pay(PayMethod::Cash));
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

#[test]
fn a_scripted_run_taps_through_a_sale_and_writes_each_frame() {
    let root = tempfile::tempdir().expect("tempdir");
    let r = Node::new(root.path(), "R");
    r.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "3.50"]);
    r.ok(&["product", "add", "COF", "--name", "Coffee", "--price", "2.00"]);

    // Where to tap comes from the same layout the running register draws.
    let mut ui = ui_on(&r);
    let new_sale = centre_of(&ui.state(), &Intent::OpenSale);
    let sale = tap(&mut ui, Intent::OpenSale);
    let coffee = centre_of(&sale, &Intent::AddToCart("COF".into()));
    let added = tap(&mut ui, Intent::AddToCart("COF".into()));
    let cash = centre_of(&added, &Intent::Pay(PayMethod::Cash));
    drop(ui);

    let script = format!(
        "wait status\ntap {} {}\nwait sale\ntap {} {}\ntap {} {}\n",
        new_sale.0, new_sale.1, coffee.0, coffee.1, cash.0, cash.1
    );
    let (mut r, frames) = run_script(root.path(), r, &script);
    r.wait_log_after(0, "order R1-");
    assert_eq!(r.orders(), 1);
    assert_eq!(r.query("SELECT count(*) FROM order_lines WHERE sku = 'COF'"), 1);
    let mut names: Vec<String> = std::fs::read_dir(&frames)
        .expect("frames")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.first().is_some_and(|n| n.ends_with("-status.png")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("-sale.png")), "{names:?}");
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

    let script = format!(
        "wait status\ntap {} {}\nwait conflicts\ntap {} {}\nwait keyboard\ntype Paid back by B\nkey enter\n\
         wait conflicts\n",
        badge.0, badge.1, resolve.0, resolve.1
    );
    let (mut r, frames) = run_script(root.path(), r, &script);
    r.wait_log_after(0, "resolved on the screen");
    assert!(r.ok(&["conflicts"]).contains("no open conflicts"));
    let all = r.ok(&["conflicts", "--all", "--json"]);
    assert!(all.contains("Paid back by B"), "{all}");
    let names: Vec<String> = std::fs::read_dir(&frames)
        .expect("frames")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n.ends_with("-conflicts.png")), "{names:?}");
    r.stop();
}
