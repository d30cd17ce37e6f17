//! The organisation's policy: read with errors at their line, inherited by
//! plans that leave a setting out, tightened freely, loosened only where it
//! allows, locked criteria kept on, training added, objectives floored.

use super::*;
use crate::policy::{OrgPolicy, at_least_as_strict};
use sef_model::Severity;
use sef_process::Tier;
use sef_process::kpi::kpo::Target;

const POLICY: &str = r#"[policy]
name = "board"
version = "2026.12"

[checkpoints]
block_severity = "high"
dev_block_severity = "critical"
unknown_severity = "high"
acceptance_max_days = 90
strict = true
locked = ["develop.no-open-high-findings"]

[kpo]
"post-release.time-to-resolution" = 30

[kpo.tier-4]
"post-release.time-to-resolution" = 10

[training]
developer = ["secure-coding", "security-fundamentals"]

[loosen]
checkpoints = ["acceptance_max_days"]
"#;

fn policy() -> OrgPolicy {
    OrgPolicy::parse(Path::new("policy.toml"), POLICY).unwrap()
}

fn reference(p: &OrgPolicy) -> sef_model::PolicyRef {
    sef_model::PolicyRef {
        name: p.name.clone(),
        version: p.version.clone(),
        digest: p.digest.clone(),
        source: "test".into(),
        key_id: "k".into(),
        locked: p.checkpoints.locked.clone(),
    }
}

fn under(plan_text: &str) -> Result<Plan, Vec<String>> {
    let mut plan = Plan::from_texts(&[("sef.toml".to_owned(), plan_text.to_owned())]).unwrap();
    let p = policy();
    plan.apply_policy(&p, reference(&p))
        .map(|()| plan)
        .map_err(|v| v.0)
}

#[test]
fn a_policy_reads_and_its_errors_name_the_line() {
    let p = policy();
    assert_eq!((p.name.as_str(), p.version.as_str()), ("board", "2026.12"));
    assert_eq!(p.digest.len(), 64);
    assert_eq!(p.checkpoints.block_severity, Some(Severity::High));
    assert_eq!(p.checkpoints.locked, vec!["develop.no-open-high-findings"]);
    assert_eq!(p.kpo_tiers.len(), 1);
    for (bad, line, what) in [
        (
            POLICY.replace("\"high\"\ndev", "\"extreme\"\ndev"),
            6,
            "extreme",
        ),
        (POLICY.replace("= 90", "= 0"), 9, "1 to 3650"),
        (
            POLICY.replace("develop.no-open-high-findings", "develop.nothing"),
            11,
            "not a gate criterion",
        ),
        (
            POLICY.replace("[kpo.tier-4]", "[kpo.tier-9]"),
            16,
            "tier-1 to tier-4",
        ),
        (
            POLICY.replace("\"secure-coding\", ", "\"juggling\", "),
            20,
            "not a built-in course",
        ),
        (
            POLICY.replace(
                "[loosen]\ncheckpoints = [\"acceptance_max_days\"]",
                "[loosen]\ncheckpoints = [\"colour\"]",
            ),
            23,
            "the keys are",
        ),
        (POLICY.replace("name = \"board\"\n", ""), 1, "name"),
        (format!("{POLICY}\n[surprise]\nx = 1\n"), 25, "surprise"),
    ] {
        let e = OrgPolicy::parse(Path::new("policy.toml"), &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!("policy.toml:{line}:")), "{what}: {e}");
        assert!(e.contains(what), "{what}: {e}");
    }
}

#[test]
fn a_plan_that_sets_nothing_inherits_the_policy() {
    let plan = under("[offering]\nname = \"pay\"\n").unwrap();
    let c = &plan.checkpoints;
    assert_eq!(c.block_severity, Severity::High);
    assert_eq!(c.dev_block_severity, Some(Severity::Critical));
    assert_eq!(c.unknown_severity, Some(Severity::High));
    assert_eq!(c.acceptance_max_days, Some(90));
    assert!(c.strict);
    assert_eq!(c.locked, vec!["develop.no-open-high-findings"]);
    assert_eq!(plan.policy.as_ref().unwrap().reference.name, "board");
}

#[test]
fn a_plan_may_tighten_everything() {
    let plan = under(
        "[offering]\nname = \"pay\"\n[checkpoints]\nblock_severity = \"medium\"\ndev_block_severity = \"high\"\n\
         unknown_severity = \"critical\"\nacceptance_max_days = 30\nstrict = true\n",
    )
    .unwrap();
    let c = &plan.checkpoints;
    assert_eq!(c.block_severity, Severity::Medium);
    assert_eq!(c.dev_block_severity, Some(Severity::High));
    assert_eq!(c.unknown_severity, Some(Severity::Critical));
    assert_eq!(c.acceptance_max_days, Some(30));
}

#[test]
fn a_plan_that_loosens_what_the_policy_locks_is_refused_at_each_line() {
    let text = "[offering]\nname = \"pay\"\n[checkpoints]\nblock_severity = \"critical\"\n\
                dev_block_severity = \"unknown\"\nunknown_severity = \"low\"\nstrict = false\n\
                disabled = [\"develop.no-open-high-findings\"]\n";
    let v = under(text).unwrap_err();
    assert_eq!(v.len(), 5, "{v:#?}");
    for (line, what) in [
        (4, "block_severity = \"critical\""),
        (5, "dev_block_severity"),
        (6, "unknown_severity = \"low\""),
        (7, "strict = false"),
        (8, "disables `develop.no-open-high-findings`"),
    ] {
        assert!(
            v.iter()
                .any(|m| m.starts_with(&format!("sef.toml:{line}: ")) && m.contains(what)),
            "line {line} {what}: {v:#?}"
        );
    }
    assert!(v[0].contains("policy `board` 2026.12"), "{v:#?}");
}

#[test]
fn a_plan_may_loosen_only_what_the_policy_lets_it() {
    // acceptance_max_days is listed under [loosen]
    let plan =
        under("[offering]\nname = \"pay\"\n[checkpoints]\nacceptance_max_days = 365\n").unwrap();
    assert_eq!(plan.checkpoints.acceptance_max_days, Some(365));
    let without = POLICY.replace("[loosen]\ncheckpoints = [\"acceptance_max_days\"]\n", "");
    let p = OrgPolicy::parse(Path::new("policy.toml"), &without).unwrap();
    let mut plan = Plan::from_texts(&[(
        "sef.toml".to_owned(),
        "[offering]\nname = \"pay\"\n[checkpoints]\nacceptance_max_days = 365\n".to_owned(),
    )])
    .unwrap();
    let v = plan.apply_policy(&p, reference(&p)).unwrap_err().0;
    assert!(
        v[0].starts_with("sef.toml:4: acceptance_max_days = 365")
            && v[0].contains("at most 90 days"),
        "{v:?}"
    );
    assert!(plan.policy.is_none(), "a refused plan carries no policy");
}

#[test]
fn the_policys_training_is_added_to_the_teams() {
    let mut plan = Plan::from_texts(&[(
        "sef.toml".to_owned(),
        "[offering]\nname = \"pay\"\n".to_owned(),
    )])
    .unwrap();
    let team = sef_process::education::Team {
        required: vec![(
            sef_process::education::TeamRole::Developer,
            vec!["secure-design".into()],
        )],
        ..Default::default()
    };
    plan.security.team = Some(team);
    let p = policy();
    plan.apply_policy(&p, reference(&p)).unwrap();
    let t = plan.security.team.unwrap();
    let dev = t.required_for(sef_process::education::TeamRole::Developer);
    assert_eq!(
        dev,
        vec!["secure-design", "secure-coding", "security-fundamentals"]
    );
}

#[test]
fn objectives_take_the_stricter_of_plan_and_policy_per_tier() {
    let p = policy();
    let plan = Plan::from_texts(&[(
        "sef.toml".to_owned(),
        "[offering]\nname = \"pay\"\n[kpo]\n\"post-release.time-to-resolution\" = 20\n".to_owned(),
    )])
    .unwrap();
    let find = |objs: &[sef_process::kpi::kpo::Objective]| {
        objs.iter()
            .find(|o| o.kpi == "post-release.time-to-resolution")
            .unwrap()
            .target
    };
    // tier 2: the policy asks <= 30 days, the plan <= 20: the plan's is stricter
    let (objs, notes) = p.objectives(Tier::MODERATE, &plan.kpo);
    assert_eq!(find(&objs), Target::AtMost(20.0));
    assert!(notes.is_empty());
    // tier 4: the policy asks <= 10 days: the plan's 20 is looser and overruled
    let (objs, notes) = p.objectives(Tier::CRITICAL, &plan.kpo);
    assert_eq!(find(&objs), Target::AtMost(10.0));
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("looser than policy `board` 2026.12 allows for tier 4"));
    assert!(at_least_as_strict(
        &Target::AtLeast(95.0),
        &Target::AtLeast(90.0)
    ));
    assert!(!at_least_as_strict(
        &Target::AtMost(40.0),
        &Target::AtMost(30.0)
    ));
}

proptest! {
    #[test]
    fn any_text_is_read_or_refused_with_a_line(text in "\\PC{0,400}") {
        if let Err(e) = OrgPolicy::parse(Path::new("p.toml"), &text) {
            prop_assert!(e.to_string().starts_with("p.toml:"), "{e}");
        }
    }

    #[test]
    fn a_damaged_policy_never_panics(cut in 0usize..POLICY.len(), byte in any::<u8>()) {
        let mut b = POLICY.as_bytes().to_vec();
        b[cut] = byte;
        if let Ok(t) = String::from_utf8(b) {
            let _ = OrgPolicy::parse(Path::new("p.toml"), &t);
        }
    }
}
