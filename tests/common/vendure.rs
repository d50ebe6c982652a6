//! A real Vendure (tests/ecommerce/vendure/server.js, Node.js) for the export tests: started on
//! a free loopback port with its SQLite file in the test's temporary folder, killed with SIGKILL
//! and started again on the same port and file, and asked through its own Admin API.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use till::export::http::Http;

use super::{DEADLINE, free_port};

/// The administrator the harness makes.
pub const USER: &str = "superadmin";
/// Its password.
pub const PASSWORD: &str = "superadmin";

/// The harness folder.
fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/ecommerce/vendure")
}

/// Why Vendure cannot run here (`None`: it can): Node.js 20 or later and the harness's packages
/// (`npm ci` in tests/ecommerce/vendure, which scripts/test runs) are needed.
pub fn missing() -> Option<String> {
    let out = Command::new("node").arg("--version").output();
    let version = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => return Some("no node on PATH (Vendure needs Node.js 20 or later)".into()),
    };
    let major = version.trim_start_matches('v').split('.').next().and_then(|m| m.parse::<u32>().ok());
    if major.is_none_or(|m| m < 20) {
        return Some(format!("node {version}: Vendure needs 20 or later"));
    }
    if !harness().join("node_modules/@vendure/core/package.json").is_file() {
        return Some("Vendure is not installed (npm ci in tests/ecommerce/vendure)".into());
    }
    None
}

/// A Vendure server process.
pub struct Vendure {
    /// Its port on 127.0.0.1.
    pub port: u16,
    db: PathBuf,
    child: Option<Child>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Vendure {
    /// Starts a fresh Vendure keeping its database in `dir`, and waits until it serves.
    pub fn start(dir: &Path) -> Vendure {
        let mut v = Vendure { port: free_port(), db: dir.join("vendure.sqlite"), child: None, log: Arc::default() };
        v.restart();
        v
    }

    /// Makes it lose its answer to the next Admin API call whose query has `word`: the call
    /// runs, then the connection is cut.
    pub fn lose_answer(&self, word: &str) {
        let path = self.db.with_extension("sqlite.lose");
        std::fs::write(&path, word).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// Whether the answer asked to be lost was.
    pub fn answer_lost(&self) -> bool {
        !self.db.with_extension("sqlite.lose").exists()
    }

    /// The Admin API's address.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/admin-api", self.port)
    }

    /// Starts it (again, on the same port and database) and waits for its `ready`.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "Vendure already runs");
        let mut child = Command::new("node")
            .arg("server.js")
            .arg(self.port.to_string())
            .arg(&self.db)
            .current_dir(harness())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("node server.js: {e}"));
        let (tx, rx) = mpsc::channel();
        for (stream, ready) in [
            (child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>), Some(tx)),
            (child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>), None),
        ] {
            let Some(stream) = stream else { continue };
            let log = self.log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if line == "ready"
                        && let Some(tx) = &ready
                    {
                        let _ = tx.send(());
                    }
                    if let Ok(mut l) = log.lock() {
                        l.push(line);
                    }
                }
            });
        }
        self.child = Some(child);
        if rx.recv_timeout(*DEADLINE).is_err() {
            panic!("Vendure did not say ready within {:?}\n{}", *DEADLINE, self.log_text());
        }
    }

    /// SIGKILL, and waits until it is gone.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// How many orders its database file holds in each state (read while it is down: what the
    /// kill left).
    pub fn states_on_disk(&self) -> BTreeMap<String, i64> {
        let db = rusqlite::Connection::open_with_flags(&self.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap_or_else(|e| panic!("{}: {e}", self.db.display()));
        let mut st = db
            .prepare("SELECT state, count(*) FROM \"order\" GROUP BY state")
            .unwrap_or_else(|e| panic!("{}: {e}", self.db.display()));
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .unwrap_or_else(|e| panic!("{}: {e}", self.db.display()))
    }

    /// What it printed.
    pub fn log_text(&self) -> String {
        self.log.lock().map(|l| format!("--- vendure log ---\n{}", l.join("\n"))).unwrap_or_default()
    }

    /// A logged-in Admin API client.
    pub fn admin(&self) -> Admin {
        Admin::login(&self.url())
    }
}

impl Drop for Vendure {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Vendure's Admin API as the test asks it (panics on any error: the test fails).
pub struct Admin {
    http: Http,
    url: String,
    token: String,
}

impl Admin {
    fn login(url: &str) -> Admin {
        let http = Http::new(None, Duration::from_secs(30)).unwrap_or_else(|e| panic!("http: {e}"));
        let mut a = Admin { http, url: url.to_string(), token: String::new() };
        let body = json!({ "query": "mutation($u:String!,$p:String!){login(username:$u,password:$p){__typename}}",
                           "variables": { "u": USER, "p": PASSWORD } });
        let reply =
            a.http.post_json(url, &[], body.to_string().as_bytes()).unwrap_or_else(|e| panic!("Vendure login: {e}"));
        a.token = reply.header("vendure-auth-token").unwrap_or_else(|| panic!("no token: {}", reply.text(300))).into();
        a
    }

    /// Runs a query; its `data`.
    pub fn gql(&self, query: &str, variables: Value) -> Value {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let reply = self
            .http
            .post_json(&self.url, &[("authorization", format!("Bearer {}", self.token))], body.as_bytes())
            .unwrap_or_else(|e| panic!("Vendure: {e}"));
        let v: Value = serde_json::from_slice(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.text(300)));
        assert!(v.get("errors").is_none() && reply.status == 200, "{query}: {}", reply.text(600));
        v["data"].clone()
    }

    /// Adds a product with one variant: its SKU, price in cents (tax included), stock on hand and
    /// barcode (the `barcode` custom field).
    pub fn product(&self, sku: &str, name: &str, price: i64, stock: i64, barcode: Option<&str>) -> String {
        let slug = sku.to_lowercase();
        let p = self.gql(
            "mutation($i:CreateProductInput!){createProduct(input:$i){id}}",
            json!({ "i": { "translations": [{ "languageCode": "en", "name": name, "slug": slug, "description": "" }] } }),
        );
        let v = self.gql(
            "mutation($i:[CreateProductVariantInput!]!){createProductVariants(input:$i){id}}",
            json!({ "i": [{ "productId": p["createProduct"]["id"], "sku": sku, "price": price, "stockOnHand": stock,
                            "translations": [{ "languageCode": "en", "name": name }],
                            "customFields": { "barcode": barcode } }] }),
        );
        v["createProductVariants"][0]["id"].as_str().unwrap_or_else(|| panic!("no variant id: {v}")).to_string()
    }

    /// Every order, drafts included, with what the tests check.
    pub fn orders(&self) -> Vec<Value> {
        let d = self.gql(
            "{orders(options:{take:1000,sort:{id:ASC}}){items{id code state totalWithTax customFields{tillId} \
             lines{quantity unitPriceWithTax productVariant{sku}} \
             payments{amount state method metadata refunds{total state reason}}}}}",
            json!({}),
        );
        d["orders"]["items"].as_array().cloned().unwrap_or_default()
    }

    /// A variant's stock on hand and allocated.
    pub fn stock(&self, sku: &str) -> (i64, i64) {
        let d = self.gql(
            "query($s:String!){productVariants(options:{filter:{sku:{eq:$s}}}){items{stockOnHand stockAllocated}}}",
            json!({ "s": sku }),
        );
        let v = &d["productVariants"]["items"][0];
        (v["stockOnHand"].as_i64().unwrap_or(i64::MIN), v["stockAllocated"].as_i64().unwrap_or(i64::MIN))
    }
}
