//! SPDX 2.3 JSON.

use super::{PLACEHOLDER, SbomSubject, finish, hash_of, merge, spdx_expression};
use sef_model::Component;
use serde_json::{Value, json};

/// SPDX ids allow letters, digits, `.` and `-` only.
fn spdx_id(i: usize, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("SPDXRef-Package-{i}-{clean}")
}

/// Writes the components as an SPDX 2.3 JSON document (pretty, with a
/// trailing newline).
pub fn spdx_json(subject: &SbomSubject, components: &[Component]) -> String {
    let entries = merge(components);
    let mut at_root = vec![false; entries.len()];
    for i in super::root_dependencies(&entries) {
        at_root[i] = true;
    }
    let root_id = "SPDXRef-Package-root".to_owned();
    let ids: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| spdx_id(i + 1, &e.first.name))
        .collect();
    let mut packages = vec![json!({
        "SPDXID": root_id,
        "name": subject.name,
        "versionInfo": subject.version,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": "APPLICATION",
    })];
    let mut rels = vec![
        json!({ "spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": root_id }),
    ];
    for (i, e) in entries.iter().enumerate() {
        let c = e.first;
        let id = &ids[i];
        let mut p = serde_json::Map::new();
        p.insert("SPDXID".into(), json!(id));
        p.insert("name".into(), json!(c.name));
        if let Some(v) = &c.version {
            p.insert("versionInfo".into(), json!(v));
        }
        p.insert("downloadLocation".into(), json!("NOASSERTION"));
        p.insert("filesAnalyzed".into(), json!(false));
        p.insert("licenseConcluded".into(), json!("NOASSERTION"));
        let declared = c.license.as_deref().and_then(spdx_expression);
        p.insert(
            "licenseDeclared".into(),
            json!(declared.as_deref().unwrap_or("NOASSERTION")),
        );
        if let (Some(raw), None) = (&c.license, &declared) {
            p.insert(
                "licenseComments".into(),
                json!(format!("declared license is not an SPDX expression: {raw}")),
            );
        }
        p.insert("copyrightText".into(), json!("NOASSERTION"));
        if let Some((alg, value)) = c.checksum.as_deref().and_then(hash_of) {
            p.insert(
                "checksums".into(),
                json!([{ "algorithm": alg.replace('-', ""), "checksumValue": value }]),
            );
        }
        if let Some(purl) = &c.purl {
            p.insert(
                "externalRefs".into(),
                json!([{ "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl }]),
            );
        }
        p.insert(
            "comment".into(),
            json!(format!(
                "ecosystem {}; declared in {}",
                c.ecosystem,
                e.sources.join(", ")
            )),
        );
        if c.first_party {
            p.insert("primaryPackagePurpose".into(), json!("APPLICATION"));
        } else {
            p.insert("primaryPackagePurpose".into(), json!("LIBRARY"));
        }
        packages.push(Value::Object(p));
        if at_root[i] {
            rels.push(edge(&root_id, id, e.scope));
        }
        for &d in &e.depends_on {
            rels.push(edge(id, &ids[d], entries[d].scope));
        }
    }
    let doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": format!("{}-{}", subject.name, subject.version),
        "documentNamespace": format!("urn:uuid:{PLACEHOLDER}"),
        "creationInfo": {
            "created": subject.timestamp.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "creators": [format!("Tool: sef-{}", subject.tool_version)],
        },
        "packages": packages,
        "relationships": rels,
    });
    finish(&doc, subject, &entries)
}

/// One dependency relationship in SPDX 2.3's terms: a development-only
/// dependency is `DEV_DEPENDENCY_OF` its dependent, an optional one
/// `OPTIONAL_DEPENDENCY_OF`, any other the dependent `DEPENDS_ON` it.
fn edge(from: &str, to: &str, scope: sef_model::DependencyScope) -> Value {
    use sef_model::DependencyScope as S;
    match scope {
        S::Development => {
            json!({ "spdxElementId": to, "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": from })
        }
        S::Optional => {
            json!({ "spdxElementId": to, "relationshipType": "OPTIONAL_DEPENDENCY_OF", "relatedSpdxElement": from })
        }
        S::Runtime | S::Unknown => {
            json!({ "spdxElementId": from, "relationshipType": "DEPENDS_ON", "relatedSpdxElement": to })
        }
    }
}
