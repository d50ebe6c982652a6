//! Events, the hybrid logical clock, and the merge rules that make every register's state a pure
//! function of the set of events it holds.
//!
//! Pure: no SQLite, no HTTP, no clock reads (time is passed in), no sockets, no threads or
//! timers, even in its tests. The envelope lives here too: sealing is computation (the caller
//! supplies the random nonce). The store applies these rules to its tables; the network moves
//! encoded events around.

pub mod backup;
mod conflict;
mod envelope;
mod event;
mod hlc;
mod merge;
pub mod protocol;
mod term;

pub use conflict::*;
pub use envelope::*;
pub use event::*;
pub use hlc::{EARLIEST_WALL_MS, Hlc};
pub use merge::*;
pub use term::{Election, elected, next_term};
