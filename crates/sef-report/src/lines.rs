//! A few readable lines per piece of evidence, the same in every format,
//! read from the typed payloads.

use crate::format::thousands;
use sef_model::evidence::facts::{Inventory, RepoFacts};
use sef_model::evidence::history::{Counts, History};
use sef_model::evidence::secrets::Secrets;
use sef_model::evidence::tools::{SecurityTests, Signatures, StaticAnalysis};
use sef_model::evidence::vulnerabilities::KnownVulnerabilities;
use sef_model::{Evidence, EvidenceKind, EvidencePayload, EvidenceStatus};

/// A few human-readable lines summarising one piece of evidence.
pub fn evidence_lines(e: &Evidence) -> Vec<String> {
    if let Some(reason) = e.status.reason() {
        let mut lines = vec![format!("{}: {reason}", e.status.label())];
        if matches!(
            e.status,
            EvidenceStatus::Failed { .. } | EvidenceStatus::Missing { .. }
        ) {
            return lines;
        }
        lines.extend(kind_lines(e));
        return lines;
    }
    kind_lines(e)
}

fn kind_lines(e: &Evidence) -> Vec<String> {
    if e.kind.is_security_plan() {
        return crate::plan::evidence_lines(e);
    }
    match &e.payload {
        EvidencePayload::RepositoryFacts(p) => repo_facts_lines(p),
        EvidencePayload::Inventory(p) => inventory_lines(p),
        EvidencePayload::KnownVulnerabilities(p) => vulnerability_lines(p),
        EvidencePayload::StaticAnalysis(p) => static_analysis_lines(p),
        EvidencePayload::Signatures(p) => signature_lines(p),
        EvidencePayload::History(p) => history_lines(p),
        EvidencePayload::Secrets(p) => secrets_lines(p),
        EvidencePayload::SecurityTests(p) => security_test_lines(p),
        EvidencePayload::ResilienceTesting(p) => resilience_lines(p),
        EvidencePayload::ThreatModel(p) => threat_lines(p),
        EvidencePayload::None => match e.kind {
            EvidenceKind::Incidents | EvidenceKind::Platform => {
                vec!["no payload: this sef does not read it yet".to_owned()]
            }
            _ => Vec::new(),
        },
        // the security plan's kinds are handled above
        _ => Vec::new(),
    }
}

fn n(x: usize) -> u64 {
    x as u64
}

fn resilience_lines(p: &sef_model::evidence::resilience::ResilienceTesting) -> Vec<String> {
    let mut out = vec![format!(
        "{} test record(s) in {}; {} finding(s), {} open, {} fixed by a retest",
        p.tests.len(),
        p.records_dir,
        p.findings,
        p.open.total(),
        p.fixed
    )];
    if p.scope.is_empty() {
        out.push("no scope declared ([resilience] scope)".to_owned());
    } else {
        out.push(format!(
            "scope: {} of {} item(s) covered by a completed, retested test of release {}",
            p.covered.len(),
            p.scope.len(),
            p.release
        ));
        if !p.uncovered.is_empty() {
            out.push(format!("not covered: {}", p.uncovered.join(", ")));
        }
    }
    for t in &p.tests {
        out.push(format!(
            "{}: {} by {} ({}, {}), {}{}; {} open, {} fixed, {} retest(s)",
            t.id,
            t.title,
            t.tester,
            t.tester_kind,
            t.method,
            match t.completed {
                Some(d) => format!("completed {d}"),
                None => format!("started {}, in progress", t.started),
            },
            match &t.why_not {
                Some(w) => format!(" — does not count: {w}"),
                None => String::new(),
            },
            t.open,
            t.fixed,
            t.retests
        ));
    }
    out
}

fn threat_lines(p: &sef_model::evidence::threat::ThreatModelPayload) -> Vec<String> {
    let b = &p.by_severity;
    let mut out = vec![
        format!(
            "model {} ({}): {} data assets, {} technical assets, {} actors, {} flows, {} trust boundaries",
            p.files.join(", "),
            p.digest.get(..19).unwrap_or(&p.digest),
            p.counts.data_assets,
            p.counts.technical_assets,
            p.counts.actors,
            p.counts.data_flows,
            p.counts.trust_boundaries
        ),
        format!(
            "{} rules: {} risks ({} critical, {} high, {} medium, {} low); {} shown mitigated by the model",
            p.rules,
            p.risks.len(),
            b.critical,
            b.high,
            b.medium,
            b.low,
            p.mitigated_in_model
        ),
    ];
    out.push(match &p.last_review {
        None => "never reviewed".to_owned(),
        Some(r) => format!(
            "last review: {} on {} ({} days ago){}{}{}",
            r.reviewer,
            r.date,
            r.age_days,
            if r.current {
                ""
            } else {
                "; the model changed since"
            },
            if r.by_architect {
                ""
            } else {
                "; the reviewer is not an architect of the team"
            },
            if p.reviewed {
                ""
            } else {
                " — does not count"
            }
        ),
    });
    if !p.untracked_high.is_empty() {
        out.push(format!(
            "untracked at or above {}: {}",
            p.high_from,
            p.untracked_high.join(", ")
        ));
    }
    if !p.unmitigated_high.is_empty() {
        out.push(format!(
            "unmitigated at or above {}: {}",
            p.high_from,
            p.unmitigated_high.join(", ")
        ));
    }
    out
}

fn signature_lines(p: &Signatures) -> Vec<String> {
    vec![format!(
        "{} of {} declared release artefact(s) signed and verified",
        p.verified(),
        p.artifacts.len()
    )]
}

fn secrets_lines(p: &Secrets) -> Vec<String> {
    let sc = &p.scanned;
    let mut v = vec![format!(
        "{} hard-coded secret(s) in {} file(s) scanned ({} binary, {} over the size cap skipped); {} rules ({})",
        p.found,
        thousands(sc.files),
        sc.binary,
        sc.too_large,
        p.rules.count,
        p.rules.source
    )];
    if let Some(h) = &p.history {
        v.push(format!(
            "history: {} commit(s), {} distinct blob(s) scanned",
            thousands(h.commits),
            thousands(h.blobs)
        ));
    }
    let allowed = p.allowed_inline.len();
    if allowed > 0 || p.baselined > 0 {
        v.push(format!(
            "{allowed} allowed inline (sef:allow), {} in the baseline",
            p.baselined
        ));
    }
    v
}

fn security_test_lines(p: &SecurityTests) -> Vec<String> {
    let s = &p.security;
    vec![
        format!(
            "{} test case(s) in {} JUnit file(s): {} passed, {} failed, {} skipped",
            thousands(n(p.cases)),
            p.files.len(),
            p.passed,
            p.failed,
            p.skipped
        ),
        format!(
            "security tests: {} executed, {} passed, {} failed, {} skipped",
            s.executed(),
            s.passed,
            s.failed,
            s.skipped
        ),
    ]
}

fn static_analysis_lines(p: &StaticAnalysis) -> Vec<String> {
    let tools: Vec<String> = p
        .tools
        .iter()
        .map(|t| {
            format!(
                "{}{} ({} result(s){})",
                t.name,
                t.version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default(),
                t.results,
                if t.execution_successful {
                    ""
                } else {
                    ", did NOT execute successfully"
                }
            )
        })
        .collect();
    let mut out = vec![format!(
        "{} finding(s) from {} SARIF file(s): {}",
        p.findings,
        p.files.len(),
        if tools.is_empty() {
            "no tool run".to_owned()
        } else {
            tools.join(", ")
        }
    )];
    let diags = p.diagnostics.len();
    if diags > 0 {
        out.push(format!(
            "{diags} diagnostic(s) about the files (see the JSON report)"
        ));
    }
    out
}

fn vulnerability_lines(p: &KnownVulnerabilities) -> Vec<String> {
    if p.components == 0 {
        return vec!["no third-party component to test".to_owned()];
    }
    let mut out = vec![format!(
        "{} of {} third-party component(s) tested against the advisory database; {} match(es)",
        thousands(n(p.tested)),
        thousands(n(p.components)),
        p.matches.len()
    )];
    if let Some(db) = &p.database {
        let parts: Vec<String> = db
            .ecosystems
            .iter()
            .map(|(k, v)| match (v.age_days, &v.newest_modified) {
                (Some(d), Some(m)) => format!(
                    "{k}: {} advisories, newest modified {} ({d} day(s) old)",
                    v.count,
                    m.get(..10).unwrap_or(m)
                ),
                _ => format!(
                    "{k}: {} advisories, age unknown (no real `modified` dates)",
                    v.count
                ),
            })
            .collect();
        if !parts.is_empty() {
            out.push(format!("database: {}", parts.join("; ")));
        }
    }
    out
}

fn inventory_lines(p: &Inventory) -> Vec<String> {
    let s = &p.summary;
    let mut out = vec![format!(
        "{} components ({} third-party, {} first-party) from {} file(s)",
        thousands(n(s.components)),
        thousands(n(s.third_party)),
        thousands(n(s.first_party)),
        s.files - s.excluded_files.min(s.files)
    )];
    if s.excluded_files > 0 {
        let files: Vec<&str> = p
            .files
            .iter()
            .filter(|f| f.excluded)
            .map(|f| f.path.as_str())
            .collect();
        let shown = files.iter().take(3).copied().collect::<Vec<_>>().join(", ");
        let more = if files.len() > 3 {
            format!(", … {} more", files.len() - 3)
        } else {
            String::new()
        };
        out.push(format!(
            "excluded: {} component(s) in {} file(s) under [analyzers.inventory] exclude ({shown}{more}): not findings, not in the SBOM",
            thousands(n(s.excluded_components)),
            s.excluded_files
        ));
    }
    if !s.by_ecosystem.is_empty() {
        let parts: Vec<String> = s
            .by_ecosystem
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        out.push(format!("ecosystems: {}", parts.join(", ")));
    }
    if s.unpinned > 0 {
        out.push(format!(
            "{} unpinned requirement(s): no exact version",
            s.unpinned
        ));
    }
    for diag in p.diagnostics.iter().take(5) {
        let line = diag.line.map(|l| format!(":{l}")).unwrap_or_default();
        out.push(format!(
            "{}: {}{line}: {}",
            diag.level.as_str(),
            diag.file,
            diag.message
        ));
    }
    if p.diagnostics.len() > 5 {
        out.push(format!(
            "… and {} more diagnostic(s)",
            p.diagnostics.len() - 5
        ));
    }
    out
}

fn repo_facts_lines(p: &RepoFacts) -> Vec<String> {
    let mut out = Vec::new();
    match &p.git {
        Some(g) => {
            let branch = g.branch.as_deref().unwrap_or("(detached HEAD)");
            let commit = g.head_commit.as_deref().map_or_else(
                || "no commits yet".to_owned(),
                |c| c.chars().take(12).collect(),
            );
            let dirty = if g.dirty {
                ", uncommitted changes"
            } else {
                ", clean"
            };
            out.push(format!("git: {branch} @ {commit}{dirty}"));
        }
        None => out.push("git: no git history".to_owned()),
    }
    let code = p.code_lines;
    out.push(format!(
        "{} files, {} lines of code",
        thousands(p.files),
        thousands(code)
    ));
    let mut v: Vec<(&String, u64, u64)> = p
        .languages
        .iter()
        .map(|(k, s)| (k, s.code_lines, s.files))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    let top: Vec<String> = v
        .iter()
        .take(6)
        .map(|(k, lines, files)| {
            if code > 0 {
                #[allow(clippy::cast_precision_loss)]
                let pct = (*lines as f64) * 100.0 / code as f64;
                if pct < 1.0 {
                    format!("{k} <1%")
                } else {
                    format!("{k} {pct:.0}%")
                }
            } else {
                format!("{k} ({files} files)")
            }
        })
        .collect();
    if !top.is_empty() {
        let more = if v.len() > 6 {
            format!(", +{} more", v.len() - 6)
        } else {
            String::new()
        };
        out.push(format!("languages: {}{more}", top.join(", ")));
    }
    let pf = &p.policy_files;
    let items: Vec<String> = [
        ("CI", &pf.ci),
        ("code owners", &pf.codeowners),
        ("dependency updates", &pf.dependency_updates),
        ("license", &pf.license),
        ("security policy", &pf.security_policy),
    ]
    .iter()
    .map(|(label, found)| match found {
        Some(path) => format!("{label} ✓ ({path})"),
        None => format!("{label} ✗"),
    })
    .collect();
    out.push(items.join(" · "));
    out
}

/// The summary lines of the `history` evidence.
fn history_lines(p: &History) -> Vec<String> {
    let r = &p.range;
    let base = r.base.as_ref().map_or_else(
        || "in the whole history".to_owned(),
        |b| format!("since {}", b.label),
    );
    let share = |c: &Counts, what: &str| {
        if c.commits == 0 {
            format!("{what}: no commit in the range")
        } else {
            format!(
                "{what}: {} of {} commit(s) reviewed, {} not reviewed, {} unknown",
                c.reviewed, c.commits, c.not_reviewed, c.unknown
            )
        }
    };
    let s = &p.signatures;
    let c = &p.contributors;
    let mut out = vec![
        format!(
            "{} commit(s) {base} ({} merge(s)){}",
            thousands(n(r.commits)),
            r.merges,
            if r.shallow {
                "; shallow clone: only the history present"
            } else {
                ""
            }
        ),
        share(&p.review.developed, "code review, developed code"),
        share(&p.review.external, "code review, external code"),
        format!(
            "signed commits: {} verified, {} unsigned, {} invalid, {} unknown key, {} not verified",
            s.verified, s.unsigned, s.invalid, s.unknown_key, s.not_verified
        ),
    ];
    let new = c.new.as_ref().map_or_else(
        || "new: not measured".to_owned(),
        |n| format!("{} new", n.len()),
    );
    let outside = c.outside_team.as_ref().map_or_else(
        || "outside the team file: not measured (no member e-mails)".to_owned(),
        |o| format!("{} outside the team file", o.len()),
    );
    out.push(format!(
        "contributors: {} ({new}; {outside})",
        c.people.len()
    ));
    out
}
