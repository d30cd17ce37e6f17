//! Hard-coded secret detection (CWE-798). A [`RuleSet`] holds rules (sef's
//! built-in catalog, a gitleaks TOML configuration, or both) with their
//! allowlists, and a keyword prefilter: one Aho-Corasick automaton over all
//! rules' keywords runs over the bytes first, and only the rules whose
//! keywords occur run their regular expression, only near the keyword.
//! Every regular expression is the `regex` crate's, so matching is linear
//! in the input: no pattern can make the scan hang.
//!
//! A secret never leaves this crate: a [`Hit`] carries a short prefix, the
//! length and a SHA-256 of the secret ([`Redacted`]), never the secret.
//!
//! This crate reads nothing but configuration files: callers hand it bytes
//! and a path.

pub mod builtin;
pub mod digest;
mod error;
pub mod gitleaks;
mod needs;
mod redact;
mod rules;
mod scan;
pub mod template;

pub use error::{ConfigError, PatternError, RuleError, TemplateError, TemplateProblem};
pub use redact::{MARK, builtin_redactor};
pub use rules::{Allowlist, ConfigProblem, Rule, RuleSet, Target};
pub use scan::{Hit, Redacted, entropy, is_binary};

/// The CWE of every secret finding: use of hard-coded credentials.
pub const CWE: u32 = 798;
