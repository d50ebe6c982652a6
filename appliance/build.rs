//! Embeds the numbered SQL files of `migrations/` into the binary, in order.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("migrations/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut out = String::from(
        "/// Every migration, in order: (file name, SQL).\npub(crate) const MIGRATIONS: &[(&str, &str)] = &[\n",
    );
    for (i, f) in files.iter().enumerate() {
        let name = f.file_name().and_then(|n| n.to_str()).expect("utf-8 file names");
        let number: usize =
            name.split('_').next().and_then(|n| n.parse().ok()).expect("migrations are named NNNN_what.sql");
        assert_eq!(number, i + 1, "migrations must be numbered 0001, 0002, … without gaps: {name}");
        println!("cargo:rerun-if-changed={}", f.display());
        let canon = f.canonicalize().expect("migration path resolves");
        writeln!(out, "    ({name:?}, include_str!({:?})),", canon.display().to_string()).expect("write to string");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
