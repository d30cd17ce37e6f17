-- sef store, schema 3 (PostgreSQL): checkpoint decisions moving a release
-- from one phase to the next, with overrides of failed gates.
CREATE TABLE phase_decisions (
    id             TEXT PRIMARY KEY NOT NULL,
    offering       TEXT NOT NULL,
    release_version TEXT NOT NULL,
    from_phase     TEXT NOT NULL,
    to_phase       TEXT NOT NULL,
    decided_at     TIMESTAMPTZ NOT NULL,
    run_id         TEXT NOT NULL REFERENCES runs (id),
    gate_outcome   TEXT NOT NULL,
    override_by    TEXT,
    justification  TEXT
);
CREATE INDEX phase_decisions_release ON phase_decisions (offering, release_version, decided_at);
