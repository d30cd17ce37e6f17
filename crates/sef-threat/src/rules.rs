//! Threat rules as data (docs/threat-model.md, "Rules"). A rule names a
//! STRIDE category, CWE and CAPEC ids, the kind of element it judges, an
//! `applies_when` and an optional `mitigated_when` condition in the
//! expression language ([`crate::expr`]), a default impact and likelihood
//! with optional adjustments, and countermeasures: ids of requirements in
//! sef's catalog (or the plan's own). The built-in library is
//! `rules/builtin.yaml`; users add rule files of the same form.

use crate::attrs::ElemTy;
use crate::expr::{self, Expr};
use crate::load::{Kind, valid_id};
use crate::yaml::{self, Mark};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// The built-in rule library.
pub const BUILTIN: &str = include_str!("../rules/builtin.yaml");
/// The name the built-in library is reported under.
pub const BUILTIN_NAME: &str = "<built-in rules>";

/// The STRIDE categories.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Stride {
    /// Pretending to be someone else.
    Spoofing,
    /// Changing data or code.
    Tampering,
    /// Denying having done something.
    Repudiation,
    /// Exposing information.
    InformationDisclosure,
    /// Making a service unavailable.
    DenialOfService,
    /// Gaining rights one should not have.
    ElevationOfPrivilege,
}

impl Stride {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Stride::Spoofing => "spoofing",
            Stride::Tampering => "tampering",
            Stride::Repudiation => "repudiation",
            Stride::InformationDisclosure => "information-disclosure",
            Stride::DenialOfService => "denial-of-service",
            Stride::ElevationOfPrivilege => "elevation-of-privilege",
        }
    }

    /// The one-letter code (S, T, R, I, D, E).
    pub fn letter(self) -> char {
        match self {
            Stride::Spoofing => 'S',
            Stride::Tampering => 'T',
            Stride::Repudiation => 'R',
            Stride::InformationDisclosure => 'I',
            Stride::DenialOfService => 'D',
            Stride::ElevationOfPrivilege => 'E',
        }
    }
}

/// How much harm a risk does when it happens.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// 1.
    Low,
    /// 2.
    Medium,
    /// 3.
    High,
    /// 4.
    VeryHigh,
}

/// How likely a risk is to happen.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Likelihood {
    /// 1.
    Unlikely,
    /// 2.
    Possible,
    /// 3.
    Likely,
    /// 4.
    VeryLikely,
}

impl Impact {
    /// 1 to 4.
    pub fn score(self) -> u8 {
        self as u8 + 1
    }
    /// As written.
    pub fn as_str(self) -> &'static str {
        ["low", "medium", "high", "very-high"][self as usize]
    }
}

impl Likelihood {
    /// 1 to 4.
    pub fn score(self) -> u8 {
        self as u8 + 1
    }
    /// As written.
    pub fn as_str(self) -> &'static str {
        ["unlikely", "possible", "likely", "very-likely"][self as usize]
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawAdjust {
    when: String,
    #[serde(default)]
    impact: Option<Impact>,
    #[serde(default)]
    likelihood: Option<Likelihood>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    title: String,
    #[serde(default)]
    description: Option<String>,
    stride: Stride,
    #[serde(default)]
    cwe: Vec<u32>,
    #[serde(default)]
    capec: Vec<u32>,
    applies_to: String,
    applies_when: String,
    #[serde(default)]
    mitigated_when: Option<String>,
    impact: Impact,
    likelihood: Likelihood,
    #[serde(default)]
    adjust: Vec<RawAdjust>,
    #[serde(default)]
    countermeasures: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawFile {
    rules: Vec<RawRule>,
}

/// An adjustment: when its condition holds, the impact or likelihood
/// becomes the one given.
#[derive(Debug, Clone)]
pub struct Adjust {
    /// The condition.
    pub when: Expr,
    /// The condition as written.
    pub source: String,
    /// The new impact.
    pub impact: Option<Impact>,
    /// The new likelihood.
    pub likelihood: Option<Likelihood>,
}

/// A loaded, checked rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its id.
    pub id: String,
    /// One line.
    pub title: String,
    /// More.
    pub description: Option<String>,
    /// Its STRIDE category.
    pub stride: Stride,
    /// CWE ids.
    pub cwe: Vec<u32>,
    /// CAPEC ids.
    pub capec: Vec<u32>,
    /// The kind of element it judges.
    pub applies_to: Kind,
    /// When it applies.
    pub applies_when: Expr,
    /// `applies_when` as written.
    pub applies_source: String,
    /// When the model already shows it mitigated.
    pub mitigated_when: Option<Expr>,
    /// `mitigated_when` as written.
    pub mitigated_source: Option<String>,
    /// Default impact.
    pub impact: Impact,
    /// Default likelihood.
    pub likelihood: Likelihood,
    /// Adjustments, applied in order.
    pub adjust: Vec<Adjust>,
    /// Requirement ids that counter it.
    pub countermeasures: Vec<String>,
    /// The file it came from.
    pub file: String,
    /// Where in that file.
    pub at: Mark,
}

/// An error in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The file.
    pub file: String,
    /// Where.
    pub at: Mark,
    /// What is wrong.
    pub message: String,
}

impl std::error::Error for RuleError {}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.at, self.message)
    }
}

/// Loads rule files (`(name, text)`) on top of the built-in library
/// (unless `builtin` is false). `known_requirement` says whether a
/// countermeasure id exists. All problems are returned.
pub fn load(
    files: &[(String, String)],
    builtin: bool,
    known_requirement: &dyn Fn(&str) -> bool,
) -> Result<Vec<Rule>, Vec<RuleError>> {
    let mut all: Vec<(String, &str)> = Vec::new();
    if builtin {
        all.push((BUILTIN_NAME.to_owned(), BUILTIN));
    }
    for (n, t) in files {
        all.push((n.clone(), t));
    }
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (name, text) in all {
        let err = |at: Mark, message: String| RuleError {
            file: name.clone(),
            at,
            message,
        };
        let doc = match yaml::parse(text) {
            Ok(d) => d,
            Err(e) => {
                errors.push(err(e.at, e.message));
                continue;
            }
        };
        let raw: RawFile = match doc.typed() {
            Ok(r) => r,
            Err(e) => {
                errors.push(err(e.at, e.message));
                continue;
            }
        };
        for (i, r) in raw.rules.into_iter().enumerate() {
            let base = format!("rules[{i}]");
            let at = doc.mark(&base);
            let mut probs: Vec<(String, String)> = Vec::new();
            if !valid_id(&r.id) {
                probs.push((
                    "id".into(),
                    "use letters, digits, `.`, `_` and `-` in a rule id".into(),
                ));
            }
            if !seen.insert(r.id.clone()) {
                probs.push(("id".into(), "this id is already used by another rule; rule ids are unique (turn a built-in rule off with `disabled_rules` in the plan)".into()));
            }
            let kind = Kind::parse(&r.applies_to);
            if kind.is_none() {
                probs.push((
                    "applies_to".into(),
                    format!(
                        "`{}` is not a kind of element; one of data-asset, technical-asset, data-flow, trust-boundary, actor",
                        r.applies_to
                    ),
                ));
            }
            let root = ElemTy::Kind(kind.unwrap_or(Kind::TechnicalAsset));
            let cond =
                |probs: &mut Vec<(String, String)>, field: &str, src: &str| -> Option<Expr> {
                    match expr::parse(src) {
                        Ok(e) => match expr::check(&e, root) {
                            Ok(()) => Some(e),
                            Err(m) => {
                                probs.push((field.to_owned(), format!("`{field}`: {m}")));
                                None
                            }
                        },
                        Err(e) => {
                            probs.push((
                                field.to_owned(),
                                format!("`{field}` at character {}: {}", e.offset + 1, e.message),
                            ));
                            None
                        }
                    }
                };
            let applies = if kind.is_some() {
                cond(&mut probs, "applies_when", &r.applies_when)
            } else {
                None
            };
            let mitigated = r
                .mitigated_when
                .as_deref()
                .map(|s| cond(&mut probs, "mitigated_when", s));
            let mut adjust = Vec::new();
            for (j, a) in r.adjust.iter().enumerate() {
                if a.impact.is_none() && a.likelihood.is_none() {
                    probs.push((
                        format!("adjust[{j}]"),
                        "an adjustment sets `impact`, `likelihood` or both".into(),
                    ));
                }
                if let Some(e) = cond(&mut probs, &format!("adjust[{j}].when"), &a.when) {
                    adjust.push(Adjust {
                        when: e,
                        source: a.when.clone(),
                        impact: a.impact,
                        likelihood: a.likelihood,
                    });
                }
            }
            for (j, c) in r.countermeasures.iter().enumerate() {
                if !known_requirement(c) {
                    probs.push((
                        format!("countermeasures[{j}]"),
                        format!("countermeasure `{c}` is not a requirement in sef's catalog or the plan (see `sef requirements`)"),
                    ));
                }
            }
            let failed = !probs.is_empty();
            for (field, message) in probs {
                errors.push(err(
                    doc.mark(&format!("{base}.{field}")),
                    format!("rule `{}`: {message}", r.id),
                ));
            }
            if failed {
                continue;
            }
            let Some(kind) = kind else { continue };
            let (Some(applies_when), Some(mitigated_when)) =
                (applies, mitigated.map_or(Some(None), |m| m.map(Some)))
            else {
                continue;
            };
            rules.push(Rule {
                id: r.id,
                title: r.title,
                description: r.description,
                stride: r.stride,
                cwe: r.cwe,
                capec: r.capec,
                applies_to: kind,
                applies_when,
                applies_source: r.applies_when,
                mitigated_when,
                mitigated_source: r.mitigated_when,
                impact: r.impact,
                likelihood: r.likelihood,
                adjust,
                countermeasures: r.countermeasures,
                file: name.clone(),
                at,
            });
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// The JSON Schema of a rule file.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(RawFile)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_library_loads_with_at_least_forty_rules() {
        let known = |id: &str| id.starts_with("SEF-");
        let rules = load(&[], true, &known).unwrap_or_else(|e| {
            panic!(
                "{}",
                e.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(rules.len() >= 40, "{}", rules.len());
        for r in &rules {
            assert!(!r.cwe.is_empty(), "{} names no CWE", r.id);
            assert!(
                !r.countermeasures.is_empty(),
                "{} names no countermeasure",
                r.id
            );
        }
    }

    #[test]
    fn a_bad_rule_names_its_file_and_line() {
        let text = "rules:\n  - id: mine\n    title: t\n    stride: tampering\n    applies_to: data-flow\n    applies_when: \"encryption == 'weak'\"\n    impact: high\n    likelihood: likely\n    countermeasures: [NOPE-1]\n";
        let e = load(&[("team.yaml".into(), text.into())], false, &|id| {
            id.starts_with("SEF-")
        })
        .unwrap_err();
        let msgs: Vec<String> = e.iter().map(|e| e.to_string()).collect();
        assert!(
            msgs.iter().any(|m| m
                .starts_with("team.yaml:6:19: rule `mine`: `applies_when`: `weak` is not a level")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("team.yaml:9:") && m.contains("NOPE-1")),
            "{msgs:?}"
        );
        let e = load(
            &[(
                "b.yaml".into(),
                "rules:\n  - id: x\n    stride: nope\n".into(),
            )],
            false,
            &|_| true,
        )
        .unwrap_err();
        assert_eq!(e[0].at.line, 3, "{e:?}");
        let dup = "rules:\n  - id: sql-injection\n    title: t\n    stride: tampering\n    applies_to: actor\n    applies_when: privileged\n    impact: high\n    likelihood: likely\n".to_owned();
        let e = load(&[("d.yaml".into(), dup)], true, &|_| true).unwrap_err();
        assert!(e[0].to_string().starts_with("d.yaml:2:"), "{e:?}");
    }
}
