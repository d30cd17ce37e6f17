//! Secrets the server hands out: API tokens and session ids. Each is 256
//! random bits from the operating system, shown once, and stored only as
//! its SHA-256 (a fast hash is right here: the secret is random, not a
//! password to guess).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;
use sha2::{Digest, Sha256};

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut b = [0u8; N];
    rand::rngs::OsRng
        .try_fill_bytes(&mut b)
        .map_err(|e| anyhow::anyhow!("the operating system gave no randomness: {e}"))?;
    Ok(b)
}

/// 256 random bits, URL-safe base64.
pub fn new_secret() -> anyhow::Result<String> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// SHA-256, hex.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new API token: its public id and the whole token to show once
/// (`sef_<id>_<secret>`).
pub fn new_token() -> anyhow::Result<(String, String, String)> {
    let id = hex::encode(random_bytes::<6>()?);
    let secret = new_secret()?;
    let token = format!("sef_{id}_{secret}");
    Ok((id, secret, token))
}

/// Splits a token into its id and secret.
pub fn parse_token(token: &str) -> Option<(String, String)> {
    let rest = token.strip_prefix("sef_")?;
    let (id, secret) = rest.split_once('_')?;
    (id.len() == 12
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && secret.len() == 43
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then(|| (id.to_owned(), secret.to_owned()))
}

/// Compares without stopping at the first difference.
pub fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_back_and_differ() {
        let (id, secret, token) = new_token().unwrap();
        assert_eq!(parse_token(&token), Some((id, secret)));
        let (_, _, other) = new_token().unwrap();
        assert_ne!(token, other);
        for bad in [
            "",
            "sef_",
            "sef_abc_def",
            "xyz_0123456789ab_",
            &token[..token.len() - 1],
        ] {
            assert!(parse_token(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn equal_compares_whole_values() {
        assert!(equal(b"abc", b"abc"));
        assert!(!equal(b"abc", b"abd"));
        assert!(!equal(b"abc", b"ab"));
    }
}
