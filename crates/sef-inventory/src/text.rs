//! Small text helpers shared by the extractors.

/// 1-based line number of a byte offset.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> Option<u32> {
    let offset = offset.min(bytes.len());
    let n = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
    u32::try_from(n).ok()
}

/// Maps a TOML parse error to an extractor error with a line.
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> crate::ExtractError {
    let line = e.span().and_then(|s| line_of(text.as_bytes(), s.start));
    crate::ExtractError::at(line, format!("not valid TOML: {}", e.message().trim()))
}

/// Maps a JSON parse error to an extractor error with a line.
pub(crate) fn json_error(e: &serde_json::Error) -> crate::ExtractError {
    let line = u32::try_from(e.line()).ok().filter(|l| *l > 0);
    crate::ExtractError::at(line, format!("not valid JSON: {e}"))
}
