//! `till` as process 1 of the appliance: the initramfs's `/init` is this binary
//! (docs/ARCHITECTURE.md, "The appliance image").
//!
//! Boot: mount devtmpfs, proc and sysfs; load the kernel modules the image lists; mount BOOT
//! (vfat, read-only) and DATA (ext4) at /data; apply the flash config `till.toml`; bring up `lo`
//! and the Ethernet interface with DNS ([`network`]); start setting the clock by SNTP
//! ([`clock`]); then supervise. The register itself (`till run`) runs as a child
//! process of the same binary, restarted with backoff when it dies, so a crash in the register
//! never takes process 1 (and the kernel) down with it. Process 1 also reaps every orphan, pets
//! `/dev/watchdog`, and on SIGTERM, SIGPWR, SIGINT (Ctrl-Alt-Del), the power button or `poweroff`
//! typed on the serial console stops the register, syncs, unmounts and powers off.
//!
//! Process 1 never exits (the kernel would panic): a failure it cannot recover from is printed on
//! the console and it waits for the watchdog to reset the board. Nothing here knows about sales
//! beyond the demo hook, which rings through [`Register`] like the screen does.

pub mod clock;
pub mod flash;
pub mod grow;
pub mod network;
pub mod sntp;
pub mod trial;
pub mod watchdog;

use std::ffi::CString;
use std::fs::{self, File};
use std::io::{BufRead, Read};

use log::{error, info, warn};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::kmod::{ModuleInitFlags, finit_module};
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::reboot::{RebootMode, reboot, set_cad_enabled};
use nix::sys::signal::{SigSet, Signal, kill};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, getpid, sync};

use self::flash::{Addressing, BootPlan, DeviceSection, FlashConfig, Network};
use self::watchdog::{Liveness, Watchdog};
use crate::model::{Cents, Payment, Sku};
use crate::register::Register;

/// Where the DATA partition is mounted: the register's data directory.
pub const DATA_DIR: &str = "/data";
/// Where the BOOT partition is mounted.
const BOOT_DIR: &str = "/boot";
/// Kernel modules to load, one absolute `.ko` path a line, dependencies first (written by
/// scripts/build-image).
const MODULES_LIST: &str = "/etc/till/modules";
/// BOOT and DATA partitions, first pair whose devices exist: virtio (QEMU), SD card, USB.
const DISKS: [(&str, &str); 3] =
    [("/dev/vda1", "/dev/vda2"), ("/dev/mmcblk0p1", "/dev/mmcblk0p2"), ("/dev/sda1", "/dev/sda2")];
/// A register that ran this long before dying is restarted at once; quicker deaths back off.
const HEALTHY_RUN: Duration = Duration::from_secs(30);
/// The longest pause between two restarts of a register that keeps dying.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long a stopping register may take to checkpoint and exit.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// SKU the demo hook rings.
const DEMO_SKU: &str = "DEMO";
/// The demo item's barcode (a valid EAN-13: the QEMU test scans it on a register's screen).
pub const DEMO_BARCODE: &str = "4006381333931";

/// Runs process 1. Never returns.
pub fn run() -> ! {
    // The kernel gives process 1 the console as stdin, stdout and stderr: the log goes there.
    let level = crate::logger::level_from_env();
    crate::logger::init(*level.as_ref().unwrap_or(&log::LevelFilter::Info));
    if let Err(why) = level {
        // Process 1 cannot refuse to boot over a log level: say so and keep the default.
        warn!("{why}; logging at info");
    }
    info!("init {} starting", crate::VERSION);
    let boot_started = Instant::now();
    if let Err(e) = mount_kernel_filesystems() {
        halt(None, &format!("cannot mount the kernel file systems: {e}"));
    }
    load_modules();
    // Ctrl-Alt-Del becomes SIGINT to process 1 (a clean power-off) instead of an instant reboot.
    let _ = set_cad_enabled(false);
    let mut watchdog = Watchdog::open();
    let Some((boot_dev, data_dev)) = wait_for_disk(Duration::from_secs(10)) else {
        halt(watchdog, "no SD card found (looked for vda, mmcblk0 and sda with two partitions)");
    };
    let card = read_flash_config(boot_dev);
    // The boot loader's word on this boot: a slot on trial, or one it gave up on (trial.rs).
    let trial = trial::at_boot(Path::new(BOOT_DIR), crate::update::slots::BootArgs::read());
    if let Err(e) = mount_data(data_dev) {
        halt(watchdog, &format!("cannot mount the DATA partition {data_dev} on {DATA_DIR}: {e}"));
    }
    match grow::grow_data(data_dev, Path::new(DATA_DIR)) {
        Ok(Some(g)) => info!("DATA grown from {} MiB to {} MiB: it fills the card", g.from_mib, g.to_mib),
        Ok(None) => {}
        Err(e) => warn!("cannot grow DATA to fill the card: {e}; it keeps its size"),
    }
    let plan = match card {
        Some((text, Ok(plan))) => {
            match Register::open(Path::new(DATA_DIR))
                .map_err(|e| e.to_string())
                .and_then(|mut reg| flash::apply(&mut reg, &text, &plan).map_err(|e| e.to_string()))
            {
                Ok(flash::Applied::Saved) => match &plan.printer {
                    flash::PrinterPlan::Keep => info!("flash config applied to the register's setup"),
                    flash::PrinterPlan::Remove => info!("flash config applied to the register's setup; no printer"),
                    flash::PrinterPlan::Set(p) => info!("flash config applied to the register's setup; printer {p}"),
                },
                Ok(flash::Applied::Unchanged) => {
                    info!("flash config unchanged since it was applied; keeping the setup")
                }
                Err(e) => warn!("cannot apply the flash config: {e}; keeping the setup"),
            }
            Some(plan)
        }
        Some((_, Err(e))) => {
            warn!("{e}; keeping the register's setup, network by DHCP");
            None
        }
        None => None,
    };
    let network = plan
        .as_ref()
        .map(|p| p.network.clone())
        // No (readable) card file: DHCP on eth0, as image/till.toml documents for its absence.
        .unwrap_or(Network { interface: "eth0".into(), addressing: Addressing::Dhcp, dns: vec![], ntp: vec![] });
    network::bring_up(&network);
    let time = match (&network.ntp[..], &network.addressing) {
        ([], Addressing::Dhcp) => clock::Sources::Dhcp(clock::DHCP_NTP.into()),
        ([], Addressing::Static { .. }) => clock::Sources::Nothing,
        (servers, _) => clock::Sources::Card(servers.to_vec()),
    };
    // Kernel uptime too: QEMU's boot-to-ready figure includes the kernel's own boot.
    let uptime = fs::read_to_string("/proc/uptime").ok();
    let uptime = uptime.as_deref().and_then(|u| u.split_whitespace().next()).unwrap_or("?");
    info!("booted in {} ms (kernel uptime {uptime} s); starting the register", boot_started.elapsed().as_millis());
    // Set explicitly, whatever the driver's default: a card without [device] gets 30 s.
    let device = plan.as_ref().map(|p| p.device.clone()).unwrap_or_default();
    if let Some(w) = watchdog.as_mut() {
        w.set_timeout(device.watchdog_timeout);
    }
    let demo = plan.map(|p| p.demo).filter(|d| {
        if d.ring_orders > 0 && !device.debug_console {
            warn!("[demo] is ignored: the console's demo hooks are off unless till.toml sets debug_console = true under [device]");
        }
        device.debug_console
    });
    Supervisor::new(watchdog, demo, time, device, trial).run()
}

fn mount_kernel_filesystems() -> nix::Result<()> {
    for (src, dir, fstype) in [("devtmpfs", "/dev", "devtmpfs"), ("proc", "/proc", "proc"), ("sysfs", "/sys", "sysfs")]
    {
        let _ = fs::create_dir_all(dir);
        match mount(Some(src), dir, Some(fstype), MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC, None::<&str>) {
            Ok(()) | Err(Errno::EBUSY) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Loads every module of the list; one that fails is reported and skipped (a missing watchdog
/// or display driver must not stop the register from selling).
fn load_modules() {
    let Ok(list) = fs::read_to_string(MODULES_LIST) else {
        return;
    };
    let params = CString::default();
    let (mut loaded, mut failed) = (0, 0);
    for path in list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let result = File::open(path).map_err(|e| e.to_string()).and_then(|f| {
            match finit_module(f.as_fd(), &params, ModuleInitFlags::empty()) {
                Ok(()) | Err(Errno::EEXIST) => Ok(()),
                Err(e) => Err(e.to_string()),
            }
        });
        match result {
            Ok(()) => loaded += 1,
            Err(e) => {
                failed += 1;
                warn!("cannot load module {path}: {e}");
            }
        }
    }
    info!("{loaded} kernel modules loaded, {failed} failed");
}

fn wait_for_disk(timeout: Duration) -> Option<(&'static str, &'static str)> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(pair) = DISKS.iter().find(|(b, d)| Path::new(b).exists() && Path::new(d).exists()) {
            return Some(*pair);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Mounts BOOT read-only (it is only written while saving a config, so a power cut cannot
/// damage the FAT) and reads `till.toml`: its text and the plan, or nothing without a card file.
fn read_flash_config(dev: &str) -> Option<(String, Result<BootPlan, flash::FlashError>)> {
    let _ = fs::create_dir_all(BOOT_DIR);
    let flags = MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
    if let Err(e) = mount(Some(dev), BOOT_DIR, Some("vfat"), flags, None::<&str>) {
        warn!("cannot mount the BOOT partition {dev}: {e}; no flash config");
        return None;
    }
    let path = Path::new(BOOT_DIR).join("till.toml");
    match fs::read_to_string(&path) {
        Ok(text) => {
            let plan = FlashConfig::parse(&text).and_then(BootPlan::try_from);
            Some((text, plan))
        }
        Err(e) => {
            info!("no flash config ({}: {e})", path.display());
            None
        }
    }
}

fn mount_data(dev: &str) -> nix::Result<()> {
    let _ = fs::create_dir_all(DATA_DIR);
    mount(Some(dev), DATA_DIR, Some("ext4"), MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOATIME, None::<&str>)
}

/// Prints why the box cannot work and waits, reaping orphans, for the watchdog to reset it (or
/// for someone to power it off). Process 1 never exits.
fn halt(watchdog: Option<Watchdog>, msg: &str) -> ! {
    error!("FATAL: {msg}");
    error!("{}", if watchdog.is_some() { "waiting for the watchdog to reset the register" } else { "halted" });
    // Holding the watchdog open without petting it is what makes it fire.
    let _held = watchdog;
    loop {
        while let Ok(status) = waitpid(None::<Pid>, Some(WaitPidFlag::WNOHANG)) {
            if status == WaitStatus::StillAlive {
                break;
            }
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// The register process, restarted when it dies.
struct Supervisor {
    watchdog: Option<Watchdog>,
    demo: Option<flash::DemoSection>,
    time: clock::Sources,
    child: Option<(Pid, Instant)>,
    restart_at: Option<Instant>,
    backoff: Duration,
    stop_demo: Arc<AtomicBool>,
    /// Whether the register shows signs of life (the watchdog is petted only then).
    liveness: Liveness,
    /// The console's hooks (`ring N`, `hang`) are on.
    debug_console: bool,
    /// The register's pid for the console's `hang` (0: none runs).
    child_pid: Arc<AtomicI32>,
    /// The slot on trial this boot (an update's first boot).
    trial: Option<trial::Trial>,
}

impl Supervisor {
    fn new(
        watchdog: Option<Watchdog>,
        demo: Option<flash::DemoSection>,
        time: clock::Sources,
        device: DeviceSection,
        trial: Option<trial::Trial>,
    ) -> Supervisor {
        Supervisor {
            watchdog,
            demo,
            time,
            child: None,
            restart_at: Some(Instant::now()),
            backoff: Duration::from_secs(1),
            stop_demo: Arc::new(AtomicBool::new(false)),
            liveness: Liveness::new(Duration::from_secs(u64::from(device.watchdog_timeout))),
            debug_console: device.debug_console,
            child_pid: Arc::new(AtomicI32::new(0)),
            trial,
        }
    }

    fn run(mut self) -> ! {
        let mut mask = SigSet::empty();
        for s in [Signal::SIGCHLD, Signal::SIGTERM, Signal::SIGPWR, Signal::SIGINT, Signal::SIGHUP] {
            mask.add(s);
        }
        // Blocked before any thread starts so every thread inherits it and the signals queue on
        // the signalfd. std's Command clears the mask in children.
        if let Err(e) = mask.thread_block() {
            halt(self.watchdog, &format!("cannot block signals: {e}"));
        }
        let sfd = match SignalFd::with_flags(&mask, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC) {
            Ok(f) => f,
            Err(e) => halt(self.watchdog, &format!("cannot open a signalfd: {e}")),
        };
        let ring = spawn_console_reader(self.debug_console, self.child_pid.clone());
        // Started here, after the mask: a thread without it would take SIGTERM and SIGCHLD,
        // which process 1 drops when they are not blocked.
        clock::spawn(self.time.clone(), PathBuf::from(DATA_DIR));
        spawn_power_button_readers();
        if let Some(demo) = self.demo.clone() {
            spawn_demo(demo.ring_orders, Duration::from_millis(demo.interval_ms), ring, self.stop_demo.clone());
        }
        loop {
            if let Some(w) = self.watchdog.as_mut()
                && self.liveness.pet_allowed(self.child.map(|(_, started)| started))
            {
                w.pet();
            }
            match self.trial.as_mut().map(trial::Trial::verdict) {
                Some(trial::Verdict::Good) => self.trial = None,
                Some(trial::Verdict::Failed(why)) => {
                    let t = self.trial.take();
                    let (v, s) = t.map(|t| (t.version, t.slot)).unwrap_or_default();
                    error!("update: {v} in slot {s} failed its trial ({why}); restarting into the good slot");
                    self.shut_down("the update's trial failed", RebootMode::RB_AUTOBOOT);
                }
                Some(trial::Verdict::Pending) | None => {}
            }
            if self.restart_at.is_some_and(|t| Instant::now() >= t) {
                self.restart_at = None;
                self.start_register();
            }
            let mut fds = [PollFd::new(sfd.as_fd(), PollFlags::POLLIN)];
            let _ = poll(&mut fds, PollTimeout::from(500u16));
            while let Ok(Some(info)) = sfd.read_signal() {
                match Signal::try_from(info.ssi_signo as i32) {
                    Ok(Signal::SIGCHLD) | Ok(Signal::SIGHUP) => {}
                    Ok(sig) => self.shut_down(sig.as_str(), RebootMode::RB_POWER_OFF),
                    Err(_) => {}
                }
            }
            self.reap();
        }
    }

    fn start_register(&mut self) {
        // Its sign of life goes to /run, which the initramfs does not ship.
        if let Some(dir) = Path::new(watchdog::HEARTBEAT).parent()
            && let Err(e) = fs::create_dir_all(dir)
        {
            error!("cannot make {}: {e}; the register cannot show it is alive", dir.display());
        }
        let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/init"));
        let mut cmd = Command::new(exe);
        cmd.args(["--data", DATA_DIR, "run"]).env("TILL_DATA", DATA_DIR).env("TILL_HEARTBEAT", watchdog::HEARTBEAT);
        if let Some(t) = &self.trial {
            cmd.env("TILL_TRIAL_SLOT", t.slot.to_string());
        }
        let spawned = cmd.spawn();
        match spawned {
            Ok(child) => {
                let pid = Pid::from_raw(child.id() as i32);
                self.child = Some((pid, Instant::now()));
                self.child_pid.store(pid.as_raw(), Ordering::SeqCst);
            }
            Err(e) => {
                error!("cannot start the register: {e}; retrying in {} s", self.backoff.as_secs());
                self.schedule_restart();
            }
        }
    }

    fn schedule_restart(&mut self) {
        self.restart_at = Some(Instant::now() + self.backoff);
        self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
    }

    /// Reaps every exited process: the register (restarted) and any orphan.
    fn reap(&mut self) {
        let mut update_installed = false;
        loop {
            let (pid, how) = match waitpid(None::<Pid>, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(pid, crate::update::EXIT_RESTART_FOR_UPDATE))
                    if self.child.is_some_and(|(c, _)| c == pid) =>
                {
                    self.child = None;
                    update_installed = true;
                    continue;
                }
                Ok(WaitStatus::Exited(pid, code)) => (pid, format!("exited with code {code}")),
                Ok(WaitStatus::Signaled(pid, sig, _)) => (pid, format!("was killed by {}", sig.as_str())),
                Ok(WaitStatus::StillAlive) | Err(_) => break,
                Ok(_) => continue,
            };
            if let Some((child, started)) = self.child
                && child == pid
            {
                self.child = None;
                if started.elapsed() >= HEALTHY_RUN {
                    self.backoff = Duration::from_secs(1);
                }
                warn!("the register {how}; restarting it in {} s", self.backoff.as_secs());
                if let Some(t) = self.trial.as_mut() {
                    t.died();
                }
                self.schedule_restart();
            }
        }
        if update_installed {
            info!("the register installed an update; restarting the box into it");
            self.shut_down("update installed", RebootMode::RB_AUTOBOOT);
        }
    }

    /// Stops the register, syncs, unmounts and powers off (or restarts, `how`).
    fn shut_down(&mut self, why: &str, how: RebootMode) -> ! {
        info!("{why}: stopping the register");
        self.stop_demo.store(true, Ordering::SeqCst);
        self.restart_at = None;
        if let Some((pid, _)) = self.child {
            let _ = kill(pid, Signal::SIGTERM);
            let deadline = Instant::now() + STOP_GRACE;
            loop {
                match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
                    Ok(WaitStatus::StillAlive) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    Ok(WaitStatus::StillAlive) => {
                        warn!("the register did not stop in time; killing it");
                        let _ = kill(pid, Signal::SIGKILL);
                        let _ = waitpid(pid, None);
                        break;
                    }
                    _ => break,
                }
            }
        }
        // Everything else (udhcpc, a stuck helper): politely, then not.
        let _ = kill(Pid::from_raw(-1), Signal::SIGTERM);
        std::thread::sleep(Duration::from_millis(200));
        let _ = kill(Pid::from_raw(-1), Signal::SIGKILL);
        while let Ok(s) = waitpid(None::<Pid>, Some(WaitPidFlag::WNOHANG)) {
            if s == WaitStatus::StillAlive {
                break;
            }
        }
        sync();
        for dir in [DATA_DIR, BOOT_DIR] {
            if let Err(e) = umount2(dir, MntFlags::empty()) {
                // Still busy: at least make it read-only so the journal is clean.
                warn!("cannot unmount {dir}: {e}; remounting it read-only");
                let flags = MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY;
                let _ = mount(None::<&str>, dir, None::<&str>, flags, None::<&str>);
            }
        }
        sync();
        if let Some(w) = self.watchdog.take() {
            w.disarm();
        }
        info!("{}", if how == RebootMode::RB_POWER_OFF { "powering off" } else { "restarting" });
        let e = match reboot(how) {
            Ok(never) => match never {},
            Err(e) => e,
        };
        halt(None, &format!("power off failed: {e}"))
    }
}

/// Reads the serial console: `poweroff` powers off cleanly (like SIGTERM), `status` prints the
/// counts (the QEMU test waits on it for sync), `clock` the system clock in UTC, `resolve NAME`
/// what the resolver finds for a name (the QEMU test's DNS check). With `debug_console` only:
/// `ring N` rings N demo orders, `hang` stops the register (SIGSTOP) to prove the watchdog.
/// Returns the channel the demo ringer listens on.
fn spawn_console_reader(debug: bool, child: Arc<AtomicI32>) -> std::sync::mpsc::Receiver<u32> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["poweroff"] => {
                    let _ = kill(getpid(), Signal::SIGTERM);
                }
                ["ring", _] | ["hang"] if !debug => {
                    info!("{}: a test hook, off unless till.toml sets debug_console = true under [device]", words[0])
                }
                ["hang"] => match child.load(Ordering::SeqCst) {
                    0 => info!("hang: no register runs"),
                    pid => {
                        warn!("hang: stopping the register (SIGSTOP) to test the watchdog");
                        let _ = kill(Pid::from_raw(pid), Signal::SIGSTOP);
                    }
                },
                ["ring", n] => match n.parse::<u32>() {
                    Ok(n) => {
                        let _ = tx.send(n);
                    }
                    Err(_) => info!("usage: ring N"),
                },
                ["status"] => info!("{}", status_line()),
                ["update"] => info!("{}", trial::console_line(Path::new(BOOT_DIR))),
                ["clock"] => info!("clock {}", sntp::rfc3339(sntp::system_now())),
                ["resolve", name] => info!("{}", resolve_line(name)),
                [] => {}
                _ if debug => info!("console commands: poweroff, status, update, clock, resolve NAME, ring N, hang"),
                _ => info!("console commands: poweroff, status, update, clock, resolve NAME"),
            }
        }
    });
    rx
}

/// One line for the console: the addresses the resolver finds for `name`, or why none.
fn resolve_line(name: &str) -> String {
    use std::net::ToSocketAddrs;
    match (name, 0).to_socket_addrs() {
        Ok(addrs) => {
            let mut ips: Vec<String> = addrs.map(|a| a.ip().to_string()).collect();
            ips.dedup();
            format!("resolve {name} {}", ips.join(" "))
        }
        Err(e) => format!("resolve {name} failed: {e}"),
    }
}

/// One line for the console: orders held and events not yet synced.
fn status_line() -> String {
    match Register::open(Path::new(DATA_DIR)).map_err(|e| e.to_string()).and_then(|r| {
        let name = r.name().map_err(|e| e.to_string())?;
        r.store().reader().counts().map(|c| (name, c)).map_err(|e| e.to_string())
    }) {
        Ok((name, c)) => format!("status {name} orders={} pending={}", c.orders, c.pending_events),
        Err(e) => format!("status unavailable: {e}"),
    }
}

/// Watches input devices for the power button (KEY_POWER; QEMU's `system_powerdown` presses it
/// through gpio-keys on the virt board) and turns it into SIGPWR. The events are decoded by the
/// display crate's evdev code, which sizes them for this machine (16 bytes on 32-bit ARM).
fn spawn_power_button_readers() {
    use till_display::evdev::{EV_KEY_TYPE, EVENT_SIZE, KEY_POWER, RawEvent};
    let Ok(dir) = fs::read_dir("/dev/input") else { return };
    for entry in dir.flatten() {
        let path = entry.path();
        if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("event")) {
            continue;
        }
        std::thread::spawn(move || {
            let Ok(mut f) = File::open(&path) else { return };
            let mut ev = [0u8; EVENT_SIZE];
            while f.read_exact(&mut ev).is_ok() {
                if RawEvent::decode(&ev) == Some(RawEvent { kind: EV_KEY_TYPE, code: KEY_POWER, value: 1 }) {
                    // Signalling ourselves cannot fail for a valid signal.
                    let _ = kill(getpid(), Signal::SIGPWR);
                }
            }
        });
    }
}

/// The demo hook: rings `first` orders, then as many as asked on the console, printing a line per
/// committed order (the QEMU power-cut test checks every one of them survives).
fn spawn_demo(first: u32, interval: Duration, more: std::sync::mpsc::Receiver<u32>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let mut reg = match Register::open(Path::new(DATA_DIR)) {
            Ok(r) => r,
            Err(e) => {
                error!("demo: cannot open the register: {e}");
                return;
            }
        };
        let Ok(sku) = DEMO_SKU.parse::<Sku>() else { return };
        let mut todo = first;
        loop {
            // Added only when an order is asked for, so a register without demo stays empty. (A
            // product that cannot be read counts as missing: adding it then says why.)
            if todo > 0
                && reg.store().reader().product(DEMO_SKU).ok().flatten().is_none()
                && let Err(e) = reg.add_item(
                    crate::model::Item {
                        product: crate::model::Product {
                            sku: sku.clone(),
                            name: "Demo item".into(),
                            price_cents: Cents(250),
                            tax_profile: None,
                        },
                        category: None,
                        barcodes: vec![DEMO_BARCODE.into()],
                    },
                    None,
                )
            {
                error!("demo: cannot add the demo product: {e}");
            }
            while todo > 0 && !stop.load(Ordering::SeqCst) {
                match reg.create_order(&[(sku.clone(), 1)], Payment::Cash, None) {
                    Ok(o) => info!("order committed {}", o.number),
                    Err(e) => warn!("demo: order refused: {e}"),
                }
                todo -= 1;
                std::thread::sleep(interval);
            }
            match more.recv() {
                Ok(n) => todo = n,
                Err(_) => return,
            }
        }
    });
}
