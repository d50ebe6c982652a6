//! The register's own screen (docs/ARCHITECTURE.md): the state machine behind the `till-display` screens
//! and the run-time loop that connects it to a framebuffer or PNG files and to touch, keys or a
//! script. The display crate draws and hit-tests; this module decides and acts (save the setup,
//! scan, test a connection, ring a sale) through the same register and config code the CLI uses.

pub mod device;
pub mod machine;

pub use device::{DisplaySpec, InputSpec, run_screen};
pub use machine::{Effect, Ui};
