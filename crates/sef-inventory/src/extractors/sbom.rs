//! Existing SBOMs as inventory sources: CycloneDX JSON (1.4 to 1.6) and
//! SPDX 2.3 JSON. This is how components of supplied software and binaries
//! enter sef. The format is recognised from the content; the ecosystem and
//! name come from each component's purl when it has one.

use super::json_locks::object;
use crate::text::JsonLines;
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use serde_json::Value;

/// The SBOM extractor.
pub struct SbomJson;

/// Nested CycloneDX components deeper than this are not read.
const MAX_NESTING: usize = 64;

impl Extractor for SbomJson {
    fn id(&self) -> &'static str {
        "sbom"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        let n = file_name.to_ascii_lowercase();
        n.ends_with(".cdx.json")
            || n.ends_with(".spdx.json")
            || n.ends_with(".bom.json")
            || n.ends_with(".sbom.json")
            || n == "bom.json"
            || n == "sbom.json"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let doc: Value = object(text, "SBOM")?;
        let mut wanted: Vec<&str> = Vec::new();
        collect_keys(&doc, 0, &mut wanted);
        let lines = JsonLines::for_strings(text, wanted);
        if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
            let mut out = Extracted::default();
            let spec = doc.get("specVersion").and_then(Value::as_str).unwrap_or("");
            if !matches!(spec, "1.4" | "1.5" | "1.6") {
                out.warnings.push((
                    Some(1),
                    format!(
                        "CycloneDX specVersion `{spec}`: sef reads 1.4 to 1.6; read as best it can"
                    ),
                ));
            }
            if let Some(list) = doc.get("components").and_then(Value::as_array) {
                cyclonedx(input, &lines, list, 0, &mut out);
            }
            Ok(out)
        } else if let Some(v) = doc.get("spdxVersion").and_then(Value::as_str) {
            let mut out = Extracted::default();
            if v != "SPDX-2.3" {
                out.warnings.push((
                    Some(1),
                    format!("{v}: sef reads SPDX-2.3 JSON; read as best it can"),
                ));
            }
            spdx(input, &lines, &doc, &mut out);
            Ok(out)
        } else {
            Err(ExtractError::at(
                Some(1),
                "not an SBOM sef reads: neither `bomFormat: CycloneDX` nor `spdxVersion` is present",
            ))
        }
    }
}

/// The purls, names and SPDX ids the line index needs.
fn collect_keys<'a>(v: &'a Value, depth: usize, out: &mut Vec<&'a str>) {
    if depth > MAX_NESTING {
        return;
    }
    for key in ["components", "packages"] {
        for c in v
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            for field in ["purl", "name", "SPDXID"] {
                if let Some(s) = c.get(field).and_then(Value::as_str) {
                    out.push(s);
                }
            }
            collect_keys(c, depth + 1, out);
        }
    }
}

fn component_from(
    input: &Input<'_>,
    line: Option<u32>,
    purl: Option<&str>,
    name: &str,
    version: Option<&str>,
) -> Component {
    match purl.and_then(crate::purl::parse_purl) {
        Some((eco, pname, pversion)) => {
            let mut c = Component::new(
                eco,
                pname,
                pversion.or(version.map(str::to_owned)),
                input.at(line),
            );
            c.purl = purl.map(str::to_owned);
            c
        }
        None => Component::new(
            Ecosystem::Generic,
            name,
            version.map(str::to_owned),
            input.at(line),
        ),
    }
}

fn cyclonedx(
    input: &Input<'_>,
    lines: &JsonLines<'_>,
    list: &[Value],
    depth: usize,
    out: &mut Extracted,
) {
    if depth > MAX_NESTING {
        out.warnings.push((
            None,
            format!("components nested deeper than {MAX_NESTING}; the deeper ones are not read"),
        ));
        return;
    }
    for comp in list {
        let name = comp.get("name").and_then(Value::as_str).unwrap_or("");
        let group = comp
            .get("group")
            .and_then(Value::as_str)
            .filter(|g| !g.is_empty());
        let full = match group {
            Some(g) => format!("{g}/{name}"),
            None => name.to_owned(),
        };
        let purl = comp.get("purl").and_then(Value::as_str);
        if name.is_empty() && purl.is_none() {
            out.warnings
                .push((None, "a component without name or purl; skipped".to_owned()));
        } else {
            let line = purl
                .and_then(|p| lines.line(p))
                .or_else(|| lines.line(name));
            let mut c = component_from(
                input,
                line,
                purl,
                &full,
                comp.get("version").and_then(Value::as_str),
            );
            c.first_party = comp
                .get("properties")
                .and_then(Value::as_array)
                .is_some_and(|ps| {
                    ps.iter().any(|p| {
                        p.get("name").and_then(Value::as_str) == Some("sef:first-party")
                            && p.get("value").and_then(Value::as_str) == Some("true")
                    })
                });
            c.scope = match comp.get("scope").and_then(Value::as_str) {
                Some("optional") => DependencyScope::Optional,
                Some("excluded") => DependencyScope::Development,
                Some("required") => DependencyScope::Runtime,
                _ => DependencyScope::Unknown,
            };
            c.license = comp
                .get("licenses")
                .and_then(Value::as_array)
                .and_then(|ls| {
                    let parts: Vec<String> = ls
                        .iter()
                        .filter_map(|l| {
                            l.get("expression")
                                .and_then(Value::as_str)
                                .map(str::to_owned)
                                .or_else(|| {
                                    let lic = l.get("license")?;
                                    lic.get("id")
                                        .or_else(|| lic.get("name"))
                                        .and_then(Value::as_str)
                                        .map(str::to_owned)
                                })
                        })
                        .collect();
                    (!parts.is_empty()).then(|| parts.join(" AND "))
                });
            c.checksum = comp
                .get("hashes")
                .and_then(Value::as_array)
                .and_then(|h| h.first())
                .and_then(|h| {
                    Some(format!(
                        "{}:{}",
                        h.get("alg")?.as_str()?,
                        h.get("content")?.as_str()?
                    ))
                });
            out.components.push(c);
        }
        if let Some(nested) = comp.get("components").and_then(Value::as_array) {
            cyclonedx(input, lines, nested, depth + 1, out);
        }
    }
}

fn spdx(input: &Input<'_>, lines: &JsonLines<'_>, doc: &Value, out: &mut Extracted) {
    for p in doc
        .get("packages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        let purl = p
            .get("externalRefs")
            .and_then(Value::as_array)
            .and_then(|refs| {
                refs.iter()
                    .find(|r| r.get("referenceType").and_then(Value::as_str) == Some("purl"))
            })
            .and_then(|r| r.get("referenceLocator").and_then(Value::as_str));
        if name.is_empty() && purl.is_none() {
            out.warnings
                .push((None, "a package without name or purl; skipped".to_owned()));
            continue;
        }
        let line = p
            .get("SPDXID")
            .and_then(Value::as_str)
            .and_then(|id| lines.line(id));
        let mut c = component_from(
            input,
            line,
            purl,
            name,
            p.get("versionInfo").and_then(Value::as_str),
        );
        c.license = ["licenseConcluded", "licenseDeclared"]
            .iter()
            .filter_map(|k| p.get(*k).and_then(Value::as_str))
            .find(|l| !matches!(*l, "NOASSERTION" | "NONE"))
            .map(str::to_owned);
        c.checksum = p
            .get("checksums")
            .and_then(Value::as_array)
            .and_then(|cs| cs.first())
            .and_then(|h| {
                Some(format!(
                    "{}:{}",
                    h.get("algorithm")?.as_str()?,
                    h.get("checksumValue")?.as_str()?
                ))
            });
        out.components.push(c);
    }
}
