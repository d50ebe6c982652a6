//! The counter on the screen, driven by intents as taps and keys would: sign-in and the PIN
//! lock-out, scans, search, categories, discounts and the manager, split tender with change,
//! returns, the idle lock.
use super::tests::{pin, signed_in};
use super::*;
use crate::model::{Cents, Item, Product, Role};
use crate::register::Register;

fn shop() -> (tempfile::TempDir, Register) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut r = Register::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    r.set_tax("std", crate::model::RateBp(1000), false).unwrap_or_else(|e| panic!("{e}"));
    for (sku, name, price, cat, code) in [
        ("TEA", "Green tea", 250, "Drinks", "4006381333931"),
        ("MUG", "Mug", 800, "Kitchen", "5901234123457"),
        ("LAT", "Latte", 350, "Drinks", "96385074"),
    ] {
        let product = Product {
            sku: sku.parse().unwrap_or_else(|_| unreachable!()),
            name: name.into(),
            price_cents: Cents(price),
            tax_profile: Some("std".into()),
        };
        let item = Item { product, category: Some(cat.into()), barcodes: vec![code.into()] };
        r.add_item(item, None).unwrap_or_else(|e| panic!("{e}"));
    }
    (dir, r)
}

fn sale(ui: &Ui) -> d::SaleView {
    match ui.state().screen {
        d::Screen::Sale(v) => v,
        other => panic!("not the sale screen: {other:?}"),
    }
}

fn banner(ui: &Ui) -> String {
    ui.state().banner.map(|b| b.text).unwrap_or_default()
}

#[test]
fn the_first_start_makes_a_manager_then_people_sign_in_and_wrong_pins_lock_the_pad() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let r = Register::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let reg = std::sync::Arc::new(std::sync::Mutex::new(r));
    let mut ui = Ui::new(reg.clone());
    let d::Screen::Keyboard(kb) = ui.state().screen else { panic!("no name keyboard on first start") };
    assert_eq!(kb.field, d::Field::UserName);
    // Nothing else works before the first manager exists.
    ui.handle(d::Intent::OpenSale);
    assert_eq!(ui.state().screen.name(), "keyboard");
    for c in "Ann".chars() {
        ui.handle(d::Intent::TypeChar(c));
    }
    ui.handle(d::Intent::DoneTyping);
    pin(&mut ui, "2468");
    pin(&mut ui, "2469");
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no PIN pad") };
    assert!(pad.error.is_some_and(|e| e.contains("differ")), "two different PINs are refused");
    pin(&mut ui, "2468");
    pin(&mut ui, "2468");
    assert_eq!(ui.state().screen, d::Screen::Status);
    assert!(banner(&ui).contains("Welcome, Ann"), "{}", banner(&ui));

    // A cashier is added; the register locks; five wrong PINs lock the pad for 30 s.
    lock(&reg).add_user("bo", Role::Cashier, "1357").unwrap_or_else(|e| panic!("{e}"));
    ui.handle(d::Intent::Lock);
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no login pad") };
    assert_eq!(pad.users, ["Ann", "bo"]);
    assert_eq!(pad.selected, Some(0), "the last one signed in is picked");
    ui.handle(d::Intent::PickUser(1));
    for i in 0..5 {
        pin(&mut ui, "0000");
        let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no login pad") };
        let e = pad.error.unwrap_or_default();
        if i < 4 {
            assert!(e.contains(&format!("{} tries left", 4 - i)), "{e}");
        } else {
            assert!(e.contains("locked for 30 s") && pad.locked_secs.is_some(), "{e}");
        }
    }
    // Locked: even the right PIN is refused, and the lock survives a new screen (a restart).
    pin(&mut ui, "1357");
    assert_eq!(ui.state().screen.name(), "pin-pad");
    let ui2 = Ui::new(reg.clone());
    let d::Screen::PinPad(pad) = ui2.state().screen else { panic!("no login pad") };
    assert!(pad.locked_secs.is_some_and(|s| s > 25), "{pad:?}");
    lock(&reg).store_mut().set(kv::PIN_LOCKED_UNTIL, &0).unwrap_or_else(|e| panic!("{e}"));
    pin(&mut ui, "1357");
    assert_eq!(sale(&ui).cashier.as_deref(), Some("bo"));
}

#[test]
fn a_scan_adds_its_product_an_unknown_code_adds_nothing_and_the_login_pad_ignores_scans() {
    let (_dir, r) = shop();
    let mut ui = signed_in(r);
    ui.scanned("4006381333931");
    ui.scanned("4006381333931");
    ui.scanned("0096385074"); // not a valid code
    assert!(banner(&ui).contains("Unknown code '0096385074'"), "{}", banner(&ui));
    ui.scanned("96385074");
    let v = sale(&ui);
    assert_eq!(v.cart.iter().map(|l| (l.sku.as_str(), l.qty)).collect::<Vec<_>>(), [("TEA", 2), ("LAT", 1)]);
    // UPC-A and its EAN-13 form are one code.
    ui.handle(d::Intent::Lock);
    ui.scanned("5901234123457");
    assert_eq!(ui.state().screen.name(), "pin-pad", "a scan does nothing on the login pad");
    pin(&mut ui, "1234");
    assert_eq!(sale(&ui).cart.len(), 2, "the cart was kept through the lock");
}

#[test]
fn search_matches_names_skus_and_barcodes_as_you_type_and_tabs_filter_by_category() {
    let (_dir, r) = shop();
    let mut ui = signed_in(r);
    let v = sale(&ui);
    assert_eq!(v.categories, ["Drinks", "Kitchen"]);
    ui.handle(d::Intent::PickCategory(Some(0)));
    assert_eq!(sale(&ui).products.iter().map(|p| p.sku.as_str()).collect::<Vec<_>>(), ["LAT", "TEA"]);
    ui.handle(d::Intent::OpenSearch);
    let typed = |ui: &mut Ui, s: &str| {
        for c in s.chars() {
            ui.handle(d::Intent::TypeChar(c));
        }
        match ui.state().screen {
            d::Screen::Search(v) => v.results.iter().map(|p| p.sku.clone()).collect::<Vec<_>>(),
            other => panic!("not the search screen: {other:?}"),
        }
    };
    assert_eq!(typed(&mut ui, "t"), ["LAT", "TEA"], "latte and green tea both have a t");
    assert_eq!(typed(&mut ui, "ea"), ["TEA"]);
    ui.handle(d::Intent::Backspace);
    ui.handle(d::Intent::Backspace);
    ui.handle(d::Intent::Backspace);
    assert_eq!(typed(&mut ui, "590123"), ["MUG"], "by barcode");
    ui.handle(d::Intent::AddToCart("MUG".into()));
    ui.handle(d::Intent::Back);
    assert_eq!(sale(&ui).cart.len(), 1);
}

#[test]
fn a_discount_within_the_limit_applies_and_one_above_it_asks_for_a_manager() {
    let (_dir, mut r) = shop();
    r.set_setting("discount_limit", "10%").unwrap_or_else(|e| panic!("{e}"));
    r.add_user("bo", Role::Cashier, "1357").unwrap_or_else(|e| panic!("{e}"));
    r.add_user("ann", Role::Manager, "1234").unwrap_or_else(|e| panic!("{e}"));
    let mut ui = Ui::new(std::sync::Arc::new(std::sync::Mutex::new(r)));
    ui.handle(d::Intent::PickUser(1));
    pin(&mut ui, "1357");
    ui.handle(d::Intent::AddToCart("MUG".into()));
    // 10 % on the line: within the limit.
    ui.handle(d::Intent::EditLine(0));
    ui.handle(d::Intent::AmountDigit(1));
    ui.handle(d::Intent::AmountDigit(0));
    ui.handle(d::Intent::AmountEnter);
    let v = sale(&ui);
    assert_eq!((v.cart[0].discount_cents, v.total_cents), (80, 792), "8.00 − 0.80, + 10 % tax");
    // 2.00 off the order is 27 % of 7.20: a manager approves, the discount then applies.
    ui.handle(d::Intent::OrderDiscount);
    ui.handle(d::Intent::ToggleDiscountMode);
    ui.handle(d::Intent::AmountDigit(2));
    ui.handle(d::Intent::AmountEnter);
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no manager pad") };
    assert!(matches!(&pad.purpose, d::PinPurpose::Approve { reason } if reason.contains("2.00")), "{pad:?}");
    assert_eq!(sale_total_after(&mut ui, "1357"), None, "a cashier's PIN does not approve");
    assert_eq!(sale_total_after(&mut ui, "1234"), Some(572));
    ui.handle(d::Intent::OpenPay);
    ui.handle(d::Intent::PickTender(1));
    ui.handle(d::Intent::QuickAmount(0));
    ui.handle(d::Intent::FinishSale);
    let orders = lock(&ui.reg).store().reader().orders(None).unwrap_or_default();
    assert_eq!(orders[0].approved_by.as_deref(), Some("ann"));
    assert_eq!((orders[0].cashier.as_deref(), orders[0].discount_cents, orders[0].total_cents), (Some("bo"), 280, 572));
}

/// Types a PIN on the approval pad: the sale's total if it was accepted, None if the pad stays.
fn sale_total_after(ui: &mut Ui, digits: &str) -> Option<i64> {
    pin(ui, digits);
    match ui.state().screen {
        d::Screen::Sale(v) => Some(v.total_cents),
        _ => None,
    }
}

#[test]
fn split_tender_cash_and_card_gives_change_and_records_both() {
    let (_dir, r) = shop();
    let mut ui = signed_in(r);
    ui.handle(d::Intent::AddToCart("MUG".into()));
    ui.handle(d::Intent::AddToCart("TEA".into()));
    ui.handle(d::Intent::OpenPay);
    let d::Screen::Pay(p) = ui.state().screen else { panic!("no pay screen") };
    assert_eq!((p.total_cents, p.tenders.clone()), (1155, vec!["Cash".to_string(), "Card".to_string()]));
    ui.handle(d::Intent::FinishSale);
    assert_eq!(ui.state().screen.name(), "pay", "not paid: nothing finishes");
    // 5.00 on card, then cash: 10.00 handed over for the 6.55 left.
    ui.handle(d::Intent::PickTender(1));
    ui.handle(d::Intent::AmountDigit(5));
    ui.handle(d::Intent::AmountEnter);
    ui.handle(d::Intent::PickTender(0));
    let d::Screen::Amount(a) = ui.state().screen else { panic!("no cash pad") };
    assert_eq!(a.quick, [("Exact".to_string(), 655), ("$10.00".to_string(), 1_000), ("$20.00".to_string(), 2_000)]);
    let (o, tenders) = take_quick_and_finish(&mut ui, 1, 345);
    assert_eq!(
        (o.total_cents, o.change_cents, tenders),
        (1155, 345, vec![("card".into(), 500), ("cash".into(), 1_000)])
    );
    assert!(banner(&ui).contains("Change $3.45"), "{}", banner(&ui));
    assert!(sale(&ui).cart.is_empty());
}

#[test]
fn the_pay_screen_asks_for_the_cash_part_rounded_to_the_store_step() {
    let (_dir, mut r) = shop();
    r.set_setting("cash_rounding", "10").unwrap_or_else(|e| panic!("{e}"));
    let mut ui = signed_in(r);
    ui.handle(d::Intent::AddToCart("MUG".into()));
    ui.handle(d::Intent::AddToCart("TEA".into()));
    ui.handle(d::Intent::OpenPay);
    let d::Screen::Pay(p) = ui.state().screen else { panic!("no pay screen") };
    assert_eq!((p.remaining_cents, p.cash_due_cents), (1155, Some(1160)), "the screen says what it is in cash");
    // 11.55: 5.00 on card, then cash: the 6.55 left is due as 6.60, and 6.60 pays it.
    ui.handle(d::Intent::PickTender(1));
    ui.handle(d::Intent::AmountDigit(5));
    ui.handle(d::Intent::AmountEnter);
    let d::Screen::Pay(p) = ui.state().screen else { panic!("no pay screen") };
    assert_eq!(p.remaining_cents, 655, "nothing is rounded before cash is chosen");
    assert_eq!(p.cash_due_cents, Some(660), "but the screen says what the rest is in cash");
    ui.handle(d::Intent::PickTender(0));
    let d::Screen::Amount(a) = ui.state().screen else { panic!("no cash pad") };
    assert_eq!(a.quick[0], ("Exact".to_string(), 660));
    assert_eq!(a.hint.as_deref(), Some("Due $6.60"));
    let (o, tenders) = take_quick_and_finish(&mut ui, 0, 0);
    assert_eq!(
        (o.total_cents, o.cash_rounding_cents, tenders),
        (1155, 5, vec![("card".into(), 500), ("cash".into(), 660)])
    );
}

/// Takes quick amount `quick` on the cash pad, checks the pay screen is paid with `change`,
/// finishes the sale, and gives the order recorded with its tenders.
fn take_quick_and_finish(ui: &mut Ui, quick: usize, change: i64) -> (crate::store::OrderRow, Vec<(String, i64)>) {
    ui.handle(d::Intent::QuickAmount(quick));
    let d::Screen::Pay(p) = ui.state().screen else { panic!("no pay screen") };
    assert!(p.fully_paid() && p.change_cents == change, "{p:?}");
    ui.handle(d::Intent::FinishSale);
    let orders = lock(&ui.reg).store().reader().orders(None).unwrap_or_default();
    let o = orders.into_iter().next().unwrap_or_else(|| panic!("test: no order"));
    let tenders = o.tenders.iter().map(|t| (t.tender.clone(), t.amount_cents)).collect();
    (o, tenders)
}

#[test]
fn a_return_on_the_screen_needs_a_manager_and_refunds_by_the_chosen_tender() {
    let (_dir, mut r) = shop();
    let items = [("TEA".parse().unwrap_or_else(|_| unreachable!()), 3)];
    let order = r.create_order(&items, crate::model::Payment::Card, None).unwrap_or_else(|e| panic!("{e}"));
    let mut ui = signed_in(r);
    ui.handle(d::Intent::OpenReturns);
    for c in "R1-000099".chars() {
        ui.handle(d::Intent::TypeChar(c));
    }
    ui.handle(d::Intent::DoneTyping);
    assert!(banner(&ui).contains("No order 'R1-000099'"), "{}", banner(&ui));
    ui.handle(d::Intent::OpenReturns);
    for c in order.number.chars() {
        ui.handle(d::Intent::TypeChar(c));
    }
    ui.handle(d::Intent::DoneTyping);
    let d::Screen::Return(v) = ui.state().screen else { panic!("no return screen: {}", banner(&ui)) };
    assert_eq!((v.refund_tender.as_str(), v.lines[0].sold), ("Card", 3));
    for _ in 0..5 {
        ui.handle(d::Intent::ReturnQty { line: 0, delta: 1 });
    }
    ui.handle(d::Intent::PickRefundTender);
    ui.handle(d::Intent::ToggleRestock);
    let d::Screen::Return(v) = ui.state().screen else { panic!("no return screen") };
    assert_eq!((v.lines[0].selected, v.refund_cents, v.refund_tender.as_str(), v.restock), (3, 825, "Cash", false));
    ui.handle(d::Intent::ConfirmReturn);
    ui.handle(d::Intent::CancelPin);
    assert!(lock(&ui.reg).store().reader().returns().unwrap_or_default().is_empty(), "cancelled: nothing refunded");
    ui.handle(d::Intent::OpenReturns);
    for c in order.number.chars() {
        ui.handle(d::Intent::TypeChar(c));
    }
    ui.handle(d::Intent::DoneTyping);
    ui.handle(d::Intent::ReturnQty { line: 0, delta: 2 });
    ui.handle(d::Intent::ConfirmReturn);
    pin(&mut ui, "1234");
    let returns = lock(&ui.reg).store().reader().returns().unwrap_or_default();
    let ret = &returns[0];
    assert_eq!((ret.refund_cents, ret.payment.as_str(), ret.approved_by.as_deref()), (550, "card", Some("ann")));
    assert_eq!(ret.cashier.as_deref(), Some("ann"));
}

#[test]
fn a_cash_refund_on_the_screen_is_rounded_to_the_store_step_as_cash_taken_is() {
    let (_dir, mut r) = shop();
    r.set_setting("cash_rounding", "10").unwrap_or_else(|e| panic!("{e}"));
    let items = [("TEA".parse().unwrap_or_else(|_| unreachable!()), 3)];
    let order = r.create_order(&items, crate::model::Payment::Card, None).unwrap_or_else(|e| panic!("{e}"));
    let mut ui = signed_in(r);
    ui.handle(d::Intent::OpenReturns);
    for c in order.number.chars() {
        ui.handle(d::Intent::TypeChar(c));
    }
    ui.handle(d::Intent::DoneTyping);
    ui.handle(d::Intent::ReturnQty { line: 0, delta: 3 });
    let d::Screen::Return(v) = ui.state().screen else { panic!("no return screen") };
    assert_eq!(v.refund_cents, 825, "by card: to the cent");
    ui.handle(d::Intent::PickRefundTender);
    let d::Screen::Return(v) = ui.state().screen else { panic!("no return screen") };
    assert_eq!((v.refund_tender.as_str(), v.refund_cents), ("Cash", 830), "in cash: 8.25 is 8.30");
    ui.handle(d::Intent::ConfirmReturn);
    pin(&mut ui, "1234");
    assert!(banner(&ui).contains("$8.30"), "{}", banner(&ui));
    let returns = lock(&ui.reg).store().reader().returns().unwrap_or_default();
    let got: Vec<_> = returns.iter().map(|x| (x.refund_cents, x.cash_rounding_cents, x.payment.as_str())).collect();
    assert_eq!(got, [(825, 5, "cash")]);
}

#[test]
fn the_register_locks_after_the_idle_time_and_keeps_the_cart() {
    let (_dir, mut r) = shop();
    r.store_mut().set(kv::IDLE_LOCK_SECS, &60).unwrap_or_else(|e| panic!("{e}"));
    let mut ui = signed_in(r);
    ui.handle(d::Intent::AddToCart("TEA".into()));
    ui.tick();
    assert_eq!(ui.state().screen.name(), "sale", "not idle yet");
    ui.counter.last_input = std::time::Instant::now() - std::time::Duration::from_secs(61);
    ui.tick();
    assert_eq!(ui.state().screen.name(), "pin-pad");
    assert!(banner(&ui).contains("Locked after a while"), "{}", banner(&ui));
    ui.handle(d::Intent::OpenSale);
    assert_eq!(ui.state().screen.name(), "pin-pad", "nothing but the pad while locked");
    pin(&mut ui, "1234");
    assert_eq!(sale(&ui).cart.len(), 1);
}

#[test]
fn a_void_on_the_screen_needs_a_manager_and_is_offered_only_before_any_return() {
    let (_dir, mut r) = shop();
    let items = [("MUG".parse().unwrap_or_else(|_| unreachable!()), 1)];
    let order = r.create_order(&items, crate::model::Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    let mut ui = signed_in(r);
    let open = |ui: &mut Ui| {
        ui.handle(d::Intent::OpenReturns);
        for c in order.number.chars() {
            ui.handle(d::Intent::TypeChar(c));
        }
        ui.handle(d::Intent::DoneTyping);
    };
    open(&mut ui);
    let d::Screen::Return(v) = ui.state().screen else { panic!("no return screen") };
    assert!(v.can_void);
    ui.handle(d::Intent::VoidOrder);
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no manager pad") };
    assert!(matches!(&pad.purpose, d::PinPurpose::Approve { reason } if reason.contains("Void order")), "{pad:?}");
    pin(&mut ui, "1234");
    assert!(banner(&ui).contains("voided"), "{}", banner(&ui));
    let o = lock(&ui.reg).store().reader().orders(None).unwrap_or_default().remove(0);
    assert!(o.voided);
    // Voided: nothing can come back from it any more.
    open(&mut ui);
    assert!(banner(&ui).contains("was voided"), "{}", banner(&ui));
    assert_eq!(ui.state().screen.name(), "sale");
}

#[test]
fn a_price_override_on_the_screen_needs_a_manager_and_the_order_rings_at_that_price() {
    let (_dir, mut r) = shop();
    r.add_user("bo", Role::Cashier, "1357").expect("test");
    r.add_user("ann", Role::Manager, "1234").expect("test");
    let mut ui = Ui::new(std::sync::Arc::new(std::sync::Mutex::new(r)));
    ui.handle(d::Intent::PickUser(1));
    pin(&mut ui, "1357");
    ui.handle(d::Intent::AddToCart("MUG".into()));
    ui.handle(d::Intent::AddToCart("MUG".into()));
    let type_price = |ui: &mut Ui, line: usize, price: &str| {
        ui.handle(d::Intent::EditLine(line));
        ui.handle(d::Intent::PickAmountMode(d::AmountMode::Price));
        for c in price.bytes() {
            ui.handle(if c == b'.' { d::Intent::AmountPoint } else { d::Intent::AmountDigit(c - b'0') });
        }
        ui.handle(d::Intent::AmountEnter);
    };
    // The line's pad offers its price beside the discount; the shelf price is said.
    ui.handle(d::Intent::EditLine(0));
    ui.handle(d::Intent::PickAmountMode(d::AmountMode::Price));
    let d::Screen::Amount(a) = ui.state().screen else { panic!("no amount pad") };
    assert_eq!((a.title.as_str(), a.mode, a.allow_price), ("Price of Mug", d::AmountMode::Price, true));
    assert!(a.hint.as_deref().is_some_and(|h| h.contains("Shelf price $8.00")), "{a:?}");
    ui.handle(d::Intent::CancelAmount);

    // 6.50 instead of 8.00: a manager approves; the cashier's PIN and a wrong one do not.
    type_price(&mut ui, 0, "6.50");
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no manager pad: {}", banner(&ui)) };
    assert!(
        matches!(&pad.purpose, d::PinPurpose::Approve { reason } if reason.contains("$6.50") && reason.contains("$8.00")),
        "{pad:?}"
    );
    assert_eq!(sale_total_after(&mut ui, "1357"), None, "a cashier's PIN does not approve");
    assert_eq!(sale_total_after(&mut ui, "9999"), None, "a wrong PIN does not approve");
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no manager pad") };
    assert!(pad.error.is_some_and(|e| e.contains("Wrong PIN")));
    assert_eq!(sale_total_after(&mut ui, "1234"), Some(1430), "2 × 6.50 + 10 % tax");
    // A second price on the same cart: the manager's approval already travels with it.
    ui.handle(d::Intent::AddToCart("TEA".into()));
    type_price(&mut ui, 1, "2");
    assert_eq!(sale(&ui).total_cents, 1650, "2 × 6.50 + 2.00, + 10 % tax");
    ui.handle(d::Intent::OpenPay);
    ui.handle(d::Intent::PickTender(0));
    ui.handle(d::Intent::QuickAmount(0));
    ui.handle(d::Intent::FinishSale);
    let orders = lock(&ui.reg).store().reader().orders(None).expect("test");
    let o = &orders[0];
    let lines: Vec<(&str, u32, i64)> = o.lines.iter().map(|l| (l.sku.as_str(), l.qty, l.unit_price_cents)).collect();
    assert_eq!(lines, [("MUG", 2, 650), ("TEA", 1, 200)]);
    assert_eq!((o.cashier.as_deref(), o.approved_by.as_deref(), o.total_cents), (Some("bo"), Some("ann"), 1650));

    // The same sale from the command line's path records the same lines and approval.
    let req = crate::register::SaleRequest {
        items: vec![
            crate::register::ItemRequest { code: "MUG".into(), qty: 2, discount: None, price: Some(Cents(650)) },
            crate::register::ItemRequest { code: "TEA".into(), qty: 1, discount: None, price: Some(Cents(200)) },
        ],
        cashier: Some("bo".into()),
        approval: Some(crate::register::Approval { manager: "ann".into(), pin: "1234".into() }),
        ..Default::default()
    };
    let cli = lock(&ui.reg).ring(&req).expect("test");
    let same = |o: &crate::store::OrderRow| {
        let lines: Vec<_> = o.lines.iter().map(|l| (l.unit_price_cents, l.subtotal_cents, l.tax_cents)).collect();
        (lines, o.approved_by.clone(), o.total_cents)
    };
    assert_eq!(same(&cli), same(o));

    // The register checks it again: a price nobody approved is refused and nothing is rung.
    ui.handle(d::Intent::AddToCart("MUG".into()));
    ui.counter.cart[0].price = Some(Cents(100));
    ui.handle(d::Intent::OpenPay);
    ui.handle(d::Intent::PickTender(0));
    ui.handle(d::Intent::QuickAmount(0));
    ui.handle(d::Intent::FinishSale);
    assert!(banner(&ui).contains("not recorded"), "{}", banner(&ui));
    assert_eq!(lock(&ui.reg).store().reader().orders(None).expect("test").len(), 2);
}

#[test]
fn a_price_embedded_label_rings_its_own_price_only_where_the_store_reads_them() {
    let (_dir, mut r) = shop();
    // Cheese by weight: registered under its item code (the label's with a zero price).
    let product = Product {
        sku: "CHEESE".parse().expect("test"),
        name: "Cheese".into(),
        price_cents: Cents(999),
        tax_profile: Some("std".into()),
    };
    let item = Item { product, category: None, barcodes: vec!["2012345000001".into()] };
    r.add_item(item, None).expect("test");
    let mut ui = signed_in(r);
    // Off (the default): a label's code is unknown, nothing is added.
    ui.scanned("2012345012349");
    assert!(sale(&ui).cart.is_empty() && banner(&ui).contains("Unknown code"), "{}", banner(&ui));
    lock(&ui.reg).set_setting("price_embedded_barcodes", "true").expect("test");
    ui.refresh();
    ui.scanned("2012345012349");
    let v = sale(&ui);
    assert_eq!((v.cart.len(), v.cart[0].sku.as_str(), v.total_cents), (1, "CHEESE", 1357), "12.34 + 10 % tax");
    ui.handle(d::Intent::OpenPay);
    ui.handle(d::Intent::PickTender(1));
    ui.handle(d::Intent::QuickAmount(0));
    ui.handle(d::Intent::FinishSale);
    let orders = lock(&ui.reg).store().reader().orders(None).expect("test");
    let l = &orders[0].lines[0];
    assert_eq!((l.sku.as_str(), l.unit_price_cents, orders[0].total_cents), ("CHEESE", 1234, 1357));
}

#[test]
fn the_prompts_and_banners_come_in_the_screens_language_and_english_stays() {
    use d::i18n::Language;
    let (_dir, r) = shop();
    let mut ui = signed_in(r);
    // What the store's setting will set; every refresh reads it again (English until then).
    ui.status.language = Language::German;
    ui.handle(d::Intent::Lock);
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no login pad") };
    assert_eq!(pad.prompt, "ann, bitte PIN eingeben");
    pin(&mut ui, "0000");
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no login pad") };
    assert_eq!(pad.error.as_deref(), Some("Falsche PIN: noch 4 Versuche bis zur Sperre."));
    pin(&mut ui, "1234");
    ui.status.language = Language::German;
    ui.handle(d::Intent::OpenPay);
    assert_eq!(banner(&ui), "Die Bestellung ist leer: erst einen Artikel scannen oder antippen.");
    ui.scanned("0096385074");
    assert!(banner(&ui).starts_with("Unbekannter Code '0096385074': nichts hinzugefügt."), "{}", banner(&ui));
    // Cash and card are the register's words; the pay screen names them in German.
    ui.handle(d::Intent::AddToCart("TEA".into()));
    ui.handle(d::Intent::OpenPay);
    let d::Screen::Pay(pay) = ui.state().screen else { panic!("no pay screen") };
    assert_eq!(pay.tenders[..2], ["Bar", "Karte"]);

    // English as before.
    ui.status.language = Language::English;
    ui.handle(d::Intent::PickTender(0));
    let d::Screen::Amount(amount) = ui.state().screen else { panic!("no amount pad") };
    assert_eq!((amount.title.as_str(), amount.quick[0].0.as_str()), ("Cash handed over", "Exact"));
    ui.handle(d::Intent::CancelAmount);
    ui.handle(d::Intent::Back);
    ui.handle(d::Intent::RemoveLine(0));
    ui.handle(d::Intent::OpenPay);
    assert_eq!(banner(&ui), "The order is empty: scan or tap a product first.");
}
