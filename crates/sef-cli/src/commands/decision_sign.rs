//! Signing a decision made offline (`--sign-key FILE`): with an SSH private
//! key through `ssh-keygen -Y sign -n sef-decision` (so an agent or a
//! hardware key works as it does for git), or with a minisign secret key
//! (its password from SEF_KEY_PASSWORD). The signature is checked against
//! the team file's keys for the deciding member before anything is stored.

use anyhow::{Context, Result, bail};
use sef_sign::decision::{NAMESPACE, SignatureState};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Signs `payload` with the key in `key`.
pub fn sign(payload: &str, key: &Path) -> Result<String> {
    let text = sef_fs::read_string(key, 64 * 1024)
        .with_context(|| format!("{}: cannot read the signing key", key.display()))?;
    if text.contains("PRIVATE KEY-----") {
        let mut child = Command::new("ssh-keygen")
            .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-f"])
            .arg(key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run ssh-keygen to sign the decision (install openssh-client)")?;
        child
            .stdin
            .take()
            .context("ssh-keygen's standard input")?
            .write_all(payload.as_bytes())?;
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!(
                "{}: ssh-keygen could not sign: {}",
                key.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        return String::from_utf8(out.stdout)
            .context("ssh-keygen wrote a signature that is not text");
    }
    if text.starts_with("untrusted comment:") {
        let password = std::env::var("SEF_KEY_PASSWORD")
            .context("a minisign secret key needs its password in SEF_KEY_PASSWORD")?;
        return Ok(sef_sign::sign(
            &text,
            &password,
            std::io::Cursor::new(payload.as_bytes()),
            "sef decision",
        )?);
    }
    bail!(
        "{}: neither an OpenSSH private key nor a minisign secret key",
        key.display()
    )
}

/// Refuses a signature the team file would not prove.
pub fn require_verified(state: &SignatureState, member: &str) -> Result<()> {
    match state {
        SignatureState::Verified { .. } => Ok(()),
        SignatureState::UnknownKey => bail!(
            "the key that signed is not one the team file lists for `{member}`: add its public key to the member's `keys`"
        ),
        other => bail!("the signature does not verify: {}", other.label()),
    }
}

/// `sef finding sign-acceptance`: signs a plan acceptance as its approver
/// and writes the signature into sef.toml.
pub fn sign_acceptance(a: &crate::cli::FindingSignAcceptanceArgs) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.repo, "sign an acceptance")?;
    let matching: Vec<usize> = plan
        .risk_acceptances
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.id.as_deref() == Some(a.entry.as_str())
                || (r.id.is_none() && r.package.as_deref() == Some(a.entry.as_str()))
        })
        .map(|(i, _)| i)
        .collect();
    let index = match matching.as_slice() {
        [i] => *i,
        [] => bail!(
            "{}: no [[risk_acceptances]] entry names `{}` (as its id, or as its package when it names no id)",
            root.join("sef.toml").display(),
            a.entry
        ),
        many => bail!(
            "{}: {} entries name `{}` (lines {}); give each its own id",
            root.join("sef.toml").display(),
            many.len(),
            a.entry,
            many.iter()
                .map(|i| plan.risk_acceptances[*i].line.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let entry = &plan.risk_acceptances[index];
    let payload = sef_process::proof::acceptance_payload(
        &plan.offering.name,
        entry.id.as_deref(),
        entry.package.as_deref(),
        &entry.justification,
        &entry.approver,
        entry.expires,
    );
    let signature = sign(&payload, &a.sign_key)?;
    let keys = sef_process::proof::keys_of(plan.security.team.as_ref(), &entry.approver);
    let state = sef_sign::decision::verify(&payload, Some(&signature), &keys);
    require_verified(&state, &entry.approver)?;
    let path = root.join("sef.toml");
    let text = sef_fs::read_string(&path, sef_fs::CONFIG_LIMIT)
        .with_context(|| format!("{}: cannot read the plan", path.display()))?;
    let out = sef_plan::migrate::set_acceptance_signature(&text, index, &signature)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, out).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("{}: cannot replace", path.display()))?;
    eprintln!(
        "sef: the acceptance at sef.toml line {} is signed by {} ({})",
        entry.line,
        entry.approver,
        state.label()
    );
    Ok(crate::EXIT_PASS)
}
