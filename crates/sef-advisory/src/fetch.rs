//! Downloading OSV exports over HTTPS, for `sef db update`.
//!
//! One `GET {base}/{ecosystem}/all.zip` per ecosystem, streamed to a file
//! with a stall timeout (no byte for `read_timeout`), an overall size cap and
//! a check that the result is a readable zip before anyone imports it. Plain
//! `http://` is refused except to the loopback interface (test servers and
//! local mirrors); the system's `HTTPS_PROXY` / `NO_PROXY` apply.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;
use thiserror::Error;

/// The public OSV bucket.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// How downloads are bounded.
#[derive(Debug, Clone, Copy)]
pub struct FetchOptions {
    /// Give up when connecting takes longer than this.
    pub connect_timeout: Duration,
    /// Give up when the server sends nothing for this long.
    pub read_timeout: Duration,
    /// Refuse bodies larger than this many bytes.
    pub max_bytes: u64,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(30),
            // The largest OSV export (npm) is a few hundred MiB.
            max_bytes: 2 << 30,
        }
    }
}

/// Why a download failed.
#[derive(Debug, Error)]
pub enum FetchError {
    /// The base URL is not one sef will fetch from.
    #[error("{url}: {reason}")]
    BadUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The server answered with an error status.
    #[error("{url}: the server answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The transfer failed (connection, TLS, timeout, truncation).
    #[error("{url}: {reason}")]
    Transfer {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The body is larger than the cap.
    #[error("{url}: more than {max} bytes; refused (raise --max-size if this is expected)")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        max: u64,
    },
    /// The body is not a zip archive.
    #[error("{url}: the download is not a readable zip archive ({reason})")]
    NotZip {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The local file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

/// Checks a base URL: `https://` anywhere, `http://` only to loopback.
pub fn check_base_url(base: &str) -> Result<(), FetchError> {
    let bad = |reason: &str| FetchError::BadUrl {
        url: base.to_owned(),
        reason: reason.to_owned(),
    };
    let (scheme, rest) = base
        .split_once("://")
        .ok_or_else(|| bad("not a URL (expected https://host/path)"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(bad("only https URLs are supported"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Err(bad("no host in the URL"));
    }
    if scheme == "https" || matches!(host, "127.0.0.1" | "::1" | "localhost") {
        Ok(())
    } else {
        Err(bad(
            "plain http is refused except to 127.0.0.1, ::1 or localhost; use https",
        ))
    }
}

/// The URL of an ecosystem's export under `base`.
pub fn export_url(base: &str, ecosystem: &str) -> String {
    let enc: String = ecosystem
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{}/{enc}/all.zip", base.trim_end_matches('/'))
}

/// Downloads `url` into `dest` (created or truncated), calling `progress`
/// with (bytes so far, total if the server said) as bytes arrive, then
/// checks that the file is a zip archive. Returns the byte count.
pub fn download(
    url: &str,
    dest: &Path,
    options: &FetchOptions,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<u64, FetchError> {
    let transfer = |e: &dyn std::fmt::Display| FetchError::Transfer {
        url: url.to_owned(),
        reason: e.to_string(),
    };
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(options.connect_timeout))
        .timeout_per_read(Some(options.read_timeout))
        .timeout_recv_response(Some(options.read_timeout))
        .http_status_as_error(false)
        .https_only(!url.starts_with("http://"))
        .max_redirects(5)
        .user_agent(concat!("sef/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let stalled = format!(
        "the server sent nothing for {} s (stalled); try again or raise --timeout",
        options.read_timeout.as_secs()
    );
    let mut response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::Timeout(_) => transfer(&stalled),
        e => transfer(&e),
    })?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(FetchError::Status {
            url: url.to_owned(),
            status,
        });
    }
    let body = response.body_mut();
    let total = body.content_length();
    if total.is_some_and(|t| t > options.max_bytes) {
        return Err(FetchError::TooLarge {
            url: url.to_owned(),
            max: options.max_bytes,
        });
    }
    let io_err = |source| FetchError::Io {
        path: dest.display().to_string(),
        source,
    };
    let mut file = std::fs::File::create(dest).map_err(io_err)?;
    let mut reader = body
        .with_config()
        .limit(options.max_bytes.saturating_add(1))
        .reader();
    let mut buf = vec![0u8; 256 * 1024];
    let mut done = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let why = if e.to_string().contains("timeout") {
                    stalled
                } else {
                    e.to_string()
                };
                return Err(transfer(&match total {
                    Some(t) => format!("download cut after {done} of {t} bytes: {why}"),
                    None => format!("download cut after {done} bytes: {why}"),
                }));
            }
        };
        done += n as u64;
        if done > options.max_bytes {
            return Err(FetchError::TooLarge {
                url: url.to_owned(),
                max: options.max_bytes,
            });
        }
        file.write_all(&buf[..n]).map_err(io_err)?;
        progress(done, total);
    }
    if let Some(t) = total
        && done != t
    {
        return Err(transfer(&format!(
            "truncated: {done} of {t} bytes received"
        )));
    }
    file.sync_all().map_err(io_err)?;
    drop(file);
    let check = std::fs::File::open(dest).map_err(io_err)?;
    zip::ZipArchive::new(check).map_err(|e| FetchError::NotZip {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_base_url(DEFAULT_BASE_URL).is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/osv").is_ok());
        assert!(check_base_url("http://[::1]:8080").is_ok());
        assert!(check_base_url("http://localhost").is_ok());
        assert!(check_base_url("http://example.com").is_err());
        assert!(check_base_url("http://127.0.0.1.evil.com").is_err());
        assert!(check_base_url("http://user@evil.com").is_err());
        assert!(check_base_url("ftp://example.com").is_err());
        assert!(check_base_url("example.com").is_err());
        assert_eq!(
            export_url("https://h/b/", "crates.io"),
            "https://h/b/crates.io/all.zip"
        );
        assert_eq!(
            export_url("https://h", "A B/c"),
            "https://h/A%20B%2Fc/all.zip"
        );
    }
}
