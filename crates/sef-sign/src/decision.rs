//! Signed decisions: a triage, a risk acceptance or a gate override made
//! offline with the CLI may carry a signature by the deciding member's key,
//! an SSH signature with `ssh-keygen -Y sign` semantics in the namespace
//! `sef-decision`, or a minisign signature. It signs a canonical text of
//! the decision ([`payload`]) and is verified against the public keys the
//! team file lists for that member. A decision without a signature is
//! self-asserted, and every view says so.

use std::io::Cursor;

/// The SSH signature namespace of a decision.
pub const NAMESPACE: &str = "sef-decision";

/// The canonical text a decision's signature covers: a JSON array of a
/// version tag, the kind of decision and its fields, in a fixed order.
pub fn payload(kind: &str, fields: &[&str]) -> String {
    let mut v = vec!["sef-decision/1", kind];
    v.extend_from_slice(fields);
    serde_json::to_string(&v).unwrap_or_default()
}

/// A member's public key, as the team file lists it.
#[derive(Debug, Clone)]
pub enum DecisionKey {
    /// An OpenSSH public key (`ssh-ed25519 AAAA… comment`).
    Ssh(Box<ssh_key::PublicKey>),
    /// A minisign public key (the base64 line of its `.pub` file).
    Minisign(String),
}

impl DecisionKey {
    /// Reads a key as written in the team file.
    pub fn parse(s: &str) -> Result<DecisionKey, String> {
        let s = s.trim();
        if s.starts_with("ssh-") || s.starts_with("ecdsa-") || s.starts_with("sk-") {
            return ssh_key::PublicKey::from_openssh(s)
                .map(|k| DecisionKey::Ssh(Box::new(k)))
                .map_err(|e| format!("not an OpenSSH public key: {e}"));
        }
        let text = format!("untrusted comment: sef team key\n{s}\n");
        minisign::PublicKeyBox::from_string(&text)
            .and_then(minisign::PublicKeyBox::into_public_key)
            .map(|_| DecisionKey::Minisign(text))
            .map_err(|_| {
                "neither an OpenSSH public key (`ssh-ed25519 AAAA…`) nor a minisign public key (`RW…`)".to_owned()
            })
    }

    /// A short name: the SSH key's SHA-256 fingerprint, or the minisign key
    /// id.
    pub fn fingerprint(&self) -> String {
        match self {
            DecisionKey::Ssh(k) => k.fingerprint(ssh_key::HashAlg::Sha256).to_string(),
            DecisionKey::Minisign(text) => crate::public_key_id(text)
                .map_or_else(|_| "minisign".into(), |id| format!("minisign:{id}")),
        }
    }
}

/// What a decision's signature proves.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SignatureState {
    /// Signed by one of the member's keys.
    Verified {
        /// The key that signed.
        key: String,
    },
    /// Signed, but not by a key the team file lists for the member.
    UnknownKey,
    /// The signature does not verify: the decision was changed after it
    /// was signed, or the signature is not one.
    Invalid {
        /// Why.
        detail: String,
    },
    /// No signature: only the name typed says who decided.
    SelfAsserted,
}

impl SignatureState {
    /// How views print it.
    pub fn label(&self) -> String {
        match self {
            SignatureState::Verified { key } => format!("signed ({key})"),
            SignatureState::UnknownKey => {
                "signed by a key the team file does not list for this member".into()
            }
            SignatureState::Invalid { detail } => format!("SIGNATURE INVALID: {detail}"),
            SignatureState::SelfAsserted => "self-asserted (unsigned)".into(),
        }
    }
}

/// Verifies `signature` (SSH armor or a minisign signature) over `payload`
/// against the member's `keys`.
pub fn verify(payload: &str, signature: Option<&str>, keys: &[DecisionKey]) -> SignatureState {
    let Some(sig) = signature.map(str::trim).filter(|s| !s.is_empty()) else {
        return SignatureState::SelfAsserted;
    };
    if sig.starts_with("-----BEGIN SSH SIGNATURE-----") {
        let parsed = match ssh_key::SshSig::from_pem(sig) {
            Ok(p) => p,
            Err(e) => {
                return SignatureState::Invalid {
                    detail: format!("not an SSH signature: {e}"),
                };
            }
        };
        if parsed.namespace() != NAMESPACE {
            return SignatureState::Invalid {
                detail: format!(
                    "signed for namespace `{}`, not `{NAMESPACE}`",
                    parsed.namespace()
                ),
            };
        }
        let Some(k) = keys.iter().find_map(|k| match k {
            DecisionKey::Ssh(k) if k.key_data() == parsed.public_key() => Some(k),
            _ => None,
        }) else {
            return SignatureState::UnknownKey;
        };
        return match k.verify(NAMESPACE, payload.as_bytes(), &parsed) {
            Ok(()) => SignatureState::Verified {
                key: k.fingerprint(ssh_key::HashAlg::Sha256).to_string(),
            },
            Err(e) => SignatureState::Invalid {
                detail: format!("it does not match the decision: {e}"),
            },
        };
    }
    let minisign_keys: Vec<&String> = keys
        .iter()
        .filter_map(|k| match k {
            DecisionKey::Minisign(t) => Some(t),
            DecisionKey::Ssh(_) => None,
        })
        .collect();
    let Ok(sig_box) = minisign::SignatureBox::from_string(sig) else {
        return SignatureState::Invalid {
            detail: "neither an SSH nor a minisign signature".into(),
        };
    };
    let signer_id = sig_box.keynum();
    let mut known = false;
    for text in minisign_keys {
        let Ok(pk) = minisign::PublicKeyBox::from_string(text)
            .and_then(minisign::PublicKeyBox::into_public_key)
        else {
            continue;
        };
        if pk.keynum() != signer_id {
            continue;
        }
        known = true;
        if crate::verify(text, sig, Cursor::new(payload.as_bytes())).is_ok() {
            return SignatureState::Verified {
                key: DecisionKey::Minisign(text.clone()).fingerprint(),
            };
        }
    }
    if known {
        SignatureState::Invalid {
            detail: "it does not match the decision".into(),
        }
    } else {
        SignatureState::UnknownKey
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minisign_signed_decisions_verify_and_tampering_is_caught() {
        let kp = crate::keygen("pw").unwrap();
        let p = payload(
            "triage",
            &[
                "shop",
                "fp1",
                "accepted",
                "not reachable",
                "ann",
                "2027-01-31",
            ],
        );
        let sig = crate::sign(&kp.secret, "pw", Cursor::new(p.as_bytes()), "sef decision").unwrap();
        let line = kp.public.lines().nth(1).unwrap();
        let keys = vec![DecisionKey::parse(line).unwrap()];
        assert!(matches!(
            verify(&p, Some(&sig), &keys),
            SignatureState::Verified { .. }
        ));
        let changed = payload(
            "triage",
            &[
                "shop",
                "fp1",
                "accepted",
                "not reachable",
                "ann",
                "2099-01-31",
            ],
        );
        assert!(matches!(
            verify(&changed, Some(&sig), &keys),
            SignatureState::Invalid { .. }
        ));
        let other = crate::keygen("pw").unwrap();
        let other_keys = vec![DecisionKey::parse(other.public.lines().nth(1).unwrap()).unwrap()];
        assert_eq!(
            verify(&p, Some(&sig), &other_keys),
            SignatureState::UnknownKey
        );
        assert_eq!(verify(&p, None, &keys), SignatureState::SelfAsserted);
        assert!(matches!(
            verify(&p, Some("junk"), &keys),
            SignatureState::Invalid { .. }
        ));
        assert!(DecisionKey::parse("not a key").is_err());
    }
}
