//! Swift: `Package.resolved` (format versions 1, 2 and 3). Swift packages
//! are named by their repository URL (the OSV `SwiftURL` ecosystem), written
//! without scheme and `.git`, e.g. `github.com/apple/swift-nio`.

use super::json_locks::object;
use crate::text::JsonLines;
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, Ecosystem};
use serde::Deserialize;

/// The Package.resolved extractor.
pub struct SwiftResolved;

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    pins: Vec<Pin>,
    #[serde(default)]
    object: Option<V1>,
}

#[derive(Deserialize)]
struct V1 {
    #[serde(default)]
    pins: Vec<Pin>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pin {
    #[serde(default)]
    location: Option<String>,
    #[serde(default, rename = "repositoryURL")]
    repository_url: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    state: Option<State>,
}

#[derive(Deserialize)]
struct State {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    revision: Option<String>,
}

/// `https://github.com/apple/swift-nio.git` → `github.com/apple/swift-nio`.
fn canonical(url: &str) -> String {
    let u = url.trim();
    let u = u.split_once("://").map_or(u, |(_, rest)| rest);
    let u = u.rsplit_once('@').map_or(u, |(_, rest)| rest);
    u.replacen(
        ':',
        "/",
        usize::from(!u.contains('/') || u.find(':') < u.find('/')),
    )
    .trim_end_matches('/')
    .trim_end_matches(".git")
    .to_owned()
}

impl Extractor for SwiftResolved {
    fn id(&self) -> &'static str {
        "swift-package-resolved"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "Package.resolved"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let file: File = object(text, "Package.resolved")?;
        let urls: Vec<&str> = file
            .pins
            .iter()
            .chain(file.object.iter().flat_map(|o| o.pins.iter()))
            .filter_map(|p| p.location.as_deref().or(p.repository_url.as_deref()))
            .collect();
        let lines = JsonLines::for_strings(text, urls);
        let pins = if file.pins.is_empty() {
            file.object.map(|o| o.pins).unwrap_or_default()
        } else {
            file.pins
        };
        let mut out = Extracted::default();
        for p in pins {
            let Some(url) = p.location.as_ref().or(p.repository_url.as_ref()) else {
                out.warnings
                    .push((None, "a pin without a location; skipped".to_owned()));
                continue;
            };
            let state = p.state.as_ref();
            let version = state
                .and_then(|s| s.version.clone())
                .or_else(|| state.and_then(|s| s.revision.clone()));
            let mut c = Component::new(
                Ecosystem::SwiftURL,
                canonical(url),
                version,
                input.at(lines.line(url)),
            );
            c.first_party = p.kind.as_deref() == Some("localSourceControl")
                || p.kind.as_deref() == Some("fileSystem");
            c.checksum = state.and_then(|s| s.revision.clone());
            out.components.push(c);
        }
        let direct = super::manifest_roots::swift(input);
        super::manifest_roots::mark(
            &mut out.components,
            &direct,
            super::manifest_roots::swift_key,
        );
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_urls() {
        assert_eq!(
            canonical("https://github.com/apple/swift-nio.git"),
            "github.com/apple/swift-nio"
        );
        assert_eq!(
            canonical("git@github.com:apple/swift-nio.git"),
            "github.com/apple/swift-nio"
        );
        assert_eq!(
            canonical("https://github.com/apple/swift-nio"),
            "github.com/apple/swift-nio"
        );
    }
}
