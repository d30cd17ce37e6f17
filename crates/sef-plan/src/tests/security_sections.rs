//! The security plan's sections: inline and under security/, and every
//! kind of bad input located by file and line.

use super::*;
use sef_process::checklist::Answer;
use sef_process::education::TeamRole;
use sef_process::pti::{DataClassification, Exposure};
use sef_process::requirements::{Status, Verification};

const HEAD: &str = "[offering]\nname = \"x\"\n";

fn with(body: &str) -> Result<Plan, PlanError> {
    parse(&format!("{HEAD}{body}"))
}

fn err_with(body: &str) -> String {
    with(body).unwrap_err().to_string()
}

#[test]
fn inline_sections_are_read() {
    let p = with(
        r#"
[pti]
data_classification = "confidential"
exposure = "internet"
personal_data = true
assessed_by = "Ana"
assessed_on = 2026-10-01

[checklist.risk-assessment]
answer = "yes"
note = "architecture review 2026-10-02"
evidence = ["docs/review.md"]

[checklist.schedule]
answer = "partial"
note = "fix week not yet booked"

[requirements]
junit = ["target/junit.xml"]

[[requirements.requirement]]
id = "SEF-AUTH-001"
status = "verified"
verify = { test = "auth::locks_out" }

[[requirements.requirement]]
id = "SEF-SESS-004"
status = "not-applicable"
rationale = "no cookies: a CLI"

[[requirements.requirement]]
id = "ACME-001"
category = "data-at-rest"
statement = "Exports are watermarked."
verify = [{ file = "tests/export.rs" }, { evidence = "inventory" }]

[[documentation.topic]]
id = "deployment"
files = ["docs/deploy.md#Security"]

[[documentation.topic]]
id = "assurance"
not_applicable = "internal tool"

[team]
refresher_days = 400

[[team.member]]
id = "ana"
name = "Ana"
roles = ["developer", "pdt-leader"]

[[team.completion]]
member = "ana"
course = "secure-coding"
date = 2026-02-01
"#,
    )
    .unwrap();
    let s = &p.security;
    let pti = s.pti.as_ref().unwrap();
    assert_eq!(
        pti.answers.data_classification,
        Some(DataClassification::Confidential)
    );
    assert_eq!(pti.answers.exposure, Some(Exposure::Internet));
    assert_eq!(pti.answers.health_data, None);
    assert_eq!(pti.assessed_by.as_deref(), Some("Ana"));
    assert_eq!(pti.origin.line, 4);
    let cl = s.checklist.as_ref().unwrap();
    assert_eq!(cl.len(), 2);
    assert_eq!(cl[0].question, "risk-assessment");
    assert_eq!(cl[0].evidence, vec!["docs/review.md"]);
    assert_eq!(cl[1].answer, Answer::Partial);
    assert_eq!(cl[0].origin.line, 11);
    let r = s.requirements.as_ref().unwrap();
    assert_eq!(r.junit, vec!["target/junit.xml"]);
    assert_eq!(r.entries.len(), 3);
    assert_eq!(r.entries[0].status, Some(Status::Verified));
    assert_eq!(
        r.entries[0].verification,
        vec![Verification::Test("auth::locks_out".into())]
    );
    assert_eq!(r.entries[2].verification.len(), 2);
    assert!(r.entries[2].custom.is_some());
    let d = s.documentation.as_ref().unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d[1].not_applicable.as_deref(), Some("internal tool"));
    let t = s.team.as_ref().unwrap();
    assert_eq!(t.refresher_days, 400);
    assert_eq!(
        t.members[0].roles,
        vec![TeamRole::Developer, TeamRole::PdtLeader]
    );
    assert_eq!(t.completions.len(), 1);
}

#[test]
fn bad_sections_are_located() {
    for (body, want) in [
        (
            "[pti]\nexposure = \"moon\"\n",
            "sef.toml:4:12: unknown variant `moon`",
        ),
        (
            "[pti]\nwhatever = 1\n",
            "sef.toml:4:1: unknown field `whatever`",
        ),
        ("[checklist.budget]\nanswer = \"yes\"\n", "sef.toml:3:"),
        (
            "[checklist.schedule]\nanswer = \"maybe\"\n",
            "unknown variant `maybe`",
        ),
        (
            "[[requirements.requirement]]\nid = \"SEF-AUTH-001\"\n[[requirements.requirement]]\nid = \"SEF-AUTH-001\"\n",
            "sef.toml:6:6: requirement `SEF-AUTH-001` is listed twice",
        ),
        (
            "[[requirements.requirement]]\nid = \"SEF-AUTH-999\"\n",
            "sef.toml:4:6: `SEF-AUTH-999` is not in sef's catalog",
        ),
        (
            "[[requirements.requirement]]\nid = \"MINE-1\"\n",
            "needs a `category` and a `statement`",
        ),
        (
            "[[requirements.requirement]]\nid = \"SEF-AUTH-001\"\nstatement = \"x\"\n",
            "its category and statement cannot be changed",
        ),
        (
            "[[requirements.requirement]]\nid = \"SEF-AUTH-001\"\nstatus = \"not-applicable\"\n",
            "sef.toml:3:1: requirement `SEF-AUTH-001` is not-applicable without a `rationale`",
        ),
        (
            "[[requirements.requirement]]\nid = \"SEF-AUTH-001\"\nverify = { evidence = \"vibes\" }\n",
            "`vibes` is not an evidence kind",
        ),
        (
            "[[requirements.requirement]]\nid = \"SEF-AUTH-001\"\nverify = { test = \"a\", file = \"b\" }\n",
            "exactly one of `test`, `file` or `evidence`",
        ),
        (
            "[[requirements.requirement]]\nid = \"SEF-AUTH-001\"\nstatus = \"done\"\n",
            "unknown variant `done`",
        ),
        (
            "[[documentation.topic]]\nid = \"marketing\"\nfiles = [\"a.md\"]\n",
            "sef.toml:4:6: unknown documentation topic `marketing`",
        ),
        (
            "[[documentation.topic]]\nid = \"deployment\"\n",
            "sef.toml:3:1: topic `deployment` maps no `files`",
        ),
        (
            "[[documentation.topic]]\nid = \"deployment\"\nfiles = [\"a.md\"]\n[[documentation.topic]]\nid = \"deployment\"\nfiles = [\"b.md\"]\n",
            "sef.toml:7:6: topic `deployment` is listed twice",
        ),
        (
            "[[team.member]]\nid = \"ana\"\nroles = [\"wizard\"]\n",
            "sef.toml:5:10: unknown variant `wizard`",
        ),
        (
            "[[team.member]]\nid = \"ana\"\nroles = []\n",
            "member `ana` has no role",
        ),
        (
            "[[team.member]]\nid = \"ana\"\nroles = [\"qa\"]\n[[team.member]]\nid = \"ana\"\nroles = [\"qa\"]\n",
            "sef.toml:7:6: member `ana` is listed twice",
        ),
        (
            "[[team.completion]]\nmember = \"bob\"\ncourse = \"secure-coding\"\ndate = 2026-01-01\n",
            "sef.toml:4:10: completion names member `bob`",
        ),
        (
            "[[team.member]]\nid = \"ana\"\nroles = [\"qa\"]\n[[team.completion]]\nmember = \"ana\"\ncourse = \"juggling\"\ndate = 2026-01-01\n",
            "completion names course `juggling`",
        ),
        (
            "[[team.member]]\nid = \"ana\"\nroles = [\"qa\"]\n[[team.completion]]\nmember = \"ana\"\ncourse = \"secure-coding\"\ndate = \"last week\"\n",
            "sef.toml:9:8: `date` must be a date",
        ),
        (
            "[team.required]\nwizard = [\"secure-coding\"]\n",
            "unknown role `wizard`",
        ),
        ("[team]\nrefresher_days = 0\n", "between 1 and 3650"),
    ] {
        let e = err_with(body);
        assert!(e.contains(want), "{body:?}\n  got: {e}\n want: {want}");
    }
}

#[test]
fn sections_load_from_the_security_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sef.toml"), HEAD).unwrap();
    std::fs::create_dir(dir.path().join("security")).unwrap();
    std::fs::write(
        dir.path().join("security/pti.toml"),
        "data_classification = \"public\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("security/team.toml"),
        "[[member]]\nid = \"ana\"\nroles = [\"qa\"]\n",
    )
    .unwrap();
    let p = Plan::load(dir.path()).unwrap();
    assert!(p.security.pti.is_some());
    assert_eq!(p.security.team.as_ref().unwrap().members.len(), 1);
    assert_eq!(
        p.security_files,
        vec!["security/pti.toml", "security/team.toml"]
    );
    assert_eq!(
        p.security.team.as_ref().unwrap().members[0].origin.file,
        "security/team.toml"
    );

    // a bad value in a security file names that file and line
    std::fs::write(
        dir.path().join("security/team.toml"),
        "[[member]]\nid = \"ana\"\nroles = [\"qa\"]\n\n[[member]]\nid = \"bo\"\nroles = [\"boss\"]\n",
    )
    .unwrap();
    let e = Plan::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("security/team.toml:7:10: unknown variant `boss`"),
        "{e}"
    );

    // the same section inline and as a file is refused
    std::fs::write(dir.path().join("security/team.toml"), "").unwrap();
    std::fs::write(
        dir.path().join("sef.toml"),
        format!("{HEAD}[pti]\nexposure = \"internal\"\n"),
    )
    .unwrap();
    let e = Plan::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("security/pti.toml:1:1: [pti] is defined both here and in sef.toml"),
        "{e}"
    );
}

#[test]
fn security_files_without_sef_toml_still_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("security")).unwrap();
    std::fs::write(
        dir.path().join("security/checklist.toml"),
        "[schedule]\nanswer = \"yes\"\n",
    )
    .unwrap();
    let p = Plan::load(dir.path()).unwrap();
    assert_eq!(p.source, PlanSource::Defaults);
    assert_eq!(p.security.checklist.as_ref().unwrap().len(), 1);
}

#[test]
fn an_oversized_or_binary_security_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("security")).unwrap();
    std::fs::write(dir.path().join("security/pti.toml"), [0xffu8, 0xfe, 0]).unwrap();
    let e = Plan::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("security/pti.toml:1:1: the security plan is not valid UTF-8"),
        "{e}"
    );
    let big = vec![b'#'; usize::try_from(MAX_PLAN_BYTES).unwrap() + 10];
    std::fs::write(dir.path().join("security/pti.toml"), big).unwrap();
    let e = Plan::load(dir.path()).unwrap_err().to_string();
    assert!(e.contains("larger than"), "{e}");
}

#[test]
fn the_templates_security_plan_examples_parse_when_uncommented() {
    let t = template("x", sef_model::OfferingKind::Product);
    let start = t.find("# The security plan").unwrap();
    let mut out = String::from(&t[..start]);
    for line in t[start..].lines() {
        let rest = line.strip_prefix("# ").unwrap_or("");
        let is_toml = rest.starts_with('[')
            || (rest.starts_with('"') && rest.contains("\" = "))
            || rest
                .split_once(" = ")
                .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        out.push_str(if is_toml { rest } else { line });
        out.push('\n');
    }
    let p = parse(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert!(p.security.pti.is_some());
    assert_eq!(p.security.checklist.as_ref().unwrap().len(), 1);
    assert_eq!(p.security.requirements.as_ref().unwrap().entries.len(), 1);
    assert_eq!(p.security.documentation.as_ref().unwrap().len(), 1);
    assert_eq!(p.security.team.as_ref().unwrap().members.len(), 1);
    assert_eq!(p.kpo.len(), 2);
    assert_eq!(p.checkpoints.disabled, ["qualify.packages-signed"]);
    assert_eq!(
        p.incident_response.as_ref().unwrap().contact,
        "psirt@example.com"
    );
    assert!(p.pending_sections.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every section file, fed arbitrary TOML-ish text, gives a plan or a
    /// located error, never a panic.
    #[test]
    fn section_files_never_panic(
        s in "[a-z_\\-\\.\\[\\]=\"' 0-9\n,{}]{0,240}",
        which in 0usize..5,
    ) {
        let section = crate::security::SECTIONS[which];
        let path = std::path::PathBuf::from(format!("security/{section}.toml"));
        let ctx = crate::ctx::Ctx { path: &path, display: format!("security/{section}.toml"), text: &s };
        if let Ok(raw) = crate::security::parse_section_file(&ctx, section) {
            let mut plan = SecurityPlan::default();
            let _ = crate::security::merge(&ctx, raw, &mut plan, &|_| String::new());
        }
    }

    #[test]
    fn inline_sections_never_panic(
        s in "\\[(pti|checklist\\.schedule|requirements|documentation|team)\\]\n[a-z_\\-\\.\\[\\]=\"' 0-9\n,{}]{0,200}",
    ) {
        let _ = parse(&format!("[offering]\nname = \"x\"\n{s}"));
    }
}

#[test]
fn checkpoints_and_incident_response_are_validated() {
    let p = with("[checkpoints]\nstrict = true\nthreat_model = \"docs/tm.md\"\ndisabled = [\"plan.threat-model-present\"]\nblock_severity = \"critical\"\n[incident_response]\ncontact = \"psirt@example.com\"\nprocess = \"docs/ir.md\"\n").unwrap();
    assert!(p.checkpoints.strict);
    assert_eq!(p.checkpoints.threat_model.as_deref(), Some("docs/tm.md"));
    assert_eq!(p.checkpoints.block_severity, sef_model::Severity::Critical);
    assert_eq!(p.incident_response.unwrap().process, "docs/ir.md");
    for (body, want) in [
        (
            "[checkpoints]\ndisabled = [\"plan.vibes\"]\n",
            "sef.toml:4:13: `plan.vibes` is not a gate criterion",
        ),
        (
            "[checkpoints]\nblock_severity = \"extreme\"\n",
            "unknown variant `extreme`",
        ),
        ("[checkpoints]\nsrict = true\n", "unknown field `srict`"),
        (
            "[incident_response]\ncontact = \"x\"\n",
            "missing field `process`",
        ),
        (
            "[incident_response]\ncontact = \"\"\nprocess = \"p\"\n",
            "`incident_response.contact` must not be empty",
        ),
    ] {
        let e = err_with(body);
        assert!(e.contains(want), "{body:?}\n  got: {e}\n want: {want}");
    }
}
