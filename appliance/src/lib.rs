//! Till: the firmware of a point-of-sale register. One binary that keeps the store's data in
//! SQLite, sells offline, and keeps several registers of one store in sync over the LAN.
//!
//! Layers, dependencies pointing down only (docs/ARCHITECTURE.md):
//! - [`cli`]: the `till` command line;
//! - [`modes`]: runs the services of the configured mode, switches modes;
//! - [`ui`]: the register's screen: its state machine and the display/input loop;
//! - [`net`]: the server's HTTP endpoint, the client and its sync poller;
//! - [`config`]: LocalApiConfig, the device-local setup;
//! - [`register`]: the operations people perform, one event each;
//! - [`store`]: SQLite, migrations, applying events;
//! - [`sync`]: events, HLC and merge rules (pure);
//! - [`model`]: plain business types (pure);
//! - [`platform`]: operating-system duties (file watching; mounts and devices on the box).

pub mod cli;
pub mod config;
pub mod model;
pub mod modes;
pub mod net;
pub mod platform;
pub mod register;
pub mod store;
pub mod sync;
pub mod ui;
