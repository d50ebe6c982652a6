//! Hit-testing: every button's centre maps to its intent, every target is at least 48 px square,
//! no two targets overlap, and nothing tappable leaves the screen — on every sample at both sizes.

use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;
use till_display::*;

const SIZES: [Size; 2] = [Size::new(800, 480), Size::new(480, 320)];

fn overlap(a: &Rectangle, b: &Rectangle) -> bool {
    let (ax1, ay1) = (a.top_left.x + a.size.width as i32, a.top_left.y + a.size.height as i32);
    let (bx1, by1) = (b.top_left.x + b.size.width as i32, b.top_left.y + b.size.height as i32);
    a.top_left.x < bx1 && b.top_left.x < ax1 && a.top_left.y < by1 && b.top_left.y < ay1
}

#[test]
fn targets_are_big_separate_and_hit() {
    for (name, state) in samples() {
        targets_hold(name, &state);
    }
}

#[test]
fn the_keypad_screens_keep_their_targets_under_a_banner() {
    for (name, state) in samples() {
        if !matches!(state.screen, Screen::PinPad(_) | Screen::Pay(_) | Screen::Amount(_)) {
            continue;
        }
        let banner = Banner { kind: BannerKind::Error, text: "The card reader did not answer. Try again.".into() };
        targets_hold(name, &UiState { banner: Some(banner), ..state });
    }
}

fn targets_hold(name: &str, state: &UiState) {
    for size in SIZES {
        let map = hit_map(state, size);
        assert!(!map.is_empty(), "{name} at {size:?} has no targets");
        // A banner shows somewhere (strip or over the header) and its region is on screen.
        if state.banner.is_some() {
            assert!(region_rect(state, size, Region::Banner).is_some(), "{name} {size:?}: banner not laid out");
        }
        let screen = Rectangle::new(Point::zero(), size);
        for (i, (r, intent)) in map.iter().enumerate() {
            assert!(r.size.width >= 48 && r.size.height >= 48, "{name} {size:?}: {intent:?} is {r:?}");
            assert_eq!(r.intersection(&screen), *r, "{name} {size:?}: {intent:?} leaves the screen");
            assert_eq!(hit_test(state, size, r.center()).as_ref(), Some(intent), "{name} {size:?}");
            for (other, other_intent) in &map[i + 1..] {
                assert!(!overlap(r, other), "{name} {size:?}: {intent:?} {r:?} overlaps {other_intent:?} {other:?}");
            }
        }
    }
}

#[test]
fn each_screen_offers_its_actions() {
    let find = |name: &str| samples().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s);
    let has = |name: &str, intent: Intent| {
        let state = find(name).unwrap_or_else(|| panic!("no sample {name}"));
        for size in SIZES {
            assert!(hit_map(&state, size).iter().any(|(_, i)| *i == intent), "{name} {size:?} lacks {intent:?}");
        }
    };
    has("status-server", Intent::OpenSettings);
    has("status-server", Intent::OpenSale);
    for mode in [Mode::Standalone, Mode::Server, Mode::Client] {
        has("settings", Intent::SelectMode(mode));
    }
    has("server-setup", Intent::EditField(Field::Port));
    has("server-setup", Intent::GenerateSecret);
    has("server-setup", Intent::Save);
    has("client-setup", Intent::ScanNetwork);
    has("client-setup", Intent::TestConnection);
    has("client-setup", Intent::EditField(Field::ServerAddress));
    has("scan-results", Intent::PickServer(1));
    has("keyboard", Intent::TypeChar('Q'));
    has("keyboard", Intent::DoneTyping);
    has("keyboard", Intent::CancelTyping);
    has("keyboard", Intent::Backspace);
    has("keyboard-secret", Intent::TypeChar('7'));
    has("keyboard-secret", Intent::TypeChar(':'));
    has("test-ok", Intent::Save);
    has("test-wrong-secret", Intent::TestConnection);
    has("sale", Intent::AddToCart("ESP".into()));
    has("sale", Intent::RemoveLine(2));
    has("sale", Intent::OpenPay);
    has("sale", Intent::OrderDiscount);
    has("sale", Intent::EditLine(2));
    has("sale", Intent::OpenSearch);
    has("sale", Intent::OpenReturns);
    has("sale", Intent::NextPage);
    has("banner-error", Intent::DismissBanner);
    has("conflicts-badge-status", Intent::OpenConflicts);
    has("conflicts-badge-sale", Intent::OpenConflicts);
    has("conflicts-badge-sale", Intent::OpenPay);
    has("conflicts", Intent::ResolveConflict("5f0c2a9e41d7b3c86a1e0f92d4b7c315".into()));
    has("conflicts", Intent::ConflictsPage(1));
    has("conflicts", Intent::Back);
    has("conflicts-last-page", Intent::ConflictsPage(0));
    has("conflicts-last-page", Intent::ResolveConflict("c41b7e2d9a0f6385e1d4c7b2a9f0e816".into()));
    has("conflicts-none", Intent::Back);
    has("conflicts-note", Intent::DoneTyping);
    has("conflicts-note", Intent::CancelTyping);
    for d in 0..=9 {
        has("pinpad-login", Intent::PinDigit(d));
        has("amount-cash", Intent::AmountDigit(d));
    }
    has("pinpad-login", Intent::PinBackspace);
    has("pinpad-login", Intent::PinEnter);
    has("pinpad-login", Intent::PickUser(1));
    has("pinpad-login", Intent::UsersPage(1));
    has("pinpad-approve", Intent::CancelPin);
    has("pinpad-approve", Intent::PinDigit(5));
    has("pinpad-locked", Intent::PickUser(0));
    has("pinpad-first-manager", Intent::PinEnter);
    has("pay-partial", Intent::PickTender(2));
    has("pay-partial", Intent::RemoveTender(0));
    has("pay-partial", Intent::RemoveTender(1));
    has("pay-partial", Intent::Back);
    has("pay-done-change", Intent::FinishSale);
    has("pay-done-change", Intent::RemoveTender(1));
    for i in 0..3 {
        has("amount-cash", Intent::QuickAmount(i));
    }
    has("amount-cash", Intent::AmountPoint);
    has("amount-cash", Intent::AmountBackspace);
    has("amount-cash", Intent::AmountEnter);
    has("amount-cash", Intent::CancelAmount);
    has("amount-discount-percent", Intent::ToggleDiscountMode);
    has("amount-discount-percent", Intent::AmountEnter);
    // A cart line's pad: money off, percent off, or its new price (a price override).
    has("amount-line-price", Intent::PickAmountMode(AmountMode::Money));
    has("amount-line-price", Intent::PickAmountMode(AmountMode::Percent));
    has("amount-line-price", Intent::AmountEnter);
    // Search and returns (branch `search`).
    has("sale-categories", Intent::PickCategory(None));
    has("sale-categories", Intent::PickCategory(Some(0)));
    has("sale-categories", Intent::OpenSearch);
    has("sale-categories", Intent::Lock);
    has("sale-categories", Intent::EditLine(2));
    has("sale-categories", Intent::RemoveLine(2));
    has("sale-categories", Intent::OrderDiscount);
    has("sale-categories", Intent::OpenPay);
    has("sale-categories", Intent::OpenReturns);
    has("sale-categories", Intent::NextPage);
    has("search-results", Intent::AddToCart("LAT".into()));
    has("search-results", Intent::NextPage);
    has("search-results", Intent::TypeChar('q'));
    has("search-results", Intent::Backspace);
    has("search-results", Intent::SwitchLayer(KeyLayer::Symbols));
    has("search-results", Intent::Back);
    has("search-empty", Intent::TypeChar('x'));
    has("search-empty", Intent::Back);
    has("return-lines", Intent::ReturnQty { line: 0, delta: -1 });
    has("return-lines", Intent::ReturnQty { line: 0, delta: 1 });
    has("return-lines", Intent::ReturnQty { line: 1, delta: -1 });
    has("return-lines", Intent::ToggleRestock);
    has("return-lines", Intent::PickRefundTender);
    has("return-lines", Intent::ConfirmReturn);
    has("return-lines", Intent::Back);
    has("return-none-selected", Intent::ReturnQty { line: 1, delta: 1 });
    has("return-void", Intent::VoidOrder);
    has("return-none-selected", Intent::Back);
    // The business day and the printer (issue 15).
    for name in ["status-server", "status-client", "status-standalone"] {
        has(name, Intent::OpenDay);
    }
    has("settings", Intent::OpenPrinter);
    for action in DayAction::ALL {
        has("day-menu", Intent::Day(action));
    }
    has("day-menu", Intent::Back);
    has("day-reason", Intent::DoneTyping);
    has("day-reason", Intent::CancelTyping);
    has("report-x", Intent::ReportPage(1));
    has("report-x", Intent::Back);
    has("report-closing", Intent::ConfirmCloseDay);
    has("report-closing", Intent::ReportPage(0));
    has("report-z", Intent::PrintReport);
    has("report-z", Intent::Back);
    for link in PrinterLink::ALL {
        has("printer", Intent::PrinterLink(link));
    }
    for toggle in [PrinterToggle::Paper, PrinterToggle::Mode, PrinterToggle::Drawer] {
        has("printer", Intent::PrinterToggle(toggle));
    }
    has("printer", Intent::TestPrint);
    has("printer", Intent::Save);
    has("printer", Intent::Back);
    has("printer-network", Intent::EditField(Field::PrinterAddress));
    has("printer-network", Intent::DismissBanner);
    // The online shop export (issue 16).
    has("export-badge-status", Intent::OpenExport);
    has("export-badge-status", Intent::OpenConflicts);
    has("export-badge-sale", Intent::OpenExport);
    has("export-badge-sale", Intent::OpenPay);
    has("export", Intent::RetryExport);
    has("export", Intent::Back);
    has("export-retried", Intent::DismissBanner);
}

#[test]
fn greyed_out_actions_are_not_targets() {
    let find = |name: &str| samples().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s);
    let lacks = |name: &str, wanted: &dyn Fn(&Intent) -> bool| {
        let state = find(name).unwrap_or_else(|| panic!("no sample {name}"));
        for size in SIZES {
            let map = hit_map(&state, size);
            assert!(!map.iter().any(|(_, i)| wanted(i)), "{name} {size:?} offers one of them: {map:?}");
        }
    };
    // Locked: no key of the pad does anything (the names and nothing else stay tappable).
    lacks("pinpad-locked", &|i| matches!(i, Intent::PinDigit(_) | Intent::PinBackspace | Intent::PinEnter));
    // Nothing typed yet: no OK, no ⌫.
    lacks("pinpad-approve", &|i| matches!(i, Intent::PinEnter | Intent::PinBackspace));
    // Cancel only where a cashier stays signed in underneath (manager approval).
    for name in ["pinpad-login", "pinpad-locked", "pinpad-first-manager"] {
        lacks(name, &|i| *i == Intent::CancelPin);
    }
    lacks("pinpad-approve", &|i| matches!(i, Intent::PickUser(_) | Intent::UsersPage(_)));
    // Finish only when fully paid; no more tenders once it is.
    lacks("pay-partial", &|i| *i == Intent::FinishSale);
    lacks("pay-done-change", &|i| matches!(i, Intent::PickTender(_)));
    lacks("amount-cash", &|i| *i == Intent::ToggleDiscountMode);
    lacks("amount-cash", &|i| matches!(i, Intent::PickAmountMode(_)));
    lacks("amount-discount-percent", &|i| matches!(i, Intent::PickAmountMode(_)));
    lacks("amount-line-price", &|i| {
        matches!(i, Intent::ToggleDiscountMode | Intent::PickAmountMode(AmountMode::Price))
    });
    // An X report is read, not printed; only the Z about to be made offers Close day.
    lacks("report-x", &|i| matches!(i, Intent::PrintReport | Intent::ConfirmCloseDay));
    lacks("report-z", &|i| *i == Intent::ConfirmCloseDay);
    lacks("report-closing", &|i| *i == Intent::PrintReport);
    // The first page has nothing before it.
    lacks("report-x", &|i| *i == Intent::ReportPage(0));
    // USB and serial printers are known devices: no address to type.
    lacks("printer", &|i| *i == Intent::EditField(Field::PrinterAddress));
    // Nothing refused: Retry is greyed out.
    lacks("export-waiting", &|i| *i == Intent::RetryExport);
    lacks("export-retried", &|i| *i == Intent::RetryExport);
    // The retry itself follows a manager's approval: no button sends it.
    for (name, _) in samples() {
        lacks(name, &|i| *i == Intent::ConfirmRetryExport);
    }
}

/// The intents on a sample at both sizes.
fn intents(name: &str) -> Vec<(Size, Vec<Intent>)> {
    let state = samples().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s).unwrap_or_else(|| panic!("{name}"));
    SIZES.iter().map(|size| (*size, hit_map(&state, *size).into_iter().map(|(_, i)| i).collect())).collect()
}

#[test]
fn what_cannot_be_done_is_not_offered() {
    for (size, map) in intents("sale-categories") {
        assert!(!map.iter().any(|i| matches!(i, Intent::Pay(_))), "{size:?}: one Pay button, not a method each");
    }
    for (size, map) in intents("sale-paid") {
        for intent in [Intent::OpenPay, Intent::OrderDiscount, Intent::Lock] {
            assert!(!map.contains(&intent), "{size:?}: an empty cart, or no cashier, offers {intent:?}");
        }
    }
    for (size, map) in intents("return-none-selected") {
        assert!(!map.contains(&Intent::ConfirmReturn), "{size:?}: nothing selected, yet Refund is offered");
        assert!(!map.iter().any(|i| matches!(i, Intent::ReturnQty { delta: -1, .. })), "{size:?}: − below zero");
    }
    for (size, map) in intents("return-lines") {
        // The chai was all returned before: neither − nor + on it.
        assert!(!map.iter().any(|i| matches!(i, Intent::ReturnQty { line: 2, .. })), "{size:?}: {map:?}");
        // The croissant: 3 sold, 1 back before, 1 selected: one more can come back.
        assert!(map.contains(&Intent::ReturnQty { line: 1, delta: 1 }), "{size:?}: {map:?}");
    }
    for (size, map) in intents("search-empty") {
        assert!(!map.iter().any(|i| matches!(i, Intent::AddToCart(_))), "{size:?}: {map:?}");
    }
}

#[test]
fn every_category_tab_is_reachable_from_any_tab() {
    let (_, base) = samples().into_iter().find(|(n, _)| *n == "sale-categories").expect("sale-categories sample");
    let Screen::Sale(sale) = &base.screen else { panic!("not a sale") };
    let tabs: Vec<Option<usize>> = std::iter::once(None).chain((0..sale.categories.len()).map(Some)).collect();
    for size in SIZES {
        for start in &tabs {
            // Follow every PickCategory the screen offers, from this tab, until nothing new shows.
            let mut seen = vec![*start];
            let mut todo = vec![*start];
            while let Some(category) = todo.pop() {
                let mut state = base.clone();
                if let Screen::Sale(view) = &mut state.screen {
                    view.category = category;
                }
                let map = hit_map(&state, size);
                assert!(
                    map.iter().any(|(_, i)| *i == Intent::PickCategory(category)),
                    "{size:?}: the chosen tab {category:?} is not showing"
                );
                for (_, intent) in map {
                    if let Intent::PickCategory(c) = intent
                        && !seen.contains(&c)
                    {
                        seen.push(c);
                        todo.push(c);
                    }
                }
            }
            for tab in &tabs {
                assert!(seen.contains(tab), "{size:?}: from {start:?}, tab {tab:?} cannot be reached: {seen:?}");
            }
        }
    }
}

#[test]
fn the_badges_show_only_while_there_is_something_to_look_at_on_status_and_sale() {
    for (name, state) in samples() {
        let badge_screen = matches!(state.screen, Screen::Status | Screen::Sale(_));
        for size in SIZES {
            let map = hit_map(&state, size);
            for (intent, due) in [
                (Intent::OpenConflicts, state.status.open_conflicts > 0),
                (Intent::OpenExport, state.status.export.is_some()),
            ] {
                let badge = map.iter().any(|(_, i)| *i == intent);
                assert_eq!(badge, due && badge_screen, "{name} {size:?} {intent:?}");
            }
        }
    }
}

#[test]
fn the_export_badge_says_how_many_wait_and_for_how_long_in_the_headers_full_height() {
    let (_, mut state) = samples().into_iter().find(|(n, _)| *n == "status-standalone").expect("sample");
    state.status.export = Some(ExportAlert { refused: 0, waiting: 12, waited: "7 min".into() });
    // What the badge says (layout::export::export_badge asks for this message).
    let words = till_display::i18n::Words(till_display::i18n::Language::English);
    let args = [("count", till_display::i18n::Arg::Count(12)), ("age", till_display::i18n::Arg::Text("7 min"))];
    assert_eq!(words.t_with("export-badge-waiting", &args), "Export: 12 waiting (7 min)");
    for size in SIZES {
        let map = hit_map(&state, size);
        let badge = map.iter().find(|(_, i)| *i == Intent::OpenExport).map(|(r, _)| *r);
        assert!(badge.is_some_and(|r| r.top_left.y == 0 && r.size.height >= 48), "{size:?}: {map:?}");
    }
}

#[test]
fn a_conflicts_list_that_shrank_under_its_page_still_pages_back() {
    let (_, mut state) = samples().into_iter().find(|(n, _)| *n == "conflicts").expect("conflicts sample");
    if let Screen::Conflicts(view) = &mut state.screen {
        // Showing page 7 of a list that now has 3 entries: the last page shows, and ‹ goes one back.
        view.page = 7;
    }
    for size in SIZES {
        let map = hit_map(&state, size);
        assert!(map.iter().any(|(_, i)| *i == Intent::ConflictsPage(0)), "{size:?}: {map:?}");
        assert!(!map.iter().any(|(_, i)| matches!(i, Intent::ConflictsPage(p) if *p >= 2)), "{size:?}: {map:?}");
    }
}

#[test]
fn a_login_pad_takes_no_digits_before_a_name_is_picked() {
    let (_, mut state) = samples().into_iter().find(|(n, _)| *n == "pinpad-login").expect("pinpad-login sample");
    if let Screen::PinPad(pad) = &mut state.screen {
        pad.selected = None;
        pad.entered = 0;
    }
    for size in SIZES {
        let map = hit_map(&state, size);
        assert!(!map.iter().any(|(_, i)| matches!(i, Intent::PinDigit(_) | Intent::PinEnter)), "{size:?}: {map:?}");
        assert!(map.iter().any(|(_, i)| *i == Intent::PickUser(0)), "{size:?}: {map:?}");
    }
    assert_eq!(key_intent(&state, Key::Char('5')), None);
}

#[test]
fn a_user_list_that_shrank_under_its_page_still_pages_back() {
    let (_, mut state) = samples().into_iter().find(|(n, _)| *n == "pinpad-login").expect("pinpad-login sample");
    if let Screen::PinPad(pad) = &mut state.screen {
        pad.users_page = 9;
    }
    for size in SIZES {
        let map = hit_map(&state, size);
        // Seven names, four a page at both sizes: the last page shows Gus, and only ‹, to page 0.
        let arrows: Vec<&Intent> = map.iter().map(|(_, i)| i).filter(|i| matches!(i, Intent::UsersPage(_))).collect();
        assert_eq!(arrows, [&Intent::UsersPage(0)], "{size:?}: {map:?}");
        assert!(map.iter().any(|(_, i)| *i == Intent::PickUser(6)), "{size:?}: {map:?}");
    }
}

#[test]
fn taps_outside_targets_do_nothing() {
    let (_, state) = samples().remove(0);
    assert_eq!(hit_test(&state, Size::new(800, 480), Point::new(5, 5)), None);
    assert_eq!(hit_test(&state, Size::new(800, 480), Point::new(-1, 900)), None);
}

#[test]
fn physical_keys() {
    let all = samples();
    let get =
        |name: &str| all.iter().find(|(n, _)| *n == name).map(|(_, s)| s.clone()).unwrap_or_else(|| panic!("{name}"));
    let kb = get("keyboard");
    assert_eq!(key_intent(&kb, Key::Char('x')), Some(Intent::TypeChar('x')));
    assert_eq!(key_intent(&kb, Key::Enter), Some(Intent::DoneTyping));
    assert_eq!(key_intent(&kb, Key::Escape), Some(Intent::CancelTyping));
    assert_eq!(key_intent(&kb, Key::Backspace), Some(Intent::Backspace));
    assert_eq!(key_intent(&get("server-setup"), Key::Enter), Some(Intent::Save));
    assert_eq!(key_intent(&get("settings"), Key::Escape), Some(Intent::Back));
    assert_eq!(key_intent(&get("banner-error"), Key::Escape), Some(Intent::DismissBanner));
    assert_eq!(key_intent(&get("status-server"), Key::Escape), None);
    assert_eq!(key_intent(&get("conflicts"), Key::Escape), Some(Intent::Back));
    assert_eq!(key_intent(&get("conflicts-note"), Key::Enter), Some(Intent::DoneTyping));

    let login = get("pinpad-login");
    assert_eq!(key_intent(&login, Key::Char('7')), Some(Intent::PinDigit(7)));
    assert_eq!(key_intent(&login, Key::Char('0')), Some(Intent::PinDigit(0)));
    assert_eq!(key_intent(&login, Key::Char('a')), None);
    assert_eq!(key_intent(&login, Key::Backspace), Some(Intent::PinBackspace));
    assert_eq!(key_intent(&login, Key::Enter), Some(Intent::PinEnter));
    assert_eq!(key_intent(&login, Key::Escape), None, "no Cancel at login");
    let approve = get("pinpad-approve");
    assert_eq!(key_intent(&approve, Key::Escape), Some(Intent::CancelPin));
    assert_eq!(key_intent(&approve, Key::Enter), None, "nothing typed yet");
    let locked = get("pinpad-locked");
    assert_eq!(key_intent(&locked, Key::Char('1')), None);
    assert_eq!(key_intent(&locked, Key::Enter), None);
    assert_eq!(key_intent(&get("pinpad-first-manager"), Key::Escape), None);
    assert_eq!(key_intent(&get("pinpad-first-manager"), Key::Enter), Some(Intent::PinEnter));

    let cash = get("amount-cash");
    assert_eq!(key_intent(&cash, Key::Char('4')), Some(Intent::AmountDigit(4)));
    assert_eq!(key_intent(&cash, Key::Char('.')), Some(Intent::AmountPoint));
    assert_eq!(key_intent(&cash, Key::Char(',')), Some(Intent::AmountPoint));
    assert_eq!(key_intent(&cash, Key::Backspace), Some(Intent::AmountBackspace));
    assert_eq!(key_intent(&cash, Key::Enter), Some(Intent::AmountEnter));
    assert_eq!(key_intent(&cash, Key::Escape), Some(Intent::CancelAmount));
    assert_eq!(key_intent(&cash, Key::Char('%')), None, "cash has no percent");
    let discount = get("amount-discount-percent");
    assert_eq!(key_intent(&discount, Key::Char('%')), None, "already percent");
    assert_eq!(key_intent(&discount, Key::Char('$')), Some(Intent::ToggleDiscountMode));
    let price = get("amount-line-price");
    assert_eq!(key_intent(&price, Key::Char('%')), Some(Intent::PickAmountMode(AmountMode::Percent)));
    assert_eq!(key_intent(&price, Key::Char('$')), Some(Intent::PickAmountMode(AmountMode::Money)));

    assert_eq!(key_intent(&get("pay-partial"), Key::Enter), None, "not fully paid");
    assert_eq!(key_intent(&get("pay-done-change"), Key::Enter), Some(Intent::FinishSale));
    assert_eq!(key_intent(&get("pay-done-change"), Key::Escape), Some(Intent::Back));

    // The search screen types into its query; Enter adds only an unambiguous match.
    let search = get("search-results");
    assert_eq!(key_intent(&search, Key::Char('t')), Some(Intent::TypeChar('t')));
    assert_eq!(key_intent(&search, Key::Backspace), Some(Intent::Backspace));
    assert_eq!(key_intent(&search, Key::Escape), Some(Intent::Back));
    assert_eq!(key_intent(&search, Key::Enter), None, "seven matches: Enter must not pick one");
    let mut one = search.clone();
    if let Screen::Search(view) = &mut one.screen {
        view.results = view.results[..1].to_vec().into();
    }
    assert_eq!(key_intent(&one, Key::Enter), Some(Intent::AddToCart("LAT".into())));
    assert_eq!(key_intent(&get("search-empty"), Key::Enter), None);
    assert_eq!(key_intent(&get("return-lines"), Key::Escape), Some(Intent::Back));
    // A refund pays money out: only a tap confirms it.
    assert_eq!(key_intent(&get("return-lines"), Key::Enter), None);
    // Closing the day cannot be undone and a reprint uses paper: only taps do them.
    for name in ["report-x", "report-z", "report-closing", "day-menu"] {
        assert_eq!(key_intent(&get(name), Key::Enter), None, "{name}");
    }
    for name in ["report-x", "report-closing", "day-menu", "printer"] {
        assert_eq!(key_intent(&get(name), Key::Escape), Some(Intent::Back), "{name}");
    }
    assert_eq!(key_intent(&get("report-z"), Key::Escape), Some(Intent::DismissBanner), "the banner first");
    assert_eq!(key_intent(&get("printer"), Key::Enter), Some(Intent::Save));
    assert_eq!(key_intent(&get("day-reason"), Key::Enter), Some(Intent::DoneTyping));
    // Retry sends refused entries again after a manager's PIN: only a tap asks for it.
    assert_eq!(key_intent(&get("export"), Key::Enter), None);
    assert_eq!(key_intent(&get("export"), Key::Escape), Some(Intent::Back));
}

#[test]
fn keys_on_the_pads_do_only_what_a_target_does() {
    let keys: Vec<Key> = ('0'..='9')
        .chain(".,%$a".chars())
        .map(Key::Char)
        .chain([Key::Enter, Key::Backspace, Key::Escape, Key::Tab])
        .collect();
    for (name, state) in samples() {
        if !matches!(state.screen, Screen::PinPad(_) | Screen::Amount(_) | Screen::Pay(_)) {
            continue;
        }
        for size in SIZES {
            let map = hit_map(&state, size);
            for key in &keys {
                if let Some(intent) = key_intent(&state, *key) {
                    assert!(map.iter().any(|(_, i)| *i == intent), "{name} {size:?}: {key:?} gives {intent:?}");
                }
            }
        }
    }
}

#[test]
fn a_cart_line_is_tapped_to_edit_it_and_its_cross_still_removes_it() {
    let (_, state) = samples().into_iter().find(|(n, _)| *n == "sale-categories").expect("sample");
    for size in SIZES {
        let map = hit_map(&state, size);
        let find = |want: &Intent| map.iter().find(|(_, i)| i == want).map(|(r, _)| *r);
        let edit = find(&Intent::EditLine(2)).unwrap_or_else(|| panic!("{size:?}: no EditLine(2)"));
        let remove = find(&Intent::RemoveLine(2)).unwrap_or_else(|| panic!("{size:?}: no RemoveLine(2)"));
        // Side by side on one row: the line, then its ×.
        assert_eq!(edit.top_left.y, remove.top_left.y, "{size:?}");
        assert!(edit.top_left.x + edit.size.width as i32 <= remove.top_left.x, "{size:?}");
    }
}

#[test]
fn screen_names_are_listed() {
    for (_, state) in samples() {
        assert!(Screen::NAMES.contains(&state.screen.name()));
    }
}

#[test]
fn partial_cart_redraw_matches_full_redraw() -> Result<(), Box<dyn std::error::Error>> {
    let (_, mut state) = samples().into_iter().find(|(n, _)| *n == "sale").ok_or("no sale sample")?;
    for size in SIZES {
        let mut partial = Canvas::new(size.width, size.height);
        draw(&state, &mut partial)?;
        if let Screen::Sale(sale) = &mut state.screen {
            sale.cart.push(CartLine {
                sku: "TEA".into(),
                name: "Tea".into(),
                qty: 1,
                line_cents: 300,
                discount_cents: 0,
            });
            sale.total_cents += 300;
        }
        draw_region(&state, Region::Cart, &mut partial)?;
        let mut full = Canvas::new(size.width, size.height);
        draw(&state, &mut full)?;
        assert!(partial == full, "partial cart redraw differs from a full redraw at {size:?}");
        if let Screen::Sale(sale) = &mut state.screen {
            sale.cart.pop();
            sale.total_cents -= 300;
        }
    }
    Ok(())
}
