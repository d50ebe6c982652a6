//! Runs the register in its configured mode until it is told to stop.
//!
//! Standalone opens no socket at all. (Server and client modes arrive with the sync layer.)

use std::fmt;
use std::path::Path;

use smol::stream::StreamExt;

use crate::register::Register;

/// Device-local key: the configured mode.
pub const KV_MODE: &str = "mode";

/// How the register works with others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One register on its own: no networking.
    Standalone,
    /// Serves the other registers of the store over HTTP on the LAN.
    Server,
    /// Syncs with a server register.
    Client,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Standalone => "standalone",
            Mode::Server => "server",
            Mode::Client => "client",
        })
    }
}

/// The mode stored on this register (standalone unless set up otherwise).
pub fn configured_mode(r: &Register) -> Mode {
    match r.store().kv_get(KV_MODE).ok().flatten().as_deref() {
        Some("server") => Mode::Server,
        Some("client") => Mode::Client,
        _ => Mode::Standalone,
    }
}

/// Boots the register and runs until SIGINT or SIGTERM, then stops cleanly.
pub fn run(r: Register, dir: &Path) -> anyhow::Result<()> {
    let mode = configured_mode(&r);
    let counts = r.store().reader().counts()?;
    eprintln!(
        "till: register {} ({}) running {mode} from {}: {} products, {} orders, {} events waiting to sync",
        r.name()?,
        r.store().register_id(),
        dir.display(),
        counts.products,
        counts.orders,
        counts.pending_events
    );
    let mut signals = async_signal::Signals::new([async_signal::Signal::Int, async_signal::Signal::Term])?;
    eprintln!("till: ready");
    let sig = smol::block_on(signals.next());
    eprintln!("till: stopping on {sig:?}");
    r.store().checkpoint()?;
    eprintln!("till: stopped cleanly");
    Ok(())
}
