//! CycloneDX 1.6 JSON, written from borrowed, typed records (no
//! intermediate JSON tree: large SBOMs stay cheap).

use super::pretty::{append_joined, joined_len, pretty_items};
use super::{Entry, SbomSubject, content_id, hash_of, merge, spdx_expression};
use sef_model::{Component, DependencyScope};
use serde::Serialize;
use std::borrow::Cow;

/// The whole document in one value (the tests' reference for the chunked
/// writer).
#[cfg(test)]
#[derive(Serialize)]
struct Bom<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "bomFormat")]
    bom_format: &'static str,
    #[serde(rename = "specVersion")]
    spec_version: &'static str,
    #[serde(rename = "serialNumber")]
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<Comp<'a>>,
    dependencies: Vec<Dep<'a>>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: String,
    tools: Tools<'a>,
    component: Root<'a>,
}

#[derive(Serialize)]
struct Tools<'a> {
    components: [Tool<'a>; 1],
}

#[derive(Serialize)]
struct Tool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Root<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'a str,
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct Comp<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<Cow<'a, str>>,
    name: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<License<'a>>,
    properties: Vec<Property<'a>>,
}

#[derive(Serialize)]
struct Hash {
    alg: &'static str,
    content: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum License<'a> {
    Expression { expression: String },
    Named { license: Named<'a> },
}

#[derive(Serialize)]
struct Named<'a> {
    name: Cow<'a, str>,
}

#[derive(Serialize)]
struct Property<'a> {
    name: &'static str,
    value: Cow<'a, str>,
}

#[derive(Serialize)]
struct Dep<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    #[serde(rename = "dependsOn")]
    depends_on: Vec<Cow<'a, str>>,
}

/// What redacts a string the document takes from the repository: its
/// replacement, or `None` to keep it.
type Redact<'r> = &'r (dyn Fn(&str) -> Option<String> + Sync);

/// `s` redacted.
fn red<'a>(redact: Redact<'_>, s: &'a str) -> Cow<'a, str> {
    match redact(s) {
        Some(r) => Cow::Owned(r),
        None => Cow::Borrowed(s),
    }
}

/// Each entry's key, redacted once, for every place the key appears.
fn redacted_keys<'a>(entries: &'a [Entry<'a>], redact: Redact<'_>) -> Vec<Cow<'a, str>> {
    use rayon::prelude::*;
    entries.par_iter().map(|e| red(redact, &e.key)).collect()
}

fn comp<'a>(e: &'a Entry<'a>, key: &'a str, redact: Redact<'_>) -> Comp<'a> {
    let c: &Component = e.first;
    let red = |s: &'a str| red(redact, s);
    // Maven coordinates `group:artifact`: the group goes in `group`
    let (group, name) = match c.ecosystem {
        sef_model::Ecosystem::Maven => match c.name.split_once(':') {
            Some((g, a)) if !g.is_empty() && !a.is_empty() => (Some(g), a),
            _ => (None, c.name.as_str()),
        },
        _ => (None, c.name.as_str()),
    };
    let mut properties = vec![Property {
        name: "sef:ecosystem",
        value: Cow::Borrowed(c.ecosystem.as_str()),
    }];
    properties.extend(e.sources.iter().map(|s| Property {
        name: "sef:source",
        value: red(s),
    }));
    properties.push(Property {
        name: "sef:first-party",
        value: Cow::Borrowed(if c.first_party { "true" } else { "false" }),
    });
    if c.version.is_none() {
        properties.push(Property {
            name: "sef:unpinned",
            value: Cow::Borrowed("true"),
        });
    }
    Comp {
        kind: if c.first_party {
            "application"
        } else {
            "library"
        },
        bom_ref: key,
        group: group.map(red),
        name: red(name),
        version: c.version.as_deref().map(red),
        // the purl is most often the key itself, already redacted
        purl: c.purl.as_deref().map(|p| {
            if p == e.key {
                Cow::Borrowed(key)
            } else {
                red(p)
            }
        }),
        scope: match e.scope {
            DependencyScope::Runtime => Some("required"),
            DependencyScope::Optional => Some("optional"),
            DependencyScope::Development => Some("excluded"),
            DependencyScope::Unknown => None,
        },
        hashes: c
            .checksum
            .as_deref()
            .and_then(hash_of)
            .map(|(alg, content)| Hash {
                alg,
                content: redact(&content).unwrap_or(content),
            })
            .into_iter()
            .collect(),
        licenses: c
            .license
            .as_deref()
            .map(|l| match spdx_expression(l) {
                Some(expression) => License::Expression {
                    expression: redact(&expression).unwrap_or(expression),
                },
                None => License::Named {
                    license: Named { name: red(l) },
                },
            })
            .into_iter()
            .collect(),
        properties,
    }
}

/// Writes the components as a CycloneDX 1.6 JSON document (pretty, with a
/// trailing newline).
pub fn cyclonedx_json(subject: &SbomSubject, components: &[Component]) -> String {
    cyclonedx_json_redacted(subject, components, &|_| None)
}

/// [`cyclonedx_json`], with every string the document takes from the
/// repository or the plan passed through `redact` (which gives the
/// string's replacement, or `None` to keep it) before it is written: a
/// redaction that knows the document's structure, so it cannot cut a JSON
/// string, and each key is redacted once however often it is named. The
/// components and dependencies are written in runs on the thread pool.
pub fn cyclonedx_json_redacted(
    subject: &SbomSubject,
    components: &[Component],
    redact: &(dyn Fn(&str) -> Option<String> + Sync),
) -> String {
    let entries = merge(components);
    let keys = redacted_keys(&entries, redact);
    let (name, version) = (red(redact, &subject.name), red(redact, &subject.version));
    let tool_version = red(redact, &subject.tool_version);
    let root_ref = format!("sef:root:{name}@{version}");
    let root_dep = Dep {
        reference: &root_ref,
        depends_on: super::root_dependencies(&entries)
            .into_iter()
            .map(|k| Cow::Borrowed(keys[k].as_ref()))
            .collect(),
    };
    let head = Head {
        schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!("urn:uuid:{}", content_id(subject, &entries)),
        version: 1,
        metadata: metadata(subject, &tool_version, &root_ref, &name, &version),
    };
    let rows: Vec<(&Entry<'_>, &str)> =
        entries.iter().zip(keys.iter().map(AsRef::as_ref)).collect();
    let (components, (root, dependencies)) = rayon::join(
        || pretty_items(&rows, |(e, k)| comp(e, k, redact)),
        || {
            (
                pretty_items(std::slice::from_ref(&root_dep), |d| d),
                pretty_items(&rows, |(e, k)| Dep {
                    reference: k,
                    depends_on: e
                        .depends_on
                        .iter()
                        .map(|&d| Cow::Borrowed(keys[d].as_ref()))
                        .collect(),
                }),
            )
        },
    );
    // `{` ... the head's last field, without the closing `\n}`
    let mut text = serde_json::to_vec_pretty(&head).unwrap_or_default();
    text.truncate(text.len().saturating_sub(2));
    text.reserve(joined_len(&components) + joined_len(&root) + joined_len(&dependencies) + 64);
    let dependencies = [root, dependencies];
    for (name, parts) in [
        ("components", std::slice::from_ref(&components)),
        ("dependencies", &dependencies[..]),
    ] {
        text.extend_from_slice(b",\n  \"");
        text.extend_from_slice(name.as_bytes());
        text.extend_from_slice(b"\": ");
        let mut any = false;
        for runs in parts.iter().filter(|r| !r.is_empty()) {
            text.extend_from_slice(if any { b",\n" } else { b"[\n" });
            append_joined(&mut text, runs);
            any = true;
        }
        text.extend_from_slice(if any { b"\n  ]" } else { b"[]" });
    }
    text.extend_from_slice(b"\n}\n");
    // every part is serde_json's output or ASCII written here
    String::from_utf8(text).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The document's metadata: its time, sef as the tool, and the root
/// component (strings already redacted where they need to be).
fn metadata<'a>(
    subject: &SbomSubject,
    tool_version: &'a str,
    root_ref: &'a str,
    name: &'a str,
    version: &'a str,
) -> Metadata<'a> {
    Metadata {
        timestamp: subject.timestamp.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        tools: Tools {
            components: [Tool {
                kind: "application",
                name: "sef",
                version: tool_version,
            }],
        },
        component: Root {
            kind: "application",
            bom_ref: root_ref,
            name,
            version,
        },
    }
}

/// The document's fields before its two long arrays.
#[derive(Serialize)]
struct Head<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "bomFormat")]
    bom_format: &'static str,
    #[serde(rename = "specVersion")]
    spec_version: &'static str,
    #[serde(rename = "serialNumber")]
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
}

#[cfg(test)]
mod tests {
    use super::super::{PLACEHOLDER, finish_text};
    use super::*;

    /// The document as one serde value, written in one piece: what the
    /// chunked writer must reproduce byte for byte.
    fn whole(subject: &SbomSubject, components: &[Component]) -> String {
        let entries = merge(components);
        let root_ref = format!("sef:root:{}@{}", subject.name, subject.version);
        let mut dependencies = vec![Dep {
            reference: &root_ref,
            depends_on: super::super::root_dependencies(&entries)
                .into_iter()
                .map(|k| Cow::Borrowed(entries[k].key.as_str()))
                .collect(),
        }];
        dependencies.extend(entries.iter().map(|e| {
            Dep {
                reference: &e.key,
                depends_on: e
                    .depends_on
                    .iter()
                    .map(|&d| Cow::Borrowed(entries[d].key.as_str()))
                    .collect(),
            }
        }));
        let bom = Bom {
            schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
            bom_format: "CycloneDX",
            spec_version: "1.6",
            serial_number: format!("urn:uuid:{PLACEHOLDER}"),
            version: 1,
            metadata: metadata(
                subject,
                &subject.tool_version,
                &root_ref,
                &subject.name,
                &subject.version,
            ),
            components: entries.iter().map(|e| comp(e, &e.key, &|_| None)).collect(),
            dependencies,
        };
        finish_text(
            serde_json::to_string_pretty(&bom).unwrap_or_default(),
            subject,
            &entries,
        )
    }

    fn subject() -> SbomSubject {
        SbomSubject {
            name: "demo".into(),
            version: "1.0".into(),
            tool_version: "0.1.0".into(),
            timestamp: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        }
    }

    fn component(i: usize, deps: &[usize]) -> Component {
        let mut c = Component::new(
            sef_model::Ecosystem::Npm,
            format!("pkg-{i}"),
            Some(format!("1.{i}.0")),
            sef_model::SourceRef {
                file: "package-lock.json".into(),
                line: Some(i as u32 + 1),
            },
        );
        c.purl = Some(format!("pkg:npm/pkg-{i}@1.{i}.0"));
        c.depends_on = deps
            .iter()
            .map(|d| format!("pkg:npm/pkg-{d}@1.{d}.0"))
            .collect();
        c.license = i.is_multiple_of(3).then(|| "MIT".to_owned());
        c.checksum = i.is_multiple_of(2).then(|| "ab".repeat(32));
        c
    }

    #[test]
    fn chunked_writer_matches_the_whole_document_at_every_size() {
        for n in [0usize, 1, 2, 63, 64, 65, 300] {
            let comps: Vec<Component> = (0..n)
                .map(|i| component(i, &[(i + 1) % n.max(1), (i * 7) % n.max(1)]))
                .collect();
            assert_eq!(
                cyclonedx_json(&subject(), &comps),
                whole(&subject(), &comps),
                "{n} components"
            );
        }
    }

    #[test]
    fn every_part_is_redacted() {
        let comps: Vec<Component> = (0..200).map(|i| component(i, &[])).collect();
        let red = |s: &str| s.contains("pkg-1").then(|| s.replace("pkg-1", "[R]"));
        let doc = cyclonedx_json_redacted(&subject(), &comps, &red);
        assert!(!doc.contains("pkg-1"), "a part was not redacted");
        assert!(doc.contains("pkg-2"));
        let parsed: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(parsed["components"].as_array().unwrap().len(), 200);
    }
}
