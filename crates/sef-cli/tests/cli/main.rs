//! The sef CLI end-to-end tests, one module per area, linked into one test
//! binary: one link instead of thirty-five keeps the build small and quick.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod artifacts;
mod bad_input;
mod cli;
mod crash;
mod db_update;
mod docs;
mod fail_closed;
mod findings;
mod gitlab;
mod history;
mod hostile;
mod hostile_output;
mod ingest;
mod kpi;
mod lifecycle;
mod nodes;
mod one_status;
mod pentest;
mod policy;
mod portfolio;
mod postgres;
mod real_inputs;
mod real_manifests;
mod sarif;
mod sbom;
mod schema;
mod scoped;
mod secrets;
mod security_plan;
mod serve;
mod sign;
mod signed_decisions;
mod snapshots;
mod store_compat;
mod terminal;
mod threat;
mod vulnerabilities;
mod vulns;
