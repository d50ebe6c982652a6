//! Till: the firmware of a point-of-sale register. One binary that keeps the store's data in
//! SQLite, sells offline, and keeps several registers of one store in sync over the LAN.
//!
//! Layers, top to bottom; a module uses only modules below it (docs/ARCHITECTURE.md, checked by
//! `appliance/tests/layers.rs`):
//! - [`cli`]: the `till` command line; [`init`]: `till` as process 1 of the appliance;
//! - [`modes`]: `till run`: the services of the configured mode, mode switches, the screen beside them;
//! - [`ui`]: the register's screen: its state machine and the display/input loop;
//! - [`net`]: the server's HTTP endpoint, the client, its sync poller, discovery, the event bus;
//! - [`register`]: the operations people perform, one event each; [`print`]: receipt printers
//!   (ESC/POS, USB/serial/TCP); [`stick`]: backups to a USB stick labelled TILL-BACKUP;
//! - [`store`]: SQLite, migrations, applying events, device-local settings, the file watcher;
//! - [`sync`]: events, HLC, merge rules, the envelope (pure); [`config`]: the setup's rules (pure);
//! - [`model`]: plain business types and input rules (pure);
//! - [`logger`]: the leveled logger every layer writes through (the `log` facade).

pub mod cli;
pub mod config;
pub mod export;
pub mod init;
pub mod logger;
pub mod model;
pub mod modes;
pub mod net;
pub mod print;
pub mod register;
pub mod stick;
pub mod store;
pub mod sync;
pub mod ui;
pub mod update;

/// This build's release, `MAJOR.MINOR.PATCH`: the package's version unless the build sets
/// `TILL_VERSION` (the QEMU update tests build a release N+1 of the same source that way).
pub const VERSION: &str = match option_env!("TILL_VERSION") {
    Some(v) => v,
    None => env!("CARGO_PKG_VERSION"),
};
