-- sef store, schema 13 (sqlite): a run's findings are read by run and
-- fingerprint (findings_run_fingerprint) or all of them in position order
-- (a sort of one run's rows), so the (run_id, position) index, a third
-- b-tree written per finding, goes. PostgreSQL's schema 13 also keeps
-- bodies and payloads as text, as SQLite always has.
DROP INDEX IF EXISTS findings_run;
