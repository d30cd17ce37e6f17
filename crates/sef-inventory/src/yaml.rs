//! A bounded YAML reader for lockfiles. yaml-rust2's event parser (no
//! recursion) feeds an explicit-stack tree builder, so deep nesting cannot
//! overflow the stack, and alias expansion is budgeted, so a "billion
//! laughs" document is refused instead of exhausting memory.

use crate::ExtractError;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};

mod fast;

/// The number the event parser gives a document's first line.
const FIRST_LINE: u32 = 1;

/// Nesting deeper than this is refused.
const MAX_DEPTH: usize = 1_000;
/// Nodes that aliases may add by expansion, in total.
const MAX_ALIAS_NODES: usize = 1_000_000;

/// A YAML value with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Y {
    pub line: u32,
    pub value: V,
    size: usize,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V {
    Scalar(String),
    // Kept so sequences parse and can be walked; no format reads one yet.
    #[allow(dead_code)]
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Y {
    /// The value under `key` of a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Y> {
        match &self.value {
            V::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar as text (`None` for collections and nulls).
    pub(crate) fn str(&self) -> Option<&str> {
        match &self.value {
            V::Scalar(s) if s != "~" && s != "null" && !s.is_empty() => Some(s),
            _ => None,
        }
    }

    /// Whether the value is a mapping, or empty (null, `{}`, nothing): what
    /// a lockfile section holding entries must be. A scalar or a sequence
    /// there means the file is damaged.
    pub(crate) fn is_map_or_empty(&self) -> bool {
        match &self.value {
            V::Map(_) => true,
            V::Scalar(s) => s.is_empty() || s == "~" || s == "null",
            V::Seq(_) => false,
        }
    }

    /// The entries of a mapping (empty otherwise).
    pub(crate) fn entries(&self) -> &[(String, Y)] {
        match &self.value {
            V::Map(m) => m,
            _ => &[],
        }
    }

    /// Whether the scalar is `true`.
    pub(crate) fn is_true(&self) -> bool {
        self.str() == Some("true")
    }
}

enum Frame {
    Seq(Vec<Y>, usize, u32),
    Map(Vec<(String, Y)>, Option<String>, usize, u32),
}

/// Parses a document whose top level must be a mapping (every YAML
/// lockfile); `what` names the format in the error.
pub(crate) fn parse_mapping(text: &str, what: &str) -> Result<Y, ExtractError> {
    let doc = parse(text)?;
    if matches!(doc.value, V::Map(_)) {
        Ok(doc)
    } else {
        Err(ExtractError::at(
            Some(1),
            format!("not a {what}: the top level must be a mapping"),
        ))
    }
}

/// Parses the first document of `text`. An empty document is an empty map.
/// Lockfiles in their writers' own layout take a fast reader that builds
/// the same tree; everything else takes the event parser.
pub(crate) fn parse(text: &str) -> Result<Y, ExtractError> {
    match fast::parse(text, FIRST_LINE) {
        Some(doc) => Ok(doc),
        None => event_parse(text),
    }
}

/// Parses the first document of `text` with yaml-rust2's event parser.
fn event_parse(text: &str) -> Result<Y, ExtractError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Y> = HashMap::new();
    let mut expanded = 0usize;
    let mut root: Option<Y> = None;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let line = u32::try_from(e.marker().line()).ok();
            ExtractError::at(line, format!("not valid YAML: {}", e.info()))
        })?;
        let line = u32::try_from(mark.line()).unwrap_or(u32::MAX);
        let done = match event {
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::Scalar(s, _, anchor, _) => Some((
                Y {
                    line,
                    value: V::Scalar(s),
                    size: 1,
                },
                anchor,
            )),
            Event::Alias(id) => {
                let node = anchors.get(&id).cloned().ok_or_else(|| {
                    ExtractError::at(Some(line), "not valid YAML: alias to an unknown anchor")
                })?;
                expanded += node.size;
                if expanded > MAX_ALIAS_NODES {
                    return Err(ExtractError::at(
                        Some(line),
                        format!(
                            "YAML aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?); refused"
                        ),
                    ));
                }
                Some((node, 0))
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq(Vec::new(), anchor, line));
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map(Vec::new(), None, anchor, line));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, anchor, l)) => {
                    let size = 1 + items.iter().map(|y| y.size).sum::<usize>();
                    Some((
                        Y {
                            line: l,
                            value: V::Seq(items),
                            size,
                        },
                        anchor,
                    ))
                }
                _ => {
                    return Err(ExtractError::at(
                        Some(line),
                        "not valid YAML: unbalanced sequence",
                    ));
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(items, _, anchor, l)) => {
                    let size = 1 + items.iter().map(|(_, y)| y.size).sum::<usize>();
                    Some((
                        Y {
                            line: l,
                            value: V::Map(items),
                            size,
                        },
                        anchor,
                    ))
                }
                _ => {
                    return Err(ExtractError::at(
                        Some(line),
                        "not valid YAML: unbalanced mapping",
                    ));
                }
            },
            Event::Nothing | Event::StreamStart | Event::DocumentStart => None,
        };
        if stack.len() > MAX_DEPTH {
            return Err(ExtractError::at(
                Some(line),
                format!("YAML nested deeper than {MAX_DEPTH} levels; refused"),
            ));
        }
        let Some((node, anchor)) = done else { continue };
        if anchor > 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Frame::Seq(items, _, _)) => items.push(node),
            Some(Frame::Map(items, key, _, _)) => match key.take() {
                None => {
                    *key = Some(match &node.value {
                        V::Scalar(s) => s.clone(),
                        _ => String::from("<complex key>"),
                    })
                }
                Some(k) => items.push((k, node)),
            },
        }
        if root.is_some() && stack.is_empty() {
            break;
        }
    }
    Ok(root.unwrap_or(Y {
        line: 1,
        value: V::Map(Vec::new()),
        size: 1,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_maps_sequences_and_lines() {
        let y = parse("a: 1\nb:\n  - x\n  - {c: d}\n").unwrap();
        assert_eq!(y.get("a").unwrap().str(), Some("1"));
        assert_eq!(y.get("b").unwrap().line, 3);
        let V::Seq(items) = &y.get("b").unwrap().value else {
            panic!()
        };
        assert_eq!(items[1].get("c").unwrap().str(), Some("d"));
        assert!(parse("").unwrap().entries().is_empty());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            doc.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n", p = i - 1));
        }
        let e = parse(&doc).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = format!("{}x{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse(&doc).unwrap_err();
        // yaml-rust2's own recursion limit or ours: refused either way.
        assert!(
            e.message.contains("nested deeper") || e.message.contains("recursion limit"),
            "{e}"
        );
    }
}
