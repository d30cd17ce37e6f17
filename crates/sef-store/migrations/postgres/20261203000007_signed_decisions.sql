-- sef store, schema 7: a decision made offline may carry the deciding
-- member's signature (SSH `sef-decision` namespace, or minisign), kept as
-- its armored text and verified against the team file when read.
ALTER TABLE triage ADD COLUMN signature TEXT;
ALTER TABLE phase_decisions ADD COLUMN signature TEXT;
