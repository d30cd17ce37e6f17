//! `sef portfolio ships` and `sef portfolio kpis`: the portfolio questions
//! on the store the CLI opens, answered by the same functions as the
//! server's `/api/v1/portfolio` routes.

use crate::cli::{PortfolioKpisArgs, ShipsArgs, ViewFormatArg};
use crate::{output, store};
use anyhow::{Context, Result};
use sef_advisory::ships::Selection;
use sef_server::api::portfolio::{self as pf, ShipsAnswer};

/// An OSV advisory larger than this is not one.
const ADVISORY_LIMIT: u64 = 16 * 1024 * 1024;

/// `sef portfolio ships`.
pub fn ships(a: &ShipsArgs) -> Result<u8> {
    // what is asked: one purl, or every package an advisory names
    let mut questions: Vec<(String, String, Selection)> = Vec::new();
    if let Some(path) = &a.advisory {
        let bytes = sef_fs::read(path, ADVISORY_LIMIT)
            .with_context(|| format!("{}: cannot read the advisory", path.display()))?;
        let record = sef_advisory::osv::Record::from_json(&bytes).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: not an OSV advisory: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        for entry in &record.affected {
            if let Some(p) = &entry.package {
                questions.push((
                    p.ecosystem.clone(),
                    p.name.clone(),
                    Selection::of_advisory(&record, entry),
                ));
            }
        }
        if questions.is_empty() {
            anyhow::bail!(
                "{}: the advisory {} names no affected package",
                path.display(),
                record.id
            );
        }
    } else if let Some(purl) = &a.purl {
        let (eco, name, version) = pf::read_purl(purl)?;
        let sel = pf::selection(version.as_deref(), a.range.as_deref())?;
        questions.push((eco, name, sel));
    }
    let direct = match (a.direct, a.transitive) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    let rt = store::runtime()?;
    let st = rt.block_on(store::open_existing(&store::url(a.store.db.as_deref())?))?;
    let mut answers = Vec::with_capacity(questions.len());
    for (eco, name, sel) in &questions {
        answers.push(rt.block_on(pf::ships(&st, eco, name, sel, direct, |_| true))?);
    }
    rt.block_on(st.close());
    let shipped = answers.iter().any(|x| !x.rows.is_empty());
    match a.format {
        ViewFormatArg::Json => {
            let v = serde_json::json!({
                "schema": "sef.portfolio-ships",
                "schema_version": 1,
                "answers": answers,
            });
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            output::emit_raw(&s, None)?;
        }
        ViewFormatArg::Text => {
            let mut s = String::new();
            for x in &answers {
                text(&mut s, x);
            }
            output::emit_raw(&s, None)?;
        }
    }
    Ok(if shipped {
        crate::EXIT_FAIL
    } else {
        crate::EXIT_PASS
    })
}

fn text(s: &mut String, x: &ShipsAnswer) {
    use std::fmt::Write;
    let _ = writeln!(
        s,
        "{} {} ({}): {} release(s) of {} offering(s) ship it{}",
        x.ecosystem,
        x.name,
        x.versions,
        x.releases,
        x.offerings,
        if x.unknown > 0 {
            format!(
                "; {} more cannot be placed in the range: check them",
                x.unknown
            )
        } else {
            String::new()
        }
    );
    for m in &x.rows {
        let r = &m.row;
        let how = match r.direct {
            Some(true) => "direct".to_owned(),
            Some(false) if !r.path.is_empty() => format!("via {}", r.path.join(" > ")),
            Some(false) => "transitive".to_owned(),
            None => "direct or transitive: not recorded".to_owned(),
        };
        let _ = writeln!(
            s,
            "  {} {}  {} {}  {}  team {}{}  {}{}",
            r.offering,
            r.release,
            r.name,
            r.version.as_deref().unwrap_or("(unpinned)"),
            how,
            r.team.as_deref().unwrap_or("(none)"),
            r.business_unit
                .as_deref()
                .map(|b| format!(", unit {b}"))
                .unwrap_or_default(),
            r.source_file,
            match &m.reason {
                Some(why) => format!("  [unknown: {why}]"),
                None => String::new(),
            }
        );
    }
}

/// `sef portfolio kpis`.
pub fn kpis(a: &PortfolioKpisArgs) -> Result<u8> {
    let q = pf::rollup_query(
        Some(&a.by),
        Some(if a.all_releases { "all" } else { "latest" }),
        None,
    )?;
    let rt = store::runtime()?;
    let st = rt.block_on(store::open_existing(&store::url(a.store.db.as_deref())?))?;
    let groups = rt.block_on(st.kpi_rollup(&q))?;
    rt.block_on(st.close());
    match a.format {
        ViewFormatArg::Json => {
            let v = serde_json::json!({
                "schema": "sef.portfolio-kpis",
                "schema_version": 1,
                "by": q.by.as_str(),
                "releases": if q.all_releases { "all" } else { "latest" },
                "groups": groups,
            });
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            output::emit_raw(&s, None)?;
        }
        ViewFormatArg::Text => {
            use std::fmt::Write;
            let mut s = String::new();
            if groups.is_empty() {
                s.push_str("no release in this store has been assessed\n");
            }
            for g in &groups {
                let _ = writeln!(
                    s,
                    "{} {}: {} offering(s), {} release(s); gate passed {}, failed {}; evidence complete {}",
                    q.by.as_str(),
                    g.group.as_deref().unwrap_or("(none)"),
                    g.offerings,
                    g.releases,
                    g.gate_passed,
                    g.gate_failed,
                    g.evidence_complete
                );
                for k in &g.kpis {
                    let _ = writeln!(
                        s,
                        "  {:<48} measured {}/{}  met {}  missed {}  mean {}",
                        k.kpi_id,
                        k.measured,
                        k.releases,
                        k.met,
                        k.missed,
                        k.mean
                            .map(|m| format!("{m:.1}"))
                            .unwrap_or_else(|| "not measured".to_owned())
                    );
                }
            }
            output::emit_raw(&s, None)?;
        }
    }
    Ok(crate::EXIT_PASS)
}
