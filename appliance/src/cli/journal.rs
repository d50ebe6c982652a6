//! `till journal verify` and `till journal export` (docs/DATA.md, "The journal and its export").

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};

use super::{Json, print_json};
use crate::model::quote;
use crate::register::Register;
use crate::store::{Cell, ExportTable, JournalReport, Problem};

/// `till journal …`.
#[derive(Subcommand, Debug)]
pub enum JournalCmd {
    /// Check every register's chain of events and the tables derived from them; exit 7 when
    /// anything does not hold, listing each problem
    Verify {
        /// The chains only: skip comparing the derived tables with a rebuild of the log
        #[arg(long)]
        quick: bool,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Write sales, lines, tenders, taxes, voids and returns of some business days as flat tables
    /// (modelled on DSFinV-K) with an index.json and a README.txt
    Export {
        /// First business day, YYYY-MM-DD (UTC)
        #[arg(long, value_name = "DATE")]
        from: String,
        /// Last business day, YYYY-MM-DD (UTC), included
        #[arg(long, value_name = "DATE")]
        to: String,
        /// File format
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Folder to write into: new, or empty
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// The export's file format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, UTF-8, a header row, RFC 4180 quoting.
    Csv,
    /// One array of flat objects per table.
    Json,
}

/// The journal does not verify (exit 7); the problems were printed.
#[derive(Debug, thiserror::Error)]
#[error("the journal does not verify: {0} problem{s} (listed above)", s = if *.0 == 1 { "" } else { "s" })]
pub struct JournalBroken(pub usize);

/// An export request refused (exit 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ExportRefused(pub String);

/// What layout the export writes (index.json `layout`): bumped when a column changes meaning.
const LAYOUT: &str = "till-journal-export 1";

/// Where the export differs from DSFinV-K (README.txt, index.json, docs/DATA.md).
pub const DIFFERENCES: &[&str] = &[
    "Modelled on DSFinV-K's single-record files, not a certified DSFinV-K export: there is no TSE (technical security device) data; Till's integrity check is its journal (`till journal verify`).",
    "Cash closings are a table of their own (z_reports.csv, modelled on Stamm_Abschluss: Z_NR, Z_BUCHUNGSTAG, the net split into cash and the rest, business-case totals, expected and counted cash), not a key on every row: every row carries its register and a business date (the UTC date of its time).",
    "One file per kind of record with a header row, described by index.json instead of a GDPdU index.xml; CSV is UTF-8, comma-separated, RFC 4180 quoting, CRLF line ends.",
    "Every amount is given in integer minor units of the store's currency (*_cents) and as decimal text with a point and the currency's decimals (12.34; 500 in yen; 1.250 in dinars); DSFinV-K gives decimals only.",
    "Tax rates are given as rates (basis points and percent), not as DSFinV-K's UST_SCHLUESSEL keys, which are Germany's (1900 bp is key 1, 700 bp key 2).",
    "BON_ID is the id of the event that recorded the sale, <register_id>:<seq>, unique across registers; BON_NR is the order number as printed (text: R1-000042).",
    "A void is a row of voids.csv referring to the sale, which stays in transactions.csv marked voided; DSFinV-K records a Storno-Bon with negated positions.",
    "A return is a row of returns.csv, its lines in return_lines.csv, referring to the sale; a refund is not split into net and tax in Till's records (the rate of the sale's line is given).",
    "Tenders are given as handed over; change_cents is the cash given back out of it and kept_cents = amount - change is DSFinV-K's BASISWAEH_BETRAG.",
    "Quantities are whole units (no FAKTOR, EINHEIT); lines carry no GTIN or product group (the catalogue's current ones would not be history).",
];

pub(super) fn journal(r: &mut Register, cmd: JournalCmd) -> anyhow::Result<()> {
    match cmd {
        JournalCmd::Verify { quick, json } => verify(r, quick, json),
        JournalCmd::Export { from, to, format, out } => export(r, &from, &to, format, &out),
    }
}

/// Text from the database shown as is when plain, quoted (escaped) otherwise.
fn plain(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic()) { s.to_string() } else { quote(s) }
}

fn verify(r: &Register, quick: bool, json: Json) -> anyhow::Result<()> {
    let t = Instant::now();
    let report = r.store().verify_journal(!quick)?;
    let secs = t.elapsed().as_secs_f64();
    if json.json {
        print_json(&report)?;
    } else {
        print_report(&report, secs)?;
    }
    if report.ok { Ok(()) } else { Err(JournalBroken(report.problems.len()).into()) }
}

fn print_report(report: &JournalReport, secs: f64) -> anyhow::Result<()> {
    for c in &report.registers {
        let name = c.name.as_deref().map(plain).unwrap_or_else(|| "?".into());
        let mut line = format!("register {name} {}: {} events", c.register, c.events);
        if let Some(from) = c.journal_from {
            line.push_str(&format!(", journal from {from}"));
        }
        if let Some(prev) = &c.restarted_from {
            line.push_str(&format!(", restarted after a re-key from {prev}"));
        }
        outln!("{line}; head {} {}", c.head_seq, c.head_hash);
        if c.before_journal > 0 {
            outln!("  {} events before the journal began (made by an older release): not protected", c.before_journal);
        }
        if c.unchecked > 0 {
            outln!("  {} events of a newer release: their own links not checked", c.unchecked);
        }
    }
    if let Some(d) = &report.derived {
        outln!("derived tables: {} tables, {} rows compared with a rebuild of the log", d.tables, d.rows);
    }
    for p in &report.problems {
        outln!("{}", problem_line(p));
    }
    let regs = report.registers.len();
    let what = format!("{regs} register{}, {} events", if regs == 1 { "" } else { "s" }, report.events);
    let how = if report.derived.is_some() { "chains and derived tables" } else { "chains only (--quick)" };
    if report.ok {
        outln!("journal verifies: {what}, {how}, in {secs:.1} s");
    } else {
        let n = report.problems.len();
        outln!("JOURNAL DOES NOT VERIFY: {n} problem{}; {what}, {how}, in {secs:.1} s", if n == 1 { "" } else { "s" });
    }
    Ok(())
}

/// One line per problem: what, the register, the event (seq or range), its kind, what is wrong.
fn problem_line(p: &Problem) -> String {
    let kind = serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let name = p.register_name.as_deref().map(plain).unwrap_or_else(|| "-".into());
    let at = match (&p.register, p.seq, p.last_seq) {
        (Some(reg), Some(a), Some(b)) if b != a => format!("{reg}:{a}-{b}"),
        (Some(reg), Some(a), _) => format!("{reg}:{a}"),
        _ => "-".into(),
    };
    let event_kind = p.event_kind.as_deref().map(plain).unwrap_or_else(|| "-".into());
    format!("PROBLEM {kind:<11} {name} {at}  {event_kind}  {}", p.what)
}

/// Milliseconds at 00:00 UTC of a `YYYY-MM-DD` date.
fn day_ms(flag: &str, date: &str) -> Result<i64, ExportRefused> {
    let bad = || ExportRefused(format!("--{flag} {} is not a date: give YYYY-MM-DD", quote(date)));
    if date.len() != 10 {
        return Err(bad());
    }
    let t = humantime::parse_rfc3339(&format!("{date}T00:00:00Z")).map_err(|_| bad())?;
    let ms = t.duration_since(std::time::UNIX_EPOCH).map_err(|_| bad())?.as_millis();
    i64::try_from(ms).map_err(|_| bad())
}

fn export(r: &Register, from: &str, to: &str, format: Format, out: &Path) -> anyhow::Result<()> {
    let (from_ms, to_ms) = (day_ms("from", from)?, day_ms("to", to)?);
    if to_ms < from_ms {
        return Err(ExportRefused(format!("--to {to} is before --from {from}")).into());
    }
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        let msg =
            format!("{} is not empty: give a new or empty folder, so no earlier export is overwritten", out.display());
        return Err(ExportRefused(msg).into());
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let reader = r.store().reader();
    let tables = reader.export(from_ms, to_ms + 86_400_000).map_err(anyhow::Error::new)?;
    let heads = reader.heads().map_err(anyhow::Error::new)?;
    let (store_name, currency) = (reader.setting("store_name")?, reader.setting("currency")?);
    let ext = match format {
        Format::Csv => "csv",
        Format::Json => "json",
    };
    for t in &tables {
        let path = out.join(format!("{}.{ext}", t.name));
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?,
        );
        match format {
            Format::Csv => write_csv(&mut f, t)?,
            Format::Json => write_json(&mut f, t)?,
        }
        f.flush().with_context(|| format!("cannot write {}", path.display()))?;
    }
    let files: Vec<serde_json::Value> = tables
        .iter()
        .map(|t| {
            serde_json::json!({
                "file": format!("{}.{ext}", t.name),
                "rows": t.rows.len(),
                "about": t.about,
                "dsfinvk": t.dsfinvk,
                "columns": t.columns,
            })
        })
        .collect();
    let index = serde_json::json!({
        "layout": LAYOUT,
        "modelled_on": "DSFinV-K (Germany's Digitale Schnittstelle der Finanzverwaltung für Kassensysteme), its single-record files",
        "format": ext,
        "csv": (format == Format::Csv).then(|| serde_json::json!({
            "encoding": "UTF-8", "separator": ",", "quote": "\"", "line_end": "\r\n", "header_row": true, "empty": "no value"
        })),
        "from": from,
        "to": to,
        "dates": "business dates are the UTC dates of the events' times; from and to are both included",
        "generated_utc": crate::store::format_ms(crate::register::unix_ms() as i64),
        "store_name": store_name,
        "currency": currency,
        "journal_heads": heads,
        "tables": files,
        "differences_from_dsfinvk": DIFFERENCES,
    });
    let index_path = out.join("index.json");
    std::fs::write(&index_path, format!("{}\n", serde_json::to_string_pretty(&index)?))
        .with_context(|| format!("cannot write {}", index_path.display()))?;
    let readme_path = out.join("README.txt");
    std::fs::write(&readme_path, readme(&tables, from, to, ext))
        .with_context(|| format!("cannot write {}", readme_path.display()))?;
    for t in &tables {
        outln!("{:<20} {:>7} rows", format!("{}.{ext}", t.name), t.rows.len());
    }
    outln!("wrote {} tables, index.json and README.txt to {}", tables.len(), out.display());
    Ok(())
}

/// One CSV field: quoted when it holds a comma, a quote or a line end (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Int(i) => i.to_string(),
        Cell::Text(t) => csv_field(t),
        Cell::Bool(b) => b.to_string(),
    }
}

fn write_csv(w: &mut impl Write, t: &ExportTable) -> anyhow::Result<()> {
    let header: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
    write!(w, "{}\r\n", header.join(","))?;
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        write!(w, "{}\r\n", cells.join(","))?;
    }
    Ok(())
}

fn write_json(w: &mut impl Write, t: &ExportTable) -> anyhow::Result<()> {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = t
        .rows
        .iter()
        .map(|row| {
            t.columns
                .iter()
                .zip(row)
                .map(|(c, v)| Ok((c.name.to_string(), serde_json::to_value(v)?)))
                .collect::<Result<_, serde_json::Error>>()
        })
        .collect::<Result<_, _>>()?;
    serde_json::to_writer_pretty(&mut *w, &rows)?;
    writeln!(w)?;
    Ok(())
}

fn readme(tables: &[ExportTable], from: &str, to: &str, ext: &str) -> String {
    let mut s = format!(
        "Till journal export, business days {from} to {to} (UTC dates, both included).\n\
         Layout {LAYOUT}, modelled on Germany's DSFinV-K. index.json describes the same in JSON.\n\
         Amounts: *_cents columns are integer cents, the column of the same name without _cents is\n\
         the amount as decimal text. Ids: <register_id>:<seq>, the event that recorded the record.\n\
         Text is written as recorded: a spreadsheet may take text starting with = + - @ for a\n\
         formula, so import columns as text.\n"
    );
    for t in tables {
        s.push_str(&format!("\n{}.{ext}: {} ({} rows). DSFinV-K: {}.\n", t.name, t.about, t.rows.len(), t.dsfinvk));
        for c in t.columns {
            let kind =
                serde_json::to_value(c.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            let ds = if c.dsfinvk.is_empty() { String::new() } else { format!(" [DSFinV-K: {}]", c.dsfinvk) };
            s.push_str(&format!("  {} ({kind}): {}{ds}\n", c.name, c.about));
        }
    }
    s.push_str("\nWhere this layout differs from DSFinV-K:\n");
    for d in DIFFERENCES {
        s.push_str(&format!("- {d}\n"));
    }
    s
}
