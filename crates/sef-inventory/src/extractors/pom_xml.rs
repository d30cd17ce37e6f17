//! Java: Maven `pom.xml`, declared dependencies only.
//!
//! sef reads what the file (and its local parent chain) declares: project
//! and profile dependencies, `${property}` interpolation from `<properties>`
//! and `project.*` values, versions from `<dependencyManagement>`, and a
//! parent POM found on disk through `<relativePath>` (default
//! `../pom.xml`). It does not contact a repository, so transitive
//! dependencies, remote parents and imported BOMs are not resolved; each
//! file says so in a warning. Build-plugin dependencies are build tools,
//! not shipped, and are not listed. Version ranges are unpinned.

use super::xml;
use crate::{ExtractError, Extracted, Extractor, Input};
use roxmltree::Node;
use sef_model::{Component, DependencyScope, Ecosystem};
use std::collections::HashMap;

/// The pom.xml extractor.
pub struct PomXml;

/// How many local parents are followed.
const MAX_PARENTS: usize = 8;

struct Dep {
    group: String,
    artifact: String,
    version: Option<String>,
    scope: Option<String>,
    optional: bool,
    line: Option<u32>,
    in_profile: bool,
}

#[derive(Default)]
struct Model {
    properties: HashMap<String, String>,
    managed: HashMap<(String, String), String>,
    deps: Vec<Dep>,
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

fn text_of(n: Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name)
        .and_then(|c| c.text())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Decodes the file: UTF-8, or Latin-1 when the XML declaration says so.
fn decode(input: &Input<'_>) -> Result<String, ExtractError> {
    match input.text() {
        Ok(t) => Ok(t.to_owned()),
        Err(e) => {
            let head = String::from_utf8_lossy(&input.bytes[..input.bytes.len().min(200)])
                .to_ascii_lowercase();
            if head.contains("iso-8859-1") || head.contains("latin1") || head.contains("latin-1") {
                Ok(input.bytes.iter().map(|b| char::from(*b)).collect())
            } else {
                Err(e)
            }
        }
    }
}

fn read_deps(
    doc: &roxmltree::Document<'_>,
    list: Option<Node<'_, '_>>,
    in_profile: bool,
    out: &mut Vec<Dep>,
) {
    let Some(list) = list else { return };
    for d in list.children().filter(|c| c.has_tag_name("dependency")) {
        out.push(Dep {
            group: text_of(d, "groupId").unwrap_or_default(),
            artifact: text_of(d, "artifactId").unwrap_or_default(),
            version: text_of(d, "version"),
            scope: text_of(d, "scope"),
            optional: text_of(d, "optional").as_deref() == Some("true"),
            line: xml::line(doc, d),
            in_profile,
        });
    }
}

/// Reads one POM into its model and the location of its parent.
fn read_model(
    text: &str,
    model: &mut Model,
    own: bool,
) -> Result<Option<(String, String)>, ExtractError> {
    let doc = xml::parse(text)?;
    let project = doc.root_element();
    if !project.has_tag_name("project") {
        return Err(ExtractError::at(
            Some(1),
            "not a pom.xml: the root element is not <project>",
        ));
    }
    let parent = child(project, "parent");
    let group = text_of(project, "groupId").or_else(|| parent.and_then(|p| text_of(p, "groupId")));
    let version =
        text_of(project, "version").or_else(|| parent.and_then(|p| text_of(p, "version")));
    let parent_of = |tag: &str| parent.and_then(|p| text_of(p, tag));
    for (k, v) in [
        ("project.groupId", group.clone()),
        ("project.version", version.clone()),
        ("project.artifactId", text_of(project, "artifactId")),
        // the parent's coordinates, as the child names them (Maven 3 and
        // the deprecated `parent.*` and `pom.*` forms)
        ("project.parent.groupId", parent_of("groupId")),
        ("project.parent.version", parent_of("version")),
        ("project.parent.artifactId", parent_of("artifactId")),
        ("parent.groupId", parent_of("groupId")),
        ("parent.version", parent_of("version")),
        ("pom.version", version.clone()),
        ("pom.groupId", group.clone()),
    ] {
        if let Some(v) = v {
            model.properties.entry(k.to_owned()).or_insert(v);
        }
    }
    if let Some(props) = child(project, "properties") {
        for p in props.children().filter(Node::is_element) {
            if let Some(t) = p.text() {
                // A child's properties win over its parent's.
                model
                    .properties
                    .entry(p.tag_name().name().to_owned())
                    .or_insert_with(|| t.trim().to_owned());
            }
        }
    }
    let mut managed = Vec::new();
    read_deps(
        &doc,
        child(project, "dependencyManagement").and_then(|m| child(m, "dependencies")),
        false,
        &mut managed,
    );
    for m in managed {
        if let Some(v) = m.version {
            model.managed.entry((m.group, m.artifact)).or_insert(v);
        }
    }
    let before = model.deps.len();
    read_deps(&doc, child(project, "dependencies"), false, &mut model.deps);
    if let Some(profiles) = child(project, "profiles") {
        for p in profiles.children().filter(|c| c.has_tag_name("profile")) {
            read_deps(&doc, child(p, "dependencies"), true, &mut model.deps);
        }
    }
    if !own {
        // Inherited dependencies have no line in the file being read.
        for d in &mut model.deps[before..] {
            d.line = None;
        }
    }
    Ok(parent.map(|p| {
        let rel = text_of(p, "relativePath").unwrap_or_else(|| "../pom.xml".to_owned());
        let coords = format!(
            "{}:{}",
            text_of(p, "groupId").unwrap_or_default(),
            text_of(p, "artifactId").unwrap_or_default()
        );
        (rel, coords)
    }))
}

/// Replaces `${name}` from the properties, a few rounds deep.
fn interpolate(s: &str, props: &HashMap<String, String>) -> Option<String> {
    let mut cur = s.to_owned();
    for _ in 0..8 {
        let Some(start) = cur.find("${") else {
            return Some(cur);
        };
        let end = cur[start..].find('}').map(|e| start + e)?;
        let key = &cur[start + 2..end];
        let value = props.get(key)?;
        cur = format!("{}{}{}", &cur[..start], value, &cur[end + 1..]);
    }
    (!cur.contains("${")).then_some(cur)
}

impl Extractor for PomXml {
    fn id(&self) -> &'static str {
        "pom-xml"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "pom.xml"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = decode(input)?;
        let mut out = Extracted::default();
        let mut model = Model::default();
        let mut parent = read_model(&text, &mut model, true)?;
        let mut current = input.path.to_owned();
        for _ in 0..MAX_PARENTS {
            let Some((rel, coords)) = parent.take() else {
                break;
            };
            let rel = if rel.ends_with(".xml") {
                rel
            } else {
                format!("{}/pom.xml", rel.trim_end_matches('/'))
            };
            match input.include.map(|r| r(&current, &rel)) {
                Some(Ok((path, bytes))) => {
                    let ptext = String::from_utf8_lossy(&bytes).into_owned();
                    match read_model(&ptext, &mut model, false) {
                        Ok(next) => {
                            parent = next;
                            current = path;
                        }
                        Err(e) => out.warnings.push((None, format!("parent {coords} at {path}: {}", e.message))),
                    }
                }
                None | Some(Err(_)) => out.warnings.push((
                    None,
                    format!("parent {coords} is not on disk at {rel}; its properties, managed versions and dependencies are not resolved (sef does not contact a Maven repository)"),
                )),
            }
        }
        out.warnings.push((None, "declared dependencies only: transitive dependencies are not resolved (sef does not contact a Maven repository)".to_owned()));

        for d in &model.deps {
            let group = interpolate(&d.group, &model.properties);
            let artifact = interpolate(&d.artifact, &model.properties);
            let (Some(group), Some(artifact)) = (
                group.filter(|g| !g.is_empty()),
                artifact.filter(|a| !a.is_empty()),
            ) else {
                out.warnings.push((d.line, format!("dependency `{}:{}` has an empty or unresolvable groupId/artifactId; skipped", d.group, d.artifact)));
                continue;
            };
            let version = d
                .version
                .as_deref()
                .and_then(|v| interpolate(v, &model.properties))
                .or_else(|| {
                    model
                        .managed
                        .get(&(group.clone(), artifact.clone()))
                        .and_then(|v| interpolate(v, &model.properties))
                });
            // A range ([1.0,2.0), (,1.5]) is not a pin.
            let version = version.filter(|v| !v.starts_with(['[', '(']) && !v.contains(','));
            let mut c = Component::new(
                Ecosystem::Maven,
                format!("{group}:{artifact}"),
                version,
                input.at(d.line),
            );
            c.direct = Some(true);
            c.scope = match d.scope.as_deref() {
                _ if d.optional || d.in_profile => DependencyScope::Optional,
                Some("test") | Some("provided") => DependencyScope::Development,
                Some("import") => continue,
                _ => DependencyScope::Runtime,
            };
            out.components.push(c);
        }
        Ok(out)
    }
}
