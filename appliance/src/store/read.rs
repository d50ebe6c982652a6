//! Read queries and the row types they return. The row types are also the `--json` output of the
//! CLI, documented in docs/JSON.md: add fields, never rename or remove them.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::StoreError;
use crate::model::{Cents, EventId, RateBp, RegisterId, hex};
use crate::sync::Event;

/// Read access to the store, from a plain connection or inside a write transaction.
pub struct Reader<'a> {
    pub(super) conn: &'a Connection,
    pub(super) path: &'a Path,
}

/// Formats milliseconds since the epoch as RFC 3339 UTC.
pub fn format_ms(ms: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// A product as listed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ProductRow {
    /// Its SKU.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Unit price before tax, in cents.
    pub price_cents: i64,
    /// Unit price as text, e.g. "2.50".
    pub price: String,
    /// Name of its tax profile.
    pub tax_profile: Option<String>,
    /// False once removed from sale.
    pub active: bool,
    /// Items on hand, if stock has ever been recorded.
    pub on_hand: Option<i64>,
    /// The category it is listed under, if any.
    pub category: Option<String>,
    /// Its barcodes (UPC-A codes as their 13-digit EAN form).
    pub barcodes: Vec<String>,
}

/// A tax profile as listed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TaxRow {
    /// Its name.
    pub name: String,
    /// Rate in basis points (825 = 8.25 %).
    pub rate_bp: u32,
    /// Rate as text, e.g. "8.25%".
    pub rate: String,
}

/// A user as listed (never the PIN hash).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UserRow {
    /// Their name.
    pub name: String,
    /// cashier or manager.
    pub role: String,
    /// False once removed.
    pub active: bool,
}

/// A store-wide setting.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SettingRow {
    /// Its key.
    pub key: String,
    /// Its value.
    pub value: String,
}

/// One line of a listed order.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OrderLineRow {
    /// What was sold.
    pub sku: String,
    /// Its name at the time.
    pub name: String,
    /// How many.
    pub qty: u32,
    /// Unit price at the time, in cents.
    pub unit_price_cents: i64,
    /// Tax rate applied, basis points.
    pub tax_rate_bp: u32,
    /// The line's net: qty × unit price less its discounts, before tax (tax-inclusive prices:
    /// with the tax taken out).
    pub subtotal_cents: i64,
    /// Tax on the line.
    pub tax_cents: i64,
    /// The line's own discount.
    pub discount_cents: i64,
    /// The line's share of the order discount.
    pub order_discount_cents: i64,
    /// What the customer paid for the line: net + tax.
    pub total_cents: i64,
    /// How many of these have come back in returns so far.
    pub returned_qty: u32,
}

/// Money given for an order, one tender.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TenderRow {
    /// cash, card, or a store tender.
    pub tender: String,
    /// The amount (cash: as handed over, before change).
    pub amount_cents: i64,
}

/// An order's net and tax at one rate.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OrderTaxRow {
    /// The rate, basis points.
    pub rate_bp: u32,
    /// Net of the lines at this rate.
    pub net_cents: i64,
    /// Their tax.
    pub tax_cents: i64,
}

/// An order as listed.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct OrderRow {
    /// Stable id: `<register id>:<seq>`.
    pub id: String,
    /// Human number, e.g. R1-000042.
    pub number: String,
    /// Id of the register that rang it.
    pub register: String,
    /// The only tender's name (cash, card, …), or `split`.
    pub payment: String,
    /// Who rang it.
    pub cashier: Option<String>,
    /// The manager who approved a discount or override on it.
    pub approved_by: Option<String>,
    /// The shift it belongs to.
    pub shift_id: Option<String>,
    /// Sum of the lines' net (after discounts, before tax), in cents.
    pub subtotal_cents: i64,
    /// Tax, in cents.
    pub tax_cents: i64,
    /// Paid, in cents.
    pub total_cents: i64,
    /// Line discounts plus the order discount, in cents.
    pub discount_cents: i64,
    /// Cash given back, in cents.
    pub change_cents: i64,
    /// What rounding the cash due added to the total (negative: took off): tenders − change = total + this.
    pub cash_rounding_cents: i64,
    /// Whether the shelf prices included tax.
    pub prices_include_tax: bool,
    /// How it was paid.
    pub tenders: Vec<TenderRow>,
    /// Net and tax per rate, by rate.
    pub taxes: Vec<OrderTaxRow>,
    /// Total as text, with the currency's decimals.
    pub total: String,
    /// The store's currency (ISO 4217): what the `_cents` figures are minor units of.
    pub currency: String,
    /// When it was rung (HLC wall time), ms since the epoch.
    pub created_ms: i64,
    /// The same as RFC 3339 UTC.
    pub created: String,
    /// Whether it has been voided.
    pub voided: bool,
    /// Its lines.
    pub lines: Vec<OrderLineRow>,
}

/// One line of a listed return.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ReturnLineRow {
    /// What came back.
    pub sku: String,
    /// How many.
    pub qty: u32,
    /// Refunded for them, in cents.
    pub refund_cents: i64,
}

/// A return as listed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ReturnRow {
    /// Stable id.
    pub id: String,
    /// The order the goods came from.
    pub order_id: String,
    /// Its human number.
    pub order_number: String,
    /// Whether the goods went back on the shelf.
    pub restock: bool,
    /// Refunded in total, in cents.
    pub refund_cents: i64,
    /// Refunded as text.
    pub refund: String,
    /// The tender it was refunded by (cash, card, …).
    pub payment: String,
    /// Cash rounding of a cash refund: the drawer paid out `refund_cents` + this (else 0).
    pub cash_rounding_cents: i64,
    /// Who took the goods back.
    pub cashier: Option<String>,
    /// The manager who approved it.
    pub approved_by: Option<String>,
    /// When, ms since the epoch.
    pub created_ms: i64,
    /// What came back.
    pub lines: Vec<ReturnLineRow>,
}

/// A shift as listed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ShiftRow {
    /// Stable id.
    pub id: String,
    /// Id of the register it ran on.
    pub register: String,
    /// Who opened it.
    pub cashier: Option<String>,
    /// When it opened, ms since the epoch.
    pub opened_ms: Option<i64>,
    /// Cash float at the start, cents.
    pub float_cents: Option<i64>,
    /// When it closed.
    pub closed_ms: Option<i64>,
    /// Cash counted at the close, cents.
    pub counted_cents: Option<i64>,
    /// Cash that should have been there, cents.
    pub expected_cents: Option<i64>,
    /// counted − expected: negative means cash is missing.
    pub difference_cents: Option<i64>,
    /// Still open.
    pub open: bool,
}

/// Stock of one SKU.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StockRow {
    /// The SKU.
    pub sku: String,
    /// Its product name, if the product is known.
    pub name: Option<String>,
    /// Items on hand.
    pub on_hand: i64,
    /// True when on hand is below zero: registers sold more than was counted.
    pub negative: bool,
    /// When it was last counted, ms since the epoch.
    pub last_count_ms: Option<i64>,
}

/// One event of the log, for support.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EventRow {
    /// Position in this database's log.
    pub log_seq: i64,
    /// Register that made it.
    pub origin: String,
    /// Its sequence number at the origin.
    pub seq: i64,
    /// HLC as `wall_ms.logical`.
    pub hlc: String,
    /// Kind name.
    pub kind: String,
    /// Not yet acknowledged by a server.
    pub pending: bool,
    /// When this database received it, ms since the epoch.
    pub received_ms: i64,
    /// The decoded payload, or null for a kind this build cannot read.
    pub data: Option<serde_json::Value>,
}

/// Counts for the status screen.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Products on sale.
    pub products: i64,
    /// Orders, voided included.
    pub orders: i64,
    /// Voided orders.
    pub voided_orders: i64,
    /// Returns.
    pub returns: i64,
    /// Shifts.
    pub shifts: i64,
    /// Active users.
    pub users: i64,
    /// Events in the log.
    pub events: i64,
    /// Events made here and not yet acknowledged by a server.
    pub pending_events: i64,
    /// Conflicts no manager has settled yet (`till conflicts`).
    pub open_conflicts: i64,
    /// Events kept for relay that this build cannot read (written by a newer Till): figures
    /// shown here leave them out until this register is updated.
    pub unreadable_events: i64,
}

fn origin_text(r: &Row<'_>, i: usize) -> rusqlite::Result<String> {
    Ok(hex(&r.get::<_, Vec<u8>>(i)?))
}

/// The text id `<origin hex>:<seq>` from an (origin, seq) column pair.
fn id_text(r: &Row<'_>, i: usize) -> rusqlite::Result<String> {
    Ok(format!("{}:{}", origin_text(r, i)?, r.get::<_, i64>(i + 1)?))
}

/// Like [`id_text`] for a nullable pair.
fn id_text_opt(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    match r.get::<_, Option<Vec<u8>>>(i)? {
        None => Ok(None),
        Some(_) => id_text(r, i).map(Some),
    }
}

/// An id as the (origin, seq) parameters the tables are keyed by.
fn id_params(id: &EventId) -> (Vec<u8>, i64) {
    (id.origin.0.to_vec(), id.seq as i64)
}

impl Reader<'_> {
    pub(super) fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(e, self.path)
    }

    pub(super) fn rows<T>(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut st = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = st.query_map(p, f).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<T>>>().map_err(|e| self.err(e))
    }

    pub(super) fn one<T>(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, StoreError> {
        let mut st = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        st.query_row(p, f).optional().map_err(|e| self.err(e))
    }

    const PRODUCT_SQL: &'static str = "SELECT p.sku, p.name, p.price_cents, p.tax_profile, p.active, s.on_hand,
                p.category, (SELECT group_concat(b.code, ' ') FROM barcodes b WHERE b.sku = p.sku)
         FROM products p LEFT JOIN stock s ON s.sku = p.sku WHERE p.name IS NOT NULL";

    fn product_row(r: &Row<'_>) -> rusqlite::Result<ProductRow> {
        let price: i64 = r.get(2)?;
        Ok(ProductRow {
            sku: r.get(0)?,
            name: r.get(1)?,
            price_cents: price,
            // Written with the currency's decimals by `products`/`product`.
            price: String::new(),
            tax_profile: r.get(3)?,
            active: r.get(4)?,
            on_hand: r.get(5)?,
            category: r.get(6)?,
            barcodes: r
                .get::<_, Option<String>>(7)?
                .map(|b| b.split(' ').map(str::to_string).collect())
                .unwrap_or_default(),
        })
    }

    /// The SKU of the product on sale with this barcode (its lookup key): the product whose
    /// details were written last, if two claim it (a clash made while registers were apart).
    pub fn sku_by_barcode(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.one(
            "SELECT p.sku FROM barcodes b JOIN products p ON p.sku = b.sku
             WHERE b.code = ?1 AND p.active
             ORDER BY p.details_hlc_ms DESC, p.details_hlc_logical DESC, p.details_hlc_origin DESC LIMIT 1",
            [key],
            |r| r.get(0),
        )
    }

    /// Whether the store accepts this tender (besides cash and card, which it always does).
    pub fn tender_active(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self.one("SELECT active FROM tenders WHERE name = ?1", [name], |r| r.get::<_, bool>(0))?.unwrap_or(false))
    }

    /// Tenders the store accepts: cash and card first, then the ones it added, by name.
    pub fn tenders(&self) -> Result<Vec<String>, StoreError> {
        let mut out = vec![crate::model::CASH.to_string(), crate::model::CARD.to_string()];
        out.extend(self.rows("SELECT name FROM tenders WHERE active ORDER BY name", [], |r| r.get(0))?);
        Ok(out)
    }

    /// Products with data, by SKU; removed ones only if asked.
    pub fn products(&self, include_removed: bool) -> Result<Vec<ProductRow>, StoreError> {
        let sql = format!("{} AND (?1 OR p.active) ORDER BY p.sku", Self::PRODUCT_SQL);
        let minor = self.minor()?;
        let mut rows = self.rows(&sql, [include_removed], Self::product_row)?;
        for p in &mut rows {
            p.price = Cents(p.price_cents).show(minor);
        }
        Ok(rows)
    }

    /// The decimals of the store's currency, as the text fields of rows show amounts.
    fn minor(&self) -> Result<u8, StoreError> {
        Ok(self.money_format()?.currency.minor)
    }

    /// One product by SKU, on sale or not.
    pub fn product(&self, sku: &str) -> Result<Option<ProductRow>, StoreError> {
        let sql = format!("{} AND p.sku = ?1", Self::PRODUCT_SQL);
        let minor = self.minor()?;
        Ok(self.one(&sql, [sku], Self::product_row)?.map(|mut p| {
            p.price = Cents(p.price_cents).show(minor);
            p
        }))
    }

    /// All tax profiles by name.
    pub fn tax_profiles(&self) -> Result<Vec<TaxRow>, StoreError> {
        self.rows("SELECT name, rate_bp FROM tax_profiles ORDER BY name", [], |r| {
            let bp: u32 = r.get(1)?;
            Ok(TaxRow { name: r.get(0)?, rate_bp: bp, rate: RateBp(bp).to_string() })
        })
    }

    /// The rate of a tax profile.
    pub fn tax_rate(&self, name: &str) -> Result<Option<RateBp>, StoreError> {
        self.one("SELECT rate_bp FROM tax_profiles WHERE name = ?1", [name], |r| r.get(0).map(RateBp))
    }

    /// Users by name; removed ones too (marked).
    pub fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        self.rows("SELECT name, role, active FROM users ORDER BY name", [], |r| {
            Ok(UserRow { name: r.get(0)?, role: r.get(1)?, active: r.get(2)? })
        })
    }

    /// A user's role and PIN hash, if they exist and are active.
    pub fn active_user(&self, name: &str) -> Result<Option<(String, String)>, StoreError> {
        self.one("SELECT role, pin_hash FROM users WHERE name = ?1 AND active", [name], |r| Ok((r.get(0)?, r.get(1)?)))
    }

    /// Store-wide settings by key.
    pub fn settings(&self) -> Result<Vec<SettingRow>, StoreError> {
        self.rows("SELECT key, value FROM settings ORDER BY key", [], |r| {
            Ok(SettingRow { key: r.get(0)?, value: r.get(1)? })
        })
    }

    /// How the store shows money: its currency (US dollars until one is set) in its locale
    /// (`en-US` until one is set).
    pub fn money_format(&self) -> Result<till_display::MoneyFormat, StoreError> {
        let currency = self.setting("currency")?.and_then(|c| till_display::Currency::of(&c)).unwrap_or_default();
        let locale = self.setting("locale")?.and_then(|l| till_display::Locale::of(&l)).unwrap_or_default();
        Ok(till_display::MoneyFormat::new(currency, locale))
    }

    /// The language this register shows and prints in: its own (`till setup set language=…`,
    /// its Settings screen, its flash config), else the store's setting `language`, else the
    /// language of the store's locale when Till ships it, else English (docs/LOCALE.md).
    pub fn language(&self) -> Result<till_display::i18n::Language, StoreError> {
        use till_display::i18n::Language;
        let own: Option<String> =
            self.one("SELECT value FROM device_kv WHERE key = ?1", [crate::store::kv::LANGUAGE.name], |r| r.get(0))?;
        let store = self.setting("language")?;
        let locale = self.setting("locale")?;
        Ok([own, store, locale].iter().flatten().find_map(|tag| Language::of(tag)).unwrap_or_default())
    }

    /// Whether the store has rung a sale (on any register this one has heard from).
    pub fn has_sales(&self) -> Result<bool, StoreError> {
        Ok(self.one("SELECT EXISTS (SELECT 1 FROM orders)", [], |r| r.get::<_, bool>(0))?.unwrap_or(false))
    }

    /// One store-wide setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.one("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
    }

    const ORDER_SQL: &'static str =
        "SELECT o.origin, o.seq, o.number, o.payment, o.cashier, o.shift_origin, o.shift_seq,
                o.subtotal_cents, o.tax_cents, o.total_cents, o.hlc_ms,
                EXISTS (SELECT 1 FROM order_voids v WHERE v.origin = o.origin AND v.seq = o.seq),
                o.hlc_logical, o.approved_by, o.discount_cents, o.change_cents, o.prices_include_tax,
                o.cash_rounding_cents
         FROM orders o";

    fn order_head(r: &Row<'_>) -> rusqlite::Result<OrderRow> {
        let total: i64 = r.get(9)?;
        let ms: i64 = r.get(10)?;
        Ok(OrderRow {
            id: id_text(r, 0)?,
            number: r.get(2)?,
            register: origin_text(r, 0)?,
            payment: r.get(3)?,
            cashier: r.get(4)?,
            approved_by: r.get(13)?,
            shift_id: id_text_opt(r, 5)?,
            subtotal_cents: r.get(7)?,
            tax_cents: r.get(8)?,
            total_cents: total,
            discount_cents: r.get(14)?,
            change_cents: r.get(15)?,
            prices_include_tax: r.get(16)?,
            cash_rounding_cents: r.get(17)?,
            tenders: Vec::new(),
            taxes: Vec::new(),
            // Written with the currency's decimals by `with_lines`, with `currency`.
            total: String::new(),
            currency: String::new(),
            created_ms: ms,
            created: format_ms(ms),
            voided: r.get(11)?,
            lines: Vec::new(),
        })
    }

    fn with_lines(&self, mut orders: Vec<OrderRow>) -> Result<Vec<OrderRow>, StoreError> {
        let money = self.money_format()?;
        let (minor, currency) = (money.currency.minor, money.currency.code().to_string());
        for o in &mut orders {
            o.total = Cents(o.total_cents).show(minor);
            o.currency = currency.clone();
            let Ok(id) = o.id.parse::<EventId>() else { continue };
            o.lines = self.rows(
                "SELECT l.sku, l.name, l.qty, l.unit_price_cents, l.tax_rate_bp, l.subtotal_cents, l.tax_cents,
                        COALESCE((SELECT SUM(rl.qty) FROM returns r
                                  JOIN return_lines rl ON rl.origin = r.origin AND rl.seq = r.seq
                                  WHERE r.order_origin = l.origin AND r.order_seq = l.seq AND rl.sku = l.sku), 0),
                        l.discount_cents, l.order_discount_cents
                 FROM order_lines l WHERE l.origin = ?1 AND l.seq = ?2 ORDER BY l.line_no",
                id_params(&id),
                |r| {
                    let (net, tax): (i64, i64) = (r.get(5)?, r.get(6)?);
                    Ok(OrderLineRow {
                        sku: r.get(0)?,
                        name: r.get(1)?,
                        qty: r.get(2)?,
                        unit_price_cents: r.get(3)?,
                        tax_rate_bp: r.get(4)?,
                        subtotal_cents: net,
                        tax_cents: tax,
                        discount_cents: r.get(8)?,
                        order_discount_cents: r.get(9)?,
                        total_cents: net + tax,
                        returned_qty: r.get(7)?,
                    })
                },
            )?;
            o.tenders = self.rows(
                "SELECT tender, amount_cents FROM order_tenders WHERE origin = ?1 AND seq = ?2 ORDER BY n",
                id_params(&id),
                |r| Ok(TenderRow { tender: r.get(0)?, amount_cents: r.get(1)? }),
            )?;
            let mut taxes: Vec<OrderTaxRow> = Vec::new();
            for l in &o.lines {
                match taxes.iter_mut().find(|t| t.rate_bp == l.tax_rate_bp) {
                    Some(t) => {
                        t.net_cents += l.subtotal_cents;
                        t.tax_cents += l.tax_cents;
                    }
                    None => taxes.push(OrderTaxRow {
                        rate_bp: l.tax_rate_bp,
                        net_cents: l.subtotal_cents,
                        tax_cents: l.tax_cents,
                    }),
                }
            }
            taxes.sort_by_key(|t| t.rate_bp);
            o.taxes = taxes;
        }
        Ok(orders)
    }

    /// Orders, oldest first by time rung; the newest `limit` if given.
    pub fn orders(&self, limit: Option<u32>) -> Result<Vec<OrderRow>, StoreError> {
        let sql = format!(
            "SELECT * FROM ({} ORDER BY o.hlc_ms DESC, o.hlc_logical DESC, o.origin DESC, o.seq DESC LIMIT ?1)
             ORDER BY 11, 13, 1, 2",
            Self::ORDER_SQL
        );
        let heads = self.rows(&sql, [limit.map_or(-1, i64::from)], Self::order_head)?;
        self.with_lines(heads)
    }

    /// Orders with a human number (normally one; two registers with the same name can collide).
    pub fn orders_by_number(&self, number: &str) -> Result<Vec<OrderRow>, StoreError> {
        let sql = format!("{} WHERE o.number = ?1 ORDER BY o.origin, o.seq", Self::ORDER_SQL);
        let heads = self.rows(&sql, [number], Self::order_head)?;
        self.with_lines(heads)
    }

    /// One order by id.
    pub fn order(&self, id: &EventId) -> Result<Option<OrderRow>, StoreError> {
        let sql = format!("{} WHERE o.origin = ?1 AND o.seq = ?2", Self::ORDER_SQL);
        let head = self.one(&sql, id_params(id), Self::order_head)?;
        Ok(self.with_lines(head.into_iter().collect())?.pop())
    }

    /// Returns, oldest first.
    pub fn returns(&self) -> Result<Vec<ReturnRow>, StoreError> {
        self.returns_where(None)
    }

    /// One return by id.
    pub fn return_row(&self, id: &EventId) -> Result<Option<ReturnRow>, StoreError> {
        Ok(self.returns_where(Some(id))?.pop())
    }

    fn returns_where(&self, only: Option<&EventId>) -> Result<Vec<ReturnRow>, StoreError> {
        let (o, s) = only.map(|id| (id.origin.0.to_vec(), id.seq as i64)).unzip();
        let mut rows = self.rows(
            "SELECT origin, seq, order_origin, order_seq, order_number, restock, refund_cents, payment, hlc_ms,
                    cashier, approved_by, cash_rounding_cents
             FROM returns WHERE ?1 IS NULL OR (origin = ?1 AND seq = ?2) ORDER BY hlc_ms, hlc_logical, origin, seq",
            rusqlite::params![o, s],
            |r| {
                let refund: i64 = r.get(6)?;
                Ok(ReturnRow {
                    id: id_text(r, 0)?,
                    order_id: id_text(r, 2)?,
                    order_number: r.get(4)?,
                    restock: r.get(5)?,
                    refund_cents: refund,
                    refund: String::new(), // written with the currency's decimals below
                    payment: r.get(7)?,
                    cash_rounding_cents: r.get(11)?,
                    cashier: r.get(9)?,
                    approved_by: r.get(10)?,
                    created_ms: r.get(8)?,
                    lines: Vec::new(),
                })
            },
        )?;
        let minor = self.minor()?;
        for ret in &mut rows {
            ret.refund = Cents(ret.refund_cents).show(minor);
            let Ok(id) = ret.id.parse::<EventId>() else { continue };
            ret.lines = self.rows(
                "SELECT sku, qty, refund_cents FROM return_lines WHERE origin = ?1 AND seq = ?2 ORDER BY line_no",
                id_params(&id),
                |r| Ok(ReturnLineRow { sku: r.get(0)?, qty: r.get(1)?, refund_cents: r.get(2)? }),
            )?;
        }
        Ok(rows)
    }

    /// Whether any return refers to this order.
    pub fn has_returns(&self, order_id: &EventId) -> Result<bool, StoreError> {
        let sql = "SELECT 1 FROM returns WHERE order_origin = ?1 AND order_seq = ?2 LIMIT 1";
        Ok(self.one(sql, id_params(order_id), |_| Ok(()))?.is_some())
    }

    fn shift_row(r: &Row<'_>) -> rusqlite::Result<ShiftRow> {
        let closed: Option<i64> = r.get(5)?;
        let counted: Option<i64> = r.get(6)?;
        let expected: Option<i64> = r.get(7)?;
        Ok(ShiftRow {
            id: id_text(r, 0)?,
            register: origin_text(r, 0)?,
            cashier: r.get(2)?,
            opened_ms: r.get(3)?,
            float_cents: r.get(4)?,
            closed_ms: closed,
            counted_cents: counted,
            expected_cents: expected,
            difference_cents: counted.zip(expected).map(|(c, e)| c - e),
            open: closed.is_none(),
        })
    }

    const SHIFT_SQL: &'static str =
        "SELECT origin, seq, cashier, opened_ms, float_cents, closed_ms, counted_cents, expected_cents FROM shifts";

    /// Shifts of every register, oldest first.
    pub fn shifts(&self) -> Result<Vec<ShiftRow>, StoreError> {
        self.rows(&format!("{} ORDER BY opened_ms, origin, seq", Self::SHIFT_SQL), [], Self::shift_row)
    }

    /// The shift open on a register, if any.
    pub fn open_shift(&self, register: RegisterId) -> Result<Option<(EventId, ShiftRow)>, StoreError> {
        let sql = format!(
            "{} WHERE origin = ?1 AND closed_ms IS NULL AND opened_ms IS NOT NULL ORDER BY opened_ms DESC LIMIT 1",
            Self::SHIFT_SQL
        );
        let row = self.one(&sql, [&register.0[..]], Self::shift_row)?;
        // The id column is written by this module as `origin:seq`; it always parses.
        Ok(row.and_then(|r| r.id.parse().ok().map(|id| (id, r))))
    }

    /// Cash that should be in the drawer for a shift: float + cash tendered less change on its
    /// sales not voided − cash refunds as paid out + paid in − paid out − drops.
    pub fn expected_cash(&self, shift: &EventId) -> Result<i64, StoreError> {
        let v = self.one(
            "SELECT COALESCE((SELECT float_cents FROM shifts WHERE origin = ?1 AND seq = ?2), 0)
                  + COALESCE((SELECT SUM((SELECT COALESCE(SUM(t.amount_cents), 0) FROM order_tenders t
                                          WHERE t.origin = o.origin AND t.seq = o.seq AND t.tender = 'cash')
                                         - o.change_cents)
                              FROM orders o
                              WHERE o.shift_origin = ?1 AND o.shift_seq = ?2
                                AND NOT EXISTS (SELECT 1 FROM order_voids v WHERE v.origin = o.origin AND v.seq = o.seq)), 0)
                  - COALESCE((SELECT SUM(refund_cents + cash_rounding_cents) FROM returns
                              WHERE shift_origin = ?1 AND shift_seq = ?2 AND payment = 'cash'), 0)
                  + COALESCE((SELECT SUM(CASE kind WHEN 'paid_in' THEN amount_cents ELSE -amount_cents END)
                              FROM cash_moves WHERE shift_origin = ?1 AND shift_seq = ?2), 0)",
            id_params(shift),
            |r| r.get(0),
        )?;
        Ok(v.unwrap_or(0))
    }

    /// Stock of every SKU ever counted, moved or sold, or of one.
    pub fn stock(&self, sku: Option<&str>) -> Result<Vec<StockRow>, StoreError> {
        self.rows(
            "SELECT s.sku, p.name, s.on_hand, s.count_hlc_ms FROM stock s LEFT JOIN products p ON p.sku = s.sku
             WHERE ?1 IS NULL OR s.sku = ?1 ORDER BY s.sku",
            [sku],
            |r| {
                let n: i64 = r.get(2)?;
                Ok(StockRow { sku: r.get(0)?, name: r.get(1)?, on_hand: n, negative: n < 0, last_count_ms: r.get(3)? })
            },
        )
    }

    /// The newest `limit` events of the log (all if None), oldest first, decoded for support.
    pub fn events(&self, limit: Option<u32>) -> Result<Vec<EventRow>, StoreError> {
        self.rows(
            "SELECT * FROM (SELECT log_seq, origin, seq, hlc_ms, hlc_logical, kind, pending, received_ms, body
                            FROM events ORDER BY log_seq DESC LIMIT ?1) ORDER BY log_seq",
            [limit.map_or(-1, i64::from)],
            |r| {
                let body: Vec<u8> = r.get(8)?;
                let data = Event::decode(&body).ok().and_then(|e| serde_json::to_value(&e.kind).ok());
                Ok(EventRow {
                    log_seq: r.get(0)?,
                    origin: origin_text(r, 1)?,
                    seq: r.get(2)?,
                    hlc: format!("{}.{}", r.get::<_, i64>(3)?, r.get::<_, i64>(4)?),
                    kind: r.get(5)?,
                    pending: r.get(6)?,
                    received_ms: r.get(7)?,
                    data,
                })
            },
        )
    }

    /// Encoded events after a position of this database's log, up to `limit`: (log_seq, bytes).
    pub fn log_after(&self, after: i64, limit: u32) -> Result<Vec<(i64, Vec<u8>)>, StoreError> {
        self.rows(
            "SELECT log_seq, body FROM events WHERE log_seq > ?1 ORDER BY log_seq LIMIT ?2",
            params![after, limit],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// The counts shown by `till status`.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let c = self.one(
            "SELECT (SELECT count(*) FROM products WHERE active AND name IS NOT NULL),
                    (SELECT count(*) FROM orders),
                    (SELECT count(*) FROM orders o WHERE EXISTS (SELECT 1 FROM order_voids v WHERE v.origin = o.origin AND v.seq = o.seq)),
                    (SELECT count(*) FROM returns),
                    (SELECT count(*) FROM shifts),
                    (SELECT count(*) FROM users WHERE active),
                    (SELECT count(*) FROM events),
                    (SELECT count(*) FROM events WHERE pending = 1),
                    (SELECT count(*) FROM conflicts c
                     WHERE NOT EXISTS (SELECT 1 FROM conflict_resolutions r WHERE r.conflict = c.id)),
                    (SELECT count(*) FROM events WHERE applied = 0)",
            [],
            |r| {
                Ok(Counts {
                    products: r.get(0)?,
                    orders: r.get(1)?,
                    voided_orders: r.get(2)?,
                    returns: r.get(3)?,
                    shifts: r.get(4)?,
                    users: r.get(5)?,
                    events: r.get(6)?,
                    pending_events: r.get(7)?,
                    open_conflicts: r.get(8)?,
                    unreadable_events: r.get(9)?,
                })
            },
        )?;
        Ok(c.unwrap_or_default())
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| self.err(e))
    }
}
