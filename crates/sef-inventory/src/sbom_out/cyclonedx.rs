//! CycloneDX 1.6 JSON.

use super::{SbomSubject, content_uuid, hash_of, merge, spdx_expression};
use sef_model::{Component, DependencyScope};
use serde_json::{Value, json};

/// Writes the components as a CycloneDX 1.6 JSON document (pretty, with a
/// trailing newline).
pub fn cyclonedx_json(subject: &SbomSubject, components: &[Component]) -> String {
    let entries = merge(components);
    let root_ref = format!("sef:root:{}@{}", subject.name, subject.version);
    let mut comps = Vec::with_capacity(entries.len());
    let mut deps = Vec::with_capacity(entries.len() + 1);
    let mut direct = Vec::new();
    for e in &entries {
        let c = e.first;
        let mut o = serde_json::Map::new();
        o.insert(
            "type".into(),
            json!(if c.first_party {
                "application"
            } else {
                "library"
            }),
        );
        o.insert("bom-ref".into(), json!(e.key));
        o.insert("name".into(), json!(c.name));
        if let Some(v) = &c.version {
            o.insert("version".into(), json!(v));
        }
        if let Some(p) = &c.purl {
            o.insert("purl".into(), json!(p));
        }
        match e.scope {
            DependencyScope::Runtime => {
                o.insert("scope".into(), json!("required"));
            }
            DependencyScope::Optional => {
                o.insert("scope".into(), json!("optional"));
            }
            DependencyScope::Development => {
                o.insert("scope".into(), json!("excluded"));
            }
            DependencyScope::Unknown => {}
        }
        if let Some((alg, content)) = c.checksum.as_deref().and_then(hash_of) {
            o.insert("hashes".into(), json!([{ "alg": alg, "content": content }]));
        }
        if let Some(l) = &c.license {
            let lic = match spdx_expression(l) {
                Some(expr) => json!([{ "expression": expr }]),
                None => json!([{ "license": { "name": l } }]),
            };
            o.insert("licenses".into(), lic);
        }
        let mut props = vec![json!({ "name": "sef:ecosystem", "value": c.ecosystem.as_str() })];
        for s in &e.sources {
            props.push(json!({ "name": "sef:source", "value": s }));
        }
        props.push(json!({ "name": "sef:first-party", "value": c.first_party.to_string() }));
        if c.version.is_none() {
            props.push(json!({ "name": "sef:unpinned", "value": "true" }));
        }
        o.insert("properties".into(), Value::Array(props));
        comps.push(Value::Object(o));
        if e.direct || c.first_party {
            direct.push(e.key.clone());
        }
        deps.push(json!({ "ref": e.key, "dependsOn": e.depends_on }));
    }
    deps.insert(0, json!({ "ref": root_ref, "dependsOn": direct }));

    let serial = content_uuid(&[
        &subject.name,
        &subject.version,
        &serde_json::to_string(&comps).unwrap_or_default(),
        &serde_json::to_string(&deps).unwrap_or_default(),
    ]);
    let doc = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{serial}"),
        "version": 1,
        "metadata": {
            "timestamp": subject.timestamp.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "tools": { "components": [ { "type": "application", "name": "sef", "version": subject.tool_version } ] },
            "component": { "type": "application", "bom-ref": root_ref, "name": subject.name, "version": subject.version },
        },
        "components": comps,
        "dependencies": deps,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
