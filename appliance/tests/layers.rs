//! The layers of docs/ARCHITECTURE.md, checked on the source: a module uses only modules below it
//! (no upward import, no cycle), and the pure core stays pure. Run with `--nocapture` to print
//! the module graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules of `appliance/src`, by layer: a module may use modules of lower layers only.
const LAYERS: &[(&str, u8)] = &[
    ("model", 0),
    ("logger", 0),
    // The build's release (`crate::VERSION`, lib.rs): a constant any layer may name.
    ("VERSION", 0),
    ("config", 1),
    ("sync", 1),
    ("store", 2),
    ("register", 3),
    ("print", 3),
    ("stick", 3),
    ("update", 3),
    ("net", 4),
    ("export", 4),
    ("ui", 5),
    ("modes", 6),
    ("cli", 7),
    ("init", 7),
];

/// What the pure core may not touch, even in its tests: clocks, timers, threads, I/O, randomness.
const IMPURE: &[&str] = &[
    "SystemTime",
    "Instant",
    "std::thread",
    "smol",
    "async_io",
    "std::fs",
    "std::net",
    "std::io",
    "getrandom",
    "rusqlite",
    "Timer",
    "sleep",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a source file belongs to (`None` for lib.rs and main.rs).
fn module_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy().into_owned();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// The code of a file without its comments (doc links are not imports).
fn code(text: &str) -> String {
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// `crate::NAME` references in some code.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    // `use crate::{a, b}` forms.
    let mut rest = code;
    while let Some(i) = rest.find("crate::{") {
        rest = &rest[i + "crate::{".len()..];
        let inside = rest.split('}').next().unwrap_or("");
        for part in inside.split(',') {
            let name: String = part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let Some(m) = module_of(&f) else { continue };
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let entry = edges.entry(m.clone()).or_default();
        for r in crate_refs(&code(&text)) {
            if r != m {
                entry.insert(r);
            }
        }
    }
    edges
}

fn rank(m: &str) -> u8 {
    LAYERS.iter().find(|(n, _)| *n == m).map(|(_, r)| *r).unwrap_or_else(|| {
        panic!("module {m} is not in LAYERS: give it a layer in appliance/tests/layers.rs and docs/ARCHITECTURE.md")
    })
}

#[test]
fn every_module_uses_only_modules_below_it() {
    let g = graph();
    let mut wrong = Vec::new();
    for (from, tos) in &g {
        println!("{from} -> {}", tos.iter().cloned().collect::<Vec<_>>().join(", "));
        for to in tos {
            if rank(to) >= rank(from) {
                wrong.push(format!("{from} (layer {}) uses {to} (layer {})", rank(from), rank(to)));
            }
        }
    }
    assert!(wrong.is_empty(), "imports that point up or sideways:\n{}", wrong.join("\n"));
    assert!(g.len() >= LAYERS.len() - 1, "the scan found too few modules: {g:?}");
}

#[test]
fn the_check_catches_an_upward_import() {
    // The scanner itself must see a `use crate::…` of each form, or the test above proves nothing.
    let refs = crate_refs("use crate::net::lock;\nuse crate::{ui, modes::run};\nlet x = crate::cli::main();");
    assert_eq!(refs.into_iter().collect::<Vec<_>>(), ["cli", "modes", "net", "ui"]);
    assert!(rank("net") > rank("store"), "a store file using net would be reported");
    assert!(crate_refs(&code("/// see [`crate::net`]")).is_empty(), "doc links are not imports");
}

#[test]
fn the_sync_core_touches_no_clock_timer_thread_or_io() {
    let mut files = Vec::new();
    rust_files(&src().join("sync"), &mut files);
    assert!(files.len() >= 5, "sync/ has its files");
    let mut found = Vec::new();
    for f in files {
        let text = code(&std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display())));
        for word in IMPURE {
            if text.contains(word) {
                found.push(format!("{}: {word}", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "the sync core must stay pure:\n{}", found.join("\n"));
}
