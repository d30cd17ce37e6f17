//! The directory walk behind the repository facts: files and lines per
//! language, in parallel, respecting .gitignore.

use super::languages::language_of;
use crate::Progress;
pub use sef_model::evidence::facts::LanguageStats;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

/// Everything the walk learned.
#[derive(Debug, Default)]
pub struct WalkResult {
    /// Every file visited.
    pub total_files: u64,
    /// Total bytes of the files visited.
    pub total_bytes: u64,
    /// Per language.
    pub languages: BTreeMap<String, LanguageStats>,
    /// Files that are not in any language (other text, binaries, images).
    pub other_files: u64,
    /// Repository-relative paths and sizes, for the input digest.
    pub inventory: Vec<(String, u64)>,
    /// Errors (unreadable files or directories), as `path: error`.
    pub errors: Vec<String>,
}

/// Walks `root` and gathers file and line statistics.
pub fn walk(
    root: &Path,
    max_file_bytes: u64,
    include_ignored: bool,
    progress: &dyn Progress,
) -> WalkResult {
    let merged = Mutex::new(WalkResult::default());
    let (walker, refused) = sef_inventory::walk::repo_walker(root, include_ignored, |_| true);
    let walker = walker.build_parallel();

    walker.run(|| {
        let mut local = LocalGuard {
            r: WalkResult::default(),
            merged: &merged,
        };
        Box::new(move |entry| {
            let l = &mut local.r;
            match entry {
                Err(e) => l.errors.push(e.to_string()),
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        visit(root, entry.path(), max_file_bytes, l);
                        progress.advance(1);
                    }
                }
            }
            ignore::WalkState::Continue
        })
    });

    let mut r = merged
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (rel, why) in refused.take() {
        r.errors.push(format!("{rel}: {why}"));
    }
    r.inventory.sort();
    r.errors.sort();
    r
}

/// Merges a worker's results when the worker is dropped.
struct LocalGuard<'a> {
    r: WalkResult,
    merged: &'a Mutex<WalkResult>,
}

impl Drop for LocalGuard<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.r);
        let mut m = self
            .merged
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        m.total_files += local.total_files;
        m.total_bytes += local.total_bytes;
        m.other_files += local.other_files;
        for (lang, s) in local.languages {
            let t = m.languages.entry(lang).or_default();
            t.files += s.files;
            t.lines += s.lines;
            t.code_lines += s.code_lines;
            t.files_too_large += s.files_too_large;
        }
        m.inventory.extend(local.inventory);
        m.errors.extend(local.errors);
    }
}

fn visit(root: &Path, path: &Path, max_file_bytes: u64, r: &mut WalkResult) {
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let size = match path.metadata() {
        Ok(m) => m.len(),
        Err(e) => {
            r.errors.push(format!("{rel}: {e}"));
            return;
        }
    };
    r.total_files += 1;
    r.total_bytes += size;
    r.inventory.push((rel, size));

    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let Some(lang) = language_of(&name) else {
        r.other_files += 1;
        return;
    };
    let stats = r.languages.entry(lang.to_owned()).or_default();
    stats.files += 1;
    if size > max_file_bytes {
        stats.files_too_large += 1;
        return;
    }
    match count_lines(path, max_file_bytes) {
        Ok(Some((lines, code))) => {
            stats.lines += lines;
            stats.code_lines += code;
        }
        Ok(None) => {} // binary content under a source extension
        Err(e) => r.errors.push(format!("{}: {e}", path.display())),
    }
}

/// Counts lines and non-blank lines. `None` for binary content (a NUL byte).
fn count_lines(path: &Path, limit: u64) -> std::io::Result<Option<(u64, u64)>> {
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut buf)?;
    Ok(count_in(&buf))
}

pub(crate) fn count_in(buf: &[u8]) -> Option<(u64, u64)> {
    if buf.contains(&0) {
        return None;
    }
    let mut lines = 0u64;
    let mut code = 0u64;
    for line in buf.split(|b| *b == b'\n') {
        lines += 1;
        if line.iter().any(|b| !b.is_ascii_whitespace()) {
            code += 1;
        }
    }
    // A trailing newline does not start another line.
    if buf.last() == Some(&b'\n') || buf.is_empty() {
        lines -= 1;
    }
    Some((lines, code))
}

#[cfg(test)]
mod tests {
    use super::count_in;

    #[test]
    fn counts_lines_like_wc_plus_unterminated_last() {
        assert_eq!(count_in(b""), Some((0, 0)));
        assert_eq!(count_in(b"a\n"), Some((1, 1)));
        assert_eq!(count_in(b"a\n\n  \nb"), Some((4, 2)));
        assert_eq!(count_in(b"a\0b"), None);
    }
}
