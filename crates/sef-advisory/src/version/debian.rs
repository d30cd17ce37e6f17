//! Debian versions, ordered as dpkg orders them: epoch, then upstream
//! version, then revision, each compared with `verrevcmp` (letters before
//! other characters, `~` before everything, even the end).

use super::num::Num;
use std::cmp::Ordering;

fn split(v: &str) -> (Num, &str, &str) {
    let v = v.trim();
    let (epoch, rest) = match v.split_once(':') {
        Some((e, r)) if e.bytes().all(|b| b.is_ascii_digit()) => (Num::new(e), r),
        _ => (Num::new("0"), v),
    };
    let (upstream, revision) = rest.rsplit_once('-').unwrap_or((rest, ""));
    (epoch, upstream, revision)
}

fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c) + 256,
    }
}

fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let ac = order(a.get(i).copied());
            let bc = order(b.get(j).copied());
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        let si = i;
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        let sj = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let na = Num::new(std::str::from_utf8(&a[si.min(a.len())..i.min(a.len())]).unwrap_or("0"));
        let nb = Num::new(std::str::from_utf8(&b[sj.min(b.len())..j.min(b.len())]).unwrap_or("0"));
        let o = na.cmp(&nb);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Compares two Debian versions.
pub(crate) fn compare(a: &str, b: &str) -> Ordering {
    let (ea, ua, ra) = split(a);
    let (eb, ub, rb) = split(b);
    ea.cmp(&eb)
        .then_with(|| verrevcmp(ua, ub))
        .then_with(|| verrevcmp(ra, rb))
}
