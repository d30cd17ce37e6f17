//! `sef kpi`: the KPI table of a release, from its latest stored run.

use crate::cli::{GlobalArgs, KpiArgs, ViewFormatArg};
use crate::{output, store};
use anyhow::{Context, Result, bail};
use sef_store::{RunFilter, RunRepository};

pub fn run(g: &GlobalArgs, a: &KpiArgs) -> Result<u8> {
    let (_root, plan) = crate::plan_at::load(&a.path, "read")?;
    let offering = plan.offering.name.clone();
    let release = a
        .release
        .clone()
        .unwrap_or_else(|| plan.release.version.clone());
    let rt = store::runtime()?;
    let url = store::url(g.db.as_deref())?;
    let st = rt.block_on(store::open_existing(&url))?;
    let runs = rt.block_on(st.list_runs(&RunFilter {
        offering: Some(offering.clone()),
        limit: None,
        before: None,
    }))?;
    let Some(latest) = runs.iter().find(|r| r.release_version == release) else {
        rt.block_on(st.close());
        bail!(
            "{}: no stored run of {offering} {release}; run `sef assess` first{}",
            st.location(),
            if runs.is_empty() {
                String::new()
            } else {
                let mut versions: Vec<&str> =
                    runs.iter().map(|r| r.release_version.as_str()).collect();
                versions.dedup();
                format!(" (stored releases: {})", versions.join(", "))
            }
        );
    };
    let run = rt
        .block_on(st.get_run(latest.id))?
        .with_context(|| format!("run {} disappeared from the store", latest.id))?;
    rt.block_on(st.close());
    let format = match a.format {
        ViewFormatArg::Text => sef_report::Format::Text,
        ViewFormatArg::Json => sef_report::Format::Json,
    };
    let text = sef_report::render_kpis(&run, format);
    match a.format {
        // styled text: colour only on a terminal
        ViewFormatArg::Text => {
            output::emit(&text, a.output.as_deref(), crate::cli::FormatArg::Text)?
        }
        ViewFormatArg::Json => output::emit_raw(&text, a.output.as_deref())?,
    }
    Ok(crate::EXIT_PASS)
}
