use super::*;

const GOOD: &str = r#"title = "External web test"
tester = "Acme Security"
tester_kind = "external"
method = "grey-box"
started = 2026-11-02
completed = 2026-11-13
release = "2.4.0"
scope = ["component:api", "endpoint:https://Shop.example.com"]

[report]
file = "security/tests/reports/acme.pdf"
sha256 = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"

[[finding]]
id = "F-1"
title = "SQL injection in search"
severity = "high"
cwe = 89
location = "https://shop.example.com/search"

[[finding]]
id = "F-2"
title = "Verbose errors"
severity = "low"

[[retest]]
date = 2026-11-20
fixed = ["F-1"]
open = ["F-2"]

[[retest]]
date = 2026-11-25
open = ["F-1"]
"#;

fn err(text: &str) -> RecordError {
    parse("t1", "security/tests/t1.toml", text).unwrap_err()
}

#[test]
fn a_whole_record_reads() {
    let r = parse("acme-2026", "security/tests/acme-2026.toml", GOOD).unwrap();
    assert_eq!(r.tester_kind, TesterKind::External);
    assert_eq!(r.method, Method::GreyBox);
    assert_eq!(r.scope[1], "endpoint:https://shop.example.com/");
    assert_eq!(r.report.as_ref().unwrap().sha256.len(), 64);
    assert!(
        r.report
            .as_ref()
            .unwrap()
            .sha256
            .chars()
            .all(|c| !c.is_ascii_uppercase())
    );
    assert_eq!(r.findings[0].cwe, Some(89));
    assert_eq!(r.findings[0].source, "manual");
    assert_eq!(
        r.findings[0].fingerprint,
        manual_fingerprint("acme-2026", "F-1")
    );
    // the later retest found F-1 open again
    assert_eq!(r.state_of("F-1"), State::Open);
    assert_eq!(r.state_of("F-2"), State::Open);
}

#[test]
fn the_latest_retest_decides() {
    let text = GOOD.replace(
        "date = 2026-11-25\nopen = [\"F-1\"]",
        "date = 2026-11-18\nopen = [\"F-1\"]",
    );
    let r = parse("t", "t.toml", &text).unwrap();
    assert_eq!(
        r.state_of("F-1"),
        State::Fixed(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap())
    );
}

#[test]
fn errors_name_file_line_and_column() {
    let e = err(&GOOD.replace("method = \"grey-box\"", "method = \"pink-box\""));
    assert_eq!((e.line, e.column), (4, 10), "{e}");
    assert!(
        e.to_string()
            .starts_with("security/tests/t1.toml:4:10: `method` is"),
        "{e}"
    );

    let e = err(&GOOD.replace("severity = \"low\"", "severity = \"urgent\""));
    assert_eq!(e.line, 24, "{e}");

    let e = err(&GOOD.replace("fixed = [\"F-1\"]", "fixed = [\"F-9\"]"));
    assert!(e.message.contains("`F-9`"), "{e}");
    assert_eq!(e.line, 28, "{e}");

    let e = err(&GOOD.replace("completed = 2026-11-13", "completed = 2026-10-13"));
    assert!(e.message.contains("before `started`"), "{e}");

    let e = err(&GOOD.replace(
        "scope = [\"component:api\", \"endpoint:https://Shop.example.com\"]",
        "scope = []",
    ));
    assert!(e.message.contains("`scope` must name"), "{e}");

    let e = err(&GOOD.replace("component:api", "api"));
    assert!(e.message.contains("no kind"), "{e}");

    let e = err(&GOOD.replace("cwe = 89", "cwe = -3"));
    assert!(e.message.contains("CWE number"), "{e}");

    let e = err(&GOOD.replace("id = \"F-2\"", "id = \"F-1\""));
    assert!(e.message.contains("two findings"), "{e}");

    let e = err(&GOOD.replace("9F86D081", "XYZ"));
    assert!(e.message.contains("SHA-256"), "{e}");

    let e = err(&GOOD.replace("started = 2026-11-02", "started = 2026-11-02T10:00:00"));
    assert!(e.message.contains("without a time"), "{e}");

    let e = err(&format!("{GOOD}\nsurprise = 1\n"));
    assert!(e.message.contains("surprise"), "{e}");

    let e = err("title = \"x\"\n");
    assert!(e.message.contains("missing field"), "{e}");

    let e = parse("bad id", "security/tests/bad id.toml", GOOD).unwrap_err();
    assert!(e.message.contains("test id"), "{e}");
}
