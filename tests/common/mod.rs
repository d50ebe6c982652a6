//! Shared harness of the multi-process system tests: registers as real `till` processes with
//! their own data directories, on loopback, and waits on conditions with deadlines (no sleeps
//! hoping something happened).
#![allow(dead_code)]

pub mod proxy;
pub mod vendure;
pub mod vprinter;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_till");

/// The program and leading arguments that run [`BIN`]: the binary itself, or, when the tests
/// were cross-compiled (`scripts/test --target …`), the emulator in `TILL_TEST_RUNNER` followed
/// by the binary — cargo's runner only wraps the test binaries, not what they spawn.
pub fn till_argv() -> Vec<String> {
    let mut argv: Vec<String> =
        std::env::var("TILL_TEST_RUNNER").unwrap_or_default().split_whitespace().map(str::to_string).collect();
    argv.push(BIN.to_string());
    argv
}

/// A command running the binary under test (through the emulator when cross-testing).
pub fn till_command() -> Command {
    let argv = till_argv();
    let mut c = Command::new(&argv[0]);
    c.args(&argv[1..]);
    // No server of the tests probes the machine's own LAN for a higher term: the tests that
    // need the probe set TILL_TERM_PROBE_MS (and TILL_SCAN_SUBNETS to loopback) themselves.
    if std::env::var_os("TILL_TERM_PROBE_MS").is_none() {
        c.env("TILL_TERM_PROBE_MS", "0");
    }
    c
}

/// How long any condition may take before a test fails.
/// 60 s, times `TILL_TEST_DEADLINE_SCALE` when set (the tests under qemu-user start every
/// process under emulation).
pub static DEADLINE: std::sync::LazyLock<Duration> = std::sync::LazyLock::new(|| {
    let scale = std::env::var("TILL_TEST_DEADLINE_SCALE").ok().and_then(|v| v.parse::<u32>().ok()).unwrap_or(1);
    Duration::from_secs(60) * scale.clamp(1, 20)
});

/// Polls `cond` until it holds or `limit` passes; panics with `what` and `context()` otherwise.
pub fn wait_until(what: &str, limit: Duration, mut cond: impl FnMut() -> bool, context: impl Fn() -> String) {
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    while !cond() {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}\n{}", context());
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// The message of a log line of `till run` (`[   1.234] INFO  modes: ready` → `ready`): the part
/// after the level and the module, which docs/TESTING.md lists as a contract for the lines tests
/// wait on. `None` for a line that is not a log line.
pub fn log_message(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('[')?.split_once("] ")?.1;
    let (_level, rest) = rest.split_once(' ')?;
    Some(rest.trim_start().split_once(": ")?.1)
}

/// Whether a log line's message is exactly `message`.
pub fn says(line: &str, message: &str) -> bool {
    log_message(line) == Some(message)
}

/// Whether this process runs as root (effective uid 0): mounts and network namespaces need it,
/// and root ignores permission bits.
pub fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
}

/// Ends the calling test as skipped: it cannot run on this machine (not root, no namespaces…),
/// so it must not pass as if it had. `skip!("needs root")` returns from the test after
/// [`report_skip`] has said so; `scripts/test` counts the line as skipped, not passed.
#[macro_export]
macro_rules! skip {
    ($($why:tt)+) => {{
        fn here() {}
        let name = std::any::type_name_of_val(&here);
        let name = name.strip_suffix("::here").unwrap_or(name);
        $crate::common::report_skip(name.split_once("::").map_or(name, |(_, n)| n), &format!($($why)+));
        return;
    }};
}

/// Says that test `name` is skipped and why: one line `skipped: NAME: REASON` on the real
/// stderr (libtest captures `eprintln!` of a passing test, so it would never be seen), and the
/// same line appended to the file named by `TILL_SKIP_LOG` when set, where `scripts/test`
/// counts it. Panics if that file cannot be written: an uncounted skip would read as a pass.
pub fn report_skip(name: &str, reason: &str) {
    let line = format!("skipped: {name}: {reason}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    if let Some(path) = std::env::var_os("TILL_SKIP_LOG") {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .unwrap_or_else(|e| panic!("cannot record the skip in {}: {e}", Path::new(&path).display()));
    }
}

/// A port that was free a moment ago (the OS picks it; fixed so a server restarts on it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18787)
}

/// A register: its data directory and, while running, its `till run` process.
pub struct Node {
    /// Its name (also the register name).
    pub name: String,
    /// Its data directory.
    pub dir: PathBuf,
    child: Option<Child>,
    /// The thread copying its `till run`'s stderr into `log` (joined after a kill, so the log
    /// then holds every line the process wrote).
    reader: Option<std::thread::JoinHandle<()>>,
    log: Arc<Mutex<Vec<String>>>,
    env: Vec<(String, String)>,
    /// A command that runs `till` for it, e.g. `ip netns exec NS` (empty: run it directly).
    wrap: Vec<String>,
    /// Extra arguments of its `till run`.
    run_args: Vec<String>,
}

impl Node {
    /// A register with an empty data directory under `root`.
    pub fn new(root: &Path, name: &str) -> Node {
        Node {
            name: name.to_string(),
            dir: root.join(name),
            child: None,
            reader: None,
            log: Arc::new(Mutex::new(Vec::new())),
            env: vec![("TILL_SYNC_BACKOFF_MAX_MS".into(), "300".into())],
            wrap: Vec::new(),
            run_args: Vec::new(),
        }
    }

    /// Adds arguments to its `till run` (e.g. `--display png:DIR`).
    pub fn args(mut self, args: &[&str]) -> Node {
        self.run_args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Runs its `till` commands inside network namespace `ns`.
    pub fn in_netns(mut self, ns: &str) -> Node {
        self.wrap = vec!["ip".into(), "netns".into(), "exec".into(), ns.into()];
        self
    }

    /// A command running `till` (through the wrapper, if any) on its data directory.
    fn command(&self) -> Command {
        let mut cmd = match self.wrap.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).args(till_argv());
                c
            }
            None => till_command(),
        };
        cmd.arg("--data").arg(&self.dir).env_remove("TILL_DATA");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Sets an environment variable for its `till run`.
    pub fn env(mut self, k: &str, v: &str) -> Node {
        self.env.push((k.to_string(), v.to_string()));
        self
    }

    /// Runs a CLI command against its data directory.
    pub fn till(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap_or_else(|e| panic!("{}: till {args:?}: {e}", self.name))
    }

    /// Runs a CLI command that must succeed; its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.till(args);
        assert!(
            out.status.success(),
            "{}: till {args:?} failed ({:?}): {}\n{}",
            self.name,
            out.status.code(),
            String::from_utf8_lossy(&out.stderr),
            self.log_text()
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `till run` and waits until it says it is ready.
    pub fn start(&mut self) {
        let mark = self.spawn();
        self.wait_said_after(mark, "ready");
    }

    /// Starts `till run` without waiting for anything; the log mark before it started.
    pub fn spawn(&mut self) -> usize {
        assert!(self.child.is_none(), "{} already running", self.name);
        let mut cmd = self.command();
        cmd.arg("run").args(&self.run_args).stdout(Stdio::null()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{}: spawn: {e}", self.name));
        let stderr = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
        let log = self.log.clone();
        let mark = log.lock().map(|l| l.len()).unwrap_or(0);
        self.reader = Some(std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut l) = log.lock() {
                    l.push(line);
                }
            }
        }));
        self.child = Some(child);
        mark
    }

    /// Lines logged after line `mark`.
    pub fn log_after(&self, mark: usize) -> Vec<String> {
        self.log.lock().map(|l| l.iter().skip(mark).cloned().collect()).unwrap_or_default()
    }

    /// Everything its `till run` processes have logged.
    pub fn log_text(&self) -> String {
        self.log.lock().map(|l| format!("--- {} log ---\n{}", self.name, l.join("\n"))).unwrap_or_default()
    }

    /// Lines logged so far (a mark for [`Node::wait_log_after`]).
    pub fn log_len(&self) -> usize {
        self.log.lock().map(|l| l.len()).unwrap_or(0)
    }

    /// Waits for a log line containing `needle` after line `mark`.
    pub fn wait_log_after(&self, mark: usize, needle: &str) {
        wait_until(
            &format!("{}: log line {needle:?}", self.name),
            *DEADLINE,
            || self.log.lock().map(|l| l.iter().skip(mark).any(|x| x.contains(needle))).unwrap_or(false),
            || self.log_text(),
        );
    }

    /// Waits for a log line whose message is exactly `message` after line `mark`.
    pub fn wait_said_after(&self, mark: usize, message: &str) {
        wait_until(
            &format!("{}: log message {message:?}", self.name),
            *DEADLINE,
            || self.log.lock().map(|l| l.iter().skip(mark).any(|x| says(x, message))).unwrap_or(false),
            || self.log_text(),
        );
    }

    /// Runs a CLI command, then waits for a log line it should cause.
    pub fn ok_then_log(&self, args: &[&str], needle: &str) {
        let mark = self.log_len();
        self.ok(args);
        self.wait_log_after(mark, needle);
    }

    /// The process id of its `till run`.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or_else(|| panic!("{} not running", self.name))
    }

    /// `kill -9`: no chance to clean up.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }

    /// Waits until its `till run` ends by itself (bounded by the deadline); its exit code.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let mut c = self.child.take()?;
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = c.try_wait() {
                if let Some(r) = self.reader.take() {
                    let _ = r.join();
                }
                return status.code();
            }
            assert!(start.elapsed() < *DEADLINE, "{} did not exit by itself\n{}", self.name, self.log_text());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// SIGTERM, and the process must exit 0 after a clean stop.
    pub fn stop(&mut self) {
        let Some(mut c) = self.child.take() else { return };
        let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = c.try_wait() {
                assert_eq!(status.code(), Some(0), "{} did not stop cleanly\n{}", self.name, self.log_text());
                return;
            }
            assert!(start.elapsed() < *DEADLINE, "{} did not stop\n{}", self.name, self.log_text());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Opens its database read-only (beside the running process).
    pub fn db(&self) -> rusqlite::Connection {
        let c = rusqlite::Connection::open_with_flags(
            self.dir.join("till.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .unwrap_or_else(|e| panic!("{}: open db: {e}", self.name));
        let _ = c.busy_timeout(Duration::from_secs(10));
        c
    }

    /// One integer from a query on its database.
    pub fn query(&self, sql: &str) -> i64 {
        self.db().query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{}: {sql}: {e}", self.name))
    }

    /// Orders it holds.
    pub fn orders(&self) -> i64 {
        self.query("SELECT count(*) FROM orders")
    }

    /// The ids of the orders it holds, as `<origin hex>:<seq>`.
    pub fn order_ids(&self) -> BTreeSet<String> {
        let db = self.db();
        let mut st = db.prepare("SELECT hex(origin), seq FROM orders").unwrap_or_else(|e| panic!("{e}"));
        st.query_map([], |r| Ok(format!("{}:{}", r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|r| r.unwrap_or_default())
            .collect()
    }

    /// On-hand stock of a SKU.
    pub fn stock(&self, sku: &str) -> i64 {
        self.db()
            .query_row("SELECT on_hand FROM stock WHERE sku = ?1", [sku], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{}: stock {sku}: {e}", self.name))
    }

    /// The canonical dump of its shared state (equal on registers holding the same events).
    pub fn dump(&self) -> String {
        till::store::Store::open(&self.dir)
            .and_then(|s| s.canonical_dump())
            .unwrap_or_else(|e| panic!("{}: dump: {e}", self.name))
    }

    /// The address its server listens on.
    pub fn listening(&self) -> String {
        let v: serde_json::Value = serde_json::from_str(&self.ok(&["status", "--json"])).unwrap_or_default();
        v["listening"]
            .as_str()
            .unwrap_or_else(|| panic!("{} is not listening\n{}", self.name, self.log_text()))
            .to_string()
    }

    /// Network sockets its `till run` holds (TCP/UDP, not the Unix socketpairs of the runtime).
    pub fn network_sockets(&self) -> usize {
        network_sockets(self.pid())
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Network sockets a process holds: its socket inodes that its network namespace's TCP and UDP
/// tables list.
pub fn network_sockets(pid: u32) -> usize {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter_map(|l| {
                    let l = l.to_string_lossy().into_owned();
                    l.strip_prefix("socket:[").and_then(|r| r.strip_suffix(']')).map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut net = Vec::new();
    for table in ["tcp", "tcp6", "udp", "udp6"] {
        let text = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")).unwrap_or_default();
        net.extend(text.lines().skip(1).filter_map(|l| l.split_whitespace().nth(9).map(str::to_string)));
    }
    inodes.iter().filter(|i| net.contains(i)).count()
}

/// A strong secret for the tests' store.
pub const SECRET: &str = "corner-shop-4Kq9-zX2m-Wp7";

/// Sets a node up as a server on `port` (its name as register name).
pub fn set_up_server(s: &Node, port: u16) {
    s.ok(&[
        "setup",
        "set",
        "mode=server",
        &format!("name={}", s.name),
        "bind=127.0.0.1",
        &format!("port={port}"),
        &format!("secret={SECRET}"),
    ]);
}

/// Sets a node up as a server bound to `bind`:`port` with `secret` (its name as register name).
pub fn set_up_server_at(s: &Node, bind: &str, port: u16, secret: &str) {
    s.ok(&[
        "setup",
        "set",
        "mode=server",
        &format!("name={}", s.name),
        &format!("bind={bind}"),
        &format!("port={port}"),
        &format!("secret={secret}"),
    ]);
}

/// Sets a node up as a client with `server = "scan"` stored as is, as the flash config provisions
/// it (`setup set server=scan` scans once and stores the address it finds), so it scans again
/// whenever its server stops answering; it would serve on `bind`:`port`.
pub fn set_up_scanning_client(node: &Node, bind: &str, port: u16) {
    node.ok(&[
        "setup",
        "set",
        &format!("name={}", node.name),
        &format!("bind={bind}"),
        &format!("port={port}"),
        &format!("secret={SECRET}"),
    ]);
    let db = rusqlite::Connection::open(node.dir.join("till.db")).expect("test: open");
    db.execute_batch("INSERT OR REPLACE INTO device_kv(key, value) VALUES ('mode', 'client'), ('server', 'scan');")
        .expect("test: provision server=scan");
}

/// Sets a node up as a server at `bind`:`port`, starts it and waits until it listens.
pub fn start_server_at(s: &mut Node, bind: &str, port: u16, secret: &str) {
    set_up_server_at(s, bind, port, secret);
    let mark = s.log_len();
    s.start();
    s.wait_log_after(mark, "listening on");
}

/// Starts a node set up as a server and waits until it listens; its address.
pub fn start_server(s: &mut Node) -> String {
    let mark = s.log_len();
    s.start();
    s.wait_log_after(mark, "listening on");
    s.listening()
}

/// Sets a node up as a server on a fixed free port and starts it.
pub fn server(root: &Path, name: &str) -> (Node, String) {
    let mut s = Node::new(root, name);
    set_up_server(&s, free_port());
    let addr = start_server(&mut s);
    (s, addr)
}

/// Waits until every node holds `n` products (the server's catalogue reached the clients).
pub fn wait_products(nodes: &[&Node], n: i64) {
    for node in nodes {
        wait_until(
            &format!("{} to hold {n} products", node.name),
            *DEADLINE,
            || node.query("SELECT count(*) FROM products") == n,
            || node.log_text(),
        );
    }
}

/// Sets a node up as a client of `addr` and starts it.
pub fn client(root: &Path, name: &str, addr: &str) -> Node {
    let c = client_with(root, name, addr, &[]);
    c.wait_log_after(0, "syncing with");
    c
}

/// Sets a node up as a client of `addr` with `env` for its processes and starts it (without
/// waiting for it to sync).
pub fn client_with(root: &Path, name: &str, addr: &str, env: &[(&str, &str)]) -> Node {
    let mut c = Node::new(root, name);
    for (k, v) in env {
        c = c.env(k, v);
    }
    c.ok(&[
        "setup",
        "set",
        "mode=client",
        &format!("name={name}"),
        &format!("server={addr}"),
        &format!("secret={SECRET}"),
    ]);
    c.start();
    c
}

/// Waits until every node holds exactly `n` orders.
pub fn wait_orders(nodes: &[&Node], n: i64) {
    for node in nodes {
        wait_until(
            &format!("{} to hold {n} orders", node.name),
            *DEADLINE * 2,
            || node.orders() == n,
            || {
                format!(
                    "it holds {}\n{}",
                    node.orders(),
                    nodes.iter().map(|n| n.log_text()).collect::<Vec<_>>().join("\n")
                )
            },
        );
    }
}

/// A minimal HTTP/1.1 exchange over a fresh connection: (status, body).
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let _ = s.write_all(req.as_bytes());
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, raw.get(split + 4..).unwrap_or_default().to_vec())
}
