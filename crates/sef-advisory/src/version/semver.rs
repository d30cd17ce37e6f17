//! SemVer, leniently: a leading `v`, any count of numeric parts (the first
//! three are the release; more numbers are kept as further release parts),
//! numbers of any size, prerelease after `-`, build metadata after `+`.

use super::num::{Num, is_digits};
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ident {
    Num(Num),
    Text(String),
}

impl Ord for Ident {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Num(a), Ident::Num(b)) => a.cmp(b),
            (Ident::Num(_), Ident::Text(_)) => Ordering::Less,
            (Ident::Text(_), Ident::Num(_)) => Ordering::Greater,
            (Ident::Text(a), Ident::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A parsed SemVer version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    release: Vec<Num>,
    pre: Vec<Ident>,
    /// Compared only for pub.
    build: Vec<Ident>,
    compare_build: bool,
}

fn idents(s: &str) -> Vec<Ident> {
    s.split('.')
        .map(|p| {
            if is_digits(p) {
                Ident::Num(Num::new(p))
            } else {
                Ident::Text(p.to_owned())
            }
        })
        .collect()
}

pub(crate) fn parse(s: &str, compare_build: bool) -> Key {
    let s = s.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    let (main, build) = s.split_once('+').unwrap_or((s, ""));
    let (release, pre) = main.split_once('-').unwrap_or((main, ""));
    let mut rel: Vec<Num> = release
        .split('.')
        .map(|p| Num::new(p.trim_start_matches(|c: char| !c.is_ascii_digit())))
        .collect();
    while rel.len() < 3 {
        rel.push(Num::new("0"));
    }
    // Trailing zero parts beyond the third do not change the version.
    while rel.len() > 3 && rel.last().is_some_and(Num::is_zero) {
        rel.pop();
    }
    Key {
        release: rel,
        pre: if pre.is_empty() {
            Vec::new()
        } else {
            idents(pre)
        },
        build: if build.is_empty() {
            Vec::new()
        } else {
            idents(build)
        },
        compare_build,
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.release
            .cmp(&other.release)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
            .then_with(|| {
                if self.compare_build || other.compare_build {
                    // pub: a build orders after the same version without one.
                    match (self.build.is_empty(), other.build.is_empty()) {
                        (true, true) => Ordering::Equal,
                        (true, false) => Ordering::Less,
                        (false, true) => Ordering::Greater,
                        (false, false) => self.build.cmp(&other.build),
                    }
                } else {
                    Ordering::Equal
                }
            })
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
