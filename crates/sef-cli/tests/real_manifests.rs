//! Real manifests read right (issue 18): .NET central package management
//! and project files, on the real files of testcontainers-dotnet.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn sbom_components(env: &Env, repo: &Path) -> Vec<Value> {
    let out = env.sef().args(["sbom", "-q"]).arg(repo).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out.stdout)["components"].as_array().unwrap().clone()
}

#[test]
fn dotnet_central_package_management_is_inventoried() {
    let env = Env::new();
    let r = env.repo("tc");
    copy_fixture("testcontainers-dotnet", &r);
    let comps = sbom_components(&env, &r);
    let nuget: Vec<&Value> = comps
        .iter()
        .filter(|c| c["purl"].as_str().unwrap().starts_with("pkg:nuget/"))
        .collect();
    // every PackageVersion of the central file, read independently
    let central = std::fs::read_to_string(r.join("Directory.Packages.props")).unwrap();
    let declared: Vec<(String, String)> = central
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("<PackageVersion Include=\"")?;
            let (name, rest) = rest.split_once('"')?;
            let version = rest.split_once("Version=\"")?.1.split_once('"')?.0;
            Some((name.to_owned(), version.to_owned()))
        })
        .collect();
    assert_eq!(declared.len(), 87);
    for (name, version) in &declared {
        let purl = format!("pkg:nuget/{name}@{version}");
        assert!(
            nuget.iter().any(|c| c["purl"] == purl.as_str()),
            "{purl} missing"
        );
    }
    let scope_of = |purl: &str| {
        let c = nuget
            .iter()
            .find(|c| c["purl"] == purl)
            .unwrap_or_else(|| panic!("{purl} missing"));
        c["scope"].as_str().unwrap_or("unknown").to_owned()
    };
    // the library's reference leaves the version to the central file, and
    // ships: required
    assert_eq!(scope_of("pkg:nuget/SSH.NET@2025.1.0"), "required");
    // the test project's references are development-only
    assert_eq!(scope_of("pkg:nuget/StackExchange.Redis@2.6.90"), "excluded");
    // the project's VersionOverride wins over the central version
    assert_eq!(
        scope_of("pkg:nuget/JetBrains.Annotations@2023.3.0"),
        "excluded"
    );
    // the global reference of Directory.Build.props
    assert!(
        nuget
            .iter()
            .any(|c| c["purl"] == "pkg:nuget/SauceControl.InheritDoc@2.0.2")
    );
}
