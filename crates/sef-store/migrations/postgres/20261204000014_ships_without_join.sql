-- sef store, schema 14 (postgres): "who ships this package?" reads one
-- table. Each release component carries the columns of its release head
-- that the answer shows (run, time, phase, tier, team, business unit):
-- they are written together with the components, in the transaction that
-- makes the run the release's head, and both are replaced together. Before,
-- the answer joined release_heads, and PostgreSQL hashed every head to join
-- a few hundred components.
ALTER TABLE release_components
    ADD COLUMN run_id        TEXT,
    ADD COLUMN started_us    BIGINT,
    ADD COLUMN phase         TEXT,
    ADD COLUMN tier          INTEGER,
    ADD COLUMN team          TEXT,
    ADD COLUMN business_unit TEXT;
UPDATE release_components c
   SET run_id = h.run_id, started_us = h.started_us, phase = h.phase, tier = h.tier,
       team = h.team, business_unit = h.business_unit
  FROM release_heads h
 WHERE h.offering = c.offering AND h.release_version = c.release_version;
-- a component without a head was never part of an answer
DELETE FROM release_components WHERE run_id IS NULL;
