//! Signing and verifying release artefacts in the minisign format: Ed25519
//! key pairs whose secret key is protected by a password (scrypt), and
//! detached `.minisig` signatures over a BLAKE2b hash of the file. Files
//! sef writes are read by the `minisign` tool and the other way round.
//!
//! The cryptography is the `minisign` crate's (by minisign's author); this
//! crate only fixes how sef uses it and turns its errors into sef's.

pub mod decision;

use std::io::{Read, Seek};

/// Why a key or signature could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The key file is not a minisign key (or the password is wrong).
    #[error("{0}")]
    Key(String),
    /// The signature file is not a minisign signature.
    #[error("not a minisign signature: {0}")]
    Signature(String),
    /// The signature does not match the data or the key.
    #[error("signature verification FAILED: {0}")]
    Verify(String),
}

/// A new key pair, as the two files' text.
pub struct KeyPairText {
    /// The public key file (`untrusted comment: …` + base64).
    pub public: String,
    /// The password-protected secret key file.
    pub secret: String,
    /// The key id, as minisign prints it (16 hex digits).
    pub key_id: String,
}

fn key_id(bytes: &[u8]) -> String {
    // minisign shows the 8-byte key number as a little-endian u64 in hex
    let mut n = [0u8; 8];
    for (i, b) in bytes.iter().take(8).enumerate() {
        n[i] = *b;
    }
    format!("{:016X}", u64::from_le_bytes(n))
}

/// Generates a key pair whose secret key is encrypted with `password`.
pub fn keygen(password: &str) -> Result<KeyPairText, SignError> {
    if password.is_empty() {
        return Err(SignError::Key("the password must not be empty".into()));
    }
    let kp = minisign::KeyPair::generate_encrypted_keypair(Some(password.to_owned()))
        .map_err(|e| SignError::Key(e.to_string()))?;
    let public = kp
        .pk
        .to_box()
        .map_err(|e| SignError::Key(e.to_string()))?
        .to_string();
    let secret = kp
        .sk
        .to_box(Some("sef secret key"))
        .map_err(|e| SignError::Key(e.to_string()))?
        .to_string();
    Ok(KeyPairText {
        key_id: key_id(kp.pk.keynum()),
        public,
        secret,
    })
}

/// The key id of a public key file's text.
pub fn public_key_id(public: &str) -> Result<String, SignError> {
    let pk = minisign::PublicKeyBox::from_string(public)
        .and_then(minisign::PublicKeyBox::into_public_key)
        .map_err(|e| SignError::Key(format!("not a minisign public key: {e}")))?;
    Ok(key_id(pk.keynum()))
}

/// Signs `data` with the secret key file's text and its password; returns
/// the `.minisig` file's text.
pub fn sign<R: Read>(
    secret: &str,
    password: &str,
    data: R,
    trusted_comment: &str,
) -> Result<String, SignError> {
    let sk = minisign::SecretKeyBox::from_string(secret)
        .map_err(|e| SignError::Key(format!("not a minisign secret key: {e}")))?
        .into_secret_key(Some(password.to_owned()))
        .map_err(|e| {
            SignError::Key(format!("cannot open the secret key (wrong password?): {e}"))
        })?;
    let pk = minisign::PublicKey::from_secret_key(&sk).ok();
    let sig = minisign::sign(
        pk.as_ref(),
        &sk,
        data,
        Some(trusted_comment),
        Some("signature from sef secret key"),
    )
    .map_err(|e| SignError::Key(e.to_string()))?;
    Ok(sig.into_string())
}

/// The public key file's text and key id of a secret key file's text
/// opened with `password`.
pub fn public_of(secret: &str, password: &str) -> Result<(String, String), SignError> {
    let sk = minisign::SecretKeyBox::from_string(secret)
        .map_err(|e| SignError::Key(format!("not a minisign secret key: {e}")))?
        .into_secret_key(Some(password.to_owned()))
        .map_err(|e| {
            SignError::Key(format!("cannot open the secret key (wrong password?): {e}"))
        })?;
    let pk =
        minisign::PublicKey::from_secret_key(&sk).map_err(|e| SignError::Key(e.to_string()))?;
    let text = pk
        .to_box()
        .map_err(|e| SignError::Key(e.to_string()))?
        .to_string();
    Ok((text, key_id(pk.keynum())))
}

/// What a verified signature says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signer's key id.
    pub key_id: String,
    /// The trusted (signed) comment.
    pub trusted_comment: String,
}

/// Verifies `data` against a `.minisig` text and a public key file's text.
/// Legacy (non-prehashed) signatures are accepted, as minisign does.
pub fn verify<R: Read + Seek>(
    public: &str,
    signature: &str,
    data: R,
) -> Result<Verified, SignError> {
    let pk = minisign::PublicKeyBox::from_string(public)
        .and_then(minisign::PublicKeyBox::into_public_key)
        .map_err(|e| SignError::Key(format!("not a minisign public key: {e}")))?;
    let sig = minisign::SignatureBox::from_string(signature)
        .map_err(|e| SignError::Signature(e.to_string()))?;
    minisign::verify(&pk, &sig, data, true, false, true)
        .map_err(|e| SignError::Verify(e.to_string()))?;
    Ok(Verified {
        key_id: key_id(pk.keynum()),
        trusted_comment: sig.trusted_comment().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn sign_verify_tamper_and_wrong_key() {
        let kp = keygen("correct horse").unwrap();
        assert_eq!(kp.key_id.len(), 16);
        assert_eq!(public_key_id(&kp.public).unwrap(), kp.key_id);
        let sig = sign(
            &kp.secret,
            "correct horse",
            Cursor::new(b"release 1.0"),
            "file:app.tar.gz",
        )
        .unwrap();
        let v = verify(&kp.public, &sig, Cursor::new(b"release 1.0")).unwrap();
        assert_eq!(v.trusted_comment, "file:app.tar.gz");
        assert_eq!(v.key_id, kp.key_id);
        assert!(matches!(
            verify(&kp.public, &sig, Cursor::new(b"release 1.1")),
            Err(SignError::Verify(_))
        ));
        let other = keygen("x").unwrap();
        assert!(matches!(
            verify(&other.public, &sig, Cursor::new(b"release 1.0")),
            Err(SignError::Verify(_))
        ));
        assert!(matches!(
            sign(&kp.secret, "wrong", Cursor::new(b"x"), "c"),
            Err(SignError::Key(_))
        ));
        assert!(keygen("").is_err());
        assert!(matches!(
            verify(&kp.public, "garbage", Cursor::new(b"x")),
            Err(SignError::Signature(_))
        ));
        assert!(public_key_id("garbage").is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn hostile_texts_never_panic(pk in "\\PC{0,200}", sig in "\\PC{0,300}") {
            let _ = verify(&pk, &sig, Cursor::new(b"data"));
            let _ = public_key_id(&pk);
            let _ = sign(&pk, "p", Cursor::new(b"x"), "c");
        }
    }
}
