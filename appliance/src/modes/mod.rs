//! The supervisor behind `till run`: runs the services of the configured mode and switches modes
//! without a restart when the config changes (DESIGN §3).
//!
//! - standalone: no socket at all;
//! - server: [`LocalApiServer`] + [`SyncService`], plus a task that publishes new log entries
//!   (from the CLI, the screen, or pushes) to long-pollers the moment the database changes;
//! - client: [`SyncPoller`].
//!
//! A config change made by any process (`till setup set …`, the setup screens) is noticed through
//! the data directory watcher: the old services stop cleanly (listener closed, in-flight requests
//! drained, every connection closed, the poller cancelled between transactions) and the new ones
//! start. The register's data is untouched by a switch.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use smol::Task;
use smol::stream::StreamExt;

pub use crate::config::Mode;
use crate::config::{LocalApiConfig, ServerAddr};
use crate::net::http::LocalApiServer;
use crate::net::poller::{PollerTuning, SyncPoller};
use crate::net::service::SyncService;
use crate::net::{SharedRegister, lock};
use crate::platform::watch::DbWatcher;
use crate::register::Register;

/// Device-local key: the address the server is listening on (for `till status` and tests).
pub const KV_LISTEN_ADDR: &str = "listen_addr";

/// Events the server keeps in memory for long-pollers that are nearly up to date
/// (`TILL_RING_EVENTS` overrides it; a cursor older than the ring is served from the log).
pub const RING_EVENTS: usize = 4_096;

fn ring_events() -> usize {
    std::env::var("TILL_RING_EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(RING_EVENTS)
}

/// How long a stopping server lets in-flight requests finish.
const DRAIN: Duration = Duration::from_secs(3);

/// The mode stored on this register (standalone unless set up otherwise).
pub fn configured_mode(r: &Register) -> Mode {
    LocalApiConfig::load(r.store()).map(|c| c.mode).unwrap_or(Mode::Standalone)
}

/// The services of one mode, running.
enum Running {
    Standalone,
    Server { stop: smol::channel::Sender<()>, task: Task<()>, publisher: Task<()> },
    Client { task: Task<()> },
}

impl Running {
    async fn stop(self) {
        match self {
            Running::Standalone => {}
            Running::Server { stop, task, publisher } => {
                publisher.cancel().await;
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

async fn start(cfg: &LocalApiConfig, reg: &SharedRegister, watcher: &Arc<DbWatcher>) -> Running {
    match cfg.mode {
        Mode::Standalone => {
            let _ = db(reg, |r| r.store_mut().kv_set(KV_LISTEN_ADDR, "")).await;
            Running::Standalone
        }
        Mode::Server => {
            let Some(secret) = cfg.secret.clone() else {
                eprintln!("till: server mode needs a shared secret; running without network until it is set");
                return Running::Standalone;
            };
            let (r2, port) = (reg.clone(), cfg.port);
            let service = match smol::unblock(move || SyncService::new(r2, secret, port, ring_events())).await {
                Ok(s) => Arc::new(s),
                Err(e) => {
                    eprintln!("till: cannot start the server: {}", e.reason);
                    return Running::Standalone;
                }
            };
            let addr = SocketAddr::new(cfg.bind, cfg.port);
            let (stop_tx, stop_rx) = smol::channel::bounded::<()>(1);
            let (svc, r2) = (service.clone(), reg.clone());
            let task = smol::spawn(async move {
                loop {
                    match LocalApiServer::start(svc.clone(), addr).await {
                        Ok(server) => {
                            let local = server.local_addr();
                            let _ = db(&r2, move |r| r.store_mut().kv_set(KV_LISTEN_ADDR, &local.to_string())).await;
                            eprintln!("till: server listening on {local}");
                            let _ = stop_rx.recv().await;
                            server.stop(DRAIN).await;
                            let _ = db(&r2, |r| r.store_mut().kv_set(KV_LISTEN_ADDR, "")).await;
                            return;
                        }
                        Err(e) => {
                            // Keep selling; try again (the port may be held by a stopping process).
                            eprintln!("till: cannot listen on {addr}: {e}; retrying in 2 s");
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
            let (svc, w) = (service, watcher.clone());
            let publisher = smol::spawn(async move {
                loop {
                    let listener = w.listen();
                    let s = svc.clone();
                    if let Err(e) = smol::unblock(move || s.catch_up().map(|()| s.refresh_gauges())).await {
                        eprintln!("till: cannot read the log: {e}");
                    }
                    smol::future::or(listener, async {
                        smol::Timer::after(Duration::from_secs(5)).await;
                    })
                    .await;
                }
            });
            Running::Server { stop: stop_tx, task, publisher }
        }
        Mode::Client => {
            let (Some(server), Some(secret)) = (cfg.server.clone(), cfg.secret.clone()) else {
                eprintln!("till: client mode needs a server and a shared secret; running without network");
                return Running::Standalone;
            };
            let poller = match server {
                ServerAddr::Addr { .. } => {
                    SyncPoller::new(reg.clone(), watcher.clone(), server.to_string(), secret, PollerTuning::from_env())
                }
                ServerAddr::Scan => {
                    eprintln!("till: finding this store's server by scanning the local subnets on port {}", cfg.port);
                    SyncPoller::scanning(reg.clone(), watcher.clone(), cfg.port, secret, PollerTuning::from_env())
                }
            };
            Running::Client { task: smol::spawn(poller.run()) }
        }
    }
}

async fn load(reg: &SharedRegister) -> Option<LocalApiConfig> {
    db(reg, |r| LocalApiConfig::load(r.store()).ok()).await
}

/// Resolves when the stored config differs from `current`.
async fn config_changed(reg: &SharedRegister, watcher: &DbWatcher, current: &LocalApiConfig) {
    loop {
        let listener = watcher.listen();
        if load(reg).await.is_some_and(|c| &c != current) {
            return;
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
pub fn run(r: Register, dir: &Path, screen: ScreenOptions) -> anyhow::Result<()> {
    // Before anything is sold on top of a damaged file (exit 5, the file untouched).
    r.store().quick_check().map_err(crate::register::RegisterError::Store)?;
    let counts = r.store().reader().counts()?;
    eprintln!(
        "till: register {} ({}) from {}: {} products, {} orders, {} events waiting to sync",
        r.name()?,
        r.store().register_id(),
        dir.display(),
        counts.products,
        counts.orders,
        counts.pending_events
    );
    let reg: SharedRegister = Arc::new(Mutex::new(r));
    let watcher = DbWatcher::start(dir);
    let mut signals = async_signal::Signals::new([async_signal::Signal::Int, async_signal::Signal::Term])?;
    // The framebuffer is not Send: the screen runs on this thread, beside the supervisor.
    let (sreg, swatch) = (reg.clone(), watcher.clone());
    let screen = async move {
        if let Err(e) = crate::ui::run_screen(sreg, swatch, screen.display, screen.input).await {
            eprintln!("till: screen: {e}");
        }
        smol::future::pending::<anyhow::Result<()>>().await
    };
    smol::block_on(smol::future::or(screen, async {
        let mut cfg = load(&reg).await.unwrap_or_default();
        loop {
            eprintln!("till: running {} as {}", cfg.mode, cfg.register_name);
            let running = start(&cfg, &reg, &watcher).await;
            eprintln!("till: ready");
            let signal = smol::future::or(async { Some(signals.next().await) }, async {
                config_changed(&reg, &watcher, &cfg).await;
                None
            })
            .await;
            running.stop().await;
            match signal {
                Some(sig) => {
                    eprintln!("till: stopping on {sig:?}");
                    break;
                }
                None => {
                    let new = load(&reg).await.unwrap_or_default();
                    eprintln!("till: config changed: {} -> {}", cfg.mode, new.mode);
                    cfg = new;
                }
            }
        }
        db(&reg, |r| r.store().checkpoint()).await?;
        eprintln!("till: stopped cleanly");
        Ok(())
    }))
}
