//! The importers on reports the real tools wrote (tests/fixtures/README.md
//! says where each comes from). The expected counts were worked out apart
//! from sef, with Python's json and xml.etree over the same files: one
//! finding per rule per place, false positives (ZAP confidence 0) left out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fixture;
use sef_model::Severity;
use sef_resilience::import::{self, Format, Imported};
use std::collections::HashSet;

fn read(name: &str) -> Imported {
    let text = fixture(name);
    let detected = Format::detect(&text);
    let imported = import::read(&text, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(Some(imported.format), detected, "{name}");
    imported
}

fn count(i: &Imported, s: Severity) -> usize {
    i.findings.iter().filter(|f| f.severity == s).count()
}

fn prints(i: &Imported) -> HashSet<String> {
    i.findings
        .iter()
        .map(|f| f.fingerprint.as_str().to_owned())
        .collect()
}

#[test]
fn zap_json_reports() {
    let b = read("zap-2.17.0-baseline.json");
    assert_eq!(b.format, Format::ZapJson);
    assert_eq!(b.tool, "ZAP 2.17.0");
    assert_eq!(b.findings.len(), 4);
    assert_eq!(
        (count(&b, Severity::Low), count(&b, Severity::Info)),
        (3, 1)
    );
    let x = b.findings.iter().find(|f| f.rule == "10037").unwrap();
    assert_eq!(x.cwe, Some(497));
    assert_eq!(x.location.as_deref(), Some("http://localhost:5132"));

    let full = read("zap-2.17.0-fullscan.json");
    assert_eq!(full.findings.len(), 14);
    assert_eq!(
        [
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info
        ]
        .map(|s| count(&full, s)),
        [2, 2, 7, 3]
    );
    // the same alert on the same site has the same fingerprint in both scans
    assert!(!prints(&b).is_disjoint(&prints(&full)));

    let older = read("zap-2.15.0-report.json");
    assert_eq!(older.tool, "ZAP 2.15.0");
    assert_eq!(older.findings.len(), 19);
    assert_eq!(
        [
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info
        ]
        .map(|s| count(&older, s)),
        [3, 6, 5, 5]
    );
    assert!(older.findings.iter().all(|f| f.instances >= 1));
}

#[test]
fn zap_api_alert_list() {
    let a = read("zap-api-alerts.json");
    assert_eq!(a.format, Format::ZapJson);
    // ten instances of two alerts on one site
    assert_eq!(a.findings.len(), 2);
    assert_eq!(a.findings.iter().map(|f| f.instances).sum::<usize>(), 10);
    assert!(a.findings.iter().all(|f| f.cwe.is_some()));
}

#[test]
fn zap_xml_reports_and_a_retest_pair() {
    let first = read("zap-2.10.0-first-scan.xml");
    assert_eq!(first.format, Format::ZapXml);
    assert_eq!(first.tool, "ZAP 2.10.0");
    assert_eq!(first.findings.len(), 15);
    let second = read("zap-2.10.0-second-scan.xml");
    assert_eq!(second.findings.len(), 18);
    let (a, b) = (prints(&first), prints(&second));
    assert_eq!(a.difference(&b).count(), 1, "gone in the second scan");
    assert_eq!(b.difference(&a).count(), 4, "new in the second scan");
    assert_eq!(a.intersection(&b).count(), 14);
    assert!(read("zap-2.9.0-empty.xml").findings.is_empty());
}

#[test]
fn zap_json_and_xml_of_one_alert_share_a_fingerprint() {
    let json = r#"{"@programName":"ZAP","@version":"2.10.0","site":[{"@name":"http://bodgeit.securecodebox-demo.svc:8080","alerts":[{"pluginid":"10031","alertRef":"10031","name":"x","riskcode":"0","confidence":"1","cweid":"20"}]}]}"#;
    let j = import::read(json, None).unwrap();
    let x = read("zap-2.10.0-first-scan.xml");
    assert!(prints(&x).contains(j.findings[0].fingerprint.as_str()));
}

#[test]
fn nuclei_outputs() {
    let old = read("nuclei-2.3-many.jsonl");
    assert_eq!(old.format, Format::Nuclei);
    assert_eq!(old.findings.len(), 18);
    assert_eq!(
        [Severity::Medium, Severity::Low, Severity::Info].map(|s| count(&old, s)),
        [1, 1, 16]
    );
    let newer = read("nuclei-2.3-many-new.jsonl");
    assert_eq!(newer.findings.len(), 2);
    assert!(prints(&old).is_disjoint(&prints(&newer)));

    let v3 = read("nuclei-v3.jsonl");
    assert_eq!(v3.findings.len(), 27);
    assert_eq!(
        [
            Severity::Critical,
            Severity::Medium,
            Severity::Low,
            Severity::Info
        ]
        .map(|s| count(&v3, s)),
        [1, 2, 1, 23]
    );
    assert!(v3.findings.iter().any(|f| f.cwe == Some(798)));

    let export = read("nuclei-v3-export.json");
    assert_eq!(export.findings.len(), 5);
    assert_eq!(count(&export, Severity::Info), 5);
}

#[test]
fn burp_exports() {
    let seven = read("burp-seven-findings.xml");
    assert_eq!(seven.format, Format::Burp);
    assert_eq!(seven.tool, "Burp Suite 1.6.05");
    assert_eq!(seven.findings.len(), 15);
    assert_eq!(count(&seven, Severity::Low), 2);
    let one = read("burp-one-finding-cwe.xml");
    assert_eq!(one.findings.len(), 1);
    assert_eq!(one.findings[0].cwe, Some(524));
    assert_eq!(one.findings[0].severity, Severity::Info);
}

#[test]
fn dast_sarif_through_the_sarif_reader() {
    let m = read("mayhem-api.sarif");
    assert_eq!(m.format, Format::Sarif);
    assert!(m.tool.starts_with("mAPI"), "{}", m.tool);
    assert!(!m.findings.is_empty());
    let combined = read("zap-nuclei-combined.sarif");
    assert!(!combined.findings.is_empty());
    // fingerprints are stable: reading twice gives the same set
    assert_eq!(
        prints(&combined),
        prints(&read("zap-nuclei-combined.sarif"))
    );
}

#[test]
fn web_locations_in_sarif_are_kept() {
    let sarif = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"ZAP","version":"2.16.1","rules":[{"id":"40012","properties":{"cwe":"CWE-79"}}]}},"results":[
      {"ruleId":"40012","level":"error","message":{"text":"XSS"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"https://shop.example.com/search?q=1"}}}]},
      {"ruleId":"40012","level":"error","message":{"text":"XSS"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"https://shop.example.com/cart"}}}]}]}]}"#;
    let i = import::read(sarif, Some(Format::Sarif)).unwrap();
    assert_eq!(i.findings.len(), 2, "two places, two findings");
    assert_eq!(
        i.findings[1].location.as_deref(),
        Some("https://shop.example.com/cart")
    );
}

#[test]
fn a_crashed_dast_run_is_refused() {
    let sarif = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"ZAP"}},"invocations":[{"executionSuccessful":false,"toolExecutionNotifications":[{"message":{"text":"target unreachable"},"level":"error"}]}],"results":[]}]}"#;
    let e = import::read(sarif, None).unwrap_err();
    assert!(e.message.contains("did not run to completion"), "{e}");
}

#[test]
fn zaps_own_report_templates_agree_across_json_and_xml() {
    let j = read("zap-reports-addon-traditional.json");
    let x = read("zap-reports-addon-traditional.xml");
    assert_eq!((j.format, x.format), (Format::ZapJson, Format::ZapXml));
    assert_eq!(j.findings.len(), 1);
    assert_eq!(j.findings, x.findings);
    let f = &j.findings[0];
    assert_eq!(
        (f.severity, f.cwe, f.instances),
        (Severity::High, Some(123), 2)
    );
    assert_eq!(f.location.as_deref(), Some("http://example.com"));
}
