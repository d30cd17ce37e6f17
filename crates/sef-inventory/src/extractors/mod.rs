//! One module per format, and the explicit list of them.

mod bun_lock;
mod cargo_lock;
mod cargo_manifest;
mod conan_lock;
mod dotnet;
mod gemfile_lock;
mod go_mod;
mod gradle_lockfile;
mod json_locks;
mod manifest_roots;
mod mix_lock;
mod msbuild;
mod npm_manifest;
mod package_lock;
mod pnpm_lock;
mod pom_xml;
mod pubspec_lock;
mod python_toml;
mod renv_lock;
mod requirements;
pub(crate) mod sbom;
mod swift_resolved;
mod xml;
mod yarn_lock;

use crate::Extractor;

/// Every built-in extractor, in matching order (the first that matches a
/// file reads it).
pub fn builtin() -> Vec<Box<dyn Extractor>> {
    vec![
        Box::new(cargo_lock::CargoLock),
        Box::new(package_lock::PackageLock),
        Box::new(yarn_lock::YarnLock),
        Box::new(pnpm_lock::PnpmLock),
        Box::new(bun_lock::BunLock),
        Box::new(requirements::Requirements),
        Box::new(python_toml::PoetryLock),
        Box::new(python_toml::UvLock),
        Box::new(python_toml::PdmLock),
        Box::new(json_locks::PipfileLock),
        Box::new(json_locks::ComposerLock),
        Box::new(go_mod::GoMod),
        Box::new(gemfile_lock::GemfileLock),
        Box::new(dotnet::NugetLock),
        Box::new(dotnet::PackagesConfig),
        Box::new(dotnet::DepsJson),
        Box::new(msbuild::CentralPackages),
        Box::new(msbuild::ProjectFile),
        Box::new(renv_lock::RenvLock),
        Box::new(swift_resolved::SwiftResolved),
        Box::new(gradle_lockfile::GradleLockfile),
        Box::new(pom_xml::PomXml),
        Box::new(mix_lock::MixLock),
        Box::new(pubspec_lock::PubspecLock),
        Box::new(conan_lock::ConanLock),
        Box::new(sbom::SbomJson),
    ]
}

/// Rewrites each component's `depends_on` names (as a lockfile writes them
/// in a package's dependency list) into the purls of the packages the same
/// file resolved them to, comparing names as the ecosystem does
/// (`normalise`). A name the file holds at several versions links to each;
/// a name it does not hold is dropped (an optional or platform-specific
/// dependency the lock did not install). First-party targets, which have
/// no purl, keep their name.
pub(crate) fn link_by_name(components: &mut [sef_model::Component], normalise: fn(&str) -> String) {
    use std::collections::HashMap;
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for c in components.iter() {
        let target = if c.first_party {
            c.name.clone()
        } else {
            match c
                .purl
                .clone()
                .or_else(|| crate::purl::purl_for(c.ecosystem, &c.name, c.version.as_deref()))
            {
                Some(p) => p,
                None => continue,
            }
        };
        let list = by_name.entry(normalise(&c.name)).or_default();
        if !list.contains(&target) {
            list.push(target);
        }
    }
    for c in components.iter_mut() {
        let mut deps: Vec<String> = c
            .depends_on
            .iter()
            .flat_map(|d| by_name.get(&normalise(d)).cloned().unwrap_or_default())
            .collect();
        deps.sort();
        deps.dedup();
        c.depends_on = deps;
    }
}
