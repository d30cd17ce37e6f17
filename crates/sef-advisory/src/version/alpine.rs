//! Alpine (apk) versions, ordered as current apk-tools orders them. The
//! grammar is `number{.number}...{letter}{_suffix{number}}...{~hash}{-rN}`.
//!
//! A version is read as a stream of typed tokens. Two versions compare token
//! by token while their kinds agree; a dotted component with a leading zero
//! is compared as text (so `1.05 < 1.5`, as in Gentoo). Where the kinds part,
//! the version that goes on is greater, unless it goes on with a pre-release
//! suffix (`_alpha`, `_beta`, `_pre`, `_rc`); text outside the grammar
//! becomes an *invalid* token, which ranks below any valid continuation.

use super::num::Num;
use std::cmp::Ordering;

/// Token kinds in grammar order; where two versions part, the later kind
/// is the lesser version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Initial,
    Digit,
    Letter,
    /// The number right after a letter.
    LetterNo,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    /// A `.` with no number after it (below any number, letter or end).
    Empty,
    Invalid,
}

/// Suffix ranks: pre-releases below the plain release (0), post-releases above.
const SUFFIXES: [(&str, i8); 9] = [
    ("alpha", -4),
    ("beta", -3),
    ("pre", -2),
    ("rc", -1),
    ("cvs", 1),
    ("svn", 2),
    ("git", 3),
    ("hg", 4),
    ("p", 5),
];

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    text: &'a [u8],
    suffix: i8,
}

/// Reads a version's tokens one by one.
struct Reader<'a> {
    s: &'a [u8],
    i: usize,
    kind: Kind,
    started: bool,
}

impl<'a> Reader<'a> {
    fn new(v: &'a str) -> Self {
        let s = v.trim().as_bytes();
        Reader {
            s: &s[..s.len().min(super::MAX_LEN)],
            i: 0,
            kind: Kind::Initial,
            started: false,
        }
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.i;
        while self.s.get(self.i).is_some_and(|&c| f(c)) {
            self.i += 1;
        }
        &self.s[start..self.i]
    }

    fn token(&self, kind: Kind, text: &'a [u8]) -> Token<'a> {
        Token {
            kind,
            text,
            suffix: 0,
        }
    }

    fn digits(&mut self, kind: Kind) -> Token<'a> {
        let text = self.take_while(|c| c.is_ascii_digit());
        self.token(if text.is_empty() { Kind::Invalid } else { kind }, text)
    }

    /// The next token; after `End` or `Invalid`, the same again.
    fn next(&mut self) -> Token<'a> {
        let prev = self.kind;
        let t = if !self.started {
            self.started = true;
            // No leading number reads as 0 (`.1 < 1`, `a < 1`).
            let text = self.take_while(|c| c.is_ascii_digit());
            self.token(Kind::Initial, text)
        } else if matches!(prev, Kind::End | Kind::Invalid) {
            self.token(prev, &[])
        } else {
            self.after(prev)
        };
        self.kind = t.kind;
        t
    }

    fn after(&mut self, prev: Kind) -> Token<'a> {
        let invalid = self.token(Kind::Invalid, &[]);
        let Some(&c) = self.s.get(self.i) else {
            return self.token(Kind::End, &[]);
        };
        match c {
            b'a'..=b'z' if prev <= Kind::Digit => {
                self.i += 1;
                self.token(Kind::Letter, &self.s[self.i - 1..self.i])
            }
            b'.' if prev <= Kind::Digit || prev == Kind::Empty => {
                self.i += 1;
                let t = self.digits(Kind::Digit);
                if t.kind == Kind::Invalid {
                    self.token(Kind::Empty, &[])
                } else {
                    t
                }
            }
            b'a'..=b'z' if prev == Kind::Empty => {
                self.i += 1;
                self.token(Kind::Letter, &self.s[self.i - 1..self.i])
            }
            b'0'..=b'9' if prev <= Kind::Digit => self.digits(Kind::Digit),
            // A letter's patch level, as in OpenSSH's `9.6p1`.
            b'0'..=b'9' if prev == Kind::Letter => self.digits(Kind::LetterNo),
            b'0'..=b'9' if prev == Kind::Suffix => self.digits(Kind::SuffixNo),
            b'_' if prev <= Kind::SuffixNo => {
                self.i += 1;
                let name = self.take_while(|c| c.is_ascii_lowercase());
                match SUFFIXES.iter().find(|(s, _)| s.as_bytes() == name) {
                    Some(&(_, rank)) => Token {
                        kind: Kind::Suffix,
                        text: name,
                        suffix: rank,
                    },
                    None => invalid,
                }
            }
            b'~' if prev < Kind::CommitHash => {
                self.i += 1;
                let hash = self.take_while(|c| c.is_ascii_hexdigit());
                if hash.is_empty() {
                    invalid
                } else {
                    self.token(Kind::CommitHash, hash)
                }
            }
            b'-' if prev < Kind::RevisionNo
                && self.s.get(self.i + 1) == Some(&b'r')
                && !self.s.get(self.i + 2).is_some_and(u8::is_ascii_alphabetic) =>
            {
                // `-r` with no number is revision 0; `-r` and a letter is
                // not a revision at all.
                self.i += 2;
                let text = self.take_while(|c| c.is_ascii_digit());
                self.token(Kind::RevisionNo, text)
            }
            _ => invalid,
        }
    }
}

fn number(text: &[u8]) -> Num {
    Num::new(std::str::from_utf8(text).unwrap_or("0"))
}

/// Compares two tokens of the same kind.
fn same_kind(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.kind {
        Kind::Digit if a.text.first() == Some(&b'0') || b.text.first() == Some(&b'0') => {
            a.text.cmp(b.text)
        }
        Kind::Initial | Kind::Digit | Kind::LetterNo | Kind::SuffixNo | Kind::RevisionNo => {
            number(a.text).cmp(&number(b.text))
        }
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        _ => a.text.cmp(b.text),
    }
}

/// Compares two Alpine versions.
pub(crate) fn compare(a: &str, b: &str) -> Ordering {
    let (mut ra, mut rb) = (Reader::new(a), Reader::new(b));
    loop {
        let (ta, tb) = (ra.next(), rb.next());
        if ta.kind != tb.kind {
            // One version goes on where the other does not (or differently):
            // the longer is greater, unless it goes on with a pre-release.
            if ta.kind == Kind::Suffix && ta.suffix < 0 {
                return Ordering::Less;
            }
            if tb.kind == Kind::Suffix && tb.suffix < 0 {
                return Ordering::Greater;
            }
            return tb.kind.cmp(&ta.kind);
        }
        if matches!(ta.kind, Kind::End | Kind::Invalid) {
            return Ordering::Equal;
        }
        match same_kind(&ta, &tb) {
            Ordering::Equal => {}
            o => return o,
        }
    }
}
