//! Layout: turns a `UiState` and a screen size into a scene — a list of shapes with rectangles.
//! Drawing, partial redraw and hit-testing all read this one list, so a button is tapped exactly
//! where it is drawn.

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

use crate::model::*;
use crate::money::format_cents;
use crate::paint::theme;
use crate::text::{Align, Face, TextStyle, line_height, measure};

/// Parts of the screen that can be redrawn on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// The header bar (register name, mode, sync dot).
    Header,
    /// The message strip under the header, when there is a banner.
    Banner,
    /// Everything under the header and banner (includes the cart).
    Body,
    /// The sale screen's cart panel: lines, total and pay buttons.
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
fn shows_badge(state: &UiState) -> bool {
    state.status.open_conflicts > 0 && matches!(state.screen, Screen::Status | Screen::Sale(_))
}

/// Lays out the whole screen.
pub(crate) fn layout(state: &UiState, size: Size) -> Scene {
    let m = Metrics::for_size(size);
    let mut b = Builder { m, scene: Scene::default(), region: Region::Header };
    let full = rect(0, 0, size.width, size.height);
    // The badge is a tap target: a small panel's 40 px header grows to 48 px while it shows.
    let header_h = if shows_badge(state) { m.header_h.max(MIN_TARGET) } else { m.header_h };
    let (header, rest) = take_top(full, header_h, 0);
    // A small panel cannot fit a banner strip above the keyboard's four 48 px key rows, so there the
    // banner covers the header bar instead, without its own close button (it stays after the keyboard).
    let banner_over_header = m.compact && matches!(state.screen, Screen::Keyboard(_)) && state.banner.is_some();
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
        Screen::Settings { current } => settings_screen(&mut b, *current, content),
        Screen::ServerSetup(form) => server_setup(&mut b, form, content),
        Screen::ClientSetup(form) => client_setup(&mut b, form, content),
        Screen::ScanResults(scan) => scan_screen(&mut b, scan, content),
        Screen::Keyboard(kb) => keyboard_screen(&mut b, kb, body),
        Screen::TestResult(outcome) => test_screen(&mut b, outcome, content),
        Screen::Sale(sale) => sale_screen(&mut b, sale, content),
        Screen::Conflicts(view) => conflicts_screen(&mut b, view, content),
    }
    b.scene
}

/// What the header's sync dot says: colour and a few words.
fn sync_summary(status: &StatusInfo) -> (Rgb888, String) {
    match status.mode {
        Mode::Standalone => (theme::GREY, "Not syncing".into()),
        Mode::Server => match status.peers.len() {
            0 => (theme::AMBER, "No registers yet".into()),
            1 => (theme::GREEN, "1 register".into()),
            n => (theme::GREEN, format!("{n} registers")),
        },
        Mode::Client => match (&status.last_sync, status.pending_events) {
            (None, _) => (theme::RED, "Not synced".into()),
            (Some(ago), 0) => (theme::GREEN, format!("Synced {ago}")),
            (Some(_), n) => (theme::AMBER, format!("{n} to send")),
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
    let (dot_color, sync_text) = sync_summary(&state.status);
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
    let rest = if shows_badge(state) { conflicts_badge(b, state.status.open_conflicts, rest) } else { rest };

    let chip_label = state.status.mode.label().to_uppercase();
    let chip_px = m.small_px - 2;
    let chip_w = measure(&chip_label, Face::Bold, chip_px) + 2 * (chip_px / 2 + 4);
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
    b.fill(chip, mode_color(state.status.mode), chip_h / 2, theme::HEADER);
    b.text(chip, chip_label, b.style(Face::Bold, chip_px, theme::TEXT, mode_color(state.status.mode), Align::Center));
}

/// The amber "! 2 conflicts" pill at the right of `r` (before the sync text), tapped to open the
/// conflicts screen; returns what is left of `r` for the name and mode chip.
fn conflicts_badge(b: &mut Builder, open: u64, r: Rectangle) -> Rectangle {
    let m = b.m;
    let label = if open == 1 { "1 conflict".to_string() } else { format!("{open} conflicts") };
    let px = m.small_px + 1;
    // The target spans the header's height; the pill is drawn inside it, `edge` px in.
    let edge = if m.compact { 8 } else { 10 };
    let pill_h = r.size.height.saturating_sub(2 * edge);
    let icon = pill_h.saturating_sub(12).max(px);
    let text_w = measure(&label, Face::Bold, px) + 2;
    let pill_w = 8 + icon + 6 + text_w + 12;
    let (rest, cell) = take_right(r, (pill_w + 2 * edge).max(MIN_TARGET), m.gap);
    let look = Look { inset: edge, radius: pill_h / 2, ..b.look(theme::AMBER, theme::TEXT) };
    b.button(cell, theme::HEADER, "", look, Some(Intent::OpenConflicts));
    let pill = inset(cell, edge, edge);
    let icon_r = rect(pill.top_left.x + 8, pill.top_left.y + (pill_h - icon) as i32 / 2, icon, icon);
    b.push(icon_r, theme::AMBER, Shape::Dot { color: theme::TEXT });
    b.text(icon_r, "!", b.style(Face::Bold, icon * 3 / 4, theme::AMBER, theme::TEXT, Align::Center));
    let text_r = rect(icon_r.top_left.x + (icon + 6) as i32, pill.top_left.y, text_w, pill_h);
    b.text(text_r, label, b.style(Face::Bold, px, theme::TEXT, theme::AMBER, Align::Left));
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

/// Key/value rows for the status panel: label, value, optional dot colour.
fn status_rows(status: &StatusInfo, with_mode: bool) -> Vec<(String, String, Option<Rgb888>)> {
    let mut rows = Vec::new();
    if with_mode {
        rows.push(("Mode".into(), status.mode.label().into(), Some(mode_color(status.mode))));
    }
    let last_sync = status.last_sync.clone().unwrap_or_else(|| "never".into());
    let address = || status.server_address.clone().unwrap_or_else(|| "not set".into());
    match status.mode {
        Mode::Standalone => {
            rows.push(("Network".into(), "off — works alone".into(), None));
        }
        Mode::Server => {
            rows.push(("Listening on".into(), address(), None));
            rows.push(("Registers online".into(), status.peers.len().to_string(), None));
            rows.push(("Pending events".into(), status.pending_events.to_string(), None));
            rows.push(("Last sync".into(), last_sync, None));
        }
        Mode::Client => {
            rows.push(("Server".into(), address(), None));
            rows.push(("Last sync".into(), last_sync, None));
            rows.push(("Sales to send".into(), status.pending_events.to_string(), None));
        }
    }
    let clock = match status.clock {
        ClockState::Synced { offset_ms } => ("synced".to_string(), theme::GREEN, offset_ms),
        ClockState::Local => ("own clock".to_string(), theme::GREY, 0),
        ClockState::Unknown => ("not checked yet".to_string(), theme::AMBER, 0),
    };
    let clock_text = match status.clock {
        ClockState::Synced { .. } if clock.2 != 0 => format!("{} ({:+} ms)", clock.0, clock.2),
        _ => clock.0,
    };
    rows.push(("Clock".into(), clock_text, Some(clock.1)));
    rows
}

fn status_screen(b: &mut Builder, status: &StatusInfo, r: Rectangle) {
    let m = b.m;
    let (main, buttons) = take_bottom(r, m.button_h, m.gap);
    let (left, right) = if m.compact {
        (main, None)
    } else {
        let (l, rr) = take_right(main, main.size.width * 2 / 5, m.gap + 4);
        (l, Some(rr))
    };
    let rows = status_rows(status, true);
    let row_h = (left.size.height.saturating_sub(m.pad) / rows.len() as u32).min(if m.compact { 34 } else { 52 });
    let panel = rect(left.top_left.x, left.top_left.y, left.size.width, row_h * rows.len() as u32 + m.pad);
    b.fill(panel, theme::PANEL, m.radius, theme::BG);
    let inner = inset(panel, m.pad, m.pad / 2);
    for (i, (label, value, dot)) in rows.iter().enumerate() {
        let row = rect(inner.top_left.x, inner.top_left.y + (i as u32 * row_h) as i32, inner.size.width, row_h);
        if i > 0 {
            b.fill(rect(row.top_left.x, row.top_left.y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
        }
        let (lab, val) = take_right(row, row.size.width * 11 / 20, m.gap);
        b.text(lab, label.clone(), b.style(Face::Regular, m.body_px, theme::MUTED, theme::PANEL, Align::Left));
        let value_w = measure(value, Face::Bold, m.body_px).min(val.size.width.saturating_sub(m.body_px));
        b.text(val, value.clone(), b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Right));
        if let Some(color) = dot {
            let d = m.body_px / 2;
            let x = val.top_left.x + (val.size.width - value_w) as i32 - (d + 8) as i32;
            b.push(rect(x, row.top_left.y, d, row_h), theme::PANEL, Shape::Dot { color: *color });
        }
    }
    if let Some(right) = right {
        peers_card(b, status, right);
    }
    if status.mode == Mode::Server {
        // A server offers a pairing code for a new register (instead of typing the secret there).
        let cols = columns(buttons, &[1, 1, 1], m.gap);
        b.button(cols[0], theme::BG, "Settings", b.secondary(), Some(Intent::OpenSettings));
        let pair = if m.compact { "Pair" } else { "Pair register" };
        b.button(cols[1], theme::BG, pair, b.secondary(), Some(Intent::PairRegister));
        b.button(cols[2], theme::BG, "New sale", b.primary(), Some(Intent::OpenSale));
        return;
    }
    let cols = columns(buttons, &[1, 1], m.gap);
    b.button(cols[0], theme::BG, "Settings", b.secondary(), Some(Intent::OpenSettings));
    b.button(cols[1], theme::BG, "New sale", b.primary(), Some(Intent::OpenSale));
}

fn peers_card(b: &mut Builder, status: &StatusInfo, r: Rectangle) {
    let m = b.m;
    b.fill(r, theme::PANEL, m.radius, theme::BG);
    let inner = inset(r, m.pad, m.pad / 2);
    let title = match status.mode {
        Mode::Client => "Server".to_string(),
        _ => format!("Registers ({})", status.peers.len()),
    };
    let (title_r, mut list) = take_top(inner, 40, 0);
    b.text(title_r, title, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
    if status.peers.is_empty() {
        let hint = match status.mode {
            Mode::Standalone => "This register works on its own. Choose Server or Client in Settings to share sales.",
            Mode::Server => "No register has connected yet. Set the others to Client mode and pick this one.",
            Mode::Client => "Not connected to the server yet.",
        };
        b.paragraph(list, hint, b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left));
        return;
    }
    let row_h = line_height(m.body_px) + line_height(m.small_px) + 8;
    let fit = (list.size.height / row_h) as usize;
    let shown = if status.peers.len() > fit { fit.saturating_sub(1) } else { status.peers.len() };
    for peer in status.peers.iter().take(shown) {
        let (row, rest) = take_top(list, row_h, 0);
        list = rest;
        b.fill(rect(row.top_left.x, row.top_left.y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
        let (name_r, detail_r) = take_top(inset(row, 0, 4), line_height(m.body_px), 0);
        b.text(name_r, peer.name.clone(), b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
        b.text(
            detail_r,
            format!("{} · {}", peer.address, peer.last_seen),
            b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
        );
    }
    if shown < status.peers.len() {
        let more = rect(list.top_left.x, list.top_left.y, list.size.width, line_height(m.small_px) + 8);
        b.text(
            more,
            format!("+ {} more", status.peers.len() - shown),
            b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
        );
    }
}

/// A title line at the top of `r` if there is room for `needed` more pixels under it; returns the rest.
fn title_if_room(b: &mut Builder, r: Rectangle, title: &str, needed: u32) -> Rectangle {
    let m = b.m;
    let h = line_height(m.title_px) + 4;
    if r.size.height < needed + h + m.gap {
        return r;
    }
    let (title_r, rest) = take_top(r, h, m.gap);
    b.text(title_r, title, b.style(Face::Bold, m.title_px, theme::TEXT, theme::BG, Align::Left));
    rest
}

fn settings_screen(b: &mut Builder, current: Mode, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let cards_h = if m.compact { 120 } else { 190 };
    let top = title_if_room(b, top, "Multi-Register", cards_h);
    let (cards_r, _) = take_top(top, top.size.height.min(cards_h * 3 / 2), 0);
    let cards = columns(cards_r, &[1, 1, 1], m.gap);
    let choices = [
        (Mode::Standalone, "Works alone. No network needed."),
        (Mode::Server, "Keeps the store's sales. Other registers sync to it."),
        (Mode::Client, "Syncs its sales with the server register."),
    ];
    for (card, (mode, text)) in cards.into_iter().zip(choices) {
        let selected = mode == current;
        let look = Look {
            fill: if selected { theme::SELECTED } else { theme::PANEL },
            border: Some(if selected { theme::PRIMARY } else { theme::LINE }),
            px: if m.compact { m.body_px + 1 } else { m.title_px },
            sub_px: m.small_px,
            sub_text: if selected { theme::TEXT } else { theme::MUTED },
            ..b.look(theme::PANEL, theme::TEXT)
        };
        let label = if selected { format!("✓ {}", mode.label()) } else { mode.label().to_string() };
        b.button_sub(card, theme::BG, &label, text, look, Some(Intent::SelectMode(mode)));
    }
    let cols = columns(bottom, &[1, 2], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
}

/// A labelled form row: label on the left, a tappable field, optionally a button on the right.
fn form_row(b: &mut Builder, row: Rectangle, label: &str, value: &str, field: Field, extra: Option<(&str, Intent)>) {
    let m = b.m;
    let label_w = if m.compact { 118 } else { 190 };
    let (label_r, rest) = (
        rect(row.top_left.x, row.top_left.y, label_w, row.size.height),
        rect(
            row.top_left.x + (label_w + m.gap) as i32,
            row.top_left.y,
            row.size.width - label_w - m.gap,
            row.size.height,
        ),
    );
    b.text(label_r, label, b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left));
    let field_r = match extra {
        Some((text, intent)) => {
            let w = measure(text, Face::Bold, m.body_px) + 2 * m.pad + 8;
            let (f, e) = take_right(rest, w.max(96), m.gap);
            b.button(e, theme::BG, text, b.secondary(), Some(intent));
            f
        }
        None => rest,
    };
    let shown = if value.is_empty() { "Tap to enter".to_string() } else { value.to_string() };
    let look = if value.is_empty() { Look { text: theme::MUTED, ..b.field_look() } } else { b.field_look() };
    b.button(field_r, theme::BG, shown, look, Some(Intent::EditField(field)));
}

fn rows_block(r: Rectangle, n: u32, row_h: u32, gap: u32) -> Vec<Rectangle> {
    (0..n).map(|i| rect(r.top_left.x, r.top_left.y + (i * (row_h + gap)) as i32, r.size.width, row_h)).collect()
}

fn server_setup(b: &mut Builder, form: &ServerForm, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let rows_h = 3 * m.button_h + 2 * m.gap;
    let top = title_if_room(b, top, "Server setup", rows_h);
    let rows = rows_block(top, 3, m.button_h, m.gap);
    form_row(b, rows[0], "Register name", &form.register_name, Field::RegisterName, None);
    form_row(b, rows[1], "Port", &form.port, Field::Port, None);
    form_row(b, rows[2], "Secret", &form.secret, Field::Secret, Some(("Generate", Intent::GenerateSecret)));
    let cols = columns(bottom, &[1, 1], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    b.button(cols[1], theme::BG, "Save", b.primary(), Some(Intent::Save));
}

fn client_setup(b: &mut Builder, form: &ClientForm, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let rows_h = 3 * m.button_h + 2 * m.gap;
    let top = title_if_room(b, top, "Client setup", rows_h);
    let rows = rows_block(top, 3, m.button_h, m.gap);
    let masked = "•".repeat(form.secret.chars().count());
    form_row(b, rows[0], "Register name", &form.register_name, Field::RegisterName, None);
    let scan = if m.compact { "Scan" } else { "Scan network" };
    form_row(b, rows[1], "Server", &form.server_address, Field::ServerAddress, Some((scan, Intent::ScanNetwork)));
    let label = if m.compact { "Secret/code" } else { "Secret or code" };
    form_row(b, rows[2], label, &masked, Field::Secret, None);
    let cols = columns(bottom, &[2, 3, 2], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    let test = if m.compact { "Test" } else { "Test connection" };
    b.button(cols[1], theme::BG, test, b.secondary(), Some(Intent::TestConnection));
    b.button(cols[2], theme::BG, "Save", b.primary(), Some(Intent::Save));
}

fn scan_screen(b: &mut Builder, scan: &ScanView, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let title = if scan.scanning {
        "Looking for servers…".to_string()
    } else {
        match scan.servers.len() {
            0 => "No servers found".to_string(),
            1 => "1 server found".to_string(),
            n => format!("{n} servers found"),
        }
    };
    let (title_r, mut list) = take_top(top, line_height(m.title_px) + 4, m.gap);
    b.text(title_r, title, b.style(Face::Bold, m.title_px, theme::TEXT, theme::BG, Align::Left));
    if let Some(error) = &scan.error {
        let (e, rest) = take_top(list, 2 * line_height(m.body_px), m.gap);
        b.paragraph(e, error.clone(), b.style(Face::Regular, m.body_px, theme::RED, theme::BG, Align::Left));
        list = rest;
    }
    if scan.servers.is_empty() && !scan.scanning && scan.error.is_none() {
        b.paragraph(
            list,
            "No server answered. Check that the server register is switched on, in Server mode and on the same \
             network — or go back and type its address.",
            b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left),
        );
    }
    let row_h = if m.compact { 52 } else { 68 };
    let fit = ((list.size.height + m.gap / 2) / (row_h + m.gap / 2)) as usize;
    for (i, server) in scan.servers.iter().enumerate().take(fit) {
        let (row, rest) = take_top(list, row_h, m.gap / 2);
        list = rest;
        let mut sub = format!("{} · {} ms", server.address, server.rtt_ms);
        if !server.same_store {
            sub.push_str(" · other store");
        }
        let look = Look {
            fill: theme::PANEL,
            border: Some(if server.same_store { theme::LINE } else { theme::AMBER }),
            align: Align::Left,
            sub_text: if server.same_store { theme::MUTED } else { theme::AMBER },
            ..b.look(theme::PANEL, theme::TEXT)
        };
        b.button_sub(row, theme::BG, &server.name, &sub, look, Some(Intent::PickServer(i)));
    }
    let cols = columns(bottom, &[1, 1], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    let again = if scan.scanning { None } else { Some(Intent::ScanNetwork) };
    b.button(cols[1], theme::BG, "Scan again", b.primary(), again);
}

/// One key: its label, width in half-units of a 20-half-unit row, and its intent.
type KeyCap = (String, u32, Intent, bool);

/// `done` labels the key that accepts the text ("Done", or the action it starts).
fn key_rows(layer: KeyLayer, done: &str) -> Vec<Vec<KeyCap>> {
    let chars = |s: &str, upper: bool| -> Vec<KeyCap> {
        s.chars()
            .map(|c| {
                let c = if upper { c.to_ascii_uppercase() } else { c };
                (c.to_string(), 2, Intent::TypeChar(c), false)
            })
            .collect()
    };
    let upper = layer == KeyLayer::Upper;
    let mut rows = Vec::new();
    let backspace = ("⌫".to_string(), 3, Intent::Backspace, true);
    let bottom = |toggle: (&str, KeyLayer)| -> Vec<KeyCap> {
        vec![
            (toggle.0.to_string(), 4, Intent::SwitchLayer(toggle.1), true),
            (",".into(), 2, Intent::TypeChar(','), false),
            ("space".into(), 8, Intent::TypeChar(' '), false),
            (".".into(), 2, Intent::TypeChar('.'), false),
            (done.to_string(), 4, Intent::DoneTyping, true),
        ]
    };
    match layer {
        KeyLayer::Lower | KeyLayer::Upper => {
            rows.push(chars("qwertyuiop", upper));
            rows.push(chars("asdfghjkl", upper));
            let shift = if upper { ("⇧", KeyLayer::Lower) } else { ("⇧", KeyLayer::Upper) };
            let mut r2 = vec![(shift.0.to_string(), 3, Intent::SwitchLayer(shift.1), true)];
            r2.extend(chars("zxcvbnm", upper));
            r2.push(backspace);
            rows.push(r2);
            rows.push(bottom(("?123", KeyLayer::Symbols)));
        }
        KeyLayer::Symbols => {
            rows.push(chars("1234567890", false));
            rows.push(chars("-/:;()$&@\"", false));
            let mut r2 = vec![("ABC".to_string(), 3, Intent::SwitchLayer(KeyLayer::Upper), true)];
            r2.extend(chars("_+=#%!?", false));
            r2.push(backspace);
            rows.push(r2);
            rows.push(bottom(("abc", KeyLayer::Lower)));
        }
    }
    rows
}

fn keyboard_screen(b: &mut Builder, kb: &KeyboardView, body: Rectangle) {
    let m = b.m;
    // Keys are laid edge to edge (cells touch, drawn keys are inset) so they reach 48 px at 480 wide.
    let side = if m.compact { 0 } else { m.pad };
    let area = inset(body, side, if m.compact { 4 } else { m.pad / 2 });
    let (value_row, keys) = take_top(area, m.button_h, if m.compact { 4 } else { m.gap });
    let (value_r, cancel_r) =
        take_right(inset(value_row, if m.compact { m.pad } else { 0 }, 0), if m.compact { 104 } else { 150 }, m.gap);
    b.fill(value_r, theme::LINE, m.radius, theme::BG);
    let field = inset(value_r, 2, 2);
    b.fill(field, theme::FIELD, m.radius.saturating_sub(2), theme::LINE);
    let label_w = measure(&kb.label, Face::Regular, m.small_px).min(field.size.width / 3);
    let inner = inset(field, m.pad, 0);
    b.text(
        rect(inner.top_left.x, inner.top_left.y, label_w, inner.size.height),
        kb.label.clone(),
        b.style(Face::Regular, m.small_px, theme::MUTED, theme::FIELD, Align::Left),
    );
    let shown = if kb.masked { "•".repeat(kb.value.chars().count()) } else { kb.value.clone() };
    let value_area = rect(
        inner.top_left.x + (label_w + m.gap) as i32,
        inner.top_left.y,
        inner.size.width.saturating_sub(label_w + m.gap),
        inner.size.height,
    );
    b.push(
        value_area,
        theme::FIELD,
        Shape::TextTail {
            text: format!("{shown}|"),
            style: b.style(Face::Regular, m.body_px + 2, theme::TEXT, theme::FIELD, Align::Left),
        },
    );
    b.button(cancel_r, theme::BG, "Cancel", b.secondary(), Some(Intent::CancelTyping));

    // A conflict's note is the last step of resolving it: the key says what it does.
    let done = if kb.field == Field::ConflictNote { "Resolve" } else { "Done" };
    let rows = key_rows(kb.layer, done);
    let row_h = keys.size.height / rows.len() as u32;
    for (ri, row) in rows.iter().enumerate() {
        let halves: u32 = row.iter().map(|k| k.1).sum();
        // Short rows (9 letters) are centred like a real keyboard.
        let offset = (20 - halves.min(20)) * keys.size.width / 40;
        let y = keys.top_left.y + (ri as u32 * row_h) as i32;
        let mut acc = 0;
        for (label, w, intent, special) in row {
            let x0 = offset + acc * keys.size.width / 20;
            acc += w;
            let x1 = offset + acc * keys.size.width / 20;
            let cell = rect(keys.top_left.x + x0 as i32, y, x1 - x0, row_h);
            let active = matches!(intent, Intent::SwitchLayer(KeyLayer::Lower)) && kb.layer == KeyLayer::Upper;
            let fill = match (intent, active, special) {
                (Intent::DoneTyping, _, _) => theme::PRIMARY,
                (_, true, _) => theme::TEXT,
                (_, _, true) => theme::KEY_SPECIAL,
                _ => theme::KEY,
            };
            let look = Look {
                inset: 3,
                radius: 6,
                px: if *special && label.chars().count() > 1 { m.small_px + 2 } else { m.body_px + 2 },
                face: if *special { Face::Bold } else { Face::Regular },
                text: if active { theme::BG } else { theme::TEXT },
                ..b.look(fill, theme::TEXT)
            };
            b.button(cell, theme::BG, label.clone(), look, Some(intent.clone()));
        }
    }
}

fn test_screen(b: &mut Builder, outcome: &TestOutcome, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let (icon, color, title, text, primary) = match outcome {
        TestOutcome::Ok { server_name, rtt_ms } => (
            "✓",
            theme::GREEN,
            format!("Connected to {server_name}"),
            format!("The server answered in {rtt_ms} ms and accepted the secret. Tap Save to start syncing with it."),
            ("Save", Intent::Save),
        ),
        TestOutcome::Unreachable { address } => (
            "✗",
            theme::RED,
            "Can't reach the server".to_string(),
            format!(
                "Nothing answered at {address}. Check that the server register is switched on and in Server \
                 mode, that both registers are on the same network, and that the address is right — or use \
                 Scan network to find it."
            ),
            ("Try again", Intent::TestConnection),
        ),
        TestOutcome::WrongSecret => (
            "✗",
            theme::RED,
            "The secret doesn't match".to_string(),
            "The server answered but refused the secret. Look it up on the server register (Settings → \
             Multi-Register → Server) and type it here exactly, then try again."
                .to_string(),
            ("Try again", Intent::TestConnection),
        ),
        TestOutcome::OtherStore { server_name } => (
            "!",
            theme::AMBER,
            "That server is another store's".to_string(),
            format!(
                "{server_name} is the server of a different store on this network. Go back and pick your own \
                 store's server (Scan network marks the others)."
            ),
            ("Try again", Intent::TestConnection),
        ),
        TestOutcome::Other(reason) => (
            "!",
            theme::AMBER,
            "The connection test failed".to_string(),
            reason.clone(),
            ("Try again", Intent::TestConnection),
        ),
    };
    let icon_d = if m.compact { 44 } else { 64 };
    let (head, para) = take_top(top, icon_d, m.gap);
    let icon_r = rect(head.top_left.x, head.top_left.y, icon_d, icon_d);
    b.push(icon_r, theme::BG, Shape::Dot { color });
    b.text(icon_r, icon, b.style(Face::Bold, icon_d / 2, theme::TEXT, color, Align::Center));
    let title_r = rect(
        head.top_left.x + (icon_d + m.gap) as i32,
        head.top_left.y,
        head.size.width.saturating_sub(icon_d + m.gap),
        icon_d,
    );
    b.text(title_r, title, b.style(Face::Bold, m.title_px, theme::TEXT, theme::BG, Align::Left));
    b.paragraph(para, text, b.style(Face::Regular, m.body_px, theme::TEXT, theme::BG, Align::Left));
    let cols = columns(bottom, &[1, 1], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    let look = if matches!(outcome, TestOutcome::Ok { .. }) { b.look(theme::GREEN, theme::TEXT) } else { b.primary() };
    b.button(cols[1], theme::BG, primary.0, look, Some(primary.1));
}

/// How the product grid is cut for a size: columns, rows, products per page.
fn grid_shape(m: &Metrics, grid: Rectangle) -> (u32, u32) {
    let cols = if m.compact { 2 } else { 3 };
    let min_tile_h = if m.compact { 64 } else { 88 };
    let rows = ((grid.size.height + m.gap) / (min_tile_h + m.gap)).max(1);
    (cols, rows)
}

fn sale_screen(b: &mut Builder, sale: &SaleView, r: Rectangle) {
    let m = b.m;
    let cart_w = if m.compact { r.size.width * 9 / 20 } else { r.size.width * 2 / 5 };
    let (left, cart) = take_right(r, cart_w, m.gap);
    let (grid, nav) = take_bottom(left, m.button_h, m.gap);
    let (cols, rows) = grid_shape(&m, grid);
    let per_page = (cols * rows) as usize;
    let pages = sale.products.len().div_ceil(per_page).max(1);
    let page = sale.page.min(pages - 1);
    let tile_h = (grid.size.height + m.gap) / rows - m.gap;
    let tile_w = (grid.size.width + m.gap) / cols - m.gap;
    for (i, p) in sale.products.iter().skip(page * per_page).take(per_page).enumerate() {
        let (c, rr) = (i as u32 % cols, i as u32 / cols);
        let tile = rect(
            grid.top_left.x + (c * (tile_w + m.gap)) as i32,
            grid.top_left.y + (rr * (tile_h + m.gap)) as i32,
            tile_w,
            tile_h,
        );
        let look = Look {
            fill: theme::TILE,
            border: Some(theme::LINE),
            sub_text: theme::GREEN,
            ..b.look(theme::TILE, theme::TEXT)
        };
        let look = Look { sub_px: m.body_px, ..look };
        b.button_sub(
            tile,
            theme::BG,
            &p.name,
            &format_cents(p.price_cents),
            look,
            Some(Intent::AddToCart(p.sku.clone())),
        );
    }
    let (menu_r, prev_r, next_r) = if m.compact {
        let c = columns(nav, &[4, 3, 3], m.gap);
        (c[0], c[1], c[2])
    } else {
        let c = columns(nav, &[3, 2, 3, 2], m.gap);
        b.text(
            c[2],
            format!("Page {} of {}", page + 1, pages),
            b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Center),
        );
        (c[0], c[1], c[3])
    };
    b.button(menu_r, theme::BG, "‹ Menu", b.secondary(), Some(Intent::OpenStatus));
    let arrow = Look { px: m.title_px, ..b.secondary() };
    // Compact arrows carry the page they go to, as there is no counter between them.
    let prev_label = if m.compact && page > 0 { format!("‹ {page}") } else { "‹".into() };
    let next_label = if m.compact && page + 1 < pages { format!("{} ›", page + 2) } else { "›".into() };
    b.button(prev_r, theme::BG, prev_label, arrow, (page > 0).then_some(Intent::PrevPage));
    b.button(next_r, theme::BG, next_label, arrow, (page + 1 < pages).then_some(Intent::NextPage));

    b.region = Region::Cart;
    b.scene.regions.push((Region::Cart, cart, theme::BG));
    cart_panel(b, sale, cart);
    b.region = Region::Body;
}

fn cart_panel(b: &mut Builder, sale: &SaleView, r: Rectangle) {
    let m = b.m;
    b.fill(r, theme::PANEL, m.radius, theme::BG);
    let inner = inset(r, m.pad.min(12), m.pad.min(12) / 2);
    let (rest, pay) = take_bottom(inner, m.button_h, m.pad.min(12) / 2);
    let (lines_r, total_r) = take_bottom(rest, line_height(m.big_px), 4);
    let items: u32 = sale.cart.iter().map(|l| l.qty).sum();
    let (title_r, mut list) = take_top(lines_r, line_height(m.body_px) + 8, 0);
    let title = match items {
        0 => "Order".to_string(),
        1 => "Order · 1 item".to_string(),
        n => format!("Order · {n} items"),
    };
    b.text(title_r, title, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));

    if sale.cart.is_empty() {
        let (text, color) = match &sale.last_order {
            Some(order) => (format!("✓ Order {order} paid. Tap a product to start the next one."), theme::GREEN),
            None => ("Tap a product to add it.".to_string(), theme::MUTED),
        };
        b.paragraph(list, text, b.style(Face::Regular, m.body_px, color, theme::PANEL, Align::Left));
    } else {
        let row_h = if m.compact { 48 } else { 52 };
        let fit = (list.size.height / row_h) as usize;
        // The newest lines are at the bottom; when they do not all fit, show the latest.
        let (skip, fit) = if sale.cart.len() > fit {
            let earlier_h = line_height(m.small_px);
            let (note, rest) = take_top(list, earlier_h, 0);
            let fit = (rest.size.height / row_h) as usize;
            let skip = sale.cart.len() - fit;
            b.text(
                note,
                format!("{skip} earlier line{}", if skip == 1 { "" } else { "s" }),
                b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
            );
            list = rest;
            (skip, fit)
        } else {
            (0, fit)
        };
        for (i, line) in sale.cart.iter().enumerate().skip(skip).take(fit) {
            let (row, rest) = take_top(list, row_h, 0);
            list = rest;
            b.fill(rect(row.top_left.x, row.top_left.y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
            let (main, remove) = take_right(row, 48, 0);
            let price = format_cents(line.line_cents);
            let price_w = measure(&price, Face::Bold, m.body_px) + 4;
            let (name_r, price_r) = take_right(main, price_w, m.gap / 2);
            let name = if line.qty == 1 { line.name.clone() } else { format!("{}× {}", line.qty, line.name) };
            b.text(name_r, name, b.style(Face::Regular, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
            b.text(price_r, price, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Right));
            let look = Look { inset: 4, px: m.title_px, ..b.look(theme::SECONDARY, theme::TEXT) };
            b.button(remove, theme::PANEL, "×", look, Some(Intent::RemoveLine(i)));
        }
    }
    b.fill(rect(total_r.top_left.x, total_r.top_left.y, total_r.size.width, 1), theme::LINE, 0, theme::PANEL);
    let (total_label, total_value) = take_right(total_r, total_r.size.width * 2 / 3, 0);
    b.text(total_label, "Total", b.style(Face::Regular, m.body_px, theme::MUTED, theme::PANEL, Align::Left));
    b.text(
        total_value,
        format_cents(sale.total_cents),
        b.style(Face::Bold, m.big_px, theme::TEXT, theme::PANEL, Align::Right),
    );
    let cols = columns(pay, &[1, 1], m.gap / 2);
    let can_pay = !sale.cart.is_empty();
    let cash = Look { ..b.look(theme::GREEN, theme::TEXT) };
    b.button(cols[0], theme::PANEL, "Cash", cash, can_pay.then_some(Intent::Pay(PayMethod::Cash)));
    b.button(cols[1], theme::PANEL, "Card", b.primary(), can_pay.then_some(Intent::Pay(PayMethod::Card)));
}

/// How tall a conflict's card must be for its head line and three or four lines of its sentence.
fn conflict_card_min_h(m: &Metrics) -> u32 {
    if m.compact { 96 } else { 120 }
}

fn conflicts_screen(b: &mut Builder, view: &ConflictsView, r: Rectangle) {
    let m = b.m;
    let (top, nav) = take_bottom(r, m.button_h, m.gap);
    let card_min = conflict_card_min_h(&m);
    // Two cards per page come first; the title shows only where it costs none of them.
    let list = title_if_room(b, top, "Open conflicts", 2 * card_min + m.gap);
    let per_page = ((list.size.height + m.gap) / (card_min + m.gap)).max(1) as usize;
    let total = view.conflicts.len();
    let pages = total.div_ceil(per_page).max(1);
    let page = view.page.min(pages - 1);
    if total == 0 {
        b.paragraph(
            list,
            "No open conflicts. When registers that could not reach each other did contradictory things \
             (refunded one order twice, sold the last unit twice, changed one price differently), \
             it shows here for a manager to settle.",
            b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left),
        );
    }
    let card_h = ((list.size.height + m.gap) / per_page as u32).saturating_sub(m.gap);
    let shown: Vec<&ConflictEntry> = view.conflicts.iter().skip(page * per_page).take(per_page).collect();
    for (i, c) in shown.iter().enumerate() {
        let card =
            rect(list.top_left.x, list.top_left.y + (i as u32 * (card_h + m.gap)) as i32, list.size.width, card_h);
        conflict_card(b, c, card);
    }

    let c = columns(nav, &[3, 2, 3, 2], m.gap);
    b.button(c[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    if total > 0 {
        let first = page * per_page + 1;
        let last = first + shown.len().saturating_sub(1);
        let counter =
            if first == last { format!("{first} of {total}") } else { format!("{first}–{last} of {total}") };
        b.text(c[2], counter, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Center));
    }
    let arrow = Look { px: m.title_px, ..b.secondary() };
    b.button(c[1], theme::BG, "‹", arrow, (page > 0).then(|| Intent::ConflictsPage(page - 1)));
    b.button(c[3], theme::BG, "›", arrow, (page + 1 < pages).then(|| Intent::ConflictsPage(page + 1)));
}

/// One conflict: kind and subject, what is at stake, the sentence, and Resolve.
fn conflict_card(b: &mut Builder, c: &ConflictEntry, card: Rectangle) {
    let m = b.m;
    b.fill(card, theme::PANEL, m.radius, theme::BG);
    let inner = inset(card, m.pad.min(12), m.pad / 2);
    let (text_r, button_col) = take_right(inner, if m.compact { 100 } else { 150 }, m.gap);
    let button_h = m.button_h.min(button_col.size.height);
    let button = rect(
        button_col.top_left.x,
        button_col.top_left.y + (button_col.size.height - button_h) as i32 / 2,
        button_col.size.width,
        button_h,
    );
    b.button(button, theme::PANEL, "Resolve", b.primary(), Some(Intent::ResolveConflict(c.id.clone())));

    let (head, sentence) = take_top(text_r, line_height(m.body_px), 2);
    let stake_w = measure(&c.at_stake, Face::Bold, m.body_px) + 4;
    let (title_r, stake_r) = take_right(head, stake_w, m.gap);
    // The subject is in the sentence too, so a narrow card keeps the kind whole and drops it here.
    let full = format!("{} · {}", c.kind, c.subject);
    let title = if measure(&full, Face::Bold, m.body_px) <= title_r.size.width { full } else { c.kind.clone() };
    b.text(title_r, title, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
    b.text(stake_r, c.at_stake.clone(), b.style(Face::Bold, m.body_px, theme::AMBER, theme::PANEL, Align::Right));
    b.paragraph(
        sentence,
        c.summary.clone(),
        b.style(Face::Regular, m.small_px, theme::TEXT, theme::PANEL, Align::Left),
    );
}
