//! Layout: turns a `UiState` and a screen size into a scene — a list of shapes with rectangles.
//! Drawing, partial redraw and hit-testing all read this one list, so a button is tapped exactly
//! where it is drawn.

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

use crate::model::*;
use crate::paint::theme;
use crate::text::{Align, Face, TextStyle, line_height, measure};

mod conflicts;
mod pay;
mod pinpad;
mod sale;
mod setup;
mod status;

use conflicts::*;
use pay::*;
use pinpad::*;
use sale::*;
use setup::*;
use status::*;

pub(crate) use pay::{amount_ok, mode_intent};
pub(crate) use pinpad::{amount_keys, pad_intent, pin_keys};
// Search and returns (branch `search`).
mod returns;
mod search;

use returns::*;
use search::*;
// The business day and the printer (issue 15).
mod day;
mod printer;

use day::*;
use printer::*;
// The online shop export (issue 16).
mod export;

use export::*;

/// Parts of the screen that can be redrawn on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// The header bar (register name, mode, sync dot).
    Header,
    /// The message strip under the header, when there is a banner.
    Banner,
    /// Everything under the header and banner (includes the cart).
    Body,
    /// The sale screen's cart panel: cashier and Lock, lines, totals, Discount and Pay.
    Cart,
}

/// Sizes that depend on the panel: a 7" 800×480 gets roomier type than a 3.5" 480×320.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    pub compact: bool,
    pub header_h: u32,
    pub banner_h: u32,
    pub pad: u32,
    pub gap: u32,
    pub button_h: u32,
    pub radius: u32,
    pub title_px: u32,
    pub body_px: u32,
    pub small_px: u32,
    pub big_px: u32,
}

impl Metrics {
    pub fn for_size(size: Size) -> Self {
        if size.width < 640 || size.height < 400 {
            Metrics {
                compact: true,
                header_h: 40,
                banner_h: 48,
                pad: 8,
                gap: 8,
                button_h: 48,
                radius: 8,
                title_px: 19,
                body_px: 16,
                small_px: 13,
                big_px: 24,
            }
        } else {
            Metrics {
                compact: false,
                header_h: 56,
                banner_h: 56,
                pad: 16,
                gap: 12,
                button_h: 64,
                radius: 10,
                title_px: 26,
                body_px: 21,
                small_px: 16,
                big_px: 34,
            }
        }
    }
}

/// How a button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Look {
    pub fill: Rgb888,
    pub text: Rgb888,
    pub sub_text: Rgb888,
    pub border: Option<Rgb888>,
    pub face: Face,
    pub px: u32,
    pub sub_px: u32,
    pub align: Align,
    /// Pixels between the hit rectangle and the drawn button (keys are drawn smaller than their cell).
    pub inset: u32,
    pub radius: u32,
}

/// One drawable thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A filled rounded rectangle.
    Fill { color: Rgb888, radius: u32 },
    /// One line of text, vertically centred, truncated with "…".
    Text { text: String, style: TextStyle },
    /// Text that keeps its end visible (typed values): "…" at the front when too long.
    TextTail { text: String, style: TextStyle },
    /// Wrapped text from the top of the rectangle; lines that do not fit are dropped.
    Paragraph { text: String, style: TextStyle },
    /// A round status dot.
    Dot { color: Rgb888 },
    /// A button; `intent: None` draws it disabled.
    Button { label: String, sub: Option<String>, look: Look, intent: Option<Intent> },
}

/// A shape, where it goes, what is under it, and which region redraws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    pub region: Region,
    pub rect: Rectangle,
    pub bg: Rgb888,
    pub shape: Shape,
}

/// The laid-out screen.
#[derive(Debug, Default)]
pub(crate) struct Scene {
    pub nodes: Vec<Node>,
    pub regions: Vec<(Region, Rectangle, Rgb888)>,
}

struct Builder {
    m: Metrics,
    /// How amounts are written (the store's currency and locale).
    money: crate::MoneyFormat,
    /// The language of the words.
    lang: crate::i18n::Language,
    scene: Scene,
    region: Region,
}

impl Builder {
    fn push(&mut self, rect: Rectangle, bg: Rgb888, shape: Shape) {
        self.scene.nodes.push(Node { region: self.region, rect, bg, shape });
    }

    fn fill(&mut self, rect: Rectangle, color: Rgb888, radius: u32, bg: Rgb888) {
        self.push(rect, bg, Shape::Fill { color, radius });
    }

    fn text(&mut self, rect: Rectangle, text: impl Into<String>, style: TextStyle) {
        self.push(rect, style.bg, Shape::Text { text: text.into(), style });
    }

    fn paragraph(&mut self, rect: Rectangle, text: impl Into<String>, style: TextStyle) {
        self.push(rect, style.bg, Shape::Paragraph { text: text.into(), style });
    }

    fn button(&mut self, rect: Rectangle, bg: Rgb888, label: impl Into<String>, look: Look, intent: Option<Intent>) {
        self.push(rect, bg, Shape::Button { label: label.into(), sub: None, look, intent });
    }

    /// Message `id` of the catalog, in the screen's language.
    fn t(&self, id: &str) -> String {
        crate::i18n::text(self.lang, id)
    }

    /// Message `id` with its variables.
    fn t_with(&self, id: &str, args: &[(&str, crate::i18n::Arg<'_>)]) -> String {
        crate::i18n::text_with(self.lang, id, args)
    }

    fn button_sub(&mut self, rect: Rectangle, bg: Rgb888, label: &str, sub: &str, look: Look, intent: Option<Intent>) {
        self.push(rect, bg, Shape::Button { label: label.into(), sub: Some(sub.into()), look, intent });
    }

    fn style(&self, face: Face, px: u32, color: Rgb888, bg: Rgb888, align: Align) -> TextStyle {
        TextStyle { face, px, color, bg, align }
    }

    fn look(&self, fill: Rgb888, text: Rgb888) -> Look {
        Look {
            fill,
            text,
            sub_text: theme::MUTED,
            border: None,
            face: Face::Bold,
            px: self.m.body_px,
            sub_px: self.m.small_px,
            align: Align::Center,
            inset: 0,
            radius: self.m.radius,
        }
    }

    fn primary(&self) -> Look {
        self.look(theme::PRIMARY, theme::TEXT)
    }

    fn secondary(&self) -> Look {
        self.look(theme::SECONDARY, theme::TEXT)
    }

    fn field_look(&self) -> Look {
        Look {
            border: Some(theme::LINE),
            face: Face::Regular,
            align: Align::Left,
            ..self.look(theme::FIELD, theme::TEXT)
        }
    }
}

/// A rectangle from position and size in plain integers.
pub(crate) fn rect(x: i32, y: i32, w: u32, h: u32) -> Rectangle {
    Rectangle::new(Point::new(x, y), Size::new(w, h))
}

/// The margin a button leaves its label on each side, as the renderer draws it.
pub(crate) fn label_side(width: u32, align: Align) -> u32 {
    let side = if align == Align::Center { 8 } else { 16 };
    side.min(width / 8)
}

/// How wide a centred label can be on a button `cell` wide.
fn label_room(cell: Rectangle) -> u32 {
    cell.size.width.saturating_sub(2 * label_side(cell.size.width, Align::Center))
}

/// `look` with its type stepped down until `label` fits on a button `cell` wide (inside its sides,
/// as drawn): bold at its size, then the small size, then the small size in the regular face.
fn fitting(b: &Builder, label: &str, cell: Rectangle, look: Look) -> Look {
    let room = label_room(cell);
    let steps = [(look.face, look.px), (look.face, b.m.small_px), (Face::Regular, b.m.small_px)];
    let (face, px) = steps.into_iter().find(|(face, px)| measure(label, *face, *px) <= room).unwrap_or(steps[2]);
    Look { face, px, ..look }
}

/// `r` shrunk by `dx` on the left and right and `dy` on the top and bottom.
pub(crate) fn inset(r: Rectangle, dx: u32, dy: u32) -> Rectangle {
    rect(
        r.top_left.x + dx as i32,
        r.top_left.y + dy as i32,
        r.size.width.saturating_sub(2 * dx),
        r.size.height.saturating_sub(2 * dy),
    )
}

/// Splits `r` into columns proportional to `weights`, `gap` apart, with no rounding gaps at the end.
fn columns(r: Rectangle, weights: &[u32], gap: u32) -> Vec<Rectangle> {
    let total: u32 = weights.iter().sum();
    let usable = r.size.width.saturating_sub(gap * (weights.len() as u32).saturating_sub(1));
    let mut out = Vec::with_capacity(weights.len());
    let mut acc = 0;
    for (i, w) in weights.iter().enumerate() {
        let x0 = usable * acc / total;
        acc += w;
        let x1 = usable * acc / total;
        out.push(rect(r.top_left.x + (x0 + gap * i as u32) as i32, r.top_left.y, x1 - x0, r.size.height));
    }
    out
}

/// Takes a band of height `h` off the top of `r`, returning (band, rest after `gap`).
fn take_top(r: Rectangle, h: u32, gap: u32) -> (Rectangle, Rectangle) {
    let h = h.min(r.size.height);
    let rest_h = r.size.height.saturating_sub(h + gap);
    (
        rect(r.top_left.x, r.top_left.y, r.size.width, h),
        rect(r.top_left.x, r.top_left.y + (h + gap) as i32, r.size.width, rest_h),
    )
}

/// Takes a band of height `h` off the bottom of `r`, returning (rest before `gap`, band).
fn take_bottom(r: Rectangle, h: u32, gap: u32) -> (Rectangle, Rectangle) {
    let h = h.min(r.size.height);
    let rest_h = r.size.height.saturating_sub(h + gap);
    (
        rect(r.top_left.x, r.top_left.y, r.size.width, rest_h),
        rect(r.top_left.x, r.top_left.y + (r.size.height - h) as i32, r.size.width, h),
    )
}

/// Takes a column of width `w` off the right of `r`, returning (rest before `gap`, column).
fn take_right(r: Rectangle, w: u32, gap: u32) -> (Rectangle, Rectangle) {
    let w = w.min(r.size.width);
    let rest_w = r.size.width.saturating_sub(w + gap);
    (
        rect(r.top_left.x, r.top_left.y, rest_w, r.size.height),
        rect(r.top_left.x + (r.size.width - w) as i32, r.top_left.y, w, r.size.height),
    )
}

/// The smallest tap target, in pixels either way.
const MIN_TARGET: u32 = 48;

/// Whether the header shows the open-conflicts badge: on the status and sale screens, while any
/// conflict is open.
fn shows_conflicts_badge(state: &UiState) -> bool {
    state.status.open_conflicts > 0 && matches!(state.screen, Screen::Status | Screen::Sale(_))
}

/// Whether the header shows the export badge: on the status and sale screens, while the
/// appliance reports the export's trouble (`StatusInfo::export`).
fn shows_export_badge(state: &UiState) -> bool {
    state.status.export.is_some() && matches!(state.screen, Screen::Status | Screen::Sale(_))
}

/// Whether the header carries a badge (a tap target) at all.
fn shows_badge(state: &UiState) -> bool {
    shows_conflicts_badge(state) || shows_export_badge(state)
}

/// Lays out the whole screen.
pub(crate) fn layout(state: &UiState, size: Size) -> Scene {
    let m = Metrics::for_size(size);
    let mut b = Builder {
        m,
        money: state.status.money,
        lang: state.status.language,
        scene: Scene::default(),
        region: Region::Header,
    };
    let full = rect(0, 0, size.width, size.height);
    // The badge is a tap target: a small panel's 40 px header grows to 48 px while it shows.
    let header_h = if shows_badge(state) { m.header_h.max(MIN_TARGET) } else { m.header_h };
    let (header, rest) = take_top(full, header_h, 0);
    // A small panel cannot fit a banner strip above the keyboard's four 48 px key rows, so there the
    // banner covers the header bar instead, without its own close button (it stays after the keyboard).
    // The search screen has the same keys under its results.
    let banner_over_header =
        m.compact && matches!(state.screen, Screen::Keyboard(_) | Screen::Search(_)) && state.banner.is_some();
    if !banner_over_header {
        b.scene.regions.push((Region::Header, header, theme::HEADER));
        header_bar(&mut b, state, header);
    }

    let body = match &state.banner {
        Some(banner) => {
            let (strip, rest) = if banner_over_header { (header, rest) } else { take_top(rest, m.banner_h, 0) };
            b.region = Region::Banner;
            let bg = match banner.kind {
                BannerKind::Error => theme::ERROR_BG,
                BannerKind::Info => theme::INFO_BG,
            };
            b.scene.regions.push((Region::Banner, strip, bg));
            banner_strip(&mut b, banner, strip, bg, !banner_over_header);
            rest
        }
        None => rest,
    };
    b.region = Region::Body;
    b.scene.regions.push((Region::Body, body, theme::BG));
    let content = inset(body, m.pad, m.pad);
    match &state.screen {
        Screen::Status => status_screen(&mut b, &state.status, content),
        Screen::Settings { current } => {
            settings_screen(&mut b, *current, state.status.update_ready.as_deref(), content)
        }
        Screen::ServerSetup(form) => server_setup(&mut b, form, content),
        Screen::ClientSetup(form) => client_setup(&mut b, form, content),
        Screen::ScanResults(scan) => scan_screen(&mut b, scan, content),
        Screen::Keyboard(kb) => keyboard_screen(&mut b, kb, body),
        Screen::TestResult(outcome) => test_screen(&mut b, outcome, content),
        Screen::Sale(sale) => sale_screen(&mut b, sale, content),
        Screen::Conflicts(view) => conflicts_screen(&mut b, view, content),
        Screen::PinPad(view) => pin_pad_screen(&mut b, view, content),
        Screen::Pay(view) => pay_screen(&mut b, view, content),
        Screen::Amount(view) => amount_screen(&mut b, view, content),
        Screen::Search(view) => search_screen(&mut b, view, body),
        Screen::Return(view) => return_screen(&mut b, view, content),
        Screen::Day(view) => day_screen(&mut b, view, content),
        Screen::Report(view) => report_screen(&mut b, view, content),
        Screen::Printer(view) => printer_screen(&mut b, view, content),
        Screen::Export(view) => export_screen(&mut b, view, content),
    }
    b.scene
}

/// What the header's sync dot says: colour and a few words.
fn sync_summary(b: &Builder, status: &StatusInfo) -> (Rgb888, String) {
    use crate::i18n::Arg;
    match status.mode {
        Mode::Standalone => (theme::GREY, b.t("header-not-syncing")),
        Mode::Server => match status.peers.len() {
            0 => (theme::AMBER, b.t("header-no-registers")),
            n => (theme::GREEN, b.t_with("header-registers", &[("count", Arg::Count(n as i64))])),
        },
        Mode::Client => match (&status.last_sync, status.pending_events) {
            (None, _) => (theme::RED, b.t("header-not-synced")),
            (Some(ago), 0) => (theme::GREEN, b.t_with("header-synced", &[("ago", Arg::Text(ago))])),
            (Some(_), n) => (theme::AMBER, b.t_with("header-to-send", &[("count", Arg::Count(n as i64))])),
        },
    }
}

fn mode_color(mode: Mode) -> Rgb888 {
    match mode {
        Mode::Standalone => theme::GREY,
        Mode::Server => theme::GREEN,
        Mode::Client => theme::PRIMARY,
    }
}

fn header_bar(b: &mut Builder, state: &UiState, r: Rectangle) {
    let m = b.m;
    b.fill(r, theme::HEADER, 0, theme::HEADER);
    let inner = inset(r, m.pad, 0);
    let (dot_color, sync_text) = sync_summary(b, &state.status);
    let sync_px = m.small_px + 1;
    let sync_w = measure(&sync_text, Face::Regular, sync_px) + 2;
    let dot = sync_px * 3 / 4;
    let (rest, right) = take_right(inner, sync_w + dot + 8, m.gap);
    b.push(
        rect(right.top_left.x, right.top_left.y, dot, right.size.height),
        theme::HEADER,
        Shape::Dot { color: dot_color },
    );
    let text_r = rect(right.top_left.x + (dot + 8) as i32, right.top_left.y, sync_w, right.size.height);
    b.text(text_r, sync_text, b.style(Face::Regular, sync_px, theme::TEXT, theme::HEADER, Align::Left));

    let chip_label = mode_name(b, state.status.mode).to_uppercase();
    let chip_px = m.small_px - 2;
    let chip_w = measure(&chip_label, Face::Bold, chip_px) + 2 * (chip_px / 2 + 4);
    let mut rest = rest;
    if shows_conflicts_badge(state) {
        let open = state.status.open_conflicts;
        let label = b.t_with("header-conflicts", &[("count", crate::i18n::Arg::Count(open as i64))]);
        rest = header_badge(b, &label, theme::AMBER, Intent::OpenConflicts, rest);
    }
    if let Some(alert) = state.status.export.as_ref().filter(|_| shows_export_badge(state)) {
        // The name keeps at least a few letters beside the mode chip: a narrow header words the
        // badge shorter.
        let keep = chip_w + m.gap + 3 * m.title_px;
        let full = export_badge(b, alert, false);
        let label =
            if badge_width(&m, &full) + m.gap + keep <= rest.size.width { full } else { export_badge(b, alert, true) };
        let color = if alert.refused > 0 { theme::RED } else { theme::AMBER };
        rest = header_badge(b, &label, color, Intent::OpenExport, rest);
    }
    let name_w = rest.size.width.saturating_sub(chip_w + m.gap);
    let name = if state.status.register_name.is_empty() { "Till" } else { &state.status.register_name };
    let name_shown = crate::text::truncate(name, Face::Bold, m.title_px, name_w);
    let shown_w = measure(&name_shown, Face::Bold, m.title_px);
    b.text(
        rect(rest.top_left.x, rest.top_left.y, shown_w + 2, rest.size.height),
        name_shown,
        b.style(Face::Bold, m.title_px, theme::TEXT, theme::HEADER, Align::Left),
    );
    let chip_h = chip_px + 12;
    let chip = rect(
        rest.top_left.x + (shown_w + m.gap) as i32,
        rest.top_left.y + (rest.size.height - chip_h) as i32 / 2,
        chip_w,
        chip_h,
    );
    // A header crowded by badges keeps them and drops the chip rather than draw it over them.
    if shown_w + m.gap + chip_w <= rest.size.width {
        b.fill(chip, mode_color(state.status.mode), chip_h / 2, theme::HEADER);
        b.text(
            chip,
            chip_label,
            b.style(Face::Bold, chip_px, theme::TEXT, mode_color(state.status.mode), Align::Center),
        );
    }
}

/// The header's badges: the target spans the header's height, the pill is drawn this far inside it.
fn badge_edge(m: &Metrics) -> u32 {
    if m.compact { 8 } else { 10 }
}

/// The badge's type size and the icon's diameter in a header `h` px tall.
fn badge_sizes(m: &Metrics, h: u32) -> (u32, u32) {
    let px = m.small_px + 1;
    let pill_h = h.saturating_sub(2 * badge_edge(m));
    (px, pill_h.saturating_sub(12).max(px))
}

/// How wide a header badge with `label` is, its target included (in a 48 px header at least).
fn badge_width(m: &Metrics, label: &str) -> u32 {
    let (px, icon) = badge_sizes(m, m.header_h.max(MIN_TARGET));
    let pill_w = 8 + icon + 6 + measure(label, Face::Bold, px) + 2 + 12;
    (pill_w + 2 * badge_edge(m)).max(MIN_TARGET)
}

/// A "! 2 conflicts" pill in `color` at the right of `r` (before the sync text or the badge
/// beside it), tapped for `intent`; returns what is left of `r` for the name and mode chip.
fn header_badge(b: &mut Builder, label: &str, color: Rgb888, intent: Intent, r: Rectangle) -> Rectangle {
    let m = b.m;
    let edge = badge_edge(&m);
    let (px, icon) = badge_sizes(&m, r.size.height);
    let pill_h = r.size.height.saturating_sub(2 * edge);
    let text_w = measure(label, Face::Bold, px) + 2;
    let pill_w = 8 + icon + 6 + text_w + 12;
    let (rest, cell) = take_right(r, (pill_w + 2 * edge).max(MIN_TARGET), m.gap);
    let look = Look { inset: edge, radius: pill_h / 2, ..b.look(color, theme::TEXT) };
    b.button(cell, theme::HEADER, "", look, Some(intent));
    let pill = inset(cell, edge, edge);
    let icon_r = rect(pill.top_left.x + 8, pill.top_left.y + (pill_h - icon) as i32 / 2, icon, icon);
    b.push(icon_r, color, Shape::Dot { color: theme::TEXT });
    b.text(icon_r, "!", b.style(Face::Bold, icon * 3 / 4, color, theme::TEXT, Align::Center));
    let text_r = rect(icon_r.top_left.x + (icon + 6) as i32, pill.top_left.y, text_w, pill_h);
    b.text(text_r, label, b.style(Face::Bold, px, theme::TEXT, color, Align::Left));
    rest
}

fn banner_strip(b: &mut Builder, banner: &Banner, r: Rectangle, bg: Rgb888, closable: bool) {
    let m = b.m;
    b.fill(r, bg, 0, bg);
    let (text_r, close) =
        if closable { take_right(inset(r, m.pad, 0), m.banner_h.max(56), m.gap) } else { (inset(r, m.pad, 0), r) };
    let icon = match banner.kind {
        BannerKind::Error => "✗",
        BannerKind::Info => "✓",
    };
    let icon_w = measure(icon, Face::Bold, m.body_px) + 10;
    b.text(
        rect(text_r.top_left.x, text_r.top_left.y, icon_w, text_r.size.height),
        icon,
        b.style(Face::Bold, m.body_px, theme::TEXT, bg, Align::Left),
    );
    let text_r = rect(
        text_r.top_left.x + icon_w as i32,
        text_r.top_left.y,
        text_r.size.width.saturating_sub(icon_w),
        text_r.size.height,
    );
    if measure(&banner.text, Face::Regular, m.body_px) <= text_r.size.width {
        b.text(text_r, banner.text.clone(), b.style(Face::Regular, m.body_px, theme::TEXT, bg, Align::Left));
    } else {
        // Long messages: two smaller lines rather than losing the advice at the end.
        let lh = line_height(m.small_px);
        let para = rect(
            text_r.top_left.x,
            text_r.top_left.y + (text_r.size.height.saturating_sub(2 * lh) / 2) as i32,
            text_r.size.width,
            2 * lh,
        );
        b.paragraph(para, banner.text.clone(), b.style(Face::Regular, m.small_px, theme::TEXT, bg, Align::Left));
    }
    if closable {
        let look = Look { px: m.title_px, ..b.look(bg, theme::TEXT) };
        b.button(close, bg, "×", look, Some(Intent::DismissBanner));
    }
}
