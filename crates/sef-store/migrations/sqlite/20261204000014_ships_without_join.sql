-- sef store, schema 14 (sqlite): "who ships this package?" reads one
-- table. Each release component carries the columns of its release head
-- that the answer shows (run, time, phase, tier, team, business unit):
-- they are written together with the components, in the transaction that
-- makes the run the release's head, and both are replaced together.
ALTER TABLE release_components ADD COLUMN run_id TEXT;
ALTER TABLE release_components ADD COLUMN started_us BIGINT;
ALTER TABLE release_components ADD COLUMN phase TEXT;
ALTER TABLE release_components ADD COLUMN tier INTEGER;
ALTER TABLE release_components ADD COLUMN team TEXT;
ALTER TABLE release_components ADD COLUMN business_unit TEXT;
UPDATE release_components
   SET run_id = h.run_id, started_us = h.started_us, phase = h.phase, tier = h.tier,
       team = h.team, business_unit = h.business_unit
  FROM release_heads h
 WHERE h.offering = release_components.offering AND h.release_version = release_components.release_version;
-- a component without a head was never part of an answer
DELETE FROM release_components WHERE run_id IS NULL;
