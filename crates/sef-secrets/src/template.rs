//! Token templates: one description of a credential's shape yields both
//! the regex fragment that matches it and deterministic examples (a valid
//! one, and one a character short) for tests and the benchmark corpus.
//!
//! A template is literal text with placeholders `{class:n}` (exactly `n`
//! characters) or `{class:min-max}`. Classes: `hex` `[a-f0-9]`, `HEX`
//! `[A-F0-9]`, `Hex` `[a-fA-F0-9]`, `an` `[A-Za-z0-9]`, `lan` `[a-z0-9]`,
//! `uan` `[A-Z0-9]`, `b64` `[A-Za-z0-9+/]`, `b64u` `[A-Za-z0-9_-]`, `w`
//! `[A-Za-z0-9_]`, `d` `[0-9]`, `al` `[A-Za-z]`, `lal` `[a-z]`, `b32`
//! `[A-Z2-7]`.

use crate::{TemplateError, TemplateProblem};

fn unknown(t: &str, name: &str) -> TemplateError {
    TemplateError {
        template: t.to_owned(),
        problem: TemplateProblem::UnknownClass(name.to_owned()),
    }
}

/// A class: its regex and its characters.
fn class(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "hex" => ("[a-f0-9]", "0123456789abcdef"),
        "HEX" => ("[A-F0-9]", "0123456789ABCDEF"),
        "Hex" => ("[a-fA-F0-9]", "0123456789abcdefABCDEF"),
        "an" => (
            "[A-Za-z0-9]",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        ),
        "lan" => ("[a-z0-9]", "abcdefghijklmnopqrstuvwxyz0123456789"),
        "uan" => ("[A-Z0-9]", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        "b64" => (
            "[A-Za-z0-9+/]",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        ),
        "b64u" => (
            "[A-Za-z0-9_-]",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        ),
        "w" => (
            "[A-Za-z0-9_]",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_",
        ),
        "d" => ("[0-9]", "0123456789"),
        "al" => (
            "[A-Za-z]",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        ),
        "lal" => ("[a-z]", "abcdefghijklmnopqrstuvwxyz"),
        "b32" => ("[A-Z2-7]", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        _ => return None,
    })
}

/// A parsed piece of a template.
enum Piece<'a> {
    Lit(&'a str),
    Class {
        name: &'a str,
        min: usize,
        max: usize,
    },
}

fn parse(t: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let err = |problem| TemplateError {
        template: t.to_owned(),
        problem,
    };
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Lit(&rest[..open]));
        }
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| err(TemplateProblem::Unclosed))?
            + open;
        let inner = &rest[open + 1..close];
        let (name, count) = inner
            .split_once(':')
            .ok_or_else(|| err(TemplateProblem::NotClassCount(inner.to_owned())))?;
        class(name).ok_or_else(|| unknown(t, name))?;
        let (min, max) = match count.split_once('-') {
            Some((a, b)) => (a.parse(), b.parse()),
            None => (count.parse(), count.parse()),
        };
        let (Ok(min), Ok(max)) = (min, max) else {
            return Err(err(TemplateProblem::BadCount(count.to_owned())));
        };
        out.push(Piece::Class { name, min, max });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Lit(rest));
    }
    Ok(out)
}

/// The regex fragment for a template.
pub fn regex(t: &str) -> Result<String, TemplateError> {
    let mut s = String::new();
    for p in parse(t)? {
        match p {
            Piece::Lit(l) => s.push_str(&regex::escape(l)),
            Piece::Class { name, min, max } => {
                let (re, _) = class(name).ok_or_else(|| unknown(t, name))?;
                if min == max {
                    s.push_str(&format!("{re}{{{min}}}"));
                } else {
                    s.push_str(&format!("{re}{{{min},{max}}}"));
                }
            }
        }
    }
    Ok(s)
}

/// A deterministic pseudo-random stream (SplitMix64) from a seed text.
struct Rng(u64);

impl Rng {
    fn new(seed: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn pick(&mut self, chars: &str) -> char {
        let b = chars.as_bytes();
        let i = usize::try_from(self.next() % (b.len() as u64)).unwrap_or(0);
        char::from(b[i])
    }
}

/// An example of the template, `short` characters short in its last
/// placeholder (0: a valid example).
pub fn example(t: &str, seed: &str, short: usize) -> Result<String, TemplateError> {
    let pieces = parse(t)?;
    let last = pieces
        .iter()
        .rposition(|p| matches!(p, Piece::Class { .. }));
    let mut rng = Rng::new(seed);
    let mut s = String::new();
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Lit(l) => s.push_str(l),
            Piece::Class { name, min, max } => {
                let (_, chars) = class(name).ok_or_else(|| unknown(t, name))?;
                let mut n = (min + max).div_ceil(2);
                if Some(i) == last && short > 0 {
                    n = min.saturating_sub(short);
                }
                for _ in 0..n {
                    s.push(rng.pick(chars));
                }
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_and_examples_agree() {
        let t = "ghp_{an:36}";
        let re = regex::Regex::new(&format!("^{}$", regex(t).unwrap())).unwrap();
        let good = example(t, "x", 0).unwrap();
        assert_eq!(good.len(), 40);
        assert!(re.is_match(&good));
        assert!(!re.is_match(&example(t, "x", 1).unwrap()));
        assert_eq!(example(t, "x", 0).unwrap(), good, "deterministic");
        assert_ne!(example(t, "y", 0).unwrap(), good);
        let t = "a.b{hex:2-4}";
        assert_eq!(regex(t).unwrap(), r"a\.b[a-f0-9]{2,4}");
        assert!(parse("{nope:3}").is_err());
        assert!(parse("{hex}").is_err());
        assert!(parse("{hex:3").is_err());
    }
}
