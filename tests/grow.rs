//! DATA fills the card (issue 18, item 5; `init/grow.rs`) on a real block device: a card image
//! laid out as `scripts/build-image` lays it out (BOOT and a 64 MiB DATA) on a 256 MiB loop
//! device, DATA mounted, then grown online by process 1's own code: the MBR entry, the kernel's
//! view of the partition and the ext4 file system, with a file on it kept. Root only (loop
//! devices, mounting); skipped otherwise. The QEMU test boots a grown card and cuts the power
//! during the grow.

mod common;

use std::path::Path;
use std::process::Command;

fn run(program: &str, args: &[&str], stdin: Option<&str>) -> Result<String, String> {
    use std::io::Write;
    let mut c = Command::new(program);
    c.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("{program}: {e}"))?;
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        input.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The loop device and its mount, undone when dropped.
struct Card {
    dev: String,
    mnt: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Card {
    fn drop(&mut self) {
        let _ = run("umount", &[self.mnt.to_str().unwrap_or("")], None);
        let _ = run("losetup", &["-d", &self.dev], None);
    }
}

fn card() -> Result<Card, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let img = dir.path().join("card.img");
    std::fs::File::create(&img).and_then(|f| f.set_len(256 << 20)).map_err(|e| e.to_string())?;
    let img_s = img.to_str().ok_or("path")?;
    let layout = "label: dos\nstart=2048, size=131072, type=c\nstart=133120, size=131072, type=83\n";
    run("sfdisk", &["-q", img_s], Some(layout))?;
    let dev = run("losetup", &["--find", "--show", "--partscan", img_s], None)?;
    let mnt = dir.path().join("data");
    let card = Card { dev, mnt, _dir: dir };
    let p2 = format!("{}p2", card.dev);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !Path::new(&p2).exists() {
        if std::time::Instant::now() > deadline {
            return Err(format!("{p2} did not appear"));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    run("mkfs.ext4", &["-q", "-F", &p2], None)?;
    std::fs::create_dir_all(&card.mnt).map_err(|e| e.to_string())?;
    run("mount", &[&p2, card.mnt.to_str().ok_or("path")?], None)?;
    Ok(card)
}

fn sectors(name: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/sys/class/block/{name}/size")).expect("test: sysfs size");
    text.trim().parse().expect("test: a number")
}

#[test]
fn a_mounted_data_partition_grows_to_the_end_of_the_card_once_and_keeps_its_files() {
    if !nix_root() {
        skip!("loop devices and mounting need root; CI runs this as root");
    }
    let card = match card() {
        Ok(c) => c,
        Err(why) => skip!("no loop device with partitions here: {why}"),
    };
    std::fs::write(card.mnt.join("till.db"), b"an order").expect("test: a file on DATA");
    let p2 = format!("{}p2", card.dev);
    let grown = till::init::grow::grow_data(&p2, &card.mnt).expect("test: grow");
    // 256 MiB card, DATA from 65 MiB: 191 MiB, all of it.
    let g = grown.expect("test: it grew");
    assert_eq!(g.to_mib, 191, "{g:?}");
    assert!(g.from_mib <= 64, "{g:?}");
    let name = p2.trim_start_matches("/dev/");
    assert_eq!(sectors(name), 191 * 2048, "the kernel sees the new partition");
    let table = run("sfdisk", &["-d", &card.dev], None).expect("test: sfdisk -d");
    assert!(table.contains("start=      133120, size=      391168, type=83"), "the MBR says so: {table}");
    let df = run("df", &["-k", card.mnt.to_str().expect("test: path")], None).expect("test: df");
    let total_kib: u64 =
        df.lines().nth(1).and_then(|l| l.split_whitespace().nth(1)).and_then(|t| t.parse().ok()).expect("test: df");
    assert!(total_kib > 170 * 1024, "the file system fills it: {df}");
    assert_eq!(std::fs::read(card.mnt.join("till.db")).expect("test: read"), b"an order", "its files kept");
    assert_eq!(till::init::grow::grow_data(&p2, &card.mnt).expect("test: again"), None, "once is enough");
}

fn nix_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}
