//! Markdown reports (GitHub-flavoured), e.g. for a pull-request comment.
//! Every piece of text from the repository or a tool is escaped.

use crate::summary::{evidence_lines, verdict};
use crate::text::{compact, kpi_text, short_counts};
use sef_model::{AssessmentRun, CriterionOutcome, Finding, RunDiff, RunSummary, SeverityCounts};
use std::fmt::Write as _;

/// Escapes text for Markdown, including inside table cells.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                o.push('\\');
                o.push(c);
            }
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\n' | '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn findings_table(o: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        let _ = writeln!(o, "None.");
        return;
    }
    let _ = writeln!(o, "| severity | rule | location | finding | fix |");
    let _ = writeln!(o, "|---|---|---|---|---|");
    for f in findings {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            f.severity,
            esc(&f.rule_id),
            f.location
                .as_ref()
                .map(|l| esc(&l.to_string()))
                .unwrap_or_default(),
            esc(&f.title),
            esc(&f.remediation)
        );
    }
}

/// The run report as Markdown.
pub(crate) fn run(run: &AssessmentRun) -> String {
    let mut o = String::new();
    let v = verdict(run);
    let _ = writeln!(
        o,
        "# sef assessment: {} {} (phase: {})\n",
        esc(&run.offering.name),
        esc(&run.release.version),
        run.release.phase
    );
    let _ = writeln!(o, "**Verdict: {}** — {}\n", v.label, esc(&v.evidence));
    let _ = writeln!(
        o,
        "Run `{}` · started {} · sef {}\n",
        run.id,
        run.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        esc(&run.sef_version)
    );
    if !run.notes.is_empty() {
        let _ = writeln!(o, "## Notes\n");
        for n in &run.notes {
            let _ = writeln!(o, "- {}", esc(n));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## Evidence\n");
    if run.evidence.is_empty() {
        let _ = writeln!(o, "None: no analyzer is enabled.\n");
    } else {
        let _ = writeln!(o, "| kind | status | tool | details |");
        let _ = writeln!(o, "|---|---|---|---|");
        for e in &run.evidence {
            let details = evidence_lines(e)
                .iter()
                .map(|l| esc(l))
                .collect::<Vec<_>>()
                .join("<br>");
            let _ = writeln!(
                o,
                "| {} | {} | {} {} | {details} |",
                e.kind,
                e.status.label(),
                esc(&e.tool.name),
                esc(&e.tool.version)
            );
        }
        let _ = writeln!(o);
    }
    let c = SeverityCounts::of(&run.findings);
    let _ = writeln!(o, "## Findings ({})\n", c.total());
    findings_table(&mut o, &run.findings);
    let _ = writeln!(o, "\n## KPIs\n");
    if run.kpis.is_empty() {
        let _ = writeln!(o, "Not measured: this version of sef computes no KPIs yet.");
    }
    for k in &run.kpis {
        let _ = writeln!(
            o,
            "- {}: {}",
            esc(&k.kpi_id),
            esc(&kpi_text(&k.measurement))
        );
    }
    let _ = writeln!(
        o,
        "\n## Gate ({} exit): {}\n",
        run.gate.phase,
        run.gate.outcome.as_str()
    );
    let _ = writeln!(o, "| result | criterion | detail |");
    let _ = writeln!(o, "|---|---|---|");
    for cr in &run.gate.criteria {
        let r = match cr.outcome {
            CriterionOutcome::Pass => "pass",
            CriterionOutcome::Fail => "**FAIL**",
            CriterionOutcome::NotMeasured => "not measured",
        };
        let _ = writeln!(
            o,
            "| {r} | {} — {} | {} |",
            esc(&cr.id),
            esc(&cr.description),
            esc(&cr.detail)
        );
    }
    o
}

/// A run listing as Markdown.
pub(crate) fn runs(runs: &[RunSummary]) -> String {
    let mut o = String::from(
        "| run | started (UTC) | offering | release | phase | verdict | findings |\n|---|---|---|---|---|---|---|\n",
    );
    for r in runs {
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {} | {} | {}{} | {} |",
            r.id,
            r.started_at.format("%Y-%m-%d %H:%M:%S"),
            esc(&r.offering),
            esc(&r.release_version),
            r.phase,
            r.outcome.as_str(),
            if r.evidence_complete {
                ""
            } else {
                " (evidence incomplete)"
            },
            short_counts(&r.findings)
        );
    }
    o
}

/// A run diff as Markdown.
pub(crate) fn diff(d: &RunDiff) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Changes from run `{}` to `{}`\n", d.from, d.to);
    let _ = writeln!(o, "## New findings ({})\n", d.new_findings.len());
    findings_table(&mut o, &d.new_findings);
    let _ = writeln!(o, "\n## Fixed findings ({})\n", d.fixed_findings.len());
    findings_table(&mut o, &d.fixed_findings);
    if !d.unknown_findings.is_empty() {
        let _ = writeln!(
            o,
            "\n## Not re-checked ({})\n\nAbsent from the newer run, but their analyzer did not complete there, so they are not counted as fixed.\n",
            d.unknown_findings.len()
        );
        findings_table(&mut o, &d.unknown_findings);
    }
    let _ = writeln!(o, "\n## Evidence changes ({})\n", d.evidence_changes.len());
    for c in &d.evidence_changes {
        let _ = writeln!(o, "- **{}** {}", c.kind, c.change);
        for f in &c.fields {
            let _ = writeln!(
                o,
                "  - `{}`: {} → {}",
                esc(&f.field),
                esc(&compact(&f.before)),
                esc(&compact(&f.after))
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markdown_and_html() {
        assert_eq!(esc("a|b"), "a\\|b");
        assert_eq!(esc("<script>"), "&lt;script&gt;");
        assert_eq!(esc("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(esc("two\nlines"), "two lines");
    }
}
