-- sef store, schema 8 (sqlite): the portfolio. Each release's latest run is its
-- head; the head's components and KPI values are kept in tables of their
-- own, indexed so that "which releases ship this package?" and the KPI
-- roll-ups by team, business unit and tier read only what they need.
-- They are derived from the runs and rebuilt from them when empty.
ALTER TABLE offerings ADD COLUMN business_unit TEXT;

CREATE TABLE release_heads (
    offering          TEXT NOT NULL,
    release_version   TEXT NOT NULL,
    run_id            TEXT NOT NULL,
    -- microseconds since 1970, UTC: one ordering on both backends
    started_us        BIGINT NOT NULL,
    phase             TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    evidence_complete BOOLEAN NOT NULL,
    tier              INTEGER,
    team              TEXT,
    business_unit     TEXT,
    peer_group        TEXT,
    -- the offering's most recently assessed release (one per offering)
    latest            BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (offering, release_version)
);
CREATE INDEX release_heads_latest ON release_heads (latest, offering, release_version);
CREATE INDEX release_heads_peer_group ON release_heads (peer_group);

CREATE TABLE release_components (
    offering        TEXT NOT NULL,
    release_version TEXT NOT NULL,
    ecosystem       TEXT NOT NULL,
    -- the name as the ecosystem compares it (PEP 503 for PyPI, lower case
    -- where the ecosystem ignores case)
    name_key        TEXT NOT NULL,
    name            TEXT NOT NULL,
    version         TEXT,
    purl            TEXT,
    direct          BOOLEAN,
    scope           TEXT NOT NULL,
    path            TEXT NOT NULL,
    source_file     TEXT NOT NULL
);
CREATE INDEX release_components_package ON release_components (ecosystem, name_key);
CREATE INDEX release_components_release ON release_components (offering, release_version);

CREATE TABLE release_kpis (
    offering        TEXT NOT NULL,
    release_version TEXT NOT NULL,
    kpi_id          TEXT NOT NULL,
    value           REAL,
    kpo_status      TEXT,
    PRIMARY KEY (offering, release_version, kpi_id)
) WITHOUT ROWID; -- clustered by release: a head's KPI rows are read together
