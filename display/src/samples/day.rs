//! Samples of the business day and the printer (issue 15): the "Drawer & day" menu, a reason on
//! the keyboard, an X report, the Z about to be made and the Z made, and Settings → Printer.

use crate::MoneyFormat;
use crate::i18n::{Arg, Language, text, text_with};
use crate::model::*;

/// The columns the appliance lays a report out in for the screen.
const COLS: usize = 40;

fn pair(left: &str, right: &str) -> String {
    let gap = COLS.saturating_sub(left.chars().count() + right.chars().count()).max(1);
    format!("{left}{}{right}", " ".repeat(gap))
}

fn center(text: &str) -> String {
    format!("{}{text}", " ".repeat(COLS.saturating_sub(text.chars().count()) / 2))
}

fn rule() -> String {
    "-".repeat(COLS)
}

/// A day at the Corner Café's front counter, as `print::docs::report` and `layout` write it, in
/// `lang`'s words and `m`'s numbers: `title` and `head` are the report's heading, `counted` the
/// cash counted at the close.
fn report_lines(lang: Language, m: &MoneyFormat, title: &str, head: &[String], counted: Option<i64>) -> Vec<String> {
    let t = |id: &str| text(lang, id);
    let n = |id: &str, count: i64| text_with(lang, id, &[("count", Arg::Count(count))]);
    let register = text_with(lang, "receipt-register", &[("name", Arg::Text("Front Counter"))]);
    let mut l = vec![center("Corner Café"), center("12 Harbour Street"), String::new(), center(title)];
    l.push(pair(&register, &m.locale.date(2026, 3, 2)));
    l.extend(head.iter().cloned());
    l.push(rule());
    for (left, cents) in [
        (n("report-sales", 42), 61_240),
        (t("report-discounts"), 1_820),
        (n("report-voids", 1), -420),
        (n("report-refunds", 2), -1_150),
        (t("report-net-sales"), 59_670),
    ] {
        l.push(pair(&left, &m.number(cents)));
    }
    let section = |l: &mut Vec<String>, name: String, rows: &[(String, i64)]| {
        l.push(rule());
        l.push(name);
        l.extend(rows.iter().map(|(a, b)| pair(a, &m.number(*b))));
    };
    let tenders = [(t("receipt-tender-cash"), 21_270), (t("receipt-tender-card"), 38_400)];
    section(&mut l, t("report-by-tender"), &tenders);
    let net = m.number(55_250);
    let tax = text_with(lang, "report-tax-line", &[("rate", Arg::Text("8%")), ("net", Arg::Text(&net))]);
    section(&mut l, t("report-by-tax"), &[(tax, 4_420)]);
    let categories = [("Coffee (61)".into(), 40_210), ("Bakery (23)".into(), 14_160), ("Food (9)".into(), 6_870)];
    section(&mut l, t("report-by-category"), &categories);
    section(&mut l, t("report-by-cashier"), &[("Maya (30)".into(), 43_190), ("Ben (12)".into(), 18_050)]);
    let drawer = [
        (t("report-floats"), 10_000),
        (n("report-paid-in", 1), 5_000),
        (n("report-paid-out", 1), -1_250),
        (n("report-drops", 1), -20_000),
    ];
    section(&mut l, t("report-drawer"), &drawer);
    l.push(pair(&t("report-no-sales"), "1"));
    l.push(pair(&t("report-expected-cash"), &m.number(15_020)));
    if let Some(c) = counted {
        l.push(pair(&t("report-counted-cash"), &m.number(c)));
        l.push(pair(&t("report-difference"), &m.number(c - 15_020)));
    }
    l.push(rule());
    l.push(pair(&t("report-grand-total"), &m.number(4_821_190)));
    l.push(String::new());
    l
}

/// A report's screen as the appliance makes it (`ui::machine::counter::day`): its title, the
/// figures beside it and the report itself, in `lang`'s words and `m`'s numbers.
pub(super) fn report_view(kind: ReportKind, page: usize, lang: Language, m: &MoneyFormat) -> ReportView {
    let number = |id: &str| text_with(lang, id, &[("number", Arg::Text("4"))]);
    let count = |id: &str| text_with(lang, id, &[("number", Arg::Count(4))]);
    let when = |hour, minute| format!("{} {} UTC", m.locale.date(2026, 3, 2), m.locale.time(hour, minute));
    let (title, heading, head, counted) = match kind {
        ReportKind::X => {
            (text(lang, "counter-x-report"), text(lang, "report-x-title"), vec![count("report-next-z")], None)
        }
        ReportKind::Closing => {
            (number("counter-closing-title"), count("report-z-preview-title"), Vec::new(), Some(14_800))
        }
        ReportKind::Z => {
            let head = vec![
                text_with(lang, "report-opened", &[("when", Arg::Text(&when(7, 2)))]),
                text_with(lang, "report-closed", &[("when", Arg::Text(&when(18, 40)))]),
                text_with(lang, "report-closed-by", &[("name", Arg::Text("Ana"))]),
            ];
            (number("counter-z-title"), count("report-z-title"), head, Some(14_800))
        }
    };
    let mut figures = vec![
        (text(lang, "counter-net-sales"), m.format(59_670)),
        (text(lang, "counter-expected-cash"), m.format(15_020)),
    ];
    if let Some(c) = counted {
        figures.push((text(lang, "counter-counted"), m.format(c)));
        figures.push((text(lang, "counter-difference"), m.format(c - 15_020)));
    }
    ReportView { kind, title, lines: report_lines(lang, m, &heading, &head, counted), page, figures }
}

fn printer(link: PrinterLink, device: &str) -> PrinterView {
    PrinterView {
        link,
        device: device.into(),
        paper_mm: 80,
        raster: false,
        drawer: true,
        saved: Some("usb:/dev/usb/lp0 width=80 mode=text codepage=cp858 drawer=yes".into()),
        state: Some("ok".into()),
        waiting: 0,
        testing: false,
    }
}

fn info(text: &str) -> Option<Banner> {
    Some(Banner { kind: BannerKind::Info, text: text.into() })
}

/// The samples, in a client register's frame (`state` makes the frame).
pub(super) fn samples(state: &dyn Fn(Screen) -> UiState) -> Vec<(&'static str, UiState)> {
    vec![
        ("day-menu", state(Screen::Day(DayView { cashier: "Maya".into(), drawer: true }))),
        (
            "day-reason",
            UiState {
                banner: info("Paid in $50.00: say what for, then tap Record. The drawer opens."),
                ..state(Screen::Keyboard(KeyboardView {
                    field: Field::Reason,
                    label: "Reason".into(),
                    value: "Change from the bank".into(),
                    masked: false,
                    layer: KeyLayer::Lower,
                }))
            },
        ),
        ("report-x", state(Screen::Report(report_view(ReportKind::X, 0, Language::English, &MoneyFormat::default())))),
        (
            "report-closing",
            state(Screen::Report(report_view(ReportKind::Closing, 1, Language::English, &MoneyFormat::default()))),
        ),
        (
            "report-z",
            UiState {
                banner: info("Day closed: Z 4, net sales $596.70. It is printing."),
                ..state(Screen::Report(report_view(ReportKind::Z, 0, Language::English, &MoneyFormat::default())))
            },
        ),
        ("printer", state(Screen::Printer(printer(PrinterLink::Usb, "/dev/usb/lp0")))),
        (
            "printer-network",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Error,
                    text: "No test page: printer: not reachable (tcp:10.0.0.9:9100 refused the connection).".into(),
                }),
                ..state(Screen::Printer(PrinterView {
                    raster: true,
                    paper_mm: 58,
                    waiting: 2,
                    state: Some("printer: not reachable (tcp:10.0.0.9:9100 refused the connection)".into()),
                    ..printer(PrinterLink::Network, "10.0.0.9")
                }))
            },
        ),
    ]
}
