//! `till update` with the real binary (issue 18, item 2): a bundle packed with the test key
//! verifies; a changed byte anywhere, a cut or lengthened file and another key's signature are
//! refused (exit 21); `apply` writes the inactive slot only for a newer bundle of this
//! architecture (exit 3 otherwise, nothing written) and marks it to be tried.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

fn till_update(args: &[&str]) -> Output {
    let mut c = till_command();
    c.arg("update").args(args);
    c.output().expect("test: run till")
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("test: path")
}

/// Packs a bundle of two files with `key` (PEM) as `version` for `arch`.
fn pack(dir: &Path, key: &Path, version: &str, arch: &str, out: &str) -> std::path::PathBuf {
    let (kernel, initrd) = (dir.join("vmlinuz"), dir.join("initrd.img"));
    if !kernel.exists() {
        std::fs::write(&kernel, (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect::<Vec<_>>()).expect("test");
        std::fs::write(&initrd, (0..70_000u32).map(|i| (i * 13 % 253) as u8).collect::<Vec<_>>()).expect("test");
    }
    let out = dir.join(out);
    let o = till_update(&[
        "pack",
        "--version",
        version,
        "--arch",
        arch,
        "--key",
        s(key),
        "--kernel",
        s(&kernel),
        "--initrd",
        s(&initrd),
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "pack: {}", String::from_utf8_lossy(&o.stderr));
    out
}

fn test_key() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/update-test-key.pem")
}

fn this_arch() -> &'static str {
    till::update::bundle::this_arch()
}

#[test]
fn a_bundle_verifies_only_as_signed_and_whole() {
    let dir = tempfile::tempdir().expect("test");
    let b = pack(dir.path(), &test_key(), "9.8.7", "aarch64", "ok.tillupd");
    let o = till_update(&["verify", s(&b), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("test: json");
    assert_eq!((j["version"].as_str(), j["arch"].as_str()), (Some("9.8.7"), Some("aarch64")));
    assert_eq!(j["files"].as_array().map(Vec::len), Some(2));
    assert_eq!(j["release_key"].as_bool(), Some(false), "signed by the test key");
    let good = std::fs::read(&b).expect("test");
    let refused = |name: &str, bytes: &[u8], needle: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("test");
        let o = till_update(&["verify", s(&p)]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), Some(21), "{name}: {err}");
        assert!(err.contains(needle), "{name}: {err:?} should say {needle:?}");
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: one line: {err}");
    };
    let mut manifest_byte = good.clone();
    manifest_byte[20] ^= 1;
    refused("manifest.tillupd", &manifest_byte, "not signed by the release key");
    let mut file_byte = good.clone();
    let last = file_byte.len() - 10;
    file_byte[last] ^= 1;
    refused("file.tillupd", &file_byte, "does not match its signed manifest");
    refused("cut.tillupd", &good[..good.len() - 1], "cut short");
    let mut longer = good.clone();
    longer.push(0);
    refused("longer.tillupd", &longer, "bytes after its last file");
    refused("other.tillupd", b"PK\x03\x04 a zip file", "not a Till update bundle");
    // Another key's signature: a key made here, in the PEM openssl writes.
    let rng = ring::rand::SystemRandom::new();
    let doc = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).expect("test: key");
    use base64::Engine;
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(doc.as_ref())
    );
    let other_key = dir.path().join("other.pem");
    std::fs::write(&other_key, pem).expect("test");
    let other = pack(dir.path(), &other_key, "9.8.7", "aarch64", "otherkey.tillupd");
    let o = till_update(&["verify", s(&other)]);
    assert_eq!(code(&o), Some(21), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn apply_writes_the_inactive_slot_only_for_a_newer_bundle_of_this_architecture() {
    let dir = tempfile::tempdir().expect("test");
    let boot = dir.path().join("boot");
    std::fs::create_dir_all(&boot).expect("test");
    let listing = |p: &Path| -> Vec<String> {
        let mut v: Vec<String> = walk(p);
        v.sort();
        v
    };
    let before = listing(&boot);
    let other_arch = if this_arch() == "armv7" { "aarch64" } else { "armv7" };
    for (version, arch, needle) in
        [("99.0.0", other_arch, "the bundle is for"), ("0.0.1", this_arch(), "not newer than this register's")]
    {
        let b = pack(dir.path(), &test_key(), version, arch, &format!("{version}-{arch}.tillupd"));
        let o = till_update(&["apply", s(&b), "--boot", s(&boot)]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), Some(3), "{err}");
        assert!(err.contains(needle) && err.contains("nothing was written"), "{err}");
        assert_eq!(listing(&boot), before, "nothing written for {version} {arch}");
    }
    // A damaged bundle writes nothing either.
    let b = pack(dir.path(), &test_key(), "99.0.0", this_arch(), "new.tillupd");
    let mut bad = std::fs::read(&b).expect("test");
    let n = bad.len() - 5;
    bad[n] ^= 1;
    let bad_path = dir.path().join("bad.tillupd");
    std::fs::write(&bad_path, bad).expect("test");
    assert_eq!(code(&till_update(&["apply", s(&bad_path), "--boot", s(&boot)])), Some(21));
    assert!(listing(&boot).iter().all(|f| !f.contains("vmlinuz") && !f.contains("slots")), "{:?}", listing(&boot));
    // A newer one: slot b (a is active), marked to be tried.
    let o = till_update(&["apply", s(&b), "--boot", s(&boot)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(boot.join("slot-b/vmlinuz")).ok(), std::fs::read(dir.path().join("vmlinuz")).ok());
    assert_eq!(std::fs::read(boot.join("slot-b/initrd.img")).ok(), std::fs::read(dir.path().join("initrd.img")).ok());
    let state = std::fs::read_to_string(boot.join("slots.txt")).expect("test: slots.txt");
    assert_eq!(state, "active=a\ntrying=b\nversion_b=99.0.0\n");
    assert!(!listing(&boot).iter().any(|f| f.ends_with(".new")), "no temporary file left");
    // Going back needs saying so.
    let old = pack(dir.path(), &test_key(), "0.0.1", this_arch(), "old.tillupd");
    let o = till_update(&["apply", s(&old), "--boot", s(&boot), "--allow-downgrade"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn walk(p: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(walk(&path));
        }
        out.push(path.display().to_string());
    }
    out
}
