//! Background work: this node's workers on the store's shared job queue
//! ([`sef_store::jobs`]).
//!
//! Each worker claims one job at a time under a lease, renews the lease
//! while it works, and marks the attempt done or failed, fenced by its
//! node and attempt. A job whose node stopped is claimed again when its
//! lease runs out; a failed job is retried with exponential back-off, then
//! dead. Kinds:
//!
//! * `portfolio.rollup`: computes the portfolio KPI summaries into the
//!   store's cache (queued, coalesced, after every stored run);
//! * `portfolio.reindex`: rebuilds the portfolio index from the stored
//!   runs (an admin asks for it);
//! * `notify`: POSTs an event to the configured webhook (a failed gate on
//!   an uploaded run, a test event).

use crate::AppState;
use crate::api::portfolio::{KpiSummary, summary_cache_key};
use sef_store::{ClaimedJob, Fence, NewJob, QueuedWith, RollupKey, RollupQuery};
use std::time::Duration;
use tokio::sync::watch;

/// The KPI summary job.
pub const ROLLUP: &str = "portfolio.rollup";
/// The re-index job.
pub const REINDEX: &str = "portfolio.reindex";
/// The webhook job.
pub const NOTIFY: &str = "notify";

/// Every kind a worker knows.
pub const KINDS: &[&str] = &[ROLLUP, REINDEX, NOTIFY];

/// This node's name in the queue: the configured one, or host name,
/// process id and a random suffix.
pub fn node_id(configured: Option<&str>) -> String {
    if let Some(n) = configured {
        return n.to_owned();
    }
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into());
    format!(
        "{host}/{}/{:04x}",
        std::process::id(),
        rand::random::<u16>()
    )
}

/// How long the store must stay without a new run before the KPI
/// summaries are recomputed: each stored run pushes the waiting
/// recomputation back, so a stream of uploads is not slowed by summaries
/// that the next upload would make stale anyway.
pub const ROLLUP_DELAY_MS: i64 = 2_000;

/// The KPI summaries' recomputation [`ROLLUP_DELAY_MS`] from now, pushing
/// back one that already waits, to queue with a stored run. Should it be
/// lost, the cache is checked against the store's version on every read,
/// so a missed recomputation makes reads slower, never wrong.
pub fn rollup_job(state: &AppState) -> QueuedWith {
    QueuedWith {
        job: NewJob {
            kind: ROLLUP.into(),
            payload: serde_json::json!({}),
            max_attempts: state.config.jobs.max_attempts,
            unique_key: Some(ROLLUP.into()),
        },
        run_at_us: sef_store::jobs::now_us() + ROLLUP_DELAY_MS * 1000,
        debounce: true,
    }
}

/// An event for the webhook, to queue now; `None` when no webhook is
/// configured.
pub fn event_job(state: &AppState, event: &str, data: serde_json::Value) -> Option<QueuedWith> {
    state.config.notify.as_ref()?;
    Some(QueuedWith {
        job: NewJob {
            kind: NOTIFY.into(),
            payload: serde_json::json!({ "event": event, "data": data }),
            max_attempts: state.config.jobs.max_attempts,
            unique_key: None,
        },
        run_at_us: sef_store::jobs::now_us(),
        debounce: false,
    })
}

/// Queues an event for the webhook on its own, when one is configured.
/// Returns the job id (the delivery id).
pub async fn queue_event(
    state: &AppState,
    event: &str,
    data: serde_json::Value,
) -> Result<Option<i64>, sef_store::StoreError> {
    match event_job(state, event, data) {
        Some(q) => state.store.enqueue_job_at(&q.job, q.run_at_us).await,
        None => Ok(None),
    }
}

/// The running workers of this node.
pub struct Workers {
    stop: watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// Starts `state.config.jobs.workers` workers.
    pub fn start(state: &AppState) -> Workers {
        let (stop, rx) = watch::channel(false);
        let handles = (0..state.config.jobs.workers)
            .map(|_| tokio::spawn(work(state.clone(), rx.clone())))
            .collect();
        if state.config.jobs.workers > 0 {
            tracing::info!(node = %state.node, workers = state.config.jobs.workers, "job workers started");
        }
        Workers { stop, handles }
    }

    /// Stops claiming work and waits for the jobs under way (at most
    /// `grace`; a job cut short is retried by a node once its lease runs
    /// out).
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        let all = futures_join(self.handles);
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!(
                "jobs still running at shutdown; their leases will run out and another node retries them"
            );
        }
    }
}

async fn futures_join(handles: Vec<tokio::task::JoinHandle<()>>) {
    for h in handles {
        let _ = h.await;
    }
}

async fn work(state: AppState, mut stop: watch::Receiver<bool>) {
    let poll = Duration::from_millis(state.config.jobs.poll_ms.max(1));
    let lease = i64::try_from(state.config.jobs.lease_ms.max(100)).unwrap_or(30_000);
    while !*stop.borrow() {
        match state.store.claim_job(&state.node, lease).await {
            Ok(Some(job)) => run_one(&state, job, lease).await,
            Ok(None) => {
                tokio::select! {
                    () = tokio::time::sleep(poll) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim a job");
                tokio::time::sleep(poll).await;
            }
        }
    }
}

/// Runs one claimed attempt, renewing its lease while it works.
async fn run_one(state: &AppState, job: ClaimedJob, lease_ms: i64) {
    let node: &str = &state.node;
    if job.attempt > job.max_attempts {
        // every attempt's node stopped before finishing it
        let why = format!(
            "{} attempts started and none finished: the nodes running it stopped before their leases ran out",
            job.max_attempts
        );
        let _ = state.store.fail_job(&job, node, &why, None).await;
        tracing::warn!(job = job.id, kind = %job.kind, "job dead: {why}");
        return;
    }
    let renew = async {
        let every = Duration::from_millis(u64::try_from(lease_ms / 3).unwrap_or(1000).max(30));
        loop {
            tokio::time::sleep(every).await;
            match state.store.renew_job(&job, node, lease_ms).await {
                Ok(Fence::Held) => {}
                Ok(Fence::Lost) => return,
                Err(e) => tracing::warn!(job = job.id, error = %e, "cannot renew a job's lease"),
            }
        }
    };
    let outcome = tokio::select! {
        r = execute(state, &job) => r,
        () = renew => {
            tracing::warn!(job = job.id, kind = %job.kind, "lost the job's lease; another node has it now");
            return;
        }
    };
    let fenced = match outcome {
        Ok(()) => state.store.complete_job(&job, node).await,
        Err(why) => {
            let retry = (job.attempt < job.max_attempts).then(|| {
                let ms = sef_store::jobs::backoff_ms(state.config.jobs.retry_base_ms, job.attempt);
                sef_store::jobs::now_us() + i64::try_from(ms).unwrap_or(i64::MAX / 4_000) * 1000
            });
            tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempt, retry = retry.is_some(), "job failed: {why}");
            state.store.fail_job(&job, node, &why, retry).await
        }
    };
    match fenced {
        Ok(Fence::Held) => {}
        Ok(Fence::Lost) => tracing::warn!(
            job = job.id,
            "the job was taken over by another node before this one finished; its result is not recorded"
        ),
        Err(e) => {
            tracing::warn!(job = job.id, error = %e, "cannot record the job's outcome; it will be retried")
        }
    }
}

async fn execute(state: &AppState, job: &ClaimedJob) -> Result<(), String> {
    match job.kind.as_str() {
        ROLLUP => rollup(state).await,
        REINDEX => {
            let n = state
                .store
                .rebuild_portfolio()
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(releases = n, "portfolio re-indexed");
            rollup(state).await
        }
        NOTIFY => notify(state, job).await,
        other => Err(format!(
            "unknown job kind `{other}` (a newer sef queued it?); this node knows {}",
            KINDS.join(", ")
        )),
    }
}

/// Computes every unfiltered KPI summary into the cache.
async fn rollup(state: &AppState) -> Result<(), String> {
    for by in [RollupKey::Team, RollupKey::BusinessUnit, RollupKey::Tier] {
        for all_releases in [false, true] {
            let q = RollupQuery {
                by,
                all_releases,
                offerings: None,
            };
            // the version first: a change made meanwhile leaves the entry stale
            let seq = state.store.audit_seq().await.map_err(|e| e.to_string())?;
            let groups = state
                .store
                .kpi_rollup(&q)
                .await
                .map_err(|e| e.to_string())?;
            let body =
                serde_json::to_string(&KpiSummary::of(&q, groups)).map_err(|e| e.to_string())?;
            state
                .store
                .put_cached_summary(&summary_cache_key(&q), seq, &body)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// POSTs the event to the webhook.
async fn notify(state: &AppState, job: &ClaimedJob) -> Result<(), String> {
    let Some(cfg) = state.config.notify.clone() else {
        return Err("no [notify] url is configured on this node".into());
    };
    let event = job
        .payload
        .get("event")
        .and_then(|e| e.as_str())
        .unwrap_or("event")
        .to_owned();
    let body = serde_json::json!({
        "event": event,
        "delivery": job.id,
        "data": job.payload.get("data").cloned().unwrap_or_default(),
    })
    .to_string();
    let secret = std::env::var("SEF_NOTIFY_SECRET")
        .ok()
        .or(cfg.secret.clone());
    let delivery = job.id.to_string();
    let attempt = job.attempt.to_string();
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(cfg.timeout_seconds.max(1))))
            .http_status_as_error(false)
            .build()
            .into();
        let mut req = agent
            .post(&cfg.url)
            .header("Content-Type", "application/json")
            .header("Sef-Event", &event)
            .header("Sef-Delivery", &delivery)
            .header("Sef-Attempt", &attempt);
        if let Some(s) = secret {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, s.as_bytes());
            let tag = ring::hmac::sign(&key, body.as_bytes());
            req = req.header(
                "Sef-Signature",
                format!("sha256={}", hex::encode(tag.as_ref())),
            );
        }
        match req.send(body.as_bytes()) {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => Err(format!("the webhook answered {}", r.status())),
            Err(e) => Err(format!("cannot reach the webhook: {e}")),
        }
    })
    .await
    .map_err(|e| format!("the delivery task failed: {e}"))?
}
