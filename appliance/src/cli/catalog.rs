//! `till product|tax|stock|user|setting`: the catalog and the store-wide data managers edit.

use clap::{Args, Subcommand};

use super::table::Table;
use super::{Json, amount, input, minor, print_json, reg};
use crate::model::{AdjustReason, Item, Product, RateBp, Role, Sku, parse_items, parse_stock};
use crate::register::{Register, RegisterError};

/// `till product …`
#[derive(Subcommand, Debug)]
pub enum ProductCmd {
    /// Add a product (or put a removed one back on sale)
    Add {
        /// Its SKU: 1-32 letters, digits, '-', '_' or '.'
        sku: String,
        /// Its name as the receipt shows it
        #[arg(long)]
        name: String,
        /// Unit price before tax, e.g. 2.50
        #[arg(long, allow_hyphen_values = true)]
        price: String,
        /// Items on hand now (records a stock count)
        #[arg(long, allow_hyphen_values = true)]
        stock: Option<String>,
        /// Tax profile that applies
        #[arg(long)]
        tax: Option<String>,
        /// A barcode (EAN-13, EAN-8 and UPC-A check digits are checked); repeat for more
        #[arg(long = "barcode", value_name = "CODE")]
        barcodes: Vec<String>,
        /// The category the sale screen lists it under
        #[arg(long)]
        category: Option<String>,
    },
    /// Change a product's barcodes (all of them: the ones given replace the old) or category
    Set {
        /// Which product
        sku: String,
        /// A barcode; repeat for more (replaces the product's barcodes)
        #[arg(long = "barcode", value_name = "CODE")]
        barcodes: Vec<String>,
        /// The category the sale screen lists it under
        #[arg(long)]
        category: Option<String>,
    },
    /// List products on sale
    List {
        /// Include removed products
        #[arg(long)]
        all: bool,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Change a product's price
    SetPrice {
        /// Which product
        sku: String,
        /// New unit price before tax, e.g. 2.75
        #[arg(allow_hyphen_values = true)]
        price: String,
    },
    /// Take a product off sale (its sales history stays)
    Remove {
        /// Which product
        sku: String,
    },
}

/// `till tax …`
#[derive(Subcommand, Debug)]
pub enum TaxCmd {
    /// Add a tax profile
    Add {
        /// Its name, e.g. standard
        name: String,
        /// Percentage, e.g. 8.25
        #[arg(allow_hyphen_values = true)]
        rate: String,
    },
    /// Change a tax profile's rate
    Set {
        /// Which profile
        name: String,
        /// New percentage
        rate: String,
    },
    /// List tax profiles
    List(Json),
}

/// `till stock [SKU]` or `till stock count|receive|damage …`
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct StockArgs {
    /// Show only this SKU
    pub sku: Option<String>,
    /// Output format.
    #[command(flatten)]
    json: Json,
    #[command(subcommand)]
    action: Option<StockCmd>,
}

/// `till stock count|receive|damage`
#[derive(Subcommand, Debug)]
pub enum StockCmd {
    /// Record a count: N items on hand now
    Count {
        /// Which product
        sku: String,
        /// Items counted
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
    /// Record a delivery of N items
    Receive {
        /// Which product
        sku: String,
        /// Items received
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
    /// Write off N damaged or lost items
    Damage {
        /// Which product
        sku: String,
        /// Items written off
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
}

/// `till user …`
#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user
    Add {
        /// Their name
        name: String,
        /// cashier or manager
        #[arg(long)]
        role: String,
        /// 4 to 8 digits (stored only as an Argon2 hash)
        #[arg(long)]
        pin: String,
    },
    /// Remove a user (their history stays); the last manager cannot be removed
    Remove {
        /// Their name
        name: String,
    },
    /// Change a user's PIN
    SetPin {
        /// Their name
        name: String,
        /// 4 to 8 digits
        #[arg(long)]
        pin: String,
    },
    /// List users
    List(Json),
}

/// `till tender …`
#[derive(Subcommand, Debug)]
pub enum TenderCmd {
    /// Accept another tender besides cash and card (voucher, account…)
    Add {
        /// Its name: letters, digits, '-' or '_'
        name: String,
    },
    /// List the tenders the store accepts
    List(Json),
}

/// `till setting …`
#[derive(Subcommand, Debug)]
pub enum SettingCmd {
    /// Set a store-wide setting (store_name, currency, receipt_footer, prices_include_tax,
    /// discount_limit)
    Set {
        /// Which setting
        key: String,
        /// Its value
        value: String,
    },
    /// List store-wide settings
    List(Json),
}

pub(super) fn product(r: &mut Register, c: ProductCmd) -> anyhow::Result<()> {
    match c {
        ProductCmd::Add { sku, name, price, stock, tax, barcodes, category } => {
            let sku: Sku = input(sku.parse())?;
            let price = amount(r, &price)?;
            let stock = stock.map(|s| input(parse_stock(&s))).transpose()?;
            if barcodes.is_empty() && category.is_none() {
                reg(r.add_product(sku.clone(), &name, price, stock, tax.as_deref()))?;
            } else {
                let product = Product { sku: sku.clone(), name: name.clone(), price_cents: price, tax_profile: tax };
                reg(r.add_item(Item { product, category, barcodes }, stock))?;
            }
            outln!("added {sku} {name} at {}", price.show(minor(r)?));
            Ok(())
        }
        ProductCmd::Set { sku, barcodes, category } => {
            let sku: Sku = reg(r.sku_for_code(&sku))?;
            if barcodes.is_empty() && category.is_none() {
                return Err(
                    RegisterError::Invalid("say what to change: --barcode CODE or --category NAME".into()).into()
                );
            }
            let codes = (!barcodes.is_empty()).then_some(barcodes);
            reg(r.set_details(&sku, codes, category))?;
            let p = reg(r.store().reader().product(sku.as_str()).map_err(Into::into))?;
            let p = p.ok_or_else(|| RegisterError::UnknownSku(sku.to_string()))?;
            outln!(
                "{sku}: category {}, barcodes {}",
                p.category.unwrap_or_else(|| "none".into()),
                if p.barcodes.is_empty() { "none".into() } else { p.barcodes.join(" ") }
            );
            Ok(())
        }
        ProductCmd::List { all, json } => {
            let rows = reg(r.store().reader().products(all).map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["SKU", "NAME", "PRICE", "TAX", "CATEGORY", "BARCODES", "STOCK", ""]);
            for p in rows {
                t.row(vec![
                    p.sku,
                    p.name,
                    p.price,
                    p.tax_profile.unwrap_or_default(),
                    p.category.unwrap_or_default(),
                    p.barcodes.join(" "),
                    p.on_hand.map(|n| n.to_string()).unwrap_or_default(),
                    if p.active { String::new() } else { "removed".into() },
                ]);
            }
            t.print()
        }
        ProductCmd::SetPrice { sku, price } => {
            let sku: Sku = reg(r.sku_for_code(&sku))?;
            let price = amount(r, &price)?;
            reg(r.set_price(&sku, price))?;
            outln!("{sku} now costs {}", price.show(minor(r)?));
            Ok(())
        }
        ProductCmd::Remove { sku } => {
            let sku: Sku = reg(r.sku_for_code(&sku))?;
            reg(r.remove_product(&sku))?;
            outln!("removed {sku} from sale");
            Ok(())
        }
    }
}

pub(super) fn tax(r: &mut Register, c: TaxCmd) -> anyhow::Result<()> {
    match c {
        TaxCmd::Add { name, rate } => {
            let rate: RateBp = input(rate.parse())?;
            reg(r.set_tax(&name, rate, false))?;
            outln!("tax profile {name} at {rate}");
            Ok(())
        }
        TaxCmd::Set { name, rate } => {
            let rate: RateBp = input(rate.parse())?;
            reg(r.set_tax(&name, rate, true))?;
            outln!("tax profile {name} now {rate}");
            Ok(())
        }
        TaxCmd::List(json) => {
            let rows = reg(r.store().reader().tax_profiles().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["NAME", "RATE"]);
            for x in rows {
                t.row(vec![x.name, x.rate]);
            }
            t.print()
        }
    }
}

pub(super) fn stock(r: &mut Register, a: StockArgs) -> anyhow::Result<()> {
    match a.action {
        Some(StockCmd::Count { sku, n }) => {
            let sku: Sku = reg(r.sku_for_code(&sku))?;
            let n = input(parse_stock(&n))?;
            reg(r.count_stock(&sku, n))?;
            outln!("{sku}: counted {n}");
            Ok(())
        }
        Some(StockCmd::Receive { sku, n }) => {
            let sku: Sku = reg(r.sku_for_code(&sku))?;
            let n = input(parse_items(&n))?;
            reg(r.adjust_stock(&sku, n, AdjustReason::Received))?;
            outln!("{sku}: received {n}");
            Ok(())
        }
        Some(StockCmd::Damage { sku, n }) => {
            let sku: Sku = reg(r.sku_for_code(&sku))?;
            let n = input(parse_items(&n))?;
            reg(r.adjust_stock(&sku, -n, AdjustReason::Damaged))?;
            outln!("{sku}: wrote off {n}");
            Ok(())
        }
        None => {
            if let Some(s) = &a.sku {
                let sku: Sku = reg(r.sku_for_code(s))?;
                if r.store().reader().product(sku.as_str()).map_err(RegisterError::from)?.is_none() {
                    return Err(RegisterError::UnknownSku(sku.to_string()).into());
                }
            }
            let sku = a.sku.as_deref().map(|s| reg(r.sku_for_code(s))).transpose()?;
            let rows = reg(r.store().reader().stock(sku.as_ref().map(Sku::as_str)).map_err(Into::into))?;
            if a.json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["SKU", "NAME", "ON HAND", ""]);
            for s in rows {
                t.row(vec![
                    s.sku,
                    s.name.unwrap_or_default(),
                    s.on_hand.to_string(),
                    if s.negative { "NEGATIVE: count it".into() } else { String::new() },
                ]);
            }
            t.print()
        }
    }
}

pub(super) fn user(r: &mut Register, c: UserCmd) -> anyhow::Result<()> {
    match c {
        UserCmd::Add { name, role, pin } => {
            let role: Role = input(role.parse())?;
            reg(r.add_user(&name, role, &pin))?;
            outln!("added {} {name}", role.as_str());
            Ok(())
        }
        UserCmd::Remove { name } => {
            reg(r.remove_user(&name))?;
            outln!("removed user {name}");
            Ok(())
        }
        UserCmd::SetPin { name, pin } => {
            reg(r.set_pin(&name, &pin))?;
            outln!("{name}'s PIN changed");
            Ok(())
        }
        UserCmd::List(json) => {
            let rows = reg(r.store().reader().users().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["NAME", "ROLE", ""]);
            for u in rows {
                t.row(vec![u.name, u.role, if u.active { String::new() } else { "removed".into() }]);
            }
            t.print()
        }
    }
}

pub(super) fn tender(r: &mut Register, c: TenderCmd) -> anyhow::Result<()> {
    match c {
        TenderCmd::Add { name } => {
            let name = reg(r.add_tender(&name))?;
            outln!("tender {name} accepted");
            Ok(())
        }
        TenderCmd::List(json) => {
            let rows = reg(r.store().reader().tenders().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["TENDER"]);
            for x in rows {
                t.row(vec![x]);
            }
            t.print()
        }
    }
}

pub(super) fn setting(r: &mut Register, c: SettingCmd) -> anyhow::Result<()> {
    match c {
        SettingCmd::Set { key, value } => {
            reg(r.set_setting(&key, &value))?;
            outln!("{key} = {value}");
            Ok(())
        }
        SettingCmd::List(json) => {
            let rows = reg(r.store().reader().settings().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["KEY", "VALUE"]);
            for s in rows {
                t.row(vec![s.key, s.value]);
            }
            t.print()
        }
    }
}
