//! The server's background work on both backends, in process: an upload
//! whose gate fails sends one signed `gate.failed` event through the job
//! queue; an unreachable webhook retries with back-off, ends dead with its
//! error, and an operator retries it; the KPI summary is computed in the
//! background into the shared cache, served from it while the store is
//! unchanged and never served stale; only operators see the queue.

use crate::common::*;
use sef_model::access::{GrantScope, Role};
use sef_server::ServerConfig;
use sef_server::config::{JobsConfig, NotifyConfig};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the receiver keeps of each POST: its headers and body.
type Received = Arc<Mutex<Vec<(Vec<(String, String)>, String)>>>;

/// A webhook on loopback that answers 200 and keeps (headers, body).
fn receiver() -> (u16, Received) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            let mut r = BufReader::new(c.try_clone().unwrap());
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                r.read_line(&mut line).unwrap();
                let line = line.trim_end().to_owned();
                if line.is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
                }
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .map(|(_, v)| v.parse().unwrap())
                .unwrap_or(0);
            let mut body = vec![0; len];
            r.read_exact(&mut body).unwrap();
            c.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .unwrap();
            g.lock()
                .unwrap()
                .push((headers, String::from_utf8(body).unwrap()));
        }
    });
    (port, got)
}

fn config(url: String, max_attempts: i32) -> ServerConfig {
    ServerConfig {
        jobs: JobsConfig {
            workers: 2,
            lease_ms: 5_000,
            poll_ms: 20,
            retry_base_ms: 30,
            max_attempts,
        },
        notify: Some(NotifyConfig {
            url,
            secret: Some("k".into()),
            timeout_seconds: 5,
        }),
        ..ServerConfig::default()
    }
}

async fn wait_until(what: &str, mut f: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !f().await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_gate_is_notified_once_and_the_kpi_summary_is_cached_in_the_background() {
    for pg in [false, true] {
        let (port, got) = receiver();
        let cfg = config(format!("http://127.0.0.1:{port}/hook"), 3);
        let h = if pg {
            Harness::postgres_with("jobs_notify", cfg).await
        } else {
            Harness::sqlite_with(cfg).await
        };
        let workers = sef_server::jobs::Workers::start(&h.state);
        let u = h.user("root", &[(Role::Admin, GrantScope::Global)]).await;
        let root = h.session(&u).await;
        let d = h
            .user("dev", &[(Role::Developer, GrantScope::Global)])
            .await;
        let dev = h.session(&d).await;
        h.store().put_offering("shop", "t").await.unwrap();
        let a = h
            .send(
                "POST",
                "/api/v1/runs",
                &root,
                Some(body(&upload("shop", vec![finding("r1")]))),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.text());
        let run = a.json()["run"].as_str().unwrap().to_owned();
        wait_until("the gate.failed event", async || {
            !got.lock().unwrap().is_empty()
        })
        .await;
        // the roll-up job ran too: nothing waits
        wait_until("an empty queue", async || {
            let l = h.send("GET", "/api/v1/jobs", &root, None).await.json();
            l["counts"].get("queued").is_none() && l["counts"].get("running").is_none()
        })
        .await;
        let l = h
            .send("GET", "/api/v1/jobs?state=done", &root, None)
            .await
            .json();
        let kinds: Vec<&str> = l["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"notify") && kinds.contains(&"portfolio.rollup"),
            "{l}"
        );
        let events = got.lock().unwrap().clone();
        assert_eq!(events.len(), 1, "{events:?}");
        let (headers, text) = &events[0];
        let header = |k: &str| headers.iter().find(|(h, _)| h == k).map(|(_, v)| v.clone());
        assert_eq!(header("sef-event").as_deref(), Some("gate.failed"));
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"k");
        let tag = hex::encode(ring::hmac::sign(&key, text.as_bytes()).as_ref());
        assert_eq!(header("sef-signature"), Some(format!("sha256={tag}")));
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["data"]["run"], run.as_str());
        assert_eq!(v["data"]["offering"], "shop");
        assert_eq!(v["delivery"].to_string(), header("sef-delivery").unwrap());

        // the summary was cached by the job at the current head, and the
        // route answers the same as computing it afresh
        let cached = h
            .state
            .store
            .cached_summary("kpis/team/latest/all")
            .await
            .unwrap()
            .expect("the roll-up job filled the cache");
        let served = h
            .send("GET", "/api/v1/portfolio/kpis?by=team", &root, None)
            .await;
        assert_eq!(served.status, 200);
        assert_eq!(served.text(), cached);
        let groups: Vec<sef_store::GroupSummary> = {
            let q = sef_server::api::portfolio::rollup_query(Some("team"), None, None).unwrap();
            h.state.store.kpi_rollup(&q).await.unwrap()
        };
        assert_eq!(
            served.json()["groups"],
            serde_json::to_value(&groups).unwrap()
        );
        assert_eq!(groups[0].releases, 1);

        // a second release changes the portfolio: the old entry is never
        // served, whether or not the job has run yet
        let mut up = upload("shop", vec![]);
        up.run.release.version = "1.1.0".into();
        up.plan_files[0].text = up.plan_files[0].text.replace("1.0.0", "1.1.0");
        let a = h.send("POST", "/api/v1/runs", &root, Some(body(&up))).await;
        assert_eq!(a.status, 201, "{}", a.text());
        let all = h
            .send(
                "GET",
                "/api/v1/portfolio/kpis?by=team&releases=all",
                &root,
                None,
            )
            .await
            .json();
        assert_eq!(all["groups"][0]["releases"], 2, "{all}");
        // a developer's view (filtered to what they may read) is cached apart
        let a = h
            .send("GET", "/api/v1/portfolio/kpis?by=tier", &dev, None)
            .await;
        assert_eq!(a.status, 200, "{}", a.text());

        // only operators see and drive the queue
        for (m, p) in [
            ("GET", "/api/v1/jobs"),
            ("POST", "/api/v1/notifications/test"),
            ("POST", "/api/v1/portfolio/reindex"),
        ] {
            assert_eq!(h.send(m, p, &dev, None).await.status, 403, "{m} {p}");
        }
        // a re-index through the queue keeps the same answers
        let a = h
            .send("POST", "/api/v1/portfolio/reindex", &root, None)
            .await;
        assert_eq!(a.status, 202, "{}", a.text());
        let id = a.json()["job"].as_i64().unwrap();
        wait_until("the re-index", async || {
            h.send("GET", &format!("/api/v1/jobs/{id}"), &root, None)
                .await
                .json()["state"]
                == "done"
        })
        .await;
        let again = h
            .send(
                "GET",
                "/api/v1/portfolio/kpis?by=team&releases=all",
                &root,
                None,
            )
            .await
            .json();
        assert_eq!(again["groups"], all["groups"]);
        workers.stop(Duration::from_secs(5)).await;
        h.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_webhook_is_retried_then_dead_until_an_operator_retries_it() {
    for pg in [false, true] {
        // a port nobody listens on
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let cfg = config(format!("http://127.0.0.1:{port}/hook"), 3);
        let h = if pg {
            Harness::postgres_with("jobs_dead", cfg).await
        } else {
            Harness::sqlite_with(cfg).await
        };
        let workers = sef_server::jobs::Workers::start(&h.state);
        let u = h.user("root", &[(Role::Admin, GrantScope::Global)]).await;
        let root = h.session(&u).await;
        let a = h
            .send("POST", "/api/v1/notifications/test", &root, None)
            .await;
        assert_eq!(a.status, 202, "{}", a.text());
        let id = a.json()["job"].as_i64().unwrap();
        let path = format!("/api/v1/jobs/{id}");
        let started = Instant::now();
        wait_until("the job to die", async || {
            h.send("GET", &path, &root, None).await.json()["state"] == "dead"
        })
        .await;
        // three attempts with back-off between them: 30 ms, then 60 ms
        assert!(started.elapsed() >= Duration::from_millis(90));
        let j = h.send("GET", &path, &root, None).await.json();
        assert_eq!(j["attempts"], 3, "{j}");
        assert!(
            j["last_error"]
                .as_str()
                .unwrap()
                .contains("cannot reach the webhook"),
            "{j}"
        );
        let l = h
            .send("GET", "/api/v1/jobs?state=dead", &root, None)
            .await
            .json();
        assert_eq!(l["counts"]["dead"], 1, "{l}");
        assert_eq!(l["jobs"][0]["id"], id);
        let a = h
            .send("POST", "/api/v1/jobs?state=bogus", &root, None)
            .await;
        assert_eq!(a.status, 405);
        assert_eq!(
            h.send("GET", "/api/v1/jobs?state=bogus", &root, None)
                .await
                .status,
            422
        );
        // an operator retries it: queued with fresh attempts, audited
        let a = h.send("POST", &format!("{path}/retry"), &root, None).await;
        assert_eq!(a.status, 202, "{}", a.text());
        wait_until("the retried job to die again", async || {
            let j = h.send("GET", &path, &root, None).await.json();
            j["state"] == "dead" && j["attempts"] == 3
        })
        .await;
        let audit = h.send("GET", "/api/v1/audit", &root, None).await.json();
        assert!(audit.to_string().contains("job.retry"), "{audit}");
        assert_eq!(
            h.send("POST", "/api/v1/jobs/999999/retry", &root, None)
                .await
                .status,
            404
        );
        workers.stop(Duration::from_secs(5)).await;
        h.close().await;
    }
}
