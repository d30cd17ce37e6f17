//! The shared job queue and the summary cache, on SQLite and PostgreSQL:
//! claims are exclusive even when many claimers race, a lost lease fences
//! the old holder out, failures retry with back-off and end dead, waiting
//! work coalesces, and a cached summary is served only at the audit head
//! it was computed at.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_store::jobs::{backoff_ms, now_us};
use sef_store::{Change, Fence, JobState, NewJob, Store};
use std::collections::HashSet;
mod common;
use common::each_backend;

fn job(kind: &str, n: i64) -> NewJob {
    NewJob {
        kind: kind.into(),
        payload: serde_json::json!({ "n": n }),
        max_attempts: 3,
        unique_key: None,
    }
}

#[tokio::test]
async fn racing_claimers_take_each_job_exactly_once() {
    each_backend("jobs_race", |s| async move {
        for n in 0..60 {
            assert!(s.enqueue_job(&job("notify", n)).await.unwrap().is_some());
        }
        // eight claimers at once, each until the queue is empty
        let mut tasks = Vec::new();
        for c in 0..8 {
            let s: Store = s.clone();
            tasks.push(tokio::spawn(async move {
                let node = format!("node-{c}");
                let mut got = Vec::new();
                while let Some(j) = s.claim_job(&node, 60_000).await.unwrap() {
                    assert_eq!(j.attempt, 1);
                    assert_eq!(s.complete_job(&j, &node).await.unwrap(), Fence::Held);
                    got.push(j.payload["n"].as_i64().unwrap());
                }
                got
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all.sort_unstable();
        assert_eq!(
            all,
            (0..60).collect::<Vec<_>>(),
            "every job once, none twice"
        );
        let done = s.jobs(Some(JobState::Done), 1000).await.unwrap();
        assert_eq!(done.len(), 60);
        assert!(done.iter().all(|j| j.attempts == 1 && j.done_by.is_some()));
        assert!(s.claim_job("late", 60_000).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_fences_the_old_holder() {
    each_backend("jobs_lease", |s| async move {
        let id = s.enqueue_job(&job("notify", 1)).await.unwrap().unwrap();
        // a lease long enough for a loaded test machine to claim twice in
        let a = s.claim_job("a", 400).await.unwrap().unwrap();
        assert_eq!(a.id, id);
        // held: nobody else gets it
        assert!(s.claim_job("b", 400).await.unwrap().is_none());
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        // node a stopped renewing: b claims it again, as attempt 2
        let b = s.claim_job("b", 60_000).await.unwrap().unwrap();
        assert_eq!((b.id, b.attempt), (id, 2));
        // a comes back: it can neither renew, finish nor fail the job
        assert_eq!(s.renew_job(&a, "a", 60_000).await.unwrap(), Fence::Lost);
        assert_eq!(s.complete_job(&a, "a").await.unwrap(), Fence::Lost);
        assert_eq!(
            s.fail_job(&a, "a", "late", None).await.unwrap(),
            Fence::Lost
        );
        assert_eq!(s.renew_job(&b, "b", 60_000).await.unwrap(), Fence::Held);
        assert_eq!(s.complete_job(&b, "b").await.unwrap(), Fence::Held);
        let j = s.job(id).await.unwrap().unwrap();
        assert_eq!(j.state, JobState::Done);
        assert_eq!((j.attempts, j.done_by.as_deref()), (2, Some("b")));
        // finished once: b cannot finish it again either
        assert_eq!(s.complete_job(&b, "b").await.unwrap(), Fence::Lost);
    })
    .await;
}

#[tokio::test]
async fn failures_retry_with_back_off_then_die_and_an_admin_retries() {
    each_backend("jobs_dead", |s| async move {
        let id = s.enqueue_job(&job("notify", 1)).await.unwrap().unwrap();
        for attempt in 1..=3 {
            let j = s.claim_job("n", 60_000).await.unwrap().unwrap();
            assert_eq!(j.attempt, attempt);
            let retry = (attempt < 3).then(|| now_us() + 400_000);
            let why = format!("webhook answered 503 (attempt {attempt})");
            assert_eq!(s.fail_job(&j, "n", &why, retry).await.unwrap(), Fence::Held);
            if attempt < 3 {
                // not before its time
                let r = s.job(id).await.unwrap().unwrap();
                assert_eq!(r.state, JobState::Queued);
                assert!(r.run_at_us > now_us() + 100_000);
                assert!(s.claim_job("n", 60_000).await.unwrap().is_none());
                tokio::time::sleep(std::time::Duration::from_millis(450)).await;
            }
        }
        let dead = s.job(id).await.unwrap().unwrap();
        assert_eq!(dead.state, JobState::Dead);
        assert_eq!(
            dead.last_error.as_deref(),
            Some("webhook answered 503 (attempt 3)")
        );
        assert!(
            s.claim_job("n", 60_000).await.unwrap().is_none(),
            "dead stays dead"
        );
        let counts: Vec<(String, i64)> = s.job_counts().await.unwrap();
        assert_eq!(counts, vec![("dead".to_owned(), 1)]);
        assert!(s.requeue_job(id).await.unwrap());
        assert!(
            !s.requeue_job(id).await.unwrap(),
            "only a dead job is retried"
        );
        let j = s.claim_job("n", 60_000).await.unwrap().unwrap();
        assert_eq!((j.id, j.attempt), (id, 1));
    })
    .await;
}

#[tokio::test]
async fn waiting_work_with_one_key_coalesces() {
    each_backend("jobs_unique", |s| async move {
        let mut k = job("portfolio.rollup", 0);
        k.unique_key = Some("portfolio.rollup".into());
        let first = s.enqueue_job(&k).await.unwrap();
        assert!(first.is_some());
        assert_eq!(s.enqueue_job(&k).await.unwrap(), None, "coalesced");
        // once it runs, new work queues again (the change came after it started)
        let j = s.claim_job("n", 60_000).await.unwrap().unwrap();
        let second = s.enqueue_job(&k).await.unwrap();
        assert!(second.is_some() && second != first);
        // the running one fails: the queued one does the same work, so the
        // failed one is finished as superseded rather than queued twice
        assert_eq!(
            s.fail_job(&j, "n", "boom", Some(now_us())).await.unwrap(),
            Fence::Held
        );
        let old = s.job(j.id).await.unwrap().unwrap();
        assert_eq!(old.state, JobState::Done);
        assert!(old.last_error.unwrap().starts_with("superseded"));
        let queued = s.jobs(Some(JobState::Queued), 10).await.unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(Some(queued[0].id), second);
    })
    .await;
}

#[tokio::test]
async fn debounced_work_is_pushed_back_while_requests_keep_coming() {
    each_backend("jobs_debounce", |s| async move {
        let k = job("portfolio.rollup", 0);
        let first = s
            .enqueue_debounced(&k, "rollup", now_us() + 300_000)
            .await
            .unwrap();
        // not due yet, and each new request moves it back
        assert!(s.claim_job("n", 60_000).await.unwrap().is_none());
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let again = s
            .enqueue_debounced(&k, "rollup", now_us() + 300_000)
            .await
            .unwrap();
        assert_eq!(first, again, "the same waiting job");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(
            s.claim_job("n", 60_000).await.unwrap().is_none(),
            "pushed back past the first time"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let j = s.claim_job("n", 60_000).await.unwrap().unwrap();
        assert_eq!(j.id, first);
        assert_eq!(s.jobs(None, 10).await.unwrap().len(), 1);
        // while it runs, a new request queues a new job
        let next = s.enqueue_debounced(&k, "rollup", now_us()).await.unwrap();
        assert_ne!(next, first);
    })
    .await;
}

#[tokio::test]
async fn a_cached_summary_is_served_only_at_its_audit_head() {
    each_backend("summary_cache", |s| async move {
        let seq = s.audit_seq().await.unwrap();
        s.put_cached_summary("kpis/team/latest/all", seq, "{\"v\":1}")
            .await
            .unwrap();
        assert_eq!(
            s.cached_summary("kpis/team/latest/all")
                .await
                .unwrap()
                .as_deref(),
            Some("{\"v\":1}")
        );
        assert_eq!(
            s.cached_summary("kpis/tier/latest/all").await.unwrap(),
            None
        );
        // any change on any node moves the head: the entry is stale
        s.audit(&Change::new("test.change", "x", serde_json::json!({})))
            .await
            .unwrap();
        assert_eq!(
            s.cached_summary("kpis/team/latest/all").await.unwrap(),
            None
        );
        // an entry computed at an older head never replaces a newer one
        let now = s.audit_seq().await.unwrap();
        assert_eq!(now, seq + 1);
        s.put_cached_summary("kpis/team/latest/all", now, "{\"v\":2}")
            .await
            .unwrap();
        s.put_cached_summary("kpis/team/latest/all", seq, "{\"v\":1}")
            .await
            .unwrap();
        assert_eq!(
            s.cached_summary("kpis/team/latest/all")
                .await
                .unwrap()
                .as_deref(),
            Some("{\"v\":2}")
        );
    })
    .await;
}

#[test]
fn back_off_doubles_and_is_capped() {
    assert_eq!(backoff_ms(5_000, 1), 5_000);
    assert_eq!(backoff_ms(5_000, 2), 10_000);
    assert_eq!(backoff_ms(5_000, 4), 40_000);
    assert_eq!(backoff_ms(5_000, 40), 3_600_000);
    assert_eq!(backoff_ms(5_000, 0), 5_000);
    let distinct: HashSet<u64> = (1..6).map(|a| backoff_ms(100, a)).collect();
    assert_eq!(distinct.len(), 5);
}
