//! An update's first boot as the register sees it (issue 18, item 3; docs/ARCHITECTURE.md,
//! "Updates"), with the real binary: started with `TILL_TRIAL_SLOT` (process 1 sets it when the
//! boot loader tries a slot), `till run` marks the slot good in BOOT's `slots.txt` once it is
//! ready; on a client only once it has also synced with its server. `TILL_BOOT_DIR` stands for
//! the appliance's `/boot`. The boot loader's side runs in QEMU (scripts/qemu-test, section 7).

mod common;

use std::path::Path;

use common::*;

fn boot_dir(root: &Path) -> std::path::PathBuf {
    let boot = root.join("boot");
    std::fs::create_dir_all(&boot).expect("test: boot dir");
    std::fs::write(boot.join("slots.txt"), "active=a\ntrying=b\nversion_a=0.1.0\nversion_b=9.9.9\n")
        .expect("test: slots.txt");
    std::fs::write(boot.join("tried.txt"), "tried=b\n\0").expect("test: tried.txt");
    boot
}

fn slots(boot: &Path) -> String {
    std::fs::read_to_string(boot.join("slots.txt")).unwrap_or_default()
}

fn status_update(node: &Node) -> serde_json::Value {
    let out = node.ok(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("test: status json");
    v["update"].clone()
}

#[test]
fn a_standalone_register_on_trial_marks_its_slot_good_once_ready() {
    let root = tempfile::tempdir().expect("test: temp dir");
    let boot = boot_dir(root.path());
    let b = boot.to_str().expect("test: path");
    let mut u = Node::new(root.path(), "U").env("TILL_BOOT_DIR", b).env("TILL_TRIAL_SLOT", "b");
    u.ok(&["setup", "set", "name=U"]);
    assert_eq!(status_update(&u), "9.9.9 is installed and starts at the next restart");
    u.start();
    wait_until(
        "slot b marked good",
        *DEADLINE,
        || slots(&boot) == "active=b\nversion_a=0.1.0\nversion_b=9.9.9\n",
        || format!("{}\n{}", slots(&boot), u.log_text()),
    );
    assert!(!boot.join("tried.txt").exists(), "the boot loader's mark is removed");
    assert_eq!(status_update(&u), serde_json::Value::Null, "nothing left to say");
    u.stop();
}

#[test]
fn a_client_on_trial_waits_for_its_first_sync() {
    let root = tempfile::tempdir().expect("test: temp dir");
    let boot = boot_dir(root.path());
    let b = boot.to_str().expect("test: path");
    let port = free_port();
    let mut s = Node::new(root.path(), "S");
    set_up_server(&s, port);
    let mut c = Node::new(root.path(), "C").env("TILL_BOOT_DIR", b).env("TILL_TRIAL_SLOT", "b");
    c.ok(&["setup", "set", "mode=client", "name=C", &format!("server=127.0.0.1:{port}"), &format!("secret={SECRET}")]);
    // The server is not running: the client is ready but cannot sync, so the slot stays on trial.
    let mark = c.spawn();
    c.wait_said_after(mark, "ready");
    c.wait_log_after(mark, "sync with");
    c.wait_log_after(mark, "is kept once this client has synced");
    assert!(slots(&boot).contains("trying=b"), "not marked before a sync: {}", slots(&boot));
    assert!(boot.join("tried.txt").exists());
    start_server(&mut s);
    wait_until(
        "slot b marked good after the first sync",
        *DEADLINE * 2,
        || slots(&boot).starts_with("active=b\n") && !slots(&boot).contains("trying"),
        || format!("{}\n{}", slots(&boot), c.log_text()),
    );
    assert!(c.log_text().contains("marked good"));
    c.stop();
    s.stop();
}
