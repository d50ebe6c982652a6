//! The export for an accountant or a tax auditor (`till journal export`; docs/DATA.md, "The
//! journal and its export"): orders, lines, tenders, taxes, voids and returns as flat tables,
//! modelled on Germany's DSFinV-K (its "Einzelaufzeichnungsmodul": Bonkopf, Bonpos,
//! Bonkopf_Zahlarten, Bonkopf_USt). One function per table; the CLI writes them as CSV or JSON.
//!
//! Every amount is given twice: integer cents (`*_cents`, what the figures add up in) and a
//! decimal text (`12.34`, what a spreadsheet shows). Times are the events' HLC wall time in UTC;
//! the business date is that time's UTC date (Till has no store time zone).

use rusqlite::Row;
use serde::Serialize;

use super::{Reader, StoreError, format_ms};
use crate::model::{CASH, Cents, hex};
use crate::sync::event_hash;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Text (may be empty: no value).
    Text,
    /// A whole number.
    Integer,
    /// A whole number of the store currency's minor units (cents; yen; fils).
    Cents,
    /// The same amount as decimal text with the currency's decimals, `-` for negatives:
    /// `12.34`, `500` yen, `1.250` dinars (docs/LOCALE.md).
    Decimal,
    /// `true` or `false`.
    Boolean,
    /// A UTC date, `YYYY-MM-DD`.
    Date,
    /// A UTC time, RFC 3339 to the second: `2026-03-01T09:15:02Z`.
    Timestamp,
}

/// One column of an exported table, described for the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Its name in the header row.
    pub name: &'static str,
    /// What it holds.
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// What it means.
    pub about: &'static str,
    /// The DSFinV-K field it corresponds to, and how it differs (empty: none).
    pub dsfinvk: &'static str,
}

const fn col(name: &'static str, kind: ColumnType, about: &'static str, dsfinvk: &'static str) -> Column {
    Column { name, kind, about, dsfinvk }
}

/// One value of an exported table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// No value (an empty CSV field, JSON `null`).
    Null,
    /// A whole number (cents included).
    Int(i64),
    /// Text (decimal amounts, dates and times included).
    Text(String),
    /// A flag.
    Bool(bool),
}

/// One exported table: its file name, what it is, its columns and rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportTable {
    /// The file's name without extension (`transactions` → `transactions.csv`).
    pub name: &'static str,
    /// What one row is.
    pub about: &'static str,
    /// The DSFinV-K file it is modelled on.
    pub dsfinvk: &'static str,
    /// Its columns, in order.
    pub columns: &'static [Column],
    /// Its rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// A register's journal head, for the index: auditors compare them across registers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Head {
    /// The register's id, 32 hex digits.
    pub register_id: String,
    /// The name it goes by, if known.
    pub name: Option<String>,
    /// Its last event held here.
    pub head_seq: u64,
    /// BLAKE2b-256 of that event's bytes, hex.
    pub head_hash: String,
}

/// Builds a row cell by cell, in the order of its table's columns.
#[derive(Default)]
struct Cells(Vec<Cell>);

impl Cells {
    fn text(&mut self, v: Option<String>) -> &mut Self {
        self.0.push(v.map_or(Cell::Null, Cell::Text));
        self
    }
    fn int(&mut self, v: i64) -> &mut Self {
        self.0.push(Cell::Int(v));
        self
    }
    fn flag(&mut self, v: bool) -> &mut Self {
        self.0.push(Cell::Bool(v));
        self
    }
    /// Two cells: cents, and the same as decimal text.
    fn money(&mut self, cents: i64) -> &mut Self {
        self.0.push(Cell::Int(cents));
        self.0.push(Cell::Text(Cents(cents).to_string()));
        self
    }
    /// Two cells: the business date and the UTC time of `ms`.
    fn when(&mut self, ms: i64) -> &mut Self {
        let t = format_ms(ms);
        self.0.push(Cell::Text(t.get(..10).unwrap_or_default().to_string()));
        self.0.push(Cell::Text(t));
        self
    }
    /// An event id from an `(origin, seq)` column pair at `i` (`Null` when they are).
    fn id(&mut self, r: &Row<'_>, i: usize) -> rusqlite::Result<&mut Self> {
        let origin: Option<Vec<u8>> = r.get(i)?;
        let seq: Option<i64> = r.get(i + 1)?;
        Ok(self.text(origin.zip(seq).map(|(o, s)| format!("{}:{s}", hex(&o)))))
    }
    /// The register id from an origin column at `i`.
    fn register(&mut self, r: &Row<'_>, i: usize) -> rusqlite::Result<&mut Self> {
        Ok(self.text(Some(hex(&r.get::<_, Vec<u8>>(i)?))))
    }
}

/// A tax rate in basis points as a percentage with two places: 825 → `8.25`.
fn rate_text(bp: i64) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

/// `cash` for cash, `non_cash` for every other tender (card, voucher, …).
fn tender_type(name: &str) -> String {
    if name == CASH { "cash" } else { "non_cash" }.to_string()
}

use ColumnType::{Boolean, Date, Decimal, Integer, Text, Timestamp};

const C: ColumnType = ColumnType::Cents;

/// The columns every table starts with: who, which event, when.
const fn head(id_about: &'static str, bon: &'static str) -> [Column; 7] {
    [
        col("register_id", Text, "the register that recorded it (32 hex digits)", "Z_KASSE_ID and TERMINAL_ID"),
        col("register_name", Text, "the name that register goes by (its order-number prefix)", ""),
        col("event_id", Text, id_about, bon),
        col("order_number", Text, "the order's number as printed on the receipt", "BON_NR (text, not a number)"),
        col("business_date", Date, "the UTC date of `created_utc`", "Z_BUCHUNGSTAG (no cash closing yet)"),
        col("created_utc", Timestamp, "when it was recorded (the event's time, UTC)", "BON_ENDE"),
        col("cashier", Text, "who recorded it", "BEDIENER_NAME (no BEDIENER_ID)"),
    ]
}

const SALE_ID: &str = "the sale: the id of the event that recorded it, `<register_id>:<seq>`";

const TRANSACTIONS: &[Column] = &{
    let h = head(SALE_ID, "BON_ID");
    [
        h[0],
        h[1],
        h[2],
        h[3],
        h[4],
        h[5],
        h[6],
        col("approved_by", Text, "the manager who approved a discount or a price override on it", ""),
        col("shift_id", Text, "the cash shift it belongs to (the id of the event that opened it)", ""),
        col("voided", Boolean, "whether it was voided (the void is in voids.csv)", "BON_STORNO"),
        col("void_event_id", Text, "the void that counts, if any", "Bon_Referenzen REF_BON_ID"),
        col("prices_include_tax", Boolean, "whether its shelf prices included tax", "gross or net method of Bonpos"),
        col("line_count", Integer, "its lines in lines.csv", ""),
        col("discount_cents", C, "line discounts plus the order discount", "Bonpos_Preisfindung TYP Rabatt"),
        col("discount", Decimal, "the same", ""),
        col("net_cents", C, "the sum of its lines' net (after discounts, before tax)", "sum of Bonkopf_USt BON_NETTO"),
        col("net", Decimal, "the same", ""),
        col("tax_cents", C, "the sum of its lines' tax", "sum of Bonkopf_USt BON_UST"),
        col("tax", Decimal, "the same", ""),
        col("total_cents", C, "what the customer paid: net + tax", "UMS_BRUTTO"),
        col("total", Decimal, "the same", ""),
        col("tendered_cents", C, "the sum of its tenders as handed over (cash before change)", ""),
        col("tendered", Decimal, "the same", ""),
        col(
            "change_cents",
            C,
            "cash given back: tendered − change = total + cash rounding",
            "not in DSFinV-K (it records tenders net of change)",
        ),
        col("change", Decimal, "the same", ""),
        col("cash_rounding_cents", C, "what rounding the cash due to the store's step added (negative: took off)", ""),
        col("cash_rounding", Decimal, "the same", ""),
        col("currency", Text, "the store's currency setting (ISO 4217), if set", "ZAHLWAEH_CODE of Bonkopf_Zahlarten"),
    ]
};

const LINES: &[Column] = &{
    let h = head("the sale the line belongs to (transactions.csv)", "BON_ID");
    [
        h[0],
        h[1],
        h[2],
        h[3],
        h[4],
        h[5],
        h[6],
        col("line_no", Integer, "the line's place in the sale, from 1", "POS_ZEILE"),
        col("sku", Text, "the product's SKU", "ART_NR"),
        col("name", Text, "the product's name at the time", "ARTIKELTEXT"),
        col("qty", Integer, "how many (whole units)", "MENGE (no FAKTOR, EINHEIT)"),
        col(
            "unit_price_cents",
            C,
            "the shelf price of one, with tax if prices_include_tax",
            "STK_BR when tax is included",
        ),
        col("unit_price", Decimal, "the same", ""),
        col("shelf_cents", C, "qty × unit price, before discounts", "Bonpos_Preisfindung TYP Basispreis"),
        col("shelf", Decimal, "the same", ""),
        col("line_discount_cents", C, "the line's own discount", "Bonpos_Preisfindung TYP Rabatt"),
        col("line_discount", Decimal, "the same", ""),
        col("order_discount_cents", C, "the line's share of the order discount", "Bonpos_Preisfindung TYP Rabatt"),
        col("order_discount", Decimal, "the same", ""),
        col(
            "tax_rate_bp",
            Integer,
            "the tax rate in basis points (825 = 8.25 %)",
            "UST_SCHLUESSEL (a rate, not a key)",
        ),
        col("tax_rate", Decimal, "the tax rate in percent", ""),
        col("net_cents", C, "the line after discounts, before tax", "Bonpos_USt POS_NETTO"),
        col("net", Decimal, "the same", ""),
        col("tax_cents", C, "the line's tax, rounded per line", "Bonpos_USt POS_UST"),
        col("tax", Decimal, "the same", ""),
        col("total_cents", C, "net + tax: what the customer paid for the line", "Bonpos_USt POS_BRUTTO"),
        col("total", Decimal, "the same", ""),
    ]
};

const TENDERS: &[Column] = &{
    let h = head(SALE_ID, "BON_ID");
    [
        h[0],
        h[1],
        h[2],
        h[3],
        h[4],
        h[5],
        h[6],
        col("n", Integer, "the tender's place in the sale, from 1", ""),
        col("tender", Text, "cash, card, or a tender the store added (voucher, …)", "ZAHLART_NAME"),
        col("tender_type", Text, "`cash` or `non_cash`", "ZAHLART_TYP (Bar, Unbar)"),
        col("currency", Text, "the store's currency setting, if set", "ZAHLWAEH_CODE"),
        col("amount_cents", C, "as handed over (cash before change)", ""),
        col("amount", Decimal, "the same", ""),
        col("change_cents", C, "the change given back out of this tender (cash only)", ""),
        col("change", Decimal, "the same", ""),
        col("kept_cents", C, "amount − change: what the drawer or the card terminal kept", "BASISWAEH_BETRAG"),
        col("kept", Decimal, "the same", ""),
    ]
};

const TAXES: &[Column] = &{
    let h = head(SALE_ID, "BON_ID");
    [
        h[0],
        h[1],
        h[2],
        h[3],
        h[4],
        h[5],
        h[6],
        col("tax_rate_bp", Integer, "the tax rate in basis points", "UST_SCHLUESSEL (a rate, not a key)"),
        col("tax_rate", Decimal, "the tax rate in percent", ""),
        col("net_cents", C, "the sum of the sale's lines at this rate, before tax", "BON_NETTO"),
        col("net", Decimal, "the same", ""),
        col("tax_cents", C, "their tax", "BON_UST"),
        col("tax", Decimal, "the same", ""),
        col("total_cents", C, "net + tax", "BON_BRUTTO"),
        col("total", Decimal, "the same", ""),
    ]
};

const VOIDS: &[Column] = &{
    let h = head("the void: the id of the event that recorded it", "BON_ID of the Storno-Bon");
    [
        h[0],
        h[1],
        h[2],
        h[3],
        h[4],
        h[5],
        h[6],
        col("approved_by", Text, "the manager who approved it", ""),
        col("order_event_id", Text, "the sale voided (transactions.csv)", "Bon_Referenzen REF_BON_ID"),
        col("order_net_cents", C, "the sale's net, reversed", "negated Bonpos of the Storno-Bon"),
        col("order_net", Decimal, "the same", ""),
        col("order_tax_cents", C, "the sale's tax, reversed", ""),
        col("order_tax", Decimal, "the same", ""),
        col("order_total_cents", C, "the sale's total, reversed", ""),
        col("order_total", Decimal, "the same", ""),
    ]
};

const RETURNS: &[Column] = &{
    let h = head("the return: the id of the event that recorded it", "BON_ID");
    [
        h[0],
        h[1],
        h[2],
        h[3],
        h[4],
        h[5],
        h[6],
        col("approved_by", Text, "the manager who approved it", ""),
        col("order_event_id", Text, "the sale the goods came from", "Bon_Referenzen REF_BON_ID"),
        col("tender", Text, "the tender refunded by", "ZAHLART_NAME"),
        col("tender_type", Text, "`cash` or `non_cash`", "ZAHLART_TYP"),
        col("restock", Boolean, "whether the goods went back on the shelf", ""),
        col("line_count", Integer, "its lines in return_lines.csv", ""),
        col("refund_cents", C, "refunded in total, tax included", "negative UMS_BRUTTO"),
        col("refund", Decimal, "the same", ""),
        col("cash_rounding_cents", C, "what rounding the cash paid out added (paid out = refund + this)", ""),
        col("cash_rounding", Decimal, "the same", ""),
    ]
};

const RETURN_LINES: &[Column] = &{
    let h = head("the return the line belongs to (returns.csv)", "BON_ID");
    [
        h[0],
        h[1],
        h[2],
        h[3],
        h[4],
        h[5],
        h[6],
        col("order_event_id", Text, "the sale the goods came from", "Bon_Referenzen REF_BON_ID"),
        col("line_no", Integer, "the line's place in the return, from 1", "POS_ZEILE"),
        col("sku", Text, "the product's SKU", "ART_NR"),
        col("qty", Integer, "how many came back", "negative MENGE"),
        col("tax_rate_bp", Integer, "the rate of the sale's line of that SKU", "UST_SCHLUESSEL"),
        col("refund_cents", C, "refunded for them, tax included", "negative POS_BRUTTO (not split into net and tax)"),
        col("refund", Decimal, "the same", ""),
    ]
};

impl Reader<'_> {
    /// Every table of the export for records made in `[from_ms, to_ms)`, in the index's order.
    pub fn export(&self, from_ms: i64, to_ms: i64) -> Result<Vec<ExportTable>, StoreError> {
        let currency = self.setting("currency")?;
        let minor = self.money_format()?.currency.minor;
        let mut tables = vec![
            self.export_transactions(from_ms, to_ms, &currency)?,
            self.export_lines(from_ms, to_ms)?,
            self.export_tenders(from_ms, to_ms, &currency)?,
            self.export_taxes(from_ms, to_ms)?,
            self.export_voids(from_ms, to_ms)?,
            self.export_returns(from_ms, to_ms)?,
            self.export_return_lines(from_ms, to_ms)?,
            self.export_cash_movements(from_ms, to_ms)?,
            self.export_drawer_openings(from_ms, to_ms)?,
            self.export_z_reports(from_ms, to_ms)?,
        ];
        // The rows write amounts with two decimals; the store's currency may have 0 or 3.
        if minor != 2 {
            for t in &mut tables {
                for i in 1..t.columns.len() {
                    let is_pair = t.columns[i].kind == ColumnType::Decimal
                        && t.columns[i - 1].name.strip_suffix("_cents") == Some(t.columns[i].name);
                    for row in t.rows.iter_mut().filter(|_| is_pair) {
                        let Some(&Cell::Int(v)) = row.get(i - 1) else { continue };
                        if let Some(Cell::Text(text)) = row.get_mut(i) {
                            *text = Cents(v).show(minor);
                        }
                    }
                }
            }
        }
        Ok(tables)
    }

    /// Every register's journal head (its last event here and that event's hash).
    pub fn heads(&self) -> Result<Vec<Head>, StoreError> {
        self.rows(
            "SELECT e.origin, e.seq, e.body, r.name FROM events e LEFT JOIN registers r ON r.origin = e.origin
             WHERE e.seq = (SELECT MAX(seq) FROM events WHERE origin = e.origin) ORDER BY e.origin",
            [],
            |r| {
                Ok(Head {
                    register_id: hex(&r.get::<_, Vec<u8>>(0)?),
                    head_seq: r.get::<_, i64>(1)?.max(0) as u64,
                    head_hash: hex(&event_hash(&r.get::<_, Vec<u8>>(2)?)),
                    name: r.get(3)?,
                })
            },
        )
    }

    /// Runs a table's query: `meta` is its name, what a row is, and its DSFinV-K file.
    fn table(
        &self,
        meta: (&'static str, &'static str, &'static str),
        columns: &'static [Column],
        sql: &str,
        range: (i64, i64),
        f: impl FnMut(&Row<'_>) -> rusqlite::Result<Vec<Cell>>,
    ) -> Result<ExportTable, StoreError> {
        let rows = self.rows(sql, range, f)?;
        let (name, about, dsfinvk) = meta;
        Ok(ExportTable { name, about, dsfinvk, columns, rows })
    }

    /// `transactions.csv`: one row per sale (Bonkopf).
    fn export_transactions(&self, from: i64, to: i64, currency: &Option<String>) -> Result<ExportTable, StoreError> {
        let sql = "SELECT o.origin, g.name, o.origin, o.seq, o.number, o.hlc_ms, o.cashier, o.approved_by,
                          o.shift_origin, o.shift_seq, v.void_origin, v.void_seq, o.prices_include_tax,
                          (SELECT count(*) FROM order_lines l WHERE l.origin = o.origin AND l.seq = o.seq),
                          o.discount_cents, o.subtotal_cents, o.tax_cents, o.total_cents,
                          (SELECT COALESCE(SUM(t.amount_cents), 0) FROM order_tenders t WHERE t.origin = o.origin AND t.seq = o.seq),
                          o.change_cents, o.cash_rounding_cents
                   FROM orders o LEFT JOIN registers g ON g.origin = o.origin
                   LEFT JOIN order_voids v ON v.origin = o.origin AND v.seq = o.seq
                   WHERE o.hlc_ms >= ?1 AND o.hlc_ms < ?2 ORDER BY o.hlc_ms, o.hlc_logical, o.origin, o.seq";
        let about = "one row per sale";
        self.table(("transactions", about, "Bonkopf (transactions.csv)"), TRANSACTIONS, sql, (from, to), |r| {
            let mut c = Cells::default();
            c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(r.get(4)?).when(r.get(5)?).text(r.get(6)?);
            c.text(r.get(7)?).id(r, 8)?.flag(r.get::<_, Option<Vec<u8>>>(10)?.is_some()).id(r, 10)?;
            c.flag(r.get(12)?).int(r.get(13)?);
            for i in 14..=20 {
                c.money(r.get(i)?);
            }
            c.text(currency.clone());
            Ok(c.0)
        })
    }

    /// `lines.csv`: one row per line of a sale (Bonpos with Bonpos_USt and Bonpos_Preisfindung).
    fn export_lines(&self, from: i64, to: i64) -> Result<ExportTable, StoreError> {
        let sql = "SELECT o.origin, g.name, o.origin, o.seq, o.number, o.hlc_ms, o.cashier,
                          l.line_no, l.sku, l.name, l.qty, l.unit_price_cents, l.discount_cents,
                          l.order_discount_cents, l.tax_rate_bp, l.subtotal_cents, l.tax_cents
                   FROM orders o JOIN order_lines l ON l.origin = o.origin AND l.seq = o.seq
                   LEFT JOIN registers g ON g.origin = o.origin
                   WHERE o.hlc_ms >= ?1 AND o.hlc_ms < ?2
                   ORDER BY o.hlc_ms, o.hlc_logical, o.origin, o.seq, l.line_no";
        let about = "one row per line of a sale";
        self.table(
            ("lines", about, "Bonpos, Bonpos_USt, Bonpos_Preisfindung (lines.csv)"),
            LINES,
            sql,
            (from, to),
            |r| {
                let mut c = Cells::default();
                c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(r.get(4)?).when(r.get(5)?).text(r.get(6)?);
                let (qty, unit): (i64, i64) = (r.get(10)?, r.get(11)?);
                c.int(r.get::<_, i64>(7)? + 1).text(r.get(8)?).text(r.get(9)?).int(qty);
                c.money(unit).money(qty * unit).money(r.get(12)?).money(r.get(13)?);
                let (rate, net, tax): (i64, i64, i64) = (r.get(14)?, r.get(15)?, r.get(16)?);
                c.int(rate).text(Some(rate_text(rate))).money(net).money(tax).money(net + tax);
                Ok(c.0)
            },
        )
    }

    /// `tenders.csv`: one row per tender of a sale (Bonkopf_Zahlarten). The sale's change comes
    /// out of its cash tenders, the first first.
    fn export_tenders(&self, from: i64, to: i64, currency: &Option<String>) -> Result<ExportTable, StoreError> {
        let sql = "SELECT o.origin, g.name, o.origin, o.seq, o.number, o.hlc_ms, o.cashier,
                          t.n, t.tender, t.amount_cents, o.change_cents,
                          (SELECT COALESCE(SUM(p.amount_cents), 0) FROM order_tenders p
                           WHERE p.origin = o.origin AND p.seq = o.seq AND p.n < t.n AND p.tender = 'cash')
                   FROM orders o JOIN order_tenders t ON t.origin = o.origin AND t.seq = o.seq
                   LEFT JOIN registers g ON g.origin = o.origin
                   WHERE o.hlc_ms >= ?1 AND o.hlc_ms < ?2
                   ORDER BY o.hlc_ms, o.hlc_logical, o.origin, o.seq, t.n";
        let about = "one row per tender of a sale";
        self.table(("tenders", about, "Bonkopf_Zahlarten (datapayment.csv)"), TENDERS, sql, (from, to), |r| {
            let mut c = Cells::default();
            c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(r.get(4)?).when(r.get(5)?).text(r.get(6)?);
            let tender: String = r.get(8)?;
            let (amount, change, cash_before): (i64, i64, i64) = (r.get(9)?, r.get(10)?, r.get(11)?);
            let given = if tender == CASH { (change - cash_before).clamp(0, amount) } else { 0 };
            c.int(r.get::<_, i64>(7)? + 1).text(Some(tender.clone())).text(Some(tender_type(&tender)));
            c.text(currency.clone());
            c.money(amount).money(given).money(amount - given);
            Ok(c.0)
        })
    }

    /// `taxes.csv`: one row per sale and tax rate (Bonkopf_USt).
    fn export_taxes(&self, from: i64, to: i64) -> Result<ExportTable, StoreError> {
        let sql = "SELECT o.origin, g.name, o.origin, o.seq, o.number, o.hlc_ms, o.cashier,
                          l.tax_rate_bp, SUM(l.subtotal_cents), SUM(l.tax_cents)
                   FROM orders o JOIN order_lines l ON l.origin = o.origin AND l.seq = o.seq
                   LEFT JOIN registers g ON g.origin = o.origin
                   WHERE o.hlc_ms >= ?1 AND o.hlc_ms < ?2
                   GROUP BY o.origin, o.seq, l.tax_rate_bp
                   ORDER BY o.hlc_ms, o.hlc_logical, o.origin, o.seq, l.tax_rate_bp";
        let about = "one row per sale and tax rate";
        self.table(("taxes", about, "Bonkopf_USt (transactions_vat.csv)"), TAXES, sql, (from, to), |r| {
            let mut c = Cells::default();
            c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(r.get(4)?).when(r.get(5)?).text(r.get(6)?);
            let (rate, net, tax): (i64, i64, i64) = (r.get(7)?, r.get(8)?, r.get(9)?);
            c.int(rate).text(Some(rate_text(rate))).money(net).money(tax).money(net + tax);
            Ok(c.0)
        })
    }

    /// `voids.csv`: one row per voided sale, by the void that counts, dated by the void.
    fn export_voids(&self, from: i64, to: i64) -> Result<ExportTable, StoreError> {
        let sql = "SELECT v.void_origin, g.name, v.void_origin, v.void_seq, o.number, v.hlc_ms, v.cashier,
                          v.approved_by, v.origin, v.seq, o.subtotal_cents, o.tax_cents, o.total_cents
                   FROM order_voids v LEFT JOIN orders o ON o.origin = v.origin AND o.seq = v.seq
                   LEFT JOIN registers g ON g.origin = v.void_origin
                   WHERE v.hlc_ms >= ?1 AND v.hlc_ms < ?2
                   ORDER BY v.hlc_ms, v.hlc_logical, v.void_origin, v.void_seq";
        let about = "one row per voided sale (the void that counts: the earliest)";
        self.table(("voids", about, "a Storno-Bon (BON_STORNO) with Bon_Referenzen"), VOIDS, sql, (from, to), |r| {
            let mut c = Cells::default();
            c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(r.get(4)?).when(r.get(5)?).text(r.get(6)?);
            c.text(r.get(7)?).id(r, 8)?;
            for i in 10..=12 {
                // The sale may not have arrived yet on this register: its figures are then empty.
                match r.get::<_, Option<i64>>(i)? {
                    Some(v) => c.money(v),
                    None => c.text(None).text(None),
                };
            }
            Ok(c.0)
        })
    }

    /// `returns.csv`: one row per return.
    fn export_returns(&self, from: i64, to: i64) -> Result<ExportTable, StoreError> {
        let sql = "SELECT x.origin, g.name, x.origin, x.seq, x.order_number, x.hlc_ms, x.cashier, x.approved_by,
                          x.order_origin, x.order_seq, x.payment, x.restock,
                          (SELECT count(*) FROM return_lines l WHERE l.origin = x.origin AND l.seq = x.seq),
                          x.refund_cents, x.cash_rounding_cents
                   FROM returns x LEFT JOIN registers g ON g.origin = x.origin
                   WHERE x.hlc_ms >= ?1 AND x.hlc_ms < ?2 ORDER BY x.hlc_ms, x.hlc_logical, x.origin, x.seq";
        let about = "one row per return of goods from a sale";
        self.table(
            ("returns", about, "a Beleg with negative positions, Bon_Referenzen"),
            RETURNS,
            sql,
            (from, to),
            |r| {
                let mut c = Cells::default();
                c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(r.get(4)?).when(r.get(5)?).text(r.get(6)?);
                let tender: String = r.get(10)?;
                c.text(r.get(7)?).id(r, 8)?.text(Some(tender.clone())).text(Some(tender_type(&tender)));
                c.flag(r.get(11)?).int(r.get(12)?).money(r.get(13)?).money(r.get(14)?);
                Ok(c.0)
            },
        )
    }

    /// `return_lines.csv`: one row per line of a return.
    fn export_return_lines(&self, from: i64, to: i64) -> Result<ExportTable, StoreError> {
        let sql = "SELECT x.origin, g.name, x.origin, x.seq, x.order_number, x.hlc_ms, x.cashier,
                          x.order_origin, x.order_seq, l.line_no, l.sku, l.qty,
                          (SELECT o.tax_rate_bp FROM order_lines o WHERE o.origin = x.order_origin
                           AND o.seq = x.order_seq AND o.sku = l.sku ORDER BY o.line_no LIMIT 1),
                          l.refund_cents
                   FROM returns x JOIN return_lines l ON l.origin = x.origin AND l.seq = x.seq
                   LEFT JOIN registers g ON g.origin = x.origin
                   WHERE x.hlc_ms >= ?1 AND x.hlc_ms < ?2
                   ORDER BY x.hlc_ms, x.hlc_logical, x.origin, x.seq, l.line_no";
        let about = "one row per line of a return";
        self.table(("return_lines", about, "negative Bonpos"), RETURN_LINES, sql, (from, to), |r| {
            let mut c = Cells::default();
            c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(r.get(4)?).when(r.get(5)?).text(r.get(6)?);
            c.id(r, 7)?.int(r.get::<_, i64>(9)? + 1).text(r.get(10)?).int(r.get(11)?);
            match r.get::<_, Option<i64>>(12)? {
                Some(rate) => c.int(rate),
                None => c.text(None),
            };
            c.money(r.get(13)?);
            Ok(c.0)
        })
    }

    /// `cash_movements.csv`: one row per paid in, paid out or drop to the safe.
    fn export_cash_movements(&self, from: i64, to: i64) -> Result<ExportTable, StoreError> {
        let sql = "SELECT m.origin, g.name, m.origin, m.seq, m.hlc_ms, m.cashier, m.kind, m.amount_cents, m.reason,
                          m.shift_origin, m.shift_seq
                   FROM cash_moves m LEFT JOIN registers g ON g.origin = m.origin
                   WHERE m.hlc_ms >= ?1 AND m.hlc_ms < ?2 ORDER BY m.hlc_ms, m.origin, m.seq";
        let about = "one row per cash movement outside a sale";
        let dsfinvk = "a Beleg of GV_TYP Einzahlung, Auszahlung or Geldtransit (businesscases)";
        self.table(("cash_movements", about, dsfinvk), CASH_MOVEMENTS, sql, (from, to), |r| {
            let mut c = Cells::default();
            c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(None).when(r.get(4)?).text(r.get(5)?);
            let kind: String = r.get(6)?;
            let amount: i64 = r.get(7)?;
            let sign = if kind == "paid_in" { 1 } else { -1 };
            c.text(Some(kind)).money(amount).money(sign * amount).text(r.get(8)?).id(r, 9)?;
            Ok(c.0)
        })
    }

    /// `drawer_openings.csv`: one row per opening of the drawer without a sale.
    fn export_drawer_openings(&self, from: i64, to: i64) -> Result<ExportTable, StoreError> {
        let sql = "SELECT d.origin, g.name, d.origin, d.seq, d.hlc_ms, d.cashier, d.reason, d.approved_by
                   FROM drawer_openings d LEFT JOIN registers g ON g.origin = d.origin
                   WHERE d.hlc_ms >= ?1 AND d.hlc_ms < ?2 ORDER BY d.hlc_ms, d.origin, d.seq";
        let about = "one row per opening of the drawer without a sale (a no-sale)";
        self.table(("drawer_openings", about, "not in DSFinV-K"), DRAWER_OPENINGS, sql, (from, to), |r| {
            let mut c = Cells::default();
            c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(None).when(r.get(4)?).text(r.get(5)?);
            c.text(r.get(6)?).text(r.get(7)?);
            Ok(c.0)
        })
    }

    /// `z_reports.csv`: one row per Z report (a register's business day closed), dated by when
    /// it was closed.
    fn export_z_reports(&self, from: i64, to: i64) -> Result<ExportTable, StoreError> {
        let sql = "SELECT z.origin, g.name, z.origin, z.seq, z.closed_ms, z.closed_by, z.number, z.business_date,
                          z.opened_ms, z.totals, z.expected_cash_cents, z.counted_cash_cents, z.grand_total_cents
                   FROM z_reports z LEFT JOIN registers g ON g.origin = z.origin
                   WHERE z.closed_ms >= ?1 AND z.closed_ms < ?2 ORDER BY z.closed_ms, z.origin, z.seq";
        let about = "one row per Z report: a register's business day closed";
        self.table(("z_reports", about, "Stamm_Abschluss (cashpointclosing.csv)"), Z_REPORTS, sql, (from, to), |r| {
            let mut c = Cells::default();
            c.register(r, 0)?.text(r.get(1)?).id(r, 2)?.text(None).when(r.get(4)?).text(r.get(5)?);
            c.int(r.get(6)?).text(r.get(7)?).text(Some(format_ms(r.get(8)?)));
            // Written by this build from the Z event; a row that does not parse exports empty
            // figures (journal verify names the edit).
            let t: crate::model::DayTotals = serde_json::from_str(&r.get::<_, String>(9)?).unwrap_or_default();
            let cash = t.tenders.iter().find(|x| x.name == CASH).map_or(0, |x| x.net_cents().0);
            c.int(t.sales.count as i64).money(t.sales.cents.0).money(t.discounts_cents.0);
            c.int(t.voids.count as i64).money(t.voids.cents.0).int(t.refunds.count as i64).money(t.refunds.cents.0);
            let rounding = t.cash_rounding_cents().0;
            c.money(t.net_cents().0).money(cash).money(t.net_cents().0 + rounding - cash).money(rounding);
            c.money(t.paid_in.cents.0).money(t.paid_out.cents.0).money(t.drops.cents.0).int(t.no_sales as i64);
            let (expected, counted): (i64, Option<i64>) = (r.get(10)?, r.get(11)?);
            c.money(expected);
            match counted {
                Some(v) => c.money(v).money(v - expected),
                None => c.text(None).text(None).text(None).text(None),
            };
            c.money(r.get(12)?);
            Ok(c.0)
        })
    }
}

const CASH_MOVEMENTS: &[Column] = &{
    let h = head("the movement: the id of the event that recorded it", "BON_ID");
    [
        h[0],
        h[1],
        h[2],
        col("order_number", Text, "empty (not a sale)", ""),
        h[4],
        h[5],
        h[6],
        col(
            "kind",
            Text,
            "`paid_in`, `paid_out` or `drop` (to the safe)",
            "GV_TYP Einzahlung, Auszahlung, Geldtransit",
        ),
        col("amount_cents", C, "how much (positive)", ""),
        col("amount", Decimal, "the same", ""),
        col("drawer_cents", C, "what it did to the drawer: + in, − out", "POS_BRUTTO with its sign"),
        col("drawer", Decimal, "the same", ""),
        col("reason", Text, "why, in the cashier's words", "ARTIKELTEXT"),
        col("shift_id", Text, "the cash shift it belongs to, if one was open", ""),
    ]
};

const DRAWER_OPENINGS: &[Column] = &{
    let h = head("the opening: the id of the event that recorded it", "");
    [
        h[0],
        h[1],
        h[2],
        col("order_number", Text, "empty (not a sale)", ""),
        h[4],
        h[5],
        h[6],
        col("reason", Text, "why, in the cashier's words", ""),
        col("approved_by", Text, "the manager who approved it", ""),
    ]
};

const Z_REPORTS: &[Column] = &{
    let h = head("the Z report: the id of the event that recorded it", "Z_KASSE_ID with Z_NR");
    [
        h[0],
        h[1],
        h[2],
        col("order_number", Text, "empty (not a sale)", ""),
        col("business_date", Date, "the UTC date it was closed (`z_business_date` is the day it closes)", ""),
        col("created_utc", Timestamp, "when it was closed", "Z_ERSTELLUNG"),
        col("cashier", Text, "who closed it", ""),
        col("z_number", Integer, "1, 2, 3… per register, no gaps", "Z_NR"),
        col("z_business_date", Date, "the business day it closes", "Z_BUCHUNGSTAG"),
        col("opened_utc", Timestamp, "when the period's first event happened", ""),
        col("sales_count", Integer, "sales rung on the register in the period", ""),
        col("sales_cents", C, "their totals, tax included", "Z_UMS_BRUTTO before voids"),
        col("sales", Decimal, "the same", ""),
        col("discounts_cents", C, "line and order discounts on them", ""),
        col("discounts", Decimal, "the same", ""),
        col("voids_count", Integer, "voids made on the register", ""),
        col("voids_cents", C, "the totals of the sales they voided", ""),
        col("voids", Decimal, "the same", ""),
        col("refunds_count", Integer, "returns taken on the register", ""),
        col("refunds_cents", C, "refunded", ""),
        col("refunds", Decimal, "the same", ""),
        col("net_cents", C, "sales − voids − refunds", "Z_SE_ZAHLUNGEN"),
        col("net", Decimal, "the same", ""),
        col("cash_net_cents", C, "of it in cash (net of change)", "Z_SE_BARZAHLUNGEN"),
        col("cash_net", Decimal, "the same", ""),
        col("non_cash_net_cents", C, "of it by other tenders", ""),
        col("non_cash_net", Decimal, "the same", ""),
        col("cash_rounding_cents", C, "cash rounding: cash net + non-cash net = net + this", ""),
        col("cash_rounding", Decimal, "the same", ""),
        col("paid_in_cents", C, "cash put in", "Z_GV_TYP Einzahlung"),
        col("paid_in", Decimal, "the same", ""),
        col("paid_out_cents", C, "cash paid out", "Z_GV_TYP Auszahlung"),
        col("paid_out", Decimal, "the same", ""),
        col("drops_cents", C, "cash taken to the safe", "Z_GV_TYP Geldtransit"),
        col("drops", Decimal, "the same", ""),
        col("no_sales", Integer, "drawer openings without a sale", ""),
        col(
            "expected_cash_cents",
            C,
            "floats + cash net + paid in − paid out − drops",
            "Z_KASSE_SOLL (not a DSFinV-K field name)",
        ),
        col("expected_cash", Decimal, "the same", ""),
        col("counted_cash_cents", C, "cash counted, if counted", "KASSENBESTAND"),
        col("counted_cash", Decimal, "the same", ""),
        col("difference_cents", C, "counted − expected", "Kassendifferenz"),
        col("difference", Decimal, "the same", ""),
        col(
            "grand_total_cents",
            C,
            "net since the register was installed, never reset",
            "not in DSFinV-K (the TSE counters)",
        ),
        col("grand_total", Decimal, "the same", ""),
    ]
};
