//! A tiny HTTP/1.1 server on 127.0.0.1 for tests of sef's downloads: each
//! request's path is answered by a function, and the answer can misbehave
//! on purpose (stall, truncate, send garbage) so the client's limits can be
//! proven.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How the server answers one request.
pub enum Reply {
    /// 200 with this body.
    Body(Vec<u8>),
    /// This status and an empty body.
    Status(u16),
    /// 200 announcing `declared` bytes, sends `body`, then closes.
    Truncated {
        /// What is sent.
        body: Vec<u8>,
        /// The Content-Length announced.
        declared: u64,
    },
    /// 200 announcing `declared` bytes, sends `body`, then sends nothing
    /// more for `wait`.
    Stall {
        /// What is sent before the stall.
        body: Vec<u8>,
        /// The Content-Length announced.
        declared: u64,
        /// How long to stay silent.
        wait: Duration,
    },
    /// Bytes that are not HTTP at all.
    Raw(Vec<u8>),
    /// Any status with extra headers and a body.
    Full {
        /// The status code.
        status: u16,
        /// Extra headers, e.g. `("Retry-After", "1")`.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
}

/// One request as the server saw it.
pub struct Request {
    /// The request target, e.g. `/repos/o/r/pulls/1`.
    pub path: String,
    /// The header lines, as sent.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// A header's value (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running server; it stops serving when the test process ends.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    hits: Arc<AtomicUsize>,
}

impl Server {
    /// Requests answered so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Starts a server whose answers come from `route(path)`.
pub fn serve(route: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Server {
    serve_requests(move |r: &Request| route(&r.path))
}

/// Starts a server whose answers come from `route(request)`.
pub fn serve_requests(route: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let route = Arc::new(route);
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let route = route.clone();
            let counter = counter.clone();
            std::thread::spawn(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = answer(stream, &*route);
            });
        }
    });
    Server { base, hits }
}

fn answer(mut s: TcpStream, route: &dyn Fn(&Request) -> Reply) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        if s.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split(' ').nth(1).unwrap_or("/").to_owned();
    let headers = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let request = Request { path, headers };
    let header = |status: u16, len: u64| {
        format!("HTTP/1.1 {status} X\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
    };
    match route(&request) {
        Reply::Body(b) => {
            s.write_all(header(200, b.len() as u64).as_bytes())?;
            s.write_all(&b)?;
        }
        Reply::Status(code) => s.write_all(header(code, 0).as_bytes())?,
        Reply::Truncated { body, declared } => {
            s.write_all(header(200, declared).as_bytes())?;
            s.write_all(&body)?;
        }
        Reply::Stall {
            body,
            declared,
            wait,
        } => {
            s.write_all(header(200, declared).as_bytes())?;
            s.write_all(&body)?;
            s.flush()?;
            std::thread::sleep(wait);
        }
        Reply::Raw(b) => s.write_all(&b)?,
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut h = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                h.push_str(&format!("{k}: {v}\r\n"));
            }
            h.push_str("\r\n");
            s.write_all(h.as_bytes())?;
            s.write_all(&body)?;
        }
    }
    s.flush()
}
