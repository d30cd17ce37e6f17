-- sef store, schema 4 (SQLite): triage decisions on findings, by
-- fingerprint, kept as history (the latest one of a fingerprint applies).
CREATE TABLE triage (
    id           TEXT PRIMARY KEY NOT NULL,
    offering     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   TEXT NOT NULL,
    expires      TEXT
);
CREATE INDEX triage_fingerprint ON triage (offering, fingerprint, decided_at);
