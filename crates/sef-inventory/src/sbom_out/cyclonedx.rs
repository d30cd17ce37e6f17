//! CycloneDX 1.6 JSON, written from borrowed, typed records (no
//! intermediate JSON tree: large SBOMs stay cheap).

use super::{Entry, PLACEHOLDER, SbomSubject, finish_text, hash_of, merge, spdx_expression};
use sef_model::{Component, DependencyScope};
use serde::Serialize;

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
    group: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
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
    name: &'a str,
}

#[derive(Serialize)]
struct Property<'a> {
    name: &'static str,
    value: &'a str,
}

#[derive(Serialize)]
struct Dep<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    #[serde(rename = "dependsOn")]
    depends_on: Vec<&'a str>,
}

fn comp<'a>(e: &'a Entry<'a>) -> Comp<'a> {
    let c: &Component = e.first;
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
        value: c.ecosystem.as_str(),
    }];
    properties.extend(e.sources.iter().map(|s| Property {
        name: "sef:source",
        value: s,
    }));
    properties.push(Property {
        name: "sef:first-party",
        value: if c.first_party { "true" } else { "false" },
    });
    if c.version.is_none() {
        properties.push(Property {
            name: "sef:unpinned",
            value: "true",
        });
    }
    Comp {
        kind: if c.first_party {
            "application"
        } else {
            "library"
        },
        bom_ref: &e.key,
        group,
        name,
        version: c.version.as_deref(),
        purl: c.purl.as_deref(),
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
            .map(|(alg, content)| Hash { alg, content })
            .into_iter()
            .collect(),
        licenses: c
            .license
            .as_deref()
            .map(|l| match spdx_expression(l) {
                Some(expression) => License::Expression { expression },
                None => License::Named {
                    license: Named { name: l },
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
    let entries = merge(components);
    let root_ref = format!("sef:root:{}@{}", subject.name, subject.version);
    let direct: Vec<&str> = super::root_dependencies(&entries);
    let mut dependencies = Vec::with_capacity(entries.len() + 1);
    dependencies.push(Dep {
        reference: &root_ref,
        depends_on: direct,
    });
    dependencies.extend(entries.iter().map(|e| Dep {
        reference: &e.key,
        depends_on: e.depends_on.iter().map(String::as_str).collect(),
    }));
    let bom = Bom {
        schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!("urn:uuid:{PLACEHOLDER}"),
        version: 1,
        metadata: Metadata {
            timestamp: subject.timestamp.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            tools: Tools {
                components: [Tool {
                    kind: "application",
                    name: "sef",
                    version: &subject.tool_version,
                }],
            },
            component: Root {
                kind: "application",
                bom_ref: &root_ref,
                name: &subject.name,
                version: &subject.version,
            },
        },
        components: entries.iter().map(comp).collect(),
        dependencies,
    };
    let text = serde_json::to_string_pretty(&bom).unwrap_or_default();
    finish_text(text, subject, &entries)
}
