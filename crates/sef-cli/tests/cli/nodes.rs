//! Several `sef serve` nodes on one PostgreSQL store, as real processes:
//! a session made on one node works on the other; the shared job queue
//! runs every job exactly once across both; and a node killed in the
//! middle of a job leaves it to the other node, which retries it (the
//! same delivery id, the next attempt) instead of losing or doubling it.
//! The webhook the jobs call is a receiver in this test that records
//! every delivery and can hold one open, so that the kill lands mid-job.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::serve::{Server, free_port, set_up};
use crate::common;
use common::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "a shared webhook secret";
const PASSWORD: &str = "a long enough password";

/// One POST the receiver got.
#[derive(Debug, Clone)]
struct Delivery {
    id: String,
    attempt: String,
    event: String,
    signature_ok: bool,
    /// Answered 200 (false: held open until the sender went away).
    answered: bool,
}

/// A webhook receiver on loopback.
struct Hook {
    port: u16,
    seen: Arc<Mutex<Vec<Delivery>>>,
    hold_next: Arc<AtomicBool>,
}

impl Hook {
    fn start() -> Hook {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let hold_next = Arc::new(AtomicBool::new(false));
        let (s, h) = (seen.clone(), hold_next.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (s, h) = (s.clone(), h.clone());
                std::thread::spawn(move || receive(conn, &s, &h));
            }
        });
        Hook {
            port,
            seen,
            hold_next,
        }
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.seen.lock().unwrap().clone()
    }
}

fn receive(mut conn: std::net::TcpStream, seen: &Mutex<Vec<Delivery>>, hold: &AtomicBool) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers["content-length"].parse().unwrap();
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes());
    let tag = hex::encode(ring::hmac::sign(&key, &body).as_ref());
    let mut d = Delivery {
        id: headers.get("sef-delivery").cloned().unwrap_or_default(),
        attempt: headers.get("sef-attempt").cloned().unwrap_or_default(),
        event: headers.get("sef-event").cloned().unwrap_or_default(),
        signature_ok: headers.get("sef-signature") == Some(&format!("sha256={tag}")),
        answered: false,
    };
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body["delivery"].to_string(),
        d.id,
        "the body names its delivery"
    );
    if hold.swap(false, Ordering::SeqCst) {
        // mid-job: never answer; wait until the sending node goes away
        seen.lock().unwrap().push(d);
        conn.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let started = Instant::now();
        let mut buf = [0u8; 64];
        while started.elapsed() < Duration::from_secs(120) {
            match conn.read(&mut buf) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return,
            }
        }
        return;
    }
    conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .unwrap();
    d.answered = true;
    seen.lock().unwrap().push(d);
}

/// A request with a session cookie: (status, Set-Cookie, body).
fn call(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    csrf: Option<&str>,
    body: &str,
) -> (u16, Option<String>, serde_json::Value) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(c) = cookie {
        req += &format!("Cookie: {c}\r\n");
    }
    if let Some(t) = csrf {
        req += &format!("X-CSRF-Token: {t}\r\n");
    }
    write!(s, "{req}\r\n{body}").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .map(|l| l[11..].trim().split(';').next().unwrap().to_owned());
    let body = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    (status, cookie, body)
}

fn wait_for<T>(what: &str, secs: u64, mut f: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(t) = f() {
            return t;
        }
        assert!(
            started.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn kill_9(server: Server) {
    let pid = server.0.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .unwrap()
            .success()
    );
    drop(server);
}

#[test]
fn two_nodes_share_sessions_and_run_each_job_once_even_when_one_is_killed_mid_job() {
    let (base, schema, url, rt) = postgres_schema("sef_nodes");
    let env = Env::new();
    set_up(&env, &url);
    let hook = Hook::start();
    let config = env.repo("config").join("serve.toml");
    write(
        config.parent().unwrap(),
        "serve.toml",
        &format!(
            "[jobs]\nworkers = 2\nlease_ms = 1500\npoll_ms = 50\nretry_base_ms = 100\nmax_attempts = 5\n\
             [notify]\nurl = \"http://127.0.0.1:{}/hook\"\nsecret = \"{SECRET}\"\ntimeout_seconds = 120\n",
            hook.port
        ),
    );
    let cfg = config.to_str().unwrap();

    // node A alone; the webhook will hold its first delivery open
    let (pa, pb) = (free_port(), free_port());
    let a = Server::start_with(&env, &url, pa, &["--config", cfg, "--node-id", "node-a"]);
    let login = format!("{{\"name\":\"root\",\"password\":\"{PASSWORD}\"}}");
    let (status, cookie, me) = call(pa, "POST", "/api/v1/login", None, None, &login);
    assert_eq!(status, 200, "{me}");
    let cookie = cookie.expect("a session cookie");
    let csrf = me["csrf"].as_str().unwrap().to_owned();

    hook.hold_next.store(true, Ordering::SeqCst);
    let (status, _, q) = call(
        pa,
        "POST",
        "/api/v1/notifications/test",
        Some(&cookie),
        Some(&csrf),
        "",
    );
    assert_eq!(status, 202, "{q}");
    let held = q["job"].as_i64().unwrap().to_string();
    wait_for("node A to start the delivery", 30, || {
        hook.deliveries().iter().find(|d| d.id == held).cloned()
    });
    let (_, _, j) = call(
        pa,
        "GET",
        &format!("/api/v1/jobs/{held}"),
        Some(&cookie),
        None,
        "",
    );
    assert_eq!(j["state"], "running", "{j}");
    assert_eq!(j["locked_by"], "node-a", "{j}");

    // kill A mid-job; start B
    kill_9(a);
    let b = Server::start_with(&env, &url, pb, &["--config", cfg, "--node-id", "node-b"]);

    // the session made on A works on B, for reading and for changes
    let (status, _, me_b) = call(pb, "GET", "/api/v1/me", Some(&cookie), None, "");
    assert_eq!(status, 200, "{me_b}");
    assert_eq!(me_b["user"], "root");
    assert_eq!(me_b["csrf"].as_str(), Some(csrf.as_str()));

    // B takes the job over once A's lease runs out, as its second attempt
    let done = wait_for("node B to finish the job A left", 60, || {
        let (_, _, j) = call(
            pb,
            "GET",
            &format!("/api/v1/jobs/{held}"),
            Some(&cookie),
            None,
            "",
        );
        (j["state"] == "done").then_some(j)
    });
    assert_eq!(done["done_by"], "node-b", "{done}");
    assert_eq!(done["attempts"], 2, "{done}");
    let of_held: Vec<Delivery> = hook
        .deliveries()
        .into_iter()
        .filter(|d| d.id == held)
        .collect();
    assert_eq!(of_held.len(), 2, "one cut short, one retried: {of_held:?}");
    assert_eq!(
        of_held.iter().filter(|d| d.answered).count(),
        1,
        "delivered once: {of_held:?}"
    );
    assert_eq!(of_held[0].attempt, "1");
    assert_eq!(of_held[1].attempt, "2");
    assert!(of_held.iter().all(|d| d.signature_ok && d.event == "test"));

    // both nodes working: forty jobs queued through both, each delivered once
    let a = Server::start_with(&env, &url, pa, &["--config", cfg, "--node-id", "node-a2"]);
    let mut ids = Vec::new();
    for i in 0..40 {
        let port = if i % 2 == 0 { pa } else { pb };
        let (status, _, q) = call(
            port,
            "POST",
            "/api/v1/notifications/test",
            Some(&cookie),
            Some(&csrf),
            "",
        );
        assert_eq!(status, 202, "{q}");
        ids.push(q["job"].as_i64().unwrap().to_string());
    }
    wait_for("forty jobs done", 60, || {
        let (_, _, l) = call(
            pa,
            "GET",
            "/api/v1/jobs?state=done&limit=1000",
            Some(&cookie),
            None,
            "",
        );
        (l["jobs"].as_array().unwrap().len() == 41).then_some(())
    });
    let seen = hook.deliveries();
    for id in &ids {
        let got: Vec<&Delivery> = seen.iter().filter(|d| &d.id == id).collect();
        assert_eq!(got.len(), 1, "job {id} delivered {} times", got.len());
        assert!(got[0].answered && got[0].signature_ok && got[0].attempt == "1");
    }
    let (_, _, l) = call(
        pb,
        "GET",
        "/api/v1/jobs?state=done&limit=1000",
        Some(&cookie),
        None,
        "",
    );
    let mut by_node: BTreeMap<String, usize> = BTreeMap::new();
    for j in l["jobs"].as_array().unwrap() {
        *by_node
            .entry(j["done_by"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(
        by_node
            .keys()
            .all(|n| ["node-a2", "node-b"].contains(&n.as_str())),
        "{by_node:?}"
    );
    assert_eq!(l["counts"]["done"], 41, "{l}");
    assert!(l["counts"].get("dead").is_none(), "{l}");

    // a dead job is listed with its error and an admin retries it
    let (status, _, r) = call(
        pb,
        "POST",
        &format!("/api/v1/jobs/{held}/retry"),
        Some(&cookie),
        Some(&csrf),
        "",
    );
    assert_eq!(status, 409, "a done job is not retried: {r}");

    a.stop();
    b.stop();
    rt.block_on(sef_store::Store::drop_postgres_schema(&base, &schema))
        .unwrap();
}
