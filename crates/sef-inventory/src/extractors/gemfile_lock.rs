//! Ruby: `Gemfile.lock` (and `gems.locked`).
//!
//! Gems come from the `GEM`, `GIT`, `PATH` and `PLUGIN SOURCE` sections'
//! `specs:`; a `PATH` gem is first-party, a `GIT` gem carries its revision
//! in the purl. `DEPENDENCIES` names the direct ones; `CHECKSUMS` (Bundler
//! 2.5+) gives checksums. A platform suffix (`1.13.3-x86_64-linux`) is not
//! part of the version.

use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, Ecosystem};
use std::collections::{BTreeMap, BTreeSet};

/// The Gemfile.lock extractor.
pub struct GemfileLock;

#[derive(Clone, Copy, PartialEq)]
enum Section {
    Gem,
    Git,
    Path,
    Dependencies,
    Checksums,
    Other,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `name (version)` → (name, version without platform).
fn spec(s: &str) -> Option<(String, String)> {
    let (name, rest) = s.trim().split_once(" (")?;
    let version = rest.strip_suffix(')')?;
    let version = version.split_whitespace().next()?;
    let version = version.split('-').next().unwrap_or(version);
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_owned(), version.to_owned()))
}

impl Extractor for GemfileLock {
    fn id(&self) -> &'static str {
        "gemfile-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "Gemfile.lock" || file_name == "gems.locked"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let mut out = Extracted::default();
        let mut section = Section::Other;
        let mut in_specs = false;
        let mut remote: Option<String> = None;
        let mut revision: Option<String> = None;
        let mut direct: BTreeSet<String> = BTreeSet::new();
        let mut checksums: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut current: Option<usize> = None;
        let mut saw_section = false;

        for (i, line) in text.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if line.trim().is_empty() {
                continue;
            }
            if indent(line) == 0 {
                saw_section = true;
                section = match line.trim() {
                    "GEM" | "PLUGIN SOURCE" => Section::Gem,
                    "GIT" => Section::Git,
                    "PATH" => Section::Path,
                    "DEPENDENCIES" => Section::Dependencies,
                    "CHECKSUMS" => Section::Checksums,
                    _ => Section::Other,
                };
                in_specs = false;
                remote = None;
                revision = None;
                current = None;
                continue;
            }
            let body = line.trim();
            match section {
                Section::Gem | Section::Git | Section::Path => match indent(line) {
                    2 => {
                        if body == "specs:" {
                            in_specs = true;
                        } else if let Some(r) = body.strip_prefix("remote: ") {
                            remote = Some(r.to_owned());
                        } else if let Some(r) = body.strip_prefix("revision: ") {
                            revision = Some(r.to_owned());
                        }
                    }
                    4 if in_specs => match spec(body) {
                        Some((name, version)) => {
                            let mut c = Component::new(
                                Ecosystem::RubyGems,
                                name.clone(),
                                Some(version.clone()),
                                input.at(Some(n)),
                            );
                            c.first_party = section == Section::Path;
                            if section == Section::Git {
                                let vcs = match (&remote, &revision) {
                                    (Some(r), Some(rev)) => Some(format!("git+{r}@{rev}")),
                                    (Some(r), None) => Some(format!("git+{r}")),
                                    _ => None,
                                };
                                c.purl = crate::purl::purl_with_vcs(
                                    Ecosystem::RubyGems,
                                    &name,
                                    Some(&version),
                                    vcs.as_deref(),
                                );
                            }
                            current = Some(out.components.len());
                            out.components.push(c);
                        }
                        None => {
                            current = None;
                            out.warnings.push((
                                Some(n),
                                format!("`{body}` is not `name (version)`; skipped"),
                            ));
                        }
                    },
                    6 => {
                        if let (Some(idx), Some(dep)) = (current, body.split_whitespace().next()) {
                            out.components[idx].depends_on.push(dep.to_owned());
                        }
                    }
                    _ => {}
                },
                Section::Dependencies => {
                    if let Some(name) = body.split([' ', '!']).next().filter(|s| !s.is_empty()) {
                        direct.insert(name.to_owned());
                    }
                }
                Section::Checksums => {
                    if let Some((lhs, sum)) = body.rsplit_once(") ")
                        && let Some((name, version)) = spec(&format!("{lhs})"))
                    {
                        checksums.insert((name, version), sum.to_owned());
                    }
                }
                Section::Other => {}
            }
        }
        if !saw_section && !text.trim().is_empty() {
            return Err(ExtractError::at(
                Some(1),
                "not a Gemfile.lock: no section header (GEM, GIT, PATH, DEPENDENCIES, ...)",
            ));
        }
        for c in &mut out.components {
            if !c.first_party {
                c.direct = Some(direct.contains(&c.name));
            }
            if let Some(v) = &c.version {
                c.checksum = checksums.get(&(c.name.clone(), v.clone())).cloned();
            }
        }
        // A spec's dependency names the gem the lock resolved (one version
        // per gem, possibly under several platform builds).
        super::link_by_name(&mut out.components, str::to_owned);
        Ok(out)
    }
}
