//! Resilience-testing evidence: the SEF's "completed resilience testing
//! (ethical hacking / penetration testing)".
//!
//! * [`record`]: a test's record (`security/tests/<id>.toml`): scope,
//!   tester, method, dates, the report's digest, findings, imports and
//!   retests, read with errors at file:line:col.
//! * [`import`]: ZAP (JSON, XML, API alerts), nuclei, Burp XML and DAST
//!   SARIF reports read into findings with stable fingerprints.
//! * [`edit`]: new records and additions to existing ones (imports,
//!   retests, completion) that keep the file's comments.
//! * [`evaluate`]: the records judged for a release on a day: the
//!   `resilience-testing` payload and the open findings.
//! * [`scope`]: scope items and what covers what.
//!
//! This crate reads the text it is given; the caller reads the files.

pub mod edit;
pub mod evaluate;
pub mod import;
pub mod record;
pub mod scope;

pub use evaluate::{ANALYZER, Settings, evaluate};
pub use import::{Format, ImportError, Imported, ImportedFinding};
pub use record::{RecordError, TestRecord};

/// The SHA-256 of `bytes` in lower-case hex, as records keep report digests.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
