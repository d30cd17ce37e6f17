//! Rules, allowlists and the rule set with its keyword prefilter.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
pub use sef_model::evidence::secrets::ConfigProblem;
use serde::Serialize;
use std::sync::OnceLock;

/// What an allowlist regex is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The secret (the rule's secret group).
    Secret,
    /// The whole regex match.
    Match,
    /// The line the match is on.
    Line,
}

/// An allowlist: a finding it matches is not reported.
#[derive(Debug, Clone)]
pub struct Allowlist {
    /// What it is for.
    pub description: String,
    /// `true`: every criterion given must match (gitleaks `condition =
    /// "AND"`); `false`: any one is enough.
    pub all: bool,
    /// What `regexes` are matched against.
    pub target: Target,
    /// Regexes (against `target`).
    pub regexes: Vec<Regex>,
    /// Regexes against the file path.
    pub paths: Vec<Regex>,
    /// Words that, inside the secret (case-insensitively), mark it as not
    /// a secret.
    pub stopwords: Vec<String>,
    /// Commit ids whose findings are allowed.
    pub commits: Vec<String>,
}

impl Allowlist {
    /// Whether this allowlist allows a finding.
    pub fn allows(
        &self,
        path: &str,
        commit: Option<&str>,
        secret: &[u8],
        whole: &[u8],
        line: &[u8],
    ) -> bool {
        let target = match self.target {
            Target::Secret => secret,
            Target::Match => whole,
            Target::Line => line,
        };
        let mut checks: Vec<bool> = Vec::with_capacity(4);
        if !self.regexes.is_empty() {
            checks.push(self.regexes.iter().any(|r| r.is_match(target)));
        }
        if !self.paths.is_empty() {
            checks.push(self.paths.iter().any(|r| r.is_match(path.as_bytes())));
        }
        if !self.stopwords.is_empty() {
            let lower = String::from_utf8_lossy(secret).to_ascii_lowercase();
            checks.push(self.stopwords.iter().any(|w| lower.contains(w.as_str())));
        }
        if !self.commits.is_empty() {
            checks.push(
                commit.is_some_and(|c| self.commits.iter().any(|x| c.starts_with(x.as_str()))),
            );
        }
        if checks.is_empty() {
            return false;
        }
        if self.all {
            checks.iter().all(|c| *c)
        } else {
            checks.iter().any(|c| *c)
        }
    }

    /// Whether this allowlist allows every finding in `path` whatever the
    /// secret (it has only path criteria, and one matches).
    pub fn allows_path(&self, path: &str) -> bool {
        self.regexes.is_empty()
            && self.stopwords.is_empty()
            && self.commits.is_empty()
            && !self.paths.is_empty()
            && self.paths.iter().any(|r| r.is_match(path.as_bytes()))
    }
}

/// A rule's regex, compiled on first use: a scan whose prefilter never
/// selects a rule never pays for compiling it, and a process that scans
/// nothing compiles nothing.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    cell: OnceLock<Option<Regex>>,
    needs: OnceLock<crate::needs::Needs>,
}

impl LazyRegex {
    /// A regex compiled from `source` (bytes, Unicode classes off, 32 MiB
    /// size limit, as the built-in catalog is written) on first use.
    pub fn new(source: impl Into<String>) -> Self {
        LazyRegex {
            source: source.into(),
            cell: OnceLock::new(),
            needs: OnceLock::new(),
        }
    }

    /// A regex already compiled (a configuration's rules, compiled when the
    /// configuration is read so that a bad one is reported there).
    pub fn ready(regex: Regex) -> Self {
        LazyRegex {
            source: regex.as_str().to_owned(),
            cell: OnceLock::from(Some(regex)),
            needs: OnceLock::new(),
        }
    }

    /// Compiles the source the way [`LazyRegex::new`] promises.
    pub fn compile(source: &str) -> Result<Regex, regex::Error> {
        RegexBuilder::new(source)
            .unicode(false)
            .size_limit(32 * 1024 * 1024)
            .build()
    }

    /// The compiled regex; `None` when the source does not compile (the
    /// built-in catalog's tests prove every one of its rules does; a
    /// failure is logged, never silent).
    pub fn get(&self) -> Option<&Regex> {
        self.cell
            .get_or_init(|| match Self::compile(&self.source) {
                Ok(r) => {
                    tracing::trace!(regex = %self.source, "secret rule regex compiled on first use");
                    Some(r)
                }
                Err(e) => {
                    tracing::error!(regex = %self.source, error = %e, "a secret rule's regex does not compile; the rule cannot run");
                    None
                }
            })
            .as_ref()
    }

    /// Whether a match may exist in `hay`, judged without compiling: `hay`
    /// is at least as long as the shortest match, and holds a byte of a
    /// class every match must contain (docs/secrets.md, "Scanning"). `false`
    /// only when no match can exist.
    pub fn may_match(&self, hay: &[u8]) -> bool {
        self.needs
            .get_or_init(|| crate::needs::Needs::of(&self.source))
            .may_match(hay)
    }

    /// The source.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// From this many bytes searched on (one long text, or many strings), a
/// redaction rule set searches with a DFA.
const LONG_TEXT: usize = 64 * 1024;

/// Up to this many bytes searched on, a rule set looks for each keyword
/// on its own instead of building an automaton (see
/// [`RuleSet::keyword_search`]).
const SMALL_TEXT: usize = 4 * 1024;

/// How a rule set finds its keywords in a haystack.
pub(crate) enum KeywordSearch<'a> {
    /// With its Aho-Corasick automaton.
    Automaton(&'a AhoCorasick),
    /// Keyword by keyword (`memmem`): a small haystack.
    Each,
}

/// One detection rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// A stable id, e.g. `github-pat`.
    pub id: String,
    /// What it finds.
    pub description: String,
    /// The pattern; `None` for a path-only rule (the file itself is the
    /// secret, e.g. a PKCS#12 key store).
    pub regex: Option<LazyRegex>,
    /// The capture group holding the secret (0: the first group that
    /// matched, else the whole match).
    pub secret_group: usize,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    pub entropy: Option<f64>,
    /// Lower-cased keywords: the rule runs only where one occurs. Empty:
    /// the rule runs on every file.
    pub keywords: Vec<String>,
    /// Only files whose path matches.
    pub path: Option<Regex>,
    /// Rule-specific allowlists.
    pub allowlists: Vec<Allowlist>,
    /// The match may span many lines (private keys): search far from the
    /// keyword.
    pub multiline: bool,
    /// Where the rule comes from: `builtin` or the config file.
    pub source: String,
}

/// Rules, global allowlists and the keyword prefilter.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// The rules.
    pub rules: Vec<Rule>,
    /// Allowlists that apply to every rule.
    pub global: Vec<Allowlist>,
    /// What the configuration held that sef could not use.
    pub problems: Vec<ConfigProblem>,
    /// The keywords of the prefilter, lower-cased, in pattern order.
    words: Vec<String>,
    /// The prefilter over `words`, built on first use (see
    /// [`RuleSet::prefilter`]).
    prefilter: OnceLock<Option<AhoCorasick>>,
    /// For a rule set made for redaction, the DFA it searches long texts
    /// with, and every string once many have been searched (see
    /// [`RuleSet::prefilter_for`]).
    prefilter_long: OnceLock<Option<AhoCorasick>>,
    /// For a rule set made for scanning (a DFA), the NFA it searches the
    /// first [`LONG_TEXT`] bytes with: a run that scans one lockfile does
    /// not pay for the DFA.
    prefilter_short: OnceLock<Option<AhoCorasick>>,
    /// Bytes this rule set's prefilter has searched so far.
    searched: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// The automaton the prefilter is built as: a DFA for scanning files
    /// (fastest per byte), an NFA for redacting short strings (a fraction
    /// of the DFA's build time and memory).
    prefilter_kind: AhoCorasickKind,
    /// The prefilter matches exact lower-case keywords in an ASCII
    /// lower-cased copy of the haystack, instead of matching
    /// case-insensitively: a case-insensitive automaton takes three times
    /// as long to build, which a process that only redacts a few strings
    /// would pay in full.
    prefilter_lowercase: bool,
    /// For each prefilter pattern, the rules it selects.
    pub(crate) keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords (and with a regex): run on every file.
    pub(crate) always: Vec<usize>,
    /// The salt of the secrets' digests (see [`crate::digest`]).
    pub salt: String,
}

impl RuleSet {
    /// A rule set. Nothing is compiled here: the prefilter is built on the
    /// first scan, each rule's regex on its first keyword hit.
    pub fn new(rules: Vec<Rule>, global: Vec<Allowlist>, problems: Vec<ConfigProblem>) -> Self {
        let mut words: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if r.regex.is_none() {
                continue;
            }
            if r.keywords.is_empty() {
                always.push(i);
            }
            for k in &r.keywords {
                match words.iter().position(|w| w == k) {
                    Some(at) => keyword_rules[at].push(i),
                    None => {
                        words.push(k.clone());
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        RuleSet {
            rules,
            global,
            problems,
            words,
            prefilter: OnceLock::new(),
            prefilter_long: OnceLock::new(),
            prefilter_short: OnceLock::new(),
            searched: std::sync::Arc::default(),
            prefilter_kind: AhoCorasickKind::DFA,
            prefilter_lowercase: false,
            keyword_rules,
            always,
            salt: crate::digest::default_salt(""),
        }
    }

    /// The same rules, their prefilter built as a contiguous NFA: for
    /// redacting strings (reports, command output), where building a DFA
    /// would cost more than all the searching it speeds up.
    #[must_use]
    pub fn for_redaction(mut self) -> Self {
        self.prefilter_kind = AhoCorasickKind::NoncontiguousNFA;
        self.prefilter_lowercase = true;
        self.prefilter = OnceLock::new();
        self
    }

    /// What the prefilter searches: `data` itself, or (for a rule set made
    /// [`RuleSet::for_redaction`]) its ASCII lower-cased copy, byte for byte
    /// at the same offsets.
    pub(crate) fn keyword_haystack<'a>(&self, data: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        if self.prefilter_lowercase && data.iter().any(u8::is_ascii_uppercase) {
            std::borrow::Cow::Owned(data.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(data)
        }
    }

    /// Builds the keyword prefilter now (it is otherwise built on first
    /// use): a caller that will redact or scan later can build it on an
    /// idle core while other work runs.
    pub fn warm(&self) {
        let _ = self.prefilter();
    }

    /// Builds now the keyword automaton that texts adding up to more than
    /// [`LONG_TEXT`] bytes are searched with (the DFA): a caller about to
    /// redact or scan a long text builds it on an idle core first.
    pub fn warm_for_long_text(&self) {
        if self.prefilter_kind == AhoCorasickKind::DFA {
            let _ = self.prefilter();
        } else {
            let _ = self
                .prefilter_long
                .get_or_init(|| self.build_prefilter(AhoCorasickKind::DFA));
        }
    }

    /// The keyword prefilter, built once (on the first call) for the rule
    /// set's lifetime; `None` when no rule has a keyword.
    pub(crate) fn prefilter(&self) -> Option<&AhoCorasick> {
        self.prefilter
            .get_or_init(|| self.build_prefilter(self.prefilter_kind))
            .as_ref()
    }

    /// How to find the keywords in a haystack of `len` bytes. The first
    /// [`SMALL_TEXT`] bytes a rule set searches (one small lockfile, a few
    /// short strings) are searched keyword by keyword, which costs less
    /// than building any automaton; up to [`LONG_TEXT`] bytes go through
    /// an NFA, cheap to build; past that (a long text, or many strings or
    /// files adding up) a DFA, built once, which scans many times faster
    /// per byte. All three find the same keywords at the same places.
    pub(crate) fn keyword_search(&self, len: usize) -> Option<KeywordSearch<'_>> {
        if self.words.is_empty() {
            return None;
        }
        let before = self
            .searched
            .fetch_add(len, std::sync::atomic::Ordering::Relaxed);
        let searched = before + len;
        let scanning = self.prefilter_kind == AhoCorasickKind::DFA;
        // the long-text DFA, once built (a caller warmed it), is the
        // cheapest search for any text
        let built_long = if scanning {
            self.prefilter.get()
        } else {
            self.prefilter_long.get()
        };
        if let Some(ac) = built_long {
            return ac.as_ref().map(KeywordSearch::Automaton);
        }
        if searched <= SMALL_TEXT && self.prefilter.get().is_none() {
            return Some(KeywordSearch::Each);
        }
        let ac = if searched < LONG_TEXT {
            if !scanning {
                self.prefilter()
            } else {
                self.prefilter_short
                    .get_or_init(|| self.build_prefilter(AhoCorasickKind::NoncontiguousNFA))
                    .as_ref()
            }
        } else if scanning {
            self.prefilter()
        } else {
            self.prefilter_long
                .get_or_init(|| self.build_prefilter(AhoCorasickKind::DFA))
                .as_ref()
        };
        ac.map(KeywordSearch::Automaton)
    }

    /// Calls `f` with every occurrence of every keyword in `hay` (what
    /// [`RuleSet::keyword_haystack`] made of the data), overlapping ones
    /// included, as (keyword, start, end), in the order an Aho-Corasick
    /// automaton's overlapping search reports them: by end, then the
    /// longer (earlier) first, then by keyword. Stops when `f` says so.
    pub(crate) fn for_each_keyword(
        &self,
        search: &KeywordSearch<'_>,
        hay: &[u8],
        mut f: impl FnMut(usize, usize, usize) -> std::ops::ControlFlow<()>,
    ) {
        match search {
            KeywordSearch::Automaton(ac) => {
                for m in ac.find_overlapping_iter(hay) {
                    if f(m.pattern().as_usize(), m.start(), m.end()).is_break() {
                        return;
                    }
                }
            }
            KeywordSearch::Each => {
                let lower;
                let hay: &[u8] = if self.prefilter_lowercase {
                    hay
                } else {
                    lower = hay.to_ascii_lowercase();
                    &lower
                };
                // a small haystack (at most SMALL_TEXT bytes): its matches
                // are few, collected and put in the automaton's order
                let mut found = Vec::new();
                for (p, w) in self.words.iter().enumerate() {
                    let w = w.to_ascii_lowercase();
                    let finder = memchr::memmem::Finder::new(w.as_bytes());
                    let mut at = 0;
                    while let Some(i) = hay.get(at..).and_then(|h| finder.find(h)) {
                        found.push((p, at + i, at + i + w.len()));
                        at += i + 1;
                    }
                }
                found.sort_unstable_by_key(|&(p, s, e)| (e, s, p));
                for (p, s, e) in found {
                    if f(p, s, e).is_break() {
                        return;
                    }
                }
            }
        }
    }

    fn build_prefilter(&self, kind: AhoCorasickKind) -> Option<AhoCorasick> {
        if self.words.is_empty() {
            return None;
        }
        let build = |kind| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(!self.prefilter_lowercase)
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(&self.words)
        };
        // past a DFA's size limit, the automatic choice (an NFA) still
        // finds every keyword
        match build(Some(kind)).or_else(|_| build(None)) {
            Ok(ac) => {
                tracing::trace!(
                    keywords = self.words.len(),
                    ?kind,
                    "secret keyword prefilter built"
                );
                Some(ac)
            }
            Err(e) => {
                tracing::error!(error = %e, "the secret keyword prefilter cannot be built");
                None
            }
        }
    }

    /// Whether the global allowlists skip this whole file.
    pub fn path_allowed(&self, path: &str) -> bool {
        self.global.iter().any(|a| a.allows_path(path))
    }

    /// The number of distinct keywords in the prefilter.
    pub fn keyword_count(&self) -> usize {
        self.keyword_rules.len()
    }
}

#[cfg(test)]
mod keyword_search_tests {
    use super::*;
    use proptest::prelude::*;

    /// The scanner's and the redactor's rule sets, with their NFAs.
    static SETS: std::sync::LazyLock<Vec<(RuleSet, AhoCorasick)>> =
        std::sync::LazyLock::new(|| {
            [
                crate::builtin::rule_set(),
                crate::builtin::rule_set().for_redaction(),
            ]
            .into_iter()
            .map(|set| {
                let ac = set
                    .build_prefilter(AhoCorasickKind::NoncontiguousNFA)
                    .expect("keywords");
                (set, ac)
            })
            .collect()
        });

    /// The keyword occurrences `search` reports, in order.
    fn occurrences(
        set: &RuleSet,
        search: &KeywordSearch<'_>,
        data: &[u8],
    ) -> Vec<(usize, usize, usize)> {
        let hay = set.keyword_haystack(data);
        let mut out = Vec::new();
        set.for_each_keyword(search, hay.as_ref(), |p, s, e| {
            out.push((p, s, e));
            std::ops::ControlFlow::Continue(())
        });
        out
    }

    /// Text made of the built-in keywords in any case, overlapping
    /// prefixes of them, and noise.
    fn text() -> impl Strategy<Value = String> {
        let words: Vec<String> = crate::builtin::rule_set().words.clone();
        let part = prop_oneof![
            proptest::sample::select(words.clone()),
            proptest::sample::select(words).prop_map(|w| w.to_ascii_uppercase()),
            "[a-zA-Z_=:\" -]{0,6}",
        ];
        proptest::collection::vec(part, 0..40).prop_map(|parts| parts.concat())
    }

    proptest! {
        /// Keyword by keyword, a small haystack gives the same occurrences
        /// in the same order as the automaton, for the scanner
        /// (case-insensitive automaton) and the redactor (lower-cased
        /// haystack).
        #[test]
        fn each_keyword_finds_what_the_automaton_finds(data in text()) {
            for (set, ac) in SETS.iter() {
                let by_automaton = occurrences(set, &KeywordSearch::Automaton(ac), data.as_bytes());
                let each = occurrences(set, &KeywordSearch::Each, data.as_bytes());
                prop_assert_eq!(each, by_automaton);
            }
        }
    }

    #[test]
    fn small_texts_are_searched_keyword_by_keyword_then_by_automaton() {
        let set = crate::builtin::rule_set();
        assert!(matches!(set.keyword_search(100), Some(KeywordSearch::Each)));
        assert!(matches!(
            set.keyword_search(SMALL_TEXT),
            Some(KeywordSearch::Automaton(_))
        ));
        assert!(
            set.prefilter_short.get().is_some(),
            "the NFA is built past SMALL_TEXT"
        );
    }

    #[test]
    fn a_warmed_long_text_automaton_serves_every_text() {
        let set = crate::builtin::rule_set().for_redaction();
        set.warm_for_long_text();
        let long = set.prefilter_long.get().and_then(Option::as_ref).unwrap();
        match set.keyword_search(10) {
            Some(KeywordSearch::Automaton(ac)) => assert!(std::ptr::eq(ac, long)),
            _ => panic!("a short text after warming is not searched by the DFA"),
        }
        assert!(set.prefilter_short.get().is_none());
        assert!(set.prefilter.get().is_none());
    }
}
