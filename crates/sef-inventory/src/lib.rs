//! The dependency inventory.
//!
//! One directory walk finds every lockfile, manifest and SBOM that an
//! [`Extractor`] recognises; each file is parsed by its extractor (in
//! parallel) into [`Component`](sef_model::Component)s. A file that cannot
//! be parsed becomes a [`Diagnostic`] naming the file and line; the walk
//! goes on with the other files.
//!
//! This crate reads files and nothing else: no network (a `pom.xml` is read
//! as declared, never resolved against a repository), no store, no output.

mod extractor;
mod extractors;
mod go_modules;
mod purl;
mod sbom_out;
mod scan;
mod text;
pub mod walk;
mod yaml;

pub use extractor::{
    DirLister, ExtractError, Extracted, Extractor, IncludeReader, Input, ReadError,
};
pub use extractors::builtin;
pub use purl::{parse_purl, purl_for};
pub use sbom_out::{
    SbomSubject, cyclonedx_json, cyclonedx_json_redacted, spdx_json, timestamp_from_env,
};
pub use scan::{
    Diagnostic, DiagnosticLevel, Inventory, InventoryOptions, ScannedFile, extract_file, read_sbom,
    scan,
};
