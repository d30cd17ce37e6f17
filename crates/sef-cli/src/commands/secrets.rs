//! `sef secrets scan` and `sef secrets rules`: the secrets analyzer on its
//! own, redacted text or JSON, baseline writing.

use crate::cli::{GlobalArgs, SecretsRulesArgs, SecretsScanArgs, ViewFormatArg};
use crate::output;
use anyhow::{Context, Result, anyhow};
use sef_engine::secrets::{self, baseline};
use serde_json::json;
use std::fmt::Write as _;

pub fn scan(g: &GlobalArgs, a: &SecretsScanArgs) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.path, "read")?;
    let mut cfg = plan.analyzers.secrets.clone();
    if let Some(c) = &a.config {
        let c = c
            .canonicalize()
            .with_context(|| format!("{}: cannot read the configuration", c.display()))?;
        cfg.config = Some(c.to_string_lossy().into_owned());
    }
    if let Some(m) = a.max_file_size {
        cfg.max_file_bytes = m;
    }
    // a configuration named on the command line is the user's own file
    let own_config = plan.allow_outside_repo || a.config.is_some();
    let (mut set, source) = secrets::rule_set(&root, &cfg, own_config).map_err(|e| anyhow!(e))?;
    let base_path = a
        .baseline
        .clone()
        .unwrap_or_else(|| root.join(&cfg.baseline));
    let base = baseline::Baseline::load(&base_path).map_err(|e| anyhow!(e))?;
    set.salt = base.salt_for(&plan.offering.name);
    let progress = crate::progress::for_invocation(g.quiet);
    let bar = progress.start("secrets");
    let s = if a.staged {
        secrets::scan_staged(&root, &set, cfg.max_file_bytes)
    } else {
        secrets::scan(
            &root,
            &set,
            cfg.max_file_bytes,
            a.history || cfg.history,
            bar.as_ref(),
        )
    }
    .map_err(|e| anyhow!(e))?;
    drop(bar);
    drop(progress);
    if let Some(out) = &a.write_baseline {
        let entries = s
            .found
            .iter()
            .filter(|l| l.hit.allowed.is_none())
            .map(|l| baseline::Entry {
                fingerprint: l.fingerprint.clone(),
                rule: l.hit.rule.clone(),
                path: l.path.clone(),
                reason: a.reason.clone(),
            })
            .collect();
        let b = baseline::Baseline::new(entries, set.salt.clone());
        let mut text = serde_json::to_string_pretty(&b)?;
        text.push('\n');
        output::write_atomically(out, text.as_bytes())
            .with_context(|| format!("{}: cannot write the baseline", out.display()))?;
        eprintln!(
            "{}: {} finding(s) written to the baseline",
            out.display(),
            b.len()
        );
        return Ok(crate::EXIT_PASS);
    }
    let (open, allowed, baselined) = secrets::triage(&s.found, &base);
    let incomplete = s.incomplete();
    let text = match a.format {
        ViewFormatArg::Json => {
            let doc = json!({
                "schema": "sef.secrets",
                "schema_version": 1,
                "rules": { "source": source, "count": set.rules.len(), "problems": set.problems },
                "complete": incomplete.is_none(),
                "incomplete": incomplete,
                "scanned": s.stats,
                "history": s.history,
                "secrets": open,
                "allowed_inline": allowed,
                "baselined": baselined,
            });
            let mut t = serde_json::to_string_pretty(&doc)?;
            t.push('\n');
            t
        }
        ViewFormatArg::Text => {
            let mut t = String::new();
            writeln!(
                t,
                "{} secret(s) in {} file(s) ({} bytes) scanned with {} rules ({source}); {} binary and {} over the size cap skipped",
                open.len(),
                s.stats.files,
                s.stats.bytes,
                set.rules.len(),
                s.stats.binary,
                s.stats.too_large
            )?;
            if let Some(h) = &s.history {
                writeln!(
                    t,
                    "history: {} commit(s), {} distinct blob(s){}",
                    h.commits,
                    h.blobs,
                    if h.shallow {
                        " (shallow clone: the history present only)"
                    } else {
                        ""
                    }
                )?;
            }
            for l in &open {
                writeln!(
                    t,
                    "  {}:{}:{}  {}  {} ({} chars){}",
                    l.path,
                    l.hit.line,
                    l.hit.column,
                    l.hit.rule,
                    l.hit.secret.prefix,
                    l.hit.secret.length,
                    match &l.introduced {
                        Some(i) => format!(
                            "  introduced in {} by {}",
                            &i.commit[..12.min(i.commit.len())],
                            i.author
                        ),
                        None => String::new(),
                    }
                )?;
            }
            if !allowed.is_empty() || !baselined.is_empty() {
                writeln!(
                    t,
                    "{} allowed inline (sef:allow), {} in the baseline",
                    allowed.len(),
                    baselined.len()
                )?;
            }
            for p in &set.problems {
                writeln!(
                    t,
                    "  config: {}{}",
                    p.line.map_or_else(String::new, |l| format!("line {l}: ")),
                    p.message
                )?;
            }
            for u in s.stats.unreadable.iter().take(20) {
                writeln!(t, "  unreadable: {u}")?;
            }
            if let Some(h) = &s.history {
                for u in h.unreadable.iter().take(20) {
                    writeln!(t, "  unreadable in the history: {u}")?;
                }
            }
            if let Some(why) = &incomplete {
                writeln!(t, "INCOMPLETE: {why}; what was not read was not checked")?;
            }
            t
        }
    };
    output::emit_view(&text, a.output.as_deref(), a.format == ViewFormatArg::Text)?;
    Ok(if open.is_empty() && incomplete.is_none() {
        crate::EXIT_PASS
    } else {
        crate::EXIT_FAIL
    })
}

pub fn rules(a: &SecretsRulesArgs) -> Result<u8> {
    // the built-in JSON is redacted string by string (each rule's positive
    // example is a secret by design): a redaction of the whole text would
    // cut a JSON string in half and leave invalid JSON
    let mut redacted_per_string = false;
    let text = match &a.config {
        None => {
            let mut rules = sef_secrets::builtin::describe();
            match a.format {
                ViewFormatArg::Json => {
                    let redactor = sef_secrets::builtin_redactor();
                    for r in &mut rules {
                        for example in [&mut r.positive, &mut r.negative] {
                            if let Some(red) = redactor.redact(example) {
                                *example = red;
                            }
                        }
                    }
                    redacted_per_string = true;
                    let mut t = serde_json::to_string_pretty(&json!({
                        "schema": "sef.secrets-rules", "schema_version": 1,
                        "source": "built-in", "rules": rules,
                    }))?;
                    t.push('\n');
                    t
                }
                ViewFormatArg::Text => {
                    let mut t = format!("{} built-in rules\n", rules.len());
                    for r in &rules {
                        writeln!(t, "  {:<40} {:<8} {}", r.id, r.kind, r.description)?;
                    }
                    t
                }
            }
        }
        Some(path) => {
            let l = sef_secrets::gitleaks::load(path, None).map_err(|e| anyhow!(e))?;
            match a.format {
                ViewFormatArg::Json => {
                    let rules: Vec<_> = l
                        .set
                        .rules
                        .iter()
                        .map(|r| json!({"id": r.id, "description": r.description, "keywords": r.keywords, "entropy": r.entropy, "source": r.source, "path_only": r.regex.is_none()}))
                        .collect();
                    let mut t = serde_json::to_string_pretty(&json!({
                        "schema": "sef.secrets-rules", "schema_version": 1,
                        "source": path.display().to_string(), "config_rules": l.config_rules,
                        "rules": rules, "problems": l.set.problems,
                    }))?;
                    t.push('\n');
                    t
                }
                ViewFormatArg::Text => {
                    let mut t = format!(
                        "{}: {} rule(s) in the file, {} in effect, {} global allowlist(s)\n",
                        path.display(),
                        l.config_rules,
                        l.set.rules.len(),
                        l.set.global.len()
                    );
                    if l.set.problems.is_empty() {
                        t.push_str("every construct is supported\n");
                    }
                    for p in &l.set.problems {
                        writeln!(
                            t,
                            "  {}{}{}",
                            p.line.map_or_else(String::new, |n| format!("line {n}: ")),
                            p.rule
                                .as_ref()
                                .map_or_else(String::new, |r| format!("rule {r}: ")),
                            p.message
                        )?;
                    }
                    t
                }
            }
        }
    };
    if redacted_per_string {
        output::emit_redacted(&text, a.output.as_deref(), false)?;
    } else {
        output::emit_view(&text, a.output.as_deref(), a.format == ViewFormatArg::Text)?;
    }
    Ok(crate::EXIT_PASS)
}
