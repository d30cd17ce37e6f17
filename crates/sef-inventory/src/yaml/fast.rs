//! A reader for YAML exactly as lockfile writers lay it out (pnpm's, in
//! particular): block mappings indented by spaces, plain or single-quoted
//! scalars, one-line flow collections of scalars (`{integrity: sha512-…}`,
//! `[x64]`), and block sequences of scalars. It builds the same tree as
//! the event parser at a fraction of the cost. Anything else (comments,
//! double quotes, anchors, tags, block scalars, multi-line scalars,
//! tabs, non-ASCII text, empty values, nested flow collections) makes it
//! give up, and the full parser reads the document instead.

use super::{V, Y};

/// A block collection being filled, and the indentation of its entries.
struct Frame {
    indent: usize,
    line: u32,
    body: Body,
}

enum Body {
    /// Entries so far, and a key whose value is the block below it.
    Map(Vec<(String, Y)>, Option<String>),
    Seq(Vec<Y>),
}

fn node(line: u32, value: V) -> Y {
    let size = 1 + match &value {
        V::Scalar(_) => 0,
        V::Seq(items) => items.iter().map(|y| y.size).sum(),
        V::Map(items) => items.iter().map(|(_, y)| y.size).sum(),
    };
    Y { line, value, size }
}

impl Frame {
    fn finish(self) -> Option<Y> {
        match self.body {
            // a key still waiting for its value: an empty value
            Body::Map(_, Some(_)) => None,
            Body::Map(items, None) => Some(node(self.line, V::Map(items))),
            Body::Seq(items) => Some(node(self.line, V::Seq(items))),
        }
    }
}

/// Whether `b` may start a plain scalar here: no indicator, nothing that
/// would change the meaning (`-`, `?`, `:` are indicators when followed by
/// a space, `<<` is a merge key; left out to keep the reader small).
fn plain_start(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'.' | b'/' | b'_' | b'^' | b'~' | b'=' | b'(' | b'+' | b'$'
        )
}

/// A scalar at the start of `s` (plain or single-quoted) and the rest of
/// `s` after it. In flow context a plain scalar also ends at `,`, `]`,
/// `}`; a plain scalar ends at `: `, `:` at the end, or ` #`.
fn scalar(s: &str, flow: bool) -> Option<(String, &str)> {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b'\'') {
        let mut out = String::new();
        let mut i = 1;
        let mut from = 1;
        loop {
            match bytes.get(i)? {
                b'\'' if bytes.get(i + 1) == Some(&b'\'') => {
                    out.push_str(&s[from..=i]);
                    i += 2;
                    from = i;
                }
                b'\'' => {
                    out.push_str(&s[from..i]);
                    return Some((out, &s[i + 1..]));
                }
                _ => i += 1,
            }
        }
    }
    if !plain_start(*bytes.first()?) {
        return None;
    }
    let mut end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        let stop = match b {
            b':' => {
                matches!(next, None | Some(b' '))
                    || (flow && matches!(next, Some(b',' | b']' | b'}')))
            }
            b'#' => i > 0 && bytes[i - 1] == b' ',
            b',' | b'[' | b']' | b'{' | b'}' => flow,
            _ => false,
        };
        if stop {
            end = i;
            break;
        }
    }
    let text = s[..end].trim_end_matches(' ');
    Some((text.to_owned(), &s[text.len()..]))
}

/// A one-line flow collection of scalars (`{a: b, c: 'd'}`, `[x, y]`,
/// `{}`) that makes up the whole of `s`.
fn flow(s: &str, line: u32) -> Option<Y> {
    let (map, close) = match s.as_bytes().first()? {
        b'{' => (true, '}'),
        b'[' => (false, ']'),
        _ => return None,
    };
    let mut rest = s[1..].trim_start_matches(' ');
    let mut entries = Vec::new();
    let mut items = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix(close) {
            if !after.is_empty() {
                return None;
            }
            break;
        }
        let (first, after) = scalar(rest, true)?;
        if map {
            let after = after.strip_prefix(": ")?.trim_start_matches(' ');
            let (value, after) = scalar(after, true)?;
            entries.push((first, node(line, V::Scalar(value))));
            rest = after;
        } else {
            items.push(node(line, V::Scalar(first)));
            rest = after;
        }
        rest = rest.trim_start_matches(' ');
        if let Some(after) = rest.strip_prefix(',') {
            rest = after.trim_start_matches(' ');
            // `[a, ]`: a trailing comma; left to the full parser
            if rest.starts_with(close) {
                return None;
            }
        } else if !rest.starts_with(close) {
            return None;
        }
    }
    Some(if map {
        node(line, V::Map(entries))
    } else {
        node(line, V::Seq(items))
    })
}

/// A value written on the entry's own line: a scalar that ends the line,
/// or a flow collection.
fn inline_value(s: &str, line: u32) -> Option<Y> {
    if s.starts_with(['{', '[']) {
        return flow(s, line);
    }
    let (value, rest) = scalar(s, false)?;
    rest.is_empty().then(|| node(line, V::Scalar(value)))
}

/// Attaches a finished node to the collection that holds it.
fn attach(stack: &mut [Frame], y: Y) -> Option<()> {
    match &mut stack.last_mut()?.body {
        Body::Map(items, key) => items.push((key.take()?, y)),
        Body::Seq(_) => return None,
    }
    Some(())
}

/// The document, when the whole of `text` is in the layout this reader
/// knows; `None` sends it to the full parser. `first_line` is the number
/// the event parser gives the first line.
pub(super) fn parse(text: &str, first_line: u32) -> Option<Y> {
    if !text
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    let mut stack: Vec<Frame> = Vec::new();
    for (n, raw) in text.split('\n').enumerate() {
        let line = first_line + u32::try_from(n).ok()?;
        let content = raw.trim_start_matches(' ');
        if content.is_empty() {
            if !raw.is_empty() {
                // trailing spaces on an empty line are harmless, but keep
                // the reader's rules few
                return None;
            }
            continue;
        }
        if content.ends_with(' ')
            || content.starts_with(['#', '%'])
            || raw.starts_with("---")
            || raw.starts_with("...")
        {
            return None;
        }
        let indent = raw.len() - content.len();
        // close the collections this line is outside of
        while stack.last().is_some_and(|f| f.indent > indent) {
            let done = stack.pop()?.finish()?;
            attach(&mut stack, done)?;
        }
        let sequence_item = content == "-" || content.starts_with("- ");
        match stack.last() {
            None if indent == 0 && !sequence_item => stack.push(Frame {
                indent,
                line,
                body: Body::Map(Vec::new(), None),
            }),
            None => return None,
            Some(top) => {
                let waiting = matches!(top.body, Body::Map(_, Some(_)));
                if waiting && indent > top.indent {
                    stack.push(Frame {
                        indent,
                        line,
                        body: if sequence_item {
                            Body::Seq(Vec::new())
                        } else {
                            Body::Map(Vec::new(), None)
                        },
                    });
                } else if waiting || indent != top.indent {
                    return None;
                }
            }
        }
        let top = stack.last_mut()?;
        match &mut top.body {
            Body::Seq(items) => {
                let value = content.strip_prefix("- ")?;
                items.push(inline_value(value, line)?);
            }
            Body::Map(items, pending) => {
                if sequence_item {
                    return None;
                }
                let (key, rest) = scalar(content, false)?;
                // the event parser limits an implicit key's length
                if content.len() - rest.len() > 1000 {
                    return None;
                }
                let rest = rest.strip_prefix(':')?;
                if rest.is_empty() {
                    *pending = Some(key);
                } else {
                    let value = rest.strip_prefix(' ')?;
                    items.push((key, inline_value(value, line)?));
                }
            }
        }
    }
    while stack.len() > 1 {
        let done = stack.pop()?.finish()?;
        attach(&mut stack, done)?;
    }
    stack.pop()?.finish()
}

#[cfg(test)]
mod tests {
    use super::super::{FIRST_LINE, event_parse};
    use super::*;
    use proptest::prelude::*;

    /// Wherever the fast reader answers, it answers what the event parser
    /// answers (lines and sizes included).
    fn agrees(text: &str) -> bool {
        match parse(text, FIRST_LINE) {
            Some(fast) => {
                assert_eq!(Some(fast), event_parse(text).ok(), "{text}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn real_lockfiles_take_the_fast_path_and_agree() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lockfiles");
        let mut fast = 0;
        let mut seen = 0;
        for dir in ["pnpmlock", "pubspec"] {
            let rd = std::fs::read_dir(root.join(dir)).expect("../shared/data/lockfiles is needed");
            for e in rd.flatten() {
                let Ok(text) = std::fs::read_to_string(e.path()) else {
                    continue;
                };
                seen += 1;
                if agrees(&text) {
                    fast += 1;
                }
            }
        }
        assert!(seen >= 40, "{seen} files");
        assert!(
            fast >= 25,
            "only {fast} of {seen} real lockfiles took the fast path"
        );
    }

    #[test]
    fn odd_layouts_go_to_the_full_parser() {
        for odd in [
            "a: \"x\"\n",
            "a: x # c\n",
            "a:\n",
            "a:\nb: c\n",
            "a: &x y\n",
            "a: !t y\n",
            "a: |\n  x\n",
            "a: [x, [y]]\n",
            "a:\n- x\n",
            "a:\n  - b: c\n",
            "a: x\n  y\n",
            "a:\tx\n",
            "a: é\n",
            "  a: x\n",
            "a: [x, ]\n",
            "? a\n: b\n",
            "a: 'x\n",
        ] {
            assert!(parse(odd, FIRST_LINE).is_none(), "{odd}");
        }
    }

    #[test]
    fn pnpm_layouts_agree() {
        let doc = "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n\noverrides:\n  rollup@>=4.0.0 <4.22.4: '>=4.22.4'\n\nimporters:\n\n  .:\n    devDependencies:\n      prettier:\n        specifier: ^3.3.3\n        version: 3.3.3\n\n  examples/file-associations: {}\n\npackages:\n\n  '@ampproject/remapping@2.3.0':\n    resolution: {integrity: sha512-30iZ==, tarball: https://x.org/a.tgz}\n    engines: {node: '>=6.0.0'}\n    cpu: [x64, arm64]\n\nsnapshots:\n\n  a@1.0.0(b@2.0.0):\n    dependencies:\n      b: 2.0.0\n    transitivePeerDependencies:\n      - supports-color\n      - 'it''s'\n";
        assert!(agrees(doc));
        // a later document of a pnpm 10 lockfile: the earlier one's lines
        // are blank
        assert!(agrees(&format!("\n\n\n{doc}")));
    }

    fn scalar_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9][a-z0-9@/.^~()+-]{0,10}",
            "'[ a-z@/:#{},\\[\\]-]{0,8}'",
            "[0-9]\\.[0-9] <[0-9]",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn never_disagrees_with_the_event_parser(
            entries in prop::collection::vec((scalar_text(), 0u8..4, prop::collection::vec(scalar_text(), 0..3)), 1..6),
            noise in "[ :'\\-#\\[\\]{},a\n]{0,8}",
            at in any::<prop::sample::Index>(),
        ) {
            let mut text = String::new();
            for (i, (key, kind, items)) in entries.iter().enumerate() {
                match kind {
                    0 => text.push_str(&format!("k{i}: {key}\n")),
                    1 => {
                        text.push_str(&format!("k{i}:\n"));
                        for (j, v) in items.iter().enumerate() {
                            text.push_str(&format!("  {key}{j}: {v}\n"));
                        }
                        if items.is_empty() {
                            text.push_str("  x: y\n");
                        }
                    }
                    2 => text.push_str(&format!("k{i}: {{{}}}\n", items.iter().enumerate().map(|(j, v)| format!("f{j}: {v}")).collect::<Vec<_>>().join(", "))),
                    _ => {
                        text.push_str(&format!("k{i}:\n  s:\n"));
                        for v in items {
                            text.push_str(&format!("    - {v}\n"));
                        }
                        text.push_str(&format!("    - {key}\n"));
                    }
                }
            }
            agrees(&text);
            let cut = at.index(text.len() + 1);
            let mut mutated = text.clone();
            mutated.insert_str(cut, &noise);
            agrees(&mutated);
        }
    }
}
