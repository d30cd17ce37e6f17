//! Artifacts: documents an analyzer produced and the store keeps with the
//! run, such as the SBOM. Reports list them; the content is fetched on
//! demand (`sef runs show RUN --artifact NAME`).

use crate::Digest;
use serde::{Deserialize, Serialize};

/// A document kept with a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// A file-like name, unique within the run, e.g. `sbom.cdx.json`.
    pub name: String,
    /// The media type, e.g. `application/vnd.cyclonedx+json`.
    pub media_type: String,
    /// SHA-256 of the content.
    pub digest: Digest,
    /// Size of the content in bytes.
    pub size: u64,
    /// The content; not part of reports (they list the artifact only).
    #[serde(skip)]
    pub content: String,
}

impl Artifact {
    /// An artifact with its digest and size computed from the content.
    pub fn new(name: impl Into<String>, media_type: impl Into<String>, content: String) -> Self {
        Artifact {
            name: name.into(),
            media_type: media_type.into(),
            digest: Digest::of_parts([content.as_bytes()]),
            size: content.len() as u64,
            content,
        }
    }
}
