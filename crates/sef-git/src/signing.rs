//! Commit signature verification. SSH signatures are verified in-process
//! (the `ssh-key` crate) against an `allowed_signers` file in the format git
//! and OpenSSH use; OpenPGP signatures are verified with `gpg` when it is
//! installed, and otherwise reported as "signed, not verified". Both run in
//! parallel; each allowed signer's key is parsed once.

use super::{Commit, RawSignature};
use crate::SignersError;
use rayon::prelude::*;
pub use sef_model::evidence::history::SigState;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One allowed signer.
#[derive(Debug, Clone)]
struct Signer {
    principals: String,
    key: ssh_key::PublicKey,
    namespaces: Option<Vec<String>>,
}

/// An `allowed_signers` file.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    signers: Vec<Signer>,
}

/// Splits a line into whitespace-separated tokens, keeping double-quoted
/// text together.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                cur.push(ch);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Splits `a,b="x,y",c` on the commas outside quotes.
fn split_options(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in s.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                cur.push(ch);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn is_key_type(t: &str) -> bool {
    t.starts_with("ssh-") || t.starts_with("ecdsa-sha2-") || t.starts_with("sk-")
}

impl AllowedSigners {
    /// Parses the text of an `allowed_signers` file; errors name the line.
    pub fn parse(text: &str) -> Result<Self, SignersError> {
        let mut signers = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let t = tokens(line);
            let Some(kpos) = t.iter().position(|x| is_key_type(x)) else {
                return Err(SignersError::Line {
                    line: n + 1,
                    problem: "no key type (ssh-ed25519, ecdsa-sha2-…) found".into(),
                });
            };
            if kpos == 0 || t.len() < kpos + 2 {
                return Err(SignersError::Line {
                    line: n + 1,
                    problem: "expected `principals [options] key-type base64-key`".into(),
                });
            }
            let mut namespaces = None;
            for opt in t[1..kpos].iter().flat_map(|o| split_options(o)) {
                if let Some(v) = opt.strip_prefix("namespaces=") {
                    namespaces = Some(v.trim_matches('"').split(',').map(str::to_owned).collect());
                }
            }
            let key = ssh_key::PublicKey::from_openssh(&format!("{} {}", t[kpos], t[kpos + 1]))
                .map_err(|e| SignersError::Line {
                    line: n + 1,
                    problem: format!("the key cannot be read: {e}"),
                })?;
            signers.push(Signer {
                principals: t[0].clone(),
                key,
                namespaces,
            });
        }
        Ok(AllowedSigners { signers })
    }

    /// Reads an `allowed_signers` file.
    pub fn load(path: &Path) -> Result<Self, SignersError> {
        let read_err = |source| SignersError::Read {
            path: path.to_owned(),
            source,
        };
        // a regular file only: a FIFO or a device is refused, not read
        let text = sef_fs::read_string(path, 16 * 1024 * 1024).map_err(|e| match e {
            sef_fs::ReadError::TooLarge { .. } => SignersError::TooLarge {
                path: path.to_owned(),
            },
            sef_fs::ReadError::Io { source, .. } => read_err(source),
            other => read_err(std::io::Error::other(other.reason())),
        })?;
        Self::parse(&text).map_err(|e| SignersError::InFile {
            path: path.to_owned(),
            source: Box::new(e),
        })
    }

    /// How many signers are listed.
    pub fn len(&self) -> usize {
        self.signers.len()
    }

    /// Whether none is listed.
    pub fn is_empty(&self) -> bool {
        self.signers.is_empty()
    }

    fn verify_ssh(&self, sig: &RawSignature) -> SigState {
        let pem = String::from_utf8_lossy(&sig.armor);
        let parsed = match ssh_key::SshSig::from_pem(pem.trim()) {
            Ok(s) => s,
            Err(e) => {
                return SigState::Invalid {
                    format: "ssh".into(),
                    detail: format!("the SSH signature cannot be read: {e}"),
                };
            }
        };
        let signer = self.signers.iter().find(|s| {
            s.key.key_data() == parsed.public_key()
                && s.namespaces
                    .as_ref()
                    .is_none_or(|ns| ns.iter().any(|n| n == "git"))
        });
        let Some(signer) = signer else {
            let fp = ssh_key::PublicKey::from(parsed.public_key().clone())
                .fingerprint(ssh_key::HashAlg::Sha256)
                .to_string();
            return SigState::UnknownKey {
                format: "ssh".into(),
                key: fp,
            };
        };
        if parsed.namespace() != "git" {
            return SigState::Invalid {
                format: "ssh".into(),
                detail: format!("signed for namespace `{}`, not `git`", parsed.namespace()),
            };
        }
        match signer.key.verify("git", &sig.signed, &parsed) {
            Ok(()) => SigState::Verified {
                format: "ssh".into(),
                signer: signer.principals.clone(),
            },
            Err(ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. }) => {
                SigState::NotVerified {
                    format: "ssh".into(),
                    detail: format!("sef does not verify {} signatures", parsed.algorithm()),
                }
            }
            Err(e) => SigState::Invalid {
                format: "ssh".into(),
                detail: format!("the signature does not match the commit: {e}"),
            },
        }
    }
}

/// How signatures are verified.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    /// The allowed SSH signers; `None`: no allowed_signers file configured.
    pub ssh: Option<AllowedSigners>,
    /// The gpg program, when OpenPGP verification is wanted and gpg runs.
    pub gpg: Option<PathBuf>,
    /// GNUPGHOME for gpg.
    pub gpg_home: Option<PathBuf>,
    /// The key ids and fingerprints in gpg's keyring, listed once
    /// ([`Verifier::with_keyring`]): a signature by a key not in it is
    /// "unknown key" without running gpg for it. `None`: gpg decides
    /// every signature.
    pub gpg_keys: Option<std::collections::HashSet<String>>,
}

/// The gpg program if it is installed and runs.
pub fn find_gpg() -> Option<PathBuf> {
    let ok = Command::new("gpg")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| PathBuf::from("gpg"))
}

impl Verifier {
    /// Lists gpg's keyring once, so that signatures by keys it does not
    /// hold are decided without a gpg process each.
    #[must_use]
    pub fn with_keyring(mut self) -> Self {
        if let Some(gpg) = &self.gpg {
            self.gpg_keys = crate::openpgp::keyring(gpg, self.gpg_home.as_deref());
        }
        self
    }

    /// The state of each commit, in order, verified in parallel.
    pub fn verify_all(&self, commits: &[Commit]) -> Vec<SigState> {
        commits
            .par_iter()
            .map(|c| match &c.signature {
                None => SigState::Unsigned,
                Some(s) => self.verify(s),
            })
            .collect()
    }

    /// The state of one signature.
    pub fn verify(&self, sig: &RawSignature) -> SigState {
        let head = String::from_utf8_lossy(&sig.armor[..sig.armor.len().min(64)]).into_owned();
        if head.contains("BEGIN SSH SIGNATURE") {
            match &self.ssh {
                Some(a) => a.verify_ssh(sig),
                None => SigState::NotVerified {
                    format: "ssh".into(),
                    detail: "no allowed_signers file is configured ([analyzers.history] allowed_signers)"
                        .into(),
                },
            }
        } else if head.contains("BEGIN PGP SIGNATURE") {
            if let (Some(_), Some(ring)) = (&self.gpg, &self.gpg_keys)
                && let Some(issuer) = crate::openpgp::issuer(&sig.armor)
                && !crate::openpgp::known(ring, &issuer)
            {
                // gpg would answer ERRSIG/NO_PUBKEY: the same verdict
                let key = issuer[issuer.len().saturating_sub(16)..].to_owned();
                return SigState::UnknownKey {
                    format: "openpgp".into(),
                    key,
                };
            }
            match &self.gpg {
                Some(gpg) => self.verify_gpg(gpg, sig),
                None => SigState::NotVerified {
                    format: "openpgp".into(),
                    detail: "gpg is not installed (or OpenPGP verification is off)".into(),
                },
            }
        } else if head.contains("BEGIN SIGNED MESSAGE") {
            SigState::NotVerified {
                format: "x509".into(),
                detail: "sef does not verify X.509 (gpgsm) signatures".into(),
            }
        } else {
            SigState::NotVerified {
                format: "unknown".into(),
                detail: "the signature format is not recognised".into(),
            }
        }
    }

    fn verify_gpg(&self, gpg: &Path, sig: &RawSignature) -> SigState {
        let run = || -> std::io::Result<String> {
            let mut file = tempfile::NamedTempFile::new()?;
            file.write_all(&sig.armor)?;
            file.flush()?;
            let mut cmd = Command::new(gpg);
            cmd.args(["--batch", "--no-tty", "--status-fd=1", "--verify"])
                .arg(file.path())
                .arg("-")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            if let Some(h) = &self.gpg_home {
                cmd.env("GNUPGHOME", h);
            }
            let mut child = cmd.spawn()?;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(&sig.signed)?;
            }
            let out = child.wait_with_output()?;
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        };
        match run() {
            Ok(status) => gpg_state(&status),
            Err(e) => SigState::NotVerified {
                format: "openpgp".into(),
                detail: format!("gpg could not be run: {e}"),
            },
        }
    }
}

/// The state from gpg's `--status-fd` lines.
fn gpg_state(status: &str) -> SigState {
    let mut good = None;
    let mut valid = false;
    for line in status.lines() {
        let mut f = line.split_whitespace();
        if f.next() != Some("[GNUPG:]") {
            continue;
        }
        match f.next() {
            Some("GOODSIG") => {
                let _key = f.next();
                good = Some(f.collect::<Vec<_>>().join(" "));
            }
            Some("VALIDSIG") => valid = true,
            Some("BADSIG") => {
                return SigState::Invalid {
                    format: "openpgp".into(),
                    detail: "gpg: BAD signature: the commit does not match it".into(),
                };
            }
            Some("ERRSIG") => {
                let key = f.next().unwrap_or("").to_owned();
                return SigState::UnknownKey {
                    format: "openpgp".into(),
                    key,
                };
            }
            Some("EXPKEYSIG" | "REVKEYSIG") => {
                return SigState::Invalid {
                    format: "openpgp".into(),
                    detail: format!("gpg: {}", line.trim_start_matches("[GNUPG:] ")),
                };
            }
            _ => {}
        }
    }
    match good {
        Some(signer) if valid => SigState::Verified {
            format: "openpgp".into(),
            signer,
        },
        _ => SigState::NotVerified {
            format: "openpgp".into(),
            detail: "gpg gave no verdict".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_signers_lines_parse_and_errors_name_the_line() {
        let a = AllowedSigners::parse(
            "# team\nana@x.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFU40zLhzy0hfOb8XKficT9PmrlQmDSJmlFzRMu/hV9b ana\nbo@x.org,*@y.org namespaces=\"git,file\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFU40zLhzy0hfOb8XKficT9PmrlQmDSJmlFzRMu/hV9b\n",
        )
        .unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(
            a.signers[1].namespaces.as_deref(),
            Some(&["git".to_owned(), "file".to_owned()][..])
        );
        let e = AllowedSigners::parse("\nana@x.org nonsense\n").unwrap_err();
        assert!(e.to_string().starts_with("line 2:"), "{e}");
        let e = AllowedSigners::parse("ana@x.org ssh-ed25519 !!!\n").unwrap_err();
        assert!(e.to_string().starts_with("line 1:"), "{e}");
    }

    #[test]
    fn gpg_status_lines_decide() {
        assert!(matches!(
            gpg_state(
                "[GNUPG:] NEWSIG\n[GNUPG:] GOODSIG ABC Ana <ana@x.org>\n[GNUPG:] VALIDSIG FPR 2026\n"
            ),
            SigState::Verified { .. }
        ));
        assert!(matches!(
            gpg_state("[GNUPG:] BADSIG ABC Ana\n"),
            SigState::Invalid { .. }
        ));
        assert!(matches!(
            gpg_state("[GNUPG:] ERRSIG ABCD 22 10 00 1 9\n[GNUPG:] NO_PUBKEY ABCD\n"),
            SigState::UnknownKey { .. }
        ));
        assert!(matches!(gpg_state(""), SigState::NotVerified { .. }));
    }
}
