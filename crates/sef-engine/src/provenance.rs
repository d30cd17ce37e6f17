//! SLSA provenance for a release artefact: an in-toto Statement (v1) whose
//! subject is the artefact's SHA-256 and whose predicate (SLSA provenance
//! v1) names the source commit and the builder. The caller signs it.

use crate::ProvenanceError;
use serde_json::{Value, json};
use sha2::Digest as _;
use std::io::Read;
use std::path::Path;

/// The in-toto Statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The SLSA provenance predicate type.
pub const PREDICATE_TYPE: &str = "https://slsa.dev/provenance/v1";
/// The build type sef records: the section of sef's own documentation
/// (docs/signing.md, "Build type") that defines what `externalParameters`
/// and `internalParameters` mean, in the repository sef is built from.
pub const BUILD_TYPE: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/blob/main/docs/signing.md#build-type"
);

/// The SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let (mut f, _) = sef_fs::open_regular(path, u64::MAX).map_err(|e| match e {
        sef_fs::ReadError::Io { source, .. } => source,
        other => std::io::Error::other(other.to_string()),
    })?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// The source the artefact was built from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The commit id.
    pub commit: String,
    /// The branch, when not detached.
    pub branch: Option<String>,
    /// The fetch URL of `origin`, when there is one.
    pub remote: Option<String>,
    /// Tracked files differ from the commit.
    pub dirty: bool,
}

/// Reads the source commit of the repository at `root`.
pub fn source(root: &Path) -> Result<Source, ProvenanceError> {
    let state = sef_git::state::read(root)?.ok_or_else(|| ProvenanceError::NotARepository {
        root: root.to_owned(),
    })?;
    let commit = state.head_commit.ok_or(ProvenanceError::NoCommit)?;
    let remote = sef_git::state::origin_url(root);
    Ok(Source {
        commit,
        branch: state.branch,
        remote,
        dirty: state.dirty,
    })
}

/// The statement for `(name, sha256)` subjects built from `source` by
/// `builder`, with an invocation id and time.
pub fn statement(
    subjects: &[(String, String)],
    source: &Source,
    builder: &str,
    invocation_id: &str,
    started_on: &str,
) -> Value {
    let uri = match &source.remote {
        Some(r) => format!("git+{r}"),
        None => "git+local".to_owned(),
    };
    json!({
        "_type": STATEMENT_TYPE,
        "subject": subjects.iter().map(|(name, sha)| json!({"name": name, "digest": {"sha256": sha}})).collect::<Vec<_>>(),
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {
                    "source": { "uri": uri, "ref": source.branch, "dirty": source.dirty },
                },
                "resolvedDependencies": [
                    { "uri": uri, "digest": { "gitCommit": source.commit } }
                ],
            },
            "runDetails": {
                "builder": { "id": builder },
                "metadata": { "invocationId": invocation_id, "startedOn": started_on },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_type_is_an_absolute_uri_naming_its_documentation() {
        // an absolute https URI in sef's repository, ending in the anchor
        // of the section that defines it
        assert!(BUILD_TYPE.starts_with("https://"), "{BUILD_TYPE}");
        assert!(BUILD_TYPE.starts_with(env!("CARGO_PKG_REPOSITORY")));
        assert!(!BUILD_TYPE.contains(char::is_whitespace));
        let (path, anchor) = BUILD_TYPE
            .split_once("/blob/main/")
            .and_then(|(_, rest)| rest.split_once('#'))
            .unwrap_or_default();
        let doc = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(path),
        )
        .unwrap_or_default();
        // GitHub's anchor of a heading: lower case, spaces as hyphens
        let headings: Vec<String> = doc
            .lines()
            .filter_map(|l| {
                l.trim_start_matches('#')
                    .strip_prefix(' ')
                    .filter(|_| l.starts_with('#'))
            })
            .map(|h| h.trim().to_lowercase().replace(' ', "-"))
            .collect();
        assert!(
            headings.iter().any(|h| h == anchor),
            "{path} has no heading for #{anchor}: {headings:?}"
        );
    }
}
