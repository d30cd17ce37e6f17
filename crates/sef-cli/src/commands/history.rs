//! `sef history`: the release range of the git history with code-review
//! coverage, commit signatures and contributors, as text or JSON.

use crate::cli::{GlobalArgs, HistoryArgs, ViewFormatArg};
use crate::output;
use anyhow::{Context, Result, bail};
use sef_engine::history::analyzer;
use sef_engine::history::signing::SigState;
use sef_plan::Plan;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::fmt::Write as _;

pub fn run(g: &GlobalArgs, a: &HistoryArgs) -> Result<u8> {
    let root = a
        .path
        .canonicalize()
        .with_context(|| format!("{}: no such directory", a.path.display()))?;
    let plan = Plan::load(&root)?;
    let options = sef_engine::EngineOptions {
        since: a.range.since.clone(),
        until: a.range.until.clone(),
        ..Default::default()
    };
    let mut cfg = plan.analyzers.history.clone().unwrap_or_default();
    cfg.enabled = true;
    if let Some(c) = sef_engine::history_config(&plan, &root, &options) {
        cfg = c;
    } else {
        cfg.since.clone_from(&options.since);
        cfg.until.clone_from(&options.until);
    }
    let progress = crate::progress::for_invocation(g.quiet);
    let bar = progress.start("history");
    let mined = analyzer::run(&root, &cfg, bar.as_ref()).map_err(anyhow::Error::msg)?;
    drop(bar);
    drop(progress);
    let Some(m) = mined else {
        bail!(
            "{}: not a git repository; there is no history to read",
            root.display()
        );
    };
    let team: Option<BTreeSet<String>> = plan.security.team.as_ref().and_then(|t| {
        let e: BTreeSet<String> = t
            .members
            .iter()
            .flat_map(|m| m.emails.iter().cloned())
            .collect();
        (!e.is_empty()).then_some(e)
    });
    let payload = analyzer::payload(&m, &cfg, team.as_ref());
    let invalid = m
        .signatures
        .iter()
        .any(|s| matches!(s, SigState::Invalid { .. }));
    let commits: Vec<Value> = if a.commits {
        m.history
            .commits
            .iter()
            .zip(m.reviews.iter().zip(&m.signatures))
            .map(|(c, (r, s))| {
                json!({
                    "id": c.id, "author": c.author, "committer": c.committer, "time": c.time,
                    "parents": c.parents, "subject": c.subject, "trailers": c.trailers,
                    "paths": c.paths, "entry": c.entry, "review": r, "signature": s,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let text = match a.format {
        ViewFormatArg::Json => {
            let mut doc = json!({
                "schema": "sef.history",
                "schema_version": 1,
                "offering": plan.offering.name,
                "release": plan.release.version,
                "history": payload,
                "notes": m.notes,
                "partial": m.partial,
            });
            if a.commits {
                doc["commits"] = Value::Array(commits);
            }
            let mut s = serde_json::to_string_pretty(&doc)?;
            s.push('\n');
            s
        }
        ViewFormatArg::Text => text(&plan, &payload, &m, a.commits)?,
    };
    output::emit_raw(&text, a.output.as_deref())?;
    Ok(if invalid {
        crate::EXIT_FAIL
    } else {
        crate::EXIT_PASS
    })
}

fn counts(c: &Value) -> String {
    let n = |k: &str| c[k].as_u64().unwrap_or(0);
    if n("commits") == 0 {
        return "no commits".into();
    }
    format!(
        "{:>5.1} %  {} of {} reviewed, {} not reviewed, {} unknown",
        n("reviewed") as f64 * 100.0 / n("commits") as f64,
        n("reviewed"),
        n("commits"),
        n("not_reviewed"),
        n("unknown")
    )
}

fn text(plan: &Plan, p: &Value, m: &analyzer::Mined, list: bool) -> Result<String> {
    let mut s = String::new();
    let r = &p["range"];
    let base = r["base"]["label"].as_str().map_or_else(
        || "in the whole history".to_owned(),
        |b| format!("since {b}"),
    );
    writeln!(
        s,
        "{} {}: {} commit(s) {base}, until {}",
        plan.offering.name,
        plan.release.version,
        r["commits"],
        r["until"].as_str().unwrap_or("").get(..12).unwrap_or("")
    )?;
    for n in m.partial.iter().chain(&m.notes) {
        writeln!(s, "  note: {n}")?;
    }
    writeln!(s, "\nCode review")?;
    writeln!(
        s,
        "  developed code   {}",
        counts(&p["review"]["developed"])
    )?;
    writeln!(s, "  external code    {}", counts(&p["review"]["external"]))?;
    if let Some(cs) = p["review"]["components"].as_array().filter(|c| c.len() > 1) {
        for c in cs {
            writeln!(
                s,
                "  {:<16} {}",
                c["name"].as_str().unwrap_or(""),
                counts(&c["developed"])
            )?;
        }
    }
    if let Some(f) = p["review"]["forge"].as_object() {
        writeln!(
            s,
            "  forge: {} request(s), {} from the cache",
            f["requests"], f["cached"]
        )?;
    }
    for (key, label) in [("unreviewed", "not reviewed"), ("unknown", "unknown")] {
        let rows = p["review"][key].as_array().cloned().unwrap_or_default();
        if !rows.is_empty() {
            writeln!(s, "  {label}:")?;
            for row in rows.iter().take(if list { usize::MAX } else { 10 }) {
                writeln!(
                    s,
                    "    {}  {:<28} {}",
                    row["commit"].as_str().unwrap_or(""),
                    row["author"].as_str().unwrap_or(""),
                    row["why"].as_str().unwrap_or("")
                )?;
            }
            if !list && rows.len() > 10 {
                writeln!(
                    s,
                    "    … {} more (--commits or --format json)",
                    rows.len() - 10
                )?;
            }
        }
    }
    let sg = &p["signatures"];
    writeln!(s, "\nSigned commits")?;
    writeln!(
        s,
        "  {} verified, {} unsigned, {} invalid, {} unknown key, {} not verified (of {})",
        sg["verified"],
        sg["unsigned"],
        sg["invalid"],
        sg["unknown_key"],
        sg["not_verified"],
        sg["commits"]
    )?;
    for pr in sg["problems"].as_array().into_iter().flatten().take(20) {
        let sig = &pr["signature"];
        writeln!(
            s,
            "    {}  {}  {}",
            pr["commit"].as_str().unwrap_or(""),
            sig["state"].as_str().unwrap_or(""),
            sig["detail"].as_str().or(sig["key"].as_str()).unwrap_or("")
        )?;
    }
    let c = &p["contributors"];
    writeln!(s, "\nContributors")?;
    for person in c["people"].as_array().into_iter().flatten() {
        let mut flags = Vec::new();
        if person["new"].as_bool() == Some(true) {
            flags.push("new");
        }
        if person["in_team"].as_bool() == Some(false) {
            flags.push("not in the team file");
        }
        writeln!(
            s,
            "  {:>5}  {} <{}>{}",
            person["commits"],
            person["name"].as_str().unwrap_or(""),
            person["email"].as_str().unwrap_or(""),
            if flags.is_empty() {
                String::new()
            } else {
                format!("  ({})", flags.join(", "))
            }
        )?;
    }
    if c["new"].is_null() {
        writeln!(
            s,
            "  new contributors: not measured (the range has no start, or the earlier history is incomplete)"
        )?;
    }
    if c["outside_team"].is_null() {
        writeln!(
            s,
            "  outside the team file: not measured (no [[team.member]] lists emails)"
        )?;
    }
    if list {
        writeln!(s, "\nCommits")?;
        for (cm, (r, sig)) in m
            .history
            .commits
            .iter()
            .zip(m.reviews.iter().zip(&m.signatures))
        {
            let rv = serde_json::to_value(r)?;
            let sv = serde_json::to_value(sig)?;
            writeln!(
                s,
                "  {}  {:<12} {:<10} {:<28} {}",
                cm.short(),
                rv["state"].as_str().unwrap_or(""),
                sv["state"].as_str().unwrap_or(""),
                cm.author.email,
                cm.subject
            )?;
        }
    }
    Ok(s)
}
