-- sef store, schema 10 (sqlite): the organisation's policy as the
-- architecture board published it, each revision kept with the server's
-- signature of its text. The newest revision is the one served.
CREATE TABLE policies (
    revision     INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    version      TEXT NOT NULL,
    digest       TEXT NOT NULL,
    text         TEXT NOT NULL,
    signature    TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL
);
