//! The "Security plan" section: PTI tier, checklist status, requirement
//! coverage per category, documentation coverage per role and training
//! coverage, read from the run's security-plan evidence. Every format says
//! the same thing; this module decides what.

use crate::summary::thousands;
use sef_model::{AssessmentRun, EvidenceKind, EvidenceStatus};
use serde_json::Value;

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The section, ready to lay out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlanSection {
    /// One line per part: (part, status label, what it says).
    pub parts: Vec<(&'static str, &'static str, String)>,
    /// Requirement coverage: category, total, planned, implemented,
    /// verified, not applicable.
    pub requirements: Vec<[String; 6]>,
    /// Documentation per role: role, covered of expected.
    pub roles: Vec<(String, String)>,
}

/// The section of a run, when the run has security-plan evidence.
pub(crate) fn section(run: &AssessmentRun) -> Option<PlanSection> {
    let get = |k: EvidenceKind| run.evidence.iter().find(|e| e.kind == k);
    let pti = get(EvidenceKind::Pti)?;
    let mut parts = Vec::new();
    let label = |s: &EvidenceStatus| s.label();
    parts.push(("PTI", label(&pti.status), pti_line(&pti.payload)));
    if let Some(e) = get(EvidenceKind::PlanningChecklist) {
        parts.push(("checklist", label(&e.status), checklist_line(&e.payload)));
    }
    let mut requirements = Vec::new();
    if let Some(e) = get(EvidenceKind::SecurityRequirements) {
        let ev = &e.payload["evaluation"];
        parts.push(("requirements", label(&e.status), requirements_line(ev)));
        if let Some(cats) = ev["by_category"].as_array() {
            for c in cats {
                let (name, cov) = (&c[0], &c[1]);
                requirements.push([
                    name.as_str().unwrap_or("?").to_owned(),
                    num(&cov["total"]).to_string(),
                    num(&cov["planned"]).to_string(),
                    num(&cov["implemented"]).to_string(),
                    num(&cov["verified"]).to_string(),
                    num(&cov["not_applicable"]).to_string(),
                ]);
            }
        }
    }
    let mut roles = Vec::new();
    if let Some(e) = get(EvidenceKind::SecurityDocumentation) {
        let ev = &e.payload["evaluation"];
        parts.push((
            "documentation",
            label(&e.status),
            format!(
                "{} of {} required topic(s) documented",
                num(&ev["covered"]),
                num(&ev["required"])
            ),
        ));
        if let Some(rs) = ev["roles"].as_array() {
            for r in rs {
                roles.push((
                    r["role"].as_str().unwrap_or("?").to_owned(),
                    format!("{}/{}", num(&r["covered"]), num(&r["expected"])),
                ));
            }
        }
    }
    if let Some(e) = get(EvidenceKind::Education) {
        parts.push(("training", label(&e.status), training_line(&e.payload)));
    }
    Some(PlanSection {
        parts,
        requirements,
        roles,
    })
}

fn pti_line(p: &Value) -> String {
    let o = &p["outcome"];
    match o["state"].as_str() {
        Some("complete") => {
            let mut s = format!(
                "index {} → tier {} ({})",
                num(&o["index"]),
                num(&o["tier"]),
                tier_label(num(&o["tier"]))
            );
            if o["tier"] != o["index_tier"] {
                s.push_str(&format!(
                    "; raised from tier {} by a high-water-mark floor",
                    num(&o["index_tier"])
                ));
            }
            if let Some(by) = p["assessed_by"].as_str() {
                s.push_str(&format!("; assessed by {by}"));
            }
            if let Some(on) = p["assessed_on"].as_str() {
                s.push_str(&format!(" on {on}"));
            }
            s
        }
        Some("incomplete") => format!(
            "not computed: unanswered {}; every requirement is selected until it is",
            strs(&o["unanswered"]).join(", ")
        ),
        _ => "not done: no [pti] in the plan; every requirement is selected".to_owned(),
    }
}

fn tier_label(t: u64) -> &'static str {
    match t {
        1 => "low",
        2 => "moderate",
        3 => "high",
        4 => "critical",
        _ => "?",
    }
}

fn checklist_line(p: &Value) -> String {
    let c = &p["checklist"];
    if c.is_null() {
        return "not answered: no [checklist] in the plan".to_owned();
    }
    let unanswered = strs(&c["unanswered"]);
    let gaps = strs(&c["gaps"]);
    let total = c["items"].as_array().map_or(0, Vec::len);
    let mut s = format!(
        "{} of {total} question(s) answered",
        total.saturating_sub(unanswered.len())
    );
    if !unanswered.is_empty() {
        s.push_str(&format!("; unanswered: {}", unanswered.join(", ")));
    }
    if !gaps.is_empty() {
        s.push_str(&format!("; answered no or partial: {}", gaps.join(", ")));
    }
    s
}

fn requirements_line(ev: &Value) -> String {
    let t = &ev["total"];
    format!(
        "{} selected at tier {}{} in {} of 9 categories: {} verified, {} implemented, {} planned, {} not applicable",
        thousands(num(&t["total"])),
        num(&ev["tier"]),
        if ev["tier_from_pti"].as_bool() == Some(true) {
            ""
        } else {
            " (no PTI)"
        },
        num(&ev["categories_selected"]),
        num(&t["verified"]),
        num(&t["implemented"]),
        num(&t["planned"]),
        num(&t["not_applicable"]),
    )
}

fn training_line(p: &Value) -> String {
    let ev = &p["evaluation"];
    if num(&ev["total"]) == 0 {
        return "no team recorded: no [team] in the plan".to_owned();
    }
    let mut s = format!(
        "{} of {} member(s) trained for their roles",
        num(&ev["trained"]),
        num(&ev["total"])
    );
    if let Some(o) = ev["overdue"].as_array()
        && !o.is_empty()
    {
        let list: Vec<String> = o
            .iter()
            .map(|x| {
                format!(
                    "{} {} (due {})",
                    x[0].as_str().unwrap_or("?"),
                    x[1].as_str().unwrap_or("?"),
                    x[2].as_str().unwrap_or("?")
                )
            })
            .collect();
        s.push_str(&format!("; refreshers overdue: {}", list.join(", ")));
    }
    s
}

/// The lines the evidence table shows for a security-plan kind.
pub(crate) fn evidence_lines(kind: EvidenceKind, p: &Value) -> Vec<String> {
    match kind {
        EvidenceKind::Pti => vec![pti_line(p)],
        EvidenceKind::PlanningChecklist => vec![checklist_line(p)],
        EvidenceKind::SecurityRequirements => vec![requirements_line(&p["evaluation"])],
        EvidenceKind::SecurityDocumentation => {
            let ev = &p["evaluation"];
            vec![format!(
                "{} of {} required topic(s) documented",
                num(&ev["covered"]),
                num(&ev["required"])
            )]
        }
        EvidenceKind::Education => vec![training_line(p)],
        _ => Vec::new(),
    }
}
