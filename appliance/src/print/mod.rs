//! Receipts, reports and the receipt printer.
//!
//! `docs`: what goes on the paper, as printer-independent documents built from orders and
//! reports.

pub mod docs;
