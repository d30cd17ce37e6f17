//! The Markdown and HTML reports as documents: what each report says, in
//! which order, built once for both writers.

use crate::doc::{Block, Doc, Inline, Inlines, prose, t};
use crate::lines::evidence_lines;
use crate::summary::verdict;
use crate::text::{acceptance_text, compact, short_counts};
use sef_model::{
    AssessmentRun, CriterionOutcome, EvidenceStatus, Finding, RunDiff, RunSummary, SeverityCounts,
};

fn findings_table<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Block {
    Block::Table {
        head: vec!["severity", "rule", "location", "finding", "fix"],
        rows: findings
            .into_iter()
            .map(|f| {
                vec![
                    vec![Inline::Class(
                        f.severity.as_str(),
                        f.severity.as_str().to_owned(),
                    )],
                    vec![Inline::Code(f.rule_id.clone())],
                    vec![t(f
                        .location
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default())],
                    match acceptance_text(f) {
                        Some(a) => {
                            let mut c = prose(&f.title);
                            c.extend([Inline::Break, Inline::Strong(a)]);
                            c
                        }
                        None => prose(&f.title),
                    },
                    prose(&f.remediation),
                ]
            })
            .collect(),
    }
}

/// The threat model's ranked risks and its diagram.
fn threat_blocks(b: &mut Vec<Block>, run: &AssessmentRun) {
    use sef_model::evidence::threat::ThreatModelPayload;
    let Some(p) = run
        .evidence
        .iter()
        .find(|e| e.kind == sef_model::EvidenceKind::ThreatModel)
        .and_then(|e| e.payload::<ThreatModelPayload>())
    else {
        return;
    };
    b.push(h(2, "Threat model"));
    if let Some(svg) = &p.diagram_svg {
        b.push(Block::Figure {
            svg: svg.clone(),
            caption: format!(
                "Data-flow diagram of {}",
                p.title.as_deref().unwrap_or("the threat model")
            ),
            text: p.diagram_text.clone(),
        });
    }
    let rows = p
        .risks
        .iter()
        .map(|r| {
            let sev = r.severity.as_str();
            vec![
                vec![Inline::Code(r.id.clone())],
                vec![Inline::Class(sev, sev.to_owned())],
                vec![t(&r.stride)],
                vec![t(&r.title)],
                vec![t(&r.status)],
                vec![t(r.countermeasures.join(", "))],
            ]
        })
        .collect();
    b.push(Block::Table {
        head: vec![
            "risk",
            "severity",
            "STRIDE",
            "what",
            "status",
            "countermeasures",
        ],
        rows,
    });
}

fn h(level: u8, s: impl Into<String>) -> Block {
    Block::Heading(level, vec![t(s)])
}

/// One chart per KPI measured in any of the releases, when there are at
/// least two releases.
fn trend_charts(b: &mut Vec<Block>, series: &[sef_model::ReleaseKpis]) {
    if series.len() < 2 {
        return;
    }
    let Some(last) = series.last() else {
        return;
    };
    b.push(h(2, "KPI trends across releases"));
    for k in &last.kpis {
        let points: Vec<(String, Option<f64>)> = series
            .iter()
            .map(|r| {
                (
                    r.release.clone(),
                    r.kpis
                        .iter()
                        .find(|x| x.kpi_id == k.kpi_id)
                        .and_then(|x| x.measurement.value()),
                )
            })
            .collect();
        if points.iter().all(|(_, v)| v.is_none()) {
            continue;
        }
        let unit = match &k.measurement {
            sef_model::KpiMeasurement::Measured { unit, .. } => unit.clone(),
            sef_model::KpiMeasurement::NotMeasured { .. } => series
                .iter()
                .flat_map(|r| &r.kpis)
                .find_map(|x| match &x.measurement {
                    sef_model::KpiMeasurement::Measured { unit, .. } if x.kpi_id == k.kpi_id => {
                        Some(unit.clone())
                    }
                    _ => None,
                })
                .unwrap_or_default(),
        };
        b.push(Block::Chart {
            title: k.kpi_id.clone(),
            unit,
            points,
        });
    }
}

fn cwe_blocks(b: &mut Vec<Block>, run: &AssessmentRun) {
    let v = crate::cwe::of(run);
    if !crate::cwe::worth_showing(&v) {
        return;
    }
    b.push(h(2, "Findings by CWE"));
    b.push(Block::Table {
        head: vec!["CWE", "open", "closed"],
        rows: v
            .by_cwe
            .iter()
            .map(|g| {
                vec![
                    vec![t(format!("CWE-{}", g.cwe))],
                    vec![t(g.open.to_string())],
                    vec![t(g.closed.to_string())],
                ]
            })
            .collect(),
    });
    b.push(Block::Para(vec![Inline::Strong(format!(
        "CWE Top 25 (2024): the tools' rules cover {} of 25",
        v.top25_covered
    ))]));
    b.push(Block::Table {
        head: vec!["rank", "CWE", "weakness", "rules", "open findings"],
        rows: v
            .top25
            .iter()
            .map(|e| {
                vec![
                    vec![t(e.rank.to_string())],
                    vec![t(format!("CWE-{}", e.cwe))],
                    vec![t(e.name)],
                    vec![if e.covered {
                        Inline::Class("pass", "covered".to_owned())
                    } else {
                        Inline::Class("nm", "not covered".to_owned())
                    }],
                    vec![if e.open > 0 {
                        Inline::Class("fail", e.open.to_string())
                    } else {
                        t("0")
                    }],
                ]
            })
            .collect(),
    });
}

fn kpi_blocks(b: &mut Vec<Block>, kpis: &[sef_model::KpiValue]) {
    use crate::kpis::{headline, kpo_text, not_measured, trend_text, value_text};
    b.push(h(2, format!("KPIs ({})", headline(kpis))));
    if kpis.is_empty() {
        b.push(Block::Para(vec![t("None: this run has no KPI values.")]));
        return;
    }
    b.push(Block::Table {
        head: vec!["table", "KPI", "value", "KPO", "trend", "detail"],
        rows: kpis
            .iter()
            .map(|k| {
                let value = value_text(k);
                let value = if k.measurement.value().is_some() {
                    t(value)
                } else {
                    Inline::Class("nm", value)
                };
                let kpo = match k.kpo.as_ref().map(|o| o.status) {
                    Some(sef_model::KpoStatus::Met) => Inline::Class("pass", kpo_text(k)),
                    Some(sef_model::KpoStatus::Missed) => Inline::Class("fail", kpo_text(k)),
                    _ => t(kpo_text(k)),
                };
                vec![
                    vec![t(&k.table)],
                    vec![Inline::Code(k.kpi_id.clone()), Inline::Break, t(&k.name)],
                    vec![value],
                    vec![kpo],
                    vec![t(trend_text(k))],
                    vec![t(k.detail.clone().unwrap_or_default())],
                ]
            })
            .collect(),
    });
    let nm = not_measured(kpis);
    if !nm.is_empty() {
        b.push(Block::Para(vec![Inline::Strong("Not measured".to_owned())]));
        b.push(Block::List(
            nm.into_iter()
                .map(|(reason, ids)| (vec![t(format!("{reason}: {}", ids.join(", ")))], vec![]))
                .collect(),
        ));
    }
}

fn history_blocks(b: &mut Vec<Block>, s: &crate::history::HistorySection) {
    b.push(h(2, "Git history"));
    let cells = |row: &[String]| row.iter().map(|c| vec![t(c)]).collect::<Vec<_>>();
    b.push(Block::Table {
        head: vec![
            "component",
            "developed code reviewed",
            "external code reviewed",
        ],
        rows: s.components.iter().map(|r| cells(r)).collect(),
    });
    if !s.unreviewed.is_empty() {
        b.push(Block::Para(vec![Inline::Strong(
            "Commits not reviewed or unknown".to_owned(),
        )]));
        b.push(Block::Table {
            head: vec!["commit", "author", "state", "why"],
            rows: s.unreviewed.iter().map(|r| cells(r)).collect(),
        });
        if s.unreviewed_more > 0 {
            b.push(Block::Para(vec![t(format!(
                "… {} more (sef history --commits)",
                s.unreviewed_more
            ))]));
        }
    }
    if !s.signatures.is_empty() {
        b.push(Block::Para(vec![Inline::Strong(
            "Commit signature problems".to_owned(),
        )]));
        b.push(Block::Table {
            head: vec!["commit", "author", "state", "detail"],
            rows: s.signatures.iter().map(|r| cells(r)).collect(),
        });
    }
    if !s.contributors.is_empty() {
        b.push(Block::Para(vec![Inline::Strong("Contributors".to_owned())]));
        b.push(Block::Table {
            head: vec!["contributor", "commits", "new", "in the team file"],
            rows: s.contributors.iter().map(|r| cells(r)).collect(),
        });
        if s.signatures_more > 0 {
            b.push(Block::Para(vec![t(format!(
                "… {} more signature problem(s) (sef history)",
                s.signatures_more
            ))]));
        }
        if s.contributors_more > 0 {
            b.push(Block::Para(vec![t(format!(
                "… {} more",
                s.contributors_more
            ))]));
        }
    }
}

fn plan_blocks(b: &mut Vec<Block>, s: &crate::plan::PlanSection) {
    b.push(h(2, "Security plan"));
    b.push(Block::Table {
        head: vec!["part", "status", "details"],
        rows: s
            .parts
            .iter()
            .map(|(part, status, line)| {
                let class = match *status {
                    "complete" => "pass",
                    "failed" => "fail",
                    _ => "nm",
                };
                vec![
                    vec![t(*part)],
                    vec![Inline::Class(class, (*status).to_owned())],
                    vec![t(line)],
                ]
            })
            .collect(),
    });
    if !s.requirements.is_empty() {
        b.push(Block::Para(vec![Inline::Strong(
            "Requirement coverage by category".to_owned(),
        )]));
        b.push(Block::Table {
            head: vec![
                "category",
                "total",
                "planned",
                "implemented",
                "verified",
                "not applicable",
            ],
            rows: s
                .requirements
                .iter()
                .map(|row| row.iter().map(|c| vec![t(c)]).collect())
                .collect(),
        });
    }
    if !s.roles.is_empty() {
        b.push(Block::Para(vec![Inline::Strong(
            "Documentation coverage by security role".to_owned(),
        )]));
        b.push(Block::Table {
            head: vec!["role", "topics covered"],
            rows: s
                .roles
                .iter()
                .map(|(r, c)| vec![vec![t(r)], vec![t(c)]])
                .collect(),
        });
    }
}

/// The run report.
pub(crate) fn run(run: &AssessmentRun, ctx: &crate::RunContext) -> Doc {
    let (timeline, series) = (&ctx.timeline, &ctx.kpi_series);
    let v = verdict(run);
    let mut b = vec![
        Block::Heading(
            1,
            vec![t(format!(
                "sef assessment: {} {} (phase: {})",
                run.offering.name, run.release.version, run.release.phase
            ))],
        ),
        Block::Para(vec![
            t("Verdict: "),
            Inline::Class(if v.pass { "pass" } else { "fail" }, v.label.to_owned()),
            t(format!(
                " — {} checkpoint {}; {}",
                run.gate.phase, run.gate.outcome, v.evidence
            )),
        ]),
        Block::Para(vec![
            t("Run "),
            Inline::Code(run.id.to_string()),
            t(format!(
                " · started {} · sef {} · version from {}",
                run.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
                run.sef_version,
                run.release.version_source.describe()
            )),
        ]),
    ];
    if !v.blocking.is_empty() {
        b.push(Block::Para(vec![
            Inline::Strong("Blocking: ".to_owned()),
            t(v.blocking.join(", ")),
        ]));
    }
    if !timeline.is_empty() {
        b.push(h(2, "Phase timeline"));
        b.push(Block::Table {
            head: vec!["decided", "from", "to", "gate", "override"],
            rows: timeline
                .iter()
                .map(|d| {
                    vec![
                        vec![t(d.decided_at.format("%Y-%m-%d %H:%M UTC").to_string())],
                        vec![t(d.from.as_str())],
                        vec![t(d.to.as_str())],
                        vec![Inline::Class(
                            if d.gate_outcome == sef_model::GateOutcome::Pass {
                                "pass"
                            } else {
                                "fail"
                            },
                            d.gate_outcome.as_str().to_owned(),
                        )],
                        vec![t(d
                            .r#override
                            .as_ref()
                            .map(|o| {
                                format!(
                                    "by {} ({}): {}",
                                    o.by,
                                    crate::proof_label(d, &ctx.proofs),
                                    o.justification
                                )
                            })
                            .unwrap_or_default())],
                    ]
                })
                .collect(),
        });
    }
    if !run.notes.is_empty() {
        b.push(h(2, "Notes"));
        b.push(Block::List(
            run.notes.iter().map(|n| (vec![t(n)], vec![])).collect(),
        ));
    }

    b.push(h(2, "Evidence"));
    if !run.evidence.iter().any(|e| !e.kind.is_security_plan()) {
        b.push(Block::Para(vec![t("None: no analyzer is enabled.")]));
    } else {
        let rows = run
            .evidence
            .iter()
            .filter(|e| !e.kind.is_security_plan())
            .map(|e| {
                let class = match e.status {
                    EvidenceStatus::Complete => "pass",
                    EvidenceStatus::Partial { .. } => "nm",
                    EvidenceStatus::Failed { .. } => "fail",
                    EvidenceStatus::Missing { .. } => "nm",
                };
                let mut details: Inlines = Vec::new();
                for (i, line) in evidence_lines(e).into_iter().enumerate() {
                    if i > 0 {
                        details.push(Inline::Break);
                    }
                    details.push(t(line));
                }
                vec![
                    vec![t(e.kind.as_str())],
                    vec![Inline::Class(class, e.status.label().to_owned())],
                    vec![t(format!("{} {}", e.tool.name, e.tool.version))],
                    details,
                ]
            })
            .collect();
        b.push(Block::Table {
            head: vec!["kind", "status", "tool", "details"],
            rows,
        });
    }

    threat_blocks(&mut b, run);
    if let Some(s) = crate::plan::section(run) {
        plan_blocks(&mut b, &s);
    }
    if let Some(s) = crate::history::section(run) {
        history_blocks(&mut b, &s);
    }

    let counts = SeverityCounts::of(&run.findings);
    b.push(h(
        2,
        format!(
            "Findings ({} open{})",
            counts.total(),
            crate::text::triaged_suffix(&counts)
        ),
    ));
    for (title, group) in crate::text::finding_groups(&run.findings) {
        if let Some(title) = title {
            b.push(h(3, format!("{title} ({})", group.len())));
        }
        b.push(findings_table(group));
    }

    if !run.artifacts.is_empty() {
        b.push(h(2, "Artifacts"));
        b.push(Block::Table {
            head: vec!["name", "media type", "bytes", "digest"],
            rows: run
                .artifacts
                .iter()
                .map(|a| {
                    vec![
                        vec![Inline::Code(a.name.clone())],
                        vec![t(&a.media_type)],
                        vec![t(a.size.to_string())],
                        vec![Inline::Code(a.digest.as_str().to_owned())],
                    ]
                })
                .collect(),
        });
    }

    cwe_blocks(&mut b, run);
    kpi_blocks(&mut b, &run.kpis);
    trend_charts(&mut b, series);

    let outcome = run.gate.outcome.as_str();
    b.push(Block::Heading(
        2,
        vec![
            t(format!("Gate ({} exit): ", run.gate.phase)),
            Inline::Class(if v.pass { "pass" } else { "fail" }, outcome.to_owned()),
        ],
    ));
    if let Some(p) = &run.gate.policy {
        b.push(Block::Para(vec![t(format!(
            "Decided under policy `{}` {} (sha256 {}, signed by key {}, from {}).",
            p.name,
            p.version,
            p.digest.get(..12).unwrap_or(&p.digest),
            p.key_id,
            p.source
        ))]));
    }
    b.push(Block::Table {
        head: vec!["result", "criterion", "detail"],
        rows: run
            .gate
            .criteria
            .iter()
            .map(|c| {
                let (class, label) = match c.outcome {
                    CriterionOutcome::Pass => ("pass", "pass"),
                    CriterionOutcome::Fail => ("fail", "FAIL"),
                    CriterionOutcome::NotMeasured => ("nm", "not measured"),
                };
                vec![
                    vec![Inline::Class(class, label.to_owned())],
                    vec![
                        Inline::Code(c.id.clone()),
                        t(format!(" — {}", c.description)),
                    ],
                    vec![t(&c.detail)],
                ]
            })
            .collect(),
    });
    Doc {
        title: format!("sef — {} {}", run.offering.name, run.release.version),
        blocks: b,
    }
}

/// A run listing.
pub(crate) fn runs(runs: &[RunSummary]) -> Doc {
    let rows = runs
        .iter()
        .map(|r| {
            let incomplete = if r.evidence_complete {
                ""
            } else {
                " (evidence incomplete)"
            };
            vec![
                vec![Inline::Code(r.id.to_string())],
                vec![t(r.started_at.format("%Y-%m-%d %H:%M:%S").to_string())],
                vec![t(&r.offering)],
                vec![t(&r.release_version)],
                vec![t(r.phase.as_str())],
                vec![
                    Inline::Class(r.outcome.as_str(), r.outcome.as_str().to_owned()),
                    t(incomplete),
                ],
                vec![t(short_counts(&r.findings))],
            ]
        })
        .collect();
    Doc {
        title: "sef runs".to_owned(),
        blocks: vec![
            h(1, "sef runs"),
            Block::Table {
                head: vec![
                    "run",
                    "started (UTC)",
                    "offering",
                    "release",
                    "phase",
                    "verdict",
                    "findings",
                ],
                rows,
            },
        ],
    }
}

/// A run diff.
pub(crate) fn diff(d: &RunDiff) -> Doc {
    let mut b = vec![
        Block::Heading(
            1,
            vec![
                t("Changes from run "),
                Inline::Code(d.from.to_string()),
                t(" to "),
                Inline::Code(d.to.to_string()),
            ],
        ),
        h(
            2,
            format!(
                "Decision changes ({})",
                crate::text::decision_lines(d).len()
            ),
        ),
        Block::List(
            crate::text::decision_lines(d)
                .into_iter()
                .map(|l| (vec![t(l)], Vec::new()))
                .collect(),
        ),
        h(2, format!("New findings ({})", d.new_findings.len())),
        findings_table(&d.new_findings),
        h(2, format!("Fixed findings ({})", d.fixed_findings.len())),
        findings_table(&d.fixed_findings),
    ];
    if !d.unknown_findings.is_empty() {
        b.push(h(
            2,
            format!("Not re-checked ({})", d.unknown_findings.len()),
        ));
        b.push(Block::Para(vec![t(
            "Absent from the newer run, but their analyzer did not complete there, so they are not counted as fixed.",
        )]));
        b.push(findings_table(&d.unknown_findings));
    }
    b.push(h(
        2,
        format!("Evidence changes ({})", d.evidence_changes.len()),
    ));
    b.push(Block::List(
        d.evidence_changes
            .iter()
            .map(|c| {
                (
                    vec![
                        Inline::Strong(c.kind.as_str().to_owned()),
                        t(format!(" {}", c.change)),
                    ],
                    c.fields
                        .iter()
                        .map(|f| {
                            vec![
                                Inline::Code(f.field.clone()),
                                t(format!(": {} → {}", compact(&f.before), compact(&f.after))),
                            ]
                        })
                        .collect(),
                )
            })
            .collect(),
    ));
    Doc {
        title: "sef run diff".to_owned(),
        blocks: b,
    }
}
