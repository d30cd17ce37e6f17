//! PEP 440 versions, ordered as Python's `packaging` orders them; versions
//! that are not PEP 440 ("legacy") order before every valid one, among
//! themselves as setuptools' legacy scheme does.

use super::num::Num;
use regex::Regex;
use std::sync::LazyLock;

// Constant patterns: compiling them cannot fail at run time if it does
// not fail in the tests.
#[allow(clippy::expect_used)]
static PEP440: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^v?(?:(?P<epoch>[0-9]+)!)?(?P<release>[0-9]+(?:\.[0-9]+)*)(?:[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>[0-9]+)?)?(?:-(?P<post_n1>[0-9]+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?)?(?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>[0-9]+)?)?(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?$",
    )
    .expect("constant PEP 440 pattern")
});

#[allow(clippy::expect_used)]
static LEGACY_PARTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9]+|[a-z]+|\.|-)").expect("constant legacy pattern"));

/// A bound value: below everything, a value, or above everything.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Bound<T> {
    Min,
    Val(T),
    Max,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum LocalPart {
    Text(String),
    Num(Num),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Valid {
    epoch: Num,
    release: Vec<Num>,
    pre: Bound<(u8, Num)>,
    post: Bound<Num>,
    dev: Bound<Num>,
    local: Bound<Vec<LocalPart>>,
}

/// A parsed PyPI version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    /// Not PEP 440: before every valid version.
    Legacy(Vec<String>),
    Valid(Valid),
}

fn num(s: Option<regex::Match<'_>>) -> Num {
    Num::new(s.map_or("0", |m| m.as_str()))
}

pub(crate) fn parse(s: &str) -> Key {
    let lower = s.trim().to_ascii_lowercase();
    let Some(c) = PEP440.captures(&lower) else {
        return Key::Legacy(legacy(&lower));
    };
    let mut release: Vec<Num> = c
        .name("release")
        .map_or("0", |m| m.as_str())
        .split('.')
        .map(Num::new)
        .collect();
    while release.len() > 1 && release.last().is_some_and(Num::is_zero) {
        release.pop();
    }
    let pre_rank = c.name("pre_l").map(|m| match m.as_str() {
        "a" | "alpha" => 0u8,
        "b" | "beta" => 1,
        _ => 2, // c, rc, pre, preview
    });
    let post = if c.name("post_n1").is_some() {
        Some(num(c.name("post_n1")))
    } else if c.name("post_l").is_some() {
        Some(num(c.name("post_n2")))
    } else {
        None
    };
    let dev = c.name("dev_l").map(|_| num(c.name("dev_n")));
    let pre = match (pre_rank, &post, &dev) {
        (Some(r), _, _) => Bound::Val((r, num(c.name("pre_n")))),
        (None, None, Some(_)) => Bound::Min,
        _ => Bound::Max,
    };
    let local = match c.name("local") {
        None => Bound::Min,
        Some(m) => Bound::Val(
            m.as_str()
                .split(['-', '_', '.'])
                .map(|p| {
                    if p.bytes().all(|b| b.is_ascii_digit()) {
                        LocalPart::Num(Num::new(p))
                    } else {
                        LocalPart::Text(p.to_owned())
                    }
                })
                .collect(),
        ),
    };
    Key::Valid(Valid {
        epoch: num(c.name("epoch")),
        release,
        pre,
        post: post.map_or(Bound::Min, Bound::Val),
        dev: dev.map_or(Bound::Max, Bound::Val),
        local,
    })
}

/// setuptools' legacy key: numbers zero-padded, words prefixed with `*`,
/// `pre`/`preview`/`rc` as `c`, `dev` as `@`, `-` as `final-`.
fn legacy(s: &str) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    for m in LEGACY_PARTS.find_iter(s) {
        let part = match m.as_str() {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            other => other,
        };
        if part == "." {
            continue;
        }
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            raw.push(format!("{part:0>8}"));
        } else {
            raw.push(format!("*{part}"));
        }
    }
    raw.push("*final".to_owned());
    let mut parts: Vec<String> = Vec::new();
    for part in raw {
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part);
    }
    parts
}
