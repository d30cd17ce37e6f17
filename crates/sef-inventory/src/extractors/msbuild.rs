//! .NET MSBuild project files: `PackageReference` items in `*.csproj`,
//! `*.fsproj`, `*.vbproj` and `Directory.Build.props`/`.targets`, and
//! central package management (`Directory.Packages.props`, whose
//! `PackageVersion` items give the versions projects leave out).
//!
//! MSBuild imports the nearest `Directory.Packages.props` above a project;
//! sef reads it the same way (through the include reader, so never outside
//! the repository). `$(Property)` references are resolved from the
//! project's and the central file's `PropertyGroup`s; a version that stays
//! unresolved, a floating version (`1.*`) or a range is reported unpinned
//! with a warning naming the line.

use crate::{ExtractError, Extracted, Extractor, Input};
use roxmltree::{Document, Node};
use sef_model::{Component, DependencyScope, Ecosystem};
use std::collections::HashMap;

/// The central package file MSBuild looks for.
const CENTRAL_FILE: &str = "Directory.Packages.props";

/// `Directory.Packages.props` (and the older `Packages.props`).
pub struct CentralPackages;

/// `*.csproj`, `*.fsproj`, `*.vbproj`, `Directory.Build.props`/`.targets`.
pub struct ProjectFile;

impl Extractor for CentralPackages {
    fn id(&self) -> &'static str {
        "nuget-central-packages"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == CENTRAL_FILE || file_name == "Packages.props"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let doc = super::xml::parse(text)?;
        let props = properties(&doc);
        let mut out = Extracted::default();
        for node in doc.descendants().filter(|n| n.is_element()) {
            let global = node.has_tag_name("GlobalPackageReference");
            if !(node.has_tag_name("PackageVersion") || global) {
                continue;
            }
            let line = super::xml::line(&doc, node);
            let Some(name) = node.attribute("Include").filter(|s| !s.trim().is_empty()) else {
                // `Update` items change an item declared elsewhere.
                continue;
            };
            let version = version_of(node, &props, line, &mut out.warnings);
            let mut c = Component::new(Ecosystem::NuGet, name.trim(), version, input.at(line));
            // A global reference is added to every project; a package
            // version is only the version a project gets if it refers to
            // the package.
            c.direct = global.then_some(true);
            if global {
                c.scope = DependencyScope::Development;
            }
            out.components.push(c);
        }
        Ok(out)
    }
}

impl Extractor for ProjectFile {
    fn id(&self) -> &'static str {
        "msbuild-project"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        [".csproj", ".fsproj", ".vbproj"]
            .iter()
            .any(|ext| file_name.ends_with(ext))
            || file_name == "Directory.Build.props"
            || file_name == "Directory.Build.targets"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let doc = super::xml::parse(text)?;
        let mut out = Extracted::default();
        let refs: Vec<Node<'_, '_>> = doc
            .descendants()
            .filter(|n| {
                (n.has_tag_name("PackageReference") || n.has_tag_name("GlobalPackageReference"))
                    && n.attribute("Include").is_some()
            })
            .collect();
        if refs.is_empty() {
            return Ok(out);
        }
        let mut props = HashMap::new();
        let mut central: HashMap<String, Option<String>> = HashMap::new();
        let central_text = nearest_central(input);
        let central_doc = match &central_text {
            Some((path, bytes)) => match std::str::from_utf8(bytes)
                .map_err(|_| ExtractError::msg("not valid UTF-8"))
                .and_then(super::xml::parse)
            {
                Ok(doc) => Some(doc),
                Err(e) => {
                    out.warnings.push((
                        None,
                        format!(
                            "{path}: {}; versions it manages are not resolved",
                            e.message
                        ),
                    ));
                    None
                }
            },
            None => None,
        };
        if let Some(cdoc) = &central_doc {
            props.extend(properties(cdoc));
        }
        // The project's own properties win over the central file's.
        props.extend(properties(&doc));
        if let Some(cdoc) = &central_doc {
            let mut ignored = Vec::new();
            for n in cdoc
                .descendants()
                .filter(|n| n.has_tag_name("PackageVersion"))
            {
                if let Some(name) = n.attribute("Include") {
                    let v = version_of(n, &props, None, &mut ignored);
                    central.insert(name.trim().to_ascii_lowercase(), v);
                }
            }
        }
        let test_project = is_test_project(&doc, &refs);
        for node in refs {
            let line = super::xml::line(&doc, node);
            let Some(name) = node
                .attribute("Include")
                .map(str::trim)
                .filter(|s| !s.is_empty())
            else {
                continue;
            };
            let explicit = node.attribute("Version").is_some()
                || node.attribute("VersionOverride").is_some()
                || child_text(node, "Version").is_some()
                || child_text(node, "VersionOverride").is_some();
            let version = if explicit {
                version_of(node, &props, line, &mut out.warnings)
            } else if let Some(v) = central.get(&name.to_ascii_lowercase()) {
                v.clone()
            } else {
                let why = if central_doc.is_some() {
                    format!("`{name}` has no version here and none in {CENTRAL_FILE}; unpinned")
                } else {
                    format!("`{name}` has no version and no {CENTRAL_FILE} is above it; unpinned")
                };
                out.warnings.push((line, why));
                None
            };
            let mut c = Component::new(Ecosystem::NuGet, name, version, input.at(line));
            c.direct = Some(true);
            let private = node
                .attribute("PrivateAssets")
                .or_else(|| child_text(node, "PrivateAssets"))
                .is_some_and(|s| s.eq_ignore_ascii_case("all"));
            // A global reference (analyzers, build tooling) is added to
            // every project and never flows to consumers.
            let global = node.has_tag_name("GlobalPackageReference");
            c.scope = if test_project || private || global {
                DependencyScope::Development
            } else {
                DependencyScope::Runtime
            };
            out.components.push(c);
        }
        Ok(out)
    }
}

/// A test project: `IsTestProject` is true, or it references the test SDK.
fn is_test_project(doc: &Document<'_>, refs: &[Node<'_, '_>]) -> bool {
    doc.descendants()
        .filter(|n| n.has_tag_name("IsTestProject"))
        .any(|n| {
            n.text()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("true"))
        })
        || refs.iter().any(|n| {
            n.attribute("Include")
                .is_some_and(|i| i.trim().eq_ignore_ascii_case("Microsoft.NET.Test.Sdk"))
        })
}

/// The nearest `Directory.Packages.props` at or above the project's
/// folder, as MSBuild finds it, read through the include reader.
fn nearest_central(input: &Input<'_>) -> Option<(String, Vec<u8>)> {
    let reader = input.include?;
    let depth = input.path.matches('/').count();
    (0..=depth).find_map(|up| {
        let rel = format!("{}{CENTRAL_FILE}", "../".repeat(up));
        reader(input.path, &rel).ok()
    })
}

/// Every `PropertyGroup` child, by name (later ones win, as in MSBuild).
fn properties(doc: &Document<'_>) -> HashMap<String, String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("PropertyGroup"))
        .flat_map(|g| g.children().filter(Node::is_element))
        .map(|p| {
            (
                p.tag_name().name().to_owned(),
                p.text().unwrap_or("").trim().to_owned(),
            )
        })
        .collect()
}

fn child_text<'a>(node: Node<'a, '_>, tag: &str) -> Option<&'a str> {
    node.children()
        .find(|c| c.has_tag_name(tag))
        .and_then(|c| c.text())
}

/// The exact version an item pins: `VersionOverride` before `Version`,
/// attribute or child element, `$(Property)` resolved, `[1.2.3]` read as
/// 1.2.3. Floating versions and ranges are not pins.
fn version_of(
    node: Node<'_, '_>,
    props: &HashMap<String, String>,
    line: Option<u32>,
    warnings: &mut Vec<(Option<u32>, String)>,
) -> Option<String> {
    let raw = node
        .attribute("VersionOverride")
        .or_else(|| child_text(node, "VersionOverride"))
        .or_else(|| node.attribute("Version"))
        .or_else(|| child_text(node, "Version"))?;
    let name = node.attribute("Include").unwrap_or("?");
    let resolved = resolve(raw.trim(), props);
    let Some(v) = resolved else {
        warnings.push((
            line,
            format!("`{name}` version `{raw}` names a property sef cannot resolve; unpinned"),
        ));
        return None;
    };
    let exact = v
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .filter(|s| !s.contains(','))
        .unwrap_or(&v)
        .trim();
    if exact.is_empty()
        || exact.contains('*')
        || exact.contains(',')
        || exact.starts_with('(')
        || exact.starts_with('[')
    {
        warnings.push((
            line,
            format!("`{name}` version `{v}` is a range or floating version, not a pin; unpinned"),
        ));
        return None;
    }
    Some(exact.to_owned())
}

/// Replaces `$(Name)` references, up to a few levels deep.
fn resolve(value: &str, props: &HashMap<String, String>) -> Option<String> {
    let mut v = value.to_owned();
    for _ in 0..8 {
        let Some(start) = v.find("$(") else {
            return Some(v);
        };
        let end = start + v[start..].find(')')?;
        let key = &v[start + 2..end];
        let replacement = props.get(key)?;
        v = format!("{}{}{}", &v[..start], replacement, &v[end + 1..]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(path: &'a str, bytes: &'a [u8]) -> Input<'a> {
        Input {
            path,
            bytes,
            include: None,
            list_dirs: None,
        }
    }

    #[test]
    fn central_versions_and_properties() {
        let xml = br#"<Project>
  <PropertyGroup><XunitVersion>2.9.3</XunitVersion></PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="xunit" Version="$(XunitVersion)" />
    <PackageVersion Include="Exact" Version="[1.2.3]" />
    <PackageVersion Include="Floating" Version="1.*" />
    <PackageVersion Include="Range" Version="[1.0,2.0)" />
    <PackageVersion Update="Ignored" Version="9" />
    <GlobalPackageReference Include="Analyzer" Version="3.0.0" />
  </ItemGroup>
</Project>"#;
        let out = CentralPackages
            .extract(&input("Directory.Packages.props", xml))
            .unwrap();
        let got: Vec<_> = out
            .components
            .iter()
            .map(|c| format!("{}@{}", c.name, c.version.as_deref().unwrap_or("-")))
            .collect();
        assert_eq!(
            got,
            [
                "xunit@2.9.3",
                "Exact@1.2.3",
                "Floating@-",
                "Range@-",
                "Analyzer@3.0.0"
            ]
        );
        assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
        assert_eq!(out.components[4].scope, DependencyScope::Development);
    }

    #[test]
    fn project_references_with_own_versions() {
        let xml = br#"<Project Sdk="Microsoft.NET.Sdk">
  <ItemGroup>
    <PackageReference Include="Newtonsoft.Json" Version="13.0.1" />
    <PackageReference Include="Serilog"><Version>3.1.1</Version></PackageReference>
    <PackageReference Include="Tool" Version="1.0.0" PrivateAssets="All" />
    <PackageReference Include="Central" />
  </ItemGroup>
</Project>"#;
        let out = ProjectFile
            .extract(&input("src/App/App.csproj", xml))
            .unwrap();
        let got: Vec<_> = out
            .components
            .iter()
            .map(|c| {
                format!(
                    "{}@{} {}",
                    c.name,
                    c.version.as_deref().unwrap_or("-"),
                    c.scope.as_str()
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "Newtonsoft.Json@13.0.1 runtime",
                "Serilog@3.1.1 runtime",
                "Tool@1.0.0 development",
                "Central@- runtime"
            ]
        );
        assert!(out.warnings[0].1.contains("no Directory.Packages.props"));
    }

    #[test]
    fn hostile_property_loops_end() {
        let mut props = HashMap::new();
        props.insert("A".to_owned(), "$(A)".to_owned());
        assert_eq!(resolve("$(A)", &props), None);
        assert_eq!(resolve("$(Missing", &props), None);
    }
}
