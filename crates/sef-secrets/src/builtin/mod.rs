//! sef's built-in rule catalog, written for sef from the published token
//! formats of each service. Three kinds of rule:
//!
//! * **token**: a credential with a distinctive shape (a prefix and a
//!   length), matched anywhere with token boundaries;
//! * **assigned**: a credential with no distinctive shape, recognised by
//!   the name it is assigned to (`DATADOG_API_KEY = "…"`);
//! * **raw**: a hand-written pattern (private keys, JWTs, connection
//!   strings, generic assignments) with hand-written examples.
//!
//! Every rule has a positive and a negative example; the unit tests scan
//! both.

mod catalog;

use crate::rules::{Allowlist, Rule, RuleSet, Target};
use crate::template;
use crate::{RuleError, TemplateError};
use serde::Serialize;

/// How a built-in rule matches.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A token template (see [`crate::template`]).
    Token(&'static str),
    /// A value template, recognised by the keywords it is assigned to.
    Assigned(&'static str),
    /// A hand-written regex.
    Raw {
        /// The regex.
        regex: &'static str,
        /// The secret's capture group (0: first that matched).
        group: usize,
        /// A text the rule must find.
        positive: &'static str,
        /// A look-alike it must not find.
        negative: &'static str,
        /// The match spans lines.
        multiline: bool,
    },
}

/// One built-in rule as written in the catalog.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The rule id.
    pub id: &'static str,
    /// What it finds.
    pub description: &'static str,
    /// Prefilter keywords (for tokens, default: the literal prefix).
    pub keywords: &'static [&'static str],
    /// How it matches.
    pub kind: Kind,
    /// Minimum entropy of the secret.
    pub entropy: Option<f64>,
}

/// A built-in rule as `sef secrets rules` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    /// The rule id.
    pub id: String,
    /// What it finds.
    pub description: String,
    /// `token`, `assigned` or `raw`.
    pub kind: &'static str,
    /// The regex.
    pub regex: String,
    /// Prefilter keywords.
    pub keywords: Vec<String>,
    /// Minimum entropy.
    pub entropy: Option<f64>,
    /// A text the rule finds (a made-up credential).
    pub positive: String,
    /// A look-alike it does not find.
    pub negative: String,
}

const BOUNDARY_BEFORE: &str = r"(?:^|[^A-Za-z0-9_])";
const BOUNDARY_AFTER: &str = r"(?:[^A-Za-z0-9_]|$)";
const ASSIGN: &str = r#"[\w.\-]{0,30}["']?[ \t]{0,3}(?:=|:=|:|=>|,)[ \t]{0,3}["'`]?"#;
const ASSIGN_END: &str = r#"(?:["'`\s;,)]|$)"#;
/// Entropy floor of assigned values unless the catalog says otherwise.
const ASSIGNED_ENTROPY: f64 = 3.0;

/// Words that mark a value as a placeholder, not a credential
/// (`your-api-key-here`, `<example>`, `changeme`).
pub const PLACEHOLDER_WORDS: &[&str] = &[
    "your-",
    "your_",
    "yours",
    "-here",
    "_here",
    "example",
    "placeholder",
    "changeme",
    "change-me",
    "change_me",
    "dummy",
    "redacted",
    "xxxxxxxx",
    "sample",
    "insert-",
    "replace-",
    "replace_",
    "fake-",
    "fake_",
    "notreal",
    "not-a-real",
    "not_a_real",
];

/// A generic value that names what it is (`"id-PasswordBasedMac"`,
/// `"refresh_token"`) is an identifier, not a credential.
fn identifier_allowlist() -> Allowlist {
    Allowlist {
        description: "identifiers".into(),
        all: false,
        target: Target::Secret,
        regexes: Vec::new(),
        paths: Vec::new(),
        stopwords: [
            "password",
            "passwd",
            "passphrase",
            "token",
            "secret",
            "apikey",
            "api_key",
            "api-key",
            "pass%20",
            "p%40ss",
        ]
        .iter()
        .map(|w| (*w).to_owned())
        .collect(),
        commits: Vec::new(),
    }
}

fn placeholder_allowlist() -> Allowlist {
    Allowlist {
        description: "placeholders".into(),
        all: false,
        target: Target::Secret,
        regexes: Vec::new(),
        paths: Vec::new(),
        stopwords: PLACEHOLDER_WORDS.iter().map(|w| (*w).to_owned()).collect(),
        commits: Vec::new(),
    }
}

fn leading_literal(t: &str) -> String {
    t.split('{').next().unwrap_or("").to_ascii_lowercase()
}

impl Builtin {
    /// The regex source.
    pub fn regex(&self) -> Result<String, TemplateError> {
        Ok(match self.kind {
            Kind::Token(t) => format!(
                "(?m){BOUNDARY_BEFORE}({}){BOUNDARY_AFTER}",
                template::regex(t)?
            ),
            Kind::Assigned(t) => {
                let kws: Vec<String> = self.keywords.iter().map(|k| regex::escape(k)).collect();
                format!(
                    "(?m)(?i:{}){ASSIGN}({}){ASSIGN_END}",
                    kws.join("|"),
                    template::regex(t)?
                )
            }
            Kind::Raw { regex, .. } => regex.to_owned(),
        })
    }

    /// The prefilter keywords, lower-cased.
    pub fn keywords(&self) -> Vec<String> {
        match self.kind {
            Kind::Token(t) if self.keywords.is_empty() => {
                let lit = leading_literal(t);
                if lit.len() >= 3 {
                    vec![lit]
                } else {
                    Vec::new()
                }
            }
            _ => self
                .keywords
                .iter()
                .map(|k| k.to_ascii_lowercase())
                .collect(),
        }
    }

    /// The positive and negative examples.
    pub fn examples(&self) -> Result<(String, String), TemplateError> {
        Ok(match self.kind {
            Kind::Token(t) => {
                // Rules with their own keywords find the token near them.
                let lead = self
                    .keywords
                    .first()
                    .map_or_else(String::new, |k| format!("{k} "));
                (
                    format!("{lead}token = \"{}\"", template::example(t, self.id, 0)?),
                    format!("{lead}token = \"{}\"", template::example(t, self.id, 1)?),
                )
            }
            Kind::Assigned(t) => {
                let kw = self
                    .keywords
                    .first()
                    .copied()
                    .unwrap_or("key")
                    .to_ascii_uppercase();
                (
                    format!("{kw}_SECRET = \"{}\"", template::example(t, self.id, 0)?),
                    format!("{kw}_SECRET = \"{}\"", template::example(t, self.id, 1)?),
                )
            }
            Kind::Raw {
                positive, negative, ..
            } => (positive.to_owned(), negative.to_owned()),
        })
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Token(_) => "token",
            Kind::Assigned(_) => "assigned",
            Kind::Raw { .. } => "raw",
        }
    }

    /// Placeholders never count; generic and password rules also skip
    /// values that name what they are, and values in URLs to the
    /// documentation domains (example.com, .org, .net; RFC 2606).
    fn allowlists(&self) -> Vec<Allowlist> {
        let mut out = vec![placeholder_allowlist()];
        if self.id.starts_with("generic-") || self.id.contains("password") {
            out.push(identifier_allowlist());
        }
        if matches!(
            self.id,
            "url-password" | "jdbc-password" | "ado-connection-string-password"
        ) {
            out.push(Allowlist {
                description: "documentation domains".into(),
                all: false,
                target: Target::Match,
                // compiled once per process: every rule set that holds
                // these rules (the scanner's, the redactor's) shares it
                regexes: documentation_domains().into_iter().collect(),
                paths: Vec::new(),
                stopwords: Vec::new(),
                commits: Vec::new(),
            });
        }
        out
    }

    /// Compiles the rule's regex now: the catalog's test proves every
    /// built-in rule compiles, which [`Builtin::rule`] leaves to first use.
    pub fn check(&self) -> Result<(), RuleError> {
        crate::rules::LazyRegex::compile(&self.regex()?)
            .map(|_| ())
            .map_err(|source| RuleError::Regex {
                id: self.id.to_owned(),
                source,
            })
    }

    /// The rule, its regex compiled on first use.
    pub fn rule(&self) -> Result<Rule, RuleError> {
        let regex = crate::rules::LazyRegex::new(self.regex()?);
        let (group, multiline) = match self.kind {
            Kind::Raw {
                group, multiline, ..
            } => (group, multiline),
            _ => (1, false),
        };
        Ok(Rule {
            id: self.id.to_owned(),
            description: self.description.to_owned(),
            regex: Some(regex),
            secret_group: group,
            entropy: self.entropy.or(match self.kind {
                Kind::Assigned(_) => Some(ASSIGNED_ENTROPY),
                _ => None,
            }),
            keywords: self.keywords(),
            path: None,
            allowlists: self.allowlists(),
            multiline,
            source: "builtin".to_owned(),
        })
    }
}

/// The catalog.
pub fn catalog() -> &'static [Builtin] {
    &catalog::CATALOG
}

/// The built-in rules (each regex compiles on its first use).
pub fn rules() -> Vec<Rule> {
    catalog().iter().filter_map(|b| b.rule().ok()).collect()
}

/// The allowlist regex of documentation domains (`user@example.com`), built
/// on first use and shared (a `Regex` clone shares its compiled program).
fn documentation_domains() -> Option<regex::bytes::Regex> {
    static RE: std::sync::OnceLock<Option<regex::bytes::Regex>> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::bytes::Regex::new(r"(?i)(?:@|=)(?:[a-z0-9.\-]*\.)?example\.(?:com|org|net)\b").ok()
    })
    .clone()
}

/// The built-in rule set.
pub fn rule_set() -> RuleSet {
    RuleSet::new(rules(), Vec::new(), Vec::new())
}

/// Every built-in rule with its regex and examples.
pub fn describe() -> Vec<RuleInfo> {
    catalog()
        .iter()
        .map(|b| {
            let (positive, negative) = b.examples().unwrap_or_default();
            RuleInfo {
                id: b.id.to_owned(),
                description: b.description.to_owned(),
                kind: b.kind_name(),
                regex: b.regex().unwrap_or_default(),
                keywords: b.keywords(),
                entropy: b.entropy,
                positive,
                negative,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
