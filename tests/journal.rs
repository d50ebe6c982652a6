//! System test of the journal (docs/DATA.md, "The journal and its export"): the real binary on a
//! real data directory verifies a register's history, exports it, and names what someone changed
//! with a SQLite shell (here `rusqlite`, as `sqlite3` would) with exit code 7.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use rusqlite::{Connection, params};
use serde_json::Value;
use till::sync::{Event, EventKind};

struct Till {
    dir: tempfile::TempDir,
}

impl Till {
    fn new() -> Till {
        Till { dir: tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}")) }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        common::till_command()
            .arg("--data")
            .arg(self.data())
            .args(args)
            .env_remove("TILL_DATA")
            .env("TILL_MANAGER_PIN", "1234")
            .output()
            .unwrap_or_else(|e| panic!("running till {args:?}: {e}"))
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "till {args:?} failed ({:?}): {}", out.status.code(), stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn json(&self, args: &[&str]) -> Value {
        let s = self.ok(args);
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("till {args:?} printed no JSON ({e}): {s}"))
    }

    fn db(&self) -> Connection {
        Connection::open(self.data().join("till.db")).unwrap_or_else(|e| panic!("{e}"))
    }

    /// `journal verify` that must fail with exit 7; its stdout.
    fn broken(&self) -> String {
        let out = self.run(&["journal", "verify"]);
        assert_eq!(out.status.code(), Some(7), "{}{}", stdout(&out), stderr(&out));
        assert!(stderr(&out).starts_with("till: the journal does not verify: "), "{}", stderr(&out));
        stdout(&out)
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A CSV file of the export as (header, rows); the test's data has no quoted fields.
fn csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.ends_with("\r\n"), "CRLF line ends");
    let mut lines = text.lines().map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>());
    let header = lines.next().unwrap_or_default();
    (header, lines.collect())
}

fn column(header: &[String], rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    rows.iter().map(|r| r[i].clone()).collect()
}

fn cents(v: &[String]) -> i64 {
    v.iter().map(|x| x.parse::<i64>().unwrap_or_else(|e| panic!("{x}: {e}"))).sum()
}

#[test]
fn a_register_verifies_exports_and_names_what_a_sqlite_shell_changed() {
    let t = Till::new();
    t.ok(&["tax", "add", "std", "19"]);
    t.ok(&["tax", "add", "food", "7"]);
    t.ok(&["product", "add", "TEA", "--name", "Green tea", "--price", "2.50", "--tax", "food", "--stock", "40"]);
    t.ok(&["product", "add", "MUG", "--name", "Mug", "--price", "8.99", "--tax", "std"]);
    t.ok(&["user", "add", "ann", "--role", "manager", "--pin", "1234"]);
    t.ok(&["shift", "open", "--float", "100.00", "--cashier", "ann"]);
    let first = t.json(&[
        "order",
        "create",
        "TEA:3:10%",
        "MUG",
        "--discount",
        "0.33",
        "--pay",
        "card:5.00",
        "--pay",
        "cash",
        "--tendered",
        "20",
        "--cashier",
        "ann",
        "--json",
    ]);
    t.ok(&["order", "create", "TEA:2", "--pay", "card"]);
    t.ok(&["order", "void", "R1-000002", "--manager", "ann"]);
    t.ok(&["return", "create", "R1-000001", "TEA:1", "--manager", "ann"]);
    t.ok(&["product", "set-price", "TEA", "2.75"]);
    t.ok(&["shift", "close", "--counted", "112.54"]);
    t.ok(&["order", "create", "MUG:2", "--pay", "cash"]);

    let out = t.ok(&["journal", "verify"]);
    assert!(out.contains("journal verifies: 1 register, "), "{out}");
    assert!(out.contains(", journal from 1; head "), "{out}");
    let v = t.json(&["journal", "verify", "--json"]);
    assert_eq!(v["ok"], Value::Bool(true), "{v}");
    assert!(v["derived"]["tables"].as_u64().unwrap_or(0) >= 20, "{v}");
    assert_eq!(t.json(&["journal", "verify", "--quick", "--json"])["derived"], Value::Null);

    // The export: every day (the VM's clock may be anywhere), CSV and JSON.
    let today = till::store::format_ms(till::register::unix_ms() as i64)[..10].to_string();
    let out_dir = t.dir.path().join("export");
    let printed = t.ok(&["journal", "export", "--from", &today, "--to", &today, "--out", &out_dir.to_string_lossy()]);
    let counted = |l: &str| l.split_whitespace().collect::<Vec<_>>() == ["transactions.csv", "3", "rows"];
    assert!(printed.lines().any(counted), "{printed}");
    let (h, orders) = csv(&out_dir.join("transactions.csv"));
    let (lh, lines) = csv(&out_dir.join("lines.csv"));
    let (th, tenders) = csv(&out_dir.join("tenders.csv"));
    let (xh, taxes) = csv(&out_dir.join("taxes.csv"));
    assert_eq!(orders.len(), 3);
    for (i, id) in column(&h, &orders, "event_id").iter().enumerate() {
        let of = |hd: &[String], rows: &[Vec<String>], col: &str| {
            let ids = column(hd, rows, "event_id");
            let vals = column(hd, rows, col);
            cents(&ids.iter().zip(vals).filter(|(x, _)| *x == id).map(|(_, v)| v).collect::<Vec<_>>())
        };
        let total: i64 = column(&h, &orders, "total_cents")[i].parse().unwrap_or(-1);
        let change: i64 = column(&h, &orders, "change_cents")[i].parse().unwrap_or(-1);
        assert_eq!(of(&lh, &lines, "total_cents"), total, "{id}: lines add up to the total");
        assert_eq!(of(&xh, &taxes, "total_cents"), total, "{id}: taxes add up to the total");
        assert_eq!(of(&th, &tenders, "amount_cents") - change, total, "{id}: tenders − change = total");
    }
    assert_eq!(column(&h, &orders, "cashier")[0], "ann");
    assert_eq!(column(&h, &orders, "event_id")[0], first["id"].as_str().unwrap_or_default().to_ascii_lowercase());
    for f in [
        "voids.csv",
        "returns.csv",
        "return_lines.csv",
        "cash_movements.csv",
        "drawer_openings.csv",
        "z_reports.csv",
        "README.txt",
    ] {
        assert!(out_dir.join(f).is_file(), "{f}");
    }
    let index: Value = serde_json::from_str(&std::fs::read_to_string(out_dir.join("index.json")).unwrap_or_default())
        .unwrap_or_else(|e| panic!("index.json: {e}"));
    assert_eq!(index["tables"].as_array().map(Vec::len), Some(10), "{index}");
    assert_eq!(index["journal_heads"][0]["head_hash"], v["registers"][0]["head_hash"]);
    // The folder is not written twice; a date that is not one is refused.
    let again = t.run(&["journal", "export", "--from", &today, "--to", &today, "--out", &out_dir.to_string_lossy()]);
    assert_eq!(again.status.code(), Some(3), "{}", stderr(&again));
    let bad = t.run(&["journal", "export", "--from", "2026-02-30", "--to", &today, "--out", "x"]);
    assert_eq!(bad.status.code(), Some(3), "{}", stderr(&bad));
    let json_dir = t.dir.path().join("json");
    t.ok(&[
        "journal",
        "export",
        "--from",
        &today,
        "--to",
        &today,
        "--format",
        "json",
        "--out",
        &json_dir.to_string_lossy(),
    ]);
    let tx: Value =
        serde_json::from_str(&std::fs::read_to_string(json_dir.join("transactions.json")).unwrap_or_default())
            .unwrap_or_else(|e| panic!("transactions.json: {e}"));
    assert_eq!(tx[0]["total_cents"], first["total_cents"]);
    assert_eq!(tx[0]["total"], first["total"]);

    // An order row changed with a SQLite shell: named by the order's event id.
    let id = first["id"].as_str().unwrap_or_default().to_ascii_lowercase();
    let (origin, seq) = id.split_once(':').unwrap_or_default();
    let origin_bytes: Vec<u8> =
        (0..32).step_by(2).filter_map(|i| u8::from_str_radix(&origin[i..i + 2], 16).ok()).collect();
    let seq: i64 = seq.parse().unwrap_or_default();
    t.db()
        .execute(
            "UPDATE orders SET total_cents = total_cents - 100 WHERE origin = ?1 AND seq = ?2",
            params![origin_bytes, seq],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let out = t.broken();
    let line = out.lines().find(|l| l.starts_with("PROBLEM")).unwrap_or_default();
    assert!(
        line.starts_with(&format!(
            "PROBLEM derived     R1 {id}  order_placed  orders row was changed: total_cents is "
        )),
        "{out}"
    );
    assert_eq!(out.lines().filter(|l| l.starts_with("PROBLEM")).count(), 1, "{out}");
    t.db()
        .execute(
            "UPDATE orders SET total_cents = total_cents + 100 WHERE origin = ?1 AND seq = ?2",
            params![origin_bytes, seq],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    t.ok(&["journal", "verify"]);

    // The sale's event re-encoded with another number: named as edited by its successor.
    let body: Vec<u8> = t
        .db()
        .query_row("SELECT body FROM events WHERE origin = ?1 AND seq = ?2", params![origin_bytes, seq], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    let (event, link) = Event::decode_linked(&body).unwrap_or_else(|e| panic!("{e}"));
    let EventKind::OrderPlaced(mut sale) = event.kind.clone() else { panic!("not a sale") };
    sale.number = "R1-000666".into();
    let edited =
        Event { kind: EventKind::OrderPlaced(sale), ..event }.encode_linked(&link.unwrap_or(till::sync::Link::Start));
    t.db()
        .execute("UPDATE events SET body = ?1 WHERE origin = ?2 AND seq = ?3", params![edited, origin_bytes, seq])
        .unwrap_or_else(|e| panic!("{e}"));
    let out = t.broken();
    assert!(
        out.contains(&format!("PROBLEM edited      R1 {id}  order_placed  it was changed after it was made")),
        "{out}"
    );

    // And a deleted event: a gap, named by its seq.
    t.db()
        .execute("UPDATE events SET body = ?1 WHERE origin = ?2 AND seq = ?3", params![body, origin_bytes, seq])
        .unwrap_or_else(|e| panic!("{e}"));
    t.ok(&["journal", "verify", "--quick"]);
    t.db()
        .execute("DELETE FROM events WHERE origin = ?1 AND seq = ?2", params![origin_bytes, seq + 1])
        .unwrap_or_else(|e| panic!("{e}"));
    let out = t.broken();
    assert!(out.contains(&format!("PROBLEM missing     R1 {origin}:{}  ", seq + 1)), "{out}");
    let v: Value = serde_json::from_slice(&t.run(&["journal", "verify", "--json"]).stdout).unwrap_or(Value::Null);
    assert_eq!(v["ok"], Value::Bool(false), "{v}");
    assert_eq!(v["problems"][0]["kind"], "missing", "{v}");
}
