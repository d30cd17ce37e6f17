//! Models of other tools converted into sef's format: Threagile YAML
//! ([`threagile`]) and OWASP Threat Dragon v2 JSON ([`dragon`]). What the
//! source does not say (a Threat Dragon flow's authentication, an asset's
//! trust level) gets a cautious default, and every such guess is listed
//! in the notes so that the model's owner can correct it.

pub mod dragon;
pub mod threagile;

use crate::model::ModelFile;

/// A converted model and what the conversion could not carry over.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// The model.
    pub model: ModelFile,
    /// What was guessed or dropped.
    pub notes: Vec<String>,
}

/// An input that could not be converted.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

/// The formats that can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Threagile's YAML model.
    Threagile,
    /// OWASP Threat Dragon v2 JSON.
    ThreatDragon,
}

impl Format {
    /// Parses `threagile` or `threat-dragon`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "threagile" => Some(Format::Threagile),
            "threat-dragon" | "threatdragon" => Some(Format::ThreatDragon),
            _ => None,
        }
    }
}

/// Converts `text` of `format`.
pub fn convert(format: Format, text: &str) -> Result<Imported, ImportError> {
    match format {
        Format::Threagile => threagile::convert(text),
        Format::ThreatDragon => dragon::convert(text),
    }
}

/// A sef id from a name: lower-case letters, digits and `-`, unique among
/// `taken` (a suffix `-2`, `-3`, ... when needed).
pub(crate) fn slug(
    name: &str,
    fallback: &str,
    taken: &mut std::collections::HashSet<String>,
) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-');
    let mut base: String = s.chars().take(60).collect();
    if base.is_empty() {
        base = fallback.to_owned();
    }
    let mut id = base.clone();
    let mut n = 2;
    while !taken.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}
