-- sef store, schema 12 (postgres): the measured KPI values of each release, in an
-- index of their own. Every upload compares its KPIs with its peers'
-- (each other offering's latest release); through the table that read
-- walked every KPI row of a thousand releases, measured or not (9 ms on
-- a 1,000-offering store, 1.3 ms through this index).
CREATE INDEX release_kpis_measured ON release_kpis (offering, release_version, kpi_id, value)
    WHERE value IS NOT NULL;
