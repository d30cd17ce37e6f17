-- sef store, schema 11 (postgres): findings are looked up by fingerprint
-- within a run (the offering's runs newest first) rather than across the
-- whole store. The store-wide fingerprint index took each uploaded
-- finding into a random leaf page: a run of a thousand findings dirtied
-- about a thousand index pages, most of the run's write. Keyed by run
-- first, one run's entries sit together at the index's end.
DROP INDEX findings_fingerprint;
CREATE INDEX findings_run_fingerprint ON findings (run_id, fingerprint);

-- a release's runs by phase and time: the KPI history reads a release's
-- lifecycle runs without reading every run of the offering
CREATE INDEX runs_release ON runs (offering, release_version, phase, started_at);
