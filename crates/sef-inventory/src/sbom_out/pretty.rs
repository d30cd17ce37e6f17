//! The long arrays of an SBOM written in parallel runs, each item printed
//! as serde_json's pretty printer prints it where it stands in the
//! document (two levels in), straight into its run's buffer: no second
//! pass to indent it and no copy of the runs before the document takes
//! them.

use serde_json::ser::Formatter;
use std::io::{self, Write};

/// Entries per run that [`pretty_items`] writes as one part.
const RUN: usize = 64;

/// serde_json's pretty layout (two spaces per level), starting `level`
/// levels in: an item of an array that is a field of the top-level object
/// starts at level 2.
struct Indented {
    level: usize,
    has_value: bool,
}

impl Indented {
    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn next<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `items`, each mapped by `f` and written as serde_json's pretty printer
/// writes an element of an array that is a field of the top-level object
/// (four spaces in), joined by `,\n`: the text between `[\n` and `\n  ]`,
/// as runs of [`RUN`] items written on the thread pool, in order.
pub(crate) fn pretty_items<'a, T: Sync, S: serde::Serialize>(
    items: &'a [T],
    f: impl Fn(&'a T) -> S + Sync,
) -> Vec<Vec<u8>> {
    use rayon::prelude::*;
    items
        .par_chunks(RUN)
        .map(|run| {
            let mut out = Vec::with_capacity(run.len() * 768);
            for (i, item) in run.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b",\n");
                }
                out.extend_from_slice(b"    ");
                let mut ser = serde_json::Serializer::with_formatter(
                    &mut out,
                    Indented {
                        level: 2,
                        has_value: false,
                    },
                );
                // writing to memory cannot fail, and every value sef
                // writes serialises (strings, numbers, sequences, maps
                // with string keys)
                let _ = serde::Serialize::serialize(&f(item), &mut ser);
            }
            out
        })
        .collect()
}

/// The length of `runs` joined by `,\n`.
pub(crate) fn joined_len(runs: &[Vec<u8>]) -> usize {
    runs.iter().map(|r| r.len() + 2).sum::<usize>()
}

/// Appends `runs` joined by `,\n` to `out`.
pub(crate) fn append_joined(out: &mut Vec<u8>, runs: &[Vec<u8>]) {
    for (i, run) in runs.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(run);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What the formatter writes for one value, checked against the
    /// pretty printer's output re-indented by four spaces.
    fn both(v: &serde_json::Value) -> (String, String) {
        let runs = pretty_items(std::slice::from_ref(v), |v| v);
        let mine = String::from_utf8(runs.concat()).unwrap();
        let theirs = serde_json::to_string_pretty(v)
            .unwrap()
            .split('\n')
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n");
        (mine, theirs)
    }

    #[test]
    fn items_are_laid_out_as_the_pretty_printer_lays_them_out() {
        for v in [
            json!({}),
            json!([]),
            json!({"a": [], "b": {}, "c": [1, {"d": "e\nf"}], "g": null}),
            json!([[[]], [{}], "x", 1.5, true]),
            json!({"deep": {"er": {"est": ["a", "b"]}}}),
        ] {
            let (mine, theirs) = both(&v);
            assert_eq!(mine, theirs, "{v}");
        }
    }

    #[test]
    fn runs_join_in_order() {
        let items: Vec<u32> = (0..200).collect();
        let runs = pretty_items(&items, |i| *i);
        let mut out = Vec::new();
        append_joined(&mut out, &runs);
        let want = items
            .iter()
            .map(|i| format!("    {i}"))
            .collect::<Vec<_>>()
            .join(",\n");
        assert_eq!(String::from_utf8(out).unwrap(), want);
        assert!(joined_len(&runs) >= want.len());
    }
}
