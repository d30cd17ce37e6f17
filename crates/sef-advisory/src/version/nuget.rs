//! NuGet versions: up to four numbers, a SemVer 2 prerelease compared
//! without regard to case, build metadata ignored.

use super::num::{Num, is_digits};
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Num(Num),
    Text(String),
}

/// A parsed NuGet version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    release: [Num; 4],
    pre: Vec<Label>,
}

pub(crate) fn parse(s: &str) -> Key {
    let s = s.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let main = s.split('+').next().unwrap_or(s);
    let (release, pre) = main.split_once('-').unwrap_or((main, ""));
    let mut nums = release.split('.').map(|p| Num::new(p.trim()));
    let release = [
        nums.next().unwrap_or_else(|| Num::new("0")),
        nums.next().unwrap_or_else(|| Num::new("0")),
        nums.next().unwrap_or_else(|| Num::new("0")),
        nums.next().unwrap_or_else(|| Num::new("0")),
    ];
    let pre = if pre.is_empty() {
        Vec::new()
    } else {
        pre.split('.')
            .map(|p| {
                if is_digits(p) {
                    Label::Num(Num::new(p))
                } else {
                    Label::Text(p.to_ascii_lowercase())
                }
            })
            .collect()
    };
    Key { release, pre }
}

fn cmp_label(a: &Label, b: &Label) -> Ordering {
    match (a, b) {
        (Label::Num(x), Label::Num(y)) => x.cmp(y),
        (Label::Num(_), Label::Text(_)) => Ordering::Less,
        (Label::Text(_), Label::Num(_)) => Ordering::Greater,
        (Label::Text(x), Label::Text(y)) => x.cmp(y),
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.release.cmp(&other.release).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        let o = cmp_label(a, b);
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            }
        })
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
