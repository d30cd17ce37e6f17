//! Verifying an OpenID Connect ID token: a compact JWS signed with RS256
//! or ES256 by a key of the provider's JWKS (chosen by `kid`), then its
//! claims: issuer, audience, expiry (with a minute of clock skew), issue
//! time, and the nonce of the login. Signatures are checked with ring; no
//! other algorithm (and never `none`) is accepted.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{self, UnparsedPublicKey};
use serde::Deserialize;

/// Why a token is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    /// Not three base64url parts of JSON.
    #[error("the ID token is not a compact JWS: {0}")]
    Malformed(String),
    /// An algorithm other than RS256 or ES256.
    #[error("the ID token is signed with `{0}`; sef accepts RS256 and ES256")]
    Algorithm(String),
    /// No key of the JWKS fits.
    #[error("no key of the provider's JWKS matches the ID token (kid {0:?})")]
    NoKey(Option<String>),
    /// The signature does not verify.
    #[error("the ID token's signature does not verify")]
    Signature,
    /// A claim is wrong.
    #[error("the ID token's `{0}` claim is wrong: {1}")]
    Claim(&'static str, String),
}

/// A JSON Web Key, as far as RS256 and ES256 need.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    /// `RSA` or `EC`.
    pub kty: String,
    /// Key id.
    pub kid: Option<String>,
    /// RSA modulus (base64url).
    pub n: Option<String>,
    /// RSA exponent (base64url).
    pub e: Option<String>,
    /// EC curve.
    pub crv: Option<String>,
    /// EC x (base64url).
    pub x: Option<String>,
    /// EC y (base64url).
    pub y: Option<String>,
}

/// A JWKS document.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwks {
    /// The keys.
    pub keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

/// The claims sef reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Subject.
    pub sub: String,
    /// Audience: one string or several.
    pub aud: serde_json::Value,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    pub iat: Option<i64>,
    /// The login's nonce.
    pub nonce: Option<String>,
    /// Every claim, for the user-name claim.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

fn b64(part: &str, what: &str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| JwtError::Malformed(format!("{what}: {e}")))
}

/// Verifies `token` against `jwks` and the expected issuer, audience and
/// nonce, at `now` (seconds since the epoch).
pub fn verify(
    token: &str,
    jwks: &Jwks,
    issuer: &str,
    audience: &str,
    nonce: &str,
    now: i64,
) -> Result<Claims, JwtError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed("it does not have three parts".into()));
    };
    let header: Header = serde_json::from_slice(&b64(h, "header")?)
        .map_err(|e| JwtError::Malformed(format!("header: {e}")))?;
    let sig = b64(sig, "signature")?;
    let signed = &token.as_bytes()[..h.len() + 1 + p.len()];
    let fits = |k: &&Jwk| header.kid.is_none() || k.kid == header.kid;
    let ok = match header.alg.as_str() {
        "RS256" => jwks
            .keys
            .iter()
            .filter(fits)
            .filter(|k| k.kty == "RSA")
            .any(|k| {
                let (Some(n), Some(e)) = (&k.n, &k.e) else {
                    return false;
                };
                let (Ok(n), Ok(e)) = (b64(n, "n"), b64(e, "e")) else {
                    return false;
                };
                signature::RsaPublicKeyComponents { n: &n, e: &e }
                    .verify(&signature::RSA_PKCS1_2048_8192_SHA256, signed, &sig)
                    .is_ok()
            }),
        "ES256" => jwks
            .keys
            .iter()
            .filter(fits)
            .filter(|k| k.kty == "EC" && k.crv.as_deref() == Some("P-256"))
            .any(|k| {
                let (Some(x), Some(y)) = (&k.x, &k.y) else {
                    return false;
                };
                let (Ok(x), Ok(y)) = (b64(x, "x"), b64(y, "y")) else {
                    return false;
                };
                let mut point = vec![4u8];
                point.extend(x);
                point.extend(y);
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(signed, &sig)
                    .is_ok()
            }),
        other => return Err(JwtError::Algorithm(other.to_owned())),
    };
    if !ok {
        let any = jwks.keys.iter().any(|k| fits(&k));
        return Err(if any {
            JwtError::Signature
        } else {
            JwtError::NoKey(header.kid)
        });
    }
    let claims: Claims = serde_json::from_slice(&b64(p, "payload")?)
        .map_err(|e| JwtError::Malformed(format!("claims: {e}")))?;
    if claims.iss.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(JwtError::Claim(
            "iss",
            format!("`{}` is not `{issuer}`", claims.iss),
        ));
    }
    let aud_ok = match &claims.aud {
        serde_json::Value::String(a) => a == audience,
        serde_json::Value::Array(v) => v.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !aud_ok {
        return Err(JwtError::Claim(
            "aud",
            format!("it is not for client `{audience}`"),
        ));
    }
    if claims.exp + 60 < now {
        return Err(JwtError::Claim("exp", "the token expired".into()));
    }
    if claims.iat.is_some_and(|iat| iat > now + 60) {
        return Err(JwtError::Claim("iat", "issued in the future".into()));
    }
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(JwtError::Claim(
            "nonce",
            "it is not this login's nonce (a replayed token?)".into(),
        ));
    }
    Ok(claims)
}
