-- sef store, schema 6 (sqlite): what `sef serve` adds. Offerings belong to
-- teams; users hold SEF roles granted globally, per team or per offering;
-- API tokens and sessions are kept as SHA-256 hashes only; failed logins
-- are counted per key (account, source address) so that every server node
-- sees the same lockout; uploads remember the digest of the body stored
-- under a run id; every state change is appended to a hash-chained audit
-- log whose head is kept in a table of its own. Times are RFC 3339 text
-- (UTC, microseconds), the same bytes on both backends, because the audit
-- chain hashes them.
CREATE TABLE offerings (
    name          TEXT PRIMARY KEY NOT NULL,
    team          TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX offerings_team ON offerings (team);

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    name           TEXT NOT NULL UNIQUE,
    password_hash  TEXT,
    oidc_subject   TEXT UNIQUE,
    created_at     TEXT NOT NULL,
    disabled       BOOLEAN NOT NULL
);

CREATE TABLE grants (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    scope_kind  TEXT NOT NULL,
    scope       TEXT NOT NULL,
    granted_by  TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, role, scope_kind, scope)
);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,
    offerings     TEXT NOT NULL,
    permissions   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    revoked_at    TEXT,
    last_used_at  TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    key           TEXT PRIMARY KEY NOT NULL,
    failures      INTEGER NOT NULL,
    window_start  TEXT NOT NULL,
    locked_until  TEXT
);

CREATE TABLE uploads (
    run_id       TEXT PRIMARY KEY NOT NULL,
    body_digest  TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);

CREATE TABLE plans (
    offering         TEXT NOT NULL,
    release_version  TEXT NOT NULL,
    run_id           TEXT NOT NULL,
    files            TEXT NOT NULL,
    PRIMARY KEY (offering, release_version)
);

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- OIDC logins under way: the state (hashed), the PKCE verifier and the
-- nonce, kept until the identity provider sends the browser back (any
-- node may receive it), used once.
CREATE TABLE oidc_logins (
    state_hash  TEXT PRIMARY KEY NOT NULL,
    verifier    TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
