//! Taps and keys to intents, using the same layout the screens are drawn from.

use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

use crate::layout::{Shape, amount_keys, amount_ok, layout, mode_intent, pad_intent, pin_keys};
use crate::model::{AmountMode, AmountView, Intent, Key, KeyLayer, PinPadView, PinPurpose, Screen, UiState};

/// Every tappable rectangle on this screen at this size, with what a tap there means.
pub fn hit_map(state: &UiState, size: Size) -> Vec<(Rectangle, Intent)> {
    layout(state, size)
        .nodes
        .into_iter()
        .filter_map(|node| match node.shape {
            Shape::Button { intent: Some(intent), .. } => Some((node.rect, intent)),
            _ => None,
        })
        .collect()
}

/// What a tap at `point` means on this screen, if anything.
pub fn hit_test(state: &UiState, size: Size, point: Point) -> Option<Intent> {
    hit_map(state, size).into_iter().find(|(r, _)| r.contains(point)).map(|(_, intent)| intent)
}

/// What a physical key means on this screen: typing on the keyboard and search screens, digits on the
/// PIN pad and the amount keypad (exactly what their on-screen keys send, so a greyed-out key does
/// nothing), Enter for the screen's main action (Pay on a sale with a cart, the exact amount on an
/// empty amount pad, Finish when paid), 1-9 for the pay screen's tenders, Escape to dismiss the
/// banner or go back.
pub fn key_intent(state: &UiState, key: Key) -> Option<Intent> {
    if let Screen::Search(view) = &state.screen {
        return match key {
            Key::Char(c) => Some(Intent::TypeChar(c)),
            Key::Backspace => Some(Intent::Backspace),
            // Enter adds the product only when the query names one (a typed or scanned SKU):
            // never a guess among several.
            Key::Enter => match &view.results[..] {
                [only] => Some(Intent::AddToCart(only.sku.clone())),
                _ => None,
            },
            Key::Escape => Some(Intent::Back),
            Key::Tab => Some(Intent::SwitchLayer(match view.layer {
                KeyLayer::Symbols => KeyLayer::Lower,
                KeyLayer::Lower | KeyLayer::Upper => KeyLayer::Symbols,
            })),
        };
    }
    if let Screen::Keyboard(kb) = &state.screen {
        return match key {
            Key::Char(c) => Some(Intent::TypeChar(c)),
            Key::Backspace => Some(Intent::Backspace),
            Key::Enter => Some(Intent::DoneTyping),
            Key::Escape => Some(Intent::CancelTyping),
            // Tab flips letters/symbols, the way the on-screen layer key does.
            Key::Tab => Some(Intent::SwitchLayer(match kb.layer {
                KeyLayer::Symbols => KeyLayer::Lower,
                KeyLayer::Lower | KeyLayer::Upper => KeyLayer::Symbols,
            })),
        };
    }
    match (&state.screen, key) {
        (_, Key::Escape) if state.banner.is_some() => return Some(Intent::DismissBanner),
        (Screen::PinPad(pad), key) => return pin_key(pad, key),
        (Screen::Amount(view), key) => return amount_key(view, &state.status.money, key),
        _ => {}
    }
    match key {
        Key::Escape => match state.screen {
            Screen::Status => None,
            Screen::Sale(_) => Some(Intent::OpenStatus),
            _ => Some(Intent::Back),
        },
        Key::Enter => match &state.screen {
            Screen::ServerSetup(_) | Screen::ClientSetup(_) | Screen::Printer(_) => Some(Intent::Save),
            Screen::TestResult(crate::model::TestOutcome::Ok { .. }) => Some(Intent::Save),
            Screen::TestResult(_) => Some(Intent::TestConnection),
            Screen::ScanResults(scan) if !scan.servers.is_empty() => Some(Intent::PickServer(0)),
            Screen::Status => Some(Intent::OpenSale),
            Screen::Sale(sale) if !sale.cart.is_empty() => Some(Intent::OpenPay),
            Screen::Pay(pay) if pay.fully_paid() => Some(Intent::FinishSale),
            _ => None,
        },
        // On the pay screen, 1, 2, 3… pick the tenders in button order.
        Key::Char(c @ '1'..='9') => match &state.screen {
            Screen::Pay(pay) if !pay.fully_paid() => {
                let i = c as usize - '1' as usize;
                (i < pay.tenders.len()).then_some(Intent::PickTender(i))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The PIN pad: digits, Backspace and Enter as its keys; Escape cancels a manager approval (the only
/// PIN pad with Cancel).
fn pin_key(pad: &PinPadView, key: Key) -> Option<Intent> {
    let keys = pin_keys(pad);
    match key {
        Key::Char(c) if c.is_ascii_digit() => pad_intent(&keys, c.encode_utf8(&mut [0; 4])),
        Key::Backspace => pad_intent(&keys, "⌫"),
        Key::Enter => pad_intent(&keys, "OK"),
        Key::Escape => matches!(pad.purpose, PinPurpose::Approve { .. }).then_some(Intent::CancelPin),
        _ => None,
    }
}

/// The amount keypad: digits, '.' or ',' for the point, Backspace and Enter as its keys, Escape to
/// cancel; '%' and '$' switch a discount to percent or money.
fn amount_key(view: &AmountView, money: &crate::MoneyFormat, key: Key) -> Option<Intent> {
    let keys = amount_keys(view, money);
    let point = if money.locale.decimal() == ',' { "," } else { "." };
    match key {
        Key::Char(c) if c.is_ascii_digit() => pad_intent(&keys, c.encode_utf8(&mut [0; 4])),
        Key::Char('.' | ',') => pad_intent(&keys, point),
        Key::Char('%') => {
            (view.allow_percent && view.mode != AmountMode::Percent).then(|| mode_intent(view, AmountMode::Percent))
        }
        Key::Char('$') => {
            (view.allow_percent && view.mode != AmountMode::Money).then(|| mode_intent(view, AmountMode::Money))
        }
        Key::Backspace => pad_intent(&keys, "⌫"),
        // Enter with nothing typed takes the first quick amount ("Exact"): the usual case at a
        // counter with a keyboard.
        Key::Enter if view.entered.is_empty() && !view.quick.is_empty() => Some(Intent::QuickAmount(0)),
        Key::Enter => amount_ok(view),
        Key::Escape => Some(Intent::CancelAmount),
        _ => None,
    }
}
