//! The online shop export on the screen, driven by intents as taps would: the badge follows the
//! outbox, a cashier cannot send refused entries again, a manager's Retry puts them back in the
//! queue, and the errors in words.
use super::day_tests::{as_user, banner, shop};
use super::export::error_words;
use super::tests::pin;
use super::*;
use crate::config::{ExportSetup, Mode};
use crate::model::Payment;
use crate::register::Register;
use crate::store::EntryState;

/// The business day's shop (manager ann, PIN 1234; cashier bo, PIN 1357; a mug) exporting to a
/// webhook, with `dead` sales the shop refused for good.
fn exporting_shop(dead: usize) -> (tempfile::TempDir, Register) {
    let (dir, mut r) = shop();
    let setup = ExportSetup::parse(
        "webhook",
        &["url=https://shop.example/till".into(), "secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()],
        0,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    r.store_mut().set(kv::EXPORT, &setup).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..dead {
        r.create_order(&[(mug(), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    }
    for e in entries(&r, Some(EntryState::Pending)) {
        r.store_mut()
            .export_dead(e.id, "webhook: HTTP 422 {\"error\": \"unknown product MUG\"}")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(entries(&r, Some(EntryState::Dead)).len(), dead, "every sale was queued, then refused");
    (dir, r)
}

fn mug() -> crate::model::Sku {
    "MUG".parse().unwrap_or_else(|_| unreachable!())
}

fn entries(r: &Register, state: Option<EntryState>) -> Vec<crate::store::OutboxEntry> {
    r.store().reader().export_entries(state, 100).unwrap_or_else(|e| panic!("{e}"))
}

fn dead(ui: &Ui) -> usize {
    entries(&lock(&ui.reg), Some(EntryState::Dead)).len()
}

fn export_view(ui: &Ui) -> d::ExportView {
    match ui.state().screen {
        d::Screen::Export(v) => v,
        other => panic!("not the export screen: {other:?} ({})", banner(ui)),
    }
}

#[test]
fn a_cashier_cannot_send_refused_entries_again_without_a_manager() {
    let (_dir, r) = exporting_shop(1);
    let mut ui = as_user(r, "bo", "1357");
    let alert = ui.state().status.export.unwrap_or_else(|| panic!("no export badge"));
    assert_eq!(alert.refused, 1);

    // Sent as a stale screen or a script would: refused in code, not only unshown.
    for intent in [d::Intent::ConfirmRetryExport, d::Intent::RetryExport] {
        let name = format!("{intent:?}");
        assert_eq!(ui.handle(intent), None, "{name}");
        assert_eq!(ui.state().screen.name(), "sale", "{name} was refused");
        assert_eq!(dead(&ui), 1, "{name} sent nothing again");
    }
    // On the export screen too: the retry itself needs the approval, whatever shows.
    ui.handle(d::Intent::OpenExport);
    let view = export_view(&ui);
    assert_eq!((view.connector.as_deref(), view.destination.as_str()), (Some("webhook"), "https://shop.example/till"));
    assert_eq!((view.pending, view.sent, view.dead), (0, 0, 1));
    assert_eq!(
        view.last_error.as_deref(),
        Some("The shop refused an entry (HTTP 422): {\"error\": \"unknown product MUG\"}")
    );
    ui.handle(d::Intent::ConfirmRetryExport);
    assert_eq!(ui.state().screen.name(), "export");
    assert_eq!(dead(&ui), 1);

    // Retry asks a manager on the PIN pad; the cashier's own PIN is not one.
    ui.handle(d::Intent::RetryExport);
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no manager pad: {}", banner(&ui)) };
    assert!(
        matches!(pad.purpose, d::PinPurpose::Approve { ref reason } if reason == "Send 1 refused export entry again"),
        "{pad:?}"
    );
    pin(&mut ui, "1357");
    let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no manager pad") };
    assert!(pad.error.is_some_and(|e| e.contains("Wrong PIN")), "the cashier's PIN is refused");
    ui.handle(d::Intent::CancelPin);
    assert_eq!(ui.state().screen.name(), "export", "cancelled: back to the export screen");
    ui.handle(d::Intent::ConfirmRetryExport);
    assert_eq!(dead(&ui), 1, "nothing was sent again");
    assert!(ui.counter.gate.is_none());
    assert_eq!(ui.counter.session.as_ref().map(|s| s.name.as_str()), Some("bo"));
}

#[test]
fn a_managers_retry_puts_every_refused_entry_back_in_the_queue() {
    let (_dir, r) = exporting_shop(2);
    let mut ui = as_user(r, "bo", "1357");
    ui.handle(d::Intent::OpenExport);
    assert_eq!(export_view(&ui).dead, 2);
    ui.handle(d::Intent::RetryExport);
    pin(&mut ui, "1234");
    let view = export_view(&ui);
    assert_eq!((view.pending, view.dead), (2, 0), "{}", banner(&ui));
    assert_eq!(banner(&ui), "ann approved: 2 refused entries will be sent again now.");
    let queued = entries(&lock(&ui.reg), Some(EntryState::Pending));
    assert_eq!(queued.len(), 2);
    assert!(queued.iter().all(|e| e.next_try_ms == 0), "due at once: {queued:?}");
    assert_eq!(ui.state().status.export, None, "nothing refused, nothing late: no badge");
    assert_eq!(ui.counter.session.as_ref().map(|s| s.name.as_str()), Some("bo"), "the cashier stays signed in");

    // Nothing is left to retry; leaving closes the approval, and Back returns to the sale.
    ui.handle(d::Intent::RetryExport);
    assert!(banner(&ui).starts_with("Nothing to send again"), "{}", banner(&ui));
    ui.handle(d::Intent::Back);
    assert_eq!(ui.state().screen.name(), "sale");
    assert!(ui.counter.gate.is_none(), "the approval lapses with the export screen");
    ui.handle(d::Intent::ConfirmRetryExport);
    assert_eq!(ui.state().screen.name(), "sale");
}

#[test]
fn the_badge_and_the_export_screen_follow_the_database() {
    let (dir, r) = exporting_shop(0);
    let mut ui = as_user(r, "ann", "1234");
    assert_eq!(ui.state().status.export, None, "nothing queued");
    lock(&ui.reg).create_order(&[(mug(), 1)], Payment::Card, None).unwrap_or_else(|e| panic!("{e}"));
    ui.refresh();
    assert_eq!(ui.state().status.export, None, "one waits, but not for long");

    // It waited past the threshold (queued 10 minutes ago): the badge says how many, how long.
    let conn = rusqlite::Connection::open(dir.path().join(crate::store::DB_FILE)).unwrap_or_else(|e| panic!("{e}"));
    let ago = crate::net::unix_ms() as i64 - EXPORT_LAG_BADGE_MS as i64 - 5 * 60_000;
    conn.execute("UPDATE outbox SET queued_ms = ?1", [ago]).unwrap_or_else(|e| panic!("{e}"));
    ui.refresh();
    let alert = ui.state().status.export.unwrap_or_else(|| panic!("no badge for a late entry"));
    assert_eq!((alert.refused, alert.waiting, alert.waited.as_str()), (0, 1, "10 min"));

    // The export screen reads again when the database changes, as the badge does.
    ui.handle(d::Intent::OpenStatus);
    ui.handle(d::Intent::OpenExport);
    assert_eq!((export_view(&ui).pending, export_view(&ui).oldest_waiting.as_deref()), (1, Some("10 min")));
    let id = entries(&lock(&ui.reg), None)[0].id;
    lock(&ui.reg).store_mut().export_dead(id, "webhook: HTTP 401 bad signature").unwrap_or_else(|e| panic!("{e}"));
    lock(&ui.reg).store_mut().set(kv::EXPORT_STATE, &"ok".to_string()).unwrap_or_else(|e| panic!("{e}"));
    ui.refresh();
    let view = export_view(&ui);
    assert_eq!((view.pending, view.dead, view.oldest_waiting.as_deref()), (0, 1, None));
    assert!(view.last_error.as_deref().is_some_and(|e| e.contains("credentials (HTTP 401)")), "{view:?}");
    assert_eq!(ui.state().status.export.map(|a| a.refused), Some(1));
    ui.handle(d::Intent::Back);
    assert_eq!(ui.state().screen, d::Screen::Status, "opened from the status screen: back there");

    // A client never exports (the server does for the store): no badge, whatever its outbox holds.
    lock(&ui.reg).store_mut().set(kv::MODE, &Mode::Client).unwrap_or_else(|e| panic!("{e}"));
    ui.refresh();
    assert_eq!(ui.state().status.export, None);
    // Nor without an export set up.
    lock(&ui.reg).store_mut().set(kv::MODE, &Mode::Standalone).unwrap_or_else(|e| panic!("{e}"));
    lock(&ui.reg).store_mut().clear(kv::EXPORT).unwrap_or_else(|e| panic!("{e}"));
    ui.refresh();
    assert_eq!(ui.state().status.export, None);
}

#[test]
fn export_errors_are_worded_for_a_manager() {
    let key = "0123456789abcdef0123456789abcdef:14";
    for (raw, want) in [
        (
            format!("{key}: webhook: HTTP 503 Service Unavailable"),
            "The shop had a fault (HTTP 503); Till tries again by itself: Service Unavailable",
        ),
        (
            "webhook: HTTP 403 ".into(),
            "The shop refused Till's credentials (HTTP 403); check the export's token or secret",
        ),
        (
            "conflict:ab12: shopify: HTTP 429 slow down".into(),
            "The shop asked Till to wait (HTTP 429); it tries again by itself: slow down",
        ),
        (
            "shop.example: the name does not resolve (is DNS set up?)".into(),
            "The shop's address does not resolve: is DNS set up on this register?",
        ),
        (
            format!("{key}: shop.example: no answer within 15 s"),
            "The shop did not answer within 15 s; Till tries again by itself.",
        ),
        (
            "shop.example: TLS: invalid peer certificate: UnknownIssuer".into(),
            "The secure connection to the shop failed (its certificate, or this register's clock): invalid peer \
             certificate: UnknownIssuer",
        ),
        (
            "the vendure connector is not in this build".into(),
            "This Till cannot send to that shop: its connector is not in this build.",
        ),
        ("something new: went wrong".into(), "something new: went wrong"),
    ] {
        assert_eq!(error_words(d::i18n::Words::default(), &raw), want, "{raw}");
    }
}
