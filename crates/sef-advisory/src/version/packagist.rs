//! Composer (Packagist) versions, ordered as PHP's `version_compare` after
//! Composer drops a leading `v`: the string is split into numbers and
//! words, and words rank dev < alpha = a < beta = b < RC = rc < number <
//! pl = p, any other word below dev.

use super::num::Num;
use std::cmp::Ordering;

/// A parsed Composer version: its canonical parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key(Vec<String>);

fn special(form: &str) -> i8 {
    const FORMS: [(&str, i8); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS
        .iter()
        .find(|(name, _)| form.starts_with(name))
        .map_or(-1, |(_, o)| *o)
}

/// PHP's canonicalisation: `-`, `_`, `+` and other non-alphanumerics
/// become `.`, and a `.` is put between digits and non-digits.
fn canonicalize(v: &str) -> String {
    let mut out = String::with_capacity(v.len() * 2);
    let mut chars = v.chars();
    let Some(first) = chars.next() else {
        return out;
    };
    out.push(first);
    let mut lp = first;
    let isdig = |c: char| c.is_ascii_digit();
    let isndig = |c: char| !c.is_ascii_digit() && c != '.';
    // `#` stands for "any number" and is kept as its own part.
    let keep = |c: char| c.is_ascii_alphanumeric() || c == '#';
    for c in chars {
        let last = out.chars().last().unwrap_or('.');
        if matches!(c, '-' | '_' | '+') {
            if last != '.' {
                out.push('.');
            }
        } else if (isndig(lp) && isdig(c)) || (isdig(lp) && isndig(c)) {
            if last != '.' {
                out.push('.');
            }
            out.push(c);
        } else if !keep(c) {
            if last != '.' {
                out.push('.');
            }
        } else {
            out.push(c);
        }
        lp = c;
    }
    out
}

pub(crate) fn parse(s: &str) -> Key {
    let t: String = s.trim().chars().take(super::MAX_LEN).collect();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(&t);
    let canon = if t.starts_with('#') {
        t.to_owned()
    } else {
        canonicalize(t)
    };
    Key(canon.split('.').map(str::to_owned).collect())
}

fn is_num(p: &str) -> bool {
    p.starts_with(|c: char| c.is_ascii_digit())
}

fn cmp_part(a: &str, b: &str) -> Ordering {
    match (is_num(a), is_num(b)) {
        (true, true) => {
            let da: String = a.chars().take_while(char::is_ascii_digit).collect();
            let db: String = b.chars().take_while(char::is_ascii_digit).collect();
            Num::new(&da).cmp(&Num::new(&db))
        }
        (false, false) => special(a).cmp(&special(b)),
        (true, false) => special("#N#").cmp(&special(b)),
        (false, true) => special(a).cmp(&special("#N#")),
    }
}

/// `version_compare(rest, "#N#")` for the parts left over on one side.
fn cmp_rest(rest: &[String]) -> Ordering {
    let mut rest = rest;
    loop {
        let Some(first) = rest.first() else {
            return Ordering::Equal;
        };
        let o = cmp_part(first, "#N#");
        if o != Ordering::Equal {
            return o;
        }
        match rest.get(1) {
            None => return Ordering::Equal,
            Some(next) if is_num(next) => return Ordering::Greater,
            Some(_) => rest = &rest[1..],
        }
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        let empty_a = a.len() == 1 && a[0].is_empty();
        let empty_b = b.len() == 1 && b[0].is_empty();
        match (empty_a, empty_b) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let n = a.len().min(b.len());
        for i in 0..n {
            let o = cmp_part(&a[i], &b[i]);
            if o != Ordering::Equal {
                return o;
            }
        }
        if a.len() > n {
            if is_num(&a[n]) {
                Ordering::Greater
            } else {
                cmp_rest(&a[n..])
            }
        } else if b.len() > n {
            if is_num(&b[n]) {
                Ordering::Less
            } else {
                cmp_rest(&b[n..]).reverse()
            }
        } else {
            Ordering::Equal
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
