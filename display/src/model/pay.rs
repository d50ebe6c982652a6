//! The payment screen and the amount keypad: what is due, the tenders taken, and an amount
//! being typed.

/// The pay screen's data: the order's total, the tenders taken so far, and what is left.
/// The appliance does the sums (it owns rounding rules such as cash rounding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayView {
    /// The order's total.
    pub total_cents: i64,
    /// Tenders taken so far, in the order taken; each can be removed.
    pub applied: Vec<AppliedTender>,
    /// What is still due; zero (or less) when the order is fully paid.
    pub remaining_cents: i64,
    /// Cash to hand back to the customer (zero when none).
    pub change_cents: i64,
    /// The tenders the store takes, in button order, e.g. "Cash", "Card", "Voucher".
    pub tenders: Vec<String>,
    /// What is left comes to in cash, rounded to the store's step (cash rounding: 12.53 is 12.55),
    /// when that differs from `remaining_cents`; `None` otherwise.
    pub cash_due_cents: Option<i64>,
}

impl PayView {
    /// Whether nothing is left to pay, so the sale can be finished.
    pub fn fully_paid(&self) -> bool {
        self.remaining_cents <= 0
    }
}

/// One tender taken towards the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedTender {
    /// The tender's name, e.g. "Cash".
    pub name: String,
    /// How much it paid (for cash: what was handed over).
    pub amount_cents: i64,
}

/// The amount keypad's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountView {
    /// What the amount is, e.g. "Cash handed over", "Order discount", "Price of Latte".
    pub title: String,
    /// The amount as typed: digits and at most one decimal point, e.g. "12.5"; may be empty.
    pub entered: String,
    /// Whether `entered` is money or a percentage.
    pub mode: AmountMode,
    /// Whether the money/percent toggle shows (discounts).
    pub allow_percent: bool,
    /// Whether the toggle offers a new price as well (a cart line's pad: a price override).
    pub allow_price: bool,
    /// Quick amounts: a label and the amount in cents, e.g. ("Exact", 1730), ("$20", 2000).
    /// A label without a digit shows its amount under it.
    pub quick: Vec<(String, i64)>,
    /// One line under the amount, e.g. "Change $2.70" or "Above 10%: a manager approves".
    pub hint: Option<String>,
}

/// What an amount keypad's number means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AmountMode {
    /// Money in the store's currency.
    Money,
    /// A percentage.
    Percent,
    /// A cart line's new unit price (a price override; a manager approves).
    Price,
}
