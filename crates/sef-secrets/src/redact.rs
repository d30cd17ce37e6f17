//! Redacting text that is not a file: an inventory warning quoting a
//! requirement line, a parse error's excerpt, a commit subject, a SARIF
//! message. Every string sef persists or prints passes through
//! [`RuleSet::redact`], which runs the same rules as the scanner and
//! replaces each secret with its prefix and `[REDACTED]`.
//!
//! Most strings hold no keyword at all: the keyword automaton rejects them
//! in one pass before any regex runs.

use crate::RuleSet;
use std::sync::OnceLock;

/// What a secret is replaced with after its prefix.
pub const MARK: &str = "[REDACTED]";

impl RuleSet {
    /// Whether `text` may hold a secret: a rule keyword occurs in it, or
    /// some rule has no keyword and must always run.
    pub fn may_hold_secret(&self, text: &[u8]) -> bool {
        if !self.always.is_empty() {
            return true;
        }
        let Some(search) = self.keyword_search(text.len()) else {
            return false;
        };
        let hay = self.keyword_haystack(text);
        if let crate::rules::KeywordSearch::Automaton(ac) = search {
            return ac.is_match(hay.as_ref());
        }
        let mut found = false;
        self.for_each_keyword(&search, hay.as_ref(), |_, _, _| {
            found = true;
            std::ops::ControlFlow::Break(())
        });
        found
    }

    /// `text` with every secret the rules find (allowed inline or not)
    /// replaced by its first characters and [`MARK`]; `None` when there is
    /// none. The replacement holds no quote, angle bracket or backslash, so
    /// it is safe inside JSON, HTML, Markdown and CSV alike.
    pub fn redact(&self, text: &str) -> Option<String> {
        if !self.may_hold_secret(text.as_bytes()) {
            return None;
        }
        let mut spans: Vec<(usize, usize, String)> = self
            .scan_spans("", text.as_bytes(), None)
            .into_iter()
            .filter(|(_, (s, e))| e > s)
            .map(|(h, (s, e))| (s, e, h.secret.prefix))
            .collect();
        if spans.is_empty() {
            return None;
        }
        spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
        let mut out = String::with_capacity(text.len());
        let mut at = 0usize;
        for (s, e, prefix) in spans {
            if s < at {
                // overlapping secrets: the earlier one already covers it
                continue;
            }
            let (Some(before), Some(_)) = (text.get(at..s), text.get(s..e)) else {
                continue;
            };
            out.push_str(before);
            let safe: String = prefix
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '…'))
                .collect();
            out.push_str(&safe);
            out.push_str(MARK);
            at = e;
        }
        out.push_str(text.get(at..).unwrap_or(""));
        Some(out)
    }
}

/// The built-in rules, compiled once per process, for redaction where no
/// plan is at hand (command output).
pub fn builtin_redactor() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| crate::builtin::rule_set().for_redaction())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_free_text_are_replaced_and_the_rest_kept() {
        let set = builtin_redactor();
        let token = "ghp_Zq3xK9mP2vL8nR4tW6yB1cD5fH7jA0sE3gT9";
        let line = format!("pkg @ git+https://{token}@github.com/org/pkg.git");
        let red = set.redact(&line).expect("the token is found");
        assert!(!red.contains(token), "{red}");
        assert!(red.contains("[REDACTED]@github.com/org/pkg.git"), "{red}");
        assert_eq!(set.redact("plain text, nothing here"), None);
        let aws = "AKIAZ7Q4R2X5M8N3P6T1";
        let red = set
            .redact(&format!("title: found {aws} in config"))
            .unwrap();
        assert!(!red.contains(aws), "{red}");
    }
}
