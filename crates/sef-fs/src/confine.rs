//! Keeping a path that repository content names inside the repository.
//!
//! sef.toml and the configuration files it points to are repository
//! content: whoever can open a pull request writes them. A path they name
//! (`allowed_signers`, `gpg_home`, a gitleaks configuration, the forge
//! cache, a baseline, a SARIF output) must not reach `/proc/self/environ`,
//! a user's key ring or a file outside the work tree. [`confine`] refuses
//! absolute paths, `..` and symbolic links that lead out, unless the user
//! (on the command line, never the repository) allows it.

use std::path::{Component, Path, PathBuf};

/// Why a repository-named path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfineError {
    /// Absolute, or climbing out with `..`.
    #[error(
        "`{0}` is outside the repository: paths that the repository names must be relative and must not use `..` (pass --allow-outside-repo to allow it for this run)"
    )]
    NotRelative(String),
    /// Inside by name, but a symbolic link leads out.
    #[error(
        "`{0}` leads outside the repository through a symbolic link (pass --allow-outside-repo to allow it for this run)"
    )]
    LinkLeadsOut(String),
    /// Empty.
    #[error("the path is empty")]
    Empty,
}

/// The path `rel` names under `root`, when it stays inside `root`. With
/// `allow_outside`, any path is accepted (an absolute one as is).
///
/// The check is lexical first (absolute, `..`), then physical: the longest
/// existing prefix of the path is resolved, and must lie inside the
/// resolved root. A path that does not exist yet is fine if its existing
/// ancestor is inside.
pub fn confine(root: &Path, rel: &str, allow_outside: bool) -> Result<PathBuf, ConfineError> {
    if rel.trim().is_empty() {
        return Err(ConfineError::Empty);
    }
    let p = Path::new(rel);
    if allow_outside {
        return Ok(root.join(p));
    }
    if p.components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::Prefix(_) | Component::RootDir
        )
    }) {
        return Err(ConfineError::NotRelative(rel.to_owned()));
    }
    let full = root.join(p);
    let Ok(canon_root) = std::fs::canonicalize(root) else {
        // the root itself cannot be resolved: the lexical check stands
        return Ok(full);
    };
    let mut probe = full.as_path();
    loop {
        if let Ok(c) = std::fs::canonicalize(probe) {
            if c.starts_with(&canon_root) {
                return Ok(full);
            }
            return Err(ConfineError::LinkLeadsOut(rel.to_owned()));
        }
        // a dangling link is refused: it could lead anywhere once created
        if std::fs::symlink_metadata(probe).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(ConfineError::LinkLeadsOut(rel.to_owned()));
        }
        match probe.parent() {
            Some(parent) => probe = parent,
            None => return Ok(full),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_inside_pass_and_others_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir(root.join("a")).unwrap();
        assert!(confine(root, "a/b.toml", false).is_ok());
        assert!(confine(root, "new/dir/file", false).is_ok());
        assert_eq!(
            confine(root, "/proc/self/environ", false),
            Err(ConfineError::NotRelative("/proc/self/environ".into()))
        );
        assert!(matches!(
            confine(root, "a/../../x", false),
            Err(ConfineError::NotRelative(_))
        ));
        assert!(matches!(confine(root, "", false), Err(ConfineError::Empty)));
        std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
        assert!(matches!(
            confine(root, "out/secret", false),
            Err(ConfineError::LinkLeadsOut(_))
        ));
        std::os::unix::fs::symlink("/nonexistent/x", root.join("dangling")).unwrap();
        assert!(matches!(
            confine(root, "dangling", false),
            Err(ConfineError::LinkLeadsOut(_))
        ));
        // inside links are fine
        std::os::unix::fs::symlink(root.join("a"), root.join("in")).unwrap();
        assert!(confine(root, "in/x", false).is_ok());
        // the user may allow it
        assert_eq!(
            confine(root, "/etc/hosts", true).unwrap(),
            PathBuf::from("/etc/hosts")
        );
    }
}
