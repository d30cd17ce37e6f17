//! Loading a gitleaks TOML configuration (v8 format): `[[rules]]` with
//! `id`, `description`, `regex`, `secretGroup`, `entropy`, `keywords`,
//! `path`, `tags` and allowlists; the global `[allowlist]` /
//! `[[allowlists]]` with `regexes`, `regexTarget`, `paths`, `stopwords`,
//! `commits` and `condition`; `[extend]` with `useDefault` (sef's built-in
//! catalog stands in for gitleaks' own default), `path` and
//! `disabledRules`.
//!
//! Regexes are Go RE2 syntax; they compile with the `regex` crate in ASCII
//! mode, which is how Go treats `\w`, `\d`, `\s` and `\b`. A rule whose
//! regex does not compile, and any key sef does not use, is reported as a
//! [`ConfigProblem`] with its line; the other rules still run.

use crate::builtin;
use crate::rules::{Allowlist, ConfigProblem, Rule, RuleSet, Target};
use crate::{ConfigError, PatternError};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize, Default)]
struct RawConfig {
    #[serde(default)]
    extend: Option<RawExtend>,
    #[serde(default)]
    allowlist: Option<Spanned<RawAllowlist>>,
    #[serde(default)]
    allowlists: Vec<Spanned<RawAllowlist>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize, Default)]
struct RawExtend {
    #[serde(default, rename = "useDefault")]
    use_default: Option<bool>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default, rename = "disabledRules")]
    disabled_rules: Vec<String>,
}

#[derive(Deserialize)]
struct RawRule {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<Spanned<String>>,
    #[serde(default, rename = "secretGroup")]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<Spanned<String>>,
    #[serde(default)]
    allowlist: Option<Spanned<RawAllowlist>>,
    #[serde(default)]
    allowlists: Vec<Spanned<RawAllowlist>>,
}

#[derive(Deserialize, Default)]
struct RawAllowlist {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default, rename = "regexTarget")]
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<Spanned<String>>,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
}

const TOP_KEYS: &[&str] = &[
    "title",
    "minVersion",
    "description",
    "extend",
    "allowlist",
    "allowlists",
    "rules",
];
const EXTEND_KEYS: &[&str] = &["useDefault", "path", "disabledRules"];
const RULE_KEYS: &[&str] = &[
    "id",
    "description",
    "regex",
    "secretGroup",
    "entropy",
    "keywords",
    "path",
    "tags",
    "allowlist",
    "allowlists",
];
const ALLOWLIST_KEYS: &[&str] = &[
    "description",
    "condition",
    "regexTarget",
    "regexes",
    "paths",
    "stopwords",
    "commits",
];

/// A loaded configuration.
#[derive(Debug)]
pub struct Loaded {
    /// The rules and allowlists, ready to scan.
    pub set: RuleSet,
    /// Rules read from the file(s) (before `useDefault` adds sef's own).
    pub config_rules: usize,
}

struct Ctx<'a> {
    text: &'a str,
    file: String,
    problems: Vec<ConfigProblem>,
}

impl Ctx<'_> {
    fn line(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut offset = offset.min(bytes.len());
        while offset < bytes.len() && bytes[offset].is_ascii_whitespace() {
            offset += 1;
        }
        bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1
    }

    fn problem(&mut self, rule: Option<&str>, offset: Option<usize>, message: String) {
        let line = offset.map(|o| self.line(o));
        self.problems.push(ConfigProblem {
            rule: rule.map(str::to_owned),
            line,
            message: format!("{}: {message}", self.file),
        });
    }

    fn regex(&mut self, rule: Option<&str>, what: &str, s: &Spanned<String>) -> Option<Regex> {
        match compile(s.get_ref()) {
            Ok(r) => Some(r),
            Err(e) => {
                self.problem(
                    rule,
                    Some(s.span().start),
                    format!("{what} does not compile, so it is not used: {e}"),
                );
                None
            }
        }
    }

    fn allowlist(&mut self, rule: Option<&str>, a: Spanned<RawAllowlist>) -> Allowlist {
        let at = a.span().start;
        let a = a.into_inner();
        let all = match a
            .condition
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            None | Some("OR") => false,
            Some("AND") => true,
            Some(other) => {
                self.problem(
                    rule,
                    Some(at),
                    format!("allowlist condition `{other}` is neither OR nor AND; OR is used"),
                );
                false
            }
        };
        let target = match a.regex_target.as_deref() {
            None | Some("secret") => Target::Secret,
            Some("match") => Target::Match,
            Some("line") => Target::Line,
            Some(other) => {
                self.problem(
                    rule,
                    Some(at),
                    format!("regexTarget `{other}` is not secret, match or line; secret is used"),
                );
                Target::Secret
            }
        };
        let regexes = a
            .regexes
            .iter()
            .filter_map(|r| self.regex(rule, "an allowlist regex", r))
            .collect();
        let paths = a
            .paths
            .iter()
            .filter_map(|r| self.regex(rule, "an allowlist path", r))
            .collect();
        Allowlist {
            description: a.description.unwrap_or_default(),
            all,
            target,
            regexes,
            paths,
            stopwords: a.stopwords.iter().map(|w| w.to_ascii_lowercase()).collect(),
            commits: a.commits,
        }
    }
}

/// Go RE2 reads a `{` that does not start a repetition (`{2}`, `{2,}`,
/// `{2,5}`) as a literal; the `regex` crate rejects it. Escape those.
pub fn go_braces(pattern: &str) -> String {
    let b = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && i + 1 < b.len() {
            // Copy the escape and the (possibly multi-byte) character.
            let ch_len = pattern[i + 1..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&pattern[i..i + 1 + ch_len]);
            i += 1 + ch_len;
            continue;
        }
        match c {
            b'[' if !in_class => {
                in_class = true;
                out.push('[');
                // A `]` (after an optional `^`) right at the start is literal.
                if b.get(i + 1) == Some(&b'^') {
                    out.push('^');
                    i += 1;
                }
                if b.get(i + 1) == Some(&b']') {
                    out.push_str("\\]");
                    i += 1;
                }
            }
            b']' if in_class => {
                in_class = false;
                out.push(']');
            }
            b'{' if !in_class => {
                let rest = &pattern[i + 1..];
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                let after = &rest[digits..];
                let valid = digits > 0
                    && (after.starts_with('}')
                        || after.strip_prefix(',').is_some_and(|a| {
                            let d2 = a.bytes().take_while(u8::is_ascii_digit).count();
                            a[d2..].starts_with('}')
                        }));
                out.push_str(if valid { "{" } else { "\\{" });
            }
            b'}' if !in_class => {
                // A `}` closing a repetition was copied with it below; any
                // other is literal.
                out.push('}');
            }
            _ => {
                let ch_len = pattern[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&pattern[i..i + ch_len]);
                i += ch_len;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Compiles a Go RE2 pattern: ASCII classes first (Go's meaning), Unicode
/// when the pattern needs it.
pub fn compile(pattern: &str) -> Result<Regex, PatternError> {
    let pattern = &go_braces(pattern);
    let build = |unicode: bool| {
        RegexBuilder::new(pattern)
            .unicode(unicode)
            .size_limit(64 * 1024 * 1024)
            .dfa_size_limit(16 * 1024 * 1024)
            .build()
    };
    match build(false) {
        Ok(r) => Ok(r),
        Err(_) => build(true).map_err(|e| PatternError {
            message: e.to_string().lines().last().unwrap_or("").trim().to_owned(),
        }),
    }
}

fn unknown_keys(ctx: &mut Ctx<'_>, table: &toml::Table) {
    for k in table.keys() {
        if !TOP_KEYS.contains(&k.as_str()) {
            ctx.problem(
                None,
                None,
                format!("top-level key `{k}` is not supported and is ignored"),
            );
        }
    }
    if let Some(toml::Value::Table(e)) = table.get("extend") {
        for k in e.keys().filter(|k| !EXTEND_KEYS.contains(&k.as_str())) {
            ctx.problem(
                None,
                None,
                format!("`extend.{k}` is not supported and is ignored"),
            );
        }
    }
    let mut lists: Vec<(Option<String>, &toml::Table)> = Vec::new();
    if let Some(toml::Value::Table(a)) = table.get("allowlist") {
        lists.push((None, a));
    }
    if let Some(toml::Value::Array(a)) = table.get("allowlists") {
        lists.extend(a.iter().filter_map(|v| v.as_table()).map(|t| (None, t)));
    }
    if let Some(toml::Value::Array(rules)) = table.get("rules") {
        for r in rules.iter().filter_map(|v| v.as_table()) {
            let id = r
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or("?")
                .to_owned();
            for k in r.keys().filter(|k| !RULE_KEYS.contains(&k.as_str())) {
                let what = if k == "required" || k == "skipReport" {
                    "composite rules (`[[rules.required]]`, `skipReport`) are not supported; the rule runs on its own"
                } else {
                    "is not supported and is ignored"
                };
                ctx.problem(Some(&id), None, format!("key `{k}`: {what}"));
            }
            if let Some(toml::Value::Table(a)) = r.get("allowlist") {
                lists.push((Some(id.clone()), a));
            }
            if let Some(toml::Value::Array(a)) = r.get("allowlists") {
                lists.extend(
                    a.iter()
                        .filter_map(|v| v.as_table())
                        .map(|t| (Some(id.clone()), t)),
                );
            }
        }
    }
    for (rule, a) in lists {
        for k in a.keys().filter(|k| !ALLOWLIST_KEYS.contains(&k.as_str())) {
            let what = if k == "targetRules" {
                "`targetRules` is not supported: the allowlist applies to every rule"
            } else {
                "is not supported and is ignored"
            };
            ctx.problem(
                rule.as_deref(),
                None,
                format!("allowlist key `{k}`: {what}"),
            );
        }
    }
}

/// Parses configuration text. `file` names it in problems; `base` is the
/// directory `[extend] path` is relative to.
pub fn parse(text: &str, file: &str, base: Option<&Path>) -> Result<Loaded, ConfigError> {
    parse_depth(text, file, base, None, 0)
}

fn parse_depth(
    text: &str,
    file: &str,
    base: Option<&Path>,
    within: Option<&Path>,
    depth: usize,
) -> Result<Loaded, ConfigError> {
    let toml_err = |source| ConfigError::Toml {
        file: file.to_owned(),
        source,
    };
    let table: toml::Table = toml::from_str(text).map_err(toml_err)?;
    let raw: RawConfig = toml::from_str(text).map_err(toml_err)?;
    let mut ctx = Ctx {
        text,
        file: file.to_owned(),
        problems: Vec::new(),
    };
    unknown_keys(&mut ctx, &table);
    let mut rules: Vec<Rule> = Vec::new();
    let mut global = Vec::new();
    let mut config_rules = 0;
    for r in raw.rules {
        let at = r.span().start;
        let r = r.into_inner();
        config_rules += 1;
        let id = r.id.clone();
        let regex = match &r.regex {
            Some(re) => match ctx.regex(Some(&id), "the rule's regex", re) {
                Some(c) => Some(crate::rules::LazyRegex::ready(c)),
                None => continue,
            },
            None => None,
        };
        let path = match &r.path {
            Some(p) => match ctx.regex(Some(&id), "the rule's path", p) {
                Some(c) => Some(c),
                None => continue,
            },
            None => None,
        };
        if regex.is_none() && path.is_none() {
            ctx.problem(
                Some(&id),
                Some(at),
                "the rule has neither regex nor path; it is skipped".into(),
            );
            continue;
        }
        let mut allowlists = Vec::new();
        for a in r.allowlist.into_iter().chain(r.allowlists) {
            allowlists.push(ctx.allowlist(Some(&id), a));
        }
        let source = r.regex.as_ref().map_or("", |s| s.get_ref().as_str());
        let multiline =
            source.contains("BEGIN") || source.contains(r"[\s\S") || source.contains("(?s");
        rules.push(Rule {
            description: r.description.unwrap_or_else(|| id.clone()),
            id,
            regex,
            secret_group: r.secret_group.unwrap_or(0),
            entropy: r.entropy,
            keywords: r.keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
            path,
            allowlists,
            multiline,
            source: file.to_owned(),
        });
    }
    for a in raw.allowlist.into_iter().chain(raw.allowlists) {
        global.push(ctx.allowlist(None, a));
    }
    let mut problems = std::mem::take(&mut ctx.problems);
    if let Some(ext) = raw.extend {
        let mut base_rules: Vec<Rule> = Vec::new();
        if ext.use_default == Some(true) {
            base_rules.extend(builtin::rules());
        }
        if let Some(p) = &ext.path {
            if depth >= 3 {
                return Err(ConfigError::TooDeep {
                    file: file.to_owned(),
                });
            }
            let full = match (within, base) {
                // repository content: the extended file stays in the repository
                (Some(root), Some(b)) => {
                    let full =
                        sef_fs::confine(b, p, false).map_err(|why| ConfigError::Outside {
                            file: file.to_owned(),
                            why,
                        })?;
                    sef_fs::confine(
                        root,
                        &full.strip_prefix(root).unwrap_or(&full).to_string_lossy(),
                        false,
                    )
                    .map_err(|why| ConfigError::Outside {
                        file: file.to_owned(),
                        why,
                    })?
                }
                _ => base.map_or_else(|| Path::new(p).to_path_buf(), |b| b.join(p)),
            };
            let text = read_bounded(&full)?;
            let inner = parse_depth(
                &text,
                &full.display().to_string(),
                full.parent(),
                within,
                depth + 1,
            )?;
            base_rules.extend(inner.set.rules);
            global.extend(inner.set.global);
            problems.extend(inner.set.problems);
        }
        base_rules
            .retain(|b| !rules.iter().any(|r| r.id == b.id) && !ext.disabled_rules.contains(&b.id));
        rules.retain(|r| !ext.disabled_rules.contains(&r.id));
        base_rules.extend(rules);
        rules = base_rules;
    }
    Ok(Loaded {
        set: RuleSet::new(rules, global, problems),
        config_rules,
    })
}

/// The largest gitleaks configuration sef reads.
const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a configuration file: a regular file (a FIFO or a device is
/// refused before it can hang or flood sef) of at most 16 MiB.
fn read_bounded(path: &Path) -> Result<String, ConfigError> {
    sef_fs::read_string(path, MAX_CONFIG_BYTES).map_err(|e| match e {
        sef_fs::ReadError::TooLarge { .. } => ConfigError::TooLarge {
            path: path.to_owned(),
        },
        other => ConfigError::File(other),
    })
}

/// Loads a configuration file. With `within`, the repository root, an
/// `[extend] path` must stay inside it (the configuration is repository
/// content); without, it is the user's own file and may point anywhere.
pub fn load(path: &Path, within: Option<&Path>) -> Result<Loaded, ConfigError> {
    let text = read_bounded(path)?;
    parse_depth(&text, &path.display().to_string(), path.parent(), within, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_literal_braces_are_escaped() {
        assert_eq!(go_braces(r"a{2}b{2,}c{2,5}"), r"a{2}b{2,}c{2,5}");
        assert_eq!(go_braces(r"^\$(?:\d+|{\d+})$"), r"^\$(?:\d+|\{\d+})$");
        assert_eq!(go_braces(r"{{[^}]+}}"), r"\{\{[^}]+}}");
        assert_eq!(go_braces(r"[^]]+]"), r"[^\]]+]");
        assert_eq!(go_braces(r"\{x}"), r"\{x}");
        for p in [
            r"^\${(?:[A-Z_]+|[a-z_]+)}$",
            r"['\x22]?\$?{{[^}]+}}['\x22]?",
            r"import[ \t]+{[ \t\w,]+}",
        ] {
            compile(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        }
    }
}
