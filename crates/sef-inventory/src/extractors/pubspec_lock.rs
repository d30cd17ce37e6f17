//! Dart and Flutter: `pubspec.lock`. `dependency: "direct ..."` marks the
//! direct ones (`direct dev` is a development dependency); `source: path`
//! packages are first-party; git packages carry their resolved commit.

use crate::yaml::{self, Y};
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};

/// The pubspec.lock extractor.
pub struct PubspecLock;

impl Extractor for PubspecLock {
    fn id(&self) -> &'static str {
        "pubspec-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "pubspec.lock"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let doc = yaml::parse_mapping(text, "pubspec.lock")?;
        let mut out = Extracted::default();
        for (name, p) in doc.get("packages").map(Y::entries).unwrap_or_default() {
            let Some(version) = p.get("version").and_then(Y::str) else {
                out.warnings.push((
                    Some(p.line),
                    format!("package `{name}` has no version; skipped"),
                ));
                continue;
            };
            let source = p.get("source").and_then(Y::str).unwrap_or("");
            let dependency = p.get("dependency").and_then(Y::str).unwrap_or("");
            let desc = p.get("description");
            // An SDK package (flutter, flutter_test, sky_engine, ...) has
            // the placeholder version 0.0.0: its real version is the SDK's.
            let sdk = (source == "sdk").then(|| desc.and_then(Y::str).unwrap_or("dart"));
            let mut c = Component::new(
                Ecosystem::Pub,
                name.clone(),
                sdk.is_none().then(|| version.to_owned()),
                input.at(Some(p.line)),
            );
            if let Some(sdk) = sdk {
                c.purl = crate::purl::sdk_purl(sdk, name);
            }
            c.first_party = source == "path";
            c.direct = Some(dependency.starts_with("direct"));
            c.scope = if dependency == "direct dev" {
                DependencyScope::Development
            } else if dependency.is_empty() {
                DependencyScope::Unknown
            } else {
                DependencyScope::Runtime
            };
            c.checksum = desc
                .and_then(|d| d.get("sha256"))
                .and_then(Y::str)
                .map(str::to_owned);
            if source == "git"
                && let Some(url) = desc.and_then(|d| d.get("url")).and_then(Y::str)
            {
                // The purl's version is the commit: the version field is
                // the package's own, which the registry release of the
                // same name also carries.
                let commit = desc.and_then(|d| d.get("resolved-ref")).and_then(Y::str);
                let vcs = match commit {
                    Some(r) => format!("git+{url}@{r}"),
                    None => format!("git+{url}"),
                };
                c.purl = crate::purl::purl_with_vcs(
                    Ecosystem::Pub,
                    name,
                    Some(commit.unwrap_or(version)),
                    Some(&vcs),
                );
            }
            out.components.push(c);
        }
        Ok(out)
    }
}
