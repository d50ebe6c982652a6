//! `till cash|drawer|report`: cash in and out of the drawer, opening it without a sale, and the
//! X, Z and store reports.

use clap::Subcommand;

use super::sales::approval;
use super::table::Table;
use super::{Json, amount, minor, print_json, reg};
use crate::model::{CashKind, Cents};
use crate::print::docs::{Letterhead, ReportHead, layout, report, store_head, x_head, z_head};
use crate::register::Register;
use till_display::i18n::Words;

/// Console width of printed reports.
const COLS: usize = 48;

/// `till cash …`
#[derive(Subcommand, Debug)]
pub enum CashCmd {
    /// Cash put into the drawer (change from the bank)
    In(CashArgs),
    /// Cash paid out of the drawer (a delivery, stamps)
    Out(CashArgs),
    /// Cash taken from the drawer to the safe
    Drop(CashArgs),
}

/// An amount, why, and who.
#[derive(clap::Args, Debug)]
pub struct CashArgs {
    /// The amount, e.g. 50.00
    amount: String,
    /// Why, in a few words
    #[arg(long)]
    reason: String,
    /// Who (a user name)
    #[arg(long)]
    cashier: Option<String>,
}

/// `till drawer …`
#[derive(Subcommand, Debug)]
pub enum DrawerCmd {
    /// Open the drawer without a sale ("no sale"; a manager approves once the store has one)
    Open {
        /// Why, in a few words
        #[arg(long)]
        reason: String,
        /// Who asks (a user name)
        #[arg(long)]
        cashier: Option<String>,
        /// The approving manager (PIN from TILL_MANAGER_PIN or stdin)
        #[arg(long)]
        manager: Option<String>,
    },
}

/// `till report …`
#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// This register's business day so far; changes nothing
    X {
        /// Also print it on this register's printer
        #[arg(long)]
        print: bool,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Close the business day on this register (the next Z report; a manager approves)
    Z {
        /// Cash counted in the drawer, e.g. 512.30
        #[arg(long)]
        counted: Option<String>,
        /// The business day it closes, YYYY-MM-DD [default: the day of its first event]
        #[arg(long)]
        date: Option<String>,
        /// The approving manager (PIN from TILL_MANAGER_PIN or stdin)
        #[arg(long)]
        manager: Option<String>,
        /// Refuse unless a printer is set up (a Z prints by itself on a register with a printer)
        #[arg(long)]
        print: bool,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Z reports of every register, oldest first
    List(Json),
    /// One Z report of this register (or of --register NAME)
    Show {
        /// Its number
        number: u64,
        /// Another register, by name or id
        #[arg(long)]
        register: Option<String>,
        /// Print it again on this register's printer, marked as a copy
        #[arg(long)]
        print: bool,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Every register's Z reports of a day added up, and which registers have not closed it
    Store {
        /// The business day, YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
}

pub(super) fn cash(r: &mut Register, c: CashCmd) -> anyhow::Result<()> {
    let (kind, a) = match c {
        CashCmd::In(a) => (CashKind::PaidIn, a),
        CashCmd::Out(a) => (CashKind::PaidOut, a),
        CashCmd::Drop(a) => (CashKind::Drop, a),
    };
    let sum = amount(r, &a.amount)?;
    reg(r.move_cash(kind, sum, &a.reason, a.cashier.as_deref()))?;
    outln!("{} {}: {}", kind.as_str().replace('_', " "), sum.show(minor(r)?), a.reason.trim());
    Ok(())
}

pub(super) fn drawer(r: &mut Register, c: DrawerCmd) -> anyhow::Result<()> {
    let DrawerCmd::Open { reason, cashier, manager } = c;
    let approval = manager.map(approval).transpose()?;
    reg(r.no_sale(&reason, cashier.as_deref(), approval.as_ref()))?;
    outln!("drawer opened: {}", reason.trim());
    Ok(())
}

fn letterhead(r: &Register) -> anyhow::Result<Letterhead> {
    reg(Letterhead::of(&r.store().reader(), &reg(r.name())?).map_err(Into::into))
}

fn words(r: &Register) -> anyhow::Result<Words> {
    Ok(Words(r.store().reader().language()?))
}

fn print_lines(r: &Register, head: &ReportHead, totals: &crate::model::DayTotals) -> anyhow::Result<()> {
    for line in layout(&report(&letterhead(r)?, head, totals), COLS) {
        outln!("{line}");
    }
    Ok(())
}

fn need_printer(r: &Register) -> anyhow::Result<()> {
    match r.store().get(crate::store::kv::PRINTER)? {
        Some(_) => Ok(()),
        None => Err(anyhow::Error::new(crate::register::RegisterError::Invalid(
            "no printer is set up: till printer set usb:/dev/usb/lp0".into(),
        ))),
    }
}

pub(super) fn report_cmd(r: &mut Register, c: ReportCmd) -> anyhow::Result<()> {
    match c {
        ReportCmd::X { print, json } => {
            let x = reg(r.x_report())?;
            if print {
                need_printer(r)?;
                reg(r.print_x())?;
            }
            if json.json {
                return print_json(&x);
            }
            print_lines(r, &x_head(words(r)?, &x.date, x.next_z, x.grand_total_cents), &x.totals)
        }
        ReportCmd::Z { counted, date, manager, print, json } => {
            if print {
                need_printer(r)?;
            }
            let counted = counted.map(|c| amount(r, &c)).transpose()?;
            let approval = manager.map(approval).transpose()?;
            let z = reg(r.close_day(counted, date.as_deref(), approval.as_ref()))?;
            if json.json {
                return print_json(&z);
            }
            print_lines(r, &z_head(&letterhead(r)?, &z, false), &z.totals)
        }
        ReportCmd::List(json) => {
            let rows = reg(r.store().reader().z_reports(None).map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let m = minor(r)?;
            let mut t = Table::new(&["REGISTER", "Z", "DATE", "CLOSED", "NET", "EXPECTED", "COUNTED", "GRAND TOTAL"]);
            for z in rows {
                t.row(vec![
                    z.register_name.clone().unwrap_or_else(|| z.register.chars().take(8).collect()),
                    z.number.to_string(),
                    z.date.clone(),
                    z.closed.clone(),
                    Cents(z.net_cents).show(m),
                    Cents(z.expected_cash_cents).show(m),
                    z.counted_cash_cents.map(|c| Cents(c).show(m)).unwrap_or_default(),
                    Cents(z.grand_total_cents).show(m),
                ]);
            }
            t.print()
        }
        ReportCmd::Show { number, register, print, json } => {
            let reader = r.store().reader();
            let rows = reg(reader.z_reports(None).map_err(Into::into))?;
            let me = crate::model::hex(&r.store().register_id().0);
            let who = register.clone().unwrap_or_else(|| me.clone());
            let z = rows
                .into_iter()
                .find(|z| z.number == number && (z.register == who || z.register_name.as_deref() == Some(&who)))
                .ok_or_else(|| crate::register::RegisterError::UnknownOrder(format!("Z report {number} of {who}")))
                .map_err(anyhow::Error::new)?;
            if print {
                need_printer(r)?;
                let id: crate::model::EventId =
                    z.id.parse().map_err(|_| crate::register::RegisterError::UnknownOrder(z.id.clone()))?;
                reg(r.reprint(crate::store::JobKind::Report, id))?;
            }
            if json.json {
                return print_json(&z);
            }
            print_lines(r, &z_head(&letterhead(r)?, &z, false), &z.totals)
        }
        ReportCmd::Store { date, json } => {
            if !crate::model::is_date(&date) {
                return Err(anyhow::Error::new(crate::register::RegisterError::Invalid(format!(
                    "{date:?} is not a date (YYYY-MM-DD)"
                ))));
            }
            let day = reg(r.store().reader().store_day(&date).map_err(Into::into))?;
            if json.json {
                return print_json(&day);
            }
            let head = store_head(Words(r.store().reader().language()?), &day);
            print_lines(r, &head, &day.totals)
        }
    }
}
