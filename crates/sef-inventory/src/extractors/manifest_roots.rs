//! The manifest beside a lockfile that does not say which packages are
//! direct: `composer.json` (composer.lock), `mix.exs` (mix.lock),
//! `Package.swift` (Package.resolved) and `build.gradle`/`.kts`
//! (gradle.lockfile). Their direct dependencies become the SBOM root's
//! edges, so every component is reached from the root through what the
//! offering declares. The code manifests (Elixir, Swift, Groovy/Kotlin)
//! are read for their dependency declarations only, never run.

use crate::Input;
use sef_model::Component;
use std::collections::BTreeSet;

/// Reads a file in the lockfile's folder.
fn sibling(input: &Input<'_>, name: &str) -> Option<String> {
    let read = input.include?;
    let (_, bytes) = read(input.path, name).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Marks each third-party component direct when `direct` holds its name
/// (as `key` gives it). Nothing changes when the manifest names nothing:
/// "not direct" would then be a guess.
pub(crate) fn mark(
    components: &mut [Component],
    direct: &BTreeSet<String>,
    key: fn(&str) -> String,
) {
    if direct.is_empty() {
        return;
    }
    for c in components.iter_mut().filter(|c| !c.first_party) {
        c.direct = Some(direct.contains(&key(&c.name)));
    }
}

/// `composer.json`: the packages of `require` and `require-dev` (platform
/// requirements such as `php` and `ext-*` are not packages).
pub(crate) fn composer(input: &Input<'_>) -> BTreeSet<String> {
    let Some(text) = sibling(input, "composer.json") else {
        return BTreeSet::new();
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
        return BTreeSet::new();
    };
    ["require", "require-dev"]
        .iter()
        .filter_map(|k| doc.get(*k)?.as_object())
        .flat_map(|o| o.keys())
        .filter(|k| k.contains('/'))
        .map(|k| k.to_ascii_lowercase())
        .collect()
}

/// `mix.exs`: the atoms of `{:name, ...}` tuples in its `deps` function.
pub(crate) fn mix(input: &Input<'_>) -> BTreeSet<String> {
    let Some(text) = sibling(input, "mix.exs") else {
        return BTreeSet::new();
    };
    let body = text
        .find("defp deps")
        .or_else(|| text.find("def deps"))
        .map_or(text.as_str(), |i| &text[i..]);
    // the function ends at the first `end` at the start of a line
    let body = body
        .lines()
        .take_while(|l| l.trim() != "end")
        .collect::<Vec<_>>()
        .join("\n");
    tuple_atoms(&body)
}

/// The atom after each `{:` (an Elixir tuple starting with an atom).
pub(crate) fn tuple_atoms(text: &str) -> BTreeSet<String> {
    text.match_indices("{:")
        .filter_map(|(i, _)| {
            let rest = &text[i + 2..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (end > 0).then(|| rest[..end].to_owned())
        })
        .collect()
}

/// `Package.swift`: the identities of `.package(url: ...)` (the URL's
/// last segment, lower case, without `.git`) and `.package(id: ...)`.
pub(crate) fn swift(input: &Input<'_>) -> BTreeSet<String> {
    sibling(input, "Package.swift").map_or_else(BTreeSet::new, |t| swift_identities(&t))
}

fn swift_identities(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices(".package(") {
        let call = &text[i..text.len().min(i + 600)];
        let call = call.split(')').next().unwrap_or(call);
        let value = |key: &str| call.split(key).nth(1).and_then(|r| r.split('"').nth(1));
        if let Some(url) = value("url:") {
            let last = url
                .trim_end_matches('/')
                .trim_end_matches(".git")
                .rsplit('/')
                .next()
                .unwrap_or(url);
            out.insert(last.to_ascii_lowercase());
        } else if let Some(id) = value("id:") {
            out.insert(id.to_ascii_lowercase());
        }
    }
    out
}

/// The identity of a SwiftURL component (`github.com/owner/repo`).
pub(crate) fn swift_key(name: &str) -> String {
    name.trim_end_matches('/')
        .trim_end_matches(".git")
        .rsplit('/')
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase()
}

/// `build.gradle` / `build.gradle.kts`: `group:artifact[:version]`
/// strings in dependency declarations (version catalogs, `libs.x`, are not
/// resolved: such a build names nothing here).
pub(crate) fn gradle(input: &Input<'_>) -> BTreeSet<String> {
    let Some(text) = sibling(input, "build.gradle.kts").or_else(|| sibling(input, "build.gradle"))
    else {
        return BTreeSet::new();
    };
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let l = line.trim();
        let call = l.split(['(', ' ', '\'', '"']).next().unwrap_or("");
        let is_decl = [
            "implementation",
            "api",
            "compileOnly",
            "runtimeOnly",
            "compile",
            "runtime",
            "annotationProcessor",
            "kapt",
            "developmentOnly",
        ]
        .iter()
        .any(|c| call.eq_ignore_ascii_case(c) || call.to_ascii_lowercase().starts_with("test"));
        if !is_decl {
            continue;
        }
        for quoted in l.split(['"', '\'']).skip(1).step_by(2) {
            let parts: Vec<&str> = quoted.split(':').collect();
            if (2..=4).contains(&parts.len()) && parts.iter().take(2).all(|p| !p.is_empty()) {
                out.insert(format!("{}:{}", parts[0], parts[1]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elixir_deps_and_swift_packages() {
        let mix = "defp deps do\n    [\n      {:phoenix, \"~> 1.7.10\"},\n      {:heroicons, github: \"tailwindlabs/heroicons\", tag: \"v2.1.1\", sparse: \"optimized\", app: false, compile: false, depth: 1},\n    ]\n  end\n";
        assert_eq!(
            tuple_atoms(mix).into_iter().collect::<Vec<_>>(),
            ["heroicons", "phoenix"]
        );
        let text = ".package(url: \"https://github.com/apple/swift-argument-parser.git\", from: \"1.2.0\"),\n.package(id: \"mona.LinkedList\", from: \"1.0.0\"),\n.package(path: \"../Local\")";
        assert_eq!(
            swift_identities(text).into_iter().collect::<Vec<_>>(),
            ["mona.linkedlist", "swift-argument-parser"]
        );
        assert_eq!(
            swift_key("github.com/apple/swift-argument-parser"),
            "swift-argument-parser"
        );
    }

    #[test]
    fn gradle_declarations_beside_the_lockfile() {
        let build = "dependencies {\n    implementation(\"com.google.guava:guava:33.0.0-jre\")\n    testImplementation 'junit:junit:4.13.2'\n    implementation(libs.okhttp)\n    id(\"org.example:not-a-dep:1\")\n}\n";
        let include = |_: &str, rel: &str| -> Result<(String, Vec<u8>), crate::ReadError> {
            if rel == "build.gradle.kts" {
                Ok((rel.to_owned(), build.as_bytes().to_vec()))
            } else {
                Err(crate::ReadError::Io(std::io::Error::from(
                    std::io::ErrorKind::NotFound,
                )))
            }
        };
        let input = Input {
            path: "app/gradle.lockfile",
            bytes: b"",
            include: Some(&include),
            list_dirs: None,
        };
        assert_eq!(
            gradle(&input).into_iter().collect::<Vec<_>>(),
            ["com.google.guava:guava", "junit:junit"]
        );
    }
}
