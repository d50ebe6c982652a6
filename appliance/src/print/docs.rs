//! What goes on the paper: receipts for sales, returns and voids, and X/Z/store reports, as
//! printer-independent [`Receipt`] documents. The same documents are what `till receipt` and
//! `till report` print on the console (laid out by [`layout`]).

use till_display::i18n::{Arg, Words};
use till_display::receipt::{Block, Receipt};

use crate::model::DayTotals;
use crate::store::{OrderRow, ReturnRow, ZRow, format_ms};

/// The store and register a document is printed for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Letterhead {
    /// The store's name (setting `store_name`).
    pub store_name: Option<String>,
    /// Its address, one or more lines (setting `store_address`).
    pub address: Option<String>,
    /// Its tax id (setting `tax_id`).
    pub tax_id: Option<String>,
    /// The closing words (setting `receipt_footer`).
    pub footer: Option<String>,
    /// The printing register's name.
    pub register: String,
    /// The store's logo, printed at the top (`till printer logo`; [`LOGO_FILE`] in the data
    /// directory).
    pub logo: Option<till_display::receipt::Bitmap>,
    /// How amounts, dates and times are written (the store's currency and locale).
    pub money: till_display::MoneyFormat,
    /// The words, in the register's language (catalog `receipt.ftl` and `report.ftl`).
    pub words: Words,
}

/// The logo's file in the data directory: a 1-bit PNG as wide as the paper at most.
pub const LOGO_FILE: &str = "logo.png";

impl Letterhead {
    /// The store's settings and this register's name.
    pub fn of(reader: &crate::store::Reader<'_>, register: &str) -> Result<Letterhead, crate::store::StoreError> {
        Ok(Letterhead {
            store_name: reader.setting("store_name")?,
            address: reader.setting("store_address")?,
            tax_id: reader.setting("tax_id")?,
            footer: reader.setting("receipt_footer")?,
            register: register.to_string(),
            money: reader.money_format()?,
            words: Words(reader.language()?),
            // A logo that cannot be read prints no logo: the receipt matters more than its
            // picture (`till printer logo` checked it when it was stored).
            logo: std::fs::read(reader.data_dir().join(LOGO_FILE))
                .ok()
                .and_then(|b| till_display::receipt::Bitmap::from_png(&b).ok()),
        })
    }
}

fn pair(left: impl Into<String>, right: impl Into<String>) -> Block {
    Block::Pair { left: left.into(), right: right.into(), bold: false }
}

fn bold(left: impl Into<String>, right: impl Into<String>) -> Block {
    Block::Pair { left: left.into(), right: right.into(), bold: true }
}

fn head(h: &Letterhead, out: &mut Vec<Block>) {
    if let Some(logo) = &h.logo {
        out.push(Block::Image(logo.clone()));
    }
    out.push(Block::Title(h.store_name.clone().unwrap_or_else(|| "Till".into())));
    for line in h.address.iter().flat_map(|a| a.lines()) {
        out.push(Block::Center(line.to_string()));
    }
    if let Some(t) = &h.tax_id {
        out.push(Block::Center(h.words.t_with("receipt-tax-id", &[("id", Arg::Text(t))])));
    }
    out.push(Block::Feed);
}

fn foot(h: &Letterhead, out: &mut Vec<Block>) {
    if let Some(f) = &h.footer {
        out.push(Block::Feed);
        for line in f.lines() {
            out.push(Block::Center(line.to_string()));
        }
    }
}

/// A sale's receipt. `copy`: a reprint, marked as such at the top and bottom.
pub fn sale_receipt(h: &Letterhead, o: &OrderRow, copy: bool) -> Receipt {
    let mut b = Vec::new();
    head(h, &mut b);
    let w = h.words;
    if copy {
        b.push(Block::Title(w.t("receipt-copy")));
    }
    if o.voided {
        b.push(Block::Title(w.t("receipt-voided")));
    }
    order_meta(h, o, &mut b);
    b.push(Block::Rule);
    for l in &o.lines {
        let gross = l.unit_price_cents * i64::from(l.qty);
        let what = if l.qty == 1 {
            l.name.clone()
        } else {
            format!("{} x {} @ {}", l.qty, l.name, h.money.number(l.unit_price_cents))
        };
        b.push(pair(what, h.money.number(gross)));
        if l.discount_cents != 0 {
            b.push(pair(format!("  {}", w.t("receipt-line-discount")), h.money.number(-l.discount_cents)));
        }
    }
    let order_discount: i64 = o.lines.iter().map(|l| l.order_discount_cents).sum();
    if order_discount != 0 {
        b.push(pair(w.t("receipt-order-discount"), h.money.number(-order_discount)));
    }
    b.push(Block::Rule);
    if !o.prices_include_tax {
        b.push(pair(w.t("receipt-subtotal"), h.money.number(o.subtotal_cents)));
    }
    for t in &o.taxes {
        let id = if o.prices_include_tax { "receipt-tax-included" } else { "receipt-tax" };
        let (rate, net) = (rate_text(h, t.rate_bp), h.money.number(t.net_cents));
        b.push(pair(
            w.t_with(id, &[("rate", Arg::Text(&rate)), ("net", Arg::Text(&net))]),
            h.money.number(t.tax_cents),
        ));
    }
    b.push(bold(w.t("receipt-total"), h.money.format(o.total_cents)));
    if o.cash_rounding_cents != 0 {
        b.push(pair(w.t("receipt-cash-rounding"), h.money.number(o.cash_rounding_cents)));
    }
    for t in &o.tenders {
        b.push(pair(tender_name(w, &t.tender), h.money.number(t.amount_cents)));
    }
    if o.change_cents != 0 {
        b.push(pair(w.t("receipt-change"), h.money.number(o.change_cents)));
    }
    if o.discount_cents != 0 {
        let saved = h.money.number(o.discount_cents);
        b.push(Block::Text(w.t_with("receipt-saved", &[("amount", Arg::Text(&saved))])));
    }
    foot(h, &mut b);
    b.push(Block::Feed);
    b.push(Block::Barcode(o.number.clone()));
    if copy {
        b.push(Block::Center(w.t("receipt-copy-mark")));
    }
    Receipt { blocks: b }
}

/// The register and who served: `Register R1` and `Cashier ann`, in the register's words.
fn served(h: &Letterhead, cashier: Option<&str>) -> Block {
    let w = h.words;
    pair(
        w.t_with("receipt-register", &[("name", Arg::Text(&h.register))]),
        cashier.map(|c| w.t_with("receipt-cashier", &[("name", Arg::Text(c))])).unwrap_or_default(),
    )
}

fn order_meta(h: &Letterhead, o: &OrderRow, b: &mut Vec<Block>) {
    b.push(served(h, o.cashier.as_deref()));
    b.push(Block::Text(h.words.t_with("receipt-order", &[("number", Arg::Text(&o.number))])));
    b.push(Block::Text(when(h, o.created_ms)));
}

/// A moment as the store's locale writes it, in UTC (`12/5/2026 2:10 PM UTC`, `05.12.2026 14:10 UTC`).
fn when(h: &Letterhead, ms: i64) -> String {
    when_text(h, &format_ms(ms))
}

/// An RFC 3339 UTC time (`2026-12-05T14:10:00Z`) as the store's locale writes it; the text as it
/// is when it is not one.
fn when_text(h: &Letterhead, t: &str) -> String {
    let num = |r: std::ops::Range<usize>| t.get(r).and_then(|x| x.parse::<u32>().ok());
    match (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16)) {
        (Some(y), Some(mo), Some(d), Some(hh), Some(mi)) => {
            let l = h.money.locale;
            format!("{} {} UTC", l.date(i32::try_from(y).unwrap_or(1970), mo, d), l.time(hh, mi))
        }
        _ => t.replace('T', " ").replace('Z', " UTC"),
    }
}

/// A tax rate as the locale writes it: `19%`, `8.25%`, `8,25%` (whole rates without decimals).
fn rate_text(h: &Letterhead, bp: u32) -> String {
    match bp % 100 {
        0 => format!("{}%", bp / 100),
        frac => format!("{}{}{frac:02}%", bp / 100, h.money.locale.decimal()),
    }
}

/// A business day (`2026-12-05`) as the store's locale writes a date.
fn day_text(h: &Letterhead, date: &str) -> String {
    let num = |r: std::ops::Range<usize>| date.get(r).and_then(|x| x.parse::<u32>().ok());
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(mo), Some(d)) if date.len() == 10 => {
            h.money.locale.date(i32::try_from(y).unwrap_or(1970), mo, d)
        }
        _ => date.to_string(),
    }
}

/// A tender as a receipt names it: cash and card in the register's words, a tender the store
/// named as it is written, with a capital.
fn tender_name(w: Words, tender: &str) -> String {
    match tender {
        crate::model::CASH => w.t("receipt-tender-cash"),
        "card" => w.t("receipt-tender-card"),
        _ => {
            let mut c = tender.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        }
    }
}

/// A void's receipt: the order's figures marked void, money going back.
pub fn void_receipt(h: &Letterhead, o: &OrderRow, by: Option<&str>) -> Receipt {
    let (mut b, w) = (Vec::new(), h.words);
    head(h, &mut b);
    b.push(Block::Title(w.t("receipt-void")));
    order_meta(h, o, &mut b);
    if let Some(by) = by {
        b.push(Block::Text(w.t_with("receipt-voided-by", &[("name", Arg::Text(by))])));
    }
    b.push(Block::Rule);
    for l in &o.lines {
        b.push(pair(format!("{} x {}", l.qty, l.name), h.money.number(-l.total_cents)));
    }
    b.push(Block::Rule);
    b.push(bold(w.t("receipt-voided-total"), h.money.number(-o.total_cents)));
    for t in &o.tenders {
        let back = if t.tender == crate::model::CASH { t.amount_cents - o.change_cents } else { t.amount_cents };
        let tender = tender_name(w, &t.tender);
        b.push(pair(w.t_with("receipt-back-to", &[("tender", Arg::Text(&tender))]), h.money.number(-back)));
    }
    foot(h, &mut b);
    Receipt { blocks: b }
}

/// A return's receipt: what came back and what was refunded by which tender.
pub fn return_receipt(h: &Letterhead, r: &ReturnRow, names: &dyn Fn(&str) -> String) -> Receipt {
    let (mut b, w) = (Vec::new(), h.words);
    head(h, &mut b);
    b.push(Block::Title(w.t("receipt-return")));
    b.push(served(h, r.cashier.as_deref()));
    b.push(Block::Text(w.t_with("receipt-for-order", &[("number", Arg::Text(&r.order_number))])));
    b.push(Block::Text(when(h, r.created_ms)));
    b.push(Block::Rule);
    for l in &r.lines {
        b.push(pair(format!("{} x {}", l.qty, names(&l.sku)), h.money.number(-l.refund_cents)));
    }
    b.push(Block::Rule);
    b.push(bold(w.t("receipt-refund"), h.money.number(-r.refund_cents)));
    // Cash paid back rounded to the store's step: the rounding, with the refund's sign.
    if r.cash_rounding_cents != 0 {
        b.push(pair(w.t("receipt-cash-rounding"), h.money.number(-r.cash_rounding_cents)));
    }
    let (tender, paid) = (tender_name(w, &r.payment), r.refund_cents + r.cash_rounding_cents);
    b.push(pair(w.t_with("receipt-refund-by", &[("tender", Arg::Text(&tender))]), h.money.number(paid)));
    if let Some(m) = &r.approved_by {
        b.push(Block::Text(w.t_with("receipt-approved-by", &[("name", Arg::Text(m))])));
    }
    foot(h, &mut b);
    b.push(Block::Feed);
    b.push(Block::Barcode(r.order_number.clone()));
    Receipt { blocks: b }
}

/// The heading of an X or Z report, its words already in the register's language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportHead {
    /// "X REPORT", "Z REPORT 12", "STORE 2026-12-04".
    pub title: String,
    /// The business day (`YYYY-MM-DD`; printed as the store's locale writes a date).
    pub date: String,
    /// Extra lines under the title (period, who closed it).
    pub lines: Vec<String>,
    /// Cash counted, if counted.
    pub counted_cents: Option<i64>,
    /// Grand total since installation, if it applies.
    pub grand_total_cents: Option<i64>,
    /// Registers that have not closed (store report).
    pub not_closed: Vec<String>,
}

/// The heading of an X report: the day so far, the number the next Z gets, the grand total
/// with this period in it.
pub fn x_head(w: Words, date: &str, next_z: u64, grand_total_cents: i64) -> ReportHead {
    ReportHead {
        title: w.t("report-x-title"),
        date: date.to_string(),
        lines: vec![w.t_with("report-next-z", &[("number", Arg::Count(next_z_i64(next_z)))])],
        counted_cents: None,
        grand_total_cents: Some(grand_total_cents),
        not_closed: Vec::new(),
    }
}

/// The heading of the Z a register would close its day with now (shown before it is made).
pub fn z_preview_head(w: Words, date: &str, next_z: u64, grand_total_cents: i64, counted: i64) -> ReportHead {
    ReportHead {
        title: w.t_with("report-z-preview-title", &[("number", Arg::Count(next_z_i64(next_z)))]),
        lines: Vec::new(),
        counted_cents: Some(counted),
        ..x_head(w, date, next_z, grand_total_cents)
    }
}

fn next_z_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The heading of a Z report that was made: when its period opened and closed, who closed it,
/// the cash counted and the grand total. `copy`: a reprint, marked in the title.
pub fn z_head(h: &Letterhead, z: &ZRow, copy: bool) -> ReportHead {
    let w = h.words;
    let number = Arg::Count(next_z_i64(z.number));
    let mut lines = vec![
        w.t_with("report-opened", &[("when", Arg::Text(&when_text(h, &z.opened)))]),
        w.t_with("report-closed", &[("when", Arg::Text(&when_text(h, &z.closed)))]),
    ];
    if let Some(b) = &z.closed_by {
        lines.push(w.t_with("report-closed-by", &[("name", Arg::Text(b))]));
    }
    ReportHead {
        title: w.t_with(if copy { "report-z-copy-title" } else { "report-z-title" }, &[("number", number)]),
        date: z.date.clone(),
        lines,
        counted_cents: z.counted_cash_cents,
        grand_total_cents: Some(z.grand_total_cents),
        not_closed: Vec::new(),
    }
}

/// The heading of a store's day: every register's Zs of the day, and which have not closed.
pub fn store_head(w: Words, day: &crate::store::StoreDay) -> ReportHead {
    let lines = day
        .registers
        .iter()
        .map(|g| {
            let name = g.name.clone().unwrap_or_else(|| g.register.chars().take(8).collect());
            let zs: Vec<String> = g.z_numbers.iter().map(|n| format!("Z{n}")).collect();
            let zs = zs.join(" ");
            if g.open_orders > 0 {
                let open = Arg::Count(i64::try_from(g.open_orders).unwrap_or(i64::MAX));
                w.t_with(
                    "report-store-register-open",
                    &[("name", Arg::Text(&name)), ("zs", Arg::Text(&zs)), ("count", open)],
                )
            } else {
                w.t_with("report-store-register", &[("name", Arg::Text(&name)), ("zs", Arg::Text(&zs))])
            }
        })
        .collect();
    ReportHead {
        title: w.t_with("report-store-title", &[("date", Arg::Text(&day.date))]),
        date: day.date.clone(),
        lines,
        counted_cents: None,
        grand_total_cents: None,
        not_closed: day.not_closed.clone(),
    }
}

/// `Sales (3)`: a figure's label with how many made it.
fn counted(w: Words, id: &str, count: u64) -> String {
    w.t_with(id, &[("count", Arg::Count(i64::try_from(count).unwrap_or(i64::MAX)))])
}

/// An X, Z or store report.
pub fn report(h: &Letterhead, r: &ReportHead, t: &DayTotals) -> Receipt {
    let (mut b, w, m) = (Vec::new(), h.words, &h.money);
    head(h, &mut b);
    b.push(Block::Title(r.title.clone()));
    b.push(pair(w.t_with("receipt-register", &[("name", Arg::Text(&h.register))]), day_text(h, &r.date)));
    b.extend(r.lines.iter().map(|l| Block::Text(l.clone())));
    b.push(Block::Rule);
    b.push(bold(counted(w, "report-sales", t.sales.count), m.number(t.sales.cents.0)));
    b.push(pair(w.t("report-discounts"), m.number(t.discounts_cents.0)));
    b.push(pair(counted(w, "report-voids", t.voids.count), m.number(-t.voids.cents.0)));
    b.push(pair(counted(w, "report-refunds", t.refunds.count), m.number(-t.refunds.cents.0)));
    b.push(bold(w.t("report-net-sales"), m.number(t.net_cents().0)));
    if t.cash_rounding_cents().0 != 0 {
        b.push(pair(w.t("report-cash-rounding"), m.number(t.cash_rounding_cents().0)));
    }
    section(&mut b, w.t("report-by-tender"));
    for x in &t.tenders {
        b.push(pair(tender_name(w, &x.name), m.number(x.net_cents().0)));
        if x.voided_cents.0 != 0 || x.refunded_cents.0 != 0 {
            b.push(pair(format!("  {}", w.t("report-tender-sales")), m.number(x.sales_cents.0)));
            b.push(pair(format!("  {}", w.t("report-tender-voids")), m.number(-x.voided_cents.0)));
            b.push(pair(format!("  {}", w.t("report-tender-refunds")), m.number(-x.refunded_cents.0)));
        }
    }
    section(&mut b, w.t("report-by-tax"));
    for x in &t.taxes {
        let (rate, net) = (rate_text(h, x.rate_bp), m.number(x.net_cents.0));
        b.push(pair(
            w.t_with("report-tax-line", &[("rate", Arg::Text(&rate)), ("net", Arg::Text(&net))]),
            m.number(x.tax_cents.0),
        ));
    }
    section(&mut b, w.t("report-by-category"));
    for x in &t.categories {
        // Products without a category are counted under "(none)" (store/report.rs).
        let name = if x.name == "(none)" { w.t("report-no-category") } else { x.name.clone() };
        b.push(pair(format!("{name} ({})", x.count), m.number(x.cents.0)));
    }
    section(&mut b, w.t("report-by-cashier"));
    for x in &t.cashiers {
        // Sales rung without a cashier signed in are counted under "(nobody)".
        let name = if x.name == "(nobody)" { w.t("report-no-cashier") } else { x.name.clone() };
        b.push(pair(format!("{name} ({})", x.count), m.number(x.cents.0)));
    }
    section(&mut b, w.t("report-drawer"));
    b.push(pair(w.t("report-floats"), m.number(t.floats_cents.0)));
    b.push(pair(counted(w, "report-paid-in", t.paid_in.count), m.number(t.paid_in.cents.0)));
    b.push(pair(counted(w, "report-paid-out", t.paid_out.count), m.number(-t.paid_out.cents.0)));
    b.push(pair(counted(w, "report-drops", t.drops.count), m.number(-t.drops.cents.0)));
    b.push(pair(w.t("report-no-sales"), t.no_sales.to_string()));
    b.push(bold(w.t("report-expected-cash"), m.number(t.expected_cash_cents().0)));
    if let Some(c) = r.counted_cents {
        b.push(pair(w.t("report-counted-cash"), m.number(c)));
        b.push(bold(w.t("report-difference"), m.number(c - t.expected_cash_cents().0)));
    }
    if let Some(g) = r.grand_total_cents {
        b.push(Block::Rule);
        b.push(bold(w.t("report-grand-total"), m.number(g)));
    }
    if !r.not_closed.is_empty() {
        b.push(Block::Rule);
        b.push(Block::Text(w.t_with("report-not-closed", &[("names", Arg::Text(&r.not_closed.join(", ")))])));
    }
    b.push(Block::Feed);
    Receipt { blocks: b }
}

fn section(b: &mut Vec<Block>, name: String) {
    b.push(Block::Rule);
    b.push(Block::Text(name));
}

/// Lays a document out as plain text lines of `cols` characters (the console, and the printer's
/// own font in text mode): titles and centred text centred, pairs with the amount right-aligned
/// on the last line of their wrapped words, rules as dashes, a barcode as its text in brackets.
pub fn layout(r: &Receipt, cols: usize) -> Vec<String> {
    let cols = cols.max(8);
    let mut out = Vec::new();
    for b in &r.blocks {
        match b {
            Block::Title(t) | Block::Center(t) => {
                for l in wrap(t, cols) {
                    out.push(center(&l, cols));
                }
            }
            Block::Text(t) => out.extend(wrap(t, cols)),
            Block::Pair { left, right, .. } => {
                let room = cols.saturating_sub(right.chars().count() + 1).max(1);
                let mut lines = wrap(left, room);
                let last = lines.pop().unwrap_or_default();
                out.extend(lines);
                let gap = cols.saturating_sub(last.chars().count() + right.chars().count()).max(1);
                out.push(format!("{last}{}{right}", " ".repeat(gap)));
            }
            Block::Rule => out.push("-".repeat(cols)),
            Block::Barcode(t) => out.push(center(&format!("|| {t} ||"), cols)),
            Block::Qr(t) => out.push(center(&format!("[QR {t}]"), cols)),
            Block::Feed => out.push(String::new()),
            Block::Image(_) => out.push(center("[logo]", cols)),
        }
    }
    out
}

fn center(s: &str, cols: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(cols.saturating_sub(n) / 2))
}

/// Wraps text at word boundaries to lines of at most `cols` characters (longer words are cut).
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines = Vec::new();
    // An indent (a discount under its item) is kept on the first line.
    let indent = text.len() - text.trim_start_matches(' ').len();
    let mut cur = " ".repeat(indent.min(cols / 2));
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > cols {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            lines.push(word.drain(..cols).collect());
        }
        let w: String = word.into_iter().collect();
        if cur.trim().is_empty() {
            cur.push_str(&w);
        } else if cur.chars().count() + 1 + w.chars().count() <= cols {
            cur.push(' ');
            cur.push_str(&w);
        } else {
            lines.push(std::mem::replace(&mut cur, w));
        }
    }
    if !cur.trim().is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_right_align_and_wrap() {
        let r = Receipt {
            blocks: vec![
                pair("Tea", "2.50"),
                pair("A very long product name that needs two lines", "12.00"),
                Block::Rule,
            ],
        };
        let lines = layout(&r, 32);
        assert_eq!(lines[0], format!("Tea{}2.50", " ".repeat(32 - 7)));
        assert!(lines.iter().all(|l| l.chars().count() <= 32), "{lines:?}");
        assert!(lines[2].ends_with("12.00") && lines[1].starts_with("A very long"), "{lines:?}");
        assert_eq!(lines.last().map(String::len), Some(32));
    }

    #[test]
    fn long_words_are_cut_not_lost() {
        let w = wrap("abcdefghij xy", 4);
        assert_eq!(w, vec!["abcd", "efgh", "ij", "xy"]);
        assert_eq!(wrap("", 4), vec![String::new()]);
    }
}
