//! The working-tree scan: the `ignore` crate's parallel walker (honouring
//! .gitignore, .ignore and git's exclude file, never following symbolic
//! links, so loops cannot trap it), each file read once, binaries and files
//! over the cap skipped and counted, unreadable files counted with the
//! reason.

use super::{LIST_CAP, Located, Stats};
use crate::Progress;
use sef_secrets::RuleSet;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

/// Scans the working tree under `root`.
pub fn scan(
    root: &Path,
    set: &RuleSet,
    max: u64,
    progress: &dyn Progress,
) -> (Vec<Located>, Stats) {
    let found: Mutex<Vec<Located>> = Mutex::new(Vec::new());
    let stats: Mutex<Stats> = Mutex::new(Stats::default());
    let (walker, refused) = sef_inventory::walk::repo_walker(root, false, |_| true);
    let walker = walker.build_parallel();
    walker.run(|| {
        let found = &found;
        let stats = &stats;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    // a folder the walk could not enter was not scanned
                    if let Some((rel, why)) = sef_inventory::walk::unreadable(root, &e)
                        && let Ok(mut s) = stats.lock()
                    {
                        s.unreadable_count += 1;
                        if s.unreadable.len() < LIST_CAP {
                            s.unreadable.push(format!("{rel}: {why}"));
                        }
                    }
                    return ignore::WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            let mut local = Stats::default();
            let hits = scan_file(path, &rel, set, max, &mut local);
            progress.advance(1);
            if let Ok(mut s) = stats.lock() {
                s.files += local.files;
                s.bytes += local.bytes;
                s.binary += local.binary;
                s.too_large += local.too_large;
                s.unreadable_count += local.unreadable_count;
                for u in local.unreadable {
                    if s.unreadable.len() < LIST_CAP {
                        s.unreadable.push(u);
                    }
                }
            }
            if !hits.is_empty()
                && let Ok(mut f) = found.lock()
            {
                f.extend(hits);
            }
            ignore::WalkState::Continue
        })
    });
    let mut stats = stats.into_inner().unwrap_or_default();
    for (rel, why) in refused.take() {
        stats.unreadable_count += 1;
        if stats.unreadable.len() < LIST_CAP {
            stats.unreadable.push(format!("{rel}: {why}"));
        }
    }
    (found.into_inner().unwrap_or_default(), stats)
}

fn scan_file(path: &Path, rel: &str, set: &RuleSet, max: u64, s: &mut Stats) -> Vec<Located> {
    if set.path_allowed(rel) {
        return Vec::new();
    }
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            s.unreadable_count += 1;
            s.unreadable.push(format!("{rel}: {e}"));
            return Vec::new();
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max {
        s.too_large += 1;
        return Vec::new();
    }
    // Read at most `max` bytes even if the file grows while it is read.
    let mut data = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    if let Err(e) = (&mut file).take(max).read_to_end(&mut data) {
        s.unreadable_count += 1;
        s.unreadable.push(format!("{rel}: {e}"));
        return Vec::new();
    }
    if sef_secrets::is_binary(&data) {
        s.binary += 1;
        return Vec::new();
    }
    s.files += 1;
    s.bytes += data.len() as u64;
    set.scan(rel, &data, None)
        .into_iter()
        .map(|h| Located::new(rel, h, None, true))
        .collect()
}
