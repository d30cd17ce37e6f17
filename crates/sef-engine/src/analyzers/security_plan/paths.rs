//! Plan-named paths, resolved safely inside the repository: a path that is
//! absolute, climbs out with `..`, or leads outside through a symlink is
//! treated as not existing, and files are read with a size cap.

use std::path::{Component, Path, PathBuf};

/// The most of one document or test-result file that is read.
pub const MAX_READ_BYTES: u64 = 64 * 1024 * 1024;

/// The repository root and its canonical form.
pub struct Repo {
    root: PathBuf,
    canonical: Option<PathBuf>,
}

impl Repo {
    /// A repository rooted at `root`.
    pub fn new(root: &Path) -> Repo {
        Repo {
            root: root.to_owned(),
            canonical: std::fs::canonicalize(root).ok(),
        }
    }

    /// The file a plan path names, when it stays inside the repository and
    /// exists.
    pub fn resolve(&self, rel: &str) -> Option<PathBuf> {
        let rel = rel.trim();
        let p = Path::new(rel);
        if rel.is_empty()
            || p.is_absolute()
            || p.components().any(|c| {
                matches!(
                    c,
                    Component::ParentDir | Component::Prefix(_) | Component::RootDir
                )
            })
        {
            return None;
        }
        let full = self.root.join(p);
        let canon = std::fs::canonicalize(&full).ok()?;
        match &self.canonical {
            Some(root) if canon.starts_with(root) => Some(canon),
            _ => None,
        }
    }

    /// A resolved path as shown to the user: relative to the repository.
    pub fn display(&self, path: &Path) -> String {
        self.canonical
            .as_deref()
            .and_then(|root| path.strip_prefix(root).ok())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Whether a plan path exists inside the repository.
    pub fn exists(&self, rel: &str) -> bool {
        self.resolve(rel).is_some()
    }

    /// Reads up to [`MAX_READ_BYTES`] of a file as text (lossily).
    /// A FIFO or a device is refused, never read.
    pub fn read(&self, path: &Path) -> std::io::Result<String> {
        let bytes = sef_fs::read_prefix(path, MAX_READ_BYTES).map_err(|e| match e {
            sef_fs::ReadError::Io { source, .. } => source,
            sef_fs::ReadError::NotFound(_) => std::io::ErrorKind::NotFound.into(),
            other => std::io::Error::other(other.to_string()),
        })?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_inside_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/a.md"), "x").unwrap();
        std::fs::write(outside.path().join("secret.md"), "x").unwrap();
        let repo = Repo::new(dir.path());
        assert!(repo.exists("docs/a.md"));
        assert!(repo.exists("./docs/a.md"));
        assert!(!repo.exists("docs/b.md"));
        assert!(!repo.exists("../x"));
        assert!(!repo.exists("docs/../../x"));
        assert!(!repo.exists(&outside.path().join("secret.md").display().to_string()));
        assert!(!repo.exists(""));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                outside.path().join("secret.md"),
                dir.path().join("docs/link.md"),
            )
            .unwrap();
            assert!(!repo.exists("docs/link.md"));
            std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
            assert!(!repo.exists("loop"));
        }
    }
}
