//! `till order|return|shift`: selling, taking goods back, and the cash drawer's shifts.

use clap::Subcommand;

use super::table::Table;
use super::{Json, input, items, print_json, reg};
use crate::model::{Cents, Payment};
use crate::register::Register;
use crate::store::format_ms;

/// `till order …`
#[derive(Subcommand, Debug)]
pub enum OrderCmd {
    /// Ring a sale; prints the order number
    Create {
        /// Items as SKU or SKU:QTY
        #[arg(required = true, value_name = "SKU[:QTY]")]
        items: Vec<String>,
        /// How it was paid
        #[arg(long, default_value = "cash")]
        pay: String,
        /// Who rang it (a user name)
        #[arg(long)]
        cashier: Option<String>,
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
    /// Void an order; its goods go back into stock
    Void {
        /// Order number (e.g. R1-000042) or id
        number: String,
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
        OrderCmd::Create { items: raw, pay, cashier, json } => {
            let list = items(&raw)?;
            let pay: Payment = input(pay.parse())?;
            let o = reg(r.create_order(&list, pay, cashier.as_deref()))?;
            if json.json {
                return print_json(&o);
            }
            outln!("{}", o.number);
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
        OrderCmd::Void { number } => {
            let o = reg(r.void_order(&number))?;
            outln!("voided {} ({})", o.number, o.total);
            Ok(())
        }
    }
}

pub(super) fn returns(r: &mut Register, c: ReturnCmd) -> anyhow::Result<()> {
    match c {
        ReturnCmd::Create { order, items: raw, no_restock, json } => {
            let list = items(&raw)?;
            let ret = reg(r.create_return(&order, &list, !no_restock))?;
            if json.json {
                return print_json(&ret);
            }
            outln!("refund {} by {} for order {}", ret.refund, ret.payment, ret.order_number);
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

pub(super) fn money(c: Option<i64>) -> String {
    c.map(|c| Cents(c).to_string()).unwrap_or_default()
}

pub(super) fn shift(r: &mut Register, c: ShiftCmd) -> anyhow::Result<()> {
    match c {
        ShiftCmd::Open { float, cashier } => {
            let float: Cents = input(float.parse())?;
            reg(r.open_shift(float, cashier.as_deref()))?;
            outln!("shift open with a float of {float}");
            Ok(())
        }
        ShiftCmd::Close { counted, json } => {
            let counted: Cents = input(counted.parse())?;
            let s = reg(r.close_shift(counted))?;
            if json.json {
                return print_json(&s);
            }
            outln!(
                "shift closed: expected {}, counted {}, difference {}",
                money(s.expected_cents),
                money(s.counted_cents),
                money(s.difference_cents)
            );
            Ok(())
        }
        ShiftCmd::List(json) => {
            let rows = reg(r.store().reader().shifts().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["REGISTER", "OPENED", "FLOAT", "CLOSED", "EXPECTED", "COUNTED", "DIFF"]);
            for s in rows {
                t.row(vec![
                    s.register.get(..8).unwrap_or(&s.register).to_string(),
                    s.opened_ms.map(format_ms).unwrap_or_default(),
                    money(s.float_cents),
                    s.closed_ms.map(format_ms).unwrap_or_else(|| "open".into()),
                    money(s.expected_cents),
                    money(s.counted_cents),
                    money(s.difference_cents),
                ]);
            }
            t.print()
        }
    }
}
