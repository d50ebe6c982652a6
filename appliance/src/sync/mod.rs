//! Events, the hybrid logical clock, and the merge rules that make every register's state a pure
//! function of the set of events it holds.
//!
//! Pure: no SQLite, no HTTP, no clock reads (time is passed in), no sockets. The envelope
//! and the event bus live here too: sealing is computation, the bus is memory and wake-ups. The store applies these rules to
//! its tables; the network moves encoded events around.

mod bus;
mod envelope;
mod event;
mod hlc;
mod merge;
pub mod protocol;

pub use bus::*;
pub use envelope::*;
pub use event::*;
pub use hlc::Hlc;
pub use merge::*;
