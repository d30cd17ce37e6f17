//! One self-contained HTML file per report: inline CSS, no scripts, no
//! external requests (a Content-Security-Policy forbids them), and every
//! piece of text escaped.

use crate::summary::{evidence_lines, verdict};
use crate::text::{compact, kpi_text, short_counts};
use sef_model::{AssessmentRun, CriterionOutcome, Finding, RunDiff, RunSummary, SeverityCounts};
use std::fmt::Write as _;

/// Escapes text for HTML element content and quoted attributes.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa}.pass{color:#1a7f37;font-weight:700}.fail{color:#cf222e;font-weight:700}.nm{color:#9a6700}\
.critical,.high{color:#cf222e;font-weight:600}.medium{color:#9a6700}.low,.info{color:#57606a}\
.meta{color:#57606a}code{background:#f6f8fa;padding:0 .2rem}ul.notes li{margin:.2rem 0}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

fn findings_table(o: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        o.push_str("<p>None.</p>\n");
        return;
    }
    o.push_str("<table>\n<tr><th>severity</th><th>rule</th><th>location</th><th>finding</th><th>fix</th></tr>\n");
    for f in findings {
        let _ = writeln!(
            o,
            "<tr><td class=\"{s}\">{s}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.rule_id),
            f.location
                .as_ref()
                .map(|l| esc(&l.to_string()))
                .unwrap_or_default(),
            esc(&f.title),
            esc(&f.remediation),
            s = f.severity.as_str()
        );
    }
    o.push_str("</table>\n");
}

/// The run report as HTML.
pub(crate) fn run(run: &AssessmentRun) -> String {
    let v = verdict(run);
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>sef assessment: {} {} <span class=\"meta\">(phase: {})</span></h1>",
        esc(&run.offering.name),
        esc(&run.release.version),
        run.release.phase
    );
    let _ = writeln!(
        b,
        "<p>Verdict: <span class=\"{}\">{}</span> — {}</p>",
        if v.pass { "pass" } else { "fail" },
        v.label,
        esc(&v.evidence)
    );
    let _ = writeln!(
        b,
        "<p class=\"meta\">Run <code>{}</code> · started {} · sef {}</p>",
        run.id,
        run.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        esc(&run.sef_version)
    );
    if !run.notes.is_empty() {
        b.push_str("<h2>Notes</h2>\n<ul class=\"notes\">\n");
        for n in &run.notes {
            let _ = writeln!(b, "<li>{}</li>", esc(n));
        }
        b.push_str("</ul>\n");
    }
    b.push_str("<h2>Evidence</h2>\n");
    if run.evidence.is_empty() {
        b.push_str("<p>None: no analyzer is enabled.</p>\n");
    } else {
        b.push_str("<table>\n<tr><th>kind</th><th>status</th><th>tool</th><th>details</th></tr>\n");
        for e in &run.evidence {
            let class = match e.status.label() {
                "complete" => "pass",
                "partial" => "nm",
                _ => "fail",
            };
            let details = evidence_lines(e)
                .iter()
                .map(|l| esc(l))
                .collect::<Vec<_>>()
                .join("<br>");
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td class=\"{class}\">{}</td><td>{} {}</td><td>{details}</td></tr>",
                e.kind,
                e.status.label(),
                esc(&e.tool.name),
                esc(&e.tool.version)
            );
        }
        b.push_str("</table>\n");
    }
    let c = SeverityCounts::of(&run.findings);
    let _ = writeln!(b, "<h2>Findings ({})</h2>", c.total());
    findings_table(&mut b, &run.findings);
    b.push_str("<h2>KPIs</h2>\n");
    if run.kpis.is_empty() {
        b.push_str("<p class=\"nm\">Not measured: this version of sef computes no KPIs yet.</p>\n");
    } else {
        b.push_str("<ul>\n");
        for k in &run.kpis {
            let _ = writeln!(
                b,
                "<li>{}: {}</li>",
                esc(&k.kpi_id),
                esc(&kpi_text(&k.measurement))
            );
        }
        b.push_str("</ul>\n");
    }
    let _ = writeln!(
        b,
        "<h2>Gate ({} exit): <span class=\"{o}\">{o}</span></h2>",
        run.gate.phase,
        o = run.gate.outcome.as_str()
    );
    b.push_str("<table>\n<tr><th>result</th><th>criterion</th><th>detail</th></tr>\n");
    for cr in &run.gate.criteria {
        let (class, label) = match cr.outcome {
            CriterionOutcome::Pass => ("pass", "pass"),
            CriterionOutcome::Fail => ("fail", "FAIL"),
            CriterionOutcome::NotMeasured => ("nm", "not measured"),
        };
        let _ = writeln!(
            b,
            "<tr><td class=\"{class}\">{label}</td><td><code>{}</code> {}</td><td>{}</td></tr>",
            esc(&cr.id),
            esc(&cr.description),
            esc(&cr.detail)
        );
    }
    b.push_str("</table>\n");
    page(
        &format!("sef — {} {}", run.offering.name, run.release.version),
        &b,
    )
}

/// A run listing as HTML.
pub(crate) fn runs(runs: &[RunSummary]) -> String {
    let mut b = String::from(
        "<h1>sef runs</h1>\n<table>\n<tr><th>run</th><th>started (UTC)</th><th>offering</th><th>release</th><th>phase</th><th>verdict</th><th>findings</th></tr>\n",
    );
    for r in runs {
        let _ = writeln!(
            b,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{o}\">{o}{}</td><td>{}</td></tr>",
            r.id,
            r.started_at.format("%Y-%m-%d %H:%M:%S"),
            esc(&r.offering),
            esc(&r.release_version),
            r.phase,
            if r.evidence_complete {
                ""
            } else {
                " (evidence incomplete)"
            },
            short_counts(&r.findings),
            o = r.outcome.as_str()
        );
    }
    b.push_str("</table>\n");
    page("sef runs", &b)
}

/// A run diff as HTML.
pub(crate) fn diff(d: &RunDiff) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>Changes from run <code>{}</code> to <code>{}</code></h1>",
        d.from, d.to
    );
    let _ = writeln!(b, "<h2>New findings ({})</h2>", d.new_findings.len());
    findings_table(&mut b, &d.new_findings);
    let _ = writeln!(b, "<h2>Fixed findings ({})</h2>", d.fixed_findings.len());
    findings_table(&mut b, &d.fixed_findings);
    if !d.unknown_findings.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Not re-checked ({})</h2>\n<p>Absent from the newer run, but their analyzer did not complete there, so they are not counted as fixed.</p>",
            d.unknown_findings.len()
        );
        findings_table(&mut b, &d.unknown_findings);
    }
    let _ = writeln!(
        b,
        "<h2>Evidence changes ({})</h2>\n<ul>",
        d.evidence_changes.len()
    );
    for c in &d.evidence_changes {
        let _ = writeln!(b, "<li><strong>{}</strong> {}<ul>", c.kind, esc(&c.change));
        for f in &c.fields {
            let _ = writeln!(
                b,
                "<li><code>{}</code>: {} → {}</li>",
                esc(&f.field),
                esc(&compact(&f.before)),
                esc(&compact(&f.after))
            );
        }
        b.push_str("</ul></li>\n");
    }
    b.push_str("</ul>\n");
    page("sef run diff", &b)
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_html() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
