//! The plan file being validated, [`Ctx`]: every section's validator
//! reports its errors through it, located by file, line and column.

use crate::error::{PlanError, line_col};
use std::path::Path;
use toml::Spanned;

/// One plan file being validated: its path (for errors), the name shown
/// in warnings (relative to the repository) and its text.
pub(crate) struct Ctx<'a> {
    pub(crate) path: &'a Path,
    pub(crate) display: String,
    pub(crate) text: &'a str,
}

impl Ctx<'_> {
    /// The 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        line_col(self.text.as_bytes(), offset).0
    }

    /// A TOML syntax or schema error, located.
    pub(crate) fn toml_err(&self, e: &toml::de::Error) -> PlanError {
        let offset = e.span().map_or(0, |s| s.start);
        let mut message = e.message().trim().to_owned();
        if message.contains("product-manager") {
            message.push_str(
                "; `product-manager` is no longer a team role: sef's roles are now the SEF's own set (the same as `sef serve`'s). Run `sef migrate` to rewrite it as `development-manager`",
            );
        }
        self.err_at(offset, message)
    }

    pub(crate) fn err_at(&self, offset: usize, message: impl Into<String>) -> PlanError {
        let (line, column) = line_col(self.text.as_bytes(), offset);
        PlanError::Invalid {
            path: self.path.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    /// A size limit in bytes: 1 byte to 1 GiB.
    pub(crate) fn byte_limit(&self, v: Spanned<i64>, key: &str) -> Result<u64, PlanError> {
        const MAX: i64 = 1 << 30;
        let start = v.span().start;
        let v = v.into_inner();
        if !(1..=MAX).contains(&v) {
            return Err(self.err_at(
                start,
                format!("`{key}` must be between 1 and {MAX}, got {v}"),
            ));
        }
        Ok(v.unsigned_abs())
    }

    /// A short identifier-like text: non-empty, bounded, no control characters.
    pub(crate) fn text_field(
        &self,
        v: Spanned<String>,
        key: &str,
        max: usize,
    ) -> Result<String, PlanError> {
        let start = v.span().start;
        let s = v.into_inner();
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(self.err_at(start, format!("`{key}` must not be empty")));
        }
        if trimmed.chars().count() > max {
            return Err(self.err_at(start, format!("`{key}` is longer than {max} characters")));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(self.err_at(
                start,
                format!("`{key}` must not contain control characters"),
            ));
        }
        Ok(trimmed.to_owned())
    }
}
