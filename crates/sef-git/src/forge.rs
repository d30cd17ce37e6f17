//! The optional forge integration: pull requests and their reviews from the
//! GitHub REST API (or GitHub Enterprise, or a mirror, through the base
//! URL), or merge requests and their approvals from the GitLab REST API v4
//! (GitLab.com or a self-managed instance), with a token and a local cache
//! of merged pull/merge requests. Rate limits and server errors are retried
//! with a bounded back-off; past that the forge is reported unavailable and
//! the commits it would have decided stay "unknown".

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// Which REST API the forge speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForgeKind {
    /// GitHub (REST, `…/repos/OWNER/NAME/pulls`).
    GitHub,
    /// GitLab (REST API v4, `…/projects/ID/merge_requests`).
    GitLab,
}

/// Settings for the forge integration.
#[derive(Debug, Clone)]
pub struct ForgeSettings {
    /// Which API.
    pub kind: ForgeKind,
    /// API base URL, e.g. `https://api.github.com` or
    /// `https://gitlab.example.com/api/v4`.
    pub base_url: String,
    /// `owner/name` (GitLab: `group/subgroup/name`, any depth).
    pub repository: String,
    /// The token (read from the environment; never stored). It is sent
    /// only when the base URL's host is one of `token_hosts`.
    pub token: Option<String>,
    /// The hosts that may receive the token: the user's own configuration
    /// or command line decides, never the repository (default
    /// `api.github.com`, and `gitlab.com` for GitLab).
    pub token_hosts: Vec<String>,
    /// Where merged pull requests are cached; `None`: no cache.
    pub cache_dir: Option<PathBuf>,
    /// Retries after a rate limit or server error.
    pub max_retries: u32,
    /// The longest single wait sef accepts before giving up.
    pub max_wait: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// A pull request and its reviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullReview {
    /// Its number.
    pub number: u64,
    /// Who opened it.
    pub author: String,
    /// Whether it was merged.
    pub merged: bool,
    /// Who approved it, other than its author.
    pub approvers: Vec<String>,
}

/// Why the forge could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForgeError {
    /// Rate-limited past the retries or the longest wait.
    #[error("rate-limited: {0}")]
    RateLimited(String),
    /// A request failed (network, HTTP status, a body that is not JSON).
    #[error("{0}")]
    Failed(String),
    /// The forge settings cannot be used (checked before any request).
    #[error("{0}")]
    Settings(String),
}

/// What a forge can tell about reviews.
pub trait Forge {
    /// Whether a `(#12)` or `Merge pull request #12` subject names one of
    /// this forge's pull requests.
    fn numbers_in_subjects(&self) -> bool {
        true
    }
    /// The pull requests a commit belongs to.
    fn pulls_for_commit(&mut self, sha: &str) -> Result<Vec<u64>, ForgeError>;
    /// One pull request and its approvals.
    fn pull(&mut self, number: u64) -> Result<PullReview, ForgeError>;
    /// Requests sent and answers taken from the cache.
    fn counts(&self) -> (usize, usize);
}

/// The REST client of a GitHub or GitLab forge.
pub struct ForgeClient {
    s: ForgeSettings,
    agent: ureq::Agent,
    requests: usize,
    cached: usize,
}

const MAX_BODY: u64 = 16 * 1024 * 1024;

/// Whether a parsed URL's host is the loopback interface: `localhost`, an
/// address in 127.0.0.0/8, or `::1`. Decided on the parsed host, so that
/// `http://127.0.0.1@evil.example` (user `127.0.0.1` at `evil.example`) is
/// not loopback.
pub fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether the token may go to this URL's host: the host (with its port,
/// when not the default) is one of `allowed` (case-insensitive).
pub fn token_host_allowed(u: &url::Url, allowed: &[String]) -> bool {
    let Some(host) = u.host_str() else {
        return false;
    };
    let with_port = u.port().map(|p| format!("{host}:{p}"));
    allowed.iter().any(|a| {
        a.eq_ignore_ascii_case(host)
            || with_port
                .as_deref()
                .is_some_and(|h| a.eq_ignore_ascii_case(h))
    })
}

impl ForgeClient {
    /// Whether requests carry the token (the user allowed the host).
    pub fn sends_token(&self) -> bool {
        self.s.token.is_some()
    }
}

impl ForgeClient {
    /// A client; refuses plain http except to the loopback interface, and
    /// drops the token when the base URL's host is not one the user allowed
    /// (see [`token_host_allowed`]).
    pub fn new(mut s: ForgeSettings) -> Result<Self, ForgeError> {
        let base = s.base_url.trim_end_matches('/').to_owned();
        let parsed = url::Url::parse(&base).map_err(|e| {
            ForgeError::Settings(format!("forge base URL `{base}` is not a URL: {e}"))
        })?;
        let loopback = is_loopback(&parsed);
        if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
            return Err(ForgeError::Settings(format!(
                "forge base URL `{base}` must use https (plain http is allowed only to the loopback interface)"
            )));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(ForgeError::Settings(format!(
                "forge base URL `{base}` must not carry a user name or password"
            )));
        }
        if s.token.is_some() && !token_host_allowed(&parsed, &s.token_hosts) {
            s.token = None;
        }
        let parts: Vec<&str> = s.repository.split('/').collect();
        let shape_ok = match s.kind {
            ForgeKind::GitHub => parts.len() == 2,
            ForgeKind::GitLab => parts.len() >= 2,
        };
        if !shape_ok
            || parts
                .iter()
                .any(|p| p.is_empty() || *p == "." || *p == "..")
        {
            return Err(ForgeError::Settings(format!(
                "forge repository `{}` must be `{}`",
                s.repository,
                match s.kind {
                    ForgeKind::GitHub => "owner/name",
                    ForgeKind::GitLab => "group/name (subgroups allowed)",
                }
            )));
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(s.timeout))
            .http_status_as_error(false)
            .https_only(!loopback)
            .max_redirects(3)
            .build();
        Ok(ForgeClient {
            agent: ureq::Agent::new_with_config(config),
            s,
            requests: 0,
            cached: 0,
        })
    }

    fn cache_path(&self, name: &str) -> Option<PathBuf> {
        let prefix = match self.s.kind {
            ForgeKind::GitHub => "",
            ForgeKind::GitLab => "gitlab__",
        };
        self.s.cache_dir.as_ref().map(|d| {
            d.join(format!("{prefix}{}", self.s.repository.replace('/', "__")))
                .join(format!("{name}.json"))
        })
    }

    /// GitLab's project id: the URL-encoded path.
    fn project(&self) -> String {
        self.s.repository.replace('/', "%2F")
    }

    fn cache_get<T: for<'de> Deserialize<'de>>(&mut self, name: &str) -> Option<T> {
        let p = self.cache_path(name)?;
        let text = sef_fs::read_string(&p, 64 * 1024 * 1024).ok()?;
        let v = serde_json::from_str(&text).ok()?;
        self.cached += 1;
        Some(v)
    }

    fn cache_put<T: Serialize>(&self, name: &str, value: &T) {
        let Some(p) = self.cache_path(name) else {
            return;
        };
        let Some(dir) = p.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(text) = serde_json::to_string(value) else {
            return;
        };
        let tmp = p.with_extension("tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, &p);
        }
    }

    /// GET `path` (below the base URL); `Ok(None)` for 404.
    fn get(&mut self, path: &str) -> Result<Option<Value>, ForgeError> {
        let url = format!("{}{path}", self.s.base_url.trim_end_matches('/'));
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.requests += 1;
            let mut req = self
                .agent
                .get(&url)
                .header("User-Agent", concat!("sef/", env!("CARGO_PKG_VERSION")));
            req = match self.s.kind {
                ForgeKind::GitHub => req
                    .header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28"),
                ForgeKind::GitLab => req.header("Accept", "application/json"),
            };
            if let Some(t) = &self.s.token {
                req = match self.s.kind {
                    ForgeKind::GitHub => req.header("Authorization", &format!("Bearer {t}")),
                    ForgeKind::GitLab => req.header("PRIVATE-TOKEN", t),
                };
            }
            let mut resp = match req.call() {
                Ok(r) => r,
                Err(e) => {
                    if attempt <= self.s.max_retries {
                        std::thread::sleep(backoff(attempt, self.s.max_wait));
                        continue;
                    }
                    return Err(ForgeError::Failed(format!("{url}: {e}")));
                }
            };
            let status = resp.status().as_u16();
            let header = |n: &str| {
                resp.headers()
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            match status {
                200 => {
                    let body = resp
                        .body_mut()
                        .with_config()
                        .limit(MAX_BODY)
                        .read_to_string()
                        .map_err(|e| ForgeError::Failed(format!("{url}: {e}")))?;
                    return serde_json::from_str(&body)
                        .map(Some)
                        .map_err(|e| ForgeError::Failed(format!("{url}: not JSON: {e}")));
                }
                404 => return Ok(None),
                401 => {
                    return Err(ForgeError::Failed(format!(
                        "{url}: the forge refused the token (401); check the token's environment variable"
                    )));
                }
                403 | 429 => {
                    // GitHub: x-ratelimit-*; GitLab: ratelimit-*
                    let remaining =
                        header("x-ratelimit-remaining").or_else(|| header("ratelimit-remaining"));
                    let limited = status == 429
                        || header("retry-after").is_some()
                        || remaining.as_deref() == Some("0");
                    if !limited {
                        return Err(ForgeError::Failed(format!("{url}: forbidden (403)")));
                    }
                    let wait = header("retry-after")
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs)
                        .or_else(|| {
                            let reset = header("x-ratelimit-reset")
                                .or_else(|| header("ratelimit-reset"))?
                                .trim()
                                .parse::<i64>()
                                .ok()?;
                            let now = chrono::Utc::now().timestamp();
                            Some(Duration::from_secs(
                                u64::try_from((reset - now).max(1)).ok()?,
                            ))
                        })
                        .unwrap_or_else(|| backoff(attempt, self.s.max_wait));
                    if attempt > self.s.max_retries || wait > self.s.max_wait {
                        return Err(ForgeError::RateLimited(format!(
                            "{url}: the forge asks to wait {} s (sef waits at most {} s, {} retries)",
                            wait.as_secs(),
                            self.s.max_wait.as_secs(),
                            self.s.max_retries
                        )));
                    }
                    std::thread::sleep(wait);
                }
                500..=599 => {
                    if attempt > self.s.max_retries {
                        return Err(ForgeError::Failed(format!("{url}: server error {status}")));
                    }
                    std::thread::sleep(backoff(attempt, self.s.max_wait));
                }
                other => return Err(ForgeError::Failed(format!("{url}: HTTP status {other}"))),
            }
        }
    }
}

fn backoff(attempt: u32, max: Duration) -> Duration {
    Duration::from_millis(250u64.saturating_mul(1 << attempt.min(10))).min(max)
}

impl Forge for ForgeClient {
    fn numbers_in_subjects(&self) -> bool {
        // `(#12)` on GitLab names an issue, not a merge request (`!12`)
        self.s.kind == ForgeKind::GitHub
    }

    fn pulls_for_commit(&mut self, sha: &str) -> Result<Vec<u64>, ForgeError> {
        if !sha.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ForgeError::Failed(format!("`{sha}` is not a commit id")));
        }
        let key = format!("commit-{sha}");
        if let Some(v) = self.cache_get::<Vec<u64>>(&key) {
            return Ok(v);
        }
        if self.s.kind == ForgeKind::GitLab {
            let path = format!(
                "/projects/{}/repository/commits/{sha}/merge_requests",
                self.project()
            );
            let Some(v) = self.get(&path)? else {
                return Ok(Vec::new());
            };
            let mrs: Vec<u64> = v
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|m| m["state"].as_str() == Some("merged"))
                        .filter_map(|m| m["iid"].as_u64())
                        .collect()
                })
                .unwrap_or_default();
            self.cache_put(&key, &mrs);
            return Ok(mrs);
        }
        let path = format!("/repos/{}/commits/{sha}/pulls", self.s.repository);
        let Some(v) = self.get(&path)? else {
            return Ok(Vec::new());
        };
        let pulls: Vec<u64> = v
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|p| !p["merged_at"].is_null())
                    .filter_map(|p| p["number"].as_u64())
                    .collect()
            })
            .unwrap_or_default();
        // A commit already on the main line keeps its pull requests.
        self.cache_put(&key, &pulls);
        Ok(pulls)
    }

    fn pull(&mut self, number: u64) -> Result<PullReview, ForgeError> {
        let key = format!("pull-{number}");
        if let Some(v) = self.cache_get::<PullReview>(&key) {
            return Ok(v);
        }
        if self.s.kind == ForgeKind::GitLab {
            return self.merge_request(number, &key);
        }
        let repo = self.s.repository.clone();
        let Some(p) = self.get(&format!("/repos/{repo}/pulls/{number}"))? else {
            return Err(ForgeError::Failed(format!(
                "pull request #{number} not found"
            )));
        };
        let author = p["user"]["login"].as_str().unwrap_or("").to_owned();
        let merged = !p["merged_at"].is_null();
        let mut approvers = Vec::new();
        for page in 1..=20 {
            let path = format!("/repos/{repo}/pulls/{number}/reviews?per_page=100&page={page}");
            let reviews = self.get(&path)?.unwrap_or(Value::Null);
            let list = reviews.as_array().cloned().unwrap_or_default();
            for r in &list {
                let who = r["user"]["login"].as_str().unwrap_or("");
                if r["state"].as_str() == Some("APPROVED") && !who.is_empty() && who != author {
                    approvers.push(who.to_owned());
                }
            }
            if list.len() < 100 {
                break;
            }
        }
        approvers.sort();
        approvers.dedup();
        let pr = PullReview {
            number,
            author,
            merged,
            approvers,
        };
        if pr.merged {
            self.cache_put(&key, &pr);
        }
        Ok(pr)
    }

    fn counts(&self) -> (usize, usize) {
        (self.requests, self.cached)
    }
}

impl ForgeClient {
    /// A GitLab merge request (by its project-local `iid`) and who approved
    /// it, other than its author.
    fn merge_request(&mut self, iid: u64, key: &str) -> Result<PullReview, ForgeError> {
        let base = format!("/projects/{}/merge_requests/{iid}", self.project());
        let Some(m) = self.get(&base)? else {
            return Err(ForgeError::Failed(format!(
                "merge request !{iid} not found"
            )));
        };
        let author = m["author"]["username"].as_str().unwrap_or("").to_owned();
        let merged = m["state"].as_str() == Some("merged") || !m["merged_at"].is_null();
        let approvals = self
            .get(&format!("{base}/approvals"))?
            .unwrap_or(Value::Null);
        let mut approvers: Vec<String> = approvals["approved_by"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["user"]["username"].as_str())
            .filter(|who| !who.is_empty() && *who != author)
            .map(str::to_owned)
            .collect();
        approvers.sort();
        approvers.dedup();
        let mr = PullReview {
            number: iid,
            author,
            merged,
            approvers,
        };
        if mr.merged {
            self.cache_put(key, &mr);
        }
        Ok(mr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn loopback_is_decided_on_the_parsed_host() {
        assert!(is_loopback(&u("http://127.0.0.1:8080/api")));
        assert!(is_loopback(&u("http://127.9.9.9/")));
        assert!(is_loopback(&u("http://localhost:1/")));
        assert!(is_loopback(&u("http://[::1]:5/")));
        // user "127.0.0.1" at evil.example
        assert!(!is_loopback(&u("http://127.0.0.1@evil.example/")));
        assert!(!is_loopback(&u("http://localhost.evil.example/")));
        assert!(!is_loopback(&u("http://127.0.0.1.evil.example/")));
    }

    #[test]
    fn the_token_goes_only_to_allowed_hosts() {
        let allowed = vec![
            "api.github.com".to_owned(),
            "ghe.example.com:8443".to_owned(),
        ];
        assert!(token_host_allowed(&u("https://api.github.com"), &allowed));
        assert!(token_host_allowed(&u("https://API.GitHub.com/x"), &allowed));
        assert!(token_host_allowed(
            &u("https://ghe.example.com:8443/api/v3"),
            &allowed
        ));
        assert!(!token_host_allowed(
            &u("https://ghe.example.com/api/v3"),
            &allowed
        ));
        assert!(!token_host_allowed(
            &u("https://api.github.com.evil.example"),
            &allowed
        ));
        assert!(!token_host_allowed(&u("https://evil.example"), &allowed));
    }

    #[test]
    fn a_client_drops_a_token_for_a_host_not_allowed_and_refuses_tricks() {
        let settings = |base: &str| ForgeSettings {
            kind: ForgeKind::GitHub,
            base_url: base.to_owned(),
            repository: "o/r".to_owned(),
            token: Some("t".to_owned()),
            token_hosts: vec!["api.github.com".to_owned()],
            cache_dir: None,
            max_retries: 0,
            max_wait: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
        };
        assert!(
            ForgeClient::new(settings("https://api.github.com"))
                .unwrap()
                .sends_token()
        );
        assert!(
            !ForgeClient::new(settings("https://evil.example"))
                .unwrap()
                .sends_token()
        );
        assert!(ForgeClient::new(settings("http://127.0.0.1@evil.example")).is_err());
        assert!(ForgeClient::new(settings("http://evil.example")).is_err());
        assert!(ForgeClient::new(settings("not a url")).is_err());
    }
}
