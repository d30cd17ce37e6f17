-- sef store, schema 5: evidence payloads are typed. Each row records the
-- payload version it was written with (1: the untyped payloads of schema
-- 1-4, read by the same types; 2: typed), and what the evidence covered
-- completely (its analyzer, and `analyzer:tool` for each tool inside it
-- that ran completely), so that finding history never reads payloads.
-- Rows written before this migration have NULL scopes; the store derives
-- them from the payload when it reads such a row.
ALTER TABLE evidence ADD COLUMN payload_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE evidence ADD COLUMN complete_scopes TEXT;
