//! The portfolio: each release's latest run (its head), the components and
//! KPI values of that head in tables of their own, and the queries the
//! incident response team and the managers ask across every offering:
//! which releases ship a package, and the KPIs rolled up by team, business
//! unit or tier. The tables are derived from the runs: every stored run
//! that is its release's newest replaces the release's rows in the same
//! transaction, and a store whose tables are empty while it holds runs is
//! rebuilt from them when opened.

use crate::StoreError;
use chrono::{DateTime, Utc};
use sef_model::{AssessmentRun, EvidencePayload, EvidenceStatus};
use serde::Serialize;
use sqlx::Row;
use sqlx::types::Json;

/// One release that ships a package: where, which version, how it gets
/// there, and who owns it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ShipRow {
    /// The offering.
    pub offering: String,
    /// The release.
    pub release: String,
    /// The owning team (the server's registration, else the plan's).
    pub team: Option<String>,
    /// The business unit (the server's registration, else the plan's).
    pub business_unit: Option<String>,
    /// The release's PTI tier, when its plan answers the questionnaire.
    pub tier: Option<i64>,
    /// The release's phase at its latest run.
    pub phase: String,
    /// The latest run of the release, whose inventory this is.
    pub run_id: String,
    /// When that run started.
    pub assessed_at: DateTime<Utc>,
    /// The OSV ecosystem.
    pub ecosystem: String,
    /// The package name as the file writes it.
    pub name: String,
    /// The resolved version, when pinned.
    pub version: Option<String>,
    /// Its package URL, when one can be formed.
    pub purl: Option<String>,
    /// Direct (`true`), transitive (`false`), or not known.
    pub direct: Option<bool>,
    /// How it is used: runtime, development, optional, unknown.
    pub scope: String,
    /// The chain of packages from a direct dependency to this one, where
    /// the lockfile records it.
    pub path: Vec<String>,
    /// The lockfile, manifest or SBOM that declares it.
    pub source_file: String,
}

/// What the KPI roll-up groups releases by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollupKey {
    /// The owning team.
    Team,
    /// The business unit.
    BusinessUnit,
    /// The PTI tier.
    Tier,
}

impl RollupKey {
    /// Parses `team`, `business-unit` (or `business_unit`) or `tier`.
    pub fn parse(s: &str) -> Option<RollupKey> {
        match s {
            "team" => Some(RollupKey::Team),
            "business-unit" | "business_unit" => Some(RollupKey::BusinessUnit),
            "tier" => Some(RollupKey::Tier),
            _ => None,
        }
    }

    /// The word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            RollupKey::Team => "team",
            RollupKey::BusinessUnit => "business-unit",
            RollupKey::Tier => "tier",
        }
    }

    fn column(self) -> &'static str {
        match self {
            RollupKey::Team => "COALESCE(o.team, h.team)",
            RollupKey::BusinessUnit => "COALESCE(o.business_unit, h.business_unit)",
            RollupKey::Tier => "CAST(h.tier AS TEXT)",
        }
    }
}

/// One KPI across a group's releases.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct KpiRollup {
    /// The KPI's id.
    pub kpi_id: String,
    /// Releases whose run reports this KPI.
    pub releases: i64,
    /// Of those, releases where it was measured.
    pub measured: i64,
    /// Releases meeting the objective.
    pub met: i64,
    /// Releases missing the objective.
    pub missed: i64,
    /// The mean of the measured values (`None` when none is measured).
    pub mean: Option<f64>,
    /// The lowest measured value.
    pub min: Option<f64>,
    /// The highest measured value.
    pub max: Option<f64>,
}

/// The KPI summary of one group of releases.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GroupSummary {
    /// The group (team, business unit or tier); `None` for releases that
    /// name none.
    pub group: Option<String>,
    /// Offerings in the group.
    pub offerings: i64,
    /// Releases counted (each offering's latest, or every release).
    pub releases: i64,
    /// Releases whose latest gate passed.
    pub gate_passed: i64,
    /// Releases whose latest gate failed.
    pub gate_failed: i64,
    /// Releases whose evidence was complete.
    pub evidence_complete: i64,
    /// The KPIs, by id.
    pub kpis: Vec<KpiRollup>,
}

/// Which releases a roll-up counts, and whose.
#[derive(Debug, Clone)]
pub struct RollupQuery {
    /// What to group by.
    pub by: RollupKey,
    /// Every release of every offering, rather than each offering's latest.
    pub all_releases: bool,
    /// Only these offerings (the caller's readable ones); `None`: all.
    pub offerings: Option<Vec<String>>,
}

/// The head row of a run, as stored.
struct Head {
    tier: Option<i64>,
    started_us: i64,
}

fn head_of(run: &AssessmentRun) -> Head {
    let tier = run
        .evidence
        .iter()
        .find_map(|e| match (&e.status, &e.payload) {
            (EvidenceStatus::Complete, EvidencePayload::Pti(p)) => p.tier.map(i64::from),
            _ => None,
        });
    Head {
        tier,
        started_us: run.started_at.timestamp_micros(),
    }
}

pub(crate) fn assessed_at(us: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::<Utc>::from_timestamp_micros(us)
        .ok_or_else(|| StoreError::Decode(format!("release head time {us} is out of range")))
}

/// The in-clause of a list of offerings, for a query builder.
fn push_in<DB: sqlx::Database>(qb: &mut sqlx::QueryBuilder<DB>, column: &str, names: &[String])
where
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    qb.push(format!(" AND {column} IN ("));
    let mut sep = qb.separated(", ");
    for n in names {
        sep.push_bind(n.clone());
    }
    sep.push_unseparated(")");
}

macro_rules! backend {
    ($module:ident, $db:ty, $peer_triples:literal, $ship_rows:literal) => {
        /// The portfolio queries for one backend.
        pub(crate) mod $module {
            use super::*;

            type Pool = sqlx::Pool<$db>;

            /// Makes `run` its release's head, with its components and KPI
            /// values, unless a newer run of the release is already the
            /// head. Runs inside the run's own write transaction.
            pub(crate) async fn index_run(tx: &mut sqlx::Transaction<'_, $db>, run: &AssessmentRun) -> Result<(), StoreError> {
                let h = head_of(run);
                let off = &run.offering;
                // The upsert takes the row lock, so two writers of one
                // release queue here and the newer run wins either way.
                let won = sqlx::query(
                    "INSERT INTO release_heads (offering, release_version, run_id, started_us, phase, outcome, evidence_complete, tier, team, business_unit, peer_group) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (offering, release_version) DO UPDATE SET run_id = excluded.run_id, started_us = excluded.started_us, \
                     phase = excluded.phase, outcome = excluded.outcome, evidence_complete = excluded.evidence_complete, tier = excluded.tier, \
                     team = excluded.team, business_unit = excluded.business_unit, peer_group = excluded.peer_group \
                     WHERE excluded.started_us > release_heads.started_us \
                        OR (excluded.started_us = release_heads.started_us AND excluded.run_id > release_heads.run_id) \
                     RETURNING run_id",
                )
                .bind(&off.name)
                .bind(&run.release.version)
                .bind(run.id.to_string())
                .bind(h.started_us)
                .bind(run.release.phase.as_str())
                .bind(run.gate.outcome.as_str())
                .bind(run.gate.evidence_complete)
                .bind(h.tier)
                .bind(&off.owner_team)
                .bind(&off.business_unit)
                .bind(&off.peer_group)
                .fetch_optional(&mut **tx)
                .await?;
                if won.is_none() {
                    return Ok(());
                }
                // the offering's latest release may have changed
                sqlx::query(
                    "UPDATE release_heads SET latest = (release_version = (SELECT h2.release_version FROM release_heads h2 \
                     WHERE h2.offering = $1 ORDER BY h2.started_us DESC, h2.run_id DESC LIMIT 1)) WHERE offering = $1",
                )
                .bind(&off.name)
                .execute(&mut **tx)
                .await?;
                for delete in [
                    "DELETE FROM release_components WHERE offering = $1 AND release_version = $2",
                    "DELETE FROM release_kpis WHERE offering = $1 AND release_version = $2",
                ] {
                    sqlx::query(delete)
                        .bind(&off.name)
                        .bind(&run.release.version)
                        .execute(&mut **tx)
                        .await?;
                }
                let components: Vec<&sef_model::Component> = run
                    .evidence
                    .iter()
                    .filter_map(|e| match &e.payload {
                        EvidencePayload::Inventory(i) => Some(i.components.iter()),
                        _ => None,
                    })
                    .flatten()
                    .filter(|c| !c.first_party)
                    .collect();
                // 17 parameters a row: 1,000 rows a statement stay below
                // both backends' parameter limits (32,766 and 65,535). Each
                // row carries the head's columns that "who ships?" shows,
                // so that answer reads this table alone (schema 14).
                let run_id = run.id.to_string();
                for chunk in components.chunks(1000) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO release_components (offering, release_version, ecosystem, name_key, name, version, purl, direct, scope, path, source_file, \
                         run_id, started_us, phase, tier, team, business_unit) ",
                    );
                    qb.push_values(chunk, |mut b, c| {
                        let eco = c.ecosystem.as_str();
                        b.push_bind(off.name.clone())
                            .push_bind(run.release.version.clone())
                            .push_bind(eco)
                            .push_bind(sef_model::package_name_key(eco, &c.name))
                            .push_bind(c.name.clone())
                            .push_bind(c.version.clone())
                            .push_bind(c.purl.clone())
                            .push_bind(c.direct)
                            .push_bind(c.scope.as_str())
                            .push_bind(Json(c.path.clone()))
                            .push_bind(c.source.file.clone())
                            .push_bind(run_id.clone())
                            .push_bind(h.started_us)
                            .push_bind(run.release.phase.as_str())
                            .push_bind(h.tier)
                            .push_bind(off.owner_team.clone())
                            .push_bind(off.business_unit.clone());
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                if !run.kpis.is_empty() {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO release_kpis (offering, release_version, kpi_id, value, kpo_status) ",
                    );
                    qb.push_values(&run.kpis, |mut b, k| {
                        b.push_bind(off.name.clone())
                            .push_bind(run.release.version.clone())
                            .push_bind(k.kpi_id.clone())
                            .push_bind(k.measurement.value())
                            .push_bind(k.kpo.as_ref().map(|r| r.status.as_str()));
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Rebuilds the portfolio tables from the runs when they are
            /// empty and the store holds runs (a store written before
            /// schema 8). Returns how many releases were indexed.
            pub(crate) async fn rebuild_if_empty(pool: &Pool) -> Result<usize, StoreError> {
                if !unindexed(pool).await? {
                    return Ok(0);
                }
                rebuild(pool).await
            }

            /// Indexes every release's latest run again, one release per
            /// transaction (its head, components and KPI values replaced).
            pub(crate) async fn rebuild(pool: &Pool) -> Result<usize, StoreError> {
                let rows = sqlx::query(
                    "SELECT r.id FROM runs r WHERE r.id = (SELECT r2.id FROM runs r2 WHERE r2.offering = r.offering \
                     AND r2.release_version = r.release_version ORDER BY r2.started_at DESC, r2.id DESC LIMIT 1)",
                )
                .fetch_all(pool)
                .await?;
                let mut n = 0;
                for r in &rows {
                    let id: String = r.try_get("id")?;
                    let id = id.parse().map_err(|e: sef_model::IdParseError| StoreError::Decode(e.to_string()))?;
                    if let Some(run) = crate::queries::$module::get_run(pool, id).await? {
                        let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                        sqlx::query("DELETE FROM release_heads WHERE offering = $1 AND release_version = $2")
                            .bind(&run.offering.name)
                            .bind(&run.release.version)
                            .execute(&mut *tx)
                            .await?;
                        index_run(&mut tx, &run).await?;
                        tx.commit().await?;
                        n += 1;
                    }
                }
                Ok(n)
            }

            /// Whether the store holds runs but no release heads: the
            /// portfolio tables were never built (a store written before
            /// schema 8 and not yet opened for writing since).
            pub(crate) async fn unindexed(pool: &Pool) -> Result<bool, StoreError> {
                let heads = sqlx::query("SELECT 1 AS x FROM release_heads LIMIT 1").fetch_optional(pool).await?;
                if heads.is_some() {
                    return Ok(false);
                }
                Ok(sqlx::query("SELECT 1 AS x FROM runs LIMIT 1").fetch_optional(pool).await?.is_some())
            }

            /// Every release head's component of one package (ecosystem and
            /// name key), with the release's team, business unit and tier:
            /// one index range of release_components, which carries its
            /// head's columns (schema 14), and the offerings' registrations.
            pub(crate) async fn who_ships(pool: &Pool, ecosystem: &str, name_key: &str) -> Result<Vec<ShipRow>, StoreError> {
                let row = sqlx::query(concat!(
                    "SELECT ", $ship_rows, " AS rows \
                     FROM release_components c \
                     LEFT JOIN offerings o ON o.name = c.offering \
                     WHERE c.ecosystem = $1 AND c.name_key = $2",
                ))
                .bind(ecosystem)
                .bind(name_key)
                .fetch_one(pool)
                .await?;
                crate::portfolio_json::ship_rows(&row.try_get::<String, _>("rows")?)
            }

            /// The heads a roll-up counts, as a subquery `h` joined with
            /// the server's offering registrations `o`.
            fn heads_from(q: &RollupQuery) -> &'static str {
                if q.all_releases {
                    " FROM release_heads h LEFT JOIN offerings o ON o.name = h.offering WHERE TRUE"
                } else {
                    " FROM release_heads h LEFT JOIN offerings o ON o.name = h.offering WHERE h.latest = TRUE"
                }
            }

            /// The KPI summary grouped by team, business unit or tier.
            pub(crate) async fn rollup(pool: &Pool, q: &RollupQuery) -> Result<Vec<GroupSummary>, StoreError> {
                let col = q.by.column();
                let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {col} AS grp, COUNT(DISTINCT h.offering) AS offerings, COUNT(*) AS releases, \
                     SUM(CASE WHEN h.outcome = 'pass' THEN 1 ELSE 0 END) AS passed, \
                     SUM(CASE WHEN h.outcome = 'fail' THEN 1 ELSE 0 END) AS failed, \
                     SUM(CASE WHEN h.evidence_complete THEN 1 ELSE 0 END) AS complete"
                ));
                qb.push(heads_from(q));
                if let Some(names) = &q.offerings {
                    push_in(&mut qb, "h.offering", names);
                }
                qb.push(" GROUP BY grp ORDER BY grp");
                let rows = qb.build().fetch_all(pool).await?;
                let mut groups: Vec<GroupSummary> = Vec::with_capacity(rows.len());
                for r in &rows {
                    groups.push(GroupSummary {
                        group: r.try_get("grp")?,
                        offerings: r.try_get("offerings")?,
                        releases: r.try_get("releases")?,
                        gate_passed: r.try_get("passed")?,
                        gate_failed: r.try_get("failed")?,
                        evidence_complete: r.try_get("complete")?,
                        kpis: Vec::new(),
                    });
                }
                // one order on both backends (they place NULL differently):
                // releases without a group first, then by name
                groups.sort_by(|a, b| a.group.cmp(&b.group));
                let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {col} AS grp, k.kpi_id, COUNT(*) AS n, COUNT(k.value) AS measured, \
                     SUM(CASE WHEN k.kpo_status = 'met' THEN 1 ELSE 0 END) AS met, \
                     SUM(CASE WHEN k.kpo_status = 'missed' THEN 1 ELSE 0 END) AS missed, \
                     AVG(k.value) AS mean, MIN(k.value) AS lo, MAX(k.value) AS hi"
                ));
                // the heads first, then their KPI rows by primary key (CROSS
                // JOIN keeps SQLite from scanning every KPI row instead)
                qb.push(heads_from(q).replacen(
                    " FROM release_heads h LEFT JOIN offerings o ON o.name = h.offering WHERE",
                    " FROM release_heads h CROSS JOIN release_kpis k LEFT JOIN offerings o ON o.name = h.offering \
                     WHERE k.offering = h.offering AND k.release_version = h.release_version AND",
                    1,
                ));
                if let Some(names) = &q.offerings {
                    push_in(&mut qb, "h.offering", names);
                }
                qb.push(" GROUP BY grp, k.kpi_id ORDER BY grp, k.kpi_id");
                let rows = qb.build().fetch_all(pool).await?;
                for r in &rows {
                    let grp: Option<String> = r.try_get("grp")?;
                    let Some(g) = groups.iter_mut().find(|g| g.group == grp) else {
                        continue;
                    };
                    g.kpis.push(KpiRollup {
                        kpi_id: r.try_get("kpi_id")?,
                        releases: r.try_get("n")?,
                        measured: r.try_get("measured")?,
                        met: r.try_get::<Option<i64>, _>("met")?.unwrap_or(0),
                        missed: r.try_get::<Option<i64>, _>("missed")?.unwrap_or(0),
                        mean: r.try_get("mean")?,
                        min: r.try_get("lo")?,
                        max: r.try_get("hi")?,
                    });
                }
                Ok(groups)
            }

            /// The measured KPI values of every other offering's latest
            /// release, within `peer_group` when one is given.
            pub(crate) async fn peers(pool: &Pool, offering: &str, peer_group: Option<&str>) -> Result<crate::portfolio_json::Peers, StoreError> {
                let row = sqlx::query(concat!(
                    "SELECT ", $peer_triples, " AS triples FROM release_heads h CROSS JOIN release_kpis k \
                     WHERE k.offering = h.offering AND k.release_version = h.release_version AND h.latest = TRUE AND h.offering <> $1 AND ($2 IS NULL OR h.peer_group = $2) AND k.value IS NOT NULL",
                ))
                .bind(offering)
                .bind(peer_group)
                .fetch_one(pool)
                .await?;
                crate::portfolio_json::peers(&row.try_get::<String, _>("triples")?)
            }
        }
    };
}

// the peers' values come back as one JSON array of [offering, KPI, value]
// (thousands of rows handed over one by one cost more than the query),
// each value as text with the digits to read back the same double
// (17 significant digits; PostgreSQL writes the shortest exact form)
// the same for who ships a package: the columns portfolio_json reads
backend!(
    sqlite,
    sqlx::Sqlite,
    "json_group_array(json_array(h.offering, k.kpi_id, printf('%!.17g', k.value)))",
    "json_group_array(json_array(c.offering, c.release_version, c.ecosystem, c.name, c.version, c.purl, c.direct, \
     c.scope, json(c.path), c.source_file, c.run_id, c.started_us, c.phase, c.tier, COALESCE(o.team, c.team), \
     COALESCE(o.business_unit, c.business_unit)))"
);
backend!(
    postgres,
    sqlx::Postgres,
    "COALESCE(json_agg(json_build_array(h.offering, k.kpi_id, k.value::text))::text, '[]')",
    "COALESCE(json_agg(json_build_array(c.offering, c.release_version, c.ecosystem, c.name, c.version, c.purl, c.direct, \
     c.scope, c.path, c.source_file, c.run_id, c.started_us, c.phase, c.tier, COALESCE(o.team, c.team), \
     COALESCE(o.business_unit, c.business_unit)))::text, '[]')"
);

/// Runs one backend's version of a portfolio query.
impl crate::Store {
    /// Fails when the store holds runs whose portfolio index was never
    /// built: an empty answer would then read as "nobody".
    async fn portfolio_ready(&self) -> Result<(), StoreError> {
        if on!(self, unindexed())? {
            return Err(StoreError::Unsupported(format!(
                "{}: the portfolio index of this store has not been built (it was written by an older sef); \
                 open it once with write access (any sef command that stores, or `sef serve`) to build it",
                self.location
            )));
        }
        Ok(())
    }

    /// Every release head that ships the package `name` of `ecosystem`
    /// (an OSV ecosystem name), any version; the caller filters versions.
    pub async fn who_ships(&self, ecosystem: &str, name: &str) -> Result<Vec<ShipRow>, StoreError> {
        let key = sef_model::package_name_key(ecosystem, name);
        let rows = on!(self, who_ships(ecosystem, &key))?;
        // an unbuilt index answers nothing: only an empty answer needs the
        // check (one query fewer for every answer that names a release)
        if rows.is_empty() {
            self.portfolio_ready().await?;
        }
        Ok(rows)
    }

    /// The portfolio's KPI summary, grouped as `q` asks.
    pub async fn kpi_rollup(&self, q: &RollupQuery) -> Result<Vec<GroupSummary>, StoreError> {
        self.portfolio_ready().await?;
        if q.offerings.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        on!(self, rollup(q))
    }

    /// Rebuilds the portfolio index from the stored runs (every
    /// release's latest run indexed again), then records it in the audit
    /// trail, which also makes every cached KPI summary stale. Returns how
    /// many releases were indexed.
    pub async fn rebuild_portfolio(&self) -> Result<usize, StoreError> {
        let n = on_w!(self, rebuild())?;
        self.audit(&crate::audit::Change::new(
            "portfolio.reindex",
            "portfolio",
            serde_json::json!({ "releases": n }),
        ))
        .await?;
        Ok(n)
    }

    pub(crate) async fn rebuild_portfolio_if_empty(&self) -> Result<usize, StoreError> {
        on_w!(self, rebuild_if_empty())
    }

    pub(crate) async fn portfolio_peers(
        &self,
        offering: &str,
        peer_group: Option<&str>,
    ) -> Result<Vec<(String, Vec<(String, f64)>)>, StoreError> {
        on!(self, peers(offering, peer_group))
    }
}
