//! `sef history`: the release range of the git history with code-review
//! coverage, commit signatures and contributors, as text or JSON.

use crate::cli::{GlobalArgs, HistoryArgs, ViewFormatArg};
use crate::output;
use anyhow::{Result, bail};
use sef_engine::history::analyzer;
use sef_engine::history::signing::SigState;
use serde_json::{Value, json};

pub fn run(g: &GlobalArgs, a: &HistoryArgs) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.path, "read")?;
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
    let mined = analyzer::run(&root, &cfg, &plan.forge_token_hosts, bar.as_ref())
        .map_err(anyhow::Error::msg)?;
    drop(bar);
    drop(progress);
    let Some(m) = mined else {
        bail!(
            "{}: not a git repository; there is no history to read",
            root.display()
        );
    };
    let team = plan.security.team.as_ref().and_then(|t| t.emails());
    // commit subjects and names are repository content: redacted, capped and
    // escaped like every string of a run
    let redactor = sef_secrets::builtin_redactor();
    let (payload, _) =
        sef_engine::boundary::clean(analyzer::payload(&m, &cfg, team.as_ref()), redactor);
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
    let (commits, _) = sef_engine::boundary::clean(commits, redactor);
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
        ViewFormatArg::Text => {
            let notes: Vec<String> = m.partial.iter().chain(&m.notes).cloned().collect();
            let lines: Vec<sef_report::CommitLine> = m
                .history
                .commits
                .iter()
                .zip(m.reviews.iter().zip(&m.signatures))
                .map(|(c, (r, s))| {
                    [
                        c.short().to_owned(),
                        r.label().to_owned(),
                        s.label().to_owned(),
                        c.author.email.clone(),
                        c.subject.clone(),
                    ]
                })
                .collect();
            let (lines, _) = sef_engine::boundary::clean(lines, redactor);
            let (notes, _) = sef_engine::boundary::clean(notes, redactor);
            sef_report::history_text(
                &plan.offering.name,
                &plan.release.version,
                &payload,
                &notes,
                a.commits.then_some(lines.as_slice()),
            )
        }
    };
    match a.format {
        // text: styles only on a terminal, lines fitted to it
        ViewFormatArg::Text => {
            output::emit(&text, a.output.as_deref(), crate::cli::FormatArg::Text)?
        }
        ViewFormatArg::Json => output::emit_raw(&text, a.output.as_deref())?,
    }
    Ok(if invalid {
        crate::EXIT_FAIL
    } else {
        crate::EXIT_PASS
    })
}
