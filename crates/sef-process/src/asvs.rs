//! OWASP ASVS 5.0: the requirement ids sef's catalog cites, and a reader
//! for the official ASVS JSON that a user supplies.
//!
//! sef does not ship the ASVS text. It knows the shape of version 5.0.0
//! (each section and how many requirements it holds) so that catalog
//! references can be checked offline, and it reads the official export
//! (`OWASP_Application_Security_Verification_Standard_5.0.0_en.json`, or
//! its `.flat.json` sibling) when a user passes it, to show the standard's
//! own wording and levels beside sef's catalog.

use crate::Tier;
use crate::catalog::Category;
use serde::{Deserialize, Serialize};

/// Sections of ASVS 5.0.0 and the number of requirements in each.
#[rustfmt::skip]
pub const SECTIONS_5_0: &[(&str, u8)] = &[
    ("V1.1", 2), ("V1.2", 10), ("V1.3", 12), ("V1.4", 3), ("V1.5", 3),
    ("V2.1", 3), ("V2.2", 3), ("V2.3", 5), ("V2.4", 2),
    ("V3.1", 1), ("V3.2", 3), ("V3.3", 5), ("V3.4", 8), ("V3.5", 8), ("V3.6", 1), ("V3.7", 5),
    ("V4.1", 5), ("V4.2", 5), ("V4.3", 2), ("V4.4", 4),
    ("V5.1", 1), ("V5.2", 6), ("V5.3", 3), ("V5.4", 3),
    ("V6.1", 3), ("V6.2", 12), ("V6.3", 8), ("V6.4", 6), ("V6.5", 8), ("V6.6", 4), ("V6.7", 2), ("V6.8", 4),
    ("V7.1", 3), ("V7.2", 4), ("V7.3", 2), ("V7.4", 5), ("V7.5", 3), ("V7.6", 2),
    ("V8.1", 4), ("V8.2", 4), ("V8.3", 3), ("V8.4", 2),
    ("V9.1", 3), ("V9.2", 4),
    ("V10.1", 2), ("V10.2", 3), ("V10.3", 5), ("V10.4", 16), ("V10.5", 5), ("V10.6", 2), ("V10.7", 3),
    ("V11.1", 4), ("V11.2", 5), ("V11.3", 5), ("V11.4", 4), ("V11.5", 2), ("V11.6", 2), ("V11.7", 2),
    ("V12.1", 5), ("V12.2", 2), ("V12.3", 5),
    ("V13.1", 4), ("V13.2", 6), ("V13.3", 4), ("V13.4", 7),
    ("V14.1", 2), ("V14.2", 8), ("V14.3", 3),
    ("V15.1", 5), ("V15.2", 5), ("V15.3", 7), ("V15.4", 4),
    ("V16.1", 1), ("V16.2", 5), ("V16.3", 4), ("V16.4", 3), ("V16.5", 4),
    ("V17.1", 2), ("V17.2", 8), ("V17.3", 2),
];

/// Whether `id` (e.g. `V6.3.1`) names a requirement of ASVS 5.0.0.
pub fn is_asvs5_id(id: &str) -> bool {
    let Some((section, item)) = id.rsplit_once('.') else {
        return false;
    };
    let Ok(n) = item.parse::<u8>() else {
        return false;
    };
    if item.starts_with('0') {
        return false;
    }
    SECTIONS_5_0
        .iter()
        .any(|(s, count)| *s == section && n >= 1 && n <= *count)
}

/// The SEF category an ASVS 5.0 requirement falls in, by its chapter (and,
/// for chapter 16, its section: 16.5 is error handling).
pub fn category_of(id: &str) -> Option<Category> {
    let rest = id.strip_prefix('V')?;
    let mut parts = rest.split('.');
    let chapter: u8 = parts.next()?.parse().ok()?;
    let section: u8 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    Some(match chapter {
        1 | 2 | 4 | 5 => Category::InputValidation,
        3 | 13 | 15 => Category::ConfigurationManagement,
        6 | 8 | 10 => Category::AuthenticationAuthorization,
        7 | 9 => Category::SessionManagement,
        11 => Category::CryptographyIntegrity,
        12 | 17 => Category::DataInMotion,
        14 => Category::DataAtRest,
        16 if section == 5 => Category::ExceptionManagement,
        16 => Category::AuditingLogging,
        _ => return None,
    })
}

/// The ASVS level that matches a PTI tier: tiers 1 and 2 → L1, 3 → L2,
/// 4 → L3.
pub fn level_for_tier(tier: Tier) -> u8 {
    match tier.number() {
        1 | 2 => 1,
        3 => 2,
        _ => 3,
    }
}

/// One ASVS requirement as the official export states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsvsRequirement {
    /// `V6.3.1`.
    pub id: String,
    /// The chapter's name.
    pub chapter: String,
    /// The section's name.
    pub section: String,
    /// The requirement text.
    pub description: String,
    /// The lowest level it applies to, 1 to 3.
    pub level: u8,
}

/// The standard as read from the official export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standard {
    /// The version the file states, e.g. `5.0.0`.
    pub version: String,
    /// Every requirement.
    pub requirements: Vec<AsvsRequirement>,
}

impl Standard {
    /// Looks a requirement up by id.
    pub fn get(&self, id: &str) -> Option<&AsvsRequirement> {
        self.requirements.iter().find(|r| r.id == id)
    }
}

/// Why an ASVS file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AsvsError {
    /// Not JSON, or not the shape of an ASVS export.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json reported.
        message: String,
    },
    /// JSON, but not an ASVS export.
    #[error("{0}")]
    Shape(String),
}

#[derive(Deserialize)]
struct Nested {
    #[serde(rename = "Version", default)]
    version: Option<String>,
    #[serde(rename = "Requirements")]
    requirements: Vec<NestedChapter>,
}

#[derive(Deserialize)]
struct NestedChapter {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Items", default)]
    items: Vec<NestedSection>,
}

#[derive(Deserialize)]
struct NestedSection {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Items", default)]
    items: Vec<NestedItem>,
}

#[derive(Deserialize)]
struct NestedItem {
    #[serde(rename = "Shortcode")]
    shortcode: String,
    #[serde(rename = "Description", default)]
    description: String,
    #[serde(rename = "L", default)]
    level: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Flat {
    requirements: Vec<FlatItem>,
}

#[derive(Deserialize)]
struct FlatItem {
    req_id: String,
    #[serde(default)]
    req_description: String,
    #[serde(default)]
    chapter_name: String,
    #[serde(default)]
    section_name: String,
    #[serde(rename = "L", default)]
    level: Option<serde_json::Value>,
}

fn level_of(id: &str, v: Option<&serde_json::Value>) -> Result<u8, AsvsError> {
    let n = match v {
        Some(serde_json::Value::String(s)) => s.trim().parse::<u8>().ok(),
        Some(serde_json::Value::Number(n)) => n.as_u64().and_then(|n| u8::try_from(n).ok()),
        _ => None,
    };
    match n {
        Some(l @ 1..=3) => Ok(l),
        _ => Err(AsvsError::Shape(format!(
            "requirement {id} has no level \"L\" of 1, 2 or 3"
        ))),
    }
}

/// Reads the official ASVS JSON export (nested or flat).
pub fn parse(text: &str) -> Result<Standard, AsvsError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| AsvsError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let shape = |e: serde_json::Error| {
        AsvsError::Shape(format!(
            "this is JSON but not an ASVS export ({e}); pass the official OWASP_Application_Security_Verification_Standard_5.0.0_en.json or .flat.json"
        ))
    };
    let mut requirements = Vec::new();
    let version;
    if value.get("Requirements").is_some() {
        let nested: Nested = serde_json::from_value(value).map_err(shape)?;
        version = nested.version.unwrap_or_default();
        for chapter in nested.requirements {
            for section in chapter.items {
                for item in section.items {
                    let level = level_of(&item.shortcode, item.level.as_ref())?;
                    requirements.push(AsvsRequirement {
                        id: item.shortcode,
                        chapter: chapter.name.clone(),
                        section: section.name.clone(),
                        description: item.description,
                        level,
                    });
                }
            }
        }
    } else if value.get("requirements").is_some() {
        let flat: Flat = serde_json::from_value(value).map_err(shape)?;
        version = String::new();
        for item in flat.requirements {
            let level = level_of(&item.req_id, item.level.as_ref())?;
            requirements.push(AsvsRequirement {
                id: item.req_id,
                chapter: item.chapter_name,
                section: item.section_name,
                description: item.req_description,
                level,
            });
        }
    } else {
        return Err(AsvsError::Shape(
            "no \"Requirements\" or \"requirements\" list: this is not an ASVS export".into(),
        ));
    }
    if requirements.is_empty() {
        return Err(AsvsError::Shape("the file lists no requirements".into()));
    }
    for r in &requirements {
        if !r.id.starts_with('V') || r.id.len() > 16 {
            return Err(AsvsError::Shape(format!(
                "requirement id {:?} is not an ASVS id such as V6.3.1",
                r.id
            )));
        }
    }
    Ok(Standard {
        version,
        requirements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asvs5_has_345_requirements() {
        let total: u32 = SECTIONS_5_0.iter().map(|(_, n)| u32::from(*n)).sum();
        assert_eq!(total, 345);
    }

    #[test]
    fn ids_are_checked_against_the_sections() {
        assert!(is_asvs5_id("V1.1.1"));
        assert!(is_asvs5_id("V10.4.16"));
        assert!(is_asvs5_id("V17.3.2"));
        assert!(!is_asvs5_id("V10.4.17"));
        assert!(!is_asvs5_id("V1.1.0"));
        assert!(!is_asvs5_id("V1.1.01"));
        assert!(!is_asvs5_id("V18.1.1"));
        assert!(!is_asvs5_id("1.1.1"));
        assert!(!is_asvs5_id("V2.1"));
        assert!(!is_asvs5_id(""));
    }

    #[test]
    fn every_section_maps_to_a_category() {
        for (s, _) in SECTIONS_5_0 {
            assert!(category_of(&format!("{s}.1")).is_some(), "{s}");
        }
        assert_eq!(category_of("V16.5.1"), Some(Category::ExceptionManagement));
        assert_eq!(category_of("V16.3.1"), Some(Category::AuditingLogging));
        assert_eq!(category_of("X1"), None);
    }

    #[test]
    fn reads_nested_and_flat_exports() {
        let nested = r#"{"Version":"5.0.0","Requirements":[{"Shortcode":"V6","Name":"Authentication","Items":[
            {"Shortcode":"V6.2","Name":"Password Security","Items":[
              {"Shortcode":"V6.2.1","Ordinal":1,"Description":"Passwords long enough.","L":"1"}]}]}]}"#;
        let s = parse(nested).unwrap();
        assert_eq!(s.version, "5.0.0");
        assert_eq!(s.requirements.len(), 1);
        assert_eq!(s.get("V6.2.1").unwrap().level, 1);
        assert_eq!(s.requirements[0].section, "Password Security");
        let flat = r#"{"requirements":[{"chapter_id":"V6","chapter_name":"Authentication","section_id":"V6.2",
            "section_name":"Password Security","req_id":"V6.2.1","req_description":"x","L":"2"}]}"#;
        let s = parse(flat).unwrap();
        assert_eq!(s.requirements[0].level, 2);
    }

    #[test]
    fn bad_files_are_errors_not_panics() {
        assert!(matches!(parse("{"), Err(AsvsError::Json { line: 1, .. })));
        assert!(matches!(parse("[]"), Err(AsvsError::Shape(_))));
        assert!(matches!(
            parse(r#"{"requirements":[]}"#),
            Err(AsvsError::Shape(_))
        ));
        assert!(matches!(
            parse(r#"{"requirements":[{"req_id":"V1.1.1","L":"9"}]}"#),
            Err(AsvsError::Shape(_))
        ));
        assert!(matches!(
            parse(r#"{"Requirements":"nope"}"#),
            Err(AsvsError::Shape(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_json_like_text(s in r#"[\{\}\[\]":,A-Za-z0-9 ]{0,120}"#) {
            let _ = parse(&s);
        }
    }
}
