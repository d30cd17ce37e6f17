-- sef store, schema 1 (SQLite): assessment runs, their evidence and findings.
CREATE TABLE runs (
    id                TEXT PRIMARY KEY NOT NULL,
    offering          TEXT NOT NULL,
    release_version   TEXT NOT NULL,
    phase             TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    finished_at       TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    evidence_complete BOOLEAN NOT NULL,
    sef_version       TEXT NOT NULL,
    header            TEXT NOT NULL
);
CREATE INDEX runs_offering_started ON runs (offering, started_at);
CREATE INDEX runs_started ON runs (started_at);

CREATE TABLE evidence (
    id            TEXT PRIMARY KEY NOT NULL,
    run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    analyzer      TEXT NOT NULL,
    tool_name     TEXT NOT NULL,
    tool_version  TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    input_digest  TEXT,
    status        TEXT NOT NULL,
    status_reason TEXT,
    payload       TEXT NOT NULL
);
CREATE INDEX evidence_run ON evidence (run_id, position);

CREATE TABLE findings (
    id          TEXT PRIMARY KEY NOT NULL,
    run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    analyzer    TEXT NOT NULL,
    rule_id     TEXT NOT NULL,
    severity    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status      TEXT NOT NULL,
    path        TEXT,
    line        INTEGER,
    body        TEXT NOT NULL
);
CREATE INDEX findings_run ON findings (run_id, position);
CREATE INDEX findings_fingerprint ON findings (fingerprint);
