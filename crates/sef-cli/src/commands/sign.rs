//! `sef keygen`, `sef sign`, `sef verify`: release artefacts signed in the
//! minisign format (see the `sef-sign` crate).

use crate::cli::{KeygenArgs, PasswordArgs, ProvenanceArgs, SignArgs, VerifyArgs, ViewFormatArg};
use crate::output;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Key and signature files are small; anything larger is not one.
const MAX_KEY_BYTES: u64 = 64 * 1024;

fn password(a: &PasswordArgs) -> Result<String> {
    let p = match &a.password_file {
        Some(f) => sef_fs::read_string(f, MAX_KEY_BYTES)
            .context("cannot read the password file")?
            .lines()
            .next()
            .unwrap_or("")
            .to_owned(),
        None => std::env::var("SEF_KEY_PASSWORD").map_err(|_| {
            anyhow::anyhow!("no password: set SEF_KEY_PASSWORD or pass --password-file FILE")
        })?,
    };
    if p.is_empty() {
        bail!("the password is empty");
    }
    Ok(p)
}

/// Reads a key or signature: a regular file (a FIFO or a device is
/// refused, never read) of at most [`MAX_KEY_BYTES`].
fn read_small(path: &Path, what: &str) -> Result<String> {
    sef_fs::read_string(path, MAX_KEY_BYTES).map_err(|e| match e {
        sef_fs::ReadError::TooLarge { .. } => anyhow::anyhow!(
            "{}: larger than {MAX_KEY_BYTES} bytes: not a {what}",
            path.display()
        ),
        other => anyhow::anyhow!(
            "{}: cannot read the {what}: {}",
            path.display(),
            other.reason()
        ),
    })
}

/// Opens a file to sign or verify: a regular file of any size.
fn open_data(file: &Path) -> Result<std::fs::File> {
    sef_fs::open_regular(file, u64::MAX)
        .map(|(f, _)| f)
        .map_err(anyhow::Error::new)
}

fn sig_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".minisig");
    PathBuf::from(s)
}

pub fn keygen(a: &KeygenArgs) -> Result<u8> {
    for p in [&a.public_key, &a.secret_key] {
        if p.exists() && !a.force {
            bail!(
                "{}: already exists; pass --force to replace it",
                p.display()
            );
        }
    }
    let pw = password(&a.password)?;
    let kp = sef_sign::keygen(&pw)?;
    // the secret key: a new owner-only file renamed into place, so an old
    // file's looser mode is not kept and a symbolic link there is
    // replaced, never followed
    sef_fs::write_private(&a.secret_key, kp.secret.as_bytes())
        .context("cannot write the secret key")?;
    output::write_atomically(&a.public_key, kp.public.as_bytes())?;
    println!(
        "key {} — public key {}, secret key {} (keep it secret; its password is not stored)",
        kp.key_id,
        a.public_key.display(),
        a.secret_key.display()
    );
    Ok(crate::EXIT_PASS)
}

pub fn sign(a: &SignArgs) -> Result<u8> {
    let secret = read_small(&a.secret_key, "secret key")?;
    let pw = password(&a.password)?;
    for file in &a.files {
        let data = open_data(file).context("cannot read the file to sign")?;
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let comment = a.trusted_comment.clone().unwrap_or_else(|| {
            format!("timestamp:{}\tfile:{name}", chrono::Utc::now().timestamp())
        });
        let sig = sef_sign::sign(&secret, &pw, data, &comment)
            .with_context(|| format!("{}: cannot sign", file.display()))?;
        let out = sig_path(file);
        output::write_atomically(&out, sig.as_bytes())?;
        println!("{}: signed, {}", file.display(), out.display());
    }
    Ok(crate::EXIT_PASS)
}

pub fn verify(a: &VerifyArgs) -> Result<u8> {
    let public = read_small(&a.public_key, "public key")?;
    sef_sign::public_key_id(&public).with_context(|| format!("{}", a.public_key.display()))?;
    let mut results = Vec::new();
    let mut failed = false;
    for file in &a.files {
        let outcome = (|| -> Result<sef_sign::Verified> {
            let sig = read_small(&sig_path(file), "signature")?;
            let data = open_data(file)?;
            Ok(sef_sign::verify(&public, &sig, data)?)
        })();
        match outcome {
            Ok(v) => results.push(serde_json::json!({
                "file": file, "verified": true, "key_id": v.key_id, "trusted_comment": v.trusted_comment,
            })),
            Err(e) => {
                failed = true;
                results.push(serde_json::json!({ "file": file, "verified": false, "error": format!("{e:#}") }));
            }
        }
    }
    match a.format {
        ViewFormatArg::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "schema": "sef.verify", "schema_version": 1, "results": results,
            }))?;
            s.push('\n');
            output::emit_raw(&s, None)?;
        }
        ViewFormatArg::Text => {
            for r in &results {
                let file = r["file"].as_str().unwrap_or("?");
                if r["verified"] == true {
                    println!(
                        "{file}: signature verified, key {} (trusted comment: {})",
                        r["key_id"].as_str().unwrap_or("?"),
                        r["trusted_comment"].as_str().unwrap_or("")
                    );
                } else {
                    println!("{file}: {}", r["error"].as_str().unwrap_or("failed"));
                }
            }
        }
    }
    Ok(if failed {
        crate::EXIT_FAIL
    } else {
        crate::EXIT_PASS
    })
}

pub fn provenance(a: &ProvenanceArgs) -> Result<u8> {
    let root = a
        .repo
        .canonicalize()
        .with_context(|| format!("{}: cannot read: no such directory", a.repo.display()))?;
    let source = sef_engine::provenance::source(&root).map_err(|e| anyhow::anyhow!(e))?;
    let mut subjects = Vec::new();
    for f in &a.artifacts {
        let sha = sef_engine::provenance::sha256_file(f)
            .with_context(|| format!("{}: cannot read the artefact", f.display()))?;
        let name = f.file_name().map_or_else(
            || f.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        subjects.push((name, sha));
    }
    let secret = read_small(&a.secret_key, "secret key")?;
    let pw = password(&a.password)?;
    let builder = a
        .builder
        .clone()
        .or_else(|| std::env::var("SEF_BUILDER_ID").ok())
        .unwrap_or_else(|| format!("sef/{}", env!("CARGO_PKG_VERSION")));
    let statement = sef_engine::provenance::statement(
        &subjects,
        &source,
        &builder,
        &sef_model::RunId::generate().to_string(),
        &chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    let mut text = serde_json::to_string_pretty(&statement)?;
    text.push('\n');
    let out = a.output.clone().unwrap_or_else(|| {
        let mut p = a.artifacts[0].as_os_str().to_owned();
        p.push(".intoto.json");
        PathBuf::from(p)
    });
    let sig = sef_sign::sign(
        &secret,
        &pw,
        text.as_bytes(),
        &format!(
            "in-toto statement for {}",
            subjects
                .iter()
                .map(|s| s.0.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .with_context(|| format!("{}: cannot sign the statement", a.secret_key.display()))?;
    output::write_atomically(&out, text.as_bytes())?;
    output::write_atomically(&sig_path(&out), sig.as_bytes())?;
    if source.dirty {
        eprintln!(
            "sef: warning: the work tree has uncommitted changes; the statement records dirty = true"
        );
    }
    println!(
        "{}: provenance of {} artefact(s) from commit {}, signed ({})",
        out.display(),
        subjects.len(),
        source.commit,
        sig_path(&out).display()
    );
    Ok(crate::EXIT_PASS)
}
