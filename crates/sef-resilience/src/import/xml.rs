//! Parsing untrusted XML reports: roxmltree with the DTD allowed (Burp's
//! exports carry one) but a bounded node count, and errors located by line
//! and column.

use super::ImportError;

/// The most XML nodes a report may have (entity expansion included).
const MAX_NODES: u32 = 20_000_000;

/// Parses `text` as XML.
pub(super) fn parse(text: &str) -> Result<roxmltree::Document<'_>, ImportError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_NODES,
        // no resolver: external entities are never fetched or read
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        let p = e.pos();
        ImportError::at(
            p.row as usize,
            p.col as usize,
            format!("not well-formed XML: {e}"),
        )
    })
}

/// The trimmed text of `node`'s first child element called `name`.
pub(super) fn child<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|c| c.has_tag_name(name))
        .and_then(|c| c.text())
        .map(str::trim)
}

/// The 1-based line and column of `node`.
pub(super) fn pos(doc: &roxmltree::Document<'_>, node: roxmltree::Node<'_, '_>) -> (usize, usize) {
    let p = doc.text_pos_at(node.range().start);
    (p.row as usize, p.col as usize)
}
