//! `till backup --stick` and the nightly backup of `till run` against a real file system on a
//! loop device (root only; skipped otherwise, and the FAT case where the kernel has no vfat):
//! the stick is found by its label, mounted, written, synced and unmounted, also when it is
//! full; the file on it restores; this register's newest 7 stay; other files are left alone.
//! `till` sees only the test's loop device: TILL_STICK_SYSFS points at a folder holding just it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const SECRET: &str = "stick-test-secret-Quartz-Lantern-42";

/// A 16 MiB disk image with a file system labelled `label`, on a loop device; detached (and the
/// image removed) when dropped.
struct Stick {
    /// `loopN`.
    name: String,
    /// The image and the test's folders (sysfs stand-in, mount point).
    root: tempfile::TempDir,
}

fn run(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program).args(args).output().map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Stick {
    /// Makes and attaches it, or says why it cannot be done on this machine.
    fn attach(fstype: &str, label: &str) -> Result<Stick, String> {
        let kernel = std::fs::read_to_string("/proc/filesystems").unwrap_or_default();
        if !kernel.lines().any(|l| l.split_whitespace().last() == Some(fstype)) {
            return Err(format!("this kernel has no {fstype} file system"));
        }
        let root = tempfile::tempdir().map_err(|e| e.to_string())?;
        let img = root.path().join("stick.img");
        std::fs::File::create(&img).and_then(|f| f.set_len(16 << 20)).map_err(|e| e.to_string())?;
        let img_s = img.to_str().ok_or("path")?;
        match fstype {
            "vfat" => run("mkfs.vfat", &["-n", label, img_s])?,
            _ => run("mkfs.ext4", &["-q", "-F", "-L", label, img_s])?,
        };
        let dev = run("losetup", &["--find", "--show", img_s])?;
        let name = dev.trim_start_matches("/dev/").to_string();
        let stick = Stick { name, root };
        // The sysfs stand-in: only this device, with its real size.
        let size =
            std::fs::read_to_string(format!("/sys/class/block/{}/size", stick.name)).map_err(|e| e.to_string())?;
        let entry = stick.sys().join(&stick.name);
        std::fs::create_dir_all(&entry)
            .and_then(|()| std::fs::write(entry.join("size"), size))
            .map_err(|e| e.to_string())?;
        Ok(stick)
    }

    fn dev(&self) -> String {
        format!("/dev/{}", self.name)
    }

    fn sys(&self) -> PathBuf {
        self.root.path().join("sys")
    }

    /// Where `till` mounts it.
    fn mount_at(&self) -> PathBuf {
        self.root.path().join("till-stick")
    }

    /// A register whose `till` commands see this stick.
    fn node(&self, root: &Path, name: &str) -> Node {
        let n = Node::new(root, name)
            .env("TILL_STICK_SYSFS", self.sys().to_str().expect("test: path"))
            .env("TILL_STICK_DEV", "/dev")
            .env("TILL_STICK_MOUNT", self.mount_at().to_str().expect("test: path"));
        n.ok(&["setup", "set", &format!("name={name}"), &format!("secret={SECRET}")]);
        n.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "1000"]);
        n
    }

    /// Whether anything of this test is mounted (its mount point, or the device anywhere).
    fn mounted(&self) -> bool {
        let info = std::fs::read_to_string("/proc/self/mountinfo").expect("test: mountinfo");
        let at = self.mount_at().canonicalize().unwrap_or_else(|_| self.mount_at());
        let dev = self.dev();
        info.lines().any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.get(4) == Some(&at.to_str().unwrap_or("")) || l.contains(&format!(" {dev} "))
        })
    }

    /// Mounts it elsewhere, runs `f` on its top folder, unmounts it.
    fn with_files<T>(&self, f: impl FnOnce(&Path) -> T) -> T {
        let look = self.root.path().join("look");
        std::fs::create_dir_all(&look).expect("test: mkdir");
        run("mount", &[&self.dev(), look.to_str().expect("test: path")]).expect("test: mount the stick to look");
        let out = f(&look);
        run("umount", &[look.to_str().expect("test: path")]).expect("test: umount");
        out
    }

    /// The files on it, sorted.
    fn files(&self) -> Vec<String> {
        self.with_files(|d| {
            let mut v: Vec<String> = std::fs::read_dir(d)
                .expect("test: read the stick")
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n != "lost+found")
                .collect();
            v.sort();
            v
        })
    }
}

impl Drop for Stick {
    fn drop(&mut self) {
        let _ = run("umount", &[self.mount_at().to_str().unwrap_or("")]);
        let _ = run("losetup", &["-d", &self.dev()]);
    }
}

/// Attaches a stick, or skips the calling test with the reason.
macro_rules! stick_or_skip {
    ($fstype:expr, $label:expr) => {{
        if !is_root() {
            skip!("mounting a loop device needs root; CI runs this as root");
        }
        match Stick::attach($fstype, $label) {
            Ok(s) => s,
            Err(why) => skip!("no {} stick on a loop device here: {why}", $fstype),
        }
    }};
}

/// Sets the register's clock `days` ahead (the learned offset), so each backup has its own name.
fn days_ahead(n: &Node, days: i64) {
    rusqlite::Connection::open(n.dir.join("till.db"))
        .expect("test: open the database")
        .execute(
            "INSERT INTO device_kv (key, value) VALUES ('clock_offset_ms', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [(days * 86_400_000).to_string()],
        )
        .expect("test: set the clock offset");
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).expect("test: json")
}

/// The round trip on one file system: no stick, then a backup that restores, then the newest
/// seven kept and other files left alone.
fn round_trip(stick: &Stick) {
    let root = tempfile::tempdir().expect("test: tempdir");
    let r = stick.node(root.path(), "R");
    for _ in 0..3 {
        r.ok(&["order", "create", "TEA"]);
    }

    // No stick among the devices: exit 19, in words.
    let empty = root.path().join("no-devices");
    std::fs::create_dir_all(&empty).expect("test: mkdir");
    let out = Node::new(root.path(), "R")
        .env("TILL_STICK_SYSFS", empty.to_str().expect("test: path"))
        .env("TILL_STICK_MOUNT", stick.mount_at().to_str().expect("test: path"))
        .till(&["backup", "--stick"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(19), "{err}");
    assert!(err.contains("No USB stick labelled TILL-BACKUP is plugged in"), "{err}");
    assert!(!stick.mounted(), "nothing mounted");

    // Files of others on the stick stay.
    stick.with_files(|d| {
        std::fs::write(d.join("notes.txt"), b"keep me").expect("test: write");
        std::fs::write(d.join("till-R-2-20200101T000000Z.tillbak"), b"another register's").expect("test: write");
        // Left by a backup of R cut short (a power cut while writing): swept by the next one.
        std::fs::write(d.join(".till-R-20200101T000000Z.tillbak.tmp-99999-0a0b0c0d"), b"half").expect("test: write");
    });
    let made = json(&r.ok(&["backup", "--stick", "--json"]));
    assert!(!stick.mounted(), "the stick is unmounted after the backup");
    let file = made["file"].as_str().expect("test: file").to_string();
    assert!(file.starts_with("till-R-") && file.ends_with(".tillbak"), "{made}");
    assert_eq!(made["device"].as_str(), Some(stick.dev().as_str()));
    let copy = root.path().join("copy.tillbak");
    stick.with_files(|d| std::fs::copy(d.join(&file), &copy).expect("test: the backup is on the stick"));
    assert_eq!(std::fs::metadata(&copy).expect("test: size").len(), made["bytes"].as_u64().expect("test: bytes"));

    // It restores onto a fresh register, as the source was.
    let fresh = root.path().join("fresh");
    let out = till_command()
        .arg("--data")
        .arg(&fresh)
        .args(["restore", copy.to_str().expect("test: path"), "--secret", SECRET])
        .output()
        .expect("test: restore");
    assert!(out.status.success(), "restore: {}", String::from_utf8_lossy(&out.stderr));
    let restored = till::store::Store::open(&fresh).expect("test: open").canonical_dump().expect("test: dump");
    assert_eq!(restored, r.dump(), "the restored register holds what the source held");
    let status = r.ok(&["status"]);
    assert!(status.contains("last stick backup") && status.contains(&format!("(cli): ok, {file}")), "{status}");

    // Eight more days: the newest seven of R stay, the others' files too.
    let mut names = vec![file];
    for day in 1..=8 {
        days_ahead(&r, day);
        let m = json(&r.ok(&["backup", "--stick", "--json"]));
        names.push(m["file"].as_str().expect("test: file").to_string());
    }
    assert!(!stick.mounted());
    let mut want: Vec<String> = names[names.len() - 7..].to_vec();
    want.push("notes.txt".into());
    want.push("till-R-2-20200101T000000Z.tillbak".into());
    want.sort();
    assert_eq!(stick.files(), want);
}

#[test]
fn an_ext4_stick_labelled_in_lower_case_takes_a_backup_that_restores_and_keeps_seven() {
    let stick = stick_or_skip!("ext4", "till-backup");
    round_trip(&stick);
}

#[test]
fn a_fat_stick_takes_a_backup_that_restores_and_keeps_seven() {
    let stick = stick_or_skip!("vfat", "TILL-BACKUP");
    round_trip(&stick);
}

#[test]
fn a_full_stick_is_refused_in_words_and_left_unmounted() {
    let stick = stick_or_skip!("ext4", "TILL-BACKUP");
    let root = tempfile::tempdir().expect("test: tempdir");
    let r = stick.node(root.path(), "R");
    // Fill it to the last block.
    stick.with_files(|d| {
        use std::io::Write;
        let mut f = std::fs::File::create(d.join("filler")).expect("test: create");
        let block = vec![7u8; 64 << 10];
        for _ in 0..1024 {
            if f.write_all(&block).is_err() {
                break;
            }
        }
        let _ = f.sync_all();
    });
    let out = r.till(&["backup", "--stick"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(20), "{err}");
    assert!(err.contains("The stick is full"), "{err}");
    assert!(!stick.mounted(), "the stick is unmounted after a failure too");
    assert!(!stick.files().iter().any(|f| f.contains("tillbak")), "no half file is left: {:?}", stick.files());
    let status = r.ok(&["status"]);
    assert!(status.contains("(cli): FAILED: The stick is full"), "{status}");
}

#[test]
fn the_nightly_backup_runs_when_its_time_has_come_and_a_stick_is_in() {
    let stick = stick_or_skip!("ext4", "TILL-BACKUP");
    let root = tempfile::tempdir().expect("test: tempdir");
    let mut r = stick.node(root.path(), "R");
    r.ok(&["order", "create", "TEA"]);
    // 00:00: any time of the day is past it, so the first look makes the backup.
    r.ok(&["setup", "set", "backup_at=00:00"]);
    let mark = r.spawn();
    r.wait_log_after(mark, "nightly backup: till-R-");
    r.stop();
    assert!(!stick.mounted());
    let files = stick.files();
    assert_eq!(files.len(), 1, "{files:?}");
    let status = r.ok(&["status"]);
    assert!(status.contains(&format!("(nightly): ok, {}", files[0])), "{status}");
}

/// The label parser on what the real tools write (no mount, no root): FAT12, FAT16 and FAT32
/// from mkfs.vfat, a FAT32 stick renamed as a computer does it (only the root folder's entry;
/// the boot sector says NO NAME), and ext4 from mkfs.ext4.
#[test]
fn the_label_parser_reads_what_mkfs_writes() {
    use till::stick::{FsKind, probe};
    let dir = tempfile::tempdir().expect("test: tempdir");
    let image = |name: &str, mib: u64| {
        let p = dir.path().join(name);
        std::fs::File::create(&p).and_then(|f| f.set_len(mib << 20)).expect("test: image");
        p
    };
    let label = |p: &Path| probe(p).map(|x| (x.kind, x.label.unwrap_or_default()));
    for (bits, mib) in [("12", 2), ("16", 16), ("32", 40)] {
        let img = image(&format!("fat{bits}.img"), mib);
        if let Err(why) = run("mkfs.vfat", &["-F", bits, "-n", "TILL-BACKUP", img.to_str().expect("test: path")]) {
            skip!("no mkfs.vfat here (dosfstools): {why}");
        }
        assert_eq!(label(&img), Some((FsKind::Fat, "TILL-BACKUP".into())), "FAT{bits}");
        if bits == "32" {
            // Renamed on a computer: the boot sector keeps NO NAME, the root folder's entry changes.
            let mut bytes = std::fs::read(&img).expect("test: read");
            bytes[71..82].copy_from_slice(b"NO NAME    ");
            std::fs::write(&img, &bytes).expect("test: write");
            assert_eq!(label(&img), Some((FsKind::Fat, "TILL-BACKUP".into())), "root folder label");
        }
    }
    let img = image("ext4.img", 8);
    if let Err(why) = run("mkfs.ext4", &["-q", "-F", "-L", "till-backup", img.to_str().expect("test: path")]) {
        skip!("no mkfs.ext4 here (e2fsprogs): {why}");
    }
    assert_eq!(label(&img), Some((FsKind::Ext, "till-backup".into())));
    let img = image("blank.img", 1);
    assert_eq!(label(&img), None);
}

/// What the screen calls (`stick::back_up_data_dir_to_stick`, in process, on its own connection)
/// and a second backup while one holds the stick: refused in words, nothing mounted twice.
#[test]
fn the_screens_call_backs_up_and_a_second_backup_at_once_is_told_to_wait() {
    use till::stick::{StickPaths, Trigger, back_up_data_dir_to_stick};
    let stick = stick_or_skip!("ext4", "TILL-BACKUP");
    let root = tempfile::tempdir().expect("test: tempdir");
    let r = stick.node(root.path(), "R");
    r.ok(&["order", "create", "TEA"]);
    std::fs::create_dir_all(stick.mount_at()).expect("test: mkdir");
    let mut lock_path = stick.mount_at().into_os_string();
    lock_path.push(".lock");
    let held = std::fs::File::create(&lock_path).expect("test: lock file");
    held.try_lock().expect("test: hold the stick's lock");
    let out = r.till(&["backup", "--stick"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(20), "{err}");
    assert!(err.contains("already being made"), "{err}");
    assert!(!stick.mounted());
    drop(held);

    let paths = StickPaths { sys_block: stick.sys(), dev: PathBuf::from("/dev"), mount_at: stick.mount_at() };
    let made = back_up_data_dir_to_stick(&r.dir, &paths, Trigger::Screen).expect("test: the screen's backup");
    assert!(!stick.mounted());
    assert_eq!((made.device.to_str(), made.label.as_str(), made.kept), (Some(stick.dev().as_str()), "TILL-BACKUP", 1));
    let size =
        stick.with_files(|d| std::fs::metadata(d.join(&made.file)).map(|m| m.len()).expect("test: on the stick"));
    assert_eq!(size, made.bytes);
    let status = r.ok(&["status"]);
    assert!(status.contains(&format!("(screen): ok, {}", made.file)), "{status}");
}

/// Issue 18: an installer brings a release on a stick labelled TILL-UPDATE; the server register
/// stages its bundle (as `till update stage` does), reads the stick once and leaves it unmounted.
#[test]
fn a_server_stages_the_bundle_of_a_till_update_stick_put_in() {
    let stick = stick_or_skip!("ext4", "TILL-UPDATE");
    let root = tempfile::tempdir().expect("test: tempdir");
    let (kernel, initrd, bundle) =
        (root.path().join("vmlinuz"), root.path().join("initrd.img"), root.path().join("till-99.0.0.tillupd"));
    std::fs::write(&kernel, vec![7u8; 100_000]).expect("test: kernel");
    std::fs::write(&initrd, vec![9u8; 50_000]).expect("test: initrd");
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/update-test-key.pem");
    let p = |p: &Path| p.to_str().expect("test: path").to_string();
    let out = till_command()
        .args(["update", "pack", "--version", "99.0.0", "--arch", till::update::bundle::this_arch()])
        .args(["--key", &p(&key), "--kernel", &p(&kernel), "--initrd", &p(&initrd), "--out", &p(&bundle)])
        .output()
        .expect("test: pack");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stick.with_files(|d| std::fs::copy(&bundle, d.join("till-99.0.0.tillupd")).expect("test: copy onto the stick"));
    let mut s = stick.node(root.path(), "S");
    set_up_server(&s, free_port());
    let mark = s.spawn();
    s.wait_log_after(mark, "staged 99.0.0 for");
    let status: serde_json::Value = json(&s.ok(&["update", "status", "--json"]));
    assert_eq!(status["staged"][0]["version"], "99.0.0", "{status}");
    wait_until("the stick let go", *DEADLINE, || !stick.mounted(), || s.log_text());
    s.stop();
    assert_eq!(s.log_text().matches("staged 99.0.0 for").count(), 1, "read once while it stays in");
}
