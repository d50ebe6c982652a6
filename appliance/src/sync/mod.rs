//! Events, the hybrid logical clock, and the merge rules that make every register's state a pure
//! function of the set of events it holds.
//!
//! Pure: no SQLite, no HTTP, no clock reads (time is passed in). The store applies these rules to
//! its tables; the network moves encoded events around.

mod event;
mod hlc;
mod merge;

pub use event::*;
pub use hlc::Hlc;
pub use merge::*;
