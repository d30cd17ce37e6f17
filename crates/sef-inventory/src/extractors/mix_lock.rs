//! Elixir: `mix.lock`, a map of `"name": {:hex, :package, "version", ...}`
//! or `{:git, "url", "sha", ...}` entries, one per line.

use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, Ecosystem};

/// The mix.lock extractor.
pub struct MixLock;

/// The double-quoted strings of a line, in order (no escapes in mix.lock
/// names, versions or hashes).
fn strings(s: &str) -> Vec<&str> {
    s.split('"').skip(1).step_by(2).collect()
}

impl Extractor for MixLock {
    fn id(&self) -> &'static str {
        "mix-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "mix.lock"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(Extracted::default());
        }
        if !trimmed.starts_with("%{") {
            return Err(ExtractError::at(
                Some(1),
                "not a mix.lock: expected a map starting with `%{`",
            ));
        }
        let mut out = Extracted::default();
        let lines = text.lines().count();
        if !trimmed.ends_with('}') {
            out.incomplete.push((
                u32::try_from(lines).ok(),
                "the map never closes with `}`: the file is truncated, so entries after this line are missing".to_owned(),
            ));
        }
        for (i, raw) in text.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let l = raw.trim();
            if !l.starts_with('"') {
                continue;
            }
            // one entry per line, each closed on its line: a line cut off
            // mid-entry would give a wrong version
            if !(l.ends_with("},") || l.ends_with('}')) {
                let name = l.trim_start_matches('"').split('"').next().unwrap_or("");
                out.incomplete.push((
                    Some(n),
                    format!(
                        "entry `{name}` is cut off (the line does not end with `}}`); not read"
                    ),
                ));
                continue;
            }
            let Some((key, value)) = l.split_once("\": {") else {
                out.warnings.push((
                    Some(n),
                    "entry is not `\"name\": {...}`; skipped".to_owned(),
                ));
                continue;
            };
            let name = key.trim_start_matches('"');
            let s = strings(value);
            let (version, vcs) = if value.starts_with(":hex,") {
                match s.first() {
                    Some(v) => ((*v).to_owned(), None),
                    None => {
                        out.warnings.push((
                            Some(n),
                            format!("hex entry `{name}` has no version; skipped"),
                        ));
                        continue;
                    }
                }
            } else if value.starts_with(":git,") {
                match (s.first(), s.get(1)) {
                    (Some(url), Some(sha)) => ((*sha).to_owned(), Some(format!("git+{url}@{sha}"))),
                    _ => {
                        out.warnings.push((
                            Some(n),
                            format!("git entry `{name}` has no commit; skipped"),
                        ));
                        continue;
                    }
                }
            } else {
                out.warnings.push((
                    Some(n),
                    format!("entry `{name}` is neither :hex nor :git; skipped"),
                ));
                continue;
            };
            let mut c = Component::new(
                Ecosystem::Hex,
                name,
                Some(version.clone()),
                input.at(Some(n)),
            );
            if value.starts_with(":hex,") {
                c.checksum = s.get(1).map(|h| (*h).to_owned());
                // the entry's dependency list: `[{:dep, "~> 1.0", [...]}, ...]`
                if let Some(list) = value.find("[{:").map(|i| &value[i..]) {
                    c.depends_on = super::manifest_roots::tuple_atoms(list)
                        .into_iter()
                        .collect();
                }
            }
            if let Some(v) = vcs {
                c.purl = crate::purl::purl_with_vcs(Ecosystem::Hex, name, Some(&version), Some(&v));
            }
            out.components.push(c);
        }
        super::link_by_name(&mut out.components, str::to_owned);
        let direct = super::manifest_roots::mix(input);
        super::manifest_roots::mark(&mut out.components, &direct, str::to_owned);
        Ok(out)
    }
}
