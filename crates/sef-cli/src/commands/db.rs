//! `sef db import|status`: the local advisory database (`db update` is in
//! `db_update`).

use crate::cli::{AdvisoryDbArgs, DbImportArgs, DbStatusArgs, FormatArg, GlobalArgs};
use anyhow::{Context, Result, bail};
use sef_advisory::db::{AdvisoryDb, ImportReport, Source, import as import_db};
use std::path::PathBuf;

/// The advisory database directory: `--advisory-db`, `SEF_ADVISORY_DB`, or
/// `advisories` in the user's cache directory.
pub fn location(a: &AdvisoryDbArgs) -> Result<PathBuf> {
    match &a.advisory_db {
        Some(p) => Ok(p.clone()),
        None => directories::ProjectDirs::from("", "", "sef")
            .map(|d| d.cache_dir().join("advisories"))
            .context("cannot find the user's cache directory (is HOME set?); pass --advisory-db DIR or set SEF_ADVISORY_DB"),
    }
}

pub fn import(g: &GlobalArgs, a: &DbImportArgs) -> Result<u8> {
    let root = location(&a.db)?;
    let mut sources = Vec::new();
    for p in &a.paths {
        if p.is_dir() {
            sources.push(Source::Dir(p));
        } else if p.is_file() {
            sources.push(Source::Zip {
                path: p,
                label: p
                    .canonicalize()
                    .unwrap_or_else(|_| p.clone())
                    .display()
                    .to_string(),
            });
        } else {
            bail!("{}: no such file or directory", p.display());
        }
    }
    if !g.quiet {
        eprintln!(
            "sef: importing {} source(s) into {}",
            sources.len(),
            root.display()
        );
    }
    let report = import_db(&root, &sources, chrono::Utc::now()).with_context(|| {
        format!(
            "{}: import failed; the previous database is unchanged",
            root.display()
        )
    })?;
    match a.format {
        FormatArg::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        _ => print_import(&report),
    }
    Ok(crate::EXIT_PASS)
}

/// The text summary of an import.
pub fn print_import(report: &ImportReport) {
    for (eco, n) in &report.imported {
        println!("{eco:<14} {n:>7} advisories imported");
    }
    for w in &report.warnings {
        println!("warning: {w}");
    }
    for (key, n) in &report.missing_keys {
        println!("{n} record(s) imported without `{key}` (their date or scope is unknown)");
    }
    for e in report.missing_examples.iter().take(5) {
        println!("  {e}");
    }
    if !report.skipped.is_empty() {
        println!("{} record(s) skipped:", report.skipped.len());
        for s in report.skipped.iter().take(20) {
            println!("  {s}");
        }
        if report.skipped.len() > 20 {
            println!(
                "  … and {} more (use --format json for all)",
                report.skipped.len() - 20
            );
        }
    }
}

pub fn status(a: &DbStatusArgs) -> Result<u8> {
    let root = location(&a.db)?;
    let db = AdvisoryDb::open(&root)?;
    let manifest = db
        .as_ref()
        .map(|d| d.manifest().clone())
        .unwrap_or_default();
    match a.format {
        FormatArg::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "location": root.display().to_string(),
                "present": db.is_some(),
                "ecosystems": manifest.ecosystems,
            }))?
        ),
        _ => {
            println!("advisory database: {}", root.display());
            if db.is_none() {
                println!(
                    "empty: nothing imported yet; run `sef db update` (or `sef db import PATH` with an OSV all.zip offline)"
                );
            }
            for (eco, info) in &manifest.ecosystems {
                println!(
                    "{eco:<14} {:>7} advisories  imported {}  newest record {}  from {}",
                    info.count,
                    info.imported_at,
                    info.newest_modified
                        .as_deref()
                        .unwrap_or("unknown (no record carries a real `modified` date)"),
                    info.source
                );
            }
        }
    }
    Ok(crate::EXIT_PASS)
}

pub fn verify(a: &DbStatusArgs) -> Result<u8> {
    let root = location(&a.db)?;
    let Some(db) = AdvisoryDb::open(&root)? else {
        bail!(
            "{}: no advisory database here; run `sef db update` (or `sef db import PATH`)",
            root.display()
        );
    };
    let report = db.verify()?;
    match a.format {
        FormatArg::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        _ => {
            println!("advisory database: {}", report.generation);
            for (eco, v) in &report.ecosystems {
                println!(
                    "{eco:<14} {:>7} of {:>7} record(s) verified",
                    v.verified, v.promised
                );
            }
            for p in report.problems.iter().take(20) {
                println!("  problem: {p}");
            }
            if report.problem_count > 20 {
                println!(
                    "  … and {} more (use --format json)",
                    report.problem_count - 20
                );
            }
            println!(
                "{}",
                if report.ok() {
                    "OK: every record is readable and where the index says".to_owned()
                } else {
                    format!(
                        "DAMAGED: {} problem(s); run `sef db update` or `sef db import` again",
                        report.problem_count
                    )
                }
            );
        }
    }
    Ok(if report.ok() {
        crate::EXIT_PASS
    } else {
        crate::EXIT_FAIL
    })
}
