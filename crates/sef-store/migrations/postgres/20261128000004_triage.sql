-- sef store, schema 4 (PostgreSQL): triage decisions on findings, by
-- fingerprint, kept as history (the latest one of a fingerprint applies).
CREATE TABLE triage (
    id           TEXT PRIMARY KEY NOT NULL,
    offering     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   TIMESTAMPTZ NOT NULL,
    expires      TEXT
);
CREATE INDEX triage_fingerprint ON triage (offering, fingerprint, decided_at);
