//! `till order|return|shift`: selling, taking goods back, and the cash drawer's shifts.

use clap::Subcommand;

use super::table::Table;
use super::{Json, amount, input, minor, print_json, reg};
use crate::model::{Cents, Discount, PayRequest};
use crate::register::{Approval, ItemRequest, Register, SaleRequest};
use crate::store::format_ms;

/// `till order …`
#[derive(Subcommand, Debug)]
pub enum OrderCmd {
    /// Ring a sale; prints the order number (and the change, with --tendered)
    Create {
        /// Items as CODE[:QTY][:DISCOUNT]: CODE a SKU or a barcode, DISCOUNT 10% or an amount off the line
        #[arg(required = true, value_name = "CODE[:QTY][:DISCOUNT]")]
        items: Vec<String>,
        /// Off the whole order: 10% or an amount
        #[arg(long)]
        discount: Option<String>,
        /// A tender and what it pays, e.g. card:5.00; one without an amount pays the rest
        /// [default: cash]
        #[arg(long = "pay", value_name = "TENDER[:AMOUNT]")]
        pay: Vec<String>,
        /// Cash handed over (prints the change)
        #[arg(long)]
        tendered: Option<String>,
        /// Sell an item at another price than the shelf's (a manager approves), e.g. TEA=2.00
        #[arg(long = "price", value_name = "CODE=PRICE")]
        prices: Vec<String>,
        /// Who rang it (a user name)
        #[arg(long)]
        cashier: Option<String>,
        /// A manager approving a discount above the store's limit (PIN from TILL_MANAGER_PIN or stdin)
        #[arg(long)]
        manager: Option<String>,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// List orders, oldest first
    List {
        /// Only the newest N
        #[arg(long)]
        limit: Option<u32>,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Void an order; its goods go back into stock (a manager approves, once the store has one)
    Void {
        /// Order number (e.g. R1-000042) or id
        number: String,
        /// Who voids it (a user name)
        #[arg(long)]
        cashier: Option<String>,
        /// The approving manager (PIN from TILL_MANAGER_PIN or stdin)
        #[arg(long)]
        manager: Option<String>,
    },
}

/// `till return …`
#[derive(Subcommand, Debug)]
pub enum ReturnCmd {
    /// Take goods back from an order and refund them
    Create {
        /// Order number (e.g. R1-000042) or id
        order: String,
        /// Items as SKU or SKU:QTY
        #[arg(required = true, value_name = "SKU[:QTY]")]
        items: Vec<String>,
        /// The goods do not go back on the shelf (damaged)
        #[arg(long)]
        no_restock: bool,
        /// How the money goes back [default: the order's tender if it had one, else cash]
        #[arg(long)]
        tender: Option<String>,
        /// Who takes the goods back (a user name)
        #[arg(long)]
        cashier: Option<String>,
        /// The approving manager (PIN from TILL_MANAGER_PIN or stdin)
        #[arg(long)]
        manager: Option<String>,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// List returns
    List(Json),
}

/// `till shift …`
#[derive(Subcommand, Debug)]
pub enum ShiftCmd {
    /// Open a shift on this register with a cash float
    Open {
        /// Cash in the drawer at the start, e.g. 100.00
        #[arg(long, allow_hyphen_values = true)]
        float: String,
        /// Who opens it (a user name)
        #[arg(long)]
        cashier: Option<String>,
    },
    /// Close this register's shift with the counted cash
    Close {
        /// Cash counted in the drawer, e.g. 512.30
        #[arg(long, allow_hyphen_values = true)]
        counted: String,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// List shifts of every register
    List(Json),
}

pub(super) fn order(r: &mut Register, c: OrderCmd) -> anyhow::Result<()> {
    match c {
        OrderCmd::Create { items: raw, discount, pay, tendered, prices, cashier, manager, json } => {
            let mut items =
                raw.iter().map(|s| reg(ItemRequest::parse(s, minor(r)?))).collect::<anyhow::Result<Vec<_>>>()?;
            for p in &prices {
                let Some((code, price)) = p.split_once('=') else {
                    return Err(crate::register::RegisterError::Invalid(format!(
                        "{} is not CODE=PRICE",
                        crate::model::quote(p)
                    ))
                    .into());
                };
                let price = amount(r, price)?;
                let mut found = false;
                for it in items.iter_mut().filter(|it| it.code == code) {
                    it.price = Some(price);
                    found = true;
                }
                if !found {
                    return Err(crate::register::RegisterError::Invalid(format!(
                        "--price names {}, which is not among the items",
                        crate::model::quote(code)
                    ))
                    .into());
                }
            }
            let discount = discount.map(|d| input(Discount::parse_in(&d, minor(r)?))).transpose()?;
            let mut tenders = Vec::with_capacity(pay.len());
            for p in &pay {
                tenders.push(match p.split_once(':') {
                    Some((t, a)) => (t.to_string(), Some(amount(r, a)?)),
                    None => (p.clone(), None),
                });
            }
            let tendered = tendered.map(|t| amount(r, &t)).transpose()?;
            let approval = manager.map(approval).transpose()?;
            let req = SaleRequest { items, discount, pay: PayRequest { tenders, tendered }, cashier, approval };
            let o = reg(r.ring(&req))?;
            if json.json {
                return print_json(&o);
            }
            if tendered.is_some() {
                outln!("{} change {}", o.number, Cents(o.change_cents).show(minor(r)?));
            } else {
                outln!("{}", o.number);
            }
            Ok(())
        }
        OrderCmd::List { limit, json } => {
            let rows = reg(r.store().reader().orders(limit).map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["NUMBER", "TIME", "ITEMS", "TOTAL", "PAY", "CASHIER", ""]);
            for o in rows {
                let n: u32 = o.lines.iter().map(|l| l.qty).sum();
                t.row(vec![
                    o.number,
                    o.created,
                    n.to_string(),
                    o.total,
                    o.payment,
                    o.cashier.unwrap_or_default(),
                    if o.voided { "VOID".into() } else { String::new() },
                ]);
            }
            t.print()
        }
        OrderCmd::Void { number, cashier, manager } => {
            let approval = manager.map(approval).transpose()?;
            let o = reg(r.void_by(&number, cashier.as_deref(), approval.as_ref()))?;
            outln!("voided {} ({})", o.number, o.total);
            Ok(())
        }
    }
}

pub(super) fn returns(r: &mut Register, c: ReturnCmd) -> anyhow::Result<()> {
    match c {
        ReturnCmd::Create { order, items: raw, no_restock, tender, cashier, manager, json } => {
            let list = items_by_code(r, &raw)?;
            let approval = manager.map(approval).transpose()?;
            let ret =
                reg(r.refund(&order, &list, !no_restock, tender.as_deref(), cashier.as_deref(), approval.as_ref()))?;
            if json.json {
                return print_json(&ret);
            }
            outln!("refund {} by {} for order {}", ret.refund, ret.payment, ret.order_number);
            if ret.cash_rounding_cents != 0 {
                let minor = reg(r.store().reader().money_format().map_err(Into::into))?.currency.minor;
                let paid = crate::model::Cents(ret.refund_cents + ret.cash_rounding_cents).show(minor);
                outln!("cash paid out {paid} (rounded to the store's step)");
            }
            Ok(())
        }
        ReturnCmd::List(json) => {
            let rows = reg(r.store().reader().returns().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["ORDER", "TIME", "ITEMS", "REFUND", "PAY", "RESTOCK"]);
            for x in rows {
                let items = x.lines.iter().map(|l| format!("{}:{}", l.sku, l.qty)).collect::<Vec<_>>().join(" ");
                t.row(vec![
                    x.order_number,
                    format_ms(x.created_ms),
                    items,
                    x.refund,
                    x.payment,
                    if x.restock { "yes".into() } else { "no".into() },
                ]);
            }
            t.print()
        }
    }
}

/// `CODE[:QTY]` items, CODE a SKU or a barcode.
fn items_by_code(r: &Register, raw: &[String]) -> anyhow::Result<Vec<(crate::model::Sku, u32)>> {
    raw.iter()
        .map(|s| {
            let (code, qty) = s.split_once(':').unwrap_or((s, "1"));
            Ok((reg(r.sku_for_code(code))?, input(crate::model::parse_qty(qty))?))
        })
        .collect()
}

/// A manager's approval on the command line: the name given, the PIN from `TILL_MANAGER_PIN`
/// or, failing that, the first line of standard input (never an argument: `ps` shows those).
pub(super) fn approval(manager: String) -> anyhow::Result<Approval> {
    let pin = match std::env::var("TILL_MANAGER_PIN") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| anyhow::anyhow!("cannot read the manager's PIN: {e}"))?;
            line.trim().to_string()
        }
    };
    Ok(Approval { manager, pin })
}

pub(super) fn money(minor: u8, c: Option<i64>) -> String {
    c.map(|c| Cents(c).show(minor)).unwrap_or_default()
}

pub(super) fn shift(r: &mut Register, c: ShiftCmd) -> anyhow::Result<()> {
    match c {
        ShiftCmd::Open { float, cashier } => {
            let float = amount(r, &float)?;
            reg(r.open_shift(float, cashier.as_deref()))?;
            outln!("shift open with a float of {}", float.show(minor(r)?));
            Ok(())
        }
        ShiftCmd::Close { counted, json } => {
            let counted = amount(r, &counted)?;
            let s = reg(r.close_shift(counted))?;
            let m = minor(r)?;
            if json.json {
                return print_json(&s);
            }
            outln!(
                "shift closed: expected {}, counted {}, difference {}",
                money(m, s.expected_cents),
                money(m, s.counted_cents),
                money(m, s.difference_cents)
            );
            Ok(())
        }
        ShiftCmd::List(json) => {
            let rows = reg(r.store().reader().shifts().map_err(Into::into))?;
            let m = minor(r)?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["REGISTER", "OPENED", "FLOAT", "CLOSED", "EXPECTED", "COUNTED", "DIFF"]);
            for s in rows {
                t.row(vec![
                    s.register.get(..8).unwrap_or(&s.register).to_string(),
                    s.opened_ms.map(format_ms).unwrap_or_default(),
                    money(m, s.float_cents),
                    s.closed_ms.map(format_ms).unwrap_or_else(|| "open".into()),
                    money(m, s.expected_cents),
                    money(m, s.counted_cents),
                    money(m, s.difference_cents),
                ]);
            }
            t.print()
        }
    }
}
