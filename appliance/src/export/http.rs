//! The exporter's HTTPS client: ureq (blocking, on the exporter's own thread) over rustls with
//! ring, verifying certificates against the system's root store (the image ships Mozilla's
//! roots as Debian's `ca-certificates` bundles them, at the path Debian uses), or only against a
//! store's own CA file when the setup names one. The roots are a file rather than built into
//! the binary (webpki-roots) to keep ~250 KiB out of the 6 MiB binary, and because a root store
//! should be updatable with the image.
//!
//! Every call has a deadline; a status code is an answer, not an error (the connector decides
//! what a 429 or a 422 means).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

/// How long connecting may take.
const CONNECT: Duration = Duration::from_secs(5);
/// The most of a reply that is read (a platform's error page, a page of products).
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// Why a request got no answer.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The CA file could not be read or holds no certificate.
    #[error("the CA file {0}")]
    Ca(String),
    /// The name did not resolve (no DNS, or no such host).
    #[error("{0}: the name does not resolve (is DNS set up?)")]
    Dns(String),
    /// No answer in time.
    #[error("{0}: no answer within {1} s")]
    Timeout(String, u64),
    /// The certificate or the TLS handshake failed.
    #[error("{0}: TLS: {1}")]
    Tls(String, String),
    /// Connecting, sending or reading failed.
    #[error("{0}: {1}")]
    Io(String, String),
}

/// An answer.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// `Retry-After` in seconds (the HTTP-date form is taken as "soon": one second).
    pub fn retry_after(&self) -> Option<Duration> {
        let v = self.header("retry-after")?.trim();
        Some(
            v.parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map_or(Duration::from_secs(1), |s| Duration::from_millis((s.min(3600.0) * 1000.0) as u64)),
        )
    }

    /// The body as text, cut to a line's worth (for error messages).
    pub fn text(&self, max: usize) -> String {
        let s = String::from_utf8_lossy(&self.body);
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.chars().count() > max { format!("{}…", s.chars().take(max).collect::<String>()) } else { s }
    }
}

/// An HTTPS client with its connections kept alive between calls.
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
    deadline: Duration,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Http")
    }
}

impl Http {
    /// A client trusting the built-in roots, or only the CAs in the PEM file `ca`; each call
    /// ends by `deadline`.
    pub fn new(ca: Option<&Path>, deadline: Duration) -> Result<Http, HttpError> {
        let roots = match ca {
            None => RootCerts::Specific(system_roots()?),
            Some(path) => RootCerts::Specific(Arc::new(read_ca(path)?)),
        };
        let tls = TlsConfig::builder().provider(TlsProvider::Rustls).root_certs(roots).build();
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(deadline))
            .timeout_connect(Some(CONNECT))
            .user_agent(format!("till/{}", crate::VERSION))
            .tls_config(tls)
            .build();
        Ok(Http { agent: config.into(), deadline })
    }

    /// Sends `method url` with `headers` and `body` (none for GET) and reads the answer.
    pub fn call(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Reply, HttpError> {
        let mut req = ureq::http::Request::builder().method(method).uri(url);
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        let req = req
            .body(body.map(<[u8]>::to_vec).unwrap_or_default())
            .map_err(|e| HttpError::Io(url.into(), e.to_string()))?;
        let mut resp = self.agent.run(req).map_err(|e| classify(url, e, self.deadline))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body =
            resp.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(|e| classify(url, e, self.deadline))?;
        Ok(Reply { status, headers, body })
    }

    /// POSTs a JSON body.
    pub fn post_json(&self, url: &str, headers: &[(&str, String)], body: &[u8]) -> Result<Reply, HttpError> {
        let mut h = headers.to_vec();
        h.push(("content-type", "application/json".into()));
        self.call("POST", url, &h, Some(body))
    }
}

/// Where the system's root certificates are looked for, in order: Debian's bundle (what the
/// image ships), then the other common places.
pub const SYSTEM_ROOTS: &[&str] =
    &["/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem", "/etc/pki/tls/certs/ca-bundle.crt"];

/// The system's root certificates, read once per process.
fn system_roots() -> Result<Arc<Vec<Certificate<'static>>>, HttpError> {
    static ROOTS: std::sync::OnceLock<Arc<Vec<Certificate<'static>>>> = std::sync::OnceLock::new();
    if let Some(r) = ROOTS.get() {
        return Ok(r.clone());
    }
    let path =
        SYSTEM_ROOTS.iter().map(Path::new).find(|p| p.exists()).ok_or_else(|| {
            HttpError::Ca(format!("of the system: none at {} (give ca=FILE)", SYSTEM_ROOTS.join(", ")))
        })?;
    let roots = Arc::new(read_ca(path)?);
    Ok(ROOTS.get_or_init(|| roots).clone())
}

fn read_ca(path: &Path) -> Result<Vec<Certificate<'static>>, HttpError> {
    let pem = std::fs::read(path).map_err(|e| HttpError::Ca(format!("{}: {e}", path.display())))?;
    let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(HttpError::Ca(format!("{}: no PEM certificate in it", path.display())));
    }
    Ok(certs)
}

fn classify(url: &str, e: ureq::Error, deadline: Duration) -> HttpError {
    let host = url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or(url).to_string();
    match e {
        ureq::Error::HostNotFound => HttpError::Dns(host),
        ureq::Error::Timeout(_) => HttpError::Timeout(host, deadline.as_secs()),
        ureq::Error::Tls(m) => HttpError::Tls(host, m.to_string()),
        ureq::Error::Rustls(e) => HttpError::Tls(host, e.to_string()),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => HttpError::Timeout(host, deadline.as_secs()),
        // rustls reports a certificate it refuses as invalid data on the stream.
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => HttpError::Tls(host, e.to_string()),
        other => HttpError::Io(host, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_come_from_the_system_bundle_or_a_ca_file_that_holds_certificates() {
        let system = SYSTEM_ROOTS.iter().any(|p| Path::new(p).exists());
        match Http::new(None, Duration::from_secs(1)) {
            Ok(_) => assert!(system, "a client without any root store"),
            Err(e) => assert!(!system && e.to_string().contains("ca=FILE"), "{e}"),
        }
        let dir = std::env::temp_dir().join(format!("till-ca-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let not_pem = dir.join("not.pem");
        std::fs::write(&not_pem, "hello").expect("write");
        let e = Http::new(Some(&not_pem), Duration::from_secs(1)).expect_err("no certificate in it");
        assert!(e.to_string().contains("no PEM certificate"), "{e}");
        let e = Http::new(Some(&dir.join("missing.pem")), Duration::from_secs(1)).expect_err("missing");
        assert!(e.to_string().contains("missing.pem"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
