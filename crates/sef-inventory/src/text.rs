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

/// The first line on which each JSON string literal appears, keyed by its
/// raw (still escaped) content. One pass over the text; used to give JSON
/// lockfile components a line number.
pub(crate) struct JsonLines<'a> {
    first: std::collections::HashMap<&'a str, u32, foldhash::fast::RandomState>,
}

impl<'a> JsonLines<'a> {
    /// Indexes the string literals of `text` that are in `wanted` (the
    /// names an extractor will look up), so memory follows the number of
    /// packages, not the number of strings in the file.
    pub(crate) fn for_strings<'w>(
        text: &'a str,
        wanted: impl IntoIterator<Item = &'w str>,
    ) -> Self {
        let wanted: std::collections::HashSet<&str, foldhash::fast::RandomState> =
            wanted.into_iter().collect();
        let mut all = Self::scan(text, |s| wanted.contains(s));
        all.first.shrink_to_fit();
        all
    }

    /// Indexes every string literal of `text`.
    #[cfg(test)]
    pub(crate) fn new(text: &'a str) -> Self {
        Self::scan(text, |_| true)
    }

    fn scan(text: &'a str, keep: impl Fn(&str) -> bool) -> Self {
        let bytes = text.as_bytes();
        let mut first =
            std::collections::HashMap::with_hasher(foldhash::fast::RandomState::default());
        let mut line = 1u32;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line += 1,
                b'"' => {
                    let start = i + 1;
                    let mut j = start;
                    while j < bytes.len() && bytes[j] != b'"' {
                        if bytes[j] == b'\\' {
                            j += 1;
                        } else if bytes[j] == b'\n' {
                            line += 1;
                        }
                        j += 1;
                    }
                    if let Some(s) = text.get(start..j.min(bytes.len()))
                        && keep(s)
                    {
                        first.entry(s).or_insert(line);
                    }
                    i = j;
                }
                _ => {}
            }
            i += 1;
        }
        JsonLines { first }
    }

    /// The first line of the string literal `s` (unescaped ASCII content).
    pub(crate) fn line(&self, s: &str) -> Option<u32> {
        self.first.get(s).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_index_first_occurrence() {
        let t = "{\n \"a\": \"x\",\n \"b\\\"q\": 1,\n \"a\": 2\n}";
        let j = JsonLines::new(t);
        assert_eq!(j.line("a"), Some(2));
        assert_eq!(j.line("x"), Some(2));
        assert_eq!(j.line("b\\\"q"), Some(3));
        assert_eq!(j.line("zzz"), None);
    }

    #[test]
    fn line_of_counts_newlines() {
        assert_eq!(line_of(b"a\nb\nc", 0), Some(1));
        assert_eq!(line_of(b"a\nb\nc", 4), Some(3));
        assert_eq!(line_of(b"a", 99), Some(1));
    }
}

/// Turns JSONC (comments, trailing commas) into JSON, leaving strings
/// untouched. Linear, no recursion; line breaks are kept so JSON error
/// lines still match the file.
pub(crate) fn jsonc_to_json(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            out.push(c);
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1]);
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_string = true;
                out.push(c);
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    if b[i] == b'\n' {
                        out.push(b'\n');
                    }
                    i += 1;
                }
                i += 2;
                continue;
            }
            b',' => {
                // Look past whitespace and comments for a closing bracket.
                let mut j = i + 1;
                loop {
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if b.get(j) == Some(&b'/') && b.get(j + 1) == Some(&b'/') {
                        while j < b.len() && b[j] != b'\n' {
                            j += 1;
                        }
                    } else if b.get(j) == Some(&b'/') && b.get(j + 1) == Some(&b'*') {
                        j += 2;
                        while j < b.len() && !(b[j] == b'*' && b.get(j + 1) == Some(&b'/')) {
                            j += 1;
                        }
                        j += 2;
                    } else {
                        break;
                    }
                }
                if !matches!(b.get(j), Some(b'}') | Some(b']')) {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    // Only ASCII bytes were removed, so the result is still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod jsonc_tests {
    use super::jsonc_to_json;

    #[test]
    fn strips_comments_and_trailing_commas_outside_strings() {
        assert_eq!(
            jsonc_to_json("{\"a\": [1, 2,], // c\n \"b,\": \"//x\",}"),
            "{\"a\": [1, 2], \n \"b,\": \"//x\"}"
        );
        assert_eq!(jsonc_to_json("[1, // last\n]"), "[1 \n]");
        assert_eq!(jsonc_to_json("/* x */{}"), "{}");
    }
}

/// Byte offset → 1-based line, in O(log n) after one pass over the text.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `bytes`.
    pub(crate) fn new(bytes: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> Option<u32> {
        let i = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(i + 1).ok()
    }
}

#[cfg(test)]
mod line_index_tests {
    use super::{LineIndex, line_of};

    #[test]
    fn agrees_with_line_of() {
        let t = b"a\nbb\n\nccc\n";
        let idx = LineIndex::new(t);
        for off in 0..=t.len() {
            assert_eq!(idx.line(off), line_of(t, off), "offset {off}");
        }
    }
}
