//! The network of the appliance: `lo` and the Ethernet interface through busybox (`ip`, and
//! `udhcpc` kept as a child to renew its lease), and DNS: `/etc/resolv.conf`, which musl's
//! resolver reads at every lookup, written atomically from the flash config's `[network] dns`
//! (which wins) or by the udhcpc script from the lease's `dns` and `domain`.

use std::fs;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use log::{info, warn};

use super::flash::{Addressing, Network};

/// busybox, for DHCP (`udhcpc`) and interface addresses (`ip`).
const BUSYBOX: &str = "/bin/busybox";
/// The script udhcpc calls with a lease.
const UDHCPC_SCRIPT: &str = "/etc/till/udhcpc.script";
/// The resolver's configuration.
pub const RESOLV_CONF: &str = "/etc/resolv.conf";
/// Set (to 1) in the udhcpc script's environment when the flash config names the DNS servers.
const KEEP_DNS_ENV: &str = "TILL_DNS_FROM_CARD";

/// `resolv.conf` naming the card's servers (musl asks at most the first three).
pub fn resolv_conf(dns: &[IpAddr]) -> String {
    let mut out = String::from("# till.toml [network] dns\n");
    for a in dns {
        out.push_str(&format!("nameserver {a}\n"));
    }
    out
}

/// Replaces `path` with `text` in one rename, so a lookup never reads half a file.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".new");
    let tmp = PathBuf::from(tmp);
    let mut f = fs::File::create(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    fs::rename(&tmp, path)
}

/// Runs busybox with arguments, before any other child exists (so waiting for it here cannot
/// race with the reaper).
fn busybox(args: &[&str]) -> Result<(), String> {
    let status = Command::new(BUSYBOX).args(args).env("PATH", "/bin").status().map_err(|e| e.to_string())?;
    if status.success() { Ok(()) } else { Err(format!("busybox {} failed: {status}", args.join(" "))) }
}

/// Brings up `lo` and the Ethernet interface. Failures are printed, never fatal: the register
/// sells offline and syncs when the network comes.
pub fn bring_up(net: &Network) {
    if !Path::new(BUSYBOX).exists() {
        warn!("no busybox in the image: no network");
        return;
    }
    if let Err(e) = busybox(&["ip", "link", "set", "lo", "up"]) {
        warn!("{e}");
    }
    let sys = PathBuf::from("/sys/class/net").join(&net.interface);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !sys.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    if !sys.exists() {
        warn!("no network interface {}: running offline", net.interface);
        return;
    }
    if !net.dns.is_empty() {
        match write_atomically(Path::new(RESOLV_CONF), &resolv_conf(&net.dns)) {
            Ok(()) => {
                info!("DNS from till.toml: {}", net.dns.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "))
            }
            Err(e) => warn!("cannot write {RESOLV_CONF}: {e}"),
        }
    }
    let iface = net.interface.as_str();
    let result = busybox(&["ip", "link", "set", iface, "up"]).and_then(|()| match &net.addressing {
        Addressing::Static { address, prefix, gateway } => {
            busybox(&["ip", "addr", "add", &format!("{address}/{prefix}"), "dev", iface])?;
            if let Some(g) = gateway {
                busybox(&["ip", "route", "add", "default", "via", &g.to_string()])?;
            }
            info!("{iface}: {address}/{prefix}");
            Ok(())
        }
        Addressing::Dhcp => {
            // udhcpc stays in the foreground as our child to renew the lease; its script sets the
            // address. The register starts meanwhile: it binds 0.0.0.0 and its client retries.
            // -O ntpsrv: ask for option 42 (the script hands it to the SNTP thread). The card's
            // DNS servers win over the lease's: the script leaves resolv.conf alone then.
            Command::new(BUSYBOX)
                .args(["udhcpc", "-i", iface, "-f", "-s", UDHCPC_SCRIPT, "-t", "5", "-T", "1", "-A", "5"])
                .args(["-O", "ntpsrv"])
                .env("PATH", "/bin")
                .env(KEEP_DNS_ENV, if net.dns.is_empty() { "" } else { "1" })
                .spawn()
                .map(|_| info!("{iface}: asking for an address by DHCP"))
                .map_err(|e| format!("cannot start udhcpc: {e}"))
        }
    });
    if let Err(e) = result {
        warn!("{iface}: {e}; running offline");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cards_dns_servers_replace_resolv_conf_in_one_rename() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("resolv.conf");
        fs::write(&path, "nameserver 10.0.2.3\n").unwrap_or_else(|e| panic!("{e}"));
        let dns: Vec<IpAddr> = ["10.0.0.1", "fd00::53"].iter().filter_map(|a| a.parse().ok()).collect();
        write_atomically(&path, &resolv_conf(&dns)).unwrap_or_else(|e| panic!("{e}"));
        let text = fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(text, "# till.toml [network] dns\nnameserver 10.0.0.1\nnameserver fd00::53\n");
        let names: Vec<_> =
            fs::read_dir(dir.path()).map(|d| d.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    }
}
