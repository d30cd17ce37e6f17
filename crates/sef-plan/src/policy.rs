//! The organisation's policy as code: what the security architecture board
//! sets once for every offering (`sef-policy.toml`), and how a repository's
//! plan inherits it.
//!
//! The policy sets KPO defaults (for every tier and per tier), the blocking
//! severity per scope (including unknown severity), the longest a risk
//! acceptance may last, the training each role needs, and checkpoint
//! criteria no plan may switch off or override. A plan may tighten any of
//! these; it may loosen one only where the policy's `[loosen]` lists it.
//! A plan that loosens what it may not is refused at its line, naming the
//! policy's value; a plan objective looser than the policy's is replaced by
//! the policy's when the release's tier is known, with a note.

use crate::ctx::Ctx;
use crate::{CheckpointsConfig, Plan, PlanError};
use sef_model::Severity;
use sef_process::Tier;
use sef_process::education::TeamRole;
use sef_process::kpi::kpo::{Objective, Target};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use std::path::Path;
use toml::Spanned;

/// The largest policy file read.
pub const MAX_POLICY_BYTES: usize = 256 * 1024;

/// `[checkpoints]` of a policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyCheckpoints {
    /// The most lenient blocking severity a plan may use.
    pub block_severity: Option<Severity>,
    /// The most lenient blocking severity for development-only components.
    pub dev_block_severity: Option<Severity>,
    /// The lowest severity a finding of unknown severity may count as;
    /// `None`: unknown severity blocks, and a plan may not say otherwise.
    pub unknown_severity: Option<Severity>,
    /// The longest a risk acceptance may last, in days.
    pub acceptance_max_days: Option<u32>,
    /// Every criterion not measured fails the gate.
    pub strict: Option<bool>,
    /// Criteria a plan may not switch off, and a gate failed on which no
    /// one may override.
    pub locked: Vec<String>,
}

/// The organisation's policy.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgPolicy {
    /// Its name.
    pub name: String,
    /// Its version, as the board numbers it.
    pub version: String,
    /// SHA-256 of the file's bytes, hex.
    pub digest: String,
    /// `[checkpoints]`.
    pub checkpoints: PolicyCheckpoints,
    /// `[kpo]`: objectives for every tier.
    pub kpo: Vec<Objective>,
    /// `[kpo.tier-N]`: objectives of one tier (over `[kpo]`).
    pub kpo_tiers: Vec<(Tier, Vec<Objective>)>,
    /// `[training]`: courses each role needs (added to the team's).
    pub training: Vec<(TeamRole, Vec<String>)>,
    /// `[loosen] kpo`: KPIs whose objective a plan may set looser.
    pub loosen_kpo: Vec<String>,
    /// `[loosen] checkpoints`: `[checkpoints]` keys a plan may set looser.
    pub loosen_checkpoints: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    policy: RawHead,
    #[serde(default)]
    checkpoints: Option<RawCheckpoints>,
    #[serde(default)]
    kpo: Option<std::collections::BTreeMap<String, Spanned<toml::Value>>>,
    #[serde(default)]
    training: std::collections::BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    loosen: Option<RawLoosen>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHead {
    name: Spanned<String>,
    version: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheckpoints {
    #[serde(default)]
    block_severity: Option<Severity>,
    #[serde(default)]
    dev_block_severity: Option<Severity>,
    #[serde(default)]
    unknown_severity: Option<Severity>,
    #[serde(default)]
    acceptance_max_days: Option<Spanned<i64>>,
    #[serde(default)]
    strict: Option<bool>,
    #[serde(default)]
    locked: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLoosen {
    #[serde(default)]
    kpo: Vec<Spanned<String>>,
    #[serde(default)]
    checkpoints: Vec<Spanned<String>>,
}

/// The `[checkpoints]` keys a policy constrains.
pub const CHECKPOINT_KEYS: &[&str] = &[
    "block_severity",
    "dev_block_severity",
    "unknown_severity",
    "acceptance_max_days",
    "strict",
];

impl OrgPolicy {
    /// Reads a policy file.
    pub fn read(path: &Path) -> Result<OrgPolicy, PlanError> {
        let text = sef_fs::read_string(path, MAX_POLICY_BYTES as u64).map_err(PlanError::File)?;
        OrgPolicy::parse(path, &text)
    }

    /// Reads a policy's text; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<OrgPolicy, PlanError> {
        let ctx = Ctx {
            path,
            display: path.display().to_string(),
            text,
        };
        let raw: RawPolicy = toml::from_str(text).map_err(|e| ctx.toml_err(&e))?;
        let name = ctx.text_field(raw.policy.name, "policy.name", 128)?;
        let version = ctx.text_field(raw.policy.version, "policy.version", 64)?;
        let mut checkpoints = PolicyCheckpoints::default();
        if let Some(c) = raw.checkpoints {
            checkpoints.block_severity = c.block_severity;
            checkpoints.dev_block_severity = c.dev_block_severity;
            checkpoints.unknown_severity = c.unknown_severity;
            checkpoints.strict = c.strict;
            if let Some(d) = c.acceptance_max_days {
                let at = d.span().start;
                let v = d.into_inner();
                checkpoints.acceptance_max_days = Some(
                    u32::try_from(v)
                        .ok()
                        .filter(|v| (1..=3650).contains(v))
                        .ok_or_else(|| {
                            ctx.err_at(at, format!("`checkpoints.acceptance_max_days` is a number of days from 1 to 3650, got {v}"))
                        })?,
                );
            }
            for l in c.locked {
                let at = l.span().start;
                let id = l.into_inner();
                if sef_process::checkpoint::get(&id).is_none() {
                    return Err(ctx.err_at(at, format!("`{id}` is not a gate criterion")));
                }
                checkpoints.locked.push(id);
            }
        }
        let mut kpo_rows = Vec::new();
        let mut kpo_tiers = Vec::new();
        if let Some(table) = raw.kpo {
            for (key, value) in table {
                let at = value.span().start;
                if let Some(n) = key.strip_prefix("tier-") {
                    let tier = n.parse::<u8>().ok().and_then(Tier::new).ok_or_else(|| {
                        ctx.err_at(at, format!("`[kpo.{key}]`: the tiers are tier-1 to tier-4"))
                    })?;
                    let toml::Value::Table(t) = value.into_inner() else {
                        return Err(ctx.err_at(at, format!("`kpo.{key}` is a table of objectives")));
                    };
                    let rows = t
                        .into_iter()
                        .map(|(k, v)| (k, Spanned::new(at..at, v)))
                        .collect();
                    kpo_tiers.push((tier, crate::sections::kpo(&ctx, rows)?));
                } else {
                    kpo_rows.push((key, value));
                }
            }
        }
        let kpo = crate::sections::kpo(&ctx, kpo_rows)?;
        let mut training = Vec::new();
        for (role, list) in raw.training {
            let at = list.span().start;
            let role = TeamRole::parse(&role)
                .ok_or_else(|| ctx.err_at(at, format!("unknown role `{role}` in [training]")))?;
            let mut courses = Vec::new();
            for c in list.into_inner() {
                let c_at = c.span().start;
                let c = c.into_inner();
                if !sef_process::education::BUILTIN_COURSES
                    .iter()
                    .any(|(id, _)| *id == c)
                {
                    return Err(ctx.err_at(
                        c_at,
                        format!(
                            "`{c}` is not a built-in course; a policy requires built-in courses: {}",
                            sef_process::education::BUILTIN_COURSES
                                .iter()
                                .map(|(id, _)| *id)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                courses.push(c);
            }
            training.push((role, courses));
        }
        let (mut loosen_kpo, mut loosen_checkpoints) = (Vec::new(), Vec::new());
        if let Some(l) = raw.loosen {
            for k in l.kpo {
                let at = k.span().start;
                let id = k.into_inner();
                if sef_process::kpi::get(&id).is_none() {
                    return Err(ctx.err_at(at, format!("`{id}` in [loosen] kpo is not a KPI")));
                }
                loosen_kpo.push(id);
            }
            for k in l.checkpoints {
                let at = k.span().start;
                let key = k.into_inner();
                if !CHECKPOINT_KEYS.contains(&key.as_str()) {
                    return Err(ctx.err_at(
                        at,
                        format!(
                            "`{key}` in [loosen] checkpoints: the keys are {}",
                            CHECKPOINT_KEYS.join(", ")
                        ),
                    ));
                }
                loosen_checkpoints.push(key);
            }
        }
        Ok(OrgPolicy {
            name,
            version,
            digest: hex::encode(Sha256::digest(text.as_bytes())),
            checkpoints,
            kpo,
            kpo_tiers,
            training,
            loosen_kpo,
            loosen_checkpoints,
        })
    }

    /// `name version`, for messages.
    pub fn label(&self) -> String {
        format!("policy `{}` {}", self.name, self.version)
    }

    fn may_loosen(&self, key: &str) -> bool {
        self.loosen_checkpoints.iter().any(|k| k == key)
    }

    /// The policy's objectives for a tier: `[kpo]`, then `[kpo.tier-N]`.
    pub fn objectives_for(&self, tier: Tier) -> Vec<Objective> {
        let mut out = self.kpo.clone();
        for (t, list) in &self.kpo_tiers {
            if *t == tier {
                for o in list {
                    match out.iter_mut().find(|x| x.kpi == o.kpi) {
                        Some(slot) => *slot = o.clone(),
                        None => out.push(o.clone()),
                    }
                }
            }
        }
        out
    }

    /// The release's objectives under this policy: the tier's built-in
    /// defaults, then the policy's, then the plan's where they are at
    /// least as strict (or the policy lets them loosen). Returns the
    /// objectives and a note for each plan objective the policy overruled.
    pub fn objectives(&self, tier: Tier, plan: &[Objective]) -> (Vec<Objective>, Vec<String>) {
        let floor = sef_process::kpi::kpo::objectives(tier, &self.objectives_for(tier));
        let mut out = floor.clone();
        let mut notes = Vec::new();
        for p in plan {
            let policy = floor.iter().find(|o| o.kpi == p.kpi && o.origin.is_some());
            let keep = match policy {
                Some(pol)
                    if !self.loosen_kpo.contains(&p.kpi)
                        && !at_least_as_strict(&p.target, &pol.target) =>
                {
                    notes.push(format!(
                        "the plan's objective for `{}` is looser than {} allows for tier {}; the policy's applies",
                        p.kpi,
                        self.label(),
                        u8::from(tier)
                    ));
                    false
                }
                _ => true,
            };
            if keep {
                match out.iter_mut().find(|o| o.kpi == p.kpi) {
                    Some(slot) => *slot = p.clone(),
                    None => out.push(p.clone()),
                }
            }
        }
        (out, notes)
    }
}

/// Whether objective `a` asks at least as much as `b`.
pub fn at_least_as_strict(a: &Target, b: &Target) -> bool {
    match (a, b) {
        (Target::AtLeast(x), Target::AtLeast(y)) => x >= y,
        (Target::AtMost(x), Target::AtMost(y)) => x <= y,
        (Target::Comparison(x), Target::Comparison(y)) => x >= y,
        _ => false,
    }
}

/// Where the plan set a `[checkpoints]` key (its line), to name it.
fn at(plan_file: &str, c: &CheckpointsConfig, key: &str) -> String {
    match c.set_lines.get(key) {
        Some(line) => format!("{plan_file}:{line}"),
        None => plan_file.to_owned(),
    }
}

/// A verified policy applied to a plan, with what runs report of it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedPolicy {
    /// The policy.
    pub policy: OrgPolicy,
    /// Its reference, as the gate records it.
    pub reference: sef_model::PolicyRef,
}

/// Why a plan cannot run under a policy: each item names the plan's line,
/// what it sets and what the policy allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the plan loosens what the organisation's policy locks:\n  {}", .0.join("\n  "))]
pub struct PolicyViolations(pub Vec<String>);

impl Plan {
    /// Applies the organisation's policy: what the plan leaves unset comes
    /// from the policy; what it tightens stays; what it loosens is refused
    /// unless the policy allows it. Training the policy requires is added
    /// to the team's.
    pub fn apply_policy(
        &mut self,
        policy: &OrgPolicy,
        reference: sef_model::PolicyRef,
    ) -> Result<(), PolicyViolations> {
        let file = match &self.source {
            crate::PlanSource::File { path, .. } => path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            crate::PlanSource::Defaults => "the default plan".to_owned(),
        };
        let p = &policy.checkpoints;
        let c = &mut self.checkpoints;
        let label = policy.label();
        let mut bad = Vec::new();
        let set = |k: &str| c.set_lines.contains_key(k);
        // a lower threshold blocks more: stricter
        if let Some(max) = p.block_severity {
            if !set("block_severity") {
                c.block_severity = max;
            } else if c.block_severity > max && !policy.may_loosen("block_severity") {
                bad.push(format!(
                    "{}: block_severity = \"{}\", but {label} blocks at \"{max}\" and above; block at \"{max}\" or a lower severity",
                    at(&file, c, "block_severity"),
                    c.block_severity
                ));
            }
        }
        match (p.dev_block_severity, c.dev_block_severity) {
            (Some(max), None) if !set("dev_block_severity") => c.dev_block_severity = Some(max),
            (Some(max), Some(v)) if v > max && !policy.may_loosen("dev_block_severity") => bad.push(format!(
                "{}: dev_block_severity = \"{v}\", but {label} blocks development-only findings at \"{max}\" and above",
                at(&file, c, "dev_block_severity")
            )),
            (None, Some(v)) if !policy.may_loosen("dev_block_severity") => bad.push(format!(
                "{}: dev_block_severity = \"{v}\", but {label} blocks development-only findings like any other",
                at(&file, c, "dev_block_severity")
            )),
            _ => {}
        }
        // counting unknown as a higher severity is stricter; None blocks
        match (p.unknown_severity, c.unknown_severity) {
            (Some(min), None) if !set("unknown_severity") => c.unknown_severity = Some(min),
            (Some(min), Some(v)) if v < min && !policy.may_loosen("unknown_severity") => bad.push(format!(
                "{}: unknown_severity = \"{v}\", but {label} counts a finding of unknown severity as at least \"{min}\"",
                at(&file, c, "unknown_severity")
            )),
            (None, Some(v)) if !policy.may_loosen("unknown_severity") => bad.push(format!(
                "{}: unknown_severity = \"{v}\", but under {label} a finding of unknown severity blocks",
                at(&file, c, "unknown_severity")
            )),
            _ => {}
        }
        if let Some(max) = p.acceptance_max_days {
            match c.acceptance_max_days {
                None => c.acceptance_max_days = Some(max),
                Some(v) if v > max && !policy.may_loosen("acceptance_max_days") => bad.push(format!(
                    "{}: acceptance_max_days = {v}, but {label} lets a risk acceptance last at most {max} days",
                    at(&file, c, "acceptance_max_days")
                )),
                Some(_) => {}
            }
        }
        if p.strict == Some(true) {
            if set("strict") && !c.strict && !policy.may_loosen("strict") {
                bad.push(format!(
                    "{}: strict = false, but {label} makes every unmeasured criterion fail the gate",
                    at(&file, c, "strict")
                ));
            } else if !set("strict") {
                c.strict = true;
            }
        }
        for id in &c.disabled {
            if p.locked.contains(id) {
                bad.push(format!(
                    "{}: disables `{id}`, a criterion {label} locks: it may not be switched off",
                    at(&file, c, &format!("disabled:{id}"))
                ));
            }
        }
        c.locked = p.locked.clone();
        if let Some(team) = self.security.team.as_mut() {
            for (role, courses) in &policy.training {
                let mut list = team.required_for(*role);
                for course in courses {
                    if !list.contains(course) {
                        list.push(course.clone());
                    }
                }
                match team.required.iter_mut().find(|(r, _)| r == role) {
                    Some((_, slot)) => *slot = list,
                    None => team.required.push((*role, list)),
                }
            }
        }
        if bad.is_empty() {
            self.policy = Some(AppliedPolicy {
                policy: policy.clone(),
                reference,
            });
            Ok(())
        } else {
            Err(PolicyViolations(bad))
        }
    }
}
