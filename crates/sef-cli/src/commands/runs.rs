//! `sef runs list|show|diff`: the history in the store.

use crate::cli::{DiffArgs, GlobalArgs, ListArgs, ShowArgs};
use crate::{output, store};
use anyhow::{Context, Result, bail};
use sef_model::{AssessmentRun, RunId, diff_runs};
use sef_report::{RunContext, render_diff, render_run, render_runs};
use sef_store::{RunFilter, RunRepository, Store};

pub fn list(g: &GlobalArgs, a: &ListArgs) -> Result<u8> {
    one_run_only(a.out.format)?;
    let rt = store::runtime()?;
    let st = rt.block_on(store::open_existing(&store::url(g.db.as_deref())?))?;
    let mut runs = rt.block_on(st.list_runs(&RunFilter {
        offering: a.offering.clone(),
        limit: Some(a.limit),
        before: None,
    }))?;
    // the shortest prefix unique in the whole store, which resolve() accepts
    for r in &mut runs {
        let (below, above) = rt.block_on(st.run_id_neighbours(r.id))?;
        r.short_id = sef_model::unique_prefix(r.id, below, above);
    }
    output::emit(
        &render_runs(&runs, output::format(a.out.format)),
        a.out.output.as_deref(),
        a.out.format,
    )?;
    Ok(crate::EXIT_PASS)
}

pub fn show(g: &GlobalArgs, a: &ShowArgs) -> Result<u8> {
    let rt = store::runtime()?;
    let st = rt.block_on(store::open_existing(&store::url(g.db.as_deref())?))?;
    let run = rt.block_on(load(&st, &a.run, None))?;
    if let Some(name) = &a.artifact {
        let Some(art) = run.artifacts.iter().find(|x| &x.name == name) else {
            let names: Vec<&str> = run.artifacts.iter().map(|x| x.name.as_str()).collect();
            bail!(
                "run {} has no artifact `{name}`; it has: {}",
                run.id,
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            );
        };
        match &a.out.output {
            Some(path) => output::write_atomically(path, art.content.as_bytes())?,
            None => print!("{}", crate::output::redacted(&art.content)),
        }
        return Ok(crate::EXIT_PASS);
    }
    let timeline = rt.block_on(st.phase_decisions(&run.offering.name, &run.release.version))?;
    let kpi_series = rt.block_on(st.kpi_series(&run.offering.name))?;
    // no plan here: signed overrides show as "signed, not checked here"
    let ctx = RunContext {
        store: Some(st.location().to_owned()),
        timeline,
        kpi_series,
        proofs: Default::default(),
    };
    output::emit(
        &render_run(&run, output::format(a.out.format), &ctx),
        a.out.output.as_deref(),
        a.out.format,
    )?;
    Ok(crate::EXIT_PASS)
}

pub fn diff(g: &GlobalArgs, a: &DiffArgs) -> Result<u8> {
    one_run_only(a.out.format)?;
    let rt = store::runtime()?;
    let st = rt.block_on(store::open_existing(&store::url(g.db.as_deref())?))?;
    // `latest` and `previous` are runs of one offering: --offering, else
    // the offering of the repository's plan
    let offering = match &a.offering {
        Some(o) => o.clone(),
        None => crate::plan_at::load(&a.repo, "read")?.1.offering.name,
    };
    let from = rt.block_on(load(&st, &a.from, Some(&offering)))?;
    let to = rt.block_on(load(&st, &a.to, Some(&offering)))?;
    if from.offering.name != to.offering.name {
        bail!(
            "run {} is of `{}` and run {} of `{}`: a diff compares two runs of one offering",
            from.id,
            from.offering.name,
            to.id,
            to.offering.name
        );
    }
    let d = diff_runs(&from, &to);
    output::emit(
        &render_diff(&d, output::format(a.out.format)),
        a.out.output.as_deref(),
        a.out.format,
    )?;
    Ok(crate::EXIT_PASS)
}

/// SARIF describes the findings of one run.
fn one_run_only(f: crate::cli::FormatArg) -> Result<()> {
    if f == crate::cli::FormatArg::Sarif {
        bail!(
            "--format sarif describes one run's findings: use it with `sef assess` or `sef runs show`"
        );
    }
    Ok(())
}

/// Resolves a run reference: `latest`, `previous` (of `offering` when
/// given, else of the whole store), a full id or a unique prefix.
async fn resolve(st: &Store, reference: &str, offering: Option<&str>) -> Result<RunId> {
    let r = reference.trim();
    if r == "latest" || r == "previous" {
        let skip = usize::from(r == "previous");
        let runs = st
            .list_runs(&RunFilter {
                offering: offering.map(str::to_owned),
                limit: Some(2),
                before: None,
            })
            .await?;
        let of = offering.map(|o| format!(" of `{o}`")).unwrap_or_default();
        return runs.get(skip).map(|s| s.id).with_context(|| {
            format!(
                "there is no `{r}` run{of} in {}; run `sef assess` first",
                st.location()
            )
        });
    }
    if let Ok(id) = r.parse::<RunId>() {
        return Ok(id);
    }
    if r.len() < 4 {
        bail!("`{r}`: give at least 4 characters of a run id, or `latest`");
    }
    let ids = st.find_run_ids(r).await?;
    match ids.as_slice() {
        [] => bail!(
            "no run matches `{r}` in {}; `sef runs list` shows the runs",
            st.location()
        ),
        [one] => Ok(*one),
        many => bail!(
            "`{r}` is ambiguous: it matches {} runs ({}); give more characters",
            many.len(),
            many.iter()
                .take(5)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub(crate) async fn load(
    st: &Store,
    reference: &str,
    offering: Option<&str>,
) -> Result<AssessmentRun> {
    let id = resolve(st, reference, offering).await?;
    st.get_run(id).await?.with_context(|| {
        format!(
            "run {id} is not in {}; `sef runs list` shows the runs",
            st.location()
        )
    })
}
