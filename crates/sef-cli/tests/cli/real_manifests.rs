//! Real manifests read right (issue 18): .NET central package management
//! and project files, on the real files of testcontainers-dotnet.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn sbom_components(env: &Env, repo: &Path) -> Vec<Value> {
    let out = env.sef().args(["sbom", "-q"]).arg(repo).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out.stdout)["components"].as_array().unwrap().clone()
}

/// The CycloneDX scope of the third-party component whose `field` is
/// `value` ("unknown" when it has none).
fn scope_where(comps: &[Value], field: &str, value: &str) -> String {
    comps
        .iter()
        .find(|c| c[field] == value && c["purl"].is_string())
        .unwrap_or_else(|| panic!("{field} {value} missing"))["scope"]
        .as_str()
        .unwrap_or("unknown")
        .to_owned()
}

/// The third-party components without a scope.
fn unscoped(comps: &[Value]) -> Vec<&Value> {
    comps
        .iter()
        .filter(|c| c["scope"].is_null() && c["purl"].is_string())
        .collect()
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
    let scope_of = |purl: &str| scope_where(&comps, "purl", purl);
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

fn purls_of(env: &Env, repo: &Path) -> Vec<String> {
    sbom_components(env, repo)
        .iter()
        .filter_map(|c| c["purl"].as_str().map(str::to_owned))
        .collect()
}

fn copy_shared(rel: &str, repo: &Path, as_name: &str) {
    let from = sef_testkit::shared(&format!("data/lockfiles/{rel}"));
    std::fs::copy(&from, repo.join(as_name)).unwrap_or_else(|e| panic!("{from:?}: {e}"));
}

#[test]
fn git_download_and_sdk_sources_get_purls_unlike_the_registry_release() {
    let env = Env::new();
    // real edge-case lockfiles (osv-scalibr's fixtures)
    let mix = env.repo("mix");
    copy_shared("mixlock/git.lock", &mix, "mix.lock");
    let purls = purls_of(&env, &mix);
    assert!(
        purls.iter().all(|p| p.contains("?vcs_url=git%2Bhttps")),
        "{purls:?}"
    );
    let cargo = env.repo("cargo");
    copy_shared("cargolock/package-with-comments.lock", &cargo, "Cargo.lock");
    let purls = purls_of(&env, &cargo);
    assert!(
        purls.contains(&"pkg:cargo/addr2line@0.15.2".to_owned()),
        "{purls:?}"
    );
    assert!(
        purls
            .iter()
            .any(|p| p.starts_with("pkg:cargo/syn@1.0.73?vcs_url=")
                && p.ends_with("061a9ab4cfabf2a403dbeab4bbcb8ff97d344dff")),
        "{purls:?}"
    );
    // a codeload tarball is a download, not a repository
    let yarn = env.repo("yarn");
    copy_shared("yarnlock/commits.v1.lock", &yarn, "yarn.lock");
    let purls = purls_of(&env, &yarn);
    assert!(
        purls.iter().any(|p| p
            .contains("?download_url=https:%2F%2Fcodeload.github.com%2FG-Rath%2Fnpm-git-repo-1")),
        "{purls:?}"
    );
    assert!(
        !purls
            .iter()
            .any(|p| p.contains("vcs_url=https:%2F%2Fcodeload")),
        "{purls:?}"
    );
    // pub: a git package's purl carries the commit, not the registry
    // version; SDK packages are not pkg:pub/...@0.0.0
    let dart = env.repo("dart");
    copy_shared("pubspec/source-git.lock", &dart, "pubspec.lock");
    let purls = purls_of(&env, &dart);
    assert!(
        purls.iter().any(|p| p.starts_with(
            "pkg:pub/flutter_rust_bridge@e5adce55eea0b74d3680e66a2c5252edf17b07e1?vcs_url="
        )),
        "{purls:?}"
    );
    assert!(
        !purls
            .iter()
            .any(|p| p.starts_with("pkg:pub/flutter_rust_bridge@1.32.0"))
    );
    let sdk = env.repo("sdk");
    copy_shared("pubspec/source-sdk.lock", &sdk, "pubspec.lock");
    assert_eq!(
        purls_of(&env, &sdk),
        ["pkg:generic/flutter-sdk/flutter_web_plugins"]
    );
}

#[test]
fn a_git_sourced_crate_is_not_matched_as_the_registry_release() {
    let env = Env::new();
    let db = env.import_osv("crates.io");
    let r = env.repo("r");
    // smallvec 1.6.0 is RUSTSEC-2021-0003 on crates.io; the same name and
    // version fetched from a git fork is another package
    write(
        &r,
        "Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"git+https://github.com/servo/rust-smallvec?rev=2c3fc3c#2c3fc3cbf6d69a0c8f7c9e6fc6f9e2d3c1a0b7c2\"\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    let report = env.assess_json(&r, &db);
    let p = &evidence_of(&report, "known-vulnerabilities")["payload"];
    let matches = p["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 1, "{p}");
    assert_eq!(matches[0]["id"], "RUSTSEC-2021-0003");
    assert_eq!(matches[0]["source"]["line"], 9);
    let not_tested = p["not_tested"].as_array().unwrap();
    assert_eq!(not_tested.len(), 1, "{p}");
    assert!(
        not_tested[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("fetched from git"),
        "{p}"
    );
}

fn criterion(report: &Value, id: &str) -> Value {
    report["run"]["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
        .clone()
}

#[test]
fn go_stdlib_is_the_toolchains_for_applications_and_none_for_libraries() {
    let env = Env::new();
    let db = env.import_osv("Go");
    // gin dcaa429: a library with `go 1.25.0`
    let gin = env.repo("gin");
    copy_fixture("go-modules/gin", &gin);
    let report = env.assess_json(&gin, &db);
    let inv = &evidence_of(&report, "inventory")["payload"];
    assert!(
        !inv["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "stdlib"),
        "{inv}"
    );
    assert!(
        inv["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["message"]
                .as_str()
                .unwrap()
                .starts_with("a library module")),
        "{inv}"
    );
    let findings = report["run"]["findings"].as_array().unwrap();
    assert!(
        !findings.iter().any(|f| f["package"] == "stdlib"),
        "a library gets no standard-library finding"
    );

    // caddy 0cf03d3: an application (cmd/caddy is package main), `go
    // 1.25.1` and no toolchain directive
    let caddy = env.repo("caddy");
    copy_fixture("go-modules/caddy", &caddy);
    let report = env.assess_json(&caddy, &db);
    let findings = report["run"]["findings"].as_array().unwrap();
    let stdlib: Vec<&Value> = findings
        .iter()
        .filter(|f| f["package"] == "stdlib")
        .collect();
    assert!(stdlib.len() > 10, "{}", stdlib.len());
    for f in &stdlib {
        let title = f["title"].as_str().unwrap();
        assert!(
            title.starts_with("Go toolchain 1.25.1 (standard library): "),
            "{title}"
        );
        assert!(
            f["remediation"]
                .as_str()
                .unwrap()
                .contains("`toolchain` directive"),
            "{f}"
        );
    }
    // the Go database rates nothing: unknown, never a guessed medium
    assert!(findings.iter().all(|f| f["kind"] != "vulnerability"
        || f["severity"] == "unknown"
        || f["cvss"].is_object()));
    assert!(
        !findings.iter().any(|f| f["kind"] == "vulnerability"
            && f["severity"] == "medium"
            && f["cvss"].is_null())
    );
    // the Go records name the affected packages and symbols
    let vulns = &evidence_of(&report, "known-vulnerabilities")["payload"]["matches"];
    let net_mail = vulns
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "GO-2025-4006")
        .expect("GO-2025-4006 (net/mail) affects Go 1.25.1");
    assert!(
        net_mail["reachability"]
            .as_str()
            .unwrap()
            .starts_with("not checked")
    );
    assert!(
        net_mail["symbols"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().starts_with("net/mail."))
    );
    assert!(stdlib.iter().all(|f| {
        f["title"]
            .as_str()
            .unwrap()
            .contains("reachability not checked")
    }));
    // unknown severity blocks by default, even at `block_severity = "critical"`
    write(
        &caddy,
        "sef.toml",
        "[offering]\nname = \"caddy\"\n[checkpoints]\nblock_severity = \"critical\"\n",
    );
    let c = criterion(
        &env.assess_json(&caddy, &db),
        "develop.no-open-high-findings",
    );
    assert_eq!(c["outcome"], "fail", "{c}");
    // unless the plan says what unknown counts as
    write(
        &caddy,
        "sef.toml",
        "[offering]\nname = \"caddy\"\n[checkpoints]\nblock_severity = \"critical\"\nunknown_severity = \"high\"\n",
    );
    let c = criterion(
        &env.assess_json(&caddy, &db),
        "develop.no-open-high-findings",
    );
    assert_eq!(c["outcome"], "pass", "{c}");
}

#[test]
fn yarn_scope_comes_from_the_manifests_and_their_workspaces() {
    let env = Env::new();
    // rails 2a2db1e: yarn v1, workspaces in the root package.json
    let r = env.repo("rails");
    copy_fixture("rails-yarn", &r);
    let comps = sbom_components(&env, &r);
    let scope_of = |purl: &str| scope_where(&comps, "purl", purl);
    // activestorage's dependencies ship
    assert_eq!(scope_of("pkg:npm/spark-md5@3.0.2"), "required");
    // actioncable's devDependencies do not
    assert_eq!(scope_of("pkg:npm/mock-socket@2.0.0"), "excluded");
    let unknown = unscoped(&comps);
    assert!(unknown.is_empty(), "{unknown:?}");

    // Berry names its workspaces in the lock (a real osv-scalibr vector);
    // the manifests here are the smallest that match it
    let b = env.repo("berry");
    copy_shared("yarnlock/exclude-root.v2.lock", &b, "yarn.lock");
    write(
        &b,
        "package.json",
        r#"{"name":"ansi-regex","workspaces":["ansi-regex"],"devDependencies":{"@ws/ansi-regex":"workspace:^"}}"#,
    );
    write(
        &b,
        "ansi-regex/package.json",
        r#"{"name":"@ws/ansi-regex","dependencies":{"ansi-regex":"^6.1.0"}}"#,
    );
    let comps = sbom_components(&env, &b);
    let ansi = comps
        .iter()
        .find(|c| c["purl"] == "pkg:npm/ansi-regex@6.1.0")
        .unwrap();
    assert_eq!(ansi["scope"], "required", "{ansi}");
}

#[test]
fn cargo_scope_comes_from_the_workspace_manifests() {
    let env = Env::new();
    // ripgrep 3fce3b5: a workspace of ten crates
    let r = env.repo("ripgrep");
    copy_fixture("ripgrep-workspace", &r);
    let comps = sbom_components(&env, &r);
    let scope_of = |name: &str| scope_where(&comps, "name", name);
    assert_eq!(scope_of("memchr"), "required");
    // only ever a [dev-dependencies] entry
    assert_eq!(scope_of("regex"), "excluded");
    // `optional = true`, behind a feature
    assert_eq!(scope_of("arbitrary"), "optional");
    let unknown = unscoped(&comps);
    assert!(unknown.is_empty(), "{unknown:?}");
    // edges name the exact version the lock resolved: every dependsOn
    // target is a component
    let out = env.sef().args(["sbom", "-q"]).arg(&r).output().unwrap();
    let doc = json(&out.stdout);
    let refs: std::collections::HashSet<&str> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    let mut edges = 0;
    for d in doc["dependencies"].as_array().unwrap() {
        for t in d["dependsOn"].as_array().into_iter().flatten() {
            edges += 1;
            assert!(refs.contains(t.as_str().unwrap()), "{t}");
        }
    }
    assert!(edges > 60, "{edges}");
    // SPDX says the same with its relationship types
    let out = env
        .sef()
        .args(["sbom", "-q", "--format", "spdx"])
        .arg(&r)
        .output()
        .unwrap();
    let spdx = json(&out.stdout);
    let regex_id = spdx["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "regex")
        .unwrap()["SPDXID"]
        .clone();
    let rels = spdx["relationships"].as_array().unwrap();
    assert!(rels.iter().any(|x| x["spdxElementId"] == regex_id
        && x["relationshipType"] == "DEV_DEPENDENCY_OF"));
    assert!(
        !rels
            .iter()
            .any(|x| x["relatedSpdxElement"] == regex_id && x["relationshipType"] == "DEPENDS_ON")
    );
    assert!(
        rels.iter()
            .any(|x| x["relationshipType"] == "OPTIONAL_DEPENDENCY_OF")
    );
}

/// Every component of the SBOM is reached from the components the
/// inventory marks direct (the manifest's declarations), through the
/// lockfile's edges: no fallback root is needed.
fn reached_from_direct(env: &Env, repo: &Path) -> (usize, usize, usize) {
    let out = env.sef().args(["sbom", "-q"]).arg(repo).output().unwrap();
    let doc = json(&out.stdout);
    let graph: std::collections::HashMap<String, Vec<String>> = doc["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["ref"].as_str().unwrap().to_owned(),
                d["dependsOn"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| x.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    let inv = evidence_of(
        &json(
            &env.sef()
                .args(["assess", "-q", "--no-store", "-f", "json"])
                .arg(repo)
                .output()
                .unwrap()
                .stdout,
        ),
        "inventory",
    )["payload"]
        .clone();
    let direct: Vec<String> = inv["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["direct"] == true)
        .filter_map(|c| c["purl"].as_str().map(str::to_owned))
        .collect();
    let mut seen: std::collections::HashSet<String> = direct.iter().cloned().collect();
    let mut stack = direct.clone();
    while let Some(k) = stack.pop() {
        for d in graph.get(&k).into_iter().flatten() {
            if seen.insert(d.clone()) {
                stack.push(d.clone());
            }
        }
    }
    let comps = doc["components"].as_array().unwrap();
    let reached = comps
        .iter()
        .filter(|c| seen.contains(c["bom-ref"].as_str().unwrap()))
        .count();
    (direct.len(), reached, comps.len())
}

#[test]
fn components_are_reached_through_the_manifests_direct_dependencies() {
    let env = Env::new();
    // hexpm dee4f9b: mix.exs declares, mix.lock lists each package's deps
    let r = env.repo("hexpm");
    copy_fixture("hexpm-mix", &r);
    let (direct, reached, all) = reached_from_direct(&env, &r);
    assert!(direct > 30, "{direct}");
    assert_eq!(reached, all, "{direct} direct reach {reached} of {all}");
    // composer/composer eba7baa: composer.json's require and require-dev
    let c = env.repo("composer");
    copy_fixture("composer-composer", &c);
    let (direct, reached, all) = reached_from_direct(&env, &c);
    assert!(direct >= 15, "{direct}");
    assert_eq!(reached, all, "{direct} direct reach {reached} of {all}");
}
