//! `sef policy`: an organisation's policy file checked (it reads, its
//! signature verifies, a repository's plan may run under it), the policy
//! in force shown, and a policy published to a sef server.

use crate::cli::{PolicyCheckArgs, PolicyPublishArgs, PolicyShowArgs, ViewFormatArg};
use crate::output;
use anyhow::{Context, Result, anyhow, bail};
use sef_plan::policy::{MAX_POLICY_BYTES, OrgPolicy};
use std::fmt::Write as _;

fn emit(value: &serde_json::Value, format: ViewFormatArg, text: &str) -> Result<()> {
    match format {
        ViewFormatArg::Text => output::emit_view(text, None, true),
        ViewFormatArg::Json => {
            let mut s = serde_json::to_string_pretty(value)?;
            s.push('\n');
            output::emit_view(&s, None, false)
        }
    }
}

/// What a policy sets, as JSON.
fn describe(p: &OrgPolicy) -> serde_json::Value {
    let c = &p.checkpoints;
    serde_json::json!({
        "name": p.name,
        "version": p.version,
        "digest": p.digest,
        "checkpoints": {
            "block_severity": c.block_severity.map(|s| s.as_str()),
            "dev_block_severity": c.dev_block_severity.map(|s| s.as_str()),
            "unknown_severity": c.unknown_severity.map(|s| s.as_str()),
            "acceptance_max_days": c.acceptance_max_days,
            "strict": c.strict,
            "locked": c.locked,
        },
        "kpo": p.kpo.iter().map(|o| &o.kpi).collect::<Vec<_>>(),
        "kpo_tiers": p.kpo_tiers.iter().map(|(t, o)| (u8::from(*t).to_string(), o.iter().map(|x| &x.kpi).collect::<Vec<_>>())).collect::<std::collections::BTreeMap<_, _>>(),
        "training": p.training.iter().map(|(r, c)| (r.as_str(), c)).collect::<std::collections::BTreeMap<_, _>>(),
        "loosen": { "kpo": p.loosen_kpo, "checkpoints": p.loosen_checkpoints },
    })
}

fn describe_text(p: &OrgPolicy, o: &mut String) {
    let c = &p.checkpoints;
    let _ = writeln!(o, "policy `{}` {} (sha256 {})", p.name, p.version, p.digest);
    let sev = |s: Option<sef_model::Severity>, none: &str| {
        s.map_or_else(|| none.to_owned(), |s| s.as_str().to_owned())
    };
    let _ = writeln!(
        o,
        "  blocks at:               {} and above",
        sev(c.block_severity, "(plan's own)")
    );
    let _ = writeln!(
        o,
        "  development-only blocks: {}",
        sev(c.dev_block_severity, "like any other")
    );
    let _ = writeln!(
        o,
        "  unknown severity counts: {}",
        sev(c.unknown_severity, "as blocking")
    );
    let _ = writeln!(
        o,
        "  acceptances last:        {}",
        c.acceptance_max_days.map_or_else(
            || "(plan's own)".to_owned(),
            |d| format!("at most {d} days")
        )
    );
    let _ = writeln!(
        o,
        "  locked criteria:         {}",
        if c.locked.is_empty() {
            "none".to_owned()
        } else {
            c.locked.join(", ")
        }
    );
    let _ = writeln!(
        o,
        "  objectives:              {} for every tier, {} tier-specific",
        p.kpo.len(),
        p.kpo_tiers.iter().map(|(_, x)| x.len()).sum::<usize>()
    );
    for (role, courses) in &p.training {
        let _ = writeln!(
            o,
            "  training of {:<12} {}",
            format!("{}:", role.as_str()),
            courses.join(", ")
        );
    }
    if !p.loosen_kpo.is_empty() || !p.loosen_checkpoints.is_empty() {
        let _ = writeln!(
            o,
            "  plans may loosen:        {}",
            p.loosen_kpo
                .iter()
                .chain(&p.loosen_checkpoints)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// `sef policy check`.
pub fn check(a: &PolicyCheckArgs) -> Result<u8> {
    let text = sef_fs::read_string(&a.file, MAX_POLICY_BYTES as u64)
        .with_context(|| format!("{}: cannot read the policy", a.file.display()))?;
    let (policy, reference) = match &a.key {
        Some(key) => {
            let public = sef_fs::read_string(key, 64 * 1024)
                .with_context(|| format!("--key {}", key.display()))?;
            let sig = format!("{}.minisig", a.file.display());
            let signature = sef_fs::read_string(std::path::Path::new(&sig), 64 * 1024)
                .with_context(|| format!("{sig}: the policy's signature"))?;
            let (p, r) = crate::policy_source::verify(
                &text,
                &signature,
                &public,
                &a.file.display().to_string(),
            )?;
            (p, Some(r))
        }
        None => (OrgPolicy::parse(&a.file, &text)?, None),
    };
    let mut out = String::new();
    describe_text(&policy, &mut out);
    let mut json = describe(&policy);
    match &reference {
        Some(r) => {
            let _ = writeln!(out, "  signature:               verified, key {}", r.key_id);
            json["signature"] = serde_json::json!({ "verified": true, "key_id": r.key_id });
        }
        None => {
            let _ = writeln!(out, "  signature:               not checked (give --key)");
            json["signature"] = serde_json::json!({ "verified": false });
        }
    }
    let mut code = crate::EXIT_PASS;
    if let Some(repo) = &a.repo {
        let root = repo
            .canonicalize()
            .with_context(|| format!("{}: no such directory", repo.display()))?;
        let mut plan = sef_plan::Plan::load(&root)?;
        let reference = reference.unwrap_or_else(|| sef_model::PolicyRef {
            name: policy.name.clone(),
            version: policy.version.clone(),
            digest: policy.digest.clone(),
            source: a.file.display().to_string(),
            key_id: String::new(),
            locked: policy.checkpoints.locked.clone(),
        });
        match plan.apply_policy(&policy, reference) {
            Ok(()) => {
                let c = &plan.checkpoints;
                let _ = writeln!(
                    out,
                    "\nthe plan of {} runs under it: blocks at {} and above, acceptances {}",
                    root.display(),
                    c.block_severity,
                    c.acceptance_max_days
                        .map_or_else(|| "unbounded".to_owned(), |d| format!("at most {d} days"))
                );
                json["plan"] = serde_json::json!({ "repository": root.display().to_string(), "violations": [] });
            }
            Err(v) => {
                let _ = writeln!(
                    out,
                    "\nthe plan of {} loosens what the policy locks:",
                    root.display()
                );
                for line in &v.0 {
                    let _ = writeln!(out, "  {line}");
                }
                json["plan"] = serde_json::json!({ "repository": root.display().to_string(), "violations": v.0 });
                code = crate::EXIT_FAIL;
            }
        }
    }
    emit(&json, a.format, &out)?;
    Ok(code)
}

/// `sef policy show`.
pub fn show(a: &PolicyShowArgs) -> Result<u8> {
    let Some((policy, reference)) = crate::policy_source::current()? else {
        bail!(
            "no policy is in force: give --policy URL|FILE and --policy-key FILE (or SEF_POLICY and SEF_POLICY_KEY)"
        );
    };
    let mut out = String::new();
    describe_text(&policy, &mut out);
    let _ = writeln!(out, "  from:                    {}", reference.source);
    let _ = writeln!(
        out,
        "  signature:               verified, key {}",
        reference.key_id
    );
    let mut json = describe(&policy);
    json["source"] = serde_json::json!(reference.source);
    json["key_id"] = serde_json::json!(reference.key_id);
    emit(&json, a.format, &out)?;
    Ok(crate::EXIT_PASS)
}

/// `sef policy publish`.
pub fn publish(a: &PolicyPublishArgs) -> Result<u8> {
    let text = sef_fs::read_string(&a.file, MAX_POLICY_BYTES as u64)
        .with_context(|| format!("{}: cannot read the policy", a.file.display()))?;
    // refuse locally what the server would refuse, with the line
    OrgPolicy::parse(&a.file, &text)?;
    let token = std::env::var("SEF_TOKEN").map_err(|_| {
        anyhow!("publishing needs an API token in SEF_TOKEN, of a user with the set-policy permission (architect or admin)")
    })?;
    let (base, agent) = super::push::agent_for(&a.server, "--server")?;
    let endpoint = format!("{base}/api/v1/policy");
    let mut resp = agent
        .put(&endpoint)
        .header("Authorization", &format!("Bearer {}", token.trim()))
        .header("Content-Type", "application/toml")
        .send(text.as_bytes())
        .with_context(|| format!("{endpoint}: cannot reach the sef server"))?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()
        .with_context(|| format!("{endpoint}: cannot read the answer"))?;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
    if status != 201 {
        bail!(
            "{endpoint}: the server refused the policy ({status}): {}",
            v["detail"].as_str().unwrap_or(&body)
        );
    }
    eprintln!(
        "sef: published policy `{}` {} as revision {} (signed by key {})",
        v["name"].as_str().unwrap_or(""),
        v["version"].as_str().unwrap_or(""),
        v["revision"],
        v["key_id"].as_str().unwrap_or("")
    );
    Ok(crate::EXIT_PASS)
}
