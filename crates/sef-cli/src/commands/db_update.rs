//! `sef db update`: download OSV exports and import them in one atomic step.

use super::db::{location, print_import};
use crate::cli::{DbUpdateArgs, FormatArg, GlobalArgs};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sef_advisory::db::{SUPPORTED, Source, import as import_db};
use sef_advisory::fetch::{self, FetchOptions};
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Serialize)]
struct Outcome {
    ecosystem: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The ecosystems to fetch: the ones asked for, or the inventory's.
fn ecosystems(g: &GlobalArgs, a: &DbUpdateArgs) -> Result<Vec<String>> {
    if !a.ecosystems.is_empty() {
        let mut out = Vec::new();
        for e in &a.ecosystems {
            let Some(known) = SUPPORTED.iter().find(|s| s.eq_ignore_ascii_case(e)) else {
                bail!(
                    "--ecosystem {e}: not an ecosystem sef matches; one of: {}",
                    SUPPORTED.join(", ")
                );
            };
            if !out.iter().any(|o: &String| o == known) {
                out.push((*known).to_owned());
            }
        }
        return Ok(out);
    }
    let root = a.repo.canonicalize().with_context(|| {
        format!(
            "{}: cannot read the repository (pass --repo DIR or --ecosystem E)",
            a.repo.display()
        )
    })?;
    let plan = crate::plan_at::plan(&root)?;
    let options = sef_engine::inventory_options(&plan.analyzers.inventory);
    let inv = sef_inventory::scan(&root, &sef_inventory::builtin(), &options);
    let found: BTreeSet<&str> = inv
        .components
        .iter()
        .map(|c| c.ecosystem.as_str())
        .filter(|e| SUPPORTED.contains(e))
        .collect();
    if found.is_empty() {
        bail!(
            "{}: the inventory has no component in an ecosystem sef matches; name one with --ecosystem (one of: {})",
            root.display(),
            SUPPORTED.join(", ")
        );
    }
    if !g.quiet {
        eprintln!(
            "sef: ecosystems from the inventory of {}: {}",
            root.display(),
            found.iter().copied().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(found.into_iter().map(str::to_owned).collect())
}

fn bar(quiet: bool, ecosystem: &str) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{prefix:<12} {bar:30} {bytes:>10}/{total_bytes:<10} {bytes_per_sec:>12} {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(ecosystem.to_owned());
    Some(bar)
}

/// Removes download directories left by killed updates (older than an hour,
/// so a concurrent update's are left alone).
fn remove_stale_downloads(root: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let stale = e.file_name().to_string_lossy().starts_with(".download-")
            && e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(3600));
        if stale {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

pub fn update(g: &GlobalArgs, a: &DbUpdateArgs) -> Result<u8> {
    fetch::check_base_url(&a.base_url)?;
    let root = location(&a.db)?;
    let wanted = ecosystems(g, a)?;
    std::fs::create_dir_all(&root)
        .with_context(|| format!("{}: cannot create the advisory database", root.display()))?;
    remove_stale_downloads(&root);
    // Downloads land next to the database (same file system) and vanish
    // with this directory, unless the process is killed.
    let scratch = tempfile::Builder::new()
        .prefix(".download-")
        .tempdir_in(&root)
        .with_context(|| format!("{}: cannot write", root.display()))?;
    let options = FetchOptions {
        read_timeout: Duration::from_secs(a.timeout.max(1)),
        max_bytes: a.max_size.saturating_mul(1 << 20),
        ..FetchOptions::default()
    };
    let mut outcomes = Vec::new();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for eco in &wanted {
        let url = fetch::export_url(&a.base_url, eco);
        let dest = scratch
            .path()
            .join(format!("{}.zip", files.len() + outcomes.len()));
        let progress = bar(g.quiet, eco);
        if progress.is_none() && !g.quiet {
            eprintln!("sef: downloading {url}");
        }
        let started = Instant::now();
        let result = fetch::download(&url, &dest, &options, &mut |done, total| {
            if let Some(b) = &progress {
                if let Some(t) = total {
                    b.set_length(t);
                }
                b.set_position(done);
            }
        });
        if let Some(b) = progress {
            b.finish_and_clear();
        }
        match result {
            Ok(bytes) => {
                if !g.quiet {
                    eprintln!(
                        "sef: {eco}: {:.1} MiB in {:.1} s",
                        bytes as f64 / (1 << 20) as f64,
                        started.elapsed().as_secs_f64()
                    );
                }
                files.push((dest, url.clone()));
                outcomes.push(Outcome {
                    ecosystem: eco.clone(),
                    url,
                    bytes: Some(bytes),
                    error: None,
                });
            }
            Err(e) => {
                if !g.quiet {
                    eprintln!("sef: error: {eco}: {e}; its previous data is kept");
                }
                outcomes.push(Outcome {
                    ecosystem: eco.clone(),
                    url,
                    bytes: None,
                    error: Some(e.to_string()),
                });
            }
        }
    }
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|(path, url)| Source::Zip {
            path,
            label: url.clone(),
        })
        .collect();
    let report = if sources.is_empty() {
        None
    } else {
        Some(
            import_db(&root, &sources, chrono::Utc::now()).with_context(|| {
                format!(
                    "{}: import failed; the previous database is unchanged",
                    root.display()
                )
            })?,
        )
    };
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    match a.format {
        FormatArg::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "location": root.display().to_string(),
                "downloads": outcomes,
                "import": report,
            }))?
        ),
        _ => {
            if let Some(r) = &report {
                print_import(r);
            }
            for o in outcomes.iter().filter(|o| o.error.is_some()) {
                println!(
                    "{:<14} not updated: {}",
                    o.ecosystem,
                    o.error.as_deref().unwrap_or_default()
                );
            }
        }
    }
    if failed > 0 {
        bail!(
            "{failed} of {} ecosystem(s) could not be updated; their previous data is kept",
            outcomes.len()
        );
    }
    Ok(crate::EXIT_PASS)
}
