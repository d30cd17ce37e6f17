//! Stub detection, section lookup and role coverage.

use super::*;

const PROSE: &str = "The service listens on port 8443 only and requires TLS 1.3 from every client. \
Administrators rotate the signing key every ninety days with the rotate command; the old key stays \
valid for one day so that tokens in flight are still accepted. Logs go to the central collector over \
an authenticated channel and are kept for one year.";

#[test]
fn headings_placeholders_code_and_comments_are_not_prose() {
    let stub = "# Deployment\n\n## Hardening\n\nTODO\n\n## Settings\n\nTBD\n<!-- write this later, it will be long and detailed and explain everything in full -->\n```\nlots of code words here that do not count at all because they are code inside a fence\n```\n";
    assert_eq!(classify(stub, None, Markup::Markdown), FileState::Stub);
    assert!(prose_words(stub) < 5, "{}", prose_words(stub));
    let written = format!("# Deployment\n\n{PROSE}\n");
    assert_eq!(
        classify(&written, None, Markup::Markdown),
        FileState::Written
    );
    assert_eq!(classify("", None, Markup::Markdown), FileState::Stub);
}

#[test]
fn a_section_is_checked_on_its_own() {
    let doc = format!(
        "# Guide\n\n## Install\n\n{PROSE}\n\n## Security\n\nTODO\n\n### Details\n\nfew words\n\n## Other\n\n{PROSE}\n"
    );
    assert_eq!(
        classify(&doc, Some("Install"), Markup::Markdown),
        FileState::Written
    );
    assert_eq!(
        classify(&doc, Some("security"), Markup::Markdown),
        FileState::Stub
    );
    assert_eq!(
        classify(&doc, Some("Nope"), Markup::Markdown),
        FileState::SectionMissing
    );
    // a subsection belongs to its parent
    let doc2 = format!("## Security\n\n### Details\n\n{PROSE}\n## Next\n");
    assert_eq!(
        classify(&doc2, Some("Security"), Markup::Markdown),
        FileState::Written
    );
}

#[test]
fn hash_without_space_is_not_a_heading() {
    assert_eq!(heading("#hashtag"), None);
    assert_eq!(heading("## Title ##"), Some((2, "Title")));
    assert_eq!(heading("####### seven"), None);
}

fn entry(topic: &'static str, files: &[&str]) -> PlanEntry {
    PlanEntry {
        topic,
        files: files.iter().map(|s| (*s).to_owned()).collect(),
        not_applicable: None,
        origin: Origin {
            file: "security/documentation.toml".into(),
            line: 4,
        },
    }
}

fn states(f: &str) -> FileState {
    match f {
        "docs/ok.md" => FileState::Written,
        "docs/stub.md" => FileState::Stub,
        "docs/ok.md#Nope" => FileState::SectionMissing,
        _ => FileState::Missing,
    }
}

#[test]
fn tier_decides_the_required_topics() {
    let (e, _) = evaluate(Tier::LOW, &[], &states);
    assert_eq!(e.required, 3);
    assert_eq!(e.completeness, Completeness::Missing);
    let (e, _) = evaluate(Tier::CRITICAL, &[], &states);
    assert_eq!(e.required, 8);
}

#[test]
fn coverage_per_role_and_warnings_with_lines() {
    let entries = vec![
        entry("security-architecture", &["docs/ok.md"]),
        entry("deployment", &["docs/ok.md", "docs/stub.md"]),
        entry("operations", &["docs/gone.md"]),
    ];
    let (e, w) = evaluate(Tier::LOW, &entries, &states);
    assert_eq!(e.covered, 1);
    assert_eq!(e.completeness, Completeness::Partial);
    assert_eq!(w.len(), 2);
    assert!(w[0].to_string().starts_with(
        "security/documentation.toml:4: documentation topic `deployment`: `docs/stub.md` is a stub"
    ));
    let arch = e
        .roles
        .iter()
        .find(|r| r.role == Role::SecurityArchitect)
        .unwrap();
    assert_eq!((arch.expected, arch.covered), (1, 1));
    let integ = e
        .roles
        .iter()
        .find(|r| r.role == Role::SystemIntegrator)
        .unwrap();
    assert_eq!((integ.expected, integ.covered), (2, 0));
    let auditor = e
        .roles
        .iter()
        .find(|r| r.role == Role::SystemAuditor)
        .unwrap();
    assert_eq!((auditor.expected, auditor.covered), (1, 0));
}

#[test]
fn complete_with_not_applicable() {
    let mut entries: Vec<PlanEntry> = TOPICS
        .iter()
        .map(|t| entry(t.id, &["docs/ok.md"]))
        .collect();
    entries[7].files.clear();
    entries[7].not_applicable = Some("internal tool, no certification".into());
    let (e, w) = evaluate(Tier::CRITICAL, &entries, &states);
    assert!(w.is_empty());
    assert_eq!(e.completeness, Completeness::Complete);
    assert!(e.roles.iter().all(|r| r.covered == r.expected));
}

#[test]
fn every_role_needs_some_topic() {
    for r in Role::ALL {
        assert!(TOPICS.iter().any(|t| t.roles.contains(r)), "{r}");
    }
    for t in &TOPICS {
        assert_eq!(topic(t.id), Some(t));
    }
}

proptest::proptest! {
    #[test]
    fn stub_detection_never_panics(s in "\\PC{0,400}", h in "\\PC{0,20}") {
        let _ = classify(&s, None, Markup::ReStructuredText);
        let _ = classify(&s, Some(&h), Markup::AsciiDoc);
    }

    #[test]
    fn markdown_like_text_never_panics(s in "[#<!\\-> a-zA-Z`~\n]{0,300}") {
        let _ = prose_words(&s);
        let _ = classify(&s, Some("a"), Markup::Markdown);
    }
}
