//! `till bench sync`: the sync figures with real `till run` processes on loopback.
//!
//! 1. latency from an order's commit on client A to its arrival in client B's database, through
//!    the server (orders rung one at a time, the way a register rings them);
//! 2. server ingest of sealed push batches over HTTP into SQLite, applied;
//! 3. catch-up of that backlog by a fresh client;
//! 4. server memory (RSS) and idle CPU with many long-polling clients.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::{SyncArgs, percentile, synthetic_events, tempdir};
use crate::config::{ConfigUpdate, LocalApiConfig, Secret};
use crate::model::{Cents, Payment, RegisterId, Sku};
use crate::net::client::LocalApiClient;
use crate::register::Register;
use crate::store::DbWatcher;
use crate::store::Store;

/// A `till run` process, killed when dropped.
pub(super) struct Proc {
    /// The running `till run`.
    pub(super) child: Child,
    /// Its data directory.
    pub(super) dir: PathBuf,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) fn spawn(exe: &Path, dir: &Path) -> anyhow::Result<Proc> {
    let log = std::fs::File::create(dir.with_extension("log"))?;
    let child = Command::new(exe)
        .arg("--data")
        .arg(dir)
        .arg("run")
        .env("TILL_SYNC_BACKOFF_MAX_MS", "500")
        // The bench's servers live on loopback: none probes the machine's LAN for a higher term.
        .env("TILL_TERM_PROBE_MS", "0")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", exe.display()))?;
    Ok(Proc { child, dir: dir.to_path_buf() })
}

pub(super) fn set_up(dir: &Path, pairs: &[String]) -> anyhow::Result<()> {
    let mut store = Store::open(dir)?;
    let cfg = LocalApiConfig::default().with(ConfigUpdate::parse(pairs)?)?;
    store.write(|tx| tx.save_setup(&cfg))?;
    Ok(())
}

pub(super) fn ro(dir: &Path) -> anyhow::Result<rusqlite::Connection> {
    let c = rusqlite::Connection::open_with_flags(
        dir.join(crate::store::DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    c.busy_timeout(Duration::from_secs(10))?;
    Ok(c)
}

pub(super) fn num(c: &rusqlite::Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap_or(-1)
}

/// A device-local setting read through a read-only connection (the bench must not take the
/// running register's write lock); `None` while it is unset or not readable yet.
pub(super) fn kv<T: crate::store::kv::Value>(c: &rusqlite::Connection, key: crate::store::kv::Key<T>) -> Option<T> {
    let raw: String = c.query_row("SELECT value FROM device_kv WHERE key = ?1", [key.name], |r| r.get(0)).ok()?;
    T::from_kv(&raw).ok()
}

pub(super) fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) -> anyhow::Result<()> {
    let start = Instant::now();
    while !cond() {
        if start.elapsed() > limit {
            bail!("timed out after {limit:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

pub(super) fn start_server(exe: &Path, dir: &Path, secret: &Secret) -> anyhow::Result<(Proc, String)> {
    // A port free now (the setup refuses port=0); the server's own address is read back below.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    set_up(
        dir,
        &[
            "mode=server".into(),
            "name=S".into(),
            "bind=127.0.0.1".into(),
            format!("port={port}"),
            format!("secret={}", secret.expose()),
        ],
    )?;
    let mut r = Register::open(dir)?;
    r.add_product("TEA".parse()?, "Tea", Cents(250), Some(1_000_000), None)?;
    drop(r);
    let p = spawn(exe, dir)?;
    let db = ro(dir)?;
    let mut addr = String::new();
    wait_for("the server to listen", Duration::from_secs(30), || {
        addr = kv(&db, crate::store::kv::LISTEN_ADDR).map(|a| a.to_string()).unwrap_or_default();
        !addr.is_empty()
    })?;
    Ok((p, addr))
}

pub(super) fn start_client(exe: &Path, dir: &Path, name: &str, addr: &str, secret: &Secret) -> anyhow::Result<Proc> {
    set_up(
        dir,
        &[
            "mode=client".into(),
            format!("name={name}"),
            format!("server={addr}"),
            format!("secret={}", secret.expose()),
        ],
    )?;
    spawn(exe, dir)
}

pub(super) fn wait_connected(dir: &Path) -> anyhow::Result<()> {
    let db = ro(dir)?;
    wait_for(&format!("{} to sync", dir.display()), Duration::from_secs(60), || {
        num(&db, "SELECT count(*) FROM products") > 0
            && kv(&db, crate::store::kv::SYNC_STATUS).is_some_and(|s| s.state == crate::store::kv::SyncState::Connected)
    })
}

/// A field of `/proc/PID/status` in kB (`VmRSS:`, `VmHWM:`): an error naming the file and the
/// field when it cannot be read (the process is gone, no `/proc` here), never a zero.
pub(super) fn proc_status(pid: u32, field: &str) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path} for {field}"))?;
    let line = text.lines().find(|l| l.starts_with(field)).with_context(|| format!("no {field} line in {path}"))?;
    line.split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("unreadable {field} line in {path}: {line:?}"))
}

/// CPU time of process `pid` so far (user + system), in clock ticks of `/proc/PID/stat`: an
/// error naming the file when it cannot be read or parsed.
pub(super) fn cpu_ticks(pid: u32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path} for the CPU time"))?;
    let field = |i: usize| -> Option<u64> { stat.rsplit_once(')')?.1.split_whitespace().nth(i)?.parse().ok() };
    match (field(11), field(12)) {
        (Some(user), Some(system)) => Ok(user + system),
        _ => bail!("unreadable utime/stime in {path}"),
    }
}

/// Waits until order `o` (just committed on another register) is in the database behind `db`,
/// woken by that directory's commit marker (`listener` was armed before the commit, and is
/// re-armed before each look, so no commit is missed); fails after 30 s.
pub(super) fn wait_order_at(
    db: &rusqlite::Connection,
    watch: &DbWatcher,
    listener: event_listener::EventListener,
    o: &crate::store::OrderRow,
) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let id: crate::model::EventId = o.id.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let seen = || {
        db.query_row(
            "SELECT count(*) FROM orders WHERE origin = ?1 AND seq = ?2",
            rusqlite::params![&id.origin.0[..], id.seq as i64],
            |r| r.get::<_, i64>(0),
        )
        .unwrap_or(0)
            == 1
    };
    let mut listener = Some(listener);
    while !seen() {
        if t0.elapsed() > Duration::from_secs(30) {
            bail!("order {} never reached the other register", o.number);
        }
        match listener.take() {
            Some(l) => {
                let _ = event_listener::Listener::wait_timeout(l, Duration::from_millis(20));
            }
            None => std::thread::sleep(Duration::from_millis(1)),
        }
        listener = Some(watch.listen());
    }
    Ok(())
}

/// Runs the sync benchmark and prints its figures.
pub fn run(args: &SyncArgs) -> anyhow::Result<()> {
    let tmp = tempdir()?;
    let base = args.dir.clone().unwrap_or_else(|| tmp.0.clone());
    let exe = std::env::current_exe()?;
    let secret = Secret::generate()?;
    let orders = args.orders;
    println!(
        "till bench sync: scratch in {}, {} on {} cores",
        base.display(),
        exe.display(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // 1. Latency A → S → B.
    let (server, addr) = start_server(&exe, &base.join("S"), &secret)?;
    let a = start_client(&exe, &base.join("A"), "A", &addr, &secret)?;
    let b = start_client(&exe, &base.join("B"), "B", &addr, &secret)?;
    wait_connected(&a.dir)?;
    wait_connected(&b.dir)?;
    eprintln!("  (server and two clients running; timing {orders} orders)");
    let mut reg_a = Register::open(&a.dir)?;
    let watch_b = DbWatcher::start(&b.dir);
    let db_b = ro(&b.dir)?;
    let tea: Sku = "TEA".parse()?;
    let mut lat = Vec::with_capacity(orders);
    for _ in 0..orders {
        let listener = watch_b.listen();
        let o = reg_a.create_order(&[(tea.clone(), 1)], Payment::Cash, None)?;
        let t0 = Instant::now();
        wait_order_at(&db_b, &watch_b, listener, &o)?;
        lat.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "  latency, order committed on A -> in B's database via the server, {} orders: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lat.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(0.0)
    );
    drop((a, b, reg_a));

    // 2. Ingest of sealed batches over HTTP.
    let origins: Vec<RegisterId> = (0..4u8).map(|i| RegisterId([0xB0 + i; 16])).collect();
    let events = synthetic_events(args.events, &origins);
    let bytes: usize = events.iter().map(Vec::len).sum();
    let db_s = ro(&server.dir)?;
    let before = num(&db_s, "SELECT count(*) FROM events");
    let chunks: Vec<Vec<Vec<u8>>> =
        events.chunks(crate::sync::protocol::MAX_BATCH_EVENTS).map(<[Vec<u8>]>::to_vec).collect();
    // Timed from the first batch sent: the connects (discovery, the Argon2 key derivation) and
    // the hello come before the clock and the server's CPU figure start.
    let connecting = Instant::now();
    let (t, server_ticks, connect_s) = smol::block_on(async {
        let pusher = RegisterId([0xB0; 16]);
        // The pusher enrolls a key of its own with a hello, as a register does.
        let own = crate::sync::SealKey::from_bytes([0xB7; 32]);
        let c1 = LocalApiClient::connect(&addr, pusher, None, &secret, None, &own).await?;
        c1.hello(
            &crate::sync::protocol::HelloRequest {
                register_name: "bench".into(),
                client_time_ms: crate::net::unix_ms(),
                pending: 0,
                store_known: false,
                register_key: c1.register_key(),
            },
            &crate::net::updater::software(crate::net::updater::CURRENT),
        )
        .await?;
        let cached = Some((c1.store(), c1.key().clone()));
        let c2 = LocalApiClient::connect(&addr, pusher, Some(c1.store()), &secret, cached, &own).await?;
        let conns = args.connections;
        let mut lanes: Vec<Vec<Vec<Vec<u8>>>> = vec![Vec::new(); conns];
        for (i, chunk) in chunks.into_iter().enumerate() {
            lanes[i % conns].push(chunk);
        }
        let connect_s = connecting.elapsed().as_secs_f64();
        let server_ticks = cpu_ticks(server.child.id())?;
        let t = Instant::now();
        let tasks: Vec<smol::Task<Result<(), crate::net::client::ClientError>>> = lanes
            .into_iter()
            .map(|batches| {
                let c = c2.clone_handle();
                smol::spawn(async move {
                    for b in batches {
                        c.push(b, 0).await?;
                    }
                    Ok(())
                })
            })
            .collect();
        for t in tasks {
            t.await?;
        }
        Ok::<_, anyhow::Error>((t, server_ticks, connect_s))
    })?;
    let secs = t.elapsed().as_secs_f64();
    let server_cpu = cpu_ticks(server.child.id())?.saturating_sub(server_ticks) as f64 / 100.0;
    let stored = num(&db_s, "SELECT count(*) FROM events") - before;
    if stored < args.events as i64 {
        bail!("the server stored {stored} of {} events", args.events);
    }
    println!(
        "  server ingest, {} events ({:.1} MB) sealed in batches of {} over HTTP, {} connections: {:.0} events/s ({secs:.2} s)",
        args.events,
        bytes as f64 / 1e6,
        crate::sync::protocol::MAX_BATCH_EVENTS,
        args.connections,
        args.events as f64 / secs
    );
    println!(
        "    (server CPU during ingest: {server_cpu:.2} s, {:.0}% of the elapsed time; not timed: connect, key derivation and hello, {connect_s:.2} s)",
        100.0 * server_cpu / secs
    );

    // 3. Catch-up of the backlog by a fresh client.
    let total = num(&db_s, "SELECT count(*) FROM events");
    let t = Instant::now();
    let c = start_client(&exe, &base.join("C"), "C", &addr, &secret)?;
    let mut db_c = None;
    wait_for("the fresh client's database", Duration::from_secs(30), || {
        db_c = ro(&c.dir).ok();
        db_c.is_some()
    })?;
    let db_c = db_c.context("the fresh client's database")?;
    wait_for("the fresh client to catch up", Duration::from_secs(120), || {
        num(&db_c, "SELECT count(*) FROM events") >= total
    })?;
    println!(
        "  catch-up of a {total}-event backlog by a fresh client (process start to last event applied): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    drop((c, server));

    // 4. Memory and idle CPU with many long-polling clients.
    let (server, addr) = start_server(&exe, &base.join("R"), &secret)?;
    let pid = server.child.id();
    let mut clients = Vec::new();
    for i in 0..args.clients {
        clients.push(start_client(&exe, &base.join(format!("D{i}")), &format!("D{i}"), &addr, &secret)?);
    }
    for c in &clients {
        wait_connected(&c.dir)?;
    }
    let first = clients.first().map(|c| c.dir.clone()).context("no clients")?;
    let last = clients.last().map(|c| c.dir.clone()).context("no clients")?;
    let mut reg = Register::open(&first)?;
    for _ in 0..100 {
        reg.create_order(&[(tea.clone(), 1)], Payment::Card, None)?;
        std::thread::sleep(Duration::from_millis(20));
    }
    let db_last = ro(&last)?;
    wait_for("orders to reach every client", Duration::from_secs(60), || {
        num(&db_last, "SELECT count(*) FROM orders") >= 100
    })?;
    std::thread::sleep(Duration::from_secs(1));
    let ticks0 = cpu_ticks(pid)?;
    let idle = Duration::from_secs(5);
    std::thread::sleep(idle);
    let ticks1 = cpu_ticks(pid)?;
    let rss_kb = proc_status(pid, "VmRSS:")?;
    let hwm_kb = proc_status(pid, "VmHWM:")?;
    println!(
        "  server with {} long-polling clients after 100 orders: RSS {:.1} MiB (peak {:.1} MiB); idle CPU over {} s: {:.2}% of one core",
        args.clients,
        rss_kb as f64 / 1024.0,
        hwm_kb as f64 / 1024.0,
        idle.as_secs(),
        (ticks1.saturating_sub(ticks0)) as f64 / idle.as_secs_f64()
    );
    drop(clients);
    drop(server);
    Ok(())
}
