-- sef store, schema 13 (postgres): the upload path, measured (BENCHMARKS.md,
-- portfolio uploads). A finding's body and an evidence payload are kept as
-- the JSON text sef wrote, not as JSONB: sef reads them whole and never
-- queries inside them, but JSONB made PostgreSQL parse and re-encode every
-- one on the way in. With the per-row foreign-key check below, that was a
-- sixth of the database's CPU on an upload of a thousand findings.
--
-- The findings of a run are written in the run's own transaction and runs
-- are never deleted, so the check of findings.run_id against runs (one
-- lookup per finding, fired as a trigger) is dropped; evidence and
-- artifact rows keep theirs.
--
-- A run's findings are read by run and fingerprint (findings_run_fingerprint)
-- or all of them in position order (a sort of one run's rows), so the
-- (run_id, position) index, a third b-tree written per finding, goes.
ALTER TABLE findings DROP CONSTRAINT IF EXISTS findings_run_id_fkey;
ALTER TABLE findings ALTER COLUMN body TYPE TEXT USING body::text;
ALTER TABLE evidence ALTER COLUMN payload TYPE TEXT USING payload::text;
DROP INDEX IF EXISTS findings_run;
