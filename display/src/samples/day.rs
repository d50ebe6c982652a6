//! Samples of the business day and the printer (issue 15): the "Drawer & day" menu, a reason on
//! the keyboard, an X report, the Z about to be made and the Z made, and Settings → Printer.

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

/// A day at the Corner Café's front counter, as `print::docs::report` and `layout` write it.
fn report_lines(title: &str, head: &[&str], counted: Option<&str>) -> Vec<String> {
    let mut l = vec![center("Corner Café"), center("12 Harbour Street"), String::new(), center(title)];
    l.push(pair("Register Front Counter", "2026-03-02"));
    l.extend(head.iter().map(|h| h.to_string()));
    l.push(rule());
    for (left, right) in [
        ("Sales (42)", "612.40"),
        ("Discounts given", "18.20"),
        ("Voids (1)", "-4.20"),
        ("Refunds (2)", "-11.50"),
        ("NET SALES", "596.70"),
    ] {
        l.push(pair(left, right));
    }
    let section = |l: &mut Vec<String>, name: &str, rows: &[(&str, &str)]| {
        l.push(rule());
        l.push(name.to_string());
        l.extend(rows.iter().map(|(a, b)| pair(a, b)));
    };
    section(&mut l, "By tender", &[("Cash", "212.70"), ("Card", "384.00")]);
    section(&mut l, "By tax rate (net / tax)", &[("8% on 552.50", "44.20")]);
    section(&mut l, "By category", &[("Coffee (61)", "402.10"), ("Bakery (23)", "141.60"), ("Food (9)", "68.70")]);
    section(&mut l, "By cashier", &[("Maya (30)", "431.90"), ("Ben (12)", "180.50")]);
    section(
        &mut l,
        "Cash drawer",
        &[
            ("Floats", "100.00"),
            ("Paid in (1)", "50.00"),
            ("Paid out (1)", "-12.50"),
            ("Drops (1)", "-200.00"),
            ("No sale openings", "1"),
            ("Expected cash", "150.20"),
        ],
    );
    if let Some(c) = counted {
        l.push(pair("Counted cash", c));
        l.push(pair("Difference", "-2.20"));
    }
    l.push(rule());
    l.push(pair("Grand total", "48 211.90"));
    l.push(String::new());
    l
}

fn figures(counted: bool) -> Vec<(String, String)> {
    let mut f = vec![("Net sales".to_string(), "$596.70".to_string()), ("Expected cash".into(), "$150.20".into())];
    if counted {
        f.push(("Counted".into(), "$148.00".into()));
        f.push(("Difference".into(), "-$2.20".into()));
    }
    f
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
        (
            "report-x",
            state(Screen::Report(ReportView {
                kind: ReportKind::X,
                title: "X report".into(),
                lines: report_lines("X REPORT", &["Next Z: 4"], None),
                page: 0,
                figures: figures(false),
            })),
        ),
        (
            "report-closing",
            state(Screen::Report(ReportView {
                kind: ReportKind::Closing,
                title: "Close the day: Z 4".into(),
                lines: report_lines("Z REPORT 4 (NOT MADE YET)", &[], Some("148.00")),
                page: 1,
                figures: figures(true),
            })),
        ),
        (
            "report-z",
            UiState {
                banner: info("Day closed: Z 4, net sales $596.70. It is printing."),
                ..state(Screen::Report(ReportView {
                    kind: ReportKind::Z,
                    title: "Z report 4".into(),
                    lines: report_lines(
                        "Z REPORT 4",
                        &["Opened 2026-03-02T07:02:11Z", "Closed 2026-03-02T18:40:05Z", "Closed by Ana"],
                        Some("148.00"),
                    ),
                    page: 0,
                    figures: figures(true),
                }))
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
