//! The golden scenario: one offering walked from concept to lifecycle, each
//! checkpoint decided from evidence, one failed gate overridden by its PDT
//! leader, refused moves (skips, moves backwards, overrides without the role,
//! another offering's evidence) that change nothing in the store, and KPIs
//! that improve and then regress over three releases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::path::Path;

const PROSE: &str = "This section explains, for the people who install, run and audit the service, \
which security settings it needs, how its keys are rotated, which events it logs and where, how \
the team tests it before each release, and how to report a vulnerability to the security team. \
It is kept up to date with every release and reviewed at each checkpoint.";

fn plan(repo: &Path, version: &str, phase: &str, extra: &str) {
    std::fs::write(
        repo.join("sef.toml"),
        format!(
            "[offering]\nname = \"walk\"\nkind = \"service\"\n\n[release]\nversion = \"{version}\"\nphase = \"{phase}\"\n\n\
             [analyzers.vulnerabilities]\nenabled = false\n\n\
             [checkpoints]\n# sef's vulnerability scan needs an advisory database this test does not install;\n\
             # the service ships no packages and records no penetration test\n\
             disabled = [\"develop.scans-current\", \"qualify.components-tested\", \"qualify.packages-signed\", \"qualify.penetration-test\"]\n\n\
             [kpo]\n\"integrity.assurance-review-documentation\" = 2\n{extra}"
        ),
    )
    .unwrap();
}

fn sef(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.sef().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout.clone()).unwrap(),
        stderr(&out),
    )
}

fn decisions(env: &Env, repo: &Path) -> usize {
    let (code, out, err) = sef(
        env,
        &["phase", "history", repo.to_str().unwrap(), "-f", "json"],
    );
    assert_eq!(code, 0, "{err}");
    json(out.as_bytes())["decisions"].as_array().unwrap().len()
}

fn document_everything(repo: &Path) {
    std::fs::write(
        repo.join("docs/all.md"),
        format!("# Security guide\n\n{PROSE}\n"),
    )
    .unwrap();
    let topics = [
        "security-architecture",
        "deployment",
        "operations",
        "integration",
        "environment-settings",
        "management",
        "audit-logging",
        "assurance",
    ];
    let toml: String = topics
        .iter()
        .map(|t| format!("[[topic]]\nid = \"{t}\"\nfiles = [\"docs/all.md\"]\n\n"))
        .collect();
    std::fs::write(repo.join("security/documentation.toml"), toml).unwrap();
}

fn kpi(report: &serde_json::Value, id: &str) -> serde_json::Value {
    report["run"]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi_id"] == id)
        .unwrap()
        .clone()
}

#[test]
fn an_offering_from_concept_to_lifecycle_over_three_releases() {
    let env = Env::new();
    let repo = env.repo("walk");
    copy_fixture("sample-offering", &repo);
    let p = repo.to_str().unwrap();

    // concept → plan: nothing but complete analyzers is asked
    plan(&repo, "1.0", "concept", "");
    let (code, out, err) = sef(&env, &["phase", "advance", p, "-q"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("walk 1.0: concept → plan (gate passed"),
        "{out}"
    );
    assert!(out.contains("set [release] phase = \"plan\""), "{out}");

    // the plan checkpoint fails: checklist partial, no threat model
    plan(&repo, "1.0", "plan", "");
    let (code, out, _) = sef(&env, &["gate", p, "-q"]);
    assert_eq!(code, 1);
    assert!(out.contains("[FAIL] plan.checklist-complete"), "{out}");
    assert!(out.contains("[FAIL] plan.threat-model-present"), "{out}");
    assert!(out.contains("[pass] plan.pti-done"), "{out}");
    let (code, _, err) = sef(&env, &["phase", "advance", p, "-q"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the plan checkpoint failed; walk 1.0 stays in `plan`"),
        "{err}"
    );
    assert_eq!(decisions(&env, &repo), 1);

    // an override by someone who is not a PDT leader is refused, before anything runs
    let (code, _, err) = sef(
        &env,
        &[
            "phase",
            "advance",
            p,
            "-q",
            "--override",
            "--by",
            "dev",
            "--justification",
            "we are late",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`dev` is not a PDT leader"), "{err}");
    let (code, _, err) = sef(
        &env,
        &[
            "phase",
            "advance",
            p,
            "-q",
            "--override",
            "--by",
            "mallory",
            "--justification",
            "trust me, really",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("`mallory` is not a member of the plan's team"),
        "{err}"
    );
    let (code, _, err) = sef(
        &env,
        &[
            "phase",
            "advance",
            p,
            "-q",
            "--override",
            "--by",
            "ana",
            "--justification",
            "ok",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("needs a written justification"), "{err}");
    assert_eq!(decisions(&env, &repo), 1);

    // the PDT leader overrides, with a justification
    let (code, out, err) = sef(
        &env,
        &[
            "phase",
            "advance",
            p,
            "-q",
            "--override",
            "--by",
            "ana",
            "--justification",
            "threat model workshop booked for week 2; schedule agreed with the SAB",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "plan → develop (gate FAILED, overridden by ana (self-asserted (unsigned)): threat model workshop"
        ),
        "{out}"
    );
    assert_eq!(decisions(&env, &repo), 2);

    // skipping develop is refused, and changes nothing
    plan(&repo, "1.0", "qualify", "");
    let (code, _, err) = sef(&env, &["phase", "advance", p, "-q"]);
    assert_eq!(code, 2);
    assert!(err.contains("is in phase `develop` in the store"), "{err}");
    assert!(err.contains("phases cannot be skipped"), "{err}");
    assert_eq!(decisions(&env, &repo), 2);

    // develop → qualify passes (no open high finding)
    plan(&repo, "1.0", "develop", "");
    let (code, out, err) = sef(&env, &["phase", "advance", p, "-q"]);
    assert_eq!(code, 0, "{out}{err}");

    // another offering's run is not evidence for this one
    let other = env.repo("other");
    std::fs::write(other.join("sef.toml"), "[offering]\nname = \"other\"\n[release]\nversion = \"1.0\"\nphase = \"qualify\"\n[analyzers.vulnerabilities]\nenabled = false\n").unwrap();
    let (code, out, _) = sef(
        &env,
        &["assess", other.to_str().unwrap(), "-q", "-f", "json"],
    );
    assert!(code <= 1);
    let other_run = json(out.as_bytes())["run"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    plan(&repo, "1.0", "qualify", "");
    let (code, _, err) = sef(&env, &["phase", "advance", p, "-q", "--run", &other_run]);
    assert_eq!(code, 2);
    assert!(
        err.contains("is evidence of `other`, not of `walk`"),
        "{err}"
    );
    assert_eq!(decisions(&env, &repo), 3);

    // qualify → launch once the documentation is complete
    let (code, out, _) = sef(&env, &["gate", p, "-q"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("[FAIL] qualify.security-documentation-complete"),
        "{out}"
    );
    document_everything(&repo);
    let (code, out, err) = sef(&env, &["phase", "advance", p, "-q"]);
    assert_eq!(code, 0, "{out}{err}");

    // launch → lifecycle needs the incident-response record
    plan(&repo, "1.0", "launch", "");
    let (code, _, _) = sef(&env, &["phase", "advance", p, "-q"]);
    assert_eq!(code, 1);
    std::fs::write(
        repo.join("docs/incident-response.md"),
        format!("# Incident response\n\n{PROSE}\n"),
    )
    .unwrap();
    plan(
        &repo,
        "1.0",
        "launch",
        "\n[incident_response]\ncontact = \"psirt@example.com\"\nprocess = \"docs/incident-response.md\"\n",
    );
    let (code, out, err) = sef(&env, &["phase", "advance", p, "-q"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("launch → lifecycle"), "{out}");

    // assessing with sef.toml behind the store says so
    let (_, out, _) = sef(&env, &["assess", p, "-q"]);
    assert!(
        out.contains(
            "sef.toml says phase `launch`, but the store records walk 1.0 in phase `lifecycle`"
        ),
        "{out}"
    );

    // lifecycle is the last phase; going back is refused
    plan(&repo, "1.0", "lifecycle", "");
    let (code, _, err) = sef(&env, &["phase", "advance", p, "-q"]);
    assert_eq!(code, 2);
    assert!(err.contains("the last one"), "{err}");
    plan(&repo, "1.0", "develop", "");
    let (code, _, err) = sef(&env, &["phase", "advance", p, "-q"]);
    assert_eq!(code, 2);
    assert!(err.contains("phases cannot move backwards"), "{err}");
    assert_eq!(decisions(&env, &repo), 5);

    // the timeline shows every decision, the override with who and why
    let (_, out, _) = sef(&env, &["phase", "history", p]);
    assert_eq!(
        out.lines().filter(|l| l.contains(" → ")).count(),
        5,
        "{out}"
    );
    assert!(
        out.contains(
            "plan → develop  (gate fail — OVERRIDDEN by ana (self-asserted (unsigned)): threat model workshop booked"
        ),
        "{out}"
    );
    plan(&repo, "1.0", "lifecycle", "");
    let (_, out, _) = sef(&env, &["assess", p, "-q"]);
    assert!(out.contains("Phase timeline"), "{out}");
    assert!(out.contains("OVERRIDDEN by ana"), "{out}");
    let (_, out, _) = sef(&env, &["runs", "show", "latest", "-f", "json"]);
    let j = json(out.as_bytes());
    assert_eq!(j["phase_timeline"].as_array().unwrap().len(), 5);
    assert_eq!(j["phase_timeline"][1]["override"]["by"], "ana");

    // release 2.0 improves on 1.0; release 3.0 regresses
    plan(&repo, "2.0", "develop", "");
    let mut tm = String::from("# Threat model\n\n");
    tm.push_str(PROSE);
    std::fs::write(repo.join("security/threat-model.md"), tm).unwrap();
    // the checklist is completed: test plan in place, fix weeks scheduled
    std::fs::write(
        repo.join("security/checklist.toml"),
        std::fs::read_to_string(repo.join("security/checklist.toml"))
            .unwrap()
            .replace("answer = \"partial\"", "answer = \"yes\"")
            + "\n[schedule]\nanswer = \"yes\"\nnote = \"two fix weeks\"\n",
    )
    .unwrap();
    let (_, out, _) = sef(&env, &["assess", p, "-q", "-f", "json"]);
    let r2 = json(out.as_bytes());
    let practices = kpi(&r2, "quality.secure-engineering-practices");
    assert_eq!(practices["trend"]["previous_release"], "1.0");
    assert_eq!(practices["trend"]["direction"], "improved", "{practices}");
    assert!(
        practices["measurement"]["value"].as_f64().unwrap()
            > practices["trend"]["previous_value"].as_f64().unwrap()
    );
    let docs = kpi(&r2, "integrity.security-feature-documentation");
    assert_eq!(docs["measurement"]["value"], 100.0);
    assert_eq!(docs["trend"]["direction"], "held");

    plan(&repo, "3.0", "develop", "");
    std::fs::write(repo.join("docs/all.md"), "# Security guide\n\nTODO\n").unwrap();
    let (_, out, _) = sef(&env, &["assess", p, "-q", "-f", "json"]);
    let r3 = json(out.as_bytes());
    let docs = kpi(&r3, "integrity.security-feature-documentation");
    assert_eq!(docs["trend"]["previous_release"], "2.0");
    assert_eq!(docs["trend"]["previous_value"], 100.0);
    assert_eq!(docs["trend"]["direction"], "regressed");
    let design = kpi(&r3, "resilience.design-documentation");
    assert_eq!(design["trend"]["direction"], "regressed");
    // a new release starts with no checkpoint decision of its own
    assert_eq!(r3["phase_timeline"].as_array().unwrap().len(), 0);

    // the HTML report charts the KPIs over the three releases, inline
    let (code, html, err) = sef(&env, &["runs", "show", "latest", "-f", "html"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        html.contains("KPI trends across releases"),
        "no trend section"
    );
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(html.contains("aria-label=\"integrity.security-feature-documentation\""));
    assert!(html.contains("<title>2.0: 100.0 percent</title>"));
    assert!(
        !html.contains("http://www.w3.org/2000/svg\" src="),
        "no external request"
    );
    let (_, md, _) = sef(&env, &["runs", "show", "latest", "-f", "markdown"]);
    assert!(
        md.contains("- **integrity.security-feature-documentation**: 1.0 100.0 percent → 2.0 100.0 percent → 3.0 "),
        "{md}"
    );
}
