//! The digest a secret finding shows and its fingerprint uses: Argon2id
//! over the secret with the repository's salt, so that nobody holding a
//! report, a baseline or the store can confirm a guessed short secret
//! cheaply (one guess costs one Argon2id evaluation, not one SHA-256), and
//! a table computed for one repository is useless for another.
//!
//! The same secret is often found many times (in the tree and in many
//! history blobs): each distinct (salt, secret) is derived once per
//! process.

use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Memory cost in KiB, iterations and lanes: about 0.2 ms and 256 KiB per
/// secret on a current core. A guesser pays that for every guess (hundreds
/// of times SHA-256's cost, and memory-bound, which blunts GPUs); a scan
/// pays it once per distinct secret, in parallel. The balance is measured
/// in BENCHMARKS.md: 80,000 distinct secrets in one file.
const M_COST_KIB: u32 = 256;
const T_COST: u32 = 1;
const LANES: u32 = 1;
/// Digest length in bytes (32 hex digits).
const OUT: usize = 16;

/// The salt sef uses when the repository has none of its own: the plan's
/// offering name, so that fingerprints stay the same across clones,
/// stores and `--no-store` runs of one offering.
pub fn default_salt(offering: &str) -> String {
    format!("sef-secret-v2:{offering}")
}

fn memo() -> &'static Mutex<HashMap<[u8; 32], String>> {
    static M: OnceLock<Mutex<HashMap<[u8; 32], String>>> = OnceLock::new();
    M.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The salted slow digest of `secret`, hex.
pub fn digest(secret: &[u8], salt: &str) -> String {
    let key: [u8; 32] = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update([0u8])
        .chain_update(secret)
        .finalize()
        .into();
    if let Some(d) = memo().lock().ok().and_then(|m| m.get(&key).cloned()) {
        return d;
    }
    // Argon2 wants a salt of at least 8 bytes: hash the repository's salt
    // to a fixed 16 bytes.
    let salt16: [u8; 32] = Sha256::digest(salt.as_bytes()).into();
    let mut out = [0u8; OUT];
    let derived = Params::new(M_COST_KIB, T_COST, LANES, Some(OUT))
        .map(|p| Argon2::new(Algorithm::Argon2id, Version::V0x13, p))
        .and_then(|a| a.hash_password_into(secret, &salt16[..16], &mut out));
    let d = match derived {
        Ok(()) => hex::encode(out),
        // unreachable with these constants; never fall back to a cheap hash
        Err(e) => format!("digest-unavailable:{e}"),
    };
    if let Ok(mut m) = memo().lock() {
        m.insert(key, d.clone());
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_salted_stable_and_not_a_plain_hash() {
        let a = digest(b"hunter2", "sef-secret-v2:app");
        assert_eq!(a.len(), 32);
        assert_eq!(a, digest(b"hunter2", "sef-secret-v2:app"));
        assert_ne!(a, digest(b"hunter2", "sef-secret-v2:other"));
        assert_ne!(a, digest(b"hunter3", "sef-secret-v2:app"));
        let plain = hex::encode(Sha256::digest(b"hunter2"));
        assert!(!plain.starts_with(&a));
    }

    #[test]
    fn one_guess_costs_an_argon2id_evaluation() {
        // A guesser cannot use the memo: time fresh salts.
        let t = std::time::Instant::now();
        for i in 0..3 {
            digest(
                b"guess",
                &format!("fresh-{i}-{:?}", std::time::SystemTime::now()),
            );
        }
        // 50 µs each at the least, even on a fast machine (SHA-256 of a
        // short secret takes well under 1 µs)
        assert!(
            t.elapsed() >= std::time::Duration::from_micros(150),
            "{:?}",
            t.elapsed()
        );
    }
}
