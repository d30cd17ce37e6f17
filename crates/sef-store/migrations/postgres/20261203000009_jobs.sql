-- sef store, schema 9 (postgres): background work shared by every server
-- node. A node claims a ready job with FOR UPDATE SKIP LOCKED and holds a
-- lease it renews while it works; a job whose lease ran out (its node
-- stopped) is claimed again. Completion is fenced by the node and the
-- attempt, so a node that lost its lease cannot finish the job a second
-- time. Failures are retried with back-off until `max_attempts`, then the
-- job is dead (kept, listed, retried by an admin).
CREATE TABLE jobs (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    -- microseconds since 1970, UTC
    run_at_us       BIGINT NOT NULL,
    lease_until_us  BIGINT,
    locked_by       TEXT,
    done_by         TEXT,
    last_error      TEXT,
    -- at most one queued job per key: repeated requests for the same work
    -- (recompute the KPI summary) coalesce
    unique_key      TEXT,
    created_us      BIGINT NOT NULL,
    finished_us     BIGINT
);
CREATE INDEX jobs_ready ON jobs (state, run_at_us, id);
CREATE UNIQUE INDEX jobs_one_queued ON jobs (unique_key) WHERE state = 'queued';

-- The portfolio KPI summaries, computed in the background and valid only
-- while the audit trail's head is the one they were computed at: every
-- stored run and registration change moves the head, on every node.
CREATE TABLE rollup_cache (
    key       TEXT PRIMARY KEY NOT NULL,
    audit_seq BIGINT NOT NULL,
    body      TEXT NOT NULL
);
