//! Just enough OpenPGP to skip a `gpg` process that cannot succeed: the
//! issuer of an armored signature (RFC 4880/9580: the issuer fingerprint
//! or issuer key id subpacket of a signature packet) and the key ids of
//! gpg's keyring, listed once. A signature whose issuer is not in the
//! keyring is "unknown key" without spawning gpg once per commit, which on
//! a real history (rust-lang/cargo: thousands of commits signed by
//! GitHub's web-flow key) was 83 % of the time. Anything this reader does
//! not understand falls back to gpg itself.

use base64::Engine;
use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};

/// The issuer of an armored OpenPGP signature, as upper-case hex: a
/// fingerprint (40 or 64 digits) or a long key id (16 digits). `None`
/// when the signature cannot be read this far.
pub(crate) fn issuer(armor: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(armor).ok()?;
    let mut body = String::new();
    let mut in_body = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("-----BEGIN PGP SIGNATURE") {
            continue;
        }
        if l.starts_with("-----END") || l.starts_with('=') {
            break;
        }
        if !in_body {
            // armor headers end at the first blank line
            if l.is_empty() {
                in_body = true;
            }
            continue;
        }
        body.push_str(l);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .ok()?;
    signature_issuer(&bytes)
}

/// The issuer subpacket of the first packet, when it is a signature.
fn signature_issuer(b: &[u8]) -> Option<String> {
    let (tag, body) = packet(b)?;
    if tag != 2 {
        return None;
    }
    let version = *body.first()?;
    // v4: version, type, pubkey algo, hash algo, hashed len (2), ...
    // v6: the same with 4-byte subpacket lengths
    let (hashed_len, start) = match version {
        4 | 5 => (
            usize::from(u16::from_be_bytes([*body.get(4)?, *body.get(5)?])),
            6,
        ),
        6 => (
            usize::try_from(u32::from_be_bytes(body.get(4..8)?.try_into().ok()?)).ok()?,
            8,
        ),
        _ => return None,
    };
    let hashed = body.get(start..start + hashed_len)?;
    let mut found = subpacket_issuer(hashed);
    if found.is_none() {
        let rest = body.get(start + hashed_len..)?;
        let (ulen, ustart) = match version {
            6 => (
                usize::try_from(u32::from_be_bytes(rest.get(0..4)?.try_into().ok()?)).ok()?,
                4,
            ),
            _ => (
                usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?])),
                2,
            ),
        };
        found = subpacket_issuer(rest.get(ustart..ustart + ulen)?);
    }
    found
}

/// The packet tag and body of the first packet (old or new format).
fn packet(b: &[u8]) -> Option<(u8, &[u8])> {
    let h = *b.first()?;
    if h & 0x80 == 0 {
        return None;
    }
    if h & 0x40 != 0 {
        let tag = h & 0x3f;
        let (len, at) = match *b.get(1)? {
            l @ 0..=191 => (usize::from(l), 2),
            l @ 192..=223 => (
                ((usize::from(l) - 192) << 8) + usize::from(*b.get(2)?) + 192,
                3,
            ),
            255 => (
                usize::try_from(u32::from_be_bytes(b.get(2..6)?.try_into().ok()?)).ok()?,
                6,
            ),
            _ => return None,
        };
        Some((tag, b.get(at..at + len)?))
    } else {
        let tag = (h >> 2) & 0x0f;
        let (len, at) = match h & 0x03 {
            0 => (usize::from(*b.get(1)?), 2),
            1 => (usize::from(u16::from_be_bytes([*b.get(1)?, *b.get(2)?])), 3),
            2 => (
                usize::try_from(u32::from_be_bytes(b.get(1..5)?.try_into().ok()?)).ok()?,
                5,
            ),
            _ => return None,
        };
        Some((tag, b.get(at..at + len)?))
    }
}

/// The issuer fingerprint (33) or issuer key id (16) in a subpacket area.
fn subpacket_issuer(mut area: &[u8]) -> Option<String> {
    let mut key_id = None;
    while !area.is_empty() {
        let (len, at) = match *area.first()? {
            l @ 0..=191 => (usize::from(l), 1),
            l @ 192..=254 => (
                ((usize::from(l) - 192) << 8) + usize::from(*area.get(1)?) + 192,
                2,
            ),
            255 => (
                usize::try_from(u32::from_be_bytes(area.get(1..5)?.try_into().ok()?)).ok()?,
                5,
            ),
        };
        let sp = area.get(at..at + len)?;
        area = &area[at + len..];
        let Some((&kind, data)) = sp.split_first() else {
            continue;
        };
        match kind & 0x7f {
            // version byte, then the fingerprint
            33 if data.len() > 1 => return Some(hex_upper(&data[1..])),
            16 if data.len() == 8 => key_id = Some(hex_upper(data)),
            _ => {}
        }
    }
    key_id
}

fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// The key ids and fingerprints (primary keys and subkeys) of gpg's
/// keyring, upper-case hex; `None` when gpg cannot list them.
pub(crate) fn keyring(gpg: &Path, home: Option<&Path>) -> Option<HashSet<String>> {
    let mut cmd = Command::new(gpg);
    cmd.args(["--batch", "--no-tty", "--with-colons", "--list-keys"])
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    if let Some(h) = home {
        cmd.env("GNUPGHOME", h);
    }
    let out = cmd.output().ok()?;
    // an empty keyring exits 2 on some gpg versions with no output; a
    // keyring that exists lists at least one `pub` line
    let text = String::from_utf8_lossy(&out.stdout);
    let mut ids = HashSet::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(':').collect();
        match f.first() {
            Some(&("pub" | "sub")) => {
                if let Some(id) = f.get(4).filter(|s| !s.is_empty()) {
                    ids.insert(id.to_ascii_uppercase());
                }
            }
            Some(&"fpr") => {
                if let Some(fp) = f.get(9).filter(|s| !s.is_empty()) {
                    ids.insert(fp.to_ascii_uppercase());
                }
            }
            _ => {}
        }
    }
    (out.status.success() || !ids.is_empty()).then_some(ids)
}

/// Whether the keyring holds the issuer (a fingerprint matches itself or
/// its last 16 digits, the long key id).
pub(crate) fn known(keyring: &HashSet<String>, issuer: &str) -> bool {
    keyring.contains(issuer)
        || (issuer.len() > 16 && keyring.contains(&issuer[issuer.len() - 16..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real signature: the one on rust-lang/cargo's merge commit
    /// af373f761aa4e42b093c2e453078fd73c8ce54dd, made by GitHub's web-flow
    /// key (RSA, key id B5690EEEBB952194), as git stores it.
    const WEB_FLOW: &str = "-----BEGIN PGP SIGNATURE-----\n\nwsFcBAABCAAQBQJqid4UCRC1aQ7uu5UhlAAAz8oQAK9baATjIr6oQPWC5Iwotu4K\ni52iN/tavw9Ma5xZM6ezraqmAV0f0zFekM/j80WT9tXCsgKJ8zu0zlpD/AIAj6N1\nbI69qI4hbJCS7fPn29YPTCnagj/fwhW/OJbpN4mzt4IfEJesjtWGm/C5W2wWkmFo\ndz2WU5m0y86tzpT+VSry7hurvbWva9dip4VOnpUuyJoVqM/+MEfsg4vps+jc3Xt6\np71qsEcXvdlCH/XENUshCBh4hvs/NZFfpS6N3yN/df2nLiJMOKSxMxzLieUpIRS8\n4Ba17JK+aL8tGT3t71Mk02xAfUCjYozy3lQhYoSjo+XN1FS+22kncx/uhsz2IRHR\nOcSdE5wtkNa8/w0YiIbmcBFDzXzP7bfnCtO9ITuxIaP8iJY7WpIBZJ3KeemvZTM7\njAadTRpYszhAbJddQDvDjA53IsGXRaoaFenXWB/+xfYLXlaeISWsyzwe0oIJeSYN\nw9nKEwWoYNCzFCi9nbmrwjBNh4nqkWsHIQgzAY/urAUwsewU3sfji0XZiqhd9wRD\nAxYdzoDWhG6N/Ff0ePWv5YdYhyG2Y3DPoj1vdMUKPG4wDudpANASU8BhsSTnsbPZ\nLOkIOWhZ8vlmSyho624qqYa2Y8FOZnYkdDmKbsdZtsAZQahriXIrme+l5jIpipjt\n5ygd9rnKYZYJ6itOpxMK\n=opvY\n-----END PGP SIGNATURE-----\n";

    #[test]
    fn the_issuer_key_id_of_a_signature() {
        // a new-format signature packet, v4, its issuer key id subpacket
        // in the hashed area
        assert_eq!(
            issuer(WEB_FLOW.as_bytes()).as_deref(),
            Some("B5690EEEBB952194")
        );
        assert_eq!(issuer(b"not armor"), None);
        assert_eq!(
            issuer(b"-----BEGIN PGP SIGNATURE-----\n\n!!!!\n-----END PGP SIGNATURE-----\n"),
            None
        );
    }

    #[test]
    fn keyring_lookup_by_fingerprint_or_long_id() {
        let ring: HashSet<String> = ["4AEE18F83AFDEB23".to_owned()].into();
        assert!(known(&ring, "5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23"));
        assert!(known(&ring, "4AEE18F83AFDEB23"));
        assert!(!known(&ring, "0123456789ABCDEF"));
    }
}
