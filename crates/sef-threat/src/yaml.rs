//! A bounded YAML reader that keeps positions. yaml-rust2's event parser
//! (no recursion) feeds an explicit stack that builds a JSON value and
//! records where each node starts, keyed by its path (`a.b[2].c`). Typed
//! reading then goes through serde with the path of any error, so every
//! error names file:line:col. Plain scalars follow YAML 1.2's core schema
//! (null, booleans, integers, floats); quoted scalars are strings. Duplicate
//! keys, complex keys, deep nesting and alias bombs are refused.

use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// Nesting deeper than this is refused.
const MAX_DEPTH: usize = 256;
/// Nodes a document may hold, aliases expanded.
const MAX_NODES: usize = 2_000_000;

/// A position in a file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Mark {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub col: u32,
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// An error at a position of a YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Where.
    pub at: Mark,
    /// What is wrong and, where it helps, what to do.
    pub message: String,
}

/// A parsed document: the value and where each node starts.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// The document as JSON.
    pub value: Value,
    marks: HashMap<String, Mark>,
}

impl Doc {
    /// Where the node at `path` starts (`a.b[2]`), or the nearest enclosing
    /// node that has a mark.
    pub fn mark(&self, path: &str) -> Mark {
        let mut p = path;
        loop {
            if let Some(m) = self.marks.get(p) {
                return *m;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => {
                    return self
                        .marks
                        .get("")
                        .copied()
                        .unwrap_or(Mark { line: 1, col: 1 });
                }
            }
        }
    }

    /// Reads the document as `T`; an error names the position of the node
    /// that does not fit.
    pub fn typed<T: DeserializeOwned>(&self) -> Result<T, YamlError> {
        serde_path_to_error::deserialize::<_, T>(&self.value).map_err(|e| {
            let path = path_key(e.path());
            let inner = e.into_inner().to_string();
            let field = if path.is_empty() {
                String::new()
            } else {
                format!("`{path}`: ")
            };
            YamlError {
                at: self.mark(&path),
                message: format!("{field}{inner}"),
            }
        })
    }
}

/// The key a serde path has in the mark map.
fn path_key(p: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in p.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => push_key(&mut out, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

fn push_key(out: &mut String, key: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        path: String,
        size: usize,
    },
    Map {
        items: Map<String, Value>,
        merged: Vec<String>,
        key: Option<(String, Mark)>,
        anchor: usize,
        path: String,
        size: usize,
    },
}

fn mark_of(m: &yaml_rust2::scanner::Marker) -> Mark {
    Mark {
        line: u32::try_from(m.line()).unwrap_or(u32::MAX).max(1),
        col: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
    }
}

fn scalar(s: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(s);
    }
    match s.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = s.parse::<i64>() {
        return Value::Number(i.into());
    }
    let looks_numeric = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && s.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric
        && let Ok(f) = s.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(s)
}

/// Parses the first document of `text`. An empty text is `null`.
pub fn parse(text: &str) -> Result<Doc, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Value, usize)> = HashMap::new();
    let mut marks: HashMap<String, Mark> = HashMap::new();
    let mut nodes = 0usize;
    let mut root: Option<Value> = None;
    let err = |at: Mark, message: String| YamlError { at, message };
    loop {
        let (event, marker) = parser.next_token().map_err(|e| YamlError {
            at: mark_of(e.marker()),
            message: format!("not valid YAML: {}", e.info()),
        })?;
        let at = mark_of(&marker);
        // The path of a node that starts here, and whether it is a key.
        let (path, is_key) = match stack.last() {
            None => (String::new(), false),
            Some(Frame::Seq { items, path, .. }) => (format!("{path}[{}]", items.len()), false),
            Some(Frame::Map { key: None, .. }) => (String::new(), true),
            Some(Frame::Map {
                key: Some((k, _)),
                path,
                ..
            }) => {
                let mut p = path.clone();
                push_key(&mut p, k);
                (p, false)
            }
        };
        let done: Option<(Value, usize, usize)> = match event {
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart => None,
            Event::Scalar(s, style, anchor, _) => {
                if is_key {
                    if let Some(Frame::Map {
                        items, key, merged, ..
                    }) = stack.last_mut()
                    {
                        if let Some(i) = merged.iter().position(|m| *m == s) {
                            merged.swap_remove(i);
                            items.remove(&s);
                        } else if items.contains_key(&s) {
                            return Err(err(
                                at,
                                format!("the key `{s}` appears twice in this mapping; keep one"),
                            ));
                        }
                        *key = Some((s, at));
                    }
                    continue;
                }
                marks.insert(path, at);
                Some((scalar(s, style), 1, anchor))
            }
            Event::Alias(id) => {
                if is_key {
                    return Err(err(at, "an alias as a mapping key is not supported".into()));
                }
                let (v, size) = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| err(at, "not valid YAML: alias to an unknown anchor".into()))?;
                nodes += size;
                marks.insert(path, at);
                Some((v, size, 0))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if is_key {
                    return Err(err(
                        at,
                        "a mapping key must be a plain text, not a list or a mapping".into(),
                    ));
                }
                marks.insert(path.clone(), at);
                if matches!(event, Event::SequenceStart(..)) {
                    stack.push(Frame::Seq {
                        items: Vec::new(),
                        anchor,
                        path,
                        size: 1,
                    });
                } else {
                    stack.push(Frame::Map {
                        items: Map::new(),
                        merged: Vec::new(),
                        key: None,
                        anchor,
                        path,
                        size: 1,
                    });
                }
                if stack.len() > MAX_DEPTH {
                    return Err(err(
                        at,
                        format!("nested deeper than {MAX_DEPTH} levels; refused"),
                    ));
                }
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq {
                    items,
                    anchor,
                    size,
                    ..
                }) => Some((Value::Array(items), size, anchor)),
                _ => return Err(err(at, "not valid YAML: unbalanced sequence".into())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    items,
                    anchor,
                    size,
                    ..
                }) => Some((Value::Object(items), size, anchor)),
                _ => return Err(err(at, "not valid YAML: unbalanced mapping".into())),
            },
        };
        let Some((value, size, anchor)) = done else {
            continue;
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(err(
                at,
                format!("more than {MAX_NODES} nodes (aliases expanded); refused"),
            ));
        }
        if anchor > 0 {
            anchors.insert(anchor, (value.clone(), size));
        }
        match stack.last_mut() {
            None => {
                root = Some(value);
            }
            Some(Frame::Seq { items, size: s, .. }) => {
                items.push(value);
                *s += size;
            }
            Some(Frame::Map {
                items,
                key,
                merged,
                size: s,
                ..
            }) => {
                if let Some((k, _)) = key.take() {
                    *s += size;
                    if k == "<<" {
                        // A merge key (YAML 1.1, as Threagile models use it):
                        // the mapping's (or mappings') entries are added
                        // unless this mapping sets them itself.
                        let sources = match value {
                            Value::Array(a) => a,
                            v => vec![v],
                        };
                        for src in sources {
                            if let Value::Object(m) = src {
                                for (mk, mv) in m {
                                    if !items.contains_key(&mk) {
                                        merged.push(mk.clone());
                                        items.insert(mk, mv);
                                    }
                                }
                            }
                        }
                    } else {
                        items.insert(k, value);
                    }
                }
            }
        }
    }
    Ok(Doc {
        value: root.unwrap_or(Value::Null),
        marks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_follow_the_core_schema() {
        let d = parse("a: true\nb: '1'\nc: 1\nd: 1.5\ne: ~\nf: yes\ng: 1.2.3\n").unwrap();
        assert_eq!(
            d.value,
            serde_json::json!({"a": true, "b": "1", "c": 1, "d": 1.5, "e": null, "f": "yes", "g": "1.2.3"})
        );
    }

    #[test]
    fn marks_and_typed_errors_point_at_the_node() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            items: Vec<I>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct I {
            n: u32,
        }
        let d = parse("items:\n  - n: 1\n  - n: lots\n").unwrap();
        assert_eq!(d.mark("items[1].n"), Mark { line: 3, col: 8 });
        let e = d.typed::<T>().unwrap_err();
        assert_eq!(e.at, Mark { line: 3, col: 8 });
        assert!(
            e.message.starts_with("`items[1].n`: invalid type"),
            "{}",
            e.message
        );
        let e = parse("items:\n  - n: 1\n    m: 2\n")
            .unwrap()
            .typed::<T>()
            .unwrap_err();
        assert_eq!(e.at.line, 3, "{e:?}");
        assert!(e.message.contains("unknown field `m`"), "{}", e.message);
    }

    #[test]
    fn duplicate_keys_deep_nesting_and_alias_bombs_are_refused() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(e.at.line, 3);
        assert!(e.message.contains("`a` appears twice"));
        let deep = "[".repeat(300) + &"]".repeat(300);
        let e = parse(&deep).unwrap_err();
        assert!(
            e.message.contains("deeper") || e.message.contains("recursion"),
            "{e:?}"
        );
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            bomb.push_str(&format!(
                "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = c;
        }
        assert!(parse(&bomb).unwrap_err().message.contains("refused"));
        assert!(
            parse("a: [1, 2\n")
                .unwrap_err()
                .message
                .starts_with("not valid YAML")
        );
    }
}
