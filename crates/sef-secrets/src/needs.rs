//! What every match of a rule's regex needs, read from its syntax tree
//! without compiling it: the shortest match's length, and the parts no
//! match can skip (those of the top-level sequence that are not optional):
//! a byte of a small class, a case-sensitive literal, a run of bytes of a
//! class repeated at least eight times. A keyword hit in text that lacks
//! any of them never compiles the rule's regex: a run whose own texts
//! (the requirement catalog, criteria, notes) merely mention "password" or
//! "token" pays for no compile. Each is a necessary condition only, so no
//! match is ever missed.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Classes larger than this are not checked as "one of these bytes".
const MAX_SET: usize = 16;
/// Repetitions at least this long are checked as runs.
const MIN_RUN: u32 = 8;

/// One thing every match holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Need {
    /// One of these bytes.
    Byte(Vec<u8>),
    /// This exact byte string.
    Literal(Vec<u8>),
    /// `min` consecutive bytes of the class (a 256-entry table).
    Run(Box<[bool; 256]>, usize),
}

/// The needs of one regex.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// The shortest match, in bytes.
    pub min_len: usize,
    needs: Vec<Need>,
}

impl Needs {
    /// Reads `source` as [`crate::rules::LazyRegex`] compiles it (bytes,
    /// Unicode classes off). A source that does not parse needs nothing:
    /// compiling it then reports the error.
    pub fn of(source: &str) -> Needs {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(source);
        let Ok(hir) = hir else {
            return Needs::default();
        };
        let mut needs = Vec::new();
        collect(&hir, &mut needs);
        Needs {
            min_len: hir.properties().minimum_len().unwrap_or(0),
            needs,
        }
    }

    /// Whether a match may exist in `hay`.
    pub fn may_match(&self, hay: &[u8]) -> bool {
        hay.len() >= self.min_len && self.needs.iter().all(|n| holds(n, hay))
    }
}

fn holds(n: &Need, hay: &[u8]) -> bool {
    match n {
        Need::Byte(set) => match set.as_slice() {
            [a] => memchr::memchr(*a, hay).is_some(),
            [a, b] => memchr::memchr2(*a, *b, hay).is_some(),
            [a, b, c] => memchr::memchr3(*a, *b, *c, hay).is_some(),
            set => hay.iter().any(|x| set.contains(x)),
        },
        Need::Literal(l) => memchr::memmem::find(hay, l).is_some(),
        Need::Run(table, min) => {
            let mut run = 0usize;
            for &b in hay {
                if table[usize::from(b)] {
                    run += 1;
                    if run >= *min {
                        return true;
                    }
                } else {
                    run = 0;
                }
            }
            false
        }
    }
}

/// The bytes of a class, when it is a byte-range class (or a Unicode one
/// within ASCII).
fn class_bytes(c: &Class) -> Option<Vec<u8>> {
    match c {
        Class::Bytes(c) => Some(
            c.ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .collect(),
        ),
        Class::Unicode(c) => {
            let mut out = Vec::new();
            for r in c.ranges() {
                let (s, e) = (u32::from(r.start()), u32::from(r.end()));
                if e >= 0x80 {
                    return None;
                }
                out.extend((s..=e).filter_map(|x| u8::try_from(x).ok()));
            }
            Some(out)
        }
    }
}

/// A byte set one of which every match of `h` starts... holds: the first
/// byte of a literal, a small class, or the union over alternatives.
fn one_of(h: &Hir) -> Option<Vec<u8>> {
    match h.kind() {
        HirKind::Literal(l) => l.0.first().map(|b| vec![*b]),
        HirKind::Class(c) => class_bytes(c).filter(|b| b.len() <= MAX_SET),
        HirKind::Repetition(r) if r.min >= 1 => one_of(&r.sub),
        HirKind::Capture(c) => one_of(&c.sub),
        HirKind::Concat(parts) => parts.iter().filter_map(one_of).min_by_key(Vec::len),
        HirKind::Alternation(alts) => {
            let mut out: Vec<u8> = Vec::new();
            for a in alts {
                for b in one_of(a)? {
                    if !out.contains(&b) {
                        out.push(b);
                    }
                }
            }
            (out.len() <= MAX_SET).then_some(out)
        }
        _ => None,
    }
}

/// The needs of the mandatory parts of `h`.
fn collect(h: &Hir, out: &mut Vec<Need>) {
    match h.kind() {
        HirKind::Concat(parts) => parts.iter().for_each(|p| collect(p, out)),
        HirKind::Capture(c) => collect(&c.sub, out),
        HirKind::Literal(l) if l.0.len() >= 2 => out.push(Need::Literal(l.0.to_vec())),
        HirKind::Repetition(r) if r.min >= MIN_RUN => {
            if let HirKind::Class(c) = r.sub.kind()
                && let Some(bytes) = class_bytes(c)
            {
                let mut table = Box::new([false; 256]);
                for b in bytes {
                    table[usize::from(b)] = true;
                }
                out.push(Need::Run(table, r.min as usize));
            } else {
                collect(&r.sub, out);
            }
        }
        HirKind::Repetition(r) if r.min >= 1 => collect(&r.sub, out),
        _ => {
            if let Some(set) = one_of(h) {
                out.push(Need::Byte(set));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERIC: &str = r#"(?m)(?i:[\w.\-]{0,30}(?:secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|auth[_\-]?key|credential)[\w.\-]{0,20})["']?[ \t]{0,3}(?:=|:=|:|=>|,)[ \t]{0,3}["'`]([A-Za-z0-9_\-+/=.~]{16,256})["'`]"#;

    #[test]
    fn prose_needs_no_compile_and_secrets_still_may_match() {
        let n = Needs::of(GENERIC);
        assert_eq!(n.min_len, 5 + 1 + 1 + 16 + 1);
        assert!(!n.may_match(
            b"Comparisons of secrets (MACs, tokens, password hashes) run in constant time."
        ));
        assert!(n.may_match(b"secret = 'abcdefghijklmnopqrstu'"));
        assert!(n.may_match(b"\"api_key\": \"AKIAabcdefghijklmnop\""));
        let pat = Needs::of(
            r"(?m)(?:^|[^A-Za-z0-9_])(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})(?:[^A-Za-z0-9_]|$)",
        );
        assert_eq!(pat.min_len, 3 + 14 + 1 + 64);
        assert!(!pat.may_match(&[b"the path of the file ".as_slice(); 10].concat()));
        let chimp =
            Needs::of(r"(?m)(?:^|[^A-Za-z0-9_])([a-f0-9]{32}\-us[0-9]{2})(?:[^A-Za-z0-9_]|$)");
        assert!(!chimp.may_match(b"Checks and the actions that depend on them happen atomically, leaving no time-of-check to time-of-use window."));
        assert!(chimp.may_match(b"key: 0123456789abcdef0123456789abcdef-us12"));
        let netrc = Needs::of(r"(?m)machine\s+[^\s]+\s+login\s+[^\s]+\s+password\s+([^\s]{4,128})");
        assert!(!netrc.may_match(b"Security logs use a documented, machine-readable format that the organization's log processor parses."));
        assert!(netrc.may_match(b"machine api.example.com login me password hunter22"));
        assert_eq!(Needs::of("(unclosed"), Needs::default());
        assert!(Needs::default().may_match(b""));
    }
}
