//! End to end: the security plan through `sef pti`, `sef plan`,
//! `sef requirements` and `sef assess`, and bad plan files refused with
//! their file and line before anything is stored.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;

fn sample(env: &Env) -> std::path::PathBuf {
    let repo = env.repo("sample");
    copy_fixture("sample-offering", &repo);
    repo
}

fn run(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.sef().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout.clone()).unwrap(),
        stderr(&out),
    )
}

#[test]
fn pti_shows_index_and_tier_and_explains() {
    let env = Env::new();
    let repo = sample(&env);
    let p = repo.to_str().unwrap();
    let (code, out, _) = run(&env, &["pti", p]);
    assert_eq!(code, 0);
    assert!(out.contains("index 62 of 100 → tier 3 (high)"), "{out}");
    let (_, out, _) = run(&env, &["pti", p, "--explain"]);
    assert!(
        out.contains("multi_tenant           yes                   6  privilege-and-reach"),
        "{out}"
    );
    let (_, out, _) = run(&env, &["pti", p, "--format", "json"]);
    let j = json(out.as_bytes());
    assert_eq!(j["schema"], "sef.pti");
    assert_eq!(j["pti"]["tier"], 3);
    assert_eq!(j["pti"]["outcome"]["index"], 62);

    // half answered: exit 1 and the unanswered listed
    std::fs::write(
        repo.join("security/pti.toml"),
        "exposure = \"internet\"\nprivileged = true\n",
    )
    .unwrap();
    let (code, out, _) = run(&env, &["pti", p]);
    assert_eq!(code, 1);
    assert!(out.contains("- data_classification"), "{out}");
    assert!(!out.contains("- exposure"), "{out}");
    // none at all
    std::fs::remove_file(repo.join("security/pti.toml")).unwrap();
    let (code, out, _) = run(&env, &["pti", p]);
    assert_eq!(code, 1);
    assert!(out.contains("not done: the plan has no [pti]"), "{out}");
}

#[test]
fn plan_reports_what_is_unanswered() {
    let env = Env::new();
    let repo = sample(&env);
    let p = repo.to_str().unwrap();
    let (code, out, _) = run(&env, &["plan", p]);
    assert_eq!(code, 1, "the schedule question is unanswered");
    assert!(out.contains("? schedule             unanswered"), "{out}");
    assert!(
        out.contains("security/documentation.toml:9: documentation topic `operations`"),
        "{out}"
    );
    let (_, out, _) = run(&env, &["plan", p, "-f", "json"]);
    let j = json(out.as_bytes());
    assert_eq!(j["security_plan"]["checklist"]["unanswered"][0], "schedule");
    assert_eq!(j["security_plan"]["education"]["trained"], 2);

    // answer it: exit 0
    let mut c = std::fs::read_to_string(repo.join("security/checklist.toml")).unwrap();
    c.push_str("\n[schedule]\nanswer = \"yes\"\nnote = \"two fix weeks booked\"\n");
    std::fs::write(repo.join("security/checklist.toml"), c).unwrap();
    let (code, out, _) = run(&env, &["plan", p]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn requirements_filter_and_export() {
    let env = Env::new();
    let repo = sample(&env);
    let p = repo.to_str().unwrap();
    let (code, out, err) = run(&env, &["requirements", p, "--status", "verified"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("2 of 131 requirement(s) shown; tier 3 (the PTI)"),
        "{err}"
    );
    assert!(
        out.contains("SEF-AUTH-001") && out.contains("SEF-AUTH-003"),
        "{out}"
    );
    assert!(
        !out.contains("SEF-AUTH-006"),
        "a failed test does not verify: {out}"
    );

    let (_, out, _) = run(
        &env,
        &["requirements", p, "-c", "data-at-rest", "-f", "csv", "-q"],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("id,category,status,verified"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ACME-001,data-at-rest,planned,false,,plan,"))
    );
    assert!(lines[1..].iter().all(|l| l.contains(",data-at-rest,")));

    let (_, out, _) = run(
        &env,
        &["requirements", p, "--tier", "1", "-f", "json", "-q"],
    );
    let j = json(out.as_bytes());
    assert_eq!(j["schema"], "sef.requirements");
    assert_eq!(j["requirements"]["tier"], 1);
    let rows = j["requirements"]["rows"].as_array().unwrap();
    assert!(rows.len() < 131);
    assert!(
        rows.iter()
            .all(|r| r["tiers"].as_str().is_none_or(|t| t.starts_with('1'))
                || r["id"] == "SEF-SESS-004"
                || r["source"] == "plan")
    );

    let out_file = env.dir.path().join("req.md");
    let (code, _, _) = run(
        &env,
        &[
            "requirements",
            p,
            "-f",
            "markdown",
            "-o",
            out_file.to_str().unwrap(),
            "-q",
        ],
    );
    assert_eq!(code, 0);
    let md = std::fs::read_to_string(out_file).unwrap();
    assert!(md.starts_with("# Security requirements\n"));

    let (code, _, err) = run(&env, &["requirements", p, "--tier", "7"]);
    assert_eq!(code, 2);
    assert!(err.contains("7 is not in 1..=4"), "{err}");
}

#[test]
fn requirements_with_the_official_asvs_json() {
    let env = Env::new();
    let repo = sample(&env);
    let p = repo.to_str().unwrap();
    let asvs = env.dir.path().join("asvs.json");
    std::fs::write(
        &asvs,
        r#"{"Name":"ASVS","ShortName":"ASVS","Version":"5.0.0","Requirements":[{"Shortcode":"V6","Ordinal":6,"Name":"Authentication","Items":[{"Shortcode":"V6.3","Ordinal":3,"Name":"General Authentication Security","Items":[{"Shortcode":"V6.3.1","Ordinal":1,"Description":"Verify that controls against credential stuffing exist.","L":"1"}]}]}]}"#,
    )
    .unwrap();
    let (code, out, err) = run(
        &env,
        &[
            "requirements",
            p,
            "-c",
            "authentication-and-authorization",
            "--asvs",
            asvs.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("V6.3.1 (L1): Verify that controls against credential stuffing exist."),
        "{out}"
    );
    assert!(
        err.contains(
            "ASVS reference(s) of the catalog are not in the supplied file (version 5.0.0)"
        ),
        "{err}"
    );

    std::fs::write(&asvs, "{\n  \"Requirements\": [ oops ]\n}").unwrap();
    let (code, _, err) = run(&env, &["requirements", p, "--asvs", asvs.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("asvs.json:2:"), "{err}");
    std::fs::write(&asvs, "[1,2,3]").unwrap();
    let (code, _, err) = run(&env, &["requirements", p, "--asvs", asvs.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not an ASVS export"), "{err}");
}

#[test]
fn assess_carries_the_plan_as_evidence() {
    let env = Env::new();
    let repo = sample(&env);
    let (code, out, err) = run(
        &env,
        &[
            "assess",
            "-q",
            "--no-store",
            "--format",
            "json",
            repo.to_str().unwrap(),
        ],
    );
    // the sample is in qualify with half its documentation: the gate fails
    assert_eq!(code, 1, "{err}");
    let report = json(out.as_bytes());
    let docs = report["run"]["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "qualify.security-documentation-complete")
        .unwrap();
    assert_eq!(docs["outcome"], "fail");
    assert!(
        docs["detail"]
            .as_str()
            .unwrap()
            .contains("2 of 8 required topics documented"),
        "{docs}"
    );
    let pti = evidence_of(&report, "pti");
    assert_eq!(pti["status"]["state"], "complete");
    assert_eq!(pti["payload"]["tier"], 3);
    let req = evidence_of(&report, "security-requirements");
    assert_eq!(req["status"]["state"], "partial");
    // within a run, the evidence-verified requirement is confirmed
    let rows = req["payload"]["evaluation"]["rows"].as_array().unwrap();
    let conf = rows.iter().find(|r| r["id"] == "SEF-CONF-005").unwrap();
    assert_eq!(conf["verified"], true);
    assert_eq!(report["summary"]["security_plan"]["pti_tier"], 3);
    assert_eq!(
        report["summary"]["security_plan"]["parts"]["planning-checklist"],
        "partial"
    );
    assert_eq!(report["summary"]["evidence_complete"], false);
}

#[test]
fn bad_plan_files_stop_assess_with_file_and_line_and_store_nothing() {
    let env = Env::new();
    let repo = sample(&env);
    let p = repo.to_str().unwrap();
    for (file, text, want) in [
        (
            "security/team.toml",
            "[[member]]\nid = \"ana\"\nroles = [\"wizard\"]\n",
            "security/team.toml:3:10: unknown variant `wizard`",
        ),
        (
            "security/requirements.toml",
            "[[requirement]]\nid = \"SEF-AUTH-001\"\n[[requirement]]\nid = \"SEF-AUTH-001\"\n",
            "security/requirements.toml:4:6: requirement `SEF-AUTH-001` is listed twice",
        ),
        (
            "security/documentation.toml",
            "[[topic]]\nid = \"deployment\"\nfiles = [\"a.md\"]\ncolour = \"red\"\n",
            "security/documentation.toml:4:1: unknown field `colour`",
        ),
        (
            "security/checklist.toml",
            "[budget]\nanswer = \"yes\"\n",
            "security/checklist.toml:1:",
        ),
        (
            "security/pti.toml",
            "exposure = \"moon\"\n",
            "security/pti.toml:1:12: unknown variant `moon`",
        ),
    ] {
        let before = std::fs::read_to_string(repo.join(file)).unwrap();
        std::fs::write(repo.join(file), text).unwrap();
        for cmd in ["assess", "plan", "pti", "requirements"] {
            let (code, _, err) = run(&env, &[cmd, p]);
            assert_eq!(code, 2, "{cmd} {file}: {err}");
            assert!(err.contains(want), "{cmd} {file}:\n{err}\nwant {want}");
        }
        std::fs::write(repo.join(file), before).unwrap();
    }
    // nothing was stored by the refused runs: the store was not even
    // created, and a read-only command refuses to create it
    assert!(!env.db().exists(), "a refused run created the store");
    let (code, _, err) = run(&env, &["runs", "list", "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no store here"), "{err}");
    assert!(!env.db().exists(), "`runs list` created the store");
    // the same section inline and under security/ is refused
    let mut toml = std::fs::read_to_string(repo.join("sef.toml")).unwrap();
    toml.push_str("\n[pti]\nexposure = \"internal\"\n");
    std::fs::write(repo.join("sef.toml"), toml).unwrap();
    let (code, _, err) = run(&env, &["assess", p]);
    assert_eq!(code, 2);
    assert!(
        err.contains("[pti] is defined both here and in sef.toml"),
        "{err}"
    );
}
