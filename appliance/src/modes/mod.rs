//! The supervisor behind `till run`: runs the services of the configured mode and switches modes
//! without a restart when the setup changes (docs/ARCHITECTURE.md, "Modes and the supervisor").
//!
//! - standalone: no socket at all;
//! - server: [`LocalApiServer`] + [`SyncService`], plus a task that publishes new log entries
//!   (from the CLI, the screen, or pushes) to long-pollers the moment the database changes;
//! - client: [`SyncPoller`];
//! - in every mode: the nightly backup to a USB stick (nightly.rs).
//!
//! A setup change made by any process (`till setup set …`, the setup screens) is noticed through
//! the data directory watcher: the old services stop cleanly (listener closed, in-flight requests
//! drained, every connection closed, the poller cancelled between transactions) and the new ones
//! start. The register's data is untouched by a switch. A setup that cannot be read is never
//! replaced by a guess: `till run` refuses to start, and a running register keeps its mode.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use log::{error, info, warn};
use smol::Task;
use smol::stream::StreamExt;

pub use crate::config::Mode;
use crate::config::{LocalApiConfig, Secret, ServerAddr};
use crate::net::guard::Limits;
use crate::net::http::LocalApiServer;
use crate::net::poller::{PollerTuning, SyncPoller};
use crate::net::service::SyncService;
use crate::net::{SharedRegister, lock};
use crate::register::{Register, RegisterError};
use crate::store::{DbWatcher, StoreError, kv};

mod nightly;
mod own_update;
mod term;
mod trial;

/// Events the server keeps in memory for long-pollers that are nearly up to date
/// (`TILL_RING_EVENTS` overrides it; a cursor older than the ring is served from the log).
pub const RING_EVENTS: usize = 4_096;

fn ring_events() -> usize {
    match std::env::var("TILL_RING_EVENTS") {
        Err(_) => RING_EVENTS,
        Ok(v) => v.parse().unwrap_or_else(|_| {
            warn!("TILL_RING_EVENTS={v:?} is not a number; keeping {RING_EVENTS} events in memory");
            RING_EVENTS
        }),
    }
}

/// How long a stopping server lets in-flight requests finish.
const DRAIN: Duration = Duration::from_secs(3);

/// How long a server that could not start waits before trying again.
const SERVER_RETRY: Duration = Duration::from_secs(10);

/// The services of one mode, running.
enum Running {
    Standalone,
    Server { stop: smol::channel::Sender<()>, task: Task<()>, publisher: Task<()>, term: Task<()> },
    Client { task: Task<()> },
}

impl Running {
    async fn stop(self) {
        match self {
            Running::Standalone => {}
            Running::Server { stop, task, publisher, term } => {
                term.cancel().await;
                publisher.cancel().await;
                // The server task is waiting on this channel; if it already ended, so much the better.
                let _ = stop.send(()).await;
                task.await;
            }
            Running::Client { task } => {
                task.cancel().await;
            }
        }
    }
}

async fn db<T: Send + 'static>(reg: &SharedRegister, f: impl FnOnce(&mut Register) -> T + Send + 'static) -> T {
    let reg = reg.clone();
    smol::unblock(move || f(&mut lock(&reg))).await
}

/// Records where the server listens (or that it does not), for `till status` and the screen.
async fn note_listening(reg: &SharedRegister, addr: Option<SocketAddr>) {
    let written = db(reg, move |r| match addr {
        Some(a) => r.store_mut().set(kv::LISTEN_ADDR, &a),
        None => r.store_mut().clear(kv::LISTEN_ADDR),
    })
    .await;
    if let Err(e) = written {
        warn!("cannot record the listening address for `till status`: {e}");
    }
}

/// Prepares the server's sync core, retrying while it cannot (the register keeps selling).
async fn service(reg: &SharedRegister, secret: &Secret) -> Arc<SyncService> {
    loop {
        let (r2, secret) = (reg.clone(), secret.clone());
        // The gauges (and the term the discover answer states) are read before the first request.
        let made = smol::unblock(move || SyncService::new(r2, secret, ring_events()).inspect(|s| s.refresh_gauges()));
        match made.await {
            Ok(s) => return Arc::new(s),
            Err(e) => {
                error!(
                    "cannot start the server: {}; selling locally, retrying in {} s",
                    e.reason,
                    SERVER_RETRY.as_secs()
                );
                smol::Timer::after(SERVER_RETRY).await;
            }
        }
    }
}

/// Starts the services of a checked setup (see [`LocalApiConfig::check`]).
async fn start(cfg: &LocalApiConfig, reg: &SharedRegister, watcher: &Arc<DbWatcher>) -> Running {
    match cfg.mode {
        Mode::Standalone => {
            note_listening(reg, None).await;
            Running::Standalone
        }
        Mode::Server => {
            let Some(secret) = cfg.secret.as_ref() else {
                error!("server mode needs a shared secret; not serving until it is set");
                return Running::Standalone;
            };
            let service = service(reg, secret).await;
            let addr = SocketAddr::new(cfg.bind, cfg.port);
            let token = cfg.metrics_token.clone();
            let (stop_tx, stop_rx) = smol::channel::bounded::<()>(1);
            let (svc, r2) = (service.clone(), reg.clone());
            let task = smol::spawn(async move {
                loop {
                    match LocalApiServer::start(svc.clone(), addr, Limits::from_env(), token.clone()).await {
                        Ok(server) => {
                            let local = server.local_addr();
                            note_listening(&r2, Some(local)).await;
                            info!("listening on {local}");
                            // A closed channel means the supervisor is gone: stop as well.
                            let _ = stop_rx.recv().await;
                            server.stop(DRAIN).await;
                            note_listening(&r2, None).await;
                            return;
                        }
                        Err(e) => {
                            // Keep selling; try again (the port may be held by a stopping process).
                            warn!("cannot listen on {addr}: {e}; retrying in 2 s");
                            let stopped = smol::future::or(async { stop_rx.recv().await.is_ok() }, async {
                                smol::Timer::after(Duration::from_secs(2)).await;
                                false
                            })
                            .await;
                            if stopped {
                                return;
                            }
                        }
                    }
                }
            });
            let watch = term::watch(reg.clone(), watcher.clone(), cfg.clone(), service.clone());
            let term = smol::spawn(watch);
            let (svc, w) = (service, watcher.clone());
            let publisher = smol::spawn(async move {
                loop {
                    let listener = w.listen();
                    let s = svc.clone();
                    if let Err(e) = smol::unblock(move || s.catch_up().map(|()| s.refresh_gauges())).await {
                        error!("cannot read the log to publish it: {e}");
                    }
                    smol::future::or(listener, async {
                        smol::Timer::after(Duration::from_secs(5)).await;
                    })
                    .await;
                }
            });
            Running::Server { stop: stop_tx, task, publisher, term }
        }
        Mode::Client => {
            let Some(poller) = SyncPoller::new(reg.clone(), watcher.clone(), cfg, PollerTuning::from_env()) else {
                error!("client mode needs a server and a shared secret; not syncing until they are set");
                return Running::Standalone;
            };
            if cfg.server == Some(ServerAddr::Scan) {
                info!("finding this store's server by scanning the local subnets on port {}", cfg.port);
            }
            Running::Client { task: smol::spawn(poller.run()) }
        }
    }
}

/// `till run` stopped cleanly after writing an update into the inactive boot slot: exit 22,
/// and process 1 reboots the box into it.
#[derive(Debug, thiserror::Error)]
#[error("restarting to finish the update (exit 22): the new version is in the inactive boot slot")]
pub struct RestartForUpdate;

/// Why `till run` will not start (or switch) on the stored setup.
#[derive(Debug, thiserror::Error)]
pub enum SetupUnreadable {
    /// A stored value does not decode.
    #[error("cannot read the register's setup: {0}")]
    Store(StoreError),
    /// The values decode but do not make a working setup.
    #[error("the register's setup is incomplete: {0}; complete it with `till setup set`")]
    Incomplete(String),
}

/// The stored setup, read strictly and checked as a whole.
pub fn read_setup(r: &Register) -> Result<LocalApiConfig, SetupUnreadable> {
    let cfg = r.store().setup().map_err(SetupUnreadable::Store)?;
    cfg.check().map_err(|e| SetupUnreadable::Incomplete(e.to_string()))?;
    Ok(cfg)
}

/// Resolves with the stored setup when it differs from `current`. A setup that cannot be read
/// is reported once per change and ignored: the register keeps running as it is.
async fn setup_changed(reg: &SharedRegister, watcher: &DbWatcher, current: &LocalApiConfig) -> LocalApiConfig {
    let mut reported: Option<String> = None;
    loop {
        let listener = watcher.listen();
        match db(reg, |r| read_setup(r)).await {
            Ok(c) if &c != current => return c,
            Ok(_) => reported = None,
            Err(e) => {
                let why = e.to_string();
                if reported.as_ref() != Some(&why) {
                    error!("{why}; keeping the running {} mode", current.mode);
                    reported = Some(why);
                }
            }
        }
        smol::future::or(listener, async {
            smol::Timer::after(Duration::from_secs(1)).await;
        })
        .await;
    }
}

/// Where the register's screen draws and reads input (`till run --display … --input …`).
#[derive(Clone, Debug)]
pub struct ScreenOptions {
    /// Framebuffer, PNG files, or none.
    pub display: crate::ui::DisplaySpec,
    /// Touch and keys, a script, or none.
    pub input: crate::ui::InputSpec,
}

/// Boots the register and runs until SIGINT or SIGTERM, then stops cleanly. The screen runs
/// beside the services and survives mode switches; if it fails, the register keeps working.
/// Refuses to start on a damaged database or a setup it cannot read (both exit 5).
pub fn run(r: Register, dir: &Path, screen: ScreenOptions) -> anyhow::Result<()> {
    // One register process per data directory; a restore waits for it to stop (exit 5).
    let _claim = crate::store::claim(dir).map_err(RegisterError::Store)?;
    // Before anything is sold on top of a damaged file (exit 5, the file untouched).
    r.store().quick_check().map_err(RegisterError::Store)?;
    let first = read_setup(&r).map_err(|e| RegisterError::Setup(e.to_string()))?;
    let counts = r.store().reader().counts()?;
    info!(
        "register {} ({}) from {}: {} products, {} orders, {} events waiting to sync",
        first.register_name,
        r.store().register_id(),
        dir.display(),
        counts.products,
        counts.orders,
        counts.pending_events
    );
    let reg: SharedRegister = Arc::new(Mutex::new(r));
    let watcher = DbWatcher::start(dir);
    // Receipts print on their own thread and connection, after each commit (print::worker).
    let print_stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    if let Err(e) = crate::print::worker::spawn(dir.to_path_buf(), watcher.clone(), print_stop.clone()) {
        error!("the printer is not served: {e}; the register keeps selling");
    }
    // Orders and stock go to the online shop on their own thread too, when this register
    // exports (export::worker; it idles in client mode).
    if let Err(e) = crate::export::worker::spawn(dir.to_path_buf(), watcher.clone(), print_stop.clone()) {
        error!("the export does not run: {e}; the register keeps selling");
    }
    // The nightly backup to a USB stick labelled TILL-BACKUP, on its own thread (nightly.rs).
    if let Err(e) = nightly::spawn(dir.to_path_buf(), print_stop.clone()) {
        error!("the nightly backup to a USB stick does not run: {e}; the register keeps selling");
    }
    let mut signals = async_signal::Signals::new([async_signal::Signal::Int, async_signal::Signal::Term])?;
    // The framebuffer is not Send: the screen runs on this thread, beside the supervisor.
    let (sreg, swatch) = (reg.clone(), watcher.clone());
    let screen = async move {
        if let Err(e) = crate::ui::run_screen(sreg, swatch, screen.display, screen.input).await {
            error!("the screen stopped: {e}; the register keeps running without it");
        }
        smol::future::pending::<anyhow::Result<()>>().await
    };
    let ready = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let beside = smol::future::or(heartbeat(), trial::keep(reg.clone(), ready.clone()));
    let beside = smol::future::or(beside, own_update::run(reg.clone(), dir.to_path_buf()));
    let screen = smol::future::or(screen, beside);
    smol::block_on(smol::future::or(screen, async {
        let mut cfg = first;
        loop {
            info!("running {} as {}", cfg.mode, cfg.register_name);
            let running = start(&cfg, &reg, &watcher).await;
            info!("ready");
            ready.store(true, std::sync::atomic::Ordering::SeqCst);
            let next = smol::future::or(async { Err(Some(signals.next().await)) }, async {
                Ok(setup_changed(&reg, &watcher, &cfg).await)
            });
            let next = smol::future::or(next, async {
                crate::update::rollout::restart_wanted().await;
                Err(None)
            })
            .await;
            running.stop().await;
            match next {
                Err(Some(sig)) => {
                    info!("stopping on {sig:?}");
                    break;
                }
                Err(None) => {
                    info!("stopping to restart into the update");
                    break;
                }
                Ok(new) => {
                    info!("setup changed: {} -> {}", cfg.mode, new.mode);
                    cfg = new;
                }
            }
        }
        print_stop.store(true, std::sync::atomic::Ordering::SeqCst);
        db(&reg, |r| r.store().checkpoint()).await?;
        info!("stopped cleanly");
        if crate::update::rollout::restart_requested() {
            return Err(RestartForUpdate.into());
        }
        Ok(())
    }))
}

/// How often the sign of life is written.
const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The register's sign of life for the appliance's process 1 (`init/watchdog.rs`): while this
/// process's executor runs, the file `TILL_HEARTBEAT` names is rewritten every
/// [`HEARTBEAT_EVERY`]; a register that stops doing so lets the watchdog reset the box. Without
/// the variable (a development machine, the tests) it does nothing.
async fn heartbeat() -> anyhow::Result<()> {
    let Some(path) = std::env::var_os("TILL_HEARTBEAT") else {
        return smol::future::pending().await;
    };
    let mut failing = false;
    loop {
        match std::fs::write(&path, crate::net::unix_ms().to_string()) {
            Ok(()) => failing = false,
            Err(e) if !failing => {
                warn!("cannot write the sign of life {}: {e}; the watchdog may reset the box", path.to_string_lossy());
                failing = true;
            }
            Err(_) => {}
        }
        smol::Timer::after(HEARTBEAT_EVERY).await;
    }
}
