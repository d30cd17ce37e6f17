//! Java: Gradle dependency lockfiles (`gradle.lockfile`, and the older
//! per-configuration `gradle/dependency-locks/*.lockfile`). Each line is
//! `group:artifact:version=configuration,...`.

use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};

/// The gradle.lockfile extractor.
pub struct GradleLockfile;

fn is_dev_config(c: &str) -> bool {
    let c = c.to_ascii_lowercase();
    c.starts_with("test")
        || c.contains("developmentonly")
        || c.contains("annotationprocessor")
        || c.starts_with("kapt")
}

impl Extractor for GradleLockfile {
    fn id(&self) -> &'static str {
        "gradle-lockfile"
    }

    fn matches(&self, file_name: &str, path: &str) -> bool {
        file_name == "gradle.lockfile"
            || (file_name.ends_with(".lockfile") && path.contains("/dependency-locks/"))
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let mut out = Extracted::default();
        for (i, raw) in text.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let l = raw.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let (coords, configs) = l.split_once('=').unwrap_or((l, ""));
            if coords == "empty" {
                continue;
            }
            let parts: Vec<&str> = coords.split(':').collect();
            let [group, artifact, version] = parts.as_slice() else {
                out.warnings.push((
                    Some(n),
                    format!("`{l}` is not `group:artifact:version=configurations`; skipped"),
                ));
                continue;
            };
            if group.is_empty() || artifact.is_empty() || version.is_empty() {
                out.warnings
                    .push((Some(n), format!("`{l}` has an empty coordinate; skipped")));
                continue;
            }
            let mut c = Component::new(
                Ecosystem::Maven,
                format!("{group}:{artifact}"),
                Some((*version).to_owned()),
                input.at(Some(n)),
            );
            let configs: Vec<&str> = configs
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            c.scope = if configs.is_empty() {
                DependencyScope::Unknown
            } else if configs.iter().all(|c| is_dev_config(c)) {
                DependencyScope::Development
            } else {
                DependencyScope::Runtime
            };
            out.components.push(c);
        }
        let direct = super::manifest_roots::gradle(input);
        super::manifest_roots::mark(&mut out.components, &direct, str::to_owned);
        Ok(out)
    }
}
