//! The errors of this crate: a gitleaks configuration that cannot be read
//! or parsed, a pattern that does not compile, a built-in rule's template
//! that is malformed. Each names the file, rule or template it is about.

use std::path::PathBuf;

/// A gitleaks configuration that cannot be used at all (a problem with one
/// rule is a [`ConfigProblem`](crate::ConfigProblem) instead, and the rest
/// of the configuration is used).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The configuration file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a regular file, or is not UTF-8.
    #[error("{0}")]
    File(sef_fs::ReadError),
    /// An `[extend] path` that leaves the repository.
    #[error("{file}: [extend] path: {why}")]
    Outside {
        /// The configuration whose `[extend] path` leaves.
        file: String,
        /// Why.
        why: sef_fs::ConfineError,
    },
    /// The file is too large to be a configuration.
    #[error("{}: larger than 16 MiB; is this a gitleaks configuration?", path.display())]
    TooLarge {
        /// The configuration file.
        path: PathBuf,
    },
    /// The text is not TOML of the gitleaks shape.
    #[error("{file}: {source}")]
    Toml {
        /// The configuration's name.
        file: String,
        /// The parser's message, with line and column.
        source: toml::de::Error,
    },
    /// `[extend] path` chains go deeper than three files.
    #[error("{file}: [extend] path nests more than three configurations deep")]
    TooDeep {
        /// The configuration whose `[extend] path` goes too deep.
        file: String,
    },
}

/// A regular expression that does not compile.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct PatternError {
    /// The regex crate's message, last line (the one saying what is wrong).
    pub message: String,
}

/// What is wrong with a built-in rule's token template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    /// A `{` without its `}`.
    #[error("unclosed placeholder")]
    Unclosed,
    /// A placeholder that is not `class:count`.
    #[error("placeholder `{0}` needs class:count")]
    NotClassCount(String),
    /// A character class that does not exist.
    #[error("unknown class `{0}`")]
    UnknownClass(String),
    /// A count that is neither `n` nor `min-max`.
    #[error("bad count `{0}`")]
    BadCount(String),
}

/// A malformed token template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template `{template}`: {problem}")]
pub struct TemplateError {
    /// The template.
    pub template: String,
    /// What is wrong with it.
    pub problem: TemplateProblem,
}

/// A built-in rule that cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// Its template is malformed.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Its regular expression does not compile.
    #[error("built-in rule {id}: {source}")]
    Regex {
        /// The rule's id.
        id: String,
        /// The regex crate's error.
        source: regex::Error,
    },
}
