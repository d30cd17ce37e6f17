//! Request counters for Prometheus (`/metrics`, text format 0.0.4): requests
//! by route template, method and status, and their total duration. Each
//! node counts its own requests; Prometheus scrapes every node.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// (route, method, status).
type Key = (String, String, u16);

/// The counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Requests and seconds spent, by key.
    inner: Mutex<BTreeMap<Key, (u64, f64)>>,
}

impl Metrics {
    /// Counts one request.
    pub fn record(&self, route: &str, method: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.inner.lock() {
            let e = m
                .entry((route.to_owned(), method.to_owned(), status))
                .or_insert((0, 0.0));
            e.0 += 1;
            e.1 += seconds;
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP sef_http_requests_total HTTP requests answered, by route, method and status.\n\
             # TYPE sef_http_requests_total counter\n",
        );
        let mut dur = String::from(
            "# HELP sef_http_request_duration_seconds_sum Time spent answering, by route, method and status.\n\
             # TYPE sef_http_request_duration_seconds_sum counter\n",
        );
        if let Ok(m) = self.inner.lock() {
            for ((route, method, status), (n, s)) in m.iter() {
                let labels = format!(
                    "route=\"{}\",method=\"{}\",status=\"{status}\"",
                    escape(route),
                    escape(method)
                );
                out.push_str(&format!("sef_http_requests_total{{{labels}}} {n}\n"));
                dur.push_str(&format!(
                    "sef_http_request_duration_seconds_sum{{{labels}}} {s}\n"
                ));
            }
        }
        out.push_str(&dur);
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
