//! The plan's paths stay inside the repository.
//!
//! sef.toml is repository content. Its analyzer paths are files sef reads
//! (`allowed_signers`, a gitleaks configuration, a GNUPGHOME), writes (the
//! forge cache, the baseline, a SARIF command's output, which is moved
//! aside before the command runs) or both. Each must be relative and stay
//! inside the work tree, also through symbolic links, unless the user
//! allows otherwise on the command line.

use crate::{Plan, PlanError};
use std::path::Path;

impl Plan {
    /// The plan's paths as `(key, value)`, every one that names a file or
    /// folder sef reads or writes outside the analysers' own walk.
    pub fn named_paths(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let a = &self.analyzers;
        if let Some(c) = &a.secrets.config {
            out.push(("analyzers.secrets.config".to_owned(), c.clone()));
        }
        out.push((
            "analyzers.secrets.baseline".to_owned(),
            a.secrets.baseline.clone(),
        ));
        if let Some(h) = &a.history {
            if let Some(p) = &h.allowed_signers {
                out.push(("analyzers.history.allowed_signers".to_owned(), p.clone()));
            }
            if let Some(p) = &h.gpg_home {
                out.push(("analyzers.history.gpg_home".to_owned(), p.clone()));
            }
            if let Some(p) = h.forge.as_ref().and_then(|f| f.cache.as_ref()) {
                out.push(("analyzers.history.forge.cache".to_owned(), p.clone()));
            }
        }
        for s in &a.sarif {
            out.push((format!("analyzers.sarif[{}].file", s.name), s.file.clone()));
        }
        if let Some(r) = &self.resilience {
            out.push(("resilience.records".to_owned(), r.records.clone()));
        }
        if let Some(t) = &self.threat_model {
            out.push(("threat_model.dir".to_owned(), t.dir.clone()));
            for f in &t.rules {
                out.push(("threat_model.rules".to_owned(), f.clone()));
            }
        }
        out
    }

    /// Refuses the plan when one of its [`named_paths`](Plan::named_paths)
    /// leaves the repository at `root`, unless the user allowed it
    /// ([`Plan::allow_outside_repo`], from `--allow-outside-repo`).
    pub fn confine(&self, root: &Path) -> Result<(), PlanError> {
        for (key, value) in self.named_paths() {
            if let Err(why) = sef_fs::confine(root, &value, self.allow_outside_repo) {
                return Err(PlanError::OutsideRepository {
                    plan: self.display_path(),
                    key,
                    why,
                });
            }
        }
        Ok(())
    }

    fn display_path(&self) -> String {
        match &self.source {
            crate::PlanSource::File { path, .. } => path.display().to_string(),
            _ => crate::PLAN_FILE.to_owned(),
        }
    }
}
