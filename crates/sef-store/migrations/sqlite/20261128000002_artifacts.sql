-- sef store, schema 2 (SQLite): documents kept with a run (the SBOM, ...).
CREATE TABLE artifacts (
    run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    digest     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    content    TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
);
