//! Risks: each rule applied to each element of its kind. A rule that
//! applies and is not shown mitigated by the model gives a risk with a
//! stable id (`rule@element`), an impact and a likelihood (the rule's,
//! adjusted), and a severity from the risk matrix. Out-of-scope assets,
//! and flows between two of them, are never judged.

use crate::attrs::{ElemRef, Graph};
use crate::expr;
use crate::load::{Kind, Model, Place};
use crate::rules::{Impact, Likelihood, Rule, Stride};
use sef_model::Severity;

/// The risk matrix: a severity for each impact (rows, low to very-high)
/// and likelihood (columns, unlikely to very-likely).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matrix(pub [[Severity; 4]; 4]);

impl Default for Matrix {
    /// impact × likelihood scored 1..16: 12 and above critical, 8 and above
    /// high, 4 and above medium, below low.
    fn default() -> Matrix {
        use Severity::{Critical as C, High as H, Low as L, Medium as M};
        Matrix([[L, L, L, M], [L, M, M, H], [L, M, H, C], [M, H, C, C]])
    }
}

impl Matrix {
    /// The severity of an impact and a likelihood.
    pub fn severity(&self, i: Impact, l: Likelihood) -> Severity {
        self.0[i as usize][l as usize]
    }

    /// Reads a matrix written as four rows of four severity words.
    pub fn parse(rows: &[Vec<String>]) -> Result<Matrix, String> {
        if rows.len() != 4 || rows.iter().any(|r| r.len() != 4) {
            return Err("the risk matrix is four rows (impact low, medium, high, very-high) of four severities (likelihood unlikely, possible, likely, very-likely)".into());
        }
        let mut m = Matrix::default();
        for (i, r) in rows.iter().enumerate() {
            for (j, w) in r.iter().enumerate() {
                m.0[i][j] = match w.as_str() {
                    "low" => Severity::Low,
                    "medium" => Severity::Medium,
                    "high" => Severity::High,
                    "critical" => Severity::Critical,
                    _ => {
                        return Err(format!(
                            "risk matrix row {} column {}: `{w}` is not low, medium, high or critical",
                            i + 1,
                            j + 1
                        ));
                    }
                };
            }
        }
        // Severity must not fall as impact or likelihood rises.
        for i in 0..4 {
            for j in 0..4 {
                if (i > 0 && m.0[i][j] < m.0[i - 1][j]) || (j > 0 && m.0[i][j] < m.0[i][j - 1]) {
                    return Err(format!(
                        "risk matrix row {} column {}: severity falls as impact or likelihood rises",
                        i + 1,
                        j + 1
                    ));
                }
            }
        }
        Ok(m)
    }
}

/// One risk.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    /// `rule@element`: stable while the rule and the element's id are.
    pub id: String,
    /// The rule's id.
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// The STRIDE category.
    pub stride: Stride,
    /// CWE ids.
    pub cwe: Vec<u32>,
    /// CAPEC ids.
    pub capec: Vec<u32>,
    /// The element's id.
    pub element: String,
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub element_name: String,
    /// Impact after adjustments.
    pub impact: Impact,
    /// Likelihood after adjustments.
    pub likelihood: Likelihood,
    /// From the matrix.
    pub severity: Severity,
    /// Requirement ids that counter it.
    pub countermeasures: Vec<String>,
    /// Where the element is written.
    pub place: Place,
}

/// What applying the rules found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The risks, most severe first.
    pub risks: Vec<Risk>,
    /// `rule@element` pairs where the rule applied but the model shows the
    /// countermeasure (`mitigated_when` held).
    pub mitigated_in_model: Vec<String>,
    /// How many rules were applied.
    pub rules: usize,
}

fn elements<'m>(g: &Graph<'m>, k: Kind) -> Vec<ElemRef<'m>> {
    let m = g.model;
    match k {
        Kind::DataAsset => m.data_assets.iter().map(ElemRef::Data).collect(),
        Kind::TechnicalAsset => m
            .technical_assets
            .iter()
            .filter(|a| !a.out_of_scope)
            .map(ElemRef::Asset)
            .collect(),
        Kind::DataFlow => m
            .data_flows
            .iter()
            .filter(|f| {
                let out = |id: &str| m.asset(id).is_some_and(|a| a.out_of_scope);
                !(out(&f.source) && out(&f.target))
            })
            .map(ElemRef::Flow)
            .collect(),
        Kind::TrustBoundary => m.trust_boundaries.iter().map(ElemRef::Boundary).collect(),
        Kind::Actor => m.actors.iter().map(ElemRef::Actor).collect(),
    }
}

/// Applies `rules` to `model`.
pub fn assess(model: &Model, rules: &[Rule], matrix: &Matrix) -> Outcome {
    let g = Graph::new(model);
    let mut out = Outcome {
        rules: rules.len(),
        ..Outcome::default()
    };
    let by_kind: Vec<(Kind, Vec<ElemRef<'_>>)> =
        Kind::ALL.iter().map(|k| (*k, elements(&g, *k))).collect();
    for r in rules {
        let Some((_, els)) = by_kind.iter().find(|(k, _)| *k == r.applies_to) else {
            continue;
        };
        for e in els {
            if !expr::holds(&r.applies_when, &g, *e) {
                continue;
            }
            let id = format!("{}@{}", r.id, e.id());
            if r.mitigated_when
                .as_ref()
                .is_some_and(|m| expr::holds(m, &g, *e))
            {
                out.mitigated_in_model.push(id);
                continue;
            }
            let (mut impact, mut likelihood) = (r.impact, r.likelihood);
            for a in &r.adjust {
                if expr::holds(&a.when, &g, *e) {
                    impact = a.impact.unwrap_or(impact);
                    likelihood = a.likelihood.unwrap_or(likelihood);
                }
            }
            out.risks.push(Risk {
                id,
                rule: r.id.clone(),
                title: r.title.clone(),
                stride: r.stride,
                cwe: r.cwe.clone(),
                capec: r.capec.clone(),
                element: e.id().to_owned(),
                kind: r.applies_to,
                element_name: model.name_of(e.id()),
                impact,
                likelihood,
                severity: matrix.severity(impact, likelihood),
                countermeasures: r.countermeasures.clone(),
                place: model.place(e.id()).cloned().unwrap_or(Place {
                    file: String::new(),
                    at: Default::default(),
                }),
            });
        }
    }
    rank(&mut out.risks);
    out.mitigated_in_model.sort();
    out
}

/// Most severe first, then by score, then by id.
pub fn rank(risks: &mut [Risk]) {
    risks.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(
                (b.impact.score() * b.likelihood.score())
                    .cmp(&(a.impact.score() * a.likelihood.score())),
            )
            .then(a.id.cmp(&b.id))
    });
}
