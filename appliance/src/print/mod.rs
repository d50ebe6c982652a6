//! Receipt printers: the ESC/POS bytes of a receipt ([`escpos`], with the code pages of its font
//! in [`codepage`]), and the printer itself, over USB, a serial line or TCP ([`device`]).
//!
//! Layer 3: it uses the document types of `till_display::receipt`, and nothing of the store, the
//! register or the network services. Nothing here knows what an order is; turning an order into
//! a [`till_display::receipt::Receipt`] is done above.

pub mod codepage;
pub mod device;
pub mod escpos;
