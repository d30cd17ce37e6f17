//! RubyGems versions, ordered as `Gem::Version#<=>`: segments of digits
//! and letters, a letter segment marking a prerelease (before any number),
//! trailing zeros of the numeric and the prerelease part dropped.

use super::num::Num;
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Num(Num),
    Text(String),
}

/// A parsed gem version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key(Vec<Seg>);

fn is_zero(s: &Seg) -> bool {
    matches!(s, Seg::Num(n) if n.is_zero())
}

pub(crate) fn parse(s: &str) -> Key {
    let v: String = s
        .trim()
        .chars()
        .take(super::MAX_LEN)
        .collect::<String>()
        .replace('-', ".pre.");
    let mut segs = Vec::new();
    let mut cur = String::new();
    let mut digit = false;
    let flush = |cur: &mut String, digit: bool, segs: &mut Vec<Seg>| {
        if !cur.is_empty() {
            segs.push(if digit {
                Seg::Num(Num::new(cur))
            } else {
                Seg::Text(cur.clone())
            });
            cur.clear();
        }
    };
    for c in v.chars() {
        if c.is_ascii_digit() {
            if !digit {
                flush(&mut cur, digit, &mut segs);
            }
            digit = true;
            cur.push(c);
        } else if c.is_ascii_alphabetic() {
            if digit {
                flush(&mut cur, digit, &mut segs);
            }
            digit = false;
            cur.push(c);
        } else {
            flush(&mut cur, digit, &mut segs);
        }
    }
    flush(&mut cur, digit, &mut segs);
    // Canonical: the numeric head and the rest, each without trailing zeros.
    let split = segs
        .iter()
        .position(|s| matches!(s, Seg::Text(_)))
        .unwrap_or(segs.len());
    let mut rest = segs.split_off(split);
    while segs.last().is_some_and(is_zero) {
        segs.pop();
    }
    while rest.last().is_some_and(is_zero) {
        rest.pop();
    }
    segs.extend(rest);
    Key(segs)
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Seg::Num(Num::new("0"));
        let n = self.0.len().max(other.0.len());
        for i in 0..n {
            let a = self.0.get(i).unwrap_or(&zero);
            let b = other.0.get(i).unwrap_or(&zero);
            let o = match (a, b) {
                (Seg::Num(x), Seg::Num(y)) => x.cmp(y),
                (Seg::Text(_), Seg::Num(_)) => Ordering::Less,
                (Seg::Num(_), Seg::Text(_)) => Ordering::Greater,
                (Seg::Text(x), Seg::Text(y)) => x.cmp(y),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
