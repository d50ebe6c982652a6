//! Server terms at run time (docs/ARCHITECTURE.md, "Promotion and terms"): a serving register
//! that learns another register serves a higher term steps down and becomes its client.
//!
//! It learns it two ways. From its own store: an election naming another register standing
//! above every other (a client pushed it, or a client refused for being of a lower term told
//! it). And from a probe: at start and every [`crate::net::follow::PROBE_EVERY`] it scans its subnets on its port for
//! servers of this store (their discover proof checked, as `server=scan` does) that state a
//! higher term than the one it serves. Either way it saves its setup as a client of that
//! server (or `server=scan` when it knows no address for it); the supervisor then stops the
//! server and starts the poller, which pushes what this register holds and the new server
//! lacks, and pulls the rest.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use log::{info, warn};

use super::db;
use crate::config::{ConfigUpdate, LocalApiConfig, Mode, ServerAddr};
use crate::net::SharedRegister;
use crate::net::discovery::StoreIdentity;
use crate::net::service::SyncService;
use crate::store::{DbWatcher, kv};

/// Where to follow: the server, its name, its term.
struct Leader {
    to: ServerAddr,
    name: String,
    term: u64,
}

/// Runs beside a server until it steps down (then it returns, after saving the new setup).
pub(super) async fn watch(reg: SharedRegister, watcher: Arc<DbWatcher>, cfg: LocalApiConfig, svc: Arc<SyncService>) {
    let every = crate::net::follow::probe_every();
    let mut next_probe = Instant::now();
    loop {
        let listener = watcher.listen();
        let leader = match (elected_elsewhere(&reg, &cfg).await, every) {
            (Some(l), _) => Some(l),
            (None, Some(every)) if Instant::now() >= next_probe => {
                next_probe = Instant::now() + every;
                probe(&reg, &cfg, &svc).await
            }
            _ => None,
        };
        if let Some(l) = leader {
            step_down(&reg, &cfg, l).await;
            return;
        }
        let wait = match every {
            Some(_) => next_probe.saturating_duration_since(Instant::now()).min(Duration::from_secs(5)),
            None => Duration::from_secs(5),
        };
        smol::future::or(listener, async {
            smol::Timer::after(wait).await;
        })
        .await;
    }
}

/// The register this store's elections name, when it is another one: where it serves (the
/// address it last called this server from, at the store's port, if its discover answers with
/// its name and term; else `scan`).
async fn elected_elsewhere(reg: &SharedRegister, cfg: &LocalApiConfig) -> Option<Leader> {
    let read = db(reg, |r| {
        let me = r.store().register_id();
        let t = r.store().reader().server_term()?;
        let Some(e) = t.election.filter(|e| e.register != me) else { return Ok(None) };
        let known = r.store().reader().peer_address(e.register)?;
        Ok::<_, crate::store::StoreError>(Some((e.term, t.register.unwrap_or_default(), known)))
    });
    let (term, name, known) = match read.await {
        Ok(v) => v?,
        Err(e) => {
            warn!("cannot read the server term: {e}");
            return None;
        }
    };
    let host = known.and_then(|a| a.parse::<SocketAddr>().map(|s| s.ip()).or_else(|_| a.parse::<IpAddr>()).ok());
    let mut to = ServerAddr::Scan;
    if let Some(ip) = host {
        let addr = SocketAddr::new(ip, cfg.port).to_string();
        match crate::net::client::discover(&addr, Duration::from_secs(2)).await {
            Ok(d) if d.register_name == name && d.term.unwrap_or(0) >= term => {
                to = ServerAddr::Addr { host: ip.to_string(), port: cfg.port }
            }
            _ => info!("register {name} does not answer as the server at {addr}; its clients will scan for it"),
        }
    }
    Some(Leader { to, name, term })
}

/// Scans for a server of this store that states a higher term than this one serves.
async fn probe(reg: &SharedRegister, cfg: &LocalApiConfig, svc: &Arc<SyncService>) -> Option<Leader> {
    let me = svc.register_id();
    let read = db(reg, move |r| {
        let term = r.store().reader().serving_term(me)?;
        Ok::<_, crate::store::StoreError>((term, crate::net::own_key(r.store_mut())?))
    });
    let (mine, own) = match read.await {
        Ok(v) => v,
        Err(e) => {
            warn!("cannot read this server's term: {e}");
            return None;
        }
    };
    let (store, key) = svc.store_key();
    let who = StoreIdentity {
        me,
        name: cfg.register_name.clone(),
        store: Some(store),
        secret: cfg.secret.clone(),
        own,
        key: Some((store, key)),
    };
    let best = crate::net::follow::higher_term_server(cfg.port, &who, mine).await?;
    Some(Leader {
        to: ServerAddr::Addr { host: best.address.ip().to_string(), port: best.address.port() },
        name: best.discover.register_name.clone(),
        term: best.discover.term.unwrap_or(0),
    })
}

/// Saves this register's setup as the leader's client (the supervisor switches), and says so.
async fn step_down(reg: &SharedRegister, cfg: &LocalApiConfig, l: Leader) {
    let why = format!("register {} serves the store at term {}", l.name, l.term);
    info!("stepping down: {why}");
    let new = match cfg.with(ConfigUpdate::mode(Mode::Client).with_server(l.to)) {
        Ok(c) => c,
        Err(e) => {
            warn!("cannot step down: {e}");
            return;
        }
    };
    let note = format!(
        "{why} (stepped down {})",
        crate::store::format_ms(i64::try_from(crate::register::unix_ms()).unwrap_or(i64::MAX))
    );
    let saved = db(reg, move |r| {
        r.store_mut().write(|tx| {
            tx.save_setup(&new)?;
            tx.set(kv::STEPPED_DOWN, &note)
        })
    });
    if let Err(e) = saved.await {
        warn!("cannot step down: saving the client setup failed: {e}");
    }
}
