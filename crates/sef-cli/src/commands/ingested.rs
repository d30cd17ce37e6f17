//! The result files a release's latest run read from the command line
//! (`sef ingest sarif|junit`). The gate and `phase advance` read them again,
//! so that they decide on the same results `finding list` and the reports
//! show; a later `sef ingest` of one kind keeps the files of the other.

use anyhow::Result;
use sef_model::EvidencePayload;
use std::path::PathBuf;

/// Ingested SARIF and JUnit files, as recorded in the evidence.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Ingested {
    /// SARIF files.
    pub sarif: Vec<PathBuf>,
    /// JUnit XML files.
    pub junit: Vec<PathBuf>,
}

/// The files the latest stored run of this release ingested. A file that is
/// gone since fails its evidence when it is read again, and the gate with it.
pub(crate) async fn of_latest_run(
    st: &sef_store::Store,
    plan: &sef_plan::Plan,
) -> Result<Ingested> {
    use sef_store::RunRepository;
    let runs = st
        .list_runs(&sef_store::RunFilter {
            offering: Some(plan.offering.name.clone()),
            limit: Some(50),
            before: None,
        })
        .await?;
    let Some(latest) = runs
        .iter()
        .find(|r| r.release_version == plan.release.version)
    else {
        return Ok(Ingested::default());
    };
    let Some(run) = st.get_run(latest.id).await? else {
        return Ok(Ingested::default());
    };
    let mut out = Ingested::default();
    for e in &run.evidence {
        match &e.payload {
            EvidencePayload::StaticAnalysis(p) => out.sarif.extend(
                p.files
                    .iter()
                    .filter(|f| f.ingested)
                    .map(|f| PathBuf::from(&f.file)),
            ),
            EvidencePayload::SecurityTests(p) => out.junit.extend(
                p.files
                    .iter()
                    .filter(|f| f.ingested)
                    .map(|f| PathBuf::from(&f.file)),
            ),
            _ => {}
        }
    }
    out.sarif.dedup();
    out.junit.dedup();
    Ok(out)
}
