//! End to end: KPIs measured in `sef assess`, their KPOs, trends across
//! releases and comparisons across offerings, and `sef kpi`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;

fn kpi<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["kpis"]
        .as_array()
        .or_else(|| report["run"]["kpis"].as_array())
        .unwrap()
        .iter()
        .find(|k| k["kpi_id"] == id)
        .unwrap_or_else(|| panic!("no KPI {id}"))
}

fn set_release(repo: &std::path::Path, version: &str, extra: &str) {
    let toml = format!(
        "[offering]\nname = \"snapshot-offering\"\nkind = \"service\"\n\n[release]\nversion = \"{version}\"\nphase = \"qualify\"\n\n[analyzers.vulnerabilities]\nenabled = false\n{extra}"
    );
    std::fs::write(repo.join("sef.toml"), toml).unwrap();
}

fn assess(env: &Env, repo: &std::path::Path) -> serde_json::Value {
    let out = env
        .sef()
        .args(["assess", "-q", "--format", "json", repo.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() <= 1, "{}", stderr(&out));
    json(&out.stdout)
}

#[test]
fn kpis_kpos_trends_and_peers_across_releases() {
    let env = Env::new();
    let repo = env.repo("shop");
    copy_fixture("sample-offering", &repo);

    // release 1.0: the sample's plan as it is
    set_release(&repo, "1.0", "");
    let r1 = assess(&env, &repo);
    let doc = kpi(&r1, "integrity.security-feature-documentation");
    assert_eq!(doc["measurement"]["value"], 25.0);
    assert_eq!(doc["kpo"]["target"], ">= 90 %");
    assert_eq!(doc["kpo"]["source"], "tier-default");
    assert_eq!(doc["kpo"]["status"], "missed");
    assert!(doc["trend"].is_null(), "a first release has no trend");
    let peers = kpi(&r1, "quality.integrity-vs-peers");
    assert_eq!(peers["measurement"]["state"], "not-measured");
    assert_eq!(peers["kpo"]["status"], "not-measured");

    // release 2.0: operations documented, a KPO of the plan's own
    std::fs::write(
        repo.join("docs/operations.md"),
        "# Operations\n\nThe service is monitored through its metrics endpoint on the monitoring network only. \
         Operators apply security patches within seven days of release, restore from the nightly encrypted \
         backup with the documented restore command, and follow the incident runbook in the wiki when an \
         alert fires; every step is logged to the central collector for later audit.\n",
    )
    .unwrap();
    set_release(
        &repo,
        "2.0",
        "\n[kpo]\n\"integrity.security-feature-documentation\" = 30\n",
    );
    let r2 = assess(&env, &repo);
    let doc = kpi(&r2, "integrity.security-feature-documentation");
    assert_eq!(doc["measurement"]["value"], 37.5);
    assert_eq!(doc["kpo"]["source"], "plan");
    assert_eq!(doc["kpo"]["status"], "met");
    assert_eq!(doc["trend"]["direction"], "improved");
    assert_eq!(doc["trend"]["previous_release"], "1.0");
    assert_eq!(doc["trend"]["previous_value"], 25.0);
    let held = kpi(&r2, "resilience.design-documentation");
    assert_eq!(held["trend"]["direction"], "held");
    let nc = kpi(&r2, "integrity.developed-code-review");
    assert_eq!(nc["trend"]["direction"], "not-comparable");

    // another offering, less documented: now shop compares higher
    let other = env.repo("other");
    copy_fixture("sample-offering", &other);
    std::fs::write(
        other.join("sef.toml"),
        "[offering]\nname = \"other\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    )
    .unwrap();
    std::fs::write(
        other.join("security/documentation.toml"),
        "[[topic]]\nid = \"deployment\"\nfiles = [\"docs/operations.md\"]\n",
    )
    .unwrap();
    std::fs::write(other.join("docs/operations.md"), "# Ops\n\nTODO\n").unwrap();
    let _ = assess(&env, &other);
    let r3 = assess(&env, &repo);
    let cmp = kpi(&r3, "quality.integrity-vs-peers");
    assert_eq!(cmp["measurement"]["state"], "measured", "{cmp}");
    assert_eq!(cmp["measurement"]["value"], 1.0);
    assert!(
        cmp["detail"].as_str().unwrap().starts_with("higher:"),
        "{cmp}"
    );

    // sef kpi reads the latest stored run of the release
    let out = env
        .sef()
        .args(["kpi", repo.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j = json(&out.stdout);
    assert_eq!(j["schema"], "sef.kpis");
    assert_eq!(j["release"], "2.0");
    assert_eq!(j["run"], r3["run"]["id"]);
    assert_eq!(
        kpi(&j, "integrity.security-feature-documentation")["trend"]["direction"],
        "improved"
    );
    let out = env
        .sef()
        .args(["kpi", repo.to_str().unwrap(), "--release", "1.0"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("snapshot-offering 1.0 (phase: qualify)"),
        "{text}"
    );
    assert!(text.contains("security-feature-documentation"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour off a terminal");
    let out = env
        .sef()
        .args(["kpi", repo.to_str().unwrap(), "--release", "7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no stored run of snapshot-offering 7; run `sef assess` first (stored releases: 2.0, 1.0)"), "{}", stderr(&out));
}
