//! The conflict rules of docs/DATA.md on real stores: registers that were apart do contradictory
//! things, exchange their events, and every one of them ends with the same capped stock and the
//! same conflict list, which a manager settles once for all.

use till::model::{Cents, Payment, RateBp, Role, Sku};
use till::register::Register;
use till::store::{ConflictRow, Store, kv};

fn sku(s: &str) -> Sku {
    s.parse().unwrap_or_else(|_| unreachable!("valid SKU"))
}

fn open(dir: &std::path::Path, name: &str) -> Register {
    let mut s = Store::open(&dir.join(name)).unwrap_or_else(|e| panic!("open {name}: {e}"));
    s.set(kv::REGISTER_NAME, &name.to_uppercase()).unwrap_or_else(|e| panic!("{e}"));
    Register::from_store(s)
}

fn events(r: &Register) -> Vec<Vec<u8>> {
    r.store().reader().log_after(0, u32::MAX).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|(_, b)| b).collect()
}

/// Sends everything `from` holds to `to`.
fn sync(from: &Register, to: &mut Register) {
    let ev = events(from);
    to.store_mut().apply_remote(&ev, 0).unwrap_or_else(|e| panic!("sync: {e}"));
}

fn on_hand(r: &Register, s: &str) -> i64 {
    r.store().reader().stock(Some(s)).unwrap_or_else(|e| panic!("{e}")).first().map_or(0, |x| x.on_hand)
}

fn open_conflicts(r: &Register) -> Vec<ConflictRow> {
    r.store().reader().conflicts(false).unwrap_or_else(|e| panic!("{e}"))
}

/// A server with TEA (12 counted, 2.50) and clients A and B that hold what it holds.
fn shop(dir: &std::path::Path) -> (Register, Register, Register) {
    let mut s = open(dir, "s");
    s.add_product(sku("TEA"), "Green tea", Cents(250), Some(12), None).unwrap_or_else(|e| panic!("{e}"));
    let mut a = open(dir, "a");
    let mut b = open(dir, "b");
    sync(&s, &mut a);
    sync(&s, &mut b);
    (s, a, b)
}

/// Everyone gets everything, in two different orders.
fn heal(s: &mut Register, a: &mut Register, b: &mut Register) {
    sync(a, s);
    sync(b, s);
    sync(s, a);
    sync(s, b);
    let dumps: Vec<String> = [&*s, &*a, &*b].iter().map(|r| r.store().canonical_dump().unwrap_or_default()).collect();
    assert!(dumps[0] == dumps[1] && dumps[1] == dumps[2], "registers differ after healing");
}

#[test]
fn a_double_refund_keeps_both_refunds_restocks_once_and_is_listed_everywhere() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut s, mut a, mut b) = shop(dir.path());
    let order = s.create_order(&[(sku("TEA"), 2)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(order.total_cents, 500);
    sync(&s, &mut a);
    sync(&s, &mut b);
    // The server goes down; both clients refund the same 2 teas in full.
    a.create_return(&order.number, &[(sku("TEA"), 2)], true).unwrap_or_else(|e| panic!("{e}"));
    b.create_return(&order.number, &[(sku("TEA"), 2)], true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(on_hand(&a, "TEA"), 12, "each client alone restocked its return");
    heal(&mut s, &mut a, &mut b);
    for r in [&s, &a, &b] {
        assert_eq!(on_hand(r, "TEA"), 12, "12 − 2 sold + 2 back once, not 14");
        assert_eq!(r.store().reader().returns().unwrap_or_default().len(), 2, "both refunds stay in the books");
        let c = open_conflicts(r);
        assert_eq!(c.len(), 1, "{c:#?}");
        assert_eq!(c[0].kind, "over_refund");
        assert_eq!(c[0].subject, order.number);
        assert_eq!(c[0].at_stake, 500, "5.00 paid out beyond the sale");
        assert!(c[0].summary.contains("refunded twice"), "{}", c[0].summary);
        assert!(c[0].summary.contains("on A and B while"), "the refunding registers, not the seller: {}", c[0].summary);
    }
    // A manager settles it on A; B learns it by sync, and its count of open conflicts drops.
    let id = open_conflicts(&a)[0].id.clone();
    a.resolve_conflict(&id[..8], "customer came back once; B's refund was a mistake", Some("ann"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(a.resolve_conflict(&id[..8], "again", None).is_err(), "settled once");
    assert_eq!(open_conflicts(&a).len(), 0);
    assert_eq!(open_conflicts(&b).len(), 1);
    heal(&mut s, &mut a, &mut b);
    let all = b.store().reader().conflicts(true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), 1);
    let res = all[0].resolution.as_ref().unwrap_or_else(|| panic!("resolved on B too"));
    assert_eq!(res.by.as_deref(), Some("ann"));
    assert_eq!(open_conflicts(&b).len(), 0);
}

#[test]
fn void_on_one_register_and_return_on_another_restock_once_and_keep_the_refund() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut s, mut a, mut b) = shop(dir.path());
    let order = s.create_order(&[(sku("TEA"), 3)], Payment::Card, None).unwrap_or_else(|e| panic!("{e}"));
    sync(&s, &mut a);
    sync(&s, &mut b);
    a.void_order(&order.number).unwrap_or_else(|e| panic!("{e}"));
    b.create_return(&order.number, &[(sku("TEA"), 2)], true).unwrap_or_else(|e| panic!("{e}"));
    heal(&mut s, &mut a, &mut b);
    for r in [&s, &a, &b] {
        assert_eq!(on_hand(r, "TEA"), 12, "3 sold, 3 back once");
        let c = open_conflicts(r);
        assert_eq!(c.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(), ["void_and_return"]);
        assert_eq!(c[0].at_stake, 500, "2 of 3 teas at 2.50 refunded on a voided sale");
        let o = r.store().reader().order(&order.id.parse().unwrap_or_else(|e| panic!("{e}"))).ok().flatten();
        assert!(o.is_some_and(|o| o.voided), "the void stands");
    }
    // The counter stays strict: a further return of the voided order is refused.
    assert!(b.create_return(&order.number, &[(sku("TEA"), 1)], true).is_err());
}

#[test]
fn the_last_unit_sold_twice_goes_below_zero_and_a_count_settles_the_stock() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = open(dir.path(), "s");
    s.add_product(sku("MUG"), "Mug", Cents(900), Some(1), None).unwrap_or_else(|e| panic!("{e}"));
    let mut a = open(dir.path(), "a");
    let mut b = open(dir.path(), "b");
    sync(&s, &mut a);
    sync(&s, &mut b);
    a.create_order(&[(sku("MUG"), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    b.create_order(&[(sku("MUG"), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(open_conflicts(&a).is_empty(), "alone, A sold what it had");
    heal(&mut s, &mut a, &mut b);
    for r in [&s, &a, &b] {
        assert_eq!(on_hand(r, "MUG"), -1, "both sales stand");
        let c = open_conflicts(r);
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].kind.as_str(), c[0].subject.as_str(), c[0].at_stake), ("oversold", "MUG", 1));
        assert_eq!(c[0].events.len(), 2, "both sales named: {:#?}", c[0].events);
    }
    // Counting the shelf puts stock right and the conflict goes with it.
    s.count_stock(&sku("MUG"), 0).unwrap_or_else(|e| panic!("{e}"));
    heal(&mut s, &mut a, &mut b);
    assert!(open_conflicts(&b).is_empty());
    // A product whose stock nobody keeps sells into the negatives without a conflict.
    s.add_product(sku("BAG"), "Bag", Cents(10), None, None).unwrap_or_else(|e| panic!("{e}"));
    s.create_order(&[(sku("BAG"), 3)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(open_conflicts(&s).is_empty());
}

#[test]
fn concurrent_price_edits_keep_the_last_write_and_show_the_lost_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut s, mut a, mut b) = shop(dir.path());
    a.set_price(&sku("TEA"), Cents(275)).unwrap_or_else(|e| panic!("{e}"));
    b.set_price(&sku("TEA"), Cents(300)).unwrap_or_else(|e| panic!("{e}"));
    heal(&mut s, &mut a, &mut b);
    let c = open_conflicts(&s);
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!((c[0].kind.as_str(), c[0].subject.as_str()), ("concurrent_edit", "product:TEA"));
    let kept: Vec<&str> = c[0].events.iter().filter(|e| e.kept).map(|e| e.what.as_str()).collect();
    let price = s.store().reader().product("TEA").ok().flatten().map(|p| p.price).unwrap_or_default();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].contains(&price), "the kept value is the price in force: {kept:?} vs {price}");
    assert!(c[0].summary.contains("2.75") && c[0].summary.contains("3.00"), "{}", c[0].summary);
    // An edit made after seeing both is not a conflict.
    s.set_price(&sku("TEA"), Cents(280)).unwrap_or_else(|e| panic!("{e}"));
    a.add_user("ann", Role::Manager, "1234").unwrap_or_else(|e| panic!("{e}"));
    heal(&mut s, &mut a, &mut b);
    assert_eq!(open_conflicts(&b).len(), 1);
}

#[test]
fn two_registers_with_one_name_make_a_duplicate_order_number_conflict() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut s, mut a, mut b) = shop(dir.path());
    b.store_mut().set(kv::REGISTER_NAME, &"A".to_string()).unwrap_or_else(|e| panic!("{e}"));
    let x = a.create_order(&[(sku("TEA"), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    let y = b.create_order(&[(sku("TEA"), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(x.number, y.number);
    heal(&mut s, &mut a, &mut b);
    let c = open_conflicts(&s);
    assert_eq!(c.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(), ["duplicate_order_number"]);
    assert_eq!(c[0].at_stake, 2);
}

/// A record registers edit (docs/DATA.md: a product, a tax profile, a user, a setting), with an
/// edit for A and one for B that set different values.
struct Record {
    /// `Change::subject` of the record.
    subject: &'static str,
    /// Made on the server before the clients copy it.
    setup: fn(&mut Register),
    /// A's edit, then B's.
    edits: [fn(&mut Register); 2],
    /// What A's and B's edits set, in the conflict's words (`Change::describe`).
    values: [&'static str; 2],
    /// The value in force on a register, in the same words.
    held: fn(&Register) -> String,
}

fn product_held(r: &Register) -> String {
    let p = r.store().reader().product("TEA").expect("test").expect("test");
    let category = p.category.map(|c| format!(", in {c}")).unwrap_or_default();
    if p.active { format!("{} at {}{category}", p.name, p.price) } else { "taken off sale".into() }
}

/// The product's data (A: a price) against its on-sale flag (B: removed).
fn product() -> Record {
    Record {
        subject: "product:TEA",
        setup: |_| {},
        edits: [
            |r| r.set_price(&sku("TEA"), Cents(275)).expect("test"),
            |r| r.remove_product(&sku("TEA")).expect("test"),
        ],
        values: ["Green tea at 2.75", "taken off sale"],
        held: product_held,
    }
}

/// The product taken off sale (A) and put back at another price (B, only after seeing A's: the
/// register refuses to add a product on sale); the version must follow the on-sale flag.
fn product_put_back() -> Record {
    Record {
        subject: "product:TEA",
        setup: |_| {},
        edits: [
            |r| r.remove_product(&sku("TEA")).expect("test"),
            |r| r.add_product(sku("TEA"), "Green tea", Cents(300), None, None).expect("test"),
        ],
        values: ["taken off sale", "Green tea at 3.00"],
        held: product_held,
    }
}

/// The product's details (category), edited as an item.
fn item() -> Record {
    Record {
        subject: "product:TEA",
        setup: |_| {},
        edits: [
            |r| r.set_details(&sku("TEA"), None, Some("Hot".into())).expect("test"),
            |r| r.set_details(&sku("TEA"), None, Some("Cold".into())).expect("test"),
        ],
        values: ["Green tea at 2.50, in Hot", "Green tea at 2.50, in Cold"],
        held: product_held,
    }
}

fn rate(s: &str) -> RateBp {
    s.parse().expect("test")
}

fn tax() -> Record {
    Record {
        subject: "tax:std",
        setup: |r| r.set_tax("std", rate("8.00"), false).expect("test"),
        edits: [
            |r| r.set_tax("std", rate("7.50"), true).expect("test"),
            |r| r.set_tax("std", rate("9.00"), true).expect("test"),
        ],
        values: ["rate 7.50%", "rate 9.00%"],
        held: |r| format!("rate {}", r.store().reader().tax_rate("std").expect("test").expect("test")),
    }
}

/// A user's PIN changed on A, the user removed on B.
fn user() -> Record {
    Record {
        subject: "user:bob",
        setup: |r| r.add_user("bob", Role::Cashier, "1111").expect("test"),
        edits: [|r| r.set_pin("bob", "2222").expect("test"), |r| r.remove_user("bob").expect("test")],
        values: ["cashier", "cashier (removed)"],
        held: |r| {
            let users = r.store().reader().users().expect("test");
            let bob = users.iter().find(|u| u.name == "bob").expect("test");
            format!("{}{}", bob.role, if bob.active { "" } else { " (removed)" })
        },
    }
}

fn setting() -> Record {
    Record {
        subject: "setting:store_name",
        setup: |r| r.set_setting("store_name", "Corner Shop").expect("test"),
        edits: [
            |r| r.set_setting("store_name", "Corner A").expect("test"),
            |r| r.set_setting("store_name", "Corner B").expect("test"),
        ],
        values: ["\"Corner A\"", "\"Corner B\""],
        held: |r| format!("{:?}", r.store().reader().setting("store_name").expect("test").unwrap_or_default()),
    }
}

/// A shop where the server made `record`'s setup and both clients hold it.
fn shop_with(dir: &std::path::Path, record: &Record) -> (Register, Register, Register) {
    let (mut s, mut a, mut b) = shop(dir);
    (record.setup)(&mut s);
    sync(&s, &mut a);
    sync(&s, &mut b);
    (s, a, b)
}

/// A and B edit `record` without seeing each other, B's clock a minute ahead so its edit is the
/// last write: every register keeps B's value and lists one conflict that marks B's value kept
/// and A's lost.
fn concurrent_edits_keep_the_last_write(record: &Record) {
    let dir = tempfile::tempdir().expect("test");
    let (mut s, mut a, mut b) = shop_with(dir.path(), record);
    b.store_mut().set(kv::CLOCK_OFFSET, &60_000).expect("test");
    (record.edits[0])(&mut a);
    (record.edits[1])(&mut b);
    heal(&mut s, &mut a, &mut b);
    let [lost, kept] = record.values;
    for r in [&s, &a, &b] {
        let who = r.name().expect("test");
        assert_eq!((record.held)(r), kept, "{who}: the last write holds");
        let c = open_conflicts(r);
        assert_eq!(c.len(), 1, "{who}: {c:#?}");
        assert_eq!((c[0].kind.as_str(), c[0].subject.as_str()), ("concurrent_edit", record.subject));
        let said: Vec<(&str, &str, bool)> =
            c[0].events.iter().map(|e| (e.register.as_str(), e.what.as_str(), e.kept)).collect();
        assert_eq!(said.len(), 2, "{who}: the two edits, nothing else: {said:?}");
        assert!(said.contains(&("B", kept, true)), "{who}: B's value kept: {said:?}");
        assert!(said.contains(&("A", lost, false)), "{who}: A's value listed as lost: {said:?}");
        assert!(c[0].summary.contains(&format!("lost \"{lost}\"")), "{who}: {}", c[0].summary);
    }
}

/// A edits `record`, B learns it and edits it again: the second edit replaced the first, which
/// is no conflict.
fn sequential_edits_list_nothing(record: &Record) {
    let dir = tempfile::tempdir().expect("test");
    let (mut s, mut a, mut b) = shop_with(dir.path(), record);
    (record.edits[0])(&mut a);
    sync(&a, &mut b);
    (record.edits[1])(&mut b);
    heal(&mut s, &mut a, &mut b);
    for r in [&s, &a, &b] {
        assert_eq!((record.held)(r), record.values[1], "the later edit holds");
        let c = r.store().reader().conflicts(true).expect("test");
        assert!(c.is_empty(), "{}: B's edit was made on A's: {c:#?}", r.name().expect("test"));
    }
}

#[test]
fn edits_of_a_product_on_one_version_conflict_and_in_turn_do_not() {
    concurrent_edits_keep_the_last_write(&product());
    sequential_edits_list_nothing(&product());
    sequential_edits_list_nothing(&product_put_back());
}

#[test]
fn edits_of_a_product_s_details_on_one_version_conflict_and_in_turn_do_not() {
    concurrent_edits_keep_the_last_write(&item());
    sequential_edits_list_nothing(&item());
}

#[test]
fn edits_of_a_tax_profile_on_one_version_conflict_and_in_turn_do_not() {
    concurrent_edits_keep_the_last_write(&tax());
    sequential_edits_list_nothing(&tax());
}

#[test]
fn edits_of_a_user_on_one_version_conflict_and_in_turn_do_not() {
    concurrent_edits_keep_the_last_write(&user());
    sequential_edits_list_nothing(&user());
}

#[test]
fn edits_of_a_setting_on_one_version_conflict_and_in_turn_do_not() {
    concurrent_edits_keep_the_last_write(&setting());
    sequential_edits_list_nothing(&setting());
}
