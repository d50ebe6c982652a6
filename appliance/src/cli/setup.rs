//! `till setup|peers|test-connection`: how this register works with the others of the store.

use clap::Subcommand;
use serde::Serialize;

use super::exit::{ConnectionFailed, SetupRefused, config_err, connection_exit};
use super::table::Table;
use super::{Json, print_json, reg, scan};
use crate::register::{Register, RegisterError};
use crate::store::{format_ms, kv};

/// `till peers …` (on the server).
#[derive(Subcommand, Debug)]
pub enum PeersCmd {
    /// Shut a register out (a stolen or retired box): the server refuses it from now on, and
    /// new registers need `till peers enroll --open`. The store's secret stays as it is.
    Revoke {
        /// Its name or register id (or the start of the id)
        register: String,
    },
    /// Let new registers join (enroll) for a while, or stop them
    Enroll {
        /// Accept new registers for --minutes
        #[arg(long, required_unless_present = "close")]
        open: bool,
        /// How long enrollment stays open
        #[arg(long, default_value_t = 15)]
        minutes: u64,
        /// Accept no new registers until opened again
        #[arg(long, conflicts_with = "open")]
        close: bool,
    },
    /// Show a pairing code for a new register (8 digits, 10 minutes, 5 tries): type it there
    /// with `till setup pair`, instead of the long secret
    Pair {
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
}

/// `till setup …`
#[derive(Subcommand, Debug)]
pub enum SetupCmd {
    /// Show the setup (the secret only as set or not)
    Show(Json),
    /// Change the setup: mode=standalone|server|client name=NAME port=8787 bind=ADDR server=HOST:PORT|scan secret=SECRET metrics_token=TOKEN idle_lock=5m (a client given server=scan finds its server now; metrics_token= removes the token)
    Set {
        /// KEY=VALUE pairs (any subset)
        #[arg(required = true, value_name = "KEY=VALUE")]
        pairs: Vec<String>,
    },
    /// Join a store by the pairing code its server shows (`till peers pair` there): this register
    /// becomes that server's client, with the store's secret, without typing it
    Pair {
        /// The server: HOST:PORT
        #[arg(value_name = "HOST:PORT")]
        server: String,
        /// The 8-digit code the server shows
        code: String,
    },
    /// Make this client the store's server (its server died): one last pull from the old server
    /// (best effort, --wait seconds), then a new server term and server mode on the same port;
    /// a running `till run` switches to serving. Refused (exit 3) on a server or standalone
    Promote {
        /// The approving manager, once the store has one (PIN from TILL_MANAGER_PIN or stdin)
        #[arg(long)]
        manager: Option<String>,
        /// How long the last pull from the old server may take, in seconds
        #[arg(long, default_value_t = 5)]
        wait: u64,
    },
    /// Make a strong random secret, or show the one in use
    Secret {
        /// Print a new random secret (and with --apply, set it)
        #[arg(long, conflicts_with = "show")]
        generate: bool,
        /// Set the generated secret on this register
        #[arg(long, requires = "generate")]
        apply: bool,
        /// Print the secret in use, to type it on another register
        #[arg(long)]
        show: bool,
    },
}

pub(super) fn setup(r: &mut Register, c: SetupCmd) -> anyhow::Result<()> {
    use crate::config::{ConfigUpdate, Secret};
    // A value `setup set` replaces need not read: that is how a damaged one is repaired.
    let update = match &c {
        SetupCmd::Set { pairs } => ConfigUpdate::parse(pairs).map_err(config_err)?,
        _ => ConfigUpdate::default(),
    };
    let current = reg(r.store().setup_before(&update).map_err(Into::into))?;
    match c {
        SetupCmd::Show(json) => {
            let v = current.view();
            if json.json {
                return print_json(&v);
            }
            outln!("mode    {}", v.mode);
            outln!("name    {}", v.name);
            outln!("port    {}", v.port);
            outln!("bind    {}", v.bind);
            outln!("server  {}", v.server.unwrap_or_else(|| "-".into()));
            outln!("secret  {}", if v.secret_set { "set (till setup secret --show prints it)" } else { "not set" });
            outln!(
                "metrics {}",
                if v.metrics_token_set { "token set (needed to read /metrics)" } else { "this machine only" }
            );
            outln!(
                "standby {}",
                if v.standby {
                    format!("yes: serves the store after {} s without its server", v.standby_after_secs)
                } else {
                    "no".to_string()
                }
            );
            outln!("backup  nightly at {} UTC to a USB stick labelled TILL-BACKUP, when one is in", v.backup_at);
            outln!(
                "lock    {}",
                match v.idle_lock_secs {
                    0 => "never (the screen stays signed in)".to_string(),
                    s if s % 60 == 0 => format!("after {} min untouched", s / 60),
                    s => format!("after {s} s untouched"),
                }
            );
            Ok(())
        }
        SetupCmd::Set { .. } => {
            let scan_now = update.server() == Some(&crate::config::ServerAddr::Scan);
            let mut new = current.with(update).map_err(config_err)?;
            // A client told to scan picks its server now, while the admin is there to choose.
            if scan_now && new.mode == crate::config::Mode::Client {
                new.server = Some(scan::pick_server(r, &new)?);
            }
            reg(r.store_mut().write(|tx| tx.save_setup(&new)).map_err(Into::into))?;
            let v = new.view();
            outln!(
                "saved: mode {}, name {}, port {}, bind {}, server {}, secret {}",
                v.mode,
                v.name,
                v.port,
                v.bind,
                v.server.unwrap_or_else(|| "-".into()),
                if v.secret_set { "set" } else { "not set" }
            );
            if new.register_name != current.register_name {
                let others = reg(r
                    .store()
                    .reader()
                    .registers_named(&new.register_name, r.store().register_id())
                    .map_err(Into::into))?;
                if let Some(other) = others.first() {
                    eprintln!(
                        "till: warning: register {} of this store already goes by {}: order numbers would be ambiguous (a server refuses to enroll a second register under one name); choose another with `till setup set name=…`",
                        other.short(),
                        crate::model::quote(&new.register_name)
                    );
                }
            }
            Ok(())
        }
        SetupCmd::Pair { server, code } => {
            let addr = match server.parse::<crate::config::ServerAddr>().map_err(config_err)? {
                crate::config::ServerAddr::Scan => {
                    return Err(anyhow::Error::new(SetupRefused(
                        "give the server's HOST:PORT to pair with (scan cannot tell which server shows the code)"
                            .into(),
                    )));
                }
                a => a,
            };
            crate::net::pair::normalize(&code).map_err(|e| anyhow::Error::new(SetupRefused(e.to_string())))?;
            let me = r.store().register_id();
            let known = reg(r.store().get(kv::STORE_ID).map_err(Into::into))?;
            let grant = smol::block_on(crate::net::pair::request(&addr.to_string(), &code, me, &current.register_name))
                .map_err(|e| anyhow::Error::new(ConnectionFailed(e)))?;
            let secret = Secret::new_unchecked(&grant.secret).map_err(config_err)?;
            let store: crate::sync::StoreId =
                grant.store_id.parse().map_err(|e: String| anyhow::Error::new(SetupRefused(e)))?;
            // A register that already belongs to another store keeps it: its data is sealed there.
            if known.is_some_and(|k| k != store) {
                return Err(anyhow::Error::new(SetupRefused(format!(
                    "this register belongs to another store ({}) than {}'s; nothing was changed",
                    known.map(|k| k.to_string()).unwrap_or_default(),
                    grant.server_name
                ))));
            }
            let update = ConfigUpdate::mode(crate::config::Mode::Client).with_server(addr.clone()).with_secret(secret);
            let new = current.with(update).map_err(config_err)?;
            reg(r
                .store_mut()
                .write(|tx| {
                    tx.save_setup(&new)?;
                    tx.set(kv::STORE_ID, &store)
                })
                .map_err(Into::into))?;
            outln!("paired with {} at {addr}: this register is now its client", grant.server_name);
            Ok(())
        }
        SetupCmd::Secret { generate: true, apply, .. } => {
            let secret = Secret::generate().map_err(config_err)?;
            if apply {
                let new = current.with(ConfigUpdate::default().with_secret(secret.clone())).map_err(config_err)?;
                reg(r.store_mut().write(|tx| tx.save_setup(&new)).map_err(Into::into))?;
            }
            outln!("{}", secret.expose());
            Ok(())
        }
        SetupCmd::Secret { show: true, .. } => match &current.secret {
            Some(s) => {
                outln!("{}", s.expose());
                Ok(())
            }
            None => Err(anyhow::Error::new(SetupRefused("no secret is set".into()))),
        },
        SetupCmd::Secret { .. } => Err(anyhow::Error::new(SetupRefused("use --generate or --show".into()))),
        SetupCmd::Promote { .. } => Err(anyhow::Error::new(SetupRefused("promote runs on its own".into()))),
    }
}

/// `till setup promote`: the last pull, then the promotion (docs/CLI.md).
pub(super) fn promote(r: Register, dir: &std::path::Path, manager: Option<String>, wait: u64) -> anyhow::Result<()> {
    use crate::net::poller::{PollerTuning, SyncPoller};
    let setup = reg(r.store().setup().map_err(Into::into))?;
    if setup.mode != crate::config::Mode::Client {
        return Err(anyhow::Error::new(SetupRefused(format!(
            "only a client can be promoted: this register is in {} mode; nothing was changed",
            setup.mode
        ))));
    }
    let approval = manager.map(super::sales::approval).transpose()?;
    let shared = std::sync::Arc::new(std::sync::Mutex::new(r));
    let server = setup.server.as_ref().map(ToString::to_string).unwrap_or_default();
    let watcher = crate::store::DbWatcher::start(dir);
    if let Some(p) = SyncPoller::new(shared.clone(), watcher, &setup, PollerTuning::default()) {
        match smol::block_on(p.last_pull(std::time::Duration::from_secs(wait))) {
            Ok(n) => outln!("last pull from {server}: {n} new events"),
            Err(e) => outln!(
                "last pull from {server}: the server is unreachable ({e}); promoting with what this register holds"
            ),
        }
    }
    let p = reg(crate::net::lock(&shared).promote(approval.as_ref()))?;
    outln!(
        "promoted: this register serves the store at term {} on port {}; a running `till run` switches to serving",
        p.term,
        p.port
    );
    Ok(())
}

/// `till peers revoke|enroll`.
pub(super) fn peers_action(r: &mut Register, a: PeersCmd) -> anyhow::Result<()> {
    let now = crate::net::unix_ms();
    match a {
        PeersCmd::Revoke { register } => {
            let rows = reg(r.store().reader().peers().map_err(Into::into))?;
            let wanted = register.to_ascii_lowercase();
            let matches: Vec<_> = rows
                .iter()
                .filter(|p| p.name == register || (wanted.len() >= 4 && p.register_id.starts_with(&wanted)))
                .collect();
            let p = match matches.as_slice() {
                [one] => *one,
                [] => {
                    return Err(anyhow::Error::new(RegisterError::UnknownRegister(register)));
                }
                many => {
                    let ids: Vec<&str> = many.iter().map(|p| p.register_id.as_str()).collect();
                    return Err(anyhow::Error::new(SetupRefused(format!(
                        "{} registers match {register}: give the register id, one of {}",
                        many.len(),
                        ids.join(", ")
                    ))));
                }
            };
            let id: crate::model::RegisterId =
                p.register_id.parse().map_err(|_| SetupRefused(format!("bad register id {}", p.register_id)))?;
            reg(r
                .store_mut()
                .write(|tx| {
                    tx.revoke_register(id, now)?;
                    tx.set(kv::ENROLL_UNTIL, &0)
                })
                .map_err(Into::into))?;
            outln!(
                "revoked {} ({}): this server refuses it from now on. New registers can join only after `till peers enroll --open`.",
                p.name,
                p.register_id
            );
            Ok(())
        }
        PeersCmd::Pair { json } => {
            let pairing = crate::net::pair::offer(r.store_mut(), now).map_err(|e| match e {
                crate::net::pair::PairOfferError::Store(s) => anyhow::Error::new(RegisterError::Store(s)),
                other => anyhow::Error::new(SetupRefused(other.to_string())),
            })?;
            let until = pairing.until_ms;
            if json.json {
                return print_json(
                    &serde_json::json!({"code": pairing.code, "until_ms": until, "attempts": pairing.attempts_left}),
                );
            }
            outln!(
                "pairing code {} until {} ({} tries): on the new register, `till setup pair THIS-SERVER:PORT {}`",
                crate::net::pair::display(&pairing.code),
                format_ms(i64::try_from(until).unwrap_or(i64::MAX)),
                pairing.attempts_left,
                pairing.code
            );
            Ok(())
        }
        PeersCmd::Enroll { close: true, .. } => {
            reg(r.store_mut().set(kv::ENROLL_UNTIL, &0).map_err(Into::into))?;
            outln!("enrollment closed: only registers already enrolled can sync");
            Ok(())
        }
        PeersCmd::Enroll { minutes, .. } => {
            let until = now.saturating_add(minutes.clamp(1, 24 * 60) * 60_000);
            reg(r.store_mut().set(kv::ENROLL_UNTIL, &until).map_err(Into::into))?;
            outln!("new registers may join until {}", format_ms(until as i64));
            Ok(())
        }
    }
}

/// What `till test-connection --json` prints.
#[derive(Serialize, Debug)]
pub struct ConnectionReport {
    /// True when everything checked out.
    pub ok: bool,
    /// The address tested.
    pub server: String,
    /// The server register's name.
    pub server_name: Option<String>,
    /// The store id in use.
    pub store_id: Option<String>,
    /// Round trip of the authenticated hello, ms.
    pub rtt_ms: Option<f64>,
    /// Server clock minus ours, ms.
    pub clock_offset_ms: Option<i64>,
    /// What went wrong, in words.
    pub error: Option<String>,
    /// The exit code.
    pub code: u8,
}

/// Who is testing: this register, or (without a data directory) a throwaway identity.
struct Tester {
    me: crate::model::RegisterId,
    store: Option<crate::sync::StoreId>,
    name: String,
    own: crate::sync::SealKey,
    setup: crate::config::LocalApiConfig,
}

pub(super) fn test_connection(
    r: &mut Register,
    addr: Option<String>,
    secret: Option<String>,
    json: Json,
) -> anyhow::Result<()> {
    let setup = reg(r.store().setup().map_err(Into::into))?;
    let tester = Tester {
        me: r.store().register_id(),
        store: reg(r.store().get(kv::STORE_ID).map_err(Into::into))?,
        name: setup.register_name.clone(),
        own: reg(crate::net::own_key(r.store_mut()).map_err(Into::into))?,
        setup,
    };
    run_test(&tester, addr, secret, json)
}

/// `till test-connection HOST:PORT --secret …` where no register lives in the data directory:
/// tests as a throwaway register and creates nothing on disk.
pub(super) fn test_connection_without_data(
    dir: &std::path::Path,
    addr: Option<String>,
    secret: Option<String>,
    json: Json,
) -> anyhow::Result<()> {
    if addr.is_none() || secret.is_none() {
        return Err(anyhow::Error::new(SetupRefused(format!(
            "no register in {}: give the server's HOST:PORT and --secret to test without one",
            dir.display()
        ))));
    }
    let random = |e: getrandom::Error| anyhow::Error::new(SetupRefused(format!("no randomness: {e}")));
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(random)?;
    let tester = Tester {
        me: crate::model::RegisterId::random().map_err(random)?,
        store: None,
        name: "test".into(),
        own: crate::sync::SealKey::from_bytes(key),
        setup: crate::config::LocalApiConfig::default(),
    };
    run_test(&tester, addr, secret, json)
}

fn run_test(t: &Tester, addr: Option<String>, secret: Option<String>, json: Json) -> anyhow::Result<()> {
    use crate::config::{Secret, ServerAddr};
    let cfg = &t.setup;
    let addr = match addr {
        Some(a) => a.parse::<ServerAddr>().map_err(config_err)?.to_string(),
        None => match &cfg.server {
            Some(a @ ServerAddr::Addr { .. }) => a.to_string(),
            _ => {
                return Err(anyhow::Error::new(SetupRefused(
                    "no server address: give HOST:PORT or set server=".into(),
                )));
            }
        },
    };
    let secret = match secret {
        // Testing a secret someone typed: check the connection first, strength later on save.
        Some(s) => Secret::new_unchecked(&s).map_err(config_err)?,
        None => {
            cfg.secret.clone().ok_or_else(|| SetupRefused("no shared secret: give --secret or set secret=".into()))?
        }
    };
    let outcome = smol::block_on(crate::net::client::test_connection(&addr, t.me, t.store, &t.name, &secret, &t.own));
    let report = match &outcome {
        Ok(t) => ConnectionReport {
            ok: true,
            server: addr.clone(),
            server_name: Some(t.server_name.clone()),
            store_id: Some(t.store.to_string()),
            rtt_ms: Some(t.rtt_ms),
            clock_offset_ms: Some(t.clock_offset_ms),
            error: None,
            code: 0,
        },
        Err(e) => ConnectionReport {
            ok: false,
            server: addr.clone(),
            server_name: None,
            store_id: None,
            rtt_ms: None,
            clock_offset_ms: None,
            error: Some(e.to_string()),
            code: connection_exit(e),
        },
    };
    if json.json {
        print_json(&report)?;
    } else if let (Some(n), Some(rtt), Some(ahead)) = (&report.server_name, report.rtt_ms, report.clock_offset_ms) {
        outln!("ok: {n} at {addr}, same store and secret, round trip {rtt:.1} ms, its clock is {ahead} ms ahead");
    }
    match outcome {
        Ok(_) => Ok(()),
        Err(e) => Err(anyhow::Error::new(ConnectionFailed(e))),
    }
}

/// `till peers`: the registers this server has heard from.
pub(super) fn peers(r: &Register, json: Json) -> anyhow::Result<()> {
    let rows = reg(r.store().reader().peers().map_err(Into::into))?;
    if json.json {
        return print_json(&rows);
    }
    outln!("{}", super::status::term_line(&reg(r.store().reader().server_term().map_err(Into::into))?));
    let mut t = Table::new(&["NAME", "REGISTER", "ADDRESS", "LAST CONTACT", "PENDING", "RECEIVED", "STATUS"]);
    for p in rows {
        t.row(vec![
            p.name,
            p.register_id.get(..8).unwrap_or(&p.register_id).to_string(),
            p.address.unwrap_or_default(),
            format_ms(p.last_contact_ms),
            p.pending.to_string(),
            p.events_received.to_string(),
            match (p.revoked_ms, p.enrolled) {
                (Some(ms), _) => format!("revoked {}", format_ms(ms)),
                (None, true) => "enrolled".into(),
                (None, false) => "-".into(),
            },
        ]);
    }
    t.print()
}
