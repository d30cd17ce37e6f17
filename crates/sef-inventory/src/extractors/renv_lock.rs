//! R: `renv.lock`. CRAN and Bioconductor packages; GitHub/GitLab ones carry
//! their commit in the purl.

use super::json_locks::object;
use crate::text::JsonLines;
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, Ecosystem};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The renv.lock extractor.
pub struct RenvLock;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Lock {
    #[serde(default)]
    packages: BTreeMap<String, Package>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Package {
    package: Option<String>,
    version: Option<String>,
    source: Option<String>,
    repository: Option<String>,
    hash: Option<String>,
    remote_type: Option<String>,
    remote_host: Option<String>,
    remote_username: Option<String>,
    remote_repo: Option<String>,
    remote_sha: Option<String>,
    #[serde(default)]
    requirements: Vec<String>,
}

impl Extractor for RenvLock {
    fn id(&self) -> &'static str {
        "renv-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "renv.lock"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let lock: Lock = object(text, "renv.lock")?;
        let lines = JsonLines::for_strings(text, lock.packages.keys().map(String::as_str));
        let mut out = Vec::new();
        for (key, p) in &lock.packages {
            let name = p.package.clone().unwrap_or_else(|| key.clone());
            let bioc = p.source.as_deref() == Some("Bioconductor")
                || p.repository.as_deref() == Some("Bioconductor");
            let eco = if bioc {
                Ecosystem::Bioconductor
            } else {
                Ecosystem::Cran
            };
            let mut c = Component::new(
                eco,
                name.clone(),
                p.version.clone(),
                input.at(lines.line(key)),
            );
            c.first_party = p.source.as_deref() == Some("Local");
            c.checksum = p.hash.clone();
            c.depends_on = p.requirements.clone();
            if let (Some(user), Some(repo)) = (&p.remote_username, &p.remote_repo) {
                let host = match (p.remote_type.as_deref(), p.remote_host.as_deref()) {
                    (Some("gitlab"), h) => h.unwrap_or("gitlab.com").to_owned(),
                    (_, Some(h)) if h != "api.github.com" => h.to_owned(),
                    _ => "github.com".to_owned(),
                };
                let vcs = match &p.remote_sha {
                    Some(sha) => format!("git+https://{host}/{user}/{repo}@{sha}"),
                    None => format!("git+https://{host}/{user}/{repo}"),
                };
                c.purl = crate::purl::purl_with_vcs(eco, &name, p.version.as_deref(), Some(&vcs));
            }
            out.push(c);
        }
        Ok(out.into())
    }
}
