//! XML reading shared by the XML-based formats. roxmltree does not fetch
//! external entities or DTDs, so hostile documents cannot reach out.

use crate::ExtractError;

/// Parses an XML document, mapping errors to a line.
pub(crate) fn parse(text: &str) -> Result<roxmltree::Document<'_>, ExtractError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        ExtractError::at(Some(pos.row), format!("not valid XML: {e}"))
    })
}

/// The 1-based line of a node.
pub(crate) fn line(doc: &roxmltree::Document<'_>, node: roxmltree::Node<'_, '_>) -> Option<u32> {
    Some(doc.text_pos_at(node.range().start).row)
}
