//! Scanning bytes: the keyword prefilter selects rules and windows, each
//! selected rule's regex runs in its windows, matches pass the entropy
//! threshold and the allowlists, and what remains is redacted.

use crate::rules::{Rule, RuleSet};
pub use sef_model::evidence::secrets::{Hit, Redacted};

use std::collections::HashSet;

/// Shannon entropy in bits per byte.
pub fn entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for b in data {
        counts[usize::from(*b)] += 1;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = data.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            #[allow(clippy::cast_precision_loss)]
            let p = *c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether bytes look binary: a NUL in the first 8,000 bytes.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8000)]).is_some()
}

/// How far a window reaches on a very long line, each side of a keyword.
const LONG_LINE_REACH: usize = 4096;
/// How far past its keyword a multi-line rule searches.
const MULTILINE_REACH: usize = 64 * 1024;

/// The start of the line holding `p`, looking back at most
/// [`LONG_LINE_REACH`] bytes: every search is bounded, so a keyword costs
/// the same on a 3 MB line as on a short one and the scan stays linear.
fn line_start(data: &[u8], p: usize) -> usize {
    let floor = p.saturating_sub(LONG_LINE_REACH);
    memchr::memrchr(b'\n', &data[floor..p]).map_or(floor, |i| floor + i + 1)
}

/// The end of the line holding `p`, looking ahead at most
/// [`LONG_LINE_REACH`] bytes.
fn line_end(data: &[u8], p: usize) -> usize {
    let ceil = (p + LONG_LINE_REACH).min(data.len());
    memchr::memchr(b'\n', &data[p..ceil]).map_or(ceil, |i| p + i)
}

/// The window around a keyword at `p`: the line before, its line, the
/// line after; on long lines, a bounded reach either side.
fn window(data: &[u8], p: usize, multiline: bool) -> (usize, usize) {
    if multiline {
        let s = line_start(data, p);
        return (s, (p + MULTILINE_REACH).min(data.len()));
    }
    let ls = line_start(data, p);
    let start = if ls > 0 { line_start(data, ls - 1) } else { 0 };
    let le = line_end(data, p);
    let end = if le < data.len() {
        line_end(data, le + 1)
    } else {
        le
    };
    (
        start.max(p.saturating_sub(LONG_LINE_REACH)),
        end.min(p + LONG_LINE_REACH).min(data.len()),
    )
}

/// The whole line holding `p`, found once per line while the hits are
/// visited in order, so that the cost is linear in the input however many
/// hits one line holds.
struct LineCursor {
    /// Bytes before `counted` are counted into `line`.
    counted: usize,
    line: usize,
    /// Where the line holding `counted` starts.
    start: usize,
    /// The current line's end and its inline allow marker, once found.
    current: Option<(usize, Option<String>)>,
}

impl LineCursor {
    fn new() -> Self {
        Self {
            counted: 0,
            line: 1,
            start: 0,
            current: None,
        }
    }

    /// The line number, bounds and inline allow marker of the line holding
    /// `p`; `p` never decreases between calls.
    fn at(&mut self, data: &[u8], p: usize) -> (usize, usize, usize, Option<String>) {
        if let Some((le, allow)) = &self.current
            && p <= *le
        {
            return (self.line, self.start, *le, allow.clone());
        }
        let before = &data[self.counted..p];
        self.line += memchr::memchr_iter(b'\n', before).count();
        if let Some(i) = memchr::memrchr(b'\n', before) {
            self.start = self.counted + i + 1;
        }
        self.counted = p;
        let le = memchr::memchr(b'\n', &data[p..]).map_or(data.len(), |i| p + i);
        let allow = inline_allow(&data[self.start..le]);
        self.current = Some((le, allow.clone()));
        (self.line, self.start, le, allow)
    }
}

fn push_window(ws: &mut Vec<(usize, usize)>, w: (usize, usize)) {
    if let Some(last) = ws.last_mut()
        && w.0 <= last.1
    {
        last.1 = last.1.max(w.1);
        last.0 = last.0.min(w.0);
        return;
    }
    ws.push(w);
}

struct Raw {
    rule: usize,
    start: usize,
    end: usize,
    secret: (usize, usize),
}

fn secret_span(rule: &Rule, caps: &regex::bytes::Captures<'_>) -> Option<(usize, usize)> {
    if rule.secret_group > 0 {
        return caps.get(rule.secret_group).map(|m| (m.start(), m.end()));
    }
    (1..caps.len())
        .find_map(|i| caps.get(i))
        .or_else(|| caps.get(0))
        .map(|m| (m.start(), m.end()))
}

fn inline_allow(line: &[u8]) -> Option<String> {
    if let Some(at) = memchr::memmem::find(line, b"sef:allow") {
        let from = at + "sef:allow".len();
        let tail = &line[from..line.len().min(from + 1024)];
        let text = String::from_utf8_lossy(tail);
        let reason: String = text
            .trim()
            .trim_end_matches("*/")
            .trim_end_matches("-->")
            .trim()
            .chars()
            .take(200)
            .collect();
        return Some(if reason.is_empty() {
            "sef:allow (no reason given)".to_owned()
        } else {
            reason
        });
    }
    memchr::memmem::find(line, b"gitleaks:allow").map(|_| "gitleaks:allow".to_owned())
}

impl RuleSet {
    /// Scans `data`, the content of `path` (repository-relative, `/`
    /// separators), optionally at `commit`.
    pub fn scan(&self, path: &str, data: &[u8], commit: Option<&str>) -> Vec<Hit> {
        let mut found = self.scan_spans(path, data, commit);
        // The slow salted digests (see [`crate::digest`]), one per distinct
        // secret, derived in parallel once the matching is done.
        let derive = |(hit, (s, e)): &mut (Hit, (usize, usize))| {
            let secret = if e > s {
                &data[*s..*e]
            } else {
                path.as_bytes()
            };
            hit.secret.digest = crate::digest::digest(secret, &self.salt);
        };
        if found.len() > 8 {
            use rayon::prelude::*;
            found.par_iter_mut().for_each(derive);
        } else {
            found.iter_mut().for_each(derive);
        }
        found.into_iter().map(|(h, _)| h).collect()
    }

    /// [`RuleSet::scan`] without the digests, with each hit's secret as a
    /// byte range of `data` (empty for a path-only rule): what redaction
    /// needs, at the cost of the matching alone.
    pub(crate) fn scan_spans(
        &self,
        path: &str,
        data: &[u8],
        commit: Option<&str>,
    ) -> Vec<(Hit, (usize, usize))> {
        let redacted = |secret: &[u8]| Redacted::new(secret, String::new());
        if self.path_allowed(path) {
            return Vec::new();
        }
        let mut hits = Vec::new();
        for r in &self.rules {
            if r.regex.is_none()
                && let Some(p) = &r.path
                && p.is_match(path.as_bytes())
            {
                hits.push((
                    Hit {
                        rule: r.id.clone(),
                        description: r.description.clone(),
                        line: 0,
                        column: 0,
                        secret: redacted(path.as_bytes()),
                        entropy: 0.0,
                        allowed: None,
                    },
                    (0, 0),
                ));
            }
        }
        let mut windows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.rules.len()];
        for &i in &self.always {
            windows[i].push((0, data.len()));
        }
        if let Some(search) = self.keyword_search(data.len()) {
            let hay = self.keyword_haystack(data);
            self.for_each_keyword(&search, hay.as_ref(), |pattern, start, end| {
                for &i in &self.keyword_rules[pattern] {
                    let ws = &mut windows[i];
                    // A window already covers this keyword when it holds the
                    // keyword and reaches far enough past it for a secret
                    // to fit; otherwise a new window (merged with the last)
                    // is computed, whose cost is bounded by the reach.
                    if ws.last().is_some_and(|l| {
                        start >= l.0 && (end + LONG_LINE_REACH / 2 <= l.1 || l.1 == data.len())
                    }) {
                        continue;
                    }
                    let w = window(data, start, self.rules[i].multiline);
                    push_window(ws, w);
                }
                std::ops::ControlFlow::Continue(())
            });
        }
        let mut raws: Vec<Raw> = Vec::new();
        let mut seen: HashSet<(usize, usize, usize)> = HashSet::new();
        for (i, ws) in windows.iter().enumerate() {
            if ws.is_empty() {
                continue;
            }
            let rule = &self.rules[i];
            // a keyword in text too short for the rule, or without a byte
            // every match needs, costs no compile
            if rule
                .regex
                .as_ref()
                .is_some_and(|l| !ws.iter().any(|&(a, b)| l.may_match(&data[a..b])))
            {
                continue;
            }
            let Some(re) = rule.regex.as_ref().and_then(crate::rules::LazyRegex::get) else {
                continue;
            };
            if let Some(p) = &rule.path
                && !p.is_match(path.as_bytes())
            {
                continue;
            }
            for &(ws_, we) in ws {
                // Each search resumes at the end of the previous secret, not
                // of the previous match: a match that consumed the separator
                // after its secret must not hide the next secret, which
                // would otherwise vanish from lines holding many.
                let hay = &data[ws_..we];
                let mut at = 0usize;
                while at <= hay.len() {
                    let Some(caps) = re.captures_at(hay, at) else {
                        break;
                    };
                    let Some(whole) = caps.get(0) else { break };
                    let span = secret_span(rule, &caps);
                    let resume = span.map_or(whole.end(), |(_, e)| e).max(whole.start() + 1);
                    at = if resume > at { resume } else { at + 1 };
                    let Some((s, e)) = span else { continue };
                    if s == e {
                        continue;
                    }
                    let (s, e) = (ws_ + s, ws_ + e);
                    if !seen.insert((i, s, e)) {
                        continue;
                    }
                    raws.push(Raw {
                        rule: i,
                        start: ws_ + whole.start(),
                        end: ws_ + whole.end(),
                        secret: (s, e),
                    });
                }
            }
        }
        // Several rules on one secret: the first rule that keeps it after
        // its entropy floor and allowlists (the most specific: the catalog
        // lists generic rules last) reports it.
        raws.sort_by_key(|r| (r.secret.0, r.secret.1, r.rule));
        let mut last_reported: Option<(usize, usize)> = None;
        let mut cursor = LineCursor::new();
        for raw in raws {
            if last_reported == Some(raw.secret) {
                continue;
            }
            let rule = &self.rules[raw.rule];
            let secret = &data[raw.secret.0..raw.secret.1];
            let ent = entropy(secret);
            if rule.entropy.is_some_and(|t| ent < t) {
                continue;
            }
            let (line, ls, le, allow) = cursor.at(data, raw.secret.0);
            // Line-targeted allowlists see the line, clipped to a bounded
            // reach around the match on very long lines.
            let text = &data[ls.max(raw.start.saturating_sub(LONG_LINE_REACH))
                ..le.min(raw.end + LONG_LINE_REACH)];
            let whole = &data[raw.start..raw.end];
            if rule
                .allowlists
                .iter()
                .chain(&self.global)
                .any(|a| a.allows(path, commit, secret, whole, text))
            {
                continue;
            }
            last_reported = Some(raw.secret);
            hits.push((
                Hit {
                    rule: rule.id.clone(),
                    description: rule.description.clone(),
                    line,
                    column: raw.secret.0 - ls + 1,
                    secret: redacted(secret),
                    entropy: (ent * 100.0).round() / 100.0,
                    allowed: allow,
                },
                raw.secret,
            ));
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_and_binary() {
        assert_eq!(entropy(b""), 0.0);
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(is_binary(b"a\0b"));
        assert!(!is_binary(b"text"));
    }

    #[test]
    fn redaction_keeps_a_short_prefix_only() {
        let r = Redacted::new(b"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "d".into());
        assert_eq!(r.prefix, "ghp_…");
        assert_eq!(r.length, 40);
        assert_eq!(r.legacy_sha256.as_ref().map(String::len), Some(64));
        assert_eq!(Redacted::new(b"abc", String::new()).prefix, "…");
    }

    #[test]
    fn one_long_line_of_tokens_scans_in_linear_time() {
        let set = crate::builtin::rule_set();
        let token = |i: usize| {
            let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let body: String = (0..36)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    char::from(
                        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            [(x % 62) as usize],
                    )
                })
                .collect();
            format!("ghp_{body} ")
        };
        let one_line: String = (0..80_000).map(token).collect();
        let per_line: String = (0..80_000).map(|i| token(i) + "\n").collect();
        let t = std::time::Instant::now();
        // the matching alone: the digests cost the same per secret either way
        let a: Vec<Hit> = set
            .scan_spans("a.txt", one_line.as_bytes(), None)
            .into_iter()
            .map(|(h, _)| h)
            .collect();
        let long = t.elapsed();
        let t = std::time::Instant::now();
        let b = set.scan_spans("a.txt", per_line.as_bytes(), None);
        let short = t.elapsed();
        let cols: std::collections::HashSet<usize> = a.iter().map(|h| h.column).collect();
        let missing: Vec<usize> = (0..80_000)
            .filter(|i| !cols.contains(&(i * 41 + 1)))
            .take(3)
            .collect();
        assert_eq!(a.len(), b.len(), "tokens missed on one line: {missing:?}");
        assert!(a.len() > 10_000, "{} hits", a.len());
        // Linear: the single line costs about what the same tokens one per
        // line cost (quadratic took 80× longer), with room for noise.
        assert!(
            long < short * 6 + std::time::Duration::from_millis(300),
            "one line {long:?}, one per line {short:?}"
        );
    }

    #[test]
    fn windows_are_bounded_on_long_lines() {
        let data = vec![b'x'; 100_000];
        let (s, e) = window(&data, 50_000, false);
        assert!(e - s <= 2 * LONG_LINE_REACH);
        let (s, e) = window(b"a\nb\nc key d\ne\nf", 6, false);
        assert_eq!((s, e), (2, 13));
    }

    #[test]
    fn a_rule_that_drops_a_secret_leaves_it_to_the_next() {
        use crate::rules::{Rule, RuleSet};
        let rule = |id: &str, entropy: Option<f64>| Rule {
            id: id.into(),
            description: id.into(),
            regex: Some(crate::rules::LazyRegex::new("tok_([a-z]{8})")),
            secret_group: 1,
            entropy,
            keywords: vec!["tok_".into()],
            path: None,
            allowlists: Vec::new(),
            multiline: false,
            source: "test".into(),
        };
        // The first rule's entropy floor rejects the secret; the second reports it, once.
        let set = RuleSet::new(
            vec![
                rule("strict", Some(9.0)),
                rule("lenient", None),
                rule("third", None),
            ],
            vec![],
            vec![],
        );
        let hits = set.scan("a", b"x = tok_abcdefgh", None);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].rule, "lenient");
    }

    #[test]
    fn inline_allow_reasons() {
        assert_eq!(
            inline_allow(b"k = \"x\" # sef:allow test fixture"),
            Some("test fixture".into())
        );
        assert_eq!(
            inline_allow(b"k = 1 // gitleaks:allow"),
            Some("gitleaks:allow".into())
        );
        assert_eq!(inline_allow(b"k = 1"), None);
    }
}
