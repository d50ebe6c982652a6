//! Updates over the store's LAN (issue 18, item 4) with real `till run` processes on loopback:
//! protocol versions negotiated in the hello (a register of the previous release and an updated
//! one sync both ways), a bundle staged on the server reaching a client that verifies it, writes
//! its boot folder's inactive slot and exits to be restarted, and what is never applied.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use till::model::RegisterId;
use till::sync::protocol::{Discover, HelloRequest};
use till::sync::{Binding, Envelope, PROTOCOL_MIN, PROTOCOL_VERSION, SealKey, StoreId, negotiate};

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("test: tempdir")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(name)
}

/// The hello of the fixture: what a register of the previous release (protocol 2) sends.
fn old_hello() -> (SealKey, HelloRequest, Envelope) {
    let key = SealKey::from_bytes([0x42; 32]);
    let hello = HelloRequest {
        register_name: "A".into(),
        client_time_ms: 1_796_000_000_000,
        pending: 3,
        store_known: true,
        register_key: [0x17; 32],
    };
    let plain = postcard::to_allocvec(&hello).expect("test: encode");
    let binding = Binding::Request { method: "POST", path: "/api/auth/hello" };
    let env =
        Envelope::seal(2, &key, StoreId([9; 16]), RegisterId([0xA1; 16]), [5; 24], 1_796_000_000_000, binding, &plain);
    (key, hello, env)
}

#[test]
fn an_old_registers_discover_and_hello_are_understood() {
    // A discover as a server of the previous release answers: one version, no range.
    let json = std::fs::read(fixture("discover-v2.json")).expect("test: fixture");
    let d: Discover = serde_json::from_slice(&json).expect("test: an old discover parses");
    assert_eq!(d.versions(), 2..=2);
    assert_eq!(negotiate(PROTOCOL_MIN..=PROTOCOL_VERSION, d.versions()), Some(2), "a new register talks to it in 2");
    // A hello sealed by a register of the previous release, byte for byte.
    let path = fixture("hello-v2.hex");
    let (key, hello, env) = old_hello();
    if std::env::var("TILL_WRITE_FIXTURES").is_ok_and(|v| v == "1") {
        std::fs::write(&path, format!("{}\n", till::model::hex(&env.to_bytes()))).expect("test: write fixture");
    }
    let text = std::fs::read_to_string(&path).expect("test: fixture");
    let text = text.trim();
    let bytes: Vec<u8> =
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("test: hex")).collect();
    let opened = Envelope::from_bytes(&bytes).expect("test: an old envelope parses");
    assert_eq!(opened.version, 2);
    let binding = Binding::Request { method: "POST", path: "/api/auth/hello" };
    let plain = opened.open(&key, binding).expect("test: an old envelope opens");
    assert_eq!(postcard::from_bytes::<HelloRequest>(&plain).expect("test: an old hello decodes"), hello);
    assert_eq!(bytes, env.to_bytes(), "sealing as version 2 writes what the previous release wrote");
}

/// A server with one product; `env` for its processes.
fn server_with(root: &Path, env: &[(&str, &str)]) -> (Node, String) {
    let mut s = Node::new(root, "S");
    for (k, v) in env {
        s = s.env(k, v);
    }
    set_up_server(&s, free_port());
    let addr = start_server(&mut s);
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "100"]);
    (s, addr)
}

#[test]
fn a_register_of_the_previous_protocol_and_an_updated_one_sync_both_ways() {
    let old = [("TILL_PROTOCOL_MAX", "2")];
    for (server_env, client_env) in [(&old[..], &[][..]), (&[][..], &old[..])] {
        let root = tempdir();
        let (mut s, addr) = server_with(root.path(), server_env);
        // What a register of the previous release checks: the server states 2.
        let (status, body) = http(&addr, "GET", "/api/discover", &[], b"");
        let d: serde_json::Value = serde_json::from_slice(&body).expect("test: discover json");
        assert_eq!((status, d["protocol_version"].as_u64()), (200, Some(2)), "{d}");
        let mut c = client_with(root.path(), "A", &addr, client_env);
        c.wait_log_after(0, "(protocol 2)");
        wait_products(&[&c], 1);
        c.ok(&["order", "create", "TEA"]);
        s.ok(&["order", "create", "TEA:2"]);
        wait_orders(&[&s, &c], 2);
        c.stop();
        s.stop();
    }
    // Both updated: the newest version.
    let root = tempdir();
    let (mut s, addr) = server_with(root.path(), &[]);
    let mut c = client_with(root.path(), "A", &addr, &[]);
    c.wait_log_after(0, &format!("(protocol {PROTOCOL_VERSION})"));
    c.stop();
    s.stop();
}

fn ps(p: &Path) -> &str {
    p.to_str().expect("test: path")
}

fn test_key() -> PathBuf {
    fixture("update-test-key.pem")
}

/// Packs a bundle (kernel and initrd of fixed bytes in `dir`) as `version` for `arch`.
fn pack(dir: &Path, version: &str, arch: &str, out: &str) -> PathBuf {
    let (kernel, initrd) = (dir.join("vmlinuz"), dir.join("initrd.img"));
    if !kernel.exists() {
        std::fs::write(&kernel, (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect::<Vec<_>>()).expect("test");
        std::fs::write(&initrd, (0..70_000u32).map(|i| (i * 13 % 253) as u8).collect::<Vec<_>>()).expect("test");
    }
    let out = dir.join(out);
    let o = till_command()
        .args(["update", "pack", "--version", version, "--arch", arch, "--key", ps(&test_key())])
        .args(["--kernel", ps(&kernel), "--initrd", ps(&initrd), "--out", ps(&out)])
        .output()
        .expect("test: pack");
    assert!(o.status.success(), "pack: {}", String::from_utf8_lossy(&o.stderr));
    out
}

fn this_arch() -> &'static str {
    till::update::bundle::this_arch()
}

/// The server's `till update status --json`.
fn status(s: &Node) -> serde_json::Value {
    serde_json::from_str(&s.ok(&["update", "status", "--json"])).expect("test: status json")
}

/// The state the server last heard from register `name`.
fn state_of(s: &Node, name: &str) -> Option<String> {
    let j = status(s);
    j["registers"].as_array()?.iter().find(|r| r["name"] == name).and_then(|r| r["state"].as_str()).map(String::from)
}

/// Files under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).expect("test").display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// A server and a client `A` writing updates into its own boot folder; the client's boot folder.
fn store_with_client(root: &Path, client_args: &[&str]) -> (Node, Node, PathBuf) {
    let (s, addr) = server_with(root, &[("TILL_BOOT_DIR", &slotted_boot(root, "boot-S"))]);
    let boot = root.join("boot-A");
    std::fs::create_dir_all(&boot).expect("test: boot");
    std::fs::write(boot.join("slots.txt"), "active=a\n").expect("test: a slotted boot folder");
    let mut c = Node::new(root, "A").args(&["--boot", s_owned(&boot).as_str()]).args(client_args);
    c.ok(&["setup", "set", "mode=client", "name=A", &format!("server={addr}"), &format!("secret={SECRET}")]);
    c.start();
    c.wait_log_after(0, &format!("(protocol {PROTOCOL_VERSION})"));
    (s, c, boot)
}

/// A boot folder as the image lays it out (slot a, `slots.txt`), for a register that may
/// update itself; its path.
fn slotted_boot(root: &Path, name: &str) -> String {
    let boot = root.join(name);
    std::fs::create_dir_all(boot.join("slot-a")).expect("test: boot");
    std::fs::write(boot.join("slots.txt"), format!("active=a\nversion_a={}\n", till::VERSION)).expect("test: slots");
    s_owned(&boot)
}

fn s_owned(p: &Path) -> String {
    ps(p).to_string()
}

#[test]
fn a_staged_bundle_reaches_a_client_which_writes_its_inactive_slot_and_exits_to_restart() {
    let root = tempdir();
    let (mut s, mut c, boot) = store_with_client(root.path(), &[]);
    wait_until(
        "the server to hear A's version",
        *DEADLINE,
        || state_of(&s, "A").as_deref() == Some("current"),
        || c.log_text(),
    );
    let bundle = pack(root.path(), "99.0.0", this_arch(), "new.tillupd");
    let t0 = std::time::Instant::now();
    let line = s.ok(&["update", "stage", ps(&bundle)]);
    assert!(line.starts_with(&format!("staged 99.0.0 for {}", this_arch())), "{line}");
    assert_eq!(c.wait_exit(), Some(22), "the client asks to be restarted\n{}", c.log_text());
    let took = t0.elapsed();
    println!("stage to applied: {} ms", took.as_millis());
    assert_eq!(
        std::fs::read(boot.join("slot-b/vmlinuz")).expect("test: slot b"),
        std::fs::read(root.path().join("vmlinuz")).expect("test: kernel"),
    );
    let slots = std::fs::read_to_string(boot.join("slots.txt")).expect("test: slots.txt");
    assert!(slots.contains("trying=b") && slots.contains("version_b=99.0.0"), "{slots}");
    assert!(c.log_text().contains("stopped cleanly"), "{}", c.log_text());
    let j = status(&s);
    let a = j["registers"].as_array().and_then(|r| r.iter().find(|r| r["name"] == "A")).expect("test: A listed");
    assert_eq!(a["state"], "applied, restarting", "{j}");
    assert_eq!(a["version"], till::VERSION, "it runs the old version until the restart: {j}");
    assert_eq!(a["arch"], this_arch());
    assert_eq!(a["waiting"], true, "{j}");
    // The server takes it last: not while a client of its architecture runs the old release.
    let mark = 0;
    s.wait_log_after(mark, "waiting: its clients take 99.0.0 first");
    assert!(!root.path().join("boot-S/slot-b").exists(), "the server did not update itself before its client");
    s.stop();
}

#[test]
fn a_server_without_clients_takes_its_staged_update_itself_and_exits_to_restart() {
    let root = tempdir();
    let boot = slotted_boot(root.path(), "boot-S");
    let (mut s, _) = server_with(root.path(), &[("TILL_BOOT_DIR", &boot)]);
    let bundle = pack(root.path(), "99.0.0", this_arch(), "new.tillupd");
    s.ok(&["update", "stage", ps(&bundle)]);
    assert_eq!(s.wait_exit(), Some(22), "the server asks to be restarted\n{}", s.log_text());
    let slots = std::fs::read_to_string(Path::new(&boot).join("slots.txt")).expect("test: slots.txt");
    assert!(slots.contains("trying=b") && slots.contains("version_b=99.0.0"), "{slots}");
    assert_eq!(
        std::fs::read(Path::new(&boot).join("slot-b/vmlinuz")).expect("test: slot b"),
        std::fs::read(root.path().join("vmlinuz")).expect("test: kernel"),
    );
}

#[test]
fn a_bad_another_architectures_or_an_older_bundle_is_never_applied() {
    let root = tempdir();
    let (mut s, mut c, boot) = store_with_client(root.path(), &[]);
    // Refused at staging: not signed by a trusted key (exit 21), nothing staged.
    let good = pack(root.path(), "99.0.0", this_arch(), "good.tillupd");
    let mut bad = std::fs::read(&good).expect("test");
    bad[20] ^= 1;
    let bad_path = root.path().join("bad.tillupd");
    std::fs::write(&bad_path, &bad).expect("test");
    let o = s.till(&["update", "stage", ps(&bad_path)]);
    assert_eq!(o.status.code(), Some(21), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(status(&s)["staged"], serde_json::json!([]));
    // Offered but not for this client: another architecture, an older version.
    let other = if this_arch() == "armv7" { "aarch64" } else { "armv7" };
    let mark = c.log_len();
    s.ok(&["update", "stage", ps(&pack(root.path(), "99.0.0", other, "other.tillupd"))]);
    c.wait_log_after(mark, &format!("99.0.0 for {other} is offered, not for this register"));
    s.ok(&["update", "stage", ps(&pack(root.path(), "0.0.1", this_arch(), "old.tillupd"))]);
    c.wait_log_after(mark, &format!("0.0.1 for {} is offered, not for this register", this_arch()));
    // Staging an older bundle than the one staged is refused (exit 3).
    let o = s.till(&["update", "stage", ps(&pack(root.path(), "0.0.0", this_arch(), "older.tillupd"))]);
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    // A staged file changed on the server's disk after staging, its description made to match:
    // the client downloads it, and its own check of the signature refuses it.
    let staged = s.dir.join("updates/staged").join(format!("{}.tillupd", this_arch()));
    let desc = s.dir.join("updates/staged").join(format!("{}.json", this_arch()));
    std::fs::write(&staged, &bad).expect("test: tamper");
    let sha = till::update::rollout::sha256_file(&staged).expect("test: sha");
    let offer = serde_json::json!({"version": "99.0.0", "arch": this_arch(), "bytes": bad.len(), "sha256": sha});
    std::fs::write(&desc, offer.to_string()).expect("test: description");
    wait_until(
        "A to refuse the tampered bundle",
        *DEADLINE,
        || state_of(&s, "A").is_some_and(|st| st.starts_with("failed: ")),
        || c.log_text(),
    );
    assert_eq!(files(&boot), vec!["slots.txt".to_string()], "nothing was written into the boot folder");
    c.stop();
    s.stop();
}

/// The current UTC minute of the day.
fn utc_minute() -> u64 {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("test: clock").as_millis();
    (ms / 60_000 % 1440) as u64
}

fn hhmm(minute: u64) -> String {
    format!("{:02}:{:02}", minute % 1440 / 60, minute % 60)
}

#[test]
fn a_client_waits_for_the_update_window_then_applies() {
    let root = tempdir();
    let (mut s, mut c, boot) = store_with_client(root.path(), &[]);
    // A window that ends a minute ago and starts in two hours: now is outside it.
    let now = utc_minute();
    let outside = format!("{}-{}", hhmm(now + 120), hhmm(now + 1439));
    s.ok(&["setting", "set", "update_window", &outside]);
    wait_until(
        "A to hold the window",
        *DEADLINE,
        || c.query("SELECT count(*) FROM settings WHERE key = 'update_window'") == 1,
        || c.log_text(),
    );
    s.ok(&["update", "stage", ps(&pack(root.path(), "99.0.0", this_arch(), "new.tillupd"))]);
    wait_until(
        "A to wait for the window",
        *DEADLINE,
        || state_of(&s, "A").is_some_and(|st| st.starts_with("waiting: outside the update window")),
        || c.log_text(),
    );
    assert_eq!(files(&boot), vec!["slots.txt".to_string()], "nothing written outside the window");
    // The store moves the window to now: the client applies.
    s.ok(&["setting", "set", "update_window", &format!("{}-{}", hhmm(now + 1439), hhmm(now + 120))]);
    assert_eq!(c.wait_exit(), Some(22), "{}", c.log_text());
    assert!(boot.join("slot-b/vmlinuz").exists());
    s.stop();
}

#[test]
fn a_client_with_an_open_cart_does_not_apply() {
    let root = tempdir();
    let script = root.path().join("script.txt");
    // The manager signs in and scans one item: the cart stays open.
    std::fs::write(&script, "wait pin-pad\ntype 1234\nkey enter\nwait sale\nscan 4006381333931\n").expect("test");
    let frames = root.path().join("frames");
    let (mut s, addr) = server_with(root.path(), &[]);
    let boot = root.path().join("boot-A");
    std::fs::create_dir_all(&boot).expect("test: boot");
    std::fs::write(boot.join("slots.txt"), "active=a\n").expect("test: a slotted boot folder");
    let mut c = Node::new(root.path(), "A").args(&[
        "--boot",
        &s_owned(&boot),
        "--display",
        &format!("png:{}", frames.display()),
        "--input",
        &format!("script:{}", script.display()),
    ]);
    c.ok(&["user", "add", "ann", "--role", "manager", "--pin", "1234"]);
    c.ok(&["product", "add", "MUG", "--name", "Mug", "--price", "3.50", "--barcode", "4006381333931"]);
    c.ok(&["setup", "set", "mode=client", "name=A", &format!("server={addr}"), &format!("secret={SECRET}")]);
    c.start();
    c.wait_said_after(0, "script done");
    c.wait_log_after(0, &format!("(protocol {PROTOCOL_VERSION})"));
    s.ok(&["update", "stage", ps(&pack(root.path(), "99.0.0", this_arch(), "new.tillupd"))]);
    wait_until(
        "A to wait for its cart",
        *DEADLINE,
        || state_of(&s, "A").as_deref() == Some("waiting: a cart is open"),
        || c.log_text(),
    );
    assert_eq!(files(&boot), vec!["slots.txt".to_string()], "nothing written while a cart is open");
    let line = s.ok(&["update", "status"]);
    assert!(line.contains("A: ") && line.contains("waiting: a cart is open, waits for the staged update"), "{line}");
    // The server's status screen names the register that waits.
    let reg = till::register::Register::open(&s.dir).expect("test: open the server's register");
    let ui = till::ui::Ui::new(std::sync::Arc::new(std::sync::Mutex::new(reg)));
    assert_eq!(ui.state().status.updates_waiting, vec!["A".to_string()]);
    c.stop();
    s.stop();
}

/// docs/BENCHMARKS.md, "Updates over the store's LAN": a server and two clients, a bundle of
/// about the aarch64 image's size (37.4 MiB: 33 MB kernel, 6.3 MB initramfs); from the start of
/// `till update stage` to both clients having written their slot and exited 22. Run with
/// `cargo test --test lan_update -- --ignored --nocapture`.
#[test]
#[ignore = "a benchmark: docs/BENCHMARKS.md"]
fn bench_stage_to_every_client_applied() {
    let root = tempdir();
    let (kernel, initrd) = (root.path().join("vmlinuz"), root.path().join("initrd.img"));
    std::fs::write(
        &kernel,
        (0..32_956_352u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect::<Vec<_>>(),
    )
    .expect("test");
    std::fs::write(&initrd, (0..6_275_137u32).map(|i| (i.wrapping_mul(40_503) >> 8) as u8).collect::<Vec<_>>())
        .expect("test");
    let bundle = pack(root.path(), "99.0.0", this_arch(), "big.tillupd");
    let (mut s, addr) = server_with(root.path(), &[]);
    let mut clients: Vec<(Node, PathBuf)> = ["A", "B"]
        .iter()
        .map(|name| {
            let boot = root.path().join(format!("boot-{name}"));
            std::fs::create_dir_all(&boot).expect("test: boot");
            std::fs::write(boot.join("slots.txt"), "active=a\n").expect("test: a slotted boot folder");
            let mut c = Node::new(root.path(), name).args(&["--boot", &s_owned(&boot)]);
            let (n, sv, sc) = (format!("name={name}"), format!("server={addr}"), format!("secret={SECRET}"));
            c.ok(&["setup", "set", "mode=client", &n, &sv, &sc]);
            c.start();
            c.wait_log_after(0, &format!("(protocol {PROTOCOL_VERSION})"));
            (c, boot)
        })
        .collect();
    let t0 = std::time::Instant::now();
    s.ok(&["update", "stage", ps(&bundle)]);
    let staged = t0.elapsed();
    for (c, _) in &mut clients {
        assert_eq!(c.wait_exit(), Some(22), "{}", c.log_text());
    }
    let all = t0.elapsed();
    for (c, _) in &clients {
        for l in c.log_text().lines().filter(|l| l.contains("update")) {
            println!("{}: {l}", c.name);
        }
    }
    for (_, boot) in &clients {
        assert!(boot.join("slot-b/vmlinuz").exists());
    }
    println!(
        "bundle {} bytes: stage {} ms, stage to both clients applied and exited {} ms",
        std::fs::metadata(&bundle).expect("test").len(),
        staged.as_millis(),
        all.as_millis()
    );
    s.stop();
}

#[test]
fn a_client_whose_boot_folder_holds_no_slots_takes_no_update() {
    let root = tempdir();
    let (s, addr) = server_with(root.path(), &[]);
    let boot = root.path().join("not-a-boot");
    std::fs::create_dir_all(&boot).expect("test: folder");
    let mut c = Node::new(root.path(), "A").args(&["--boot", ps(&boot)]);
    c.ok(&["setup", "set", "mode=client", "name=A", &format!("server={addr}"), &format!("secret={SECRET}")]);
    c.start();
    let bundle = pack(root.path(), "99.0.0", this_arch(), "new.tillupd");
    s.ok(&["update", "stage", ps(&bundle)]);
    wait_until(
        "the server to hear that A cannot take it",
        *DEADLINE,
        || state_of(&s, "A").is_some_and(|st| st.contains("no boot slots")),
        || c.log_text(),
    );
    assert!(files(&boot).is_empty(), "nothing written: {:?}", files(&boot));
    c.stop();
}
