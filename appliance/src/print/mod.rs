//! Receipts, reports and the receipt printer.
//!
//! - [`docs`]: what goes on the paper (receipts of sales, voids and returns; X, Z and store
//!   reports) as printer-independent [`till_display::receipt::Receipt`] documents, built from
//!   the store's rows.
//! - [`escpos`]: the ESC/POS bytes of a document, in the printer's font through a code page
//!   ([`codepage`]) or as a raster image drawn with the screen's fonts.
//! - [`device`]: the printer itself, over USB (usblp), a serial line or TCP, with deadlines and
//!   its status (DLE EOT).
//! - [`worker`]: the print queue worked off after each commit, on its own thread.
//!
//! Layer 3: it reads the store (the queue, the rows it prints) and nothing of the register, the
//! network services or the screen.

pub mod codepage;
pub mod device;
pub mod docs;
pub mod escpos;
pub mod worker;
